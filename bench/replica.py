"""The suggestion pipeline replayed in memory on a generated network, without Neo4j.

Reading 400 pools through Neo4j takes a quarter of an hour on the shared machine; ranking them
differently needs no database. The pools and their features come from analysis/candidates.py — the
same in-memory implementation the service serves suggestions from (tested against the Neo4j path),
so the experiments and the service cannot drift apart. This module only turns a generated network
(bench/generate.py, bench/grow.py) into that snapshot's rows and builds the scoring context the way
the resolver does. It serves bench/suggestion_experiments.py; the end-to-end figures in
bench/RESULTS.md come from bench/evaluate_suggestions.py, which reads the pools through Neo4j.

Known differences from the service: the reference quarters (real QM areas) are not there, so no
synthetic quarter neighbours one of them (no synthetic actor is active in those anyway), neighbouring
quarters are those whose landmarks lie within 2.5 km (no districts or mergers here), and action fields
are not mapped across generations (the generators use today's fields only).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from analysis import suggestions as scoring
from analysis.candidates import Snapshot
from bench.generate import Network
from graph.suggestions import Candidate, SnapshotActor, SnapshotTie, Subject
from resolvers.suggestions import NEIGHBOUR_DISTANCE_M

_SNAPSHOTS: dict[int, tuple[Network, Snapshot]] = {}  # one per network object: a Day is made per day asked


def snapshot_of(net: Network) -> Snapshot:
    """The network as the service's snapshot would hold it after loading it (every actor listed)."""
    kept = _SNAPSHOTS.get(id(net))
    if kept is not None and kept[0] is net:
        return kept[1]
    slug = {q["id"]: q["props"]["slug"] for q in net.quarters}
    actors = [
        SnapshotActor(
            a["id"],
            a["props"]["name"],
            a["type"],
            True,
            (a["lat"], a["lon"]) if a["lat"] is not None else None,
            dt.datetime.fromisoformat(a["createdAt"]).date() if a.get("createdAt") else None,
            tuple((slug[m["quarter"]], m["since"], m["until"]) for m in a["quarters"]),
            tuple(a["fields"]),
        )
        for a in net.actors
    ]
    ties = [
        SnapshotTie(
            t["a"], t["b"], t["props"]["since"], t["props"]["until"], None, tuple(t["props"]["actionFields"] or ())
        )
        for t in net.cooperations
    ]
    found = Snapshot(actors, ties)
    _SNAPSHOTS[id(net)] = (net, found)
    return found


@dataclass
class Day:
    """The network as of one day (``as_of``: memberships and appearance of that day too)."""

    net: Network
    day: dt.date
    as_of: dt.date | None
    snapshot: Snapshot = field(init=False)
    names: dict[str, str] = field(init=False)  # quarter slug → name
    landmark: dict[str, tuple[float, float]] = field(init=False)

    def __post_init__(self) -> None:
        self.snapshot = snapshot_of(self.net)
        self.names = {q["props"]["slug"]: q["props"]["name"] for q in self.net.quarters}
        self.landmark = {q["props"]["slug"]: (q["lat"], q["lon"]) for q in self.net.quarters}


def _neighbouring(d: Day, focus: set[str]) -> set[str]:
    near = set()
    for slug in focus:
        for other, where in d.landmark.items():
            if other not in focus and scoring.haversine_m(d.landmark[slug], where) <= NEIGHBOUR_DISTANCE_M:
                near.add(other)
    return near


def pool(
    d: Day, actor: str, exclude_all: bool = True, with_structure: bool = True
) -> tuple[list[Candidate], scoring.Context]:
    """Candidates and scoring context for ``actor`` as of ``d.day``, as resolvers.suggestions.pool builds them
    (``with_structure``: their structural signals too, as the service computes them for the learned model)."""
    subject: Subject | None = d.snapshot.subject(actor, d.as_of, d.day)
    assert subject is not None
    focus = set(subject.quarters)
    near = _neighbouring(d, focus)
    fields = sorted(subject.action_fields)
    found, structure = d.snapshot.pool_and_structure(
        actor,
        sorted(focus),
        sorted(focus | near),
        fields,
        False,
        None,
        d.day,
        d.as_of,
        subject.location,
        exclude_all,
        with_structure,
    )
    ctx = scoring.Context(
        subject=subject,
        focus_quarters=frozenset(focus),
        neighbouring=frozenset(near),
        fields=frozenset(subject.action_fields),
        field_names={},
        quarter_names=d.names,
        day=d.day,
        structure=structure,
    )
    return found, ctx
