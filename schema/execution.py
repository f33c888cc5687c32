"""graphql-core's executor with three changes for pages of many objects (issue 16).

graphql-core executes every field alike: it builds a resolve-info record, calls Strawberry's
resolver wrapper (which calls ``getattr``), and completes the value through the generic
``complete_value`` chain — some 10 µs per field and more per object of an interface type,
most of a page of 50 actors with 10 partners each (~550 objects, ~1,300 fields). Where nothing
can change the answer, the executor takes a short way:

- **Plain subtrees are completed in one pass.** A field is *plain* if it is Strawberry's basic
  field (an attribute: no resolver, no field extension — so no permission, which is a field
  extension) or a resolver computed from its object alone (a plain method taking only ``self``,
  no field extension: ``PartnerEdge.cooperation``, ``Edge.cursor``), has no arguments, and its
  selection is plain in turn: for a value whose whole
  selection is plain (``partners { edges { node { id name } } }``), the executor builds the
  answer from the objects' attributes directly, with each leaf coerced by its type as
  graphql-core would, and the concrete type of an interface read from the Strawberry object.
  The plan of each selection is made once per process, not per request (below).
- **Leaves without a resolver are read straight off their object** where the object as a whole
  is not plain (an actor with ``id name type`` and ``partners``): same conditions, per field.
- **Objects whose fields are plain or resolvers called directly** (below) are completed by one
  plan as well — a page of 50 actors, each with ``partners(first: 10)``, took graphql-core's
  long way per actor because ``partners`` is asynchronous. The plan reads the plain fields,
  starts each resolver (and graphql-core's completion of its value, with the resolve info at
  the object's path) without running it, and awaits them all together, so a DataLoader still
  batches them. Every position between the value planned and a call must be non-null: a call's
  error then goes up exactly as graphql-core sends it. Anything the plan cannot complete before
  the calls run goes the long way, the calls started (none has run) closed.
- **The deadline is checked per object, not per field** (:mod:`schema.deadline`): running
  work still stops within one object's fields, at one clock read per object.

**Plans are kept across requests** (:class:`_Plans`, an LRU per process). A selection's plan
depends on the schema, the document's nodes (the parser cache hands every request with the same
text the same document), and — through ``@skip``, ``@include`` and ``@defer`` — on the values of
the variables named in the document's directives; nothing else (types, resolvers and extensions
are the schema's). So the plans of an operation are looked up by the schema, the operation's node
and those variables' coerced values, and within that by the return type and the field nodes. A
selection under ``@defer`` or with fragment arguments is planned per request as before.

Every other field — with a resolver, guarded, with arguments, under ``@defer`` — runs as
before. A value the short way cannot complete exactly (a null for a non-null field, a value its
type refuses, an object of an unexpected type, a resolver that raises) is completed again the
long way, which reports it as before; the short way reads attributes and calls resolvers that
only read their object, so trying it changes nothing. Schema
extensions that wrap every resolver (a ``resolve`` hook) would have to see every field: while
one is installed, nothing takes the short way.
"""

from __future__ import annotations

import enum
import inspect
import operator
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import strawberry
from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLEnumType,
    GraphQLField,
    GraphQLID,
    GraphQLLeafType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    GraphQLString,
    ListValueNode,
    ObjectValueNode,
    OperationDefinitionNode,
    ValueNode,
    VariableNode,
    Visitor,
    is_abstract_type,
    is_leaf_type,
    is_object_type,
    visit,
)
from graphql.execution.values import get_argument_values
from graphql.pyutils import Path, Undefined, gather_with_cancel
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext  # Strawberry's default
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types import Info
from strawberry.types.base import StrawberryMaybe, StrawberryOptional

from schema.deadline import CURRENT, DeadlinePassed

# How a leaf field is read the short way: its attribute, its type's output coercion, and whether
# null is refused.
Leaf = tuple[str, Callable[[Any], Any], bool]
# A plain selection's completion: the value in, the answer out; raises NotPlain where the long
# way must answer.
Plan = Callable[[Any], Any]
_UNKNOWN: Any = object()  # not planned yet


class NotPlain(Exception):
    """The short way cannot complete this value exactly; the long way will."""


