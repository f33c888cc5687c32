"""Connections: validated page arguments in, slices with cursors out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from graph.pagination import InvalidCursor, Page, SortField, decode_cursor, encode_cursor
from resolvers import texts
from resolvers.errors import bad_input

T = TypeVar("T")

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


@dataclass(frozen=True, slots=True)
class Cursor:
    """A row's place in its order: encoded only when a client asks for it (most pages are read
    without their edges' cursors, and encoding one costs more than completing its node)."""

    sort: tuple[SortField, ...]
    values: tuple[Any, ...]

    def encoded(self) -> str:
        return encode_cursor(self.sort, self.values)


@dataclass(frozen=True)
class Slice(Generic[T]):
    """One page of a connection: items with their cursors, and where it stands."""

    items: list[tuple[Cursor, T]]
    total: int
    has_next_page: bool
    has_previous_page: bool


def page(sort: Sequence[SortField], first: int | None, after: str | None) -> Page:
    size = DEFAULT_PAGE_SIZE if first is None else first
    if not 0 <= size <= MAX_PAGE_SIZE:
        raise bad_input(texts.BETWEEN(name="first", low=0, high=MAX_PAGE_SIZE))
    try:
        values = decode_cursor(sort, after) if after else None
    except InvalidCursor as exc:
        raise bad_input(texts.BAD_CURSOR(reason=exc)) from exc
    return Page(sort=tuple(sort), first=size, after=values)


def slice_of(
    page: Page, rows: Sequence[tuple[T, list[object]]], ids: Sequence[str], total: int, has_more: bool
) -> Slice[T]:
    items = [(Cursor(page.sort, (*keys, row_id)), item) for (item, keys), row_id in zip(rows, ids, strict=True)]
    return Slice(items=items, total=total, has_next_page=has_more, has_previous_page=page.after is not None)
