"""Sort keys → allow-listed sort fields (graph/ owns the Cypher of each field)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from graph import actors, cooperations
from graph.pagination import SortField
from resolvers import texts
from resolvers.errors import bad_input

MAX_SORT_KEYS = 3


@dataclass(frozen=True)
class SortKey:
    """One key to sort by, as the client asked: a field name (``NAME``, ``SINCE``...) and a direction."""

    field: str
    descending: bool = False


def actor_sort(order: Sequence[SortKey] | None) -> list[SortField]:
    if order and len(order) > MAX_SORT_KEYS:
        raise bad_input(texts.SORT_KEYS(limit=MAX_SORT_KEYS))
    fields = [actors.sort_field(o.field, o.descending) for o in order or ()]
    return fields or [actors.sort_field("NAME", False)]


def cooperation_sort(order: Sequence[SortKey] | None) -> list[SortField]:
    if order and len(order) > MAX_SORT_KEYS:
        raise bad_input(texts.SORT_KEYS(limit=MAX_SORT_KEYS))
    fields = [cooperations.sort_field(o.field, o.descending) for o in order or ()]
    return fields or [cooperations.sort_field("SINCE", True)]
