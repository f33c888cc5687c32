"""The GraphQL schema: Strawberry types, inputs, enums and errors; roots that only delegate."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

import strawberry
from graphql import ASTValidationRule, GraphQLError, NoSchemaIntrospectionCustomRule
from strawberry.extensions import AddValidationRules, MaxTokensLimiter, ParserCache, ValidationCache
from strawberry.extensions.max_aliases import create_validator as alias_validator
from strawberry.extensions.query_depth_limiter import create_validator as depth_validator
from strawberry.schema.config import StrawberryConfig

from core.access import Role
from schema.actor import ACTOR_TYPES
from schema.cost import CostLimit
from schema.deadline import Deadline, DeadlineExecution
from schema.errors import ErrorCodes, coded
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
    # The most objects (schema/cost.py) one operation may ask for, per role.
    budgets: Mapping[Role, int] = field(default_factory=lambda: dict(DEFAULT_BUDGETS))


# Public: a page of 100 actors with 100 partners each, or two ego networks, or the whole network
# as `json`. Researchers and managers: the whole network with typed nodes and edges. Admins: more.
DEFAULT_BUDGETS: Mapping[Role, int] = {
    Role.PUBLIC: 25_000,
    Role.RESEARCHER: 100_000,
    Role.MANAGER: 100_000,
    Role.ADMIN: 500_000,
}


class ParseOnce(ParserCache):
    """Strawberry's parser cache, except that a document that does not parse is left to
    Strawberry's own parse: raised from this hook, the syntax error would bypass the other
    extensions (and so leave without its ``extensions.code``); raised there, it is a result."""

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        with contextlib.suppress(GraphQLError):
            context.graphql_document = self.cached_parse_document(context.query, **context.parse_options)
        yield


def build_schema(limits: Limits = Limits()) -> strawberry.Schema:
    # The rule classes are built once: the validation cache keys on them, so rules made anew
    # for each request would make every validation a cache miss.
    rules: list[type[ASTValidationRule]] = [
        coded(depth_validator(limits.max_depth, should_ignore=None), "QUERY_TOO_DEEP"),
        coded(alias_validator(limits.max_aliases), "TOO_MANY_ALIASES"),
    ]
    if not limits.introspection:
        rules.append(coded(NoSchemaIntrospectionCustomRule, "INTROSPECTION_DISABLED"))
    return strawberry.Schema(
        query=Query,
        mutation=Mutation,
        # Types reachable only through interfaces must be named so clients can select on them.
        types=[*ACTOR_TYPES, *ERROR_TYPES],
        config=StrawberryConfig(auto_camel_case=True),
        execution_context_class=DeadlineExecution,
        extensions=[
            ErrorCodes,
            lambda: MaxTokensLimiter(max_token_count=limits.max_tokens),
            lambda: AddValidationRules(rules),
            # Parsing and validating a query costs milliseconds; clients repeat the same queries.
            # Both caches live at module level (keyed by size), so per-request factories share them.
            lambda: ParseOnce(maxsize=256),
            lambda: ValidationCache(maxsize=256),
            # After validation, before execution: refuse what the caller's role may not afford.
            lambda: CostLimit(limits.budgets),
            Deadline,
        ],
    )


def export_sdl() -> str:
    """The schema as SDL, exactly as committed in ``schema.graphql``."""
    return build_schema().as_str() + "\n"
