"""How errors leave the API: every one with ``extensions.code``, unknown ones masked.

| where it arose                         | code                                               |
|----------------------------------------|----------------------------------------------------|
| parsing the document                   | ``GRAPHQL_PARSE_FAILED`` (``TOO_MANY_TOKENS``)     |
| validating it                          | ``GRAPHQL_VALIDATION_FAILED``, or the limit's own: |
|                                        | ``QUERY_TOO_DEEP``, ``TOO_MANY_ALIASES``,          |
|                                        | ``INTROSPECTION_DISABLED``                         |
| estimating its cost                    | ``QUERY_TOO_COSTLY``                               |
| coercing the variables                 | ``BAD_USER_INPUT``                                 |
| running past the deadline              | ``REQUEST_TIMEOUT``                                |
| a resolver: :class:`ApiError`,         | the error's own code                               |
| :class:`GraphError`                    |                                                    |
| anything else                          | ``INTERNAL_SERVER_ERROR``, message masked          |

Errors raised by resolvers keep their message only when they are ours (:class:`ApiError`, the
graph layer's :class:`GraphError`); every other exception becomes "Internal server error" so
that no stack trace, driver message or Cypher text reaches a client. The original is logged.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from graphql import ASTValidationRule, GraphQLSyntaxError, ValidationContext
from graphql.error import GraphQLError
from strawberry.extensions import MaskErrors

from core.messages import localized
from graph.errors import GraphError
from resolvers.errors import ApiError
from schema.deadline import CURRENT, TIMED_OUT, DeadlinePassed

log = logging.getLogger("kiezgraph.errors")

INTERNAL = "Internal server error"
# graphql-core's parser reports a document over ``max_tokens`` as a syntax error with this text.
_TOKEN_LIMIT = "tokens. Parsing aborted."


def with_code(error: GraphQLError, code: str) -> GraphQLError:
    """``error`` with ``extensions.code`` set, unless it has one already."""
    if not (error.extensions or {}).get("code"):
        error.extensions = {**(error.extensions or {}), "code": code}
    return error


class _CodingContext:
    """A validation context that gives every error reported through it ``code``."""

    def __init__(self, context: ValidationContext, code: str) -> None:
        self._context = context
        self._code = code

    def report_error(self, error: GraphQLError) -> None:
        self._context.report_error(with_code(error, self._code))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._context, name)


def coded(rule: type[ASTValidationRule], code: str) -> type[ASTValidationRule]:
    """``rule`` with ``code`` on the errors it reports (Strawberry's limit rules report straight
    to the validation context, so the context is what is wrapped)."""

    class Coded(rule):  # type: ignore[valid-type, misc]  # subclassing a rule class given at run time
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(_CodingContext(context, code))

    Coded.__name__ = f"Coded{rule.__name__}"
    return Coded


def _should_rewrite(error: GraphQLError) -> bool:
    return error.original_error is not None


class ErrorCodes(MaskErrors):
    def __init__(self) -> None:
        super().__init__(should_mask_error=_should_rewrite, error_message=INTERNAL)
        self._validation_errors: set[int] = set()

    def on_validate(self) -> Iterator[None]:
        yield
        self._validation_errors = {id(e) for e in self.execution_context.pre_execution_errors or ()}

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        return [self._coded(e) for e in super()._process_errors(errors)]

    def _process_result(self, result: Any) -> None:
        # MaskErrors asks `isinstance` of a runtime-checkable Protocol here, which walks the
        # protocol's members on every request; every result handed here has `errors`.
        errors = getattr(result, "errors", None)
        if errors:
            result.errors = self._process_errors(errors)

    def _coded(self, error: GraphQLError) -> GraphQLError:
        if (error.extensions or {}).get("code"):
            return error
        if isinstance(error, GraphQLSyntaxError):
            return with_code(error, "TOO_MANY_TOKENS" if _TOKEN_LIMIT in error.message else "GRAPHQL_PARSE_FAILED")
        if id(error) in self._validation_errors:
            return with_code(error, "GRAPHQL_VALIDATION_FAILED")
        if error.path is None:
            # Before any field ran: the variables (or the operation asked for) do not fit.
            return with_code(error, "BAD_USER_INPUT")
        # graphql-core found a resolved value it cannot return: a bug of ours, never the client's.
        log.error("invalid result at %s: %s", error.path, error.message)
        return self._masked(error)

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        original = error.original_error
        if isinstance(original, ApiError):
            return self._rebuilt(error, localized(original.message), original.code)
        if isinstance(original, GraphError):
            return self._rebuilt(error, str(original), original.code)
        if isinstance(original, DeadlinePassed):
            limit = CURRENT.get()
            return self._rebuilt(error, localized(TIMED_OUT(seconds=limit.seconds if limit else 0)), "REQUEST_TIMEOUT")
        if error.path is None and isinstance(original, GraphQLError):
            # A variable's value that does not fit its type: graphql-core says which and why.
            return self._rebuilt(error, error.message, "BAD_USER_INPUT")
        log.error("unexpected error in %s", error.path, exc_info=original)
        return self._masked(error)

    def _masked(self, error: GraphQLError) -> GraphQLError:
        return self._rebuilt(error, self.error_message, "INTERNAL_SERVER_ERROR")

    @staticmethod
    def _rebuilt(error: GraphQLError, message: str, code: str) -> GraphQLError:
        return GraphQLError(
            message=message,
            nodes=error.nodes,
            source=error.source,
            positions=error.positions,
            path=error.path,
            original_error=None,
            extensions={"code": code},
        )
