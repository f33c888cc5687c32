"""The GraphQL schema: Strawberry types, inputs, enums and errors; roots that only delegate."""

from __future__ import annotations

import strawberry
from strawberry.extensions import ParserCache, ValidationCache
from strawberry.schema.config import StrawberryConfig

from schema.actor import ACTOR_TYPES
from schema.errors import ErrorCodes
from schema.mutation import Mutation
from schema.query import Query
from schema.user_errors import ERROR_TYPES


def build_schema() -> strawberry.Schema:
    return strawberry.Schema(
        query=Query,
        mutation=Mutation,
        # Types reachable only through interfaces must be named so clients can select on them.
        types=[*ACTOR_TYPES, *ERROR_TYPES],
        config=StrawberryConfig(auto_camel_case=True),
        # Parsing and validating a query costs milliseconds; clients repeat the same queries.
        # Both caches live at module level (keyed by size), so per-request factories share them.
        extensions=[ErrorCodes, lambda: ParserCache(maxsize=256), lambda: ValidationCache(maxsize=256)],
    )


def export_sdl() -> str:
    """The schema as SDL, exactly as committed in ``schema.graphql``."""
    return build_schema().as_str() + "\n"