def _attribute(field_def: GraphQLField | None, node: Any) -> str | None:
    """The attribute a field reads if it is a basic Strawberry field without arguments, else None."""
    if field_def is None or field_def.args or node.arguments or node.directives:
        return None
    if not getattr(field_def.resolve, "_is_default", False):  # Strawberry's marker of a basic field
        return None
    definition = (field_def.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
    if definition is None or not definition.is_basic_field:  # no resolver, no extensions (permissions)
        return None
    return str(definition.python_name)


def _computed(field_def: GraphQLField | None, node: Any) -> Callable[[Any], Any] | None:
    """The function computing a field from its object alone, if it is one: a resolver that is a
    plain method taking only ``self`` (no arguments, no ``info``, not async) with no field
    extension (so no permission). Such a resolver reads its object and nothing else, as an
    attribute would; called again by the long way after a failure, it answers the same."""
    if field_def is None or field_def.args or node.arguments or node.directives:
        return None
    definition = (field_def.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
    if definition is None or definition.extensions:
        return None
    resolver = definition.base_resolver
    if resolver is None or resolver.is_async:
        return None
    self_parameter = resolver.self_parameter
    if self_parameter is None or list(resolver.signature.parameters.values()) != [self_parameter]:
        return None
    function = resolver.wrapped_func
    return function if inspect.isfunction(function) else None


def _reader(field_def: GraphQLField | None, node: Any) -> Callable[[Any], Any] | None:
    """How a plain object's field is read: its attribute, or its resolver if :func:`_computed`."""
    attribute = _attribute(field_def, node)
    return operator.attrgetter(attribute) if attribute is not None else _computed(field_def, node)


def _leaf(parent_type: GraphQLObjectType, node: Any) -> Leaf | None:
    """How to read a field the short way on its own, or None if it must be executed."""
    attribute = _attribute(parent_type.fields.get(node.name.value), node)
    if attribute is None:
        return None
    return_type = parent_type.fields[node.name.value].type
    non_null = isinstance(return_type, GraphQLNonNull)
    named = return_type.of_type if non_null else return_type
    return (attribute, _coercer(named), non_null) if is_leaf_type(named) else None


def _coercer(leaf_type: GraphQLLeafType) -> Callable[[Any], Any]:
    """The type's ``coerce_output_value``, with its commonest cases answered first: text is its
    own ID or String; a member of a Strawberry enum is its name (Strawberry's own coercion
    compares it with each of the enum's values in turn — a fifth of an ego network's Python)."""
    coerce = leaf_type.coerce_output_value
    if leaf_type is GraphQLString or leaf_type is GraphQLID:

        def text(value: Any) -> Any:
            return value if type(value) is str else coerce(value)

        return text
    wrapped = getattr(leaf_type, "wrapped_cls", None)
    if isinstance(leaf_type, GraphQLEnumType) and isinstance(wrapped, type) and issubclass(wrapped, enum.Enum):
        # By the members' identities: an Enum's hash is a Python function, called for each
        # lookup (the members live as long as their class, so their ids are never reused).
        names: dict[int, str] = {}
        for name, declared in leaf_type.values.items():  # in order: an alias answers the first name
            for member in wrapped:
                if member.value == declared.value:
                    names.setdefault(id(member), name)

        def member_name(value: Any) -> Any:
            if type(value) is wrapped:
                name = names.get(id(value))
                if name is not None:
                    return name
            return coerce(value)

        return member_name
    return coerce


_TYPE_NAMES: dict[type, str | None] = {}  # the Python classes of the schema's objects: a few dozen


def _type_name(value: Any) -> str | None:
    """The GraphQL type a Strawberry object answers as (None for anything else)."""
    cls = type(value)
    name = _TYPE_NAMES.get(cls, _UNKNOWN)
    if name is _UNKNOWN:
        definition = getattr(cls, "__strawberry_definition__", None)
        if definition is None or definition.is_graphql_generic:
            name = _TYPE_NAMES[cls] = None
        else:
            name = _TYPE_NAMES[cls] = str(definition.name)
    return name  # type: ignore[no-any-return]  # str | None, from the cache


def _non_null(inner: Plan) -> Plan:
    def complete(value: Any) -> Any:
        completed = inner(value)
        if completed is None:
            raise NotPlain
        return completed

    return complete


def _list(inner: Plan) -> Plan:
    def complete(value: Any) -> Any:
        if value is None:
            return None
        # Lists and tuples first: the ABC checks after them cost more than completing a short list.
        if (type(value) is not list and type(value) is not tuple) and (
            isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable)
        ):
            raise NotPlain
        return [inner(item) for item in value]

    return complete


def _scalar(leaf_type: GraphQLLeafType, non_null: bool) -> Plan:
    coerce = _coercer(leaf_type)
    if leaf_type is GraphQLString or leaf_type is GraphQLID:
        # Text is its own answer (as _coercer's `text`), checked here without a call: most of a
        # network's leaves are ids and names (issue 16, W4).
        slow = _scalar_of(coerce, non_null)

        def text(value: Any) -> Any:
            return value if type(value) is str else slow(value)

        return text
    return _scalar_of(coerce, non_null)


def _scalar_of(coerce: Callable[[Any], Any], non_null: bool) -> Plan:
    def complete(value: Any) -> Any:
        if value is None:
            if non_null:
                raise NotPlain
            return None
        completed = coerce(value)
        if completed is None or completed is Undefined:
            raise NotPlain
        return completed

    return complete


def _object(type_name: str, fields: list[tuple[str, Callable[[Any], Any] | None, Any, bool]], non_null: bool) -> Plan:
    """An object's answer from its attributes; ``fields``: (response key, how the field is read
    or None for ``__typename``, the plan of the value read or the type's name, whether the
    field is text: an ID or a String, whose text is its own answer without a call to its plan).
    ``non_null``: null is refused here, as :func:`_non_null` would (one call less for each
    object of a list)."""

    # The Python class seen to answer as this type (the type's name is checked once per class:
    # a network completes hundreds of objects of one class).
    seen: list[type] = []

    def complete(value: Any) -> Any:
        if value is None:
            if non_null:
                raise NotPlain
            return None
        if type(value) not in seen:
            if _type_name(value) != type_name:
                raise NotPlain
            seen.append(type(value))
        # A loop, not a dict comprehension: Python 3.11 runs each comprehension in a frame of its
        # own, one more call per object (a network answers some 500 objects).
        answer = {}
        for key, read, plan, text in fields:
            if read is None:
                answer[key] = plan
            elif text:
                found = read(value)
                answer[key] = found if type(found) is str else plan(found)
            else:
                answer[key] = plan(read(value))
        return answer

    return complete


def _one_of(plans: dict[str, Plan]) -> Plan:
    """An interface's answer: the plan of the object's concrete type."""

    # The plans by the Python class of the objects (the classes of the schema: a few dozen).
    by_class: dict[type, Plan | None] = {}

    def complete(value: Any) -> Any:
        if value is None:
            return None
        cls = type(value)
        plan = by_class.get(cls, _UNKNOWN)
        if plan is _UNKNOWN:
            plan = by_class[cls] = plans.get(_type_name(value) or "")
        if plan is None:
            raise NotPlain
        return plan(value)

    return complete


# A plan whose objects call resolvers: (value, its path, the run) → the answer, in which each
# call's place is filled when the run settles.
CalledPlan = Callable[[Any, Path, "_Run"], Any]
_NAME, _READ, _READ_CALLED, _CALL = range(4)  # how a field of such an object is answered


class _Run:
    """One completion by a :data:`CalledPlan`: the calls started, to be awaited together (so a
    DataLoader still batches them) and put in their places."""

    __slots__ = ("context", "execution", "started")

    def __init__(self, execution: Execution, context: Any) -> None:
        self.execution, self.context = execution, context
        # (the answer holding the call's place, its key, the resolver's coroutine, its completion)
        self.started: list[tuple[dict[str, Any], str, Any, Any]] = []

    def close(self) -> None:
        """Nothing started has run: close it all (the long way calls again)."""
        for _, _, result, completion in self.started:
            completion.close()
            result.close()

    async def settle(self, answer: Any) -> Any:
        started = self.started
        if len(started) == 1:
            holder, key, _, completion = started[0]
            holder[key] = await completion
            return answer
        # Each completion handles its own field's error as graphql-core does; a non-null one
        # goes up through positions that are all non-null (_make_called), cancelling the rest.
        values = await gather_with_cancel(*(completion for _, _, _, completion in started))
        for (holder, key, _, _), value in zip(started, values, strict=True):
            holder[key] = value
        return answer


def _called_list(inner: CalledPlan) -> CalledPlan:
    def complete(value: Any, path: Path, run: _Run) -> Any:
        if value is None:
            return None
        if (type(value) is not list and type(value) is not tuple) and (
            isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable)
        ):
            raise NotPlain
        return [inner(item, Path(path, index, None), run) for index, item in enumerate(value)]

    return complete


