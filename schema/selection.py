"""What a GraphQL selection asks of a page of actors: which columns to read, whether to count.

The read path lets the selection decide what is read (issue 16): an answer of ids and names
needs neither the actors' twenty-odd other properties nor a total. Any field this module does
not know (a new one, or one whose resolver needs the whole record) reads every column.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from types import SimpleNamespace
from typing import Any

from graphql import (
    FieldNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
)
from strawberry.types.nodes import SelectedField, Selection

from graph.actors import ALL_COLUMNS
from resolvers.actors import DetailReads
from schema.execution import has_variable

# Actor fields (GraphQL names) and the columns of graph.actors their answer needs. Fields that
# resolve through other queries by the actor's id (quarters, partners, counts) need none.
_ACTOR_FIELD_COLUMNS: dict[str, frozenset[str]] = {
    name: frozenset(columns)
    for name, columns in {
        "__typename": (),
        "id": (),
        "name": (),
        "type": (),
        "alternativeNames": ("altNames",),
        "description": ("description",),
        "address": ("address",),
        "location": ("location",),
        "website": ("website",),
        "tags": ("tags",),
        "sources": ("sources",),
        "synthetic": ("synthetic",),
        "archived": ("archived",),
        "archivedAt": ("archived",),
        "createdAt": ("times",),
        "updatedAt": ("times",),
        "version": ("version",),
        "actionFields": ("actionFields",),
        "kind": ("typeFields",),
        "legalForm": ("typeFields",),
        "sector": ("typeFields",),
        "socialEnterprise": ("typeFields",),
        "ownership": ("typeFields",),
        "quarters": (),
        "cooperations": (),
        "partners": (),
        "cooperationCount": (),
        "partnerCount": (),
        "knownFlats": (),
    }.items()
}


def fields(selections: Iterable[Selection]) -> Iterator[SelectedField]:
    """The fields of a selection set, those inside fragments included (directives are not
    evaluated: a field under ``@skip`` counts as asked, which only reads more)."""
    for s in selections:
        if isinstance(s, SelectedField):
            yield s
        else:
            yield from fields(s.selections)


def actor_columns(selections: Iterable[Selection]) -> frozenset[str]:
    """The columns an actor's selection needs; every column for a field not known here."""
    needed: set[str] = set()
    for f in fields(selections):
        columns = _ACTOR_FIELD_COLUMNS.get(f.name)
        if columns is None:
            return ALL_COLUMNS
        needed |= columns
    return frozenset(needed)


def connection_needs(info: Any) -> tuple[frozenset[str], bool]:
    """For a connection field: the columns its nodes need and whether ``totalCount`` is asked."""
    columns: set[str] = set()
    total = False
    for connection in info.selected_fields:
        for f in fields(connection.selections):
            if f.name == "totalCount":
                total = True
            elif f.name == "nodes":
                columns |= actor_columns(f.selections)
            elif f.name == "edges":
                for e in fields(f.selections):
                    if e.name == "node":
                        columns |= actor_columns(e.selections)
    return frozenset(columns), total


def total_needed(info: Any) -> bool:
    """For a connection field of any node type: whether ``totalCount`` is asked."""
    return any(f.name == "totalCount" for connection in info.selected_fields for f in fields(connection.selections))


def partner_needs(info: Any) -> tuple[frozenset[str], bool]:
    """For a page of partners: the columns of its nodes and whether the cooperations to each
    partner (``cooperations`` or ``cooperation`` on an edge) are asked."""
    columns, _ = connection_needs(info)
    ties = any(
        e.name in ("cooperations", "cooperation")
        for connection in info.selected_fields
        for f in fields(connection.selections)
        if f.name == "edges"
        for e in fields(f.selections)
    )
    return columns, ties


# partner_needs by (operation node, the parent object's class, the response path without list
# indexes), with the operation kept alive so that its id is not reused while the entry lives.
_PARTNER_NEEDS: dict[tuple[int, type, tuple[str, ...]], tuple[Any, tuple[frozenset[str], bool]]] = {}
_MOST_KEPT = 1024


