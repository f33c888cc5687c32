"""How errors leave the API: known ones with ``extensions.code``, unknown ones masked.

Validation and syntax errors pass unchanged (they carry no exception). Errors raised by
resolvers keep their message only when they are ours (:class:`ApiError`, the graph layer's
:class:`GraphError`); every other exception becomes "Internal server error" so that no stack
trace, driver message or Cypher text reaches a client. The original is logged server-side.
"""

from __future__ import annotations

import logging

from graphql.error import GraphQLError
from strawberry.extensions import MaskErrors

from graph.errors import GraphError
from resolvers.errors import ApiError

log = logging.getLogger("kiezgraph.errors")


def _should_rewrite(error: GraphQLError) -> bool:
    return error.original_error is not None


class ErrorCodes(MaskErrors):
    def __init__(self) -> None:
        super().__init__(should_mask_error=_should_rewrite, error_message="Internal server error")

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        original = error.original_error
        if isinstance(original, ApiError):
            message, code = original.message, original.code
        elif isinstance(original, GraphError):
            message, code = str(original), original.code
        else:
            log.error("unexpected error in %s", error.path, exc_info=original)
            message, code = self.error_message, "INTERNAL_SERVER_ERROR"
        return GraphQLError(
            message=message,
            nodes=error.nodes,
            source=error.source,
            positions=error.positions,
            path=error.path,
            original_error=None,
            extensions={"code": code},
        )