def _called_object(type_name: str, fields: list[tuple[str, int, Any, Any]], non_null: bool) -> CalledPlan:
    """:func:`_object` with fields whose resolvers are called: each call is started (not run) and
    its place in the answer filled when the run settles."""
    seen: list[type] = []

    def complete(value: Any, path: Path, run: _Run) -> Any:
        if value is None:
            if non_null:
                raise NotPlain
            return None
        if type(value) not in seen:
            if _type_name(value) != type_name:
                raise NotPlain
            seen.append(type(value))
        answer: dict[str, Any] = {}
        for key, how, read, plan in fields:
            if how == _READ:
                answer[key] = plan(read(value))
            elif how == _NAME:
                answer[key] = read
            elif how == _READ_CALLED:
                answer[key] = plan(read(value), Path(path, key, type_name), run)
            else:
                parent_type, sub_fields = plan
                answer[key] = None
                result, completion = run.execution._start(
                    read, parent_type, value, sub_fields, Path(path, key, type_name), run.context
                )
                run.started.append((answer, key, result, completion))
        return answer

    return complete


def _called_one_of(plans: dict[str, CalledPlan], non_null: bool) -> CalledPlan:
    def complete(value: Any, path: Path, run: _Run) -> Any:
        if value is None:
            if non_null:
                raise NotPlain
            return None
        plan = plans.get(_type_name(value) or "")
        if plan is None:
            raise NotPlain
        return plan(value, path, run)

    return complete