def partner_needs_of(info: Any, parent: object) -> tuple[frozenset[str], bool]:
    """:func:`partner_needs`, worked out once per place in an operation rather than for each of the
    objects there (50 times for a page of 50 actors; converting the selection was a tenth of such
    a page's Python, issue 16, W1). What it reads of the selection — field names, fragments
    included, directives and arguments not — is fixed by the operation's nodes (the parser's
    cache hands every request with the same text the same nodes), the parent's concrete type (a
    fragment on one type only) and the place in the answer."""
    operation = info.operation
    place = tuple(key for key in info.path.as_list() if isinstance(key, str))
    key = (id(operation), type(parent), place)
    found = _PARTNER_NEEDS.get(key)
    if found is not None and found[0] is operation:
        return found[1]
    needs = partner_needs(info)
    if len(_PARTNER_NEEDS) >= _MOST_KEPT:
        _PARTNER_NEEDS.clear()
    _PARTNER_NEEDS[key] = (operation, needs)
    return needs


# detail_reads by (operation node, the response path without list indexes), for selections without
# a variable in their arguments, with the operation kept alive (as _PARTNER_NEEDS).
_DETAIL_READS: dict[tuple[int, tuple[str, ...]], tuple[Any, DetailReads]] = {}


def detail_reads_of(info: Any) -> DetailReads:
    """:func:`detail_reads`, worked out once per place in an operation where it can be: what it
    reads of the selection — field names, fragments included, and ``partners``' arguments — is
    fixed by the operation's nodes unless an argument below the field is a variable. Converting
    the selection was about a fifteenth of an actor detail's Python (issue 16, W2), each time
    for the same document."""
    operation = info.operation
    place = tuple(k for k in info.path.as_list() if isinstance(k, str))
    key = (id(operation), place)
    found = _DETAIL_READS.get(key)
    if found is not None and found[0] is operation:
        return found[1]
    reads = detail_reads(info)
    if _fixed_by_document(operation, place):
        if len(_DETAIL_READS) >= _MOST_KEPT:
            _DETAIL_READS.clear()
        _DETAIL_READS[key] = (operation, reads)
    return reads


class _Spread(Exception):
    """A named fragment: its definition is not at hand here, so what it holds is not known."""


def _fixed_by_document(operation: OperationDefinitionNode, place: tuple[str, ...]) -> bool:
    """Whether the selections of the fields at ``place`` (response keys from the root) hold no
    variable in any argument and no named fragment (inline fragments are looked into;
    directives do not count: :func:`fields` does not evaluate them)."""
    try:
        nodes: list[Any] = [operation]
        for key in place:
            nodes = [f for n in nodes for f in _fields_at(n.selection_set, key)]
        return bool(nodes) and not any(_variables_below(n.selection_set) for n in nodes)
    except _Spread:
        return False


def _fields_at(selection_set: SelectionSetNode | None, key: str) -> Iterator[FieldNode]:
    for selection in selection_set.selections if selection_set is not None else ():
        if isinstance(selection, FieldNode):
            if (selection.alias or selection.name).value == key:
                yield selection
        elif isinstance(selection, InlineFragmentNode):
            yield from _fields_at(selection.selection_set, key)
        else:
            raise _Spread


def _variables_below(selection_set: SelectionSetNode | None) -> bool:
    for selection in selection_set.selections if selection_set is not None else ():
        if isinstance(selection, FieldNode):
            if any(has_variable(a.value) for a in selection.arguments or ()):
                return True
            if _variables_below(selection.selection_set):
                return True
        elif isinstance(selection, InlineFragmentNode):
            if _variables_below(selection.selection_set):
                return True
        else:
            raise _Spread
    return False


def detail_reads(info: Any) -> DetailReads:
    """For one actor (``actor(id:)``): what its fields will read by its id, to start with it.
    Partners only when asked once, without filter or cursor (the common detail page)."""
    selected = [f for top in info.selected_fields for f in fields(top.selections)]
    partners = [f for f in selected if f.name == "partners"]
    ahead = None
    if len(partners) == 1 and set(partners[0].arguments) <= {"first"}:
        first = partners[0].arguments.get("first")
        if isinstance(first, str) and first.isdigit():  # a literal comes as its text (`first: 20`)
            first = int(first)
        if first is None or isinstance(first, int):
            columns, ties = partner_needs(SimpleNamespace(selected_fields=partners))
            ahead = (first, columns, ties)
    return DetailReads(quarters=any(f.name == "quarters" for f in selected), partners=ahead)
