"""The GraphQL schema: Strawberry types, inputs, enums and errors; roots that only delegate."""

from __future__ import annotations

from dataclasses import dataclass

import strawberry
from graphql import ASTValidationRule, NoSchemaIntrospectionCustomRule
from strawberry.extensions import AddValidationRules, MaxTokensLimiter, ParserCache, ValidationCache
from strawberry.extensions.max_aliases import create_validator as alias_validator
from strawberry.extensions.query_depth_limiter import create_validator as depth_validator
from strawberry.schema.config import StrawberryConfig

from schema.actor import ACTOR_TYPES
from schema.errors import ErrorCodes
from schema.mutation import Mutation
from schema.query import Query
from schema.user_errors import ERROR_TYPES


@dataclass(frozen=True)
class Limits:
    """What a GraphQL document may ask for."""

    max_depth: int = 15
    max_aliases: int = 30
    max_tokens: int = 5000
    introspection: bool = True


def build_schema(limits: Limits = Limits()) -> strawberry.Schema:
    # The rule classes are built once: the validation cache keys on them, so rules made anew
    # for each request would make every validation a cache miss.
    rules: list[type[ASTValidationRule]] = [
        depth_validator(limits.max_depth, should_ignore=None),
        alias_validator(limits.max_aliases),
    ]
    if not limits.introspection:
        rules.append(NoSchemaIntrospectionCustomRule)
    return strawberry.Schema(
        query=Query,
        mutation=Mutation,
        # Types reachable only through interfaces must be named so clients can select on them.
        types=[*ACTOR_TYPES, *ERROR_TYPES],
        config=StrawberryConfig(auto_camel_case=True),
        extensions=[
            ErrorCodes,
            lambda: MaxTokensLimiter(max_token_count=limits.max_tokens),
            lambda: AddValidationRules(rules),
            # Parsing and validating a query costs milliseconds; clients repeat the same queries.
            # Both caches live at module level (keyed by size), so per-request factories share them.
            lambda: ParserCache(maxsize=256),
            lambda: ValidationCache(maxsize=256),
        ],
    )


def export_sdl() -> str:
    """The schema as SDL, exactly as committed in ``schema.graphql``."""
    return build_schema().as_str() + "\n"
