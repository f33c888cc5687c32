"""One connection, one edge and one set of page arguments for every list that pages (Relay).

A concrete connection is declared by naming its node type and its noun; :func:`edge` and
:func:`connection` write the fields and their descriptions, so every connection reads alike:

    @edge(ACTOR)
    class ActorEdge(Edge[Actor]): ...

    @connection(ACTOR, ActorEdge)
    class ActorConnection(Connection[Actor]): ...

An edge may declare fields of its own in its body (they follow ``cursor`` and ``node``). The
page arguments ``first`` and ``after`` are :data:`First` and :data:`After`, described once from
the page-size constants of :mod:`resolvers.paging`.
"""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Callable, Sequence
from typing import Annotated, Any, Generic, Self, TypeVar, dataclass_transform

import strawberry

from resolvers.paging import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, Cursor, Slice

N = TypeVar("N")
R = TypeVar("R")
T = TypeVar("T")

First = Annotated[
    int | None,
    strawberry.argument(description=f"Page size, 0 to {MAX_PAGE_SIZE} (default {DEFAULT_PAGE_SIZE})."),
]
After = Annotated[str | None, strawberry.argument(description="Items after this cursor (`pageInfo.endCursor`).")]


@strawberry.type(description="Where a page stands in its connection (Relay).")
class PageInfo:
    """The cursors are encoded only when asked for, as an edge's are: a page of 50 actors with a
    page of partners each encoded 102 cursors that no one had asked for (issue 16, W1)."""

    has_next_page: bool = strawberry.field(description="More items follow this page.")
    has_previous_page: bool = strawberry.field(description="Items precede this page (it was asked for with `after`).")
    page: strawberry.Private[Slice[Any]]

    @strawberry.field(description="Cursor of the first item on this page.")
    def start_cursor(self) -> str | None:
        return self.page.items[0][0].encoded() if self.page.items else None

    @strawberry.field(
        description="Cursor of the last item; pass it as `after` for the next page. Cursors hold sort keys, "
        "not positions, so they stay valid when data changes."
    )
    def end_cursor(self) -> str | None:
        return self.page.items[-1][0].encoded() if self.page.items else None

    @classmethod
    def of(cls, page: Slice[Any]) -> PageInfo:
        return cls(has_next_page=page.has_next_page, has_previous_page=page.has_previous_page, page=page)


@dataclasses.dataclass(frozen=True)
class Noun:
    """How descriptions name what a connection holds."""

    singular: str  # "actor"
    plural: str  # "actors"
    edge: str  # the edge type's description
    edges: str = ""  # the description of `edges`; default: "The <plural> on this page."


@dataclasses.dataclass
class Edge(Generic[N]):
    """An item of a connection with its cursor; concrete edges are declared with :func:`edge`.
    The cursor is encoded only if the field ``cursor`` is asked for."""

    key: Cursor
    node: N

    def encoded_cursor(self) -> str:
        return self.key.encoded()


@dataclasses.dataclass
class Connection(Generic[N]):
    """A page of a connection; concrete connections are declared with :func:`connection`."""

    edges: Sequence[Edge[N]]
    page_info: PageInfo
    total_count: int

    @classmethod
    def of(cls, page: Slice[R], node: Callable[[R], N]) -> Self:
        """The page, each record wrapped by ``node``, in the edge type the connection declared."""
        edge_type: type[Edge[N]] = getattr(cls, "_edge_type")  # noqa: B009 - set by connection()
        return cls.page(page, [edge_type(key=cursor, node=node(record)) for cursor, record in page.items])

    @classmethod
    def page(cls, page: Slice[Any], edges: Sequence[Edge[N]]) -> Self:
        """The page with edges built by the caller (for edges that carry more than a node)."""
        return cls(edges=edges, page_info=PageInfo.of(page), total_count=page.total)


def _node_type(cls: type) -> Any:
    """``Actor`` for ``class ActorEdge(Edge[Actor])``."""
    for base in getattr(cls, "__orig_bases__", ()):
        if typing.get_origin(base) in (Edge, Connection):
            return typing.get_args(base)[0]
    raise TypeError(f"{cls.__name__} must derive from Edge[...] or Connection[...]")


def _declare(cls: type[T], fields: dict[str, tuple[Any, Any]]) -> None:
    """Give ``cls`` these fields (annotation, strawberry field) ahead of those of its own body."""
    own = dict(vars(cls).get("__annotations__", {}))
    cls.__annotations__ = {**{name: annotation for name, (annotation, _) in fields.items()}, **own}
    for name, (_, field) in fields.items():
        if field is not dataclasses.MISSING:  # MISSING: a field without a default (a private one)
            setattr(cls, name, field)


@dataclass_transform(field_specifiers=(strawberry.field,))
def edge(noun: Noun) -> Callable[[type[T]], type[T]]:
    """Declare an edge type: ``cursor`` and ``node`` with their descriptions, then its own fields."""

    def declare(cls: type[T]) -> type[T]:
        def cursor(self: Edge[Any]) -> str:
            return self.encoded_cursor()

        cursor.__annotations__ = {"self": cls, "return": str}
        _declare(
            cls,
            {
                "cursor": (
                    str,
                    strawberry.field(
                        resolver=cursor, description=f"Opaque cursor of this {noun.singular} in the connection."
                    ),
                ),
                "key": (strawberry.Private[Cursor], dataclasses.MISSING),
                "node": (_node_type(cls), strawberry.field(description=f"The {noun.singular}.")),
            },
        )
        return strawberry.type(cls, description=noun.edge)

    return declare


def connection(noun: Noun, edge_type: type[Edge[Any]], *, nodes: bool = True) -> Callable[[type[T]], type[T]]:
    """Declare a connection type: ``edges``, ``pageInfo``, ``totalCount`` and, unless ``nodes`` is
    false, the shortcut ``nodes``."""

    def declare(cls: type[T]) -> type[T]:
        node_type = _node_type(cls)
        fields: dict[str, tuple[Any, Any]] = {
            "edges": (
                list[edge_type],  # type: ignore[valid-type]  # a type made at run time, for strawberry
                strawberry.field(description=noun.edges or f"The {noun.plural} on this page."),
            ),
            "page_info": (PageInfo, strawberry.field(description="Where this page stands.")),
            "total_count": (int, strawberry.field(description=f"All {noun.plural} that match, across all pages.")),
        }
        _declare(cls, fields)
        if nodes:

            def shortcut(self: Connection[Any]) -> list[Any]:
                return [e.node for e in self.edges]

            shortcut.__annotations__ = {"self": cls, "return": list[node_type]}  # type: ignore[valid-type]  # as above
            cls.nodes = strawberry.field(  # type: ignore[attr-defined]  # declared here, for strawberry
                resolver=shortcut, description=f"The {noun.plural} on this page (shortcut for `edges {{ node }}`)."
            )
        cls._edge_type = edge_type  # type: ignore[attr-defined]  # read by Connection.of
        return strawberry.type(cls, description=f"A page of {noun.plural} (Relay connection).")

    return declare
