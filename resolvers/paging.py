"""Connections: validated page arguments in, slices with cursors out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from graph.pagination import InvalidCursor, Page, SortField, decode_cursor, encode_cursor
from resolvers.errors import bad_input

T = TypeVar("T")

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


@dataclass(frozen=True)
class Slice(Generic[T]):
    """One page of a connection: items with their cursors, and where it stands."""

    items: list[tuple[str, T]]
    total: int
    has_next_page: bool
    has_previous_page: bool


def page(sort: Sequence[SortField], first: int | None, after: str | None) -> Page:
    size = DEFAULT_PAGE_SIZE if first is None else first
    if not 0 <= size <= MAX_PAGE_SIZE:
        raise bad_input(f"`first` must be between 0 and {MAX_PAGE_SIZE}")
    try:
        values = decode_cursor(sort, after) if after else None
    except InvalidCursor as exc:
        raise bad_input(f"invalid `after` cursor: {exc}") from exc
    return Page(sort=tuple(sort), first=size, after=values)


def slice_of(
    page: Page, rows: Sequence[tuple[T, list[object]]], ids: Sequence[str], total: int, has_more: bool
) -> Slice[T]:
    items = [(encode_cursor(page.sort, [*keys, row_id]), item) for (item, keys), row_id in zip(rows, ids, strict=True)]
    return Slice(items=items, total=total, has_next_page=has_more, has_previous_page=page.after is not None)
