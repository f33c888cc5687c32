"""Keyset pagination: cursors hold the sort key of the last row seen, never a position.

A cursor stays valid when rows are added or removed before it: the next page starts after
its key, wherever that now is. Each sortable field is an allow-listed Cypher expression
returning a plain string or integer; a page is ordered by the chosen fields then by id.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, LiteralString, cast

from graph.filters import Compiler


class InvalidCursor(ValueError):
    pass


@dataclass(frozen=True)
class SortField:
    name: str
    expression: LiteralString  # over the variable "{v}", returns a string or integer, never null
    descending: bool = False


@dataclass(frozen=True)
class Page:
    sort: tuple[SortField, ...]
    first: int
    after: tuple[Any, ...] | None = None  # the sort values and id of the row before this page


def encode_cursor(sort: Sequence[SortField], values: Sequence[Any]) -> str:
    payload = json.dumps([[f"{f.name}:{'d' if f.descending else 'a'}" for f in sort], list(values)])
    return base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")


def decode_cursor(sort: Sequence[SortField], cursor: str) -> tuple[Any, ...]:
    """The values a cursor holds; :class:`InvalidCursor` if it is malformed or for another order."""
    try:
        raw = base64.urlsafe_b64decode((cursor + "=" * (-len(cursor) % 4)).encode("ascii"))
        spec, values = json.loads(raw)
    except (binascii.Error, UnicodeError, ValueError, TypeError) as exc:
        raise InvalidCursor("the cursor is malformed") from exc
    if spec != [f"{f.name}:{'d' if f.descending else 'a'}" for f in sort]:
        raise InvalidCursor("the cursor belongs to a different ordering")
    if not isinstance(values, list) or len(values) != len(sort) + 1:
        raise InvalidCursor("the cursor is malformed")
    if not all(isinstance(v, str | int) and not isinstance(v, bool) for v in values):
        raise InvalidCursor("the cursor is malformed")
    return tuple(values)


def key_expressions(sort: Sequence[SortField], v: str) -> list[str]:
    return [f.expression.format(v=v) for f in sort]


def order_by(sort: Sequence[SortField], v: str) -> LiteralString:
    return order_by_keys(sort, key_expressions(sort, v), f"{v}.id")


def order_by_keys(sort: Sequence[SortField], keys: Sequence[str], id_expr: str) -> LiteralString:
    """ORDER BY items for already computed key expressions (``keys[i]`` belongs to ``sort[i]``)."""
    items = [f"{expr}{' DESC' if f.descending else ''}" for f, expr in zip(sort, keys, strict=True)]
    return cast(LiteralString, ", ".join([*items, id_expr]))


def seek(page: Page, v: str, compiler: Compiler) -> LiteralString:
    """A predicate true for rows strictly after the cursor in the page's order."""
    return seek_keys(page, key_expressions(page.sort, v), f"{v}.id", compiler)


def seek_keys(page: Page, keys: Sequence[str], id_expr: str, compiler: Compiler) -> LiteralString:
    """:func:`seek` over already computed key expressions."""
    if page.after is None:
        return "true"
    exprs = [*keys, id_expr]
    descending = [f.descending for f in page.sort] + [False]
    params = [compiler.param(value) for value in page.after]
    alternatives = []
    for i in range(len(exprs)):
        equal = [f"{exprs[j]} = {params[j]}" for j in range(i)]
        beyond = f"{exprs[i]} {'<' if descending[i] else '>'} {params[i]}"
        alternatives.append("(" + " AND ".join([*equal, beyond]) + ")")
    return cast(LiteralString, "(" + " OR ".join(alternatives) + ")")
