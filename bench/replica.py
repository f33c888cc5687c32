"""The suggestion pipeline replayed in memory on a generated network: candidate pools and their
features built the way graph/suggestions.py reads them, without Neo4j.

Reading 400 pools through Neo4j takes a quarter of an hour on the shared machine; ranking them
differently needs no database. This replica builds, for an actor and a day, the same four candidate
sources (the walk by personalized PageRank, the quarters in focus, the action fields nearby, the
nearby actors — each ordered before its cut at ``POOL``), the same exclusions and the same candidate
features (``graph.suggestions.Candidate``), and the scoring context the resolver builds, so
``analysis.suggestions`` ranks them unchanged. It serves the experiments of
bench/suggestion_experiments.py; the end-to-end figures in bench/RESULTS.md come from
bench/evaluate_suggestions.py, which reads the pools through Neo4j as the API does.

Known differences from the database path: the reference quarters (real QM areas) are not there, so
no synthetic quarter neighbours one of them (no synthetic actor is active in those anyway); names
are not read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from analysis import proximity
from analysis import suggestions as scoring
from bench.generate import Network
from graph.suggestions import EXPAND, NEARBY_RADIUS_M, POOL, RECENT_YEARS, Candidate, Subject
from resolvers.suggestions import NEIGHBOUR_DISTANCE_M


def _on(t: dict, day: dt.date) -> bool:
    since, until = t["props"]["since"], t["props"]["until"]
    return (since is None or since <= day) and (until is None or until >= day)


def _begun(t: dict, day: dt.date) -> bool:
    since = t["props"]["since"]
    return since is None or since <= day


@dataclass
class Day:
    """The network as of one day: who works with whom, and each actor's history up to then."""

    net: Network
    day: dt.date
    as_of: dt.date | None
    actors: dict[str, dict] = field(init=False)
    active: dict[str, set[str]] = field(init=False)  # partners through ties of the day
    begun: dict[str, list[dict]] = field(init=False)  # ties begun by the day, per actor
    every: dict[str, set[str]] = field(init=False)  # anyone ever tied (whatever the day)
    members: dict[str, set[str]] = field(init=False)  # quarter id → actors active in it on as_of (all without)
    quarter_of: dict[str, tuple[str, ...]] = field(init=False)

    def __post_init__(self) -> None:
        self.actors = {a["id"]: a for a in self.net.actors}
        self.active, self.begun, self.every = {}, {}, {}
        for t in self.net.cooperations:
            a, b = t["a"], t["b"]
            self.every.setdefault(a, set()).add(b)
            self.every.setdefault(b, set()).add(a)
            if _begun(t, self.day):
                self.begun.setdefault(a, []).append(t)
                self.begun.setdefault(b, []).append(t)
            if _on(t, self.day):
                self.active.setdefault(a, set()).add(b)
                self.active.setdefault(b, set()).add(a)
        self.members, quarter_of = {}, {}
        for a in self.net.actors:
            mine = []
            for m in a["quarters"]:
                on = self.as_of is None or (
                    (m["since"] is None or m["since"] <= self.as_of)
                    and (m["until"] is None or m["until"] >= self.as_of)
                )
                if on:
                    mine.append(m["quarter"])
                    self.members.setdefault(m["quarter"], set()).add(a["id"])
            quarter_of[a["id"]] = tuple(mine)
        self.quarter_of = quarter_of
        self.slug = {q["id"]: q["props"]["slug"] for q in self.net.quarters}
        self.names = {q["props"]["slug"]: q["props"]["name"] for q in self.net.quarters}
        self.landmark = {q["props"]["slug"]: (q["lat"], q["lon"]) for q in self.net.quarters}

    def degree(self, actor: str) -> int:
        return len(self.active.get(actor, ()))

    def location(self, actor: str) -> tuple[tuple[float, float] | None, bool]:
        a = self.actors[actor]
        if a["lat"] is not None:
            return (a["lat"], a["lon"]), False
        partners = [self.actors[o] for t in self.begun.get(actor, []) for o in (t["a"], t["b"]) if o != actor]
        located = [(p["lat"], p["lon"]) for p in partners if p["lat"] is not None]
        if not located:
            return None, False
        return (sum(x for x, _ in located) / len(located), sum(y for _, y in located) / len(located)), True

    def tie_fields(self, actor: str) -> tuple[str, ...]:
        return tuple(f for t in self.begun.get(actor, []) for f in t["props"]["actionFields"] or ())

    def quarters(self, actor: str) -> tuple[str, ...]:
        return tuple(self.slug[q] for q in self.quarter_of[actor])

    def neighbourhood(self, actor: str) -> dict[str, tuple[str, ...]]:
        """As graph.suggestions.NEIGHBOURHOOD reads it (no actor is archived here)."""
        first = sorted(self.active.get(actor, ()))
        counts: dict[str, int] = {}
        for m in first:
            for x in self.active.get(m, ()):
                if x != actor:
                    counts[x] = counts.get(x, 0) + 1
        second = sorted(counts, key=lambda x: (-counts[x], x))[:EXPAND]
        around = {actor: tuple(first)}
        for n in [*first, *second]:
            around[n] = tuple(sorted(self.active.get(n, ())))
        return around


