"""Errors a resolver raises for a request that cannot be answered, each with a stable code.

Mutations report expected failures as data (typed errors in their payloads). What remains —
bad arguments to a query, the database being away — is raised as :class:`ApiError` (or comes
up as a :class:`graph.errors.GraphError`) and reaches the client as a GraphQL error whose
``extensions.code`` says what happened. Anything else is a bug and is masked.
"""

from __future__ import annotations

from core.messages import Text


class ApiError(Exception):
    """A request error the client can act on; ``code`` goes to ``extensions.code``."""

    def __init__(self, code: str, message: Text) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def bad_input(message: Text) -> ApiError:
    return ApiError("BAD_USER_INPUT", message)
