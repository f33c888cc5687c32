"""The GraphQL schema: Strawberry types, inputs, enums and errors; roots that only delegate."""

from __future__ import annotations

import contextlib
import functools
import threading
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import strawberry
from graphql import ASTValidationRule, DocumentNode, GraphQLError, GraphQLSchema, NoSchemaIntrospectionCustomRule, parse
from strawberry.extensions import SchemaExtension
from strawberry.extensions.max_aliases import create_validator as alias_validator
from strawberry.extensions.query_depth_limiter import create_validator as depth_validator
from strawberry.schema.config import StrawberryConfig
from strawberry.schema.schema import validate_document

from core.access import Role
from schema.changes import REVISION_SCALAR, Revision
from schema.cost import refuse_if_costly
from schema.deadline import lift_for_mutations
from schema.errors import ErrorCodes, coded
from schema.execution import Execution
from schema.mutation import Mutation
from schema.query import Query
from schema.subscription import Subscription
from schema.timing import ServerTiming
from schema.types import ACTOR_TYPES
from schema.user_errors import ERROR_TYPES


@dataclass(frozen=True)
class Limits:
    """What a GraphQL document may ask for (kiezgraph/settings.py declares the values)."""

    max_depth: int
    max_aliases: int
    max_tokens: int
    introspection: bool
    # The most objects (schema/cost.py) one operation may ask for, per role.
    budgets: Mapping[Role, int]


# Documents by their text (and parse options), the most recently used kept: every request with the
# same text is handed the same DocumentNode, which the validation cache and the executor's plans
# (schema/execution.py) key on. Parsing a query costs milliseconds; clients repeat the same queries.
_parsed = functools.lru_cache(maxsize=256)(parse)


class _Validated:
    """Validation results by the identity of the schema, the document and each rule, the most
    recently used kept (LRU). Each entry holds its schema, document and rules, so an id in a key is never
    reused while the entry lives; the execution lanes are threads, hence the lock."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: OrderedDict[tuple[int, int, tuple[Any, ...]], tuple[Any, ...]] = OrderedDict()
        self._lock = threading.Lock()

    def errors(self, schema: GraphQLSchema, document: DocumentNode, rules: tuple[Any, ...]) -> list[GraphQLError]:
        # The rules' tuple is made anew per request (Strawberry's default rules, then ours): a tuple
        # of classes hashes and compares by the classes' identity, so equal rules find one entry.
        key = (id(schema), id(document), rules)
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
                return list(found[3])
        errors = validate_document(schema, document, rules)
        with self._lock:
            self._entries[key] = (schema, document, rules, errors)
            if len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return list(errors)


_VALIDATED = _Validated(256)


class Prepared(SchemaExtension):
    """A document made ready to execute, with what repeats across requests done once.

    - **Limits**: the most tokens a document may have (as Strawberry's ``MaxTokensLimiter``
      sets it) and our validation rules (as its ``AddValidationRules`` adds them).
    - **Parse once per text** (:data:`_parsed`). A document that does not parse is left to
      Strawberry's own parse: raised from this hook, the syntax error would bypass the other
      extensions (and so leave without its ``extensions.code``); raised there, it is a result.
    - **Validate once per document**, keyed by the document's identity rather than its value.
      Strawberry's validation cache, an ``lru_cache`` on the document, hashes the whole tree on
      every request (graphql-core's nodes are frozen dataclasses, hashed field by field: ~3 % of
      an actor detail's CPU, issue 16).

    - **Before execution**: refuse what the caller's role may not afford (``schema/cost.py``,
      with ``budgets``), and lift the deadline for mutations (``schema/deadline.py``).

    One extension rather than six: Strawberry builds every extension and wraps each of its
    hooks anew for every request, which cost a trivial request more than the work itself.
    """

    def __init__(
        self,
        rules: tuple[type[ASTValidationRule], ...],
        max_tokens: int | None,
        budgets: Mapping[Role, int] | None = None,
    ) -> None:
        super().__init__()
        self.rules = rules
        self.max_tokens = max_tokens
        self.budgets = budgets

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context
        if self.max_tokens is not None:
            context.parse_options["max_tokens"] = self.max_tokens
        if self.rules:
            context.validation_rules = context.validation_rules + self.rules
        yield

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        with contextlib.suppress(GraphQLError):
            context.graphql_document = _parsed(context.query, **context.parse_options)
        yield

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if document is not None:
            rules = context.validation_rules
            context.pre_execution_errors = _VALIDATED.errors(context.schema._schema, document, rules)
        yield

    def on_execute(self) -> Iterator[None]:
        # After validation, before execution: first the cost (a refusal skips execution), then
        # the deadline, which a mutation does not have.
        context = self.execution_context
        if self.budgets is not None:
            refuse_if_costly(context, self.budgets)
        lift_for_mutations(context)
        yield


def build_schema(limits: Limits | None = None, server_timing: bool = True) -> strawberry.Schema:
    """The schema; with ``limits``, as the service runs it (document limits, cost budgets).
    Without, for its SDL and for running operations in-process (tools, benchmarks).
    ``server_timing``: whether the GraphQL phases are measured when a request asks (the debug
    mode's Server-Timing, core/timing.py); the service leaves the extension out when it is off."""
    # The rule classes are built once: the validation cache keys on them, so rules made anew
    # for each request would make every validation a cache miss.
    rules: list[type[ASTValidationRule]] = []
    # ServerTiming first, so its phases enclose every other extension's work.
    extensions: list[Any] = [ServerTiming] if server_timing else []
    extensions.append(ErrorCodes)
    max_tokens: int | None = None
    if limits is not None:
        rules += [
            coded(depth_validator(limits.max_depth, should_ignore=None), "QUERY_TOO_DEEP"),
            coded(alias_validator(limits.max_aliases), "TOO_MANY_ALIASES"),
        ]
        if not limits.introspection:
            rules.append(coded(NoSchemaIntrospectionCustomRule, "INTROSPECTION_DISABLED"))
        max_tokens = limits.max_tokens
    ours = tuple(rules)
    budgets = limits.budgets if limits is not None else None
    extensions.append(lambda: Prepared(ours, max_tokens, budgets))
    return strawberry.Schema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        # Types reachable only through interfaces must be named so clients can select on them.
        types=[*ACTOR_TYPES, *ERROR_TYPES],
        config=StrawberryConfig(auto_camel_case=True, scalar_map={Revision: REVISION_SCALAR}),
        execution_context_class=Execution,
        extensions=extensions,
    )


def export_sdl() -> str:
    """The schema as SDL, exactly as committed in ``schema.graphql``."""
    return build_schema().as_str() + "\n"