def _neighbouring(d: Day, focus: set[str]) -> set[str]:
    near = set()
    for slug in focus:
        for other, where in d.landmark.items():
            if other not in focus and scoring.haversine_m(d.landmark[slug], where) <= NEIGHBOUR_DISTANCE_M:
                near.add(other)
    return near


def _top(ids: Iterable[str], key: object, n: int = POOL) -> list[str]:
    return sorted(ids, key=key)[:n]  # type: ignore[call-overload]


def pool(d: Day, actor: str, exclude_all: bool = True) -> tuple[list[Candidate], scoring.Context]:
    """Candidates and scoring context for ``actor`` as of ``d.day``, as resolvers.suggestions.pool builds them."""
    me = d.actors[actor]
    location, estimated = d.location(actor)
    subject = Subject(
        actor, me["type"], d.quarters(actor), tuple(me["fields"]), location, False, estimated, d.tie_fields(actor)
    )
    focus = set(subject.quarters)
    near = _neighbouring(d, focus)
    partners = (
        d.every.get(actor, set())
        if exclude_all
        else {o for t in d.begun.get(actor, []) for o in (t["a"], t["b"]) if o != actor}
    )
    excluded = partners | {actor}
    appeared = (
        {a for a in d.actors if d.as_of is None or d.actors[a]["entered"] <= d.as_of}
        if "entered" in me
        else set(d.actors)
    )

    around = d.neighbourhood(actor)
    walk = proximity.personalized_pagerank(around, actor).scores
    shared = proximity.shared(around, actor)
    chosen: set[str] = set(_top((c for c in walk if c not in excluded and walk[c] > 0), lambda c: (-walk[c], c)))
    focus_members = {c for q, ms in d.members.items() if d.slug[q] in focus for c in ms} - excluded
    chosen |= set(_top(focus_members, lambda c: (-d.degree(c), c)))
    fields = set(me["fields"])
    nearby_members = {c for q, ms in d.members.items() if d.slug[q] in focus | near for c in ms}
    on_fields = {c for c in nearby_members if fields & set(d.actors[c]["fields"])} - excluded
    chosen |= set(_top(on_fields, lambda c: (-d.degree(c), c)))
    if location is not None:
        dist = {
            c: scoring.haversine_m(location, (a["lat"], a["lon"]))
            for c, a in d.actors.items()
            if a["lat"] is not None and c not in excluded
        }
        close = [c for c, m in dist.items() if m <= NEARBY_RADIUS_M]
        chosen |= set(_top(close, lambda c: (dist[c], c)))
    out = []
    for c in sorted(chosen & appeared):
        a = d.actors[c]
        loc, est = d.location(c)
        begun = d.begun.get(c, [])
        latest = max((t["props"]["since"] for t in begun if t["props"]["since"] is not None), default=None)
        cutoff = d.day.replace(year=d.day.year - RECENT_YEARS)
        recent = sum(1 for t in begun if t["props"]["since"] is not None and t["props"]["since"] > cutoff)
        out.append(
            Candidate(
                id=c,
                name=a["props"]["name"],
                type=a["type"],
                quarters=d.quarters(c),
                action_fields=tuple(a["fields"]),
                location=loc,
                latest_activity=latest,
                shared=tuple((m, m, len(around[m])) for m in shared.get(c, ())),
                walk=walk.get(c, 0.0),
                degree=d.degree(c),
                recent=recent,
                tie_fields=d.tie_fields(c),
                location_estimated=est,
            )
        )
    ctx = scoring.Context(
        subject=subject,
        focus_quarters=frozenset(focus),
        neighbouring=frozenset(near),
        fields=frozenset(me["fields"]),
        field_names={},
        quarter_names=d.names,
        day=d.day,
    )
    return out, ctx
