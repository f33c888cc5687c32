"""What a query may cost: the most objects its answer can hold, estimated before execution.

Every field that returns an object counts one object per item it can return; nesting
multiplies. A list's length comes from :data:`SIZES`, the one place where fields declare it:
a page (``first``, or its default, at most its maximum), a fixed bound for lists that take no
argument (``quarters``, ``actionFields``), or the size of the network a ``Network`` was asked
for. Fragments and inline fragments count for the types they apply to (an abstract field costs
what its most expensive possible type costs); fields a document repeats under one response key
are executed once and count once; aliases are separate fields and count separately.

``json`` on a network is a leaf, built without resolving fields one by one (~15 times cheaper
per object than the typed lists, measured on the Berlin-scale network): it counts one object
per :data:`BULK_DISCOUNT` nodes or edges it can hold.

The estimate is compared with the budget of the caller's role by :func:`refuse_if_costly`,
after validation and before execution; a query over budget is refused
with ``QUERY_TOO_COSTLY`` and never executed.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from graphql import (
    BooleanValueNode,
    DocumentNode,
    ExecutionResult,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    NullValueNode,
    SelectionSetNode,
    ValueNode,
    VariableNode,
    get_named_type,
    get_nullable_type,
    get_operation_ast,
    is_abstract_type,
    is_leaf_type,
    is_list_type,
)
from graphql.type.introspection import SchemaMetaFieldDef, TypeMetaFieldDef
from strawberry.types import ExecutionContext

from analysis.change import BROKERS
from analysis.suggestions import ALL_SIGNALS, SAME_FACT
from core.access import ROLE_NAMES, Role
from core.messages import Message, localized
from graph.paths import MAX_LENGTH as MAX_PATH_LENGTH
from resolvers.handover import LISTED as RISK_LISTED
from resolvers.handover import LISTED_ACTORS as RISK_LISTED_ACTORS
from resolvers.handover import LISTED_CUT_OFF as RISK_LISTED_CUT_OFF
from resolvers.networks import MAX_PATHS
from resolvers.paging import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE

Scope = Mapping[str, int]
Args = Mapping[str, Any]

# ---- declared bounds ----------------------------------------------------------------------------

# Lists that take no argument are bounded by what the domain holds, with room to grow: Berlin
# has ~30 QM areas (the Berlin-scale benchmark 32), the catalogue ~30 action fields.
QUARTERS = 50
ACTION_FIELDS = 50
SMALL = 10  # memberships of an actor, parallel cooperations of a pair, reasons, errors, ...
TIMELINE_YEARS = 100
API_TOKENS = 500
CONTACT_PERSONS = 50
SHARED_PARTNERS = 50
PROJECT_PARTNERS = 50  # partners of a project (the input allows 50), projects shared by a pair
COUNCIL_SEATS = 200  # a quarter's seats over the years (15–25 members, elected every 2 years)
FUNDING_ROWS = 2_000  # quarters × funds × years: 50 × 5 × ~8 years in a query
# A network's size depends on what was asked for. The whole network: the Berlin-scale network
# we design and benchmark for (10,000 actors, 50,000 cooperations). A quarter or an ego network:
# the largest quarter of that network holds ~600 actors with outside partners; an ego network
# two steps out holds a median of 96 actors.
WHOLE_NETWORK = (10_000, 50_000)
PART_NETWORK = (2_000, 10_000)
BULK_DISCOUNT = 10
# The schema's own description is bounded by the schema, not by data: introspection counts what
# a full introspection answer holds (measured: ~2,300 objects), a single type a few dozen.
INTROSPECTION_SCHEMA = 2_500
INTROSPECTION_TYPE = 50


@dataclass(frozen=True)
class Size:
    """What a field declares: how many items it returns, what it tells its sub-selection, and
    the cost of a leaf that carries bulk data."""

    items: Callable[[Args, Scope], int] = lambda args, scope: 1
    scope: Callable[[Args, Scope], Scope] | None = None
    weight: Callable[[Args, Scope], int] | None = None
    descend: bool = True


def argument(name: str, default: int, maximum: int) -> Callable[[Args, Scope], int]:
    """The number an argument asks for, its default when absent, never above its maximum.

    A value the resolver will refuse (negative, too large, not a number) counts as the maximum
    or zero; the resolver's own error then tells the client what was wrong.
    """

    def count(args: Args, _: Scope) -> int:
        value = args.get(name, default)
        if value is None:
            value = default
        if not isinstance(value, int) or isinstance(value, bool):
            return maximum
        return min(max(value, 0), maximum)

    return count


def fixed(n: int) -> Size:
    return Size(items=lambda args, scope: n)


def listing(name: str, default: int, maximum: int) -> Size:
    """A list of as many items as the argument ``name`` asks for."""
    return Size(items=argument(name, default, maximum))


def page(name: str = "first", default: int = DEFAULT_PAGE_SIZE, maximum: int = MAX_PAGE_SIZE) -> Size:
    """A connection (one object) whose ``edges`` and ``nodes`` hold the page asked for."""
    size = argument(name, default, maximum)
    return Size(scope=lambda args, scope: {**scope, "page": size(args, scope)})


def network(nodes: int, edges: int) -> Size:
    """A network (one object) whose ``nodes``, ``edges`` and ``json`` hold at most this many."""
    return Size(scope=lambda args, scope: {**scope, "nodes": nodes, "edges": edges})


ON_PAGE = Size(items=lambda args, scope: scope.get("page", MAX_PAGE_SIZE))
CONNECTION = page()

SIZES: dict[str, Size] = {
    # Query
    "Query.quarters": fixed(QUARTERS),
    "Query.actors": CONNECTION,
    "Query.cooperations": CONNECTION,
    "Query.actionFields": fixed(ACTION_FIELDS),
    "Query.egoNetwork": network(*PART_NETWORK),
    "Query.quarterNetwork": network(*PART_NETWORK),
    "Query.network": network(*WHOLE_NETWORK),
    "Query.paths": listing("first", 10, MAX_PATHS),
    "Query.actorMetrics": page("first", 100, 10_000),
    "Query.suggestPartners": page("first", 10, 50),
    "Query.missingLinks": listing("first", 10, 50),
    "Query.history": listing("first", 50, 500),
    "Query.apiTokens": fixed(API_TOKENS),
    "Query.projects": CONNECTION,
    "Query.projectFunding": fixed(FUNDING_ROWS),
    "Query.multiQuarterSponsors": listing("first", 50, 200),
    "Query.projectTiesWithoutCooperation": listing("first", 50, 200),
    "Query.changes": page("first", 50, 200),  # commits; a merge's commit holds a few events
    "ChangeFeed.events": ON_PAGE,
    "Query.__schema": Size(weight=lambda args, scope: INTROSPECTION_SCHEMA, descend=False),
    "Query.__type": Size(weight=lambda args, scope: INTROSPECTION_TYPE, descend=False),
    # connections
    "ActorConnection.edges": ON_PAGE,
    "ActorConnection.nodes": ON_PAGE,
    "CooperationConnection.edges": ON_PAGE,
    "CooperationConnection.nodes": ON_PAGE,
    "PartnerConnection.edges": ON_PAGE,
    "ProjectConnection.edges": ON_PAGE,
    "ProjectConnection.nodes": ON_PAGE,
    "ActorMetrics.nodes": ON_PAGE,
    "PartnerSuggestions.suggestions": ON_PAGE,
    "SuggestionModel.coefficients": fixed(len(ALL_SIGNALS)),  # at most one per signal a model can carry
    # actors, cooperations, quarters
    "Actor.actionFields": fixed(ACTION_FIELDS),
    "Actor.quarters": fixed(SMALL),
    "Actor.cooperations": CONNECTION,
    "Actor.partners": CONNECTION,
    "Actor.contactPersons": fixed(CONTACT_PERSONS),
    "PartnerEdge.cooperations": fixed(SMALL),
    "Cooperation.actionFields": fixed(ACTION_FIELDS),
    "Cooperation.actors": fixed(2),
    "ActionField.successors": fixed(SMALL),
    "ActionField.predecessors": fixed(SMALL),
    "Quarter.actors": CONNECTION,
    "Quarter.cooperations": CONNECTION,
    "Quarter.actorCounts": fixed(4),
    "Quarter.keyOrganisations": fixed(QUARTERS),
    "Quarter.mergedFrom": fixed(SMALL),
    "Quarter.projects": CONNECTION,
    "Quarter.projectFunding": fixed(FUNDING_ROWS),
    "Quarter.councilSeats": fixed(COUNCIL_SEATS),
    "Actor.projects": CONNECTION,
    "Project.quarters": fixed(QUARTERS),
    "Project.partners": fixed(PROJECT_PARTNERS),
    "Project.actionFields": fixed(ACTION_FIELDS),
    "Project.steps": fixed(SMALL),
    "Project.decisions": fixed(SMALL),
    "SponsorAcrossQuarters.quarterSlugs": fixed(QUARTERS),
    "UnrecordedProjectTie.actors": fixed(2),
    "UnrecordedProjectTie.projects": fixed(PROJECT_PARTNERS),
    # networks
    "Network.nodes": Size(items=lambda args, scope: scope.get("nodes", WHOLE_NETWORK[0])),
    "Network.edges": Size(items=lambda args, scope: scope.get("edges", WHOLE_NETWORK[1])),
    "Network.json": Size(
        weight=lambda args, scope: (
            -(-(scope.get("nodes", WHOLE_NETWORK[0]) + scope.get("edges", WHOLE_NETWORK[1])) // BULK_DISCOUNT)
        )
    ),
    "Timeline.years": fixed(TIMELINE_YEARS),
    "CooperationPath.actors": fixed(MAX_PATH_LENGTH + 1),
    "CooperationPath.hops": fixed(MAX_PATH_LENGTH),
    "PathHop.cooperations": fixed(SMALL),  # the cooperations between two neighbours on the path
    "CooperationPath.cooperations": fixed(MAX_PATH_LENGTH * SMALL),
    "PartnerSuggestion.reasons": fixed(SMALL),
    "SuggestionReason.signals": fixed(max(len(g) for g in SAME_FACT)),  # the signals of one fact
    "PartnerSuggestion.sharedPartners": fixed(SHARED_PARTNERS),
    "MissingLink.actors": fixed(2),
    # handover
    "AtRiskAnalysis.qmActors": fixed(SMALL),
    "AtRiskAnalysis.cutVertices": fixed(RISK_LISTED),
    "AtRiskAnalysis.bridges": fixed(RISK_LISTED),
    "AtRiskAnalysis.actionFields": fixed(ACTION_FIELDS),
    "AtRiskAnalysis.isolatedWithoutQm": fixed(RISK_LISTED_ACTORS),
    "AtRiskAnalysis.cutOffWithoutQm": fixed(RISK_LISTED_ACTORS),
    "CutVertexRisk.cutOff": fixed(RISK_LISTED_CUT_OFF),
    "BridgeRisk.actors": fixed(2),
    "BridgeRisk.cutOff": fixed(RISK_LISTED_CUT_OFF),
    "NetworkSnapshot.brokers": fixed(BROKERS),
    "NetworkChange.actorsAppeared": fixed(RISK_LISTED_ACTORS),
    "NetworkChange.actorsEnded": fixed(RISK_LISTED_ACTORS),
    "NetworkChange.pairsChanged": fixed(RISK_LISTED),
    "PairChange.actors": fixed(2),
    # mutation payloads
    "QuarterPayload.errors": fixed(SMALL),
    "HandoverPayload.errors": fixed(SMALL),
    "HandoverPayload.issued": fixed(20),
    "HandoverPayload.withdrawn": fixed(API_TOKENS),
    "ActorPayload.errors": fixed(SMALL),
    "CooperationPayload.errors": fixed(SMALL),
    "ContactPersonPayload.errors": fixed(SMALL),
    "ApiTokenPayload.errors": fixed(SMALL),
    "ErasePersonPayload.errors": fixed(SMALL),
    "MergeActorsPayload.errors": fixed(SMALL),
    "ProjectPayload.errors": fixed(SMALL),
    "CouncilDecisionPayload.errors": fixed(SMALL),
    "CouncilSeatPayload.errors": fixed(SMALL),
    "MergeActorsPayload.merged": fixed(SMALL),
    "DuplicateActorError.existing": fixed(SMALL),
    # imports: rows come in windows (`first`, at most 500); per row a few candidates and findings
    "Import.actorRows": listing("first", 100, 500),
    "Import.cooperationRows": listing("first", 100, 500),
    "Import.summary": fixed(SMALL),
    "Import.fileIssues": fixed(SMALL),
    "Import.errors": fixed(SMALL),
    "ImportActorRow.candidates": fixed(SMALL),
    "ImportActorRow.issues": fixed(SMALL),
    "ImportActorRow.addsContactPersons": fixed(SMALL),  # one per group of contact columns: a few
    "ImportCooperationRow.issues": fixed(SMALL),
    "ImportPayload.errors": fixed(SMALL),
}

# A list nobody declared counts as a full page: cheap lists are not hurt, and a test makes
# sure every list of objects in the schema is declared.
UNDECLARED = Size(items=lambda args, scope: MAX_PAGE_SIZE)
SINGLE = Size()


def size_of(parent: GraphQLNamedType, name: str, returns_list: bool) -> Size:
    """The declaration for ``parent.name``, or for the field of an interface ``parent`` implements."""
    found = SIZES.get(f"{parent.name}.{name}")
    if found is None and isinstance(parent, GraphQLObjectType):
        for interface in parent.interfaces:
            found = SIZES.get(f"{interface.name}.{name}")
            if found is not None:
                break
    if found is not None:
        return found
    return UNDECLARED if returns_list else SINGLE


# ---- the estimate ---------------------------------------------------------------------------------

# Meta fields are not among the root type's fields; graphql-core resolves them itself.
_INTROSPECTION_ROOT: dict[str, GraphQLField] = {"__schema": SchemaMetaFieldDef, "__type": TypeMetaFieldDef}


class Estimate:
    """Walks one operation of a validated document, as graphql-core would collect its fields."""

    def __init__(self, schema: GraphQLSchema, document: DocumentNode, variables: Mapping[str, Any]) -> None:
        self.schema = schema
        self.variables = variables
        self.fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
        self._memo: dict[tuple[tuple[int, ...], str, tuple[tuple[str, int], ...]], int] = {}

    def operation(self, document: DocumentNode, operation_name: str | None) -> int | None:
        """The cost of the operation to be executed; None if there is no such operation."""
        operation = get_operation_ast(document, operation_name)
        if operation is None:
            return None
        root = self.schema.get_root_type(operation.operation)
        if root is None:
            return None
        return self.selections((operation.selection_set,), root, {})

    def selections(self, sets: Sequence[SelectionSetNode], parent: GraphQLNamedType, scope: Scope) -> int:
        key = (tuple(id(s) for s in sets), parent.name, tuple(sorted(scope.items())))
        if key not in self._memo:
            if is_abstract_type(parent):
                possible = self.schema.get_possible_types(parent)
                self._memo[key] = max((self._for_type(sets, t, scope) for t in possible), default=0)
            else:
                self._memo[key] = self._for_type(sets, parent, scope)
        return self._memo[key]

    def _for_type(
        self, sets: Sequence[SelectionSetNode], runtime: GraphQLObjectType | GraphQLNamedType, scope: Scope
    ) -> int:
        grouped: dict[str, list[FieldNode]] = {}
        for selection_set in sets:
            for node in self._fields(selection_set, runtime):
                grouped.setdefault(node.alias.value if node.alias else node.name.value, []).append(node)
        return sum(self._field(nodes, runtime, scope) for nodes in grouped.values())

    def _field(self, nodes: list[FieldNode], parent: GraphQLNamedType, scope: Scope) -> int:
        name = nodes[0].name.value
        definition = self._definition(parent, name)
        if definition is None:  # __typename, or a field validation let through for another type
            return 0
        returns_list = is_list_type(get_nullable_type(definition.type))
        size = size_of(parent, name, returns_list)
        args = self._arguments(nodes[0])
        cost = size.weight(args, scope) if size.weight is not None else 0
        result_type = get_named_type(definition.type)
        if is_leaf_type(result_type) or not size.descend:
            return cost
        items = size.items(args, scope)
        inner = size.scope(args, scope) if size.scope is not None else scope
        children = [n.selection_set for n in nodes if n.selection_set is not None]
        return cost + items * (1 + self.selections(children, result_type, inner))

    def _definition(self, parent: GraphQLNamedType, name: str) -> GraphQLField | None:
        if parent is self.schema.query_type and name in _INTROSPECTION_ROOT:
            return _INTROSPECTION_ROOT[name]
        fields = getattr(parent, "fields", None)
        return fields.get(name) if fields is not None else None

    def _fields(self, selection_set: SelectionSetNode, runtime: GraphQLNamedType) -> Iterator[FieldNode]:
        for selection in selection_set.selections:
            if not self._included(selection):
                continue
            if isinstance(selection, FieldNode):
                yield selection
            elif isinstance(selection, InlineFragmentNode):
                if self._applies(selection.type_condition.name.value if selection.type_condition else None, runtime):
                    yield from self._fields(selection.selection_set, runtime)
            elif isinstance(selection, FragmentSpreadNode):
                fragment = self.fragments.get(selection.name.value)
                if fragment is not None and self._applies(fragment.type_condition.name.value, runtime):
                    yield from self._fields(fragment.selection_set, runtime)

    def _applies(self, condition: str | None, runtime: GraphQLNamedType) -> bool:
        """Whether a fragment on ``condition`` applies to an object of type ``runtime``."""
        if condition is None or condition == runtime.name:
            return True
        conditional = self.schema.get_type(condition)
        return (
            conditional is not None
            and is_abstract_type(conditional)
            and isinstance(runtime, GraphQLObjectType)
            and self.schema.is_sub_type(conditional, runtime)
        )

    def _included(self, selection: Any) -> bool:
        for directive in selection.directives or ():
            name = directive.name.value
            if name not in ("skip", "include"):
                continue
            condition = next((a.value for a in directive.arguments if a.name.value == "if"), None)
            value = self._value(condition) if condition is not None else None
            if isinstance(value, bool) and value == (name == "skip"):
                return False
        return True

    def _arguments(self, node: FieldNode) -> dict[str, Any]:
        return {a.name.value: self._value(a.value) for a in node.arguments or ()}

    def _value(self, node: ValueNode) -> Any:
        if isinstance(node, IntValueNode):
            try:
                return int(node.value)
            except ValueError:
                return None
        if isinstance(node, BooleanValueNode):
            return node.value
        if isinstance(node, VariableNode):
            return self.variables.get(node.name.value)
        if isinstance(node, NullValueNode):
            return None
        return None  # lists, objects, strings, enums: no declared size depends on them


def estimate(
    schema: GraphQLSchema, document: DocumentNode, variables: Mapping[str, Any] | None, operation_name: str | None
) -> int | None:
    """The most objects the answer to ``document`` can hold (None: no operation to execute)."""
    return _ESTIMATES.of(schema, document, variables or {}, operation_name)


_OTHER = object()  # a variable's value that no size reads as a number or a condition


def _shape(variables: Mapping[str, Any]) -> tuple[tuple[str, Any], ...]:
    """What of the variables an estimate can depend on. A size reads an argument only as a whole
    number (:func:`argument`: anything else counts as the maximum) and ``@skip``/``@include``
    only as a boolean: every other value (an id, a filter, a text) counts the same, so it is
    one value here."""
    return tuple(
        sorted(
            (name, value if value is None or type(value) in (int, bool) else _OTHER)
            for name, value in variables.items()
        )
    )


class _Estimates:
    """Estimates by the identity of schema and document, the operation and the variables' shape
    (:func:`_shape`), the most recently used kept (LRU). Clients repeat the same documents with
    other ids: walking the document anew for each request was ~20 % of an actor detail's Python
    (issue 16). Each entry holds its schema and document, so an id in a key is never reused while
    the entry lives; the execution lanes are threads, hence the lock."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: OrderedDict[tuple[Any, ...], tuple[GraphQLSchema, DocumentNode, int | None]] = OrderedDict()
        self._lock = threading.Lock()

    def of(
        self, schema: GraphQLSchema, document: DocumentNode, variables: Mapping[str, Any], operation_name: str | None
    ) -> int | None:
        key = (id(schema), id(document), operation_name, _shape(variables))
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
                return found[2]
        cost = Estimate(schema, document, variables).operation(document, operation_name)
        with self._lock:
            self._entries[key] = (schema, document, cost)
            if len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return cost