class _DirectiveVariables(Visitor):
    """Collects the variables a document's directives read, and whether it uses fragment arguments
    (whose values would decide ``@skip``/``@include`` too, per spread)."""

    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()
        self.fragment_arguments = False
        self._depth = 0  # inside a directive

    def enter_directive(self, *_: Any) -> None:
        self._depth += 1

    def leave_directive(self, *_: Any) -> None:
        self._depth -= 1

    def enter_variable(self, node: VariableNode, *_: Any) -> None:
        if self._depth:
            self.names.add(node.name.value)

    def enter_fragment_spread(self, node: FragmentSpreadNode, *_: Any) -> None:
        if getattr(node, "arguments", None):
            self.fragment_arguments = True

    def enter_fragment_definition(self, node: FragmentDefinitionNode, *_: Any) -> None:
        if getattr(node, "variable_definitions", None):
            self.fragment_arguments = True


class _Operation:
    """What the plans of one operation depend on besides the schema, and its plans by the values
    of the variables its directives read. Holds the schema and the document's nodes, so that the
    ids the keys are made of are never reused while the entry lives."""

    __slots__ = ("fragments", "operation", "schema", "variables", "variants")
    most_variants = 16  # combinations of @skip/@include values kept per operation

    def __init__(
        self, schema: GraphQLSchema, operation: OperationDefinitionNode, fragments: tuple[FragmentDefinitionNode, ...]
    ) -> None:
        self.schema, self.operation, self.fragments = schema, operation, fragments
        found = _DirectiveVariables()
        for node in (operation, *fragments):
            visit(node, found)
        # None: fragment arguments, which this cache does not key on; plan per request.
        self.variables: tuple[str, ...] | None = None if found.fragment_arguments else tuple(sorted(found.names))
        self.variants: dict[tuple[Any, ...], _Plans] = {}

    def plans(self, coerced: Mapping[str, Any]) -> _Plans | None:
        """The plans for these variable values (None if they cannot be a key)."""
        if self.variables is None:
            return None
        key = tuple(coerced.get(name, _UNKNOWN) for name in self.variables)
        try:
            found = self.variants.get(key)
        except TypeError:  # a value that is not hashable (not a Boolean or String): no cache
            return None
        if found is None:
            if len(self.variants) >= self.most_variants:
                self.variants.clear()
            found = self.variants[key] = _Plans()
        return found


class _Plans:
    """The plans of one operation for one set of directive values: by (return type, field nodes),
    and the leaves and resolver calls by (object type, field node)."""

    __slots__ = ("called", "calls", "leaves", "selections")

    def __init__(self) -> None:
        self.selections: dict[tuple[int, tuple[int, ...]], Plan | None] = {}
        self.called: dict[tuple[int, tuple[int, ...], bool], CalledPlan | None] = {}
        self.leaves: dict[tuple[str, int], Leaf | None] = {}
        self.calls: dict[tuple[str, int], Call | None] = {}


