"""Sort inputs → allow-listed sort fields (graph/ owns the Cypher of each field)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from graph import actors, cooperations
from graph.pagination import SortField
from resolvers.errors import bad_input

if TYPE_CHECKING:
    from schema.inputs import ActorOrder, CooperationOrder

MAX_SORT_KEYS = 3


def actor_sort(order: list[ActorOrder] | None) -> list[SortField]:
    if order and len(order) > MAX_SORT_KEYS:
        raise bad_input(f"sort by at most {MAX_SORT_KEYS} keys")
    fields = [actors.sort_field(o.field.value, o.direction.value == "desc") for o in order or []]
    return fields or [actors.sort_field("NAME", False)]


def cooperation_sort(order: list[CooperationOrder] | None) -> list[SortField]:
    if order and len(order) > MAX_SORT_KEYS:
        raise bad_input(f"sort by at most {MAX_SORT_KEYS} keys")
    fields = [cooperations.sort_field(o.field.value, o.direction.value == "desc") for o in order or []]
    return fields or [cooperations.sort_field("SINCE", True)]
