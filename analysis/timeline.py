"""How a network changed over the years: actors and cooperations started, ended and active.

A cooperation is active in a year if it started on or before 31 December and had not ended
before 1 January; one without a start date counts as active from the first year shown (and is
counted separately as undated). Actors are dated by their quarter memberships.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from graph.networks import NetworkData


@dataclass(frozen=True)
class Year:
    year: int
    actors_started: int
    actors_ended: int
    actors_active: int
    cooperations_started: int
    cooperations_ended: int
    cooperations_active: int


@dataclass(frozen=True)
class Timeline:
    years: list[Year]
    undated_actors: int
    undated_cooperations: int


def _year(iso: str | None) -> int | None:
    return int(iso[:4]) if iso else None


def build(data: NetworkData, until: int | None = None) -> Timeline:
    last = until or dt.date.today().year
    actor_spans = [(_year(n.since), _year(n.until)) for n in data.nodes]
    tie_spans = [(_year(e.since), _year(e.until)) for e in data.edges]
    starts = [s for s, _ in actor_spans + tie_spans if s is not None]
    if not starts:
        return Timeline([], sum(1 for s, _ in actor_spans if s is None), sum(1 for s, _ in tie_spans if s is None))
    first = min(starts)

    def series(spans: list[tuple[int | None, int | None]]) -> list[tuple[int, int, int]]:
        started = Counter(s for s, _ in spans if s is not None)
        ended = Counter(u for _, u in spans if u is not None)
        active = sum(1 for s, _ in spans if s is None)  # undated: active from the first year
        out = []
        for y in range(first, last + 1):
            if y > first:
                active -= ended.get(y - 1, 0)  # ended last year: not active this year
            active += started.get(y, 0)
            out.append((started.get(y, 0), ended.get(y, 0), active))
        return out

    years = [
        Year(y, *a, *t) for y, a, t in zip(range(first, last + 1), series(actor_spans), series(tie_spans), strict=True)
    ]
    return Timeline(years, sum(1 for s, _ in actor_spans if s is None), sum(1 for s, _ in tie_spans if s is None))