class _Operations:
    """The operations whose plans are kept: the most recently used ones (LRU), per process. The
    execution lanes are threads (kiezgraph/lanes.py): the table is changed under a lock; a plan
    made twice at once by two lanes is the same plan."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: OrderedDict[tuple[int, int], _Operation] = OrderedDict()
        self._lock = threading.Lock()

    def plans(
        self,
        schema: GraphQLSchema,
        operation: OperationDefinitionNode,
        fragments: Mapping[str, FragmentDefinitionNode],
        coerced: Mapping[str, Any],
    ) -> _Plans | None:
        key = (id(schema), id(operation))
        with self._lock:
            entry = self._entries.get(key)
            # The entry holds schema and operation alive, so an equal key is the same objects.
            if entry is None:
                entry = _Operation(schema, operation, tuple(fragments.values()))
                self._entries[key] = entry
                if len(self._entries) > self.size:
                    self._entries.popitem(last=False)
            else:
                self._entries.move_to_end(key)
            return entry.plans(coerced)

    def __len__(self) -> int:
        return len(self._entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


# As many as the parser's and the validation's caches keep documents (schema/__init__.py).
OPERATIONS = _Operations(256)


class Execution(StrawberryGraphQLCoreExecutionContext):
    """The executor the schema runs with: plain subtrees and leaves the short way, the deadline
    per object."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Keyed by the identity of graphql-core's field lists, kept alive with the plan (as
        # graphql-core's own memo of collected fields does), so an id is never reused meanwhile.
        self._plans: dict[tuple[int, int], tuple[Any, Plan | None]] = {}
        self._called: dict[tuple[int, int, bool], tuple[Any, CalledPlan | None]] = {}
        manager = self.middleware_manager
        self._short_way = manager is None or not manager.middlewares
        # Kept across requests (module docstring); None: this operation's plans are its own.
        self._kept = (
            OPERATIONS.plans(self.schema, self.operation, self.fragment_definitions, self.variable_values.coerced)
            if self._short_way
            else None
        )
        self._leaves: dict[tuple[str, int], Leaf | None] = self._kept.leaves if self._kept is not None else {}
        self._calls: dict[tuple[str, int], Call | None] = self._kept.calls if self._kept is not None else {}

    # ---- the deadline -------------------------------------------------------------------

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        grouped_field_set: Any,
        position_context: Any,
    ) -> Any:
        self._check_deadline(path)
        return super().execute_fields(parent_type, source_value, path, grouped_field_set, position_context)

    @staticmethod
    def _check_deadline(path: Path | None) -> None:
        limit = CURRENT.get()
        if limit is not None and path is not None and time.monotonic() > limit.at:
            limit.tripped = True
            raise DeadlinePassed

    # ---- plain subtrees -----------------------------------------------------------------

    def complete_value(
        self,
        return_type: GraphQLOutputType,
        field_details_list: Any,
        info: Any,
        path: Path,
        result: Any,
        position_context: Any,
    ) -> Any:
        if self._short_way and not isinstance(result, Exception):
            plan = self._plan(return_type, field_details_list)
            if plan is not None:
                self._check_deadline(path)
                try:
                    return plan(result)
                except Exception:  # the long way below answers, errors included
                    pass
            else:
                called = self._called_plan(return_type, field_details_list)
                if called is not None:
                    self._check_deadline(path)
                    run = _Run(self, position_context)
                    try:
                        answer = called(result, path, run)
                    except Exception:  # nothing has run yet: the long way answers, calling them again
                        run.close()
                    else:
                        return run.settle(answer) if run.started else answer
        return super().complete_value(return_type, field_details_list, info, path, result, position_context)

    def _plan(self, return_type: GraphQLOutputType, field_details_list: Any) -> Plan | None:
        key = (id(return_type), id(field_details_list))
        found = self._plans.get(key)
        if found is not None:
            return found[1]
        kept = self._kept_plans(return_type, field_details_list)
        if kept is None:
            plan = self._make_plan(return_type, field_details_list)
        else:
            selections, kept_key = kept
            plan = selections.get(kept_key, _UNKNOWN)
            if plan is _UNKNOWN:
                plan = selections[kept_key] = self._make_plan(return_type, field_details_list)
        self._plans[key] = (field_details_list, plan)
        return plan

    def _called_plan(
        self, return_type: GraphQLOutputType, field_details_list: Any, top: bool = True
    ) -> CalledPlan | None:
        """The plan of a selection whose objects call resolvers (:meth:`_make_called`), kept as
        :meth:`_plan` keeps the plain ones."""
        key = (id(return_type), id(field_details_list), top)
        found = self._called.get(key)
        if found is not None:
            return found[1]
        kept_key = self._kept_key(return_type, field_details_list)
        if kept_key is None or self._kept is None:
            plan = self._make_called(return_type, field_details_list, top)
        else:
            kept = self._kept.called
            plan = kept.get((*kept_key, top), _UNKNOWN)
            if plan is _UNKNOWN:
                plan = kept[(*kept_key, top)] = self._make_called(return_type, field_details_list, top)
        self._called[key] = (field_details_list, plan)
        return plan

    def _kept_plans(
        self, return_type: GraphQLOutputType, field_details_list: Any
    ) -> tuple[dict[tuple[int, tuple[int, ...]], Plan | None], tuple[int, tuple[int, ...]]] | None:
        """Where this selection's plan is kept across requests, and its key there; None where it
        depends on more than the key says (under ``@defer``, with fragment arguments)."""
        kept_key = self._kept_key(return_type, field_details_list)
        if kept_key is None or self._kept is None:
            return None
        return self._kept.selections, kept_key

    def _kept_key(self, return_type: GraphQLOutputType, field_details_list: Any) -> tuple[int, tuple[int, ...]] | None:
        if self._kept is None:
            return None
        nodes = []
        for details in field_details_list:
            if details.defer_usage is not None or details.fragment_variable_values is not None:
                return None
            nodes.append(id(details.node))
        return id(return_type), tuple(nodes)

    def _make_plan(self, return_type: GraphQLOutputType, field_details_list: Any) -> Plan | None:
        if isinstance(return_type, GraphQLNonNull):
            if is_leaf_type(return_type.of_type):
                return _scalar(return_type.of_type, True)
            if is_object_type(return_type.of_type):
                return self._object_plan(return_type.of_type, field_details_list, non_null=True)
            inner = self._plan(return_type.of_type, field_details_list)
            return None if inner is None else _non_null(inner)
        if isinstance(return_type, GraphQLList):
            inner = self._plan(return_type.of_type, field_details_list)
            return None if inner is None else _list(inner)
        if is_leaf_type(return_type):
            return _scalar(return_type, False)
        if is_abstract_type(return_type):
            plans: dict[str, Plan] = {}
            for possible in self.schema.get_possible_types(return_type):
                plan = self._object_plan(possible, field_details_list)
                if plan is None:
                    return None
                plans[possible.name] = plan
            return _one_of(plans)
        if is_object_type(return_type):
            return self._object_plan(return_type, field_details_list)
        return None

    def _object_plan(
        self, object_type: GraphQLObjectType, field_details_list: Any, non_null: bool = False
    ) -> Plan | None:
        grouped, new_defer_usages, *_ = self.collect_subfields(object_type, field_details_list)
        if new_defer_usages:
            return None
        fields: list[tuple[str, Callable[[Any], Any] | None, Any, bool]] = []
        for response_key, sub_fields in grouped.items():
            node = sub_fields[0].node
            if node.name.value == "__typename":
                fields.append((response_key, None, object_type.name, False))
                continue
            field_def = object_type.fields.get(node.name.value)
            read = _reader(field_def, node)
            if read is None or field_def is None:
                return None
            plan = self._plan(field_def.type, sub_fields)
            if plan is None:
                return None
            named = field_def.type.of_type if isinstance(field_def.type, GraphQLNonNull) else field_def.type
            fields.append((response_key, read, plan, named is GraphQLString or named is GraphQLID))
        return _object(object_type.name, fields, non_null)

    # ---- selections whose objects call resolvers ------------------------------------------

    def _make_called(self, return_type: GraphQLOutputType, field_details_list: Any, top: bool) -> CalledPlan | None:
        """A plan for a selection whose objects have plain fields and fields whose resolvers are
        called directly (:func:`_call`, asynchronous ones only), or None. Every position between
        the value planned (``top``) and such a call must be non-null: an error of a call then
        goes up to the value planned, as graphql-core would send it, and no null is to be put
        on the way."""
        non_null = isinstance(return_type, GraphQLNonNull)
        if not non_null and not top:
            return None
        inner = return_type.of_type if isinstance(return_type, GraphQLNonNull) else return_type
        if isinstance(inner, GraphQLList):
            item = inner.of_type
            if not isinstance(item, GraphQLNonNull):
                return None
            item_plan = self._called_plan(item, field_details_list, top=False)
            return None if item_plan is None else _called_list(item_plan)
        if is_object_type(inner):
            return self._called_object(inner, field_details_list, non_null)
        if is_abstract_type(inner):
            plans: dict[str, CalledPlan] = {}
            for possible in self.schema.get_possible_types(inner):
                plan = self._called_object(possible, field_details_list, non_null)
                if plan is None:
                    return None
                plans[possible.name] = plan
            return _called_one_of(plans, non_null)
        return None

    def _called_object(
        self, object_type: GraphQLObjectType, field_details_list: Any, non_null: bool
    ) -> CalledPlan | None:
        grouped, new_defer_usages, *_ = self.collect_subfields(object_type, field_details_list)
        if new_defer_usages:
            return None
        fields: list[tuple[str, int, Any, Any]] = []
        calls = False
        for response_key, sub_fields in grouped.items():
            first = sub_fields[0]
            node = first.node
            if node.name.value == "__typename":
                fields.append((response_key, _NAME, object_type.name, None))
                continue
            field_def = object_type.fields.get(node.name.value)
            if field_def is None:
                return None
            read = _reader(field_def, node)
            if read is not None:
                plan = self._plan(field_def.type, sub_fields)
                if plan is not None:
                    fields.append((response_key, _READ, read, plan))
                    continue
                called = self._called_plan(field_def.type, sub_fields, top=False)
                if called is None:
                    return None
                fields.append((response_key, _READ_CALLED, read, called))
                calls = True
                continue
            call = self._call_of(object_type, first)
            definition = (field_def.extensions or {}).get(_BACKREF)
            if call is None or definition is None or not definition.base_resolver.is_async:
                return None  # a resolver that answers at once may complete (and report) before a fallback
            fields.append((response_key, _CALL, call, (object_type, sub_fields)))
            calls = True
        return _called_object(object_type.name, fields, non_null) if calls else None

    def _call_of(self, parent_type: GraphQLObjectType, first: Any) -> Call | None:
        if first.fragment_variable_values is not None:
            return None
        key = (parent_type.name, id(first.node))  # as the leaves
        call = self._calls.get(key, _UNKNOWN)
        if call is _UNKNOWN:
            call = self._calls[key] = _call(parent_type, first.node, self.variable_values)
        return call  # type: ignore[no-any-return]  # a Call or None, from the table

    def _start(
        self, call: Call, parent_type: GraphQLObjectType, source: Any, field_details_list: Any, path: Path, context: Any
    ) -> tuple[Any, Any]:
        """An asynchronous resolver called (its coroutine, not yet run) and graphql-core's
        completion of its value (not yet run either), as :meth:`_execute_call` would."""
        field_def, function, with_self, info_name, kwargs = call
        info = self.build_resolve_info(field_def, [d.node for d in field_details_list], parent_type, path)
        arguments = dict(kwargs)
        if info_name is not None:
            arguments[info_name] = Info(_raw_info=info, _field=field_def.extensions[_BACKREF])
        result = function(source, **arguments) if with_self else function(**arguments)
        return result, self.complete_awaitable_value(field_def.type, field_details_list, info, path, result, context)

    # ---- leaves of objects that are not plain -------------------------------------------

    def execute_field(
        self,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: Any,
        path: Path,
        position_context: Any,
    ) -> Any:
        if self._short_way:
            first = field_details_list[0]
            value = self._read_leaf(parent_type, first.node, source)
            if value is not Undefined:
                return value
            call = self._call_of(parent_type, first)
            if call is not None:
                return self._execute_call(call, parent_type, source, field_details_list, path, position_context)
        return super().execute_field(parent_type, source, field_details_list, path, position_context)

    def _read_leaf(self, parent_type: GraphQLObjectType, node: Any, source: Any) -> Any:
        """The completed value of a leaf read the short way; Undefined to execute it."""
        key = (parent_type.name, id(node))  # the document's nodes live as long as the operation
        leaf = self._leaves.get(key, _UNKNOWN)
        if leaf is _UNKNOWN:
            leaf = self._leaves[key] = _leaf(parent_type, node)
        if leaf is None:
            return Undefined
        attribute, coerce, non_null = leaf
        try:
            raw = getattr(source, attribute)
            if raw is None:
                return Undefined if non_null else None
            value = coerce(raw)
        except Exception:  # the long way raises it again, as a located field error
            return Undefined
        return Undefined if value is None or value is Undefined else value

    # ---- resolvers with literal arguments ------------------------------------------------

    def _execute_call(
        self,
        call: Call,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: Any,
        path: Path,
        position_context: Any,
    ) -> Any:
        """graphql-core's ``execute_field`` for a :class:`Call`: the same resolve info, errors
        and completion; the arguments as converted once, the resolver called directly."""
        field_def, function, with_self, info_name, kwargs = call
        return_type = field_def.type
        info = self.build_resolve_info(field_def, [d.node for d in field_details_list], parent_type, path)
        try:
            arguments = dict(kwargs)
            if info_name is not None:
                arguments[info_name] = Info(_raw_info=info, _field=field_def.extensions[_BACKREF])
            result = function(source, **arguments) if with_self else function(**arguments)
            if self.is_awaitable(result):
                return self.complete_awaitable_value(
                    return_type, field_details_list, info, path, result, position_context
                )
            completed = self.complete_value(return_type, field_details_list, info, path, result, position_context)
            if self.is_awaitable(completed):
                return self._await_completed(completed, return_type, field_details_list, path)
        except Exception as raw_error:
            self.handle_field_error(raw_error, return_type, field_details_list, path)
            return None
        return completed

    async def _await_completed(self, completed: Any, return_type: Any, field_details_list: Any, path: Path) -> Any:
        try:
            return await completed
        except Exception as raw_error:
            self.handle_field_error(raw_error, return_type, field_details_list, path)
            return None