_ESTIMATES = _Estimates(1024)


# ---- the budget -----------------------------------------------------------------------------------

TOO_COSTLY = Message(
    "this query could return up to {cost:,} objects; the {role} role may ask for {budget:,} at most. "
    "Ask for smaller pages (`first`), nest less, or use `json` for whole networks",
    "Diese Abfrage könnte bis zu {cost} Einträge liefern; mit einem Zugang für {role} sind höchstens {budget} "
    "erlaubt. Bitte kleinere Seiten (`first`) abfragen, weniger verschachteln oder für ganze Netzwerke `json` nehmen",
)


def too_costly(cost: int, budget: int, role: Role) -> GraphQLError:
    return GraphQLError(
        localized(TOO_COSTLY(cost=cost, budget=budget, role=ROLE_NAMES[role])),
        extensions={"code": "QUERY_TOO_COSTLY", "cost": cost, "budget": budget},
    )


def refuse_if_costly(context: ExecutionContext, budgets: Mapping[Role, int]) -> None:
    """Refuses, before execution, an operation whose estimate exceeds the caller's budget: called
    from the ``on_execute`` hook of ``schema.Prepared``.

    Setting ``execution_context.result`` in ``on_execute`` makes Strawberry skip execution and
    answer with that result (https://strawberry.rocks/docs/guides/custom-extensions).
    """
    if context.graphql_document is not None and context.result is None:
        cost = estimate(context.schema._schema, context.graphql_document, context.variables, context.operation_name)
        principal = getattr(context.context, "principal", None)
        role = principal.role if principal is not None else Role.PUBLIC
        budget = budgets.get(role, min(budgets.values(), default=0))
        if cost is not None and cost > budget:
            context.result = ExecutionResult(data=None, errors=[too_costly(cost, budget, role)])
