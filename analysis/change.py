"""Network change between two days: which actors and cooperations appeared or ended, which partner
pairs changed how they cooperate, and the whole-network measures then and now.

A *pair changed* when the same two actors cooperate on both days but through other
cooperations (one ended, another began: a project partnership became a working group). The
properties of one cooperation carry no history, so a change of them is not seen here; the
audit trail (``history``) has it.

Measures follow analysis/metrics.py: density over distinct partner pairs, connected components,
betweenness normalised by 2 / ((n-1)(n-2)). *Brokers* are the actors with the highest
betweenness (above zero), at most :data:`BROKERS`, ties broken by id.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from analysis.projection import project
from graph.networks import EdgeRow, NetworkData, NodeRow

BROKERS = 5


@dataclass(frozen=True)
class Snapshot:
    day: dt.date
    actors: int
    ties: int  # distinct partner pairs
    cooperations: int
    density: float
    components: int
    brokers: tuple[str, ...]  # actor ids, highest betweenness first


@dataclass(frozen=True)
class PairChange:
    a: str
    b: str
    kinds_before: tuple[str, ...]
    kinds_after: tuple[str, ...]


@dataclass(frozen=True)
class Change:
    before: Snapshot
    after: Snapshot
    actors_appeared: tuple[str, ...]
    actors_ended: tuple[str, ...]
    cooperations_appeared: tuple[str, ...]
    cooperations_ended: tuple[str, ...]
    pairs_changed: tuple[PairChange, ...]


def snapshot(data: NetworkData, day: dt.date) -> Snapshot:
    p = project(data)
    g = p.graph()
    n = g.vcount()
    density = 2 * len(p.pairs) / (n * (n - 1)) if n > 1 else 0.0
    scale = 2.0 / ((n - 1) * (n - 2)) if n > 2 else 0.0
    between = [b * scale for b in g.betweenness(directed=False)] if n else []
    ranked = sorted((v for v in range(n) if between[v] > 1e-12), key=lambda v: (-round(between[v], 12), p.ids[v]))
    return Snapshot(
        day=day,
        actors=n,
        ties=len(p.pairs),
        cooperations=p.ties,
        density=density,
        components=len(g.connected_components()) if n else 0,
        brokers=tuple(p.ids[v] for v in ranked[:BROKERS]),
    )


def _pairs(edges: Sequence[EdgeRow]) -> dict[tuple[str, str], dict[str, str]]:
    """Per partner pair (ids sorted), its cooperations: id → kind."""
    pairs: dict[tuple[str, str], dict[str, str]] = {}
    for e in edges:
        a, b = sorted((e.source, e.target))
        pairs.setdefault((a, b), {})[e.id] = e.kind
    return pairs


def compare(before: NetworkData, after: NetworkData, day_before: dt.date, day_after: dt.date) -> Change:
    """What changed from the network as of ``day_before`` to the network as of ``day_after``."""
    actors_then, actors_now = {n.id for n in before.nodes}, {n.id for n in after.nodes}
    ties_then, ties_now = {e.id for e in before.edges}, {e.id for e in after.edges}
    pairs_then, pairs_now = _pairs(before.edges), _pairs(after.edges)
    changed = [
        PairChange(a, b, tuple(sorted(pairs_then[(a, b)].values())), tuple(sorted(pairs_now[(a, b)].values())))
        for a, b in sorted(pairs_then.keys() & pairs_now.keys())
        if pairs_then[(a, b)].keys() != pairs_now[(a, b)].keys()
    ]
    return Change(
        before=snapshot(before, day_before),
        after=snapshot(after, day_after),
        actors_appeared=tuple(sorted(actors_now - actors_then)),
        actors_ended=tuple(sorted(actors_then - actors_now)),
        cooperations_appeared=tuple(sorted(ties_now - ties_then)),
        cooperations_ended=tuple(sorted(ties_then - ties_now)),
        pairs_changed=tuple(changed),
    )


def _within(since: str | None, until: str | None, day: str) -> bool:
    return (since is None or since <= day) and (until is None or until >= day)


def as_of(data: NetworkData, day: dt.date) -> NetworkData:
    """The part of an all-time network that was there on ``day`` (by membership and tie dates;
    an undated start counts as always there)."""
    iso = day.isoformat()
    nodes: list[NodeRow] = [n for n in data.nodes if _within(n.since, n.until, iso)]
    present = {n.id for n in nodes}
    edges = [e for e in data.edges if _within(e.since, e.until, iso) and e.source in present and e.target in present]
    return NetworkData(nodes, edges)


def series(data: NetworkData, days: Sequence[dt.date]) -> list[Snapshot]:
    """Snapshots of an all-time network on each day (the dossier's chart over the QM's years)."""
    return [snapshot(as_of(data, day), day) for day in days]