_BACKREF = GraphQLCoreConverter.DEFINITION_BACKREF

# A resolver called the short way: the GraphQL field, the resolver's function, whether it takes
# the object as ``self``, the name of its ``info`` parameter (or None), and its arguments as
# Strawberry would convert them.
Call = tuple[GraphQLField, Callable[..., Any], bool, str | None, dict[str, Any]]

# Argument types whose values Strawberry passes on as graphql-core coerced them (its
# ``convert_argument`` returns a scalar's or an enum's value unchanged, a GlobalID aside); their
# values are immutable, so one conversion can serve every request.
_PLAIN_ARGUMENTS: tuple[type, ...] = (str, int, float, bool)


def _passed_as_coerced(argument_type: Any, value: Any) -> bool:
    """Whether Strawberry passes this argument's value to the resolver as it is."""
    if isinstance(argument_type, StrawberryMaybe):  # wrapped in Some()
        return False
    if isinstance(argument_type, StrawberryOptional):
        argument_type = argument_type.of_type
    if value is None:
        return True
    if argument_type in _PLAIN_ARGUMENTS or argument_type is strawberry.ID:
        return type(value) in _PLAIN_ARGUMENTS
    return isinstance(argument_type, type) and issubclass(argument_type, enum.Enum) and type(value) is argument_type


def _call(parent_type: GraphQLObjectType, node: FieldNode, variables: Any) -> Call | None:
    """How to call a field's resolver without Strawberry's per-call wrapper, or None to leave it
    to the long way. Only a resolver that Strawberry itself would call with nothing but its
    object, its ``info`` and its arguments (no field extension — so no permission —, no
    ``root``/``parent`` parameter), whose arguments in the document are literals (no variable
    anywhere in them) of text, numbers, Booleans or enums: then its converted arguments depend on
    the document alone and are worked out once (a page of 50 actors converted ``partners(first:
    10)`` 50 times per request, a tenth of its Python, issue 16, W1)."""
    field_def = parent_type.fields.get(node.name.value)
    if field_def is None or any(d.name.value not in ("skip", "include") for d in node.directives or ()):
        return None
    if field_def.subscribe is not None:  # an event's field answers the event, not its resolver
        return None
    definition = (field_def.extensions or {}).get(_BACKREF)
    if definition is None or definition.extensions or definition.base_resolver is None:
        return None
    resolver = definition.base_resolver
    if resolver.parent_parameter is not None or resolver.root_parameter is not None:
        return None
    if any(has_variable(argument.value) for argument in node.arguments or ()):
        return None
    try:
        coerced = get_argument_values(field_def, node, variables) if field_def.args or node.arguments else {}
    except Exception:  # the long way reports it
        return None
    kwargs: dict[str, Any] = {}
    for name, value in coerced.items():
        argument = field_def.args[name].extensions[_BACKREF]  # Strawberry's argument
        if not _passed_as_coerced(argument.type, value):
            return None
        kwargs[argument.python_name] = value
    info = resolver.info_parameter
    return (field_def, resolver.wrapped_func, resolver.self_parameter is not None, info and info.name, kwargs)


def has_variable(value: ValueNode) -> bool:
    """Whether a variable appears anywhere in an argument's value (lists and input objects too)."""
    if isinstance(value, VariableNode):
        return True
    if isinstance(value, ListValueNode):
        return any(has_variable(v) for v in value.values)
    if isinstance(value, ObjectValueNode):
        return any(has_variable(f.value) for f in value.fields)
    return False
