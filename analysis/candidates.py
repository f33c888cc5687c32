"""Candidate pools for partner suggestions, built in memory from a snapshot of the whole network.

graph/suggestions.py reads a pool through Neo4j in two queries (the neighbourhood, then the pool
with its features); that costs hundreds of milliseconds per request on the Berlin-scale network.
A :class:`Snapshot` holds what those queries read — every actor's type, flags, location, creation
day, memberships with their dates and action fields; every cooperation with its dates and action
fields, as a CSR adjacency (numpy) — and answers the same three questions the same way:

- :meth:`Snapshot.subject` as ``SUBJECT``,
- :meth:`Snapshot.neighbourhood` as ``NEIGHBOURHOOD``,
- :meth:`Snapshot.candidates` as ``CANDIDATES`` (the four sources, each ordered before its cut,
  the exclusions, the filters, and every candidate's features).

It is **the** in-memory implementation: the service serves suggestions from it by revision
(resolvers/suggestions.py) and the benchmarks' replica (bench/replica.py) builds its pools with it,
so the two cannot drift apart; a test compares it with the Neo4j path on the same data. The rules
that decide what a tie or a membership counts for on a day are spelled out in graph/suggestions.py's
docstring; they are repeated here only where the code needs a reminder.

A day's view (which ties are active, each actor's degree, recent starts, latest start, partners'
mean location) is derived once per day asked about and kept (:meth:`Snapshot.day`): a snapshot
built yesterday answers today's questions with today's view.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import itertools
import math
import threading
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, overload

import numpy as np

from analysis import proximity, structure
from graph.quarters import QuarterRecord
from graph.suggestions import (
    EXPAND,
    NEARBY_RADIUS_M,
    POOL,
    RECENT_YEARS,
    Candidate,
    Neighbourhood,
    SnapshotActor,
    SnapshotTie,
    Subject,
)

# A missing ``since`` counts as "from the start", a missing ``until`` as "not ended"; a tie with neither
# ``since`` nor a creation day never counts as begun (``null <= day`` is not true in Cypher).
_LOW = np.int64(-(2**40))
LOW_ORDINAL = int(_LOW)  # DayView.latest of an actor without a cooperation begun by the day
_HIGH = np.int64(2**40)
# Neo4j's point.distance on WGS-84 points: the haversine on a sphere of this radius (metres).
NEO4J_EARTH_RADIUS_M = 6378140.0

Shared = Mapping[str, tuple[tuple[str, str, int], ...]]
Bases = dict[tuple[int, dt.date | None], Candidate]  # DayView.bases
Carried = dict[dt.date, Bases]  # per day: bases an earlier snapshot computed that still hold


def _ordinal(day: dt.date | None, missing: np.int64) -> np.int64:
    return missing if day is None else np.int64(day.toordinal())


def _years_before(day: dt.date, years: int) -> dt.date:
    """``day - duration({years: n})`` as Cypher computes it: 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def closeness(around: Neighbourhood, actor: str, read: proximity.Ties | None = None) -> tuple[dict[str, float], Shared]:
    """Personalized PageRank from ``actor`` on its neighbourhood (those ruled out dropped) and the partners
    each candidate shares with it, (id, name, degree) each — what the walk source and the features need.
    ``read``: the neighbourhood's ties as proximity.Ties, if the caller walks them again (``structural``)."""
    walk = proximity.personalized_pagerank(around.around if read is None else read, actor).scores
    shared = {
        c: tuple((m, around.names.get(m, m), around.degree(m)) for m in via)
        for c, via in proximity.shared(around.around, actor).items()
    }
    return {c: w for c, w in walk.items() if c not in around.excluded}, shared


def structural(
    around: Neighbourhood, actor: str, candidates: Sequence[Candidate], read: proximity.Ties | None = None
) -> dict[str, list[float]]:
    """Each candidate's structural signals (analysis/structure.py) on the neighbourhood its pool was read
    from: the same on both paths. The PageRank at 0.85 is the one ``closeness`` computed (each candidate
    carries it as ``walk``), so only the short walk and the path counts are new work (on ``read``, the
    ties ``closeness`` walked, when the caller kept them)."""
    walk = {c.id: c.walk for c in candidates}
    degrees = {c.id: c.degree for c in candidates}
    return structure.features(around.around, actor, list(walk), degrees, long_walk=walk, read=read)


@dataclass(frozen=True)
class DayView:
    """The ties of one day: what counts as active, begun, alive, and the per-actor numbers derived from them."""

    day: dt.date
    on_ptr: np.ndarray  # CSR over ties active on the day: actor i's partners are on_nbr[on_ptr[i]:on_ptr[i+1]]
    on_nbr: np.ndarray
    on_count: np.ndarray  # active ties per actor (relationships, not partners: as Cypher's COUNT counts them)
    begun_inc: np.ndarray  # per incidence: its tie had begun by the day
    degree: np.ndarray  # distinct partners through ties begun by the day and not ended before it
    recent: np.ndarray  # ties begun in the RECENT_YEARS years up to the day
    latest: np.ndarray  # ordinal of the latest start by the day (_LOW: none)
    partners_lat: np.ndarray  # mean location of the partners of begun ties (nan: none located)
    partners_lon: np.ndarray
    # Each candidate as it is for an actor the walk did not reach and that shares no partner with it (its
    # features that do not depend on who asks), by (actor index, asOf), filled as asked.
    bases: Bases = field(default_factory=dict, compare=False)
    # Each actor's partners of the day, their ids in order, by actor index, filled as asked (a neighbourhood reads
    # those of a few hundred actors, and the same hubs' partners are read for many requests).
    partner_ids: dict[int, tuple[str, ...]] = field(default_factory=dict, compare=False)


class Snapshot:
    """The network of one revision in memory (see the module docstring)."""

    def __init__(
        self, actors: Sequence[SnapshotActor], ties: Sequence[SnapshotTie], quarters: Sequence[QuarterRecord] = ()
    ) -> None:
        self.quarters = list(quarters)  # every quarter of the revision (the resolver's neighbouring quarters)
        self.actors = list(actors)
        self.ids = [a.id for a in self.actors]
        self.index = {a: i for i, a in enumerate(self.ids)}
        n = len(self.ids)
        self.size = n
        self.listed = np.array([a.listed for a in self.actors], dtype=bool)
        self.type_of = [a.type for a in self.actors]
        self.id_rank = np.empty(n, dtype=np.int64)  # position in id order: Cypher's "ORDER BY …, c.id"
        self.id_rank[np.argsort(np.array(self.ids, dtype=object), kind="stable")] = np.arange(n)
        self.lat = np.array([a.location[0] if a.location else np.nan for a in self.actors], dtype=float)
        self.lon = np.array([a.location[1] if a.location else np.nan for a in self.actors], dtype=float)
        self.located = np.flatnonzero(~np.isnan(self.lat))
        self.fields_of = [frozenset(a.action_fields) for a in self.actors]
        self.members: dict[str, list[tuple[int, dt.date | None, dt.date | None]]] = {}
        for i, a in enumerate(self.actors):
            for slug, since, until in a.memberships:
                self.members.setdefault(slug, []).append((i, since, until))
        self.member_ids = {q: np.unique([k for k, _, _ in ms]).astype(np.int64) for q, ms in self.members.items()}
        self.working_on: dict[str, set[int]] = {}
        for i, a in enumerate(self.actors):
            for f in a.action_fields:
                self.working_on.setdefault(f, set()).add(i)
        known = [t for t in ties if t.a in self.index and t.b in self.index]
        self.ta = np.array([self.index[t.a] for t in known], dtype=np.int64)
        self.tb = np.array([self.index[t.b] for t in known], dtype=np.int64)
        self.since = np.array([_ordinal(t.since, _LOW) for t in known], dtype=np.int64)
        self.until = np.array([_ordinal(t.until, _HIGH) for t in known], dtype=np.int64)
        self.began = np.array([_ordinal(t.since or t.created, _HIGH) for t in known], dtype=np.int64)
        self.tie_fields = [t.action_fields for t in known]
        self._adjacency()
        self._days: dict[dt.date, DayView] = {}
        self._carried: Carried = {}  # bases an earlier snapshot computed that still hold here (``apply``)
        # per day: an earlier snapshot's view, and the actors whose numbers may differ here (``apply``)
        self._earlier: dict[dt.date, tuple[DayView, np.ndarray]] = {}
        self._lock = threading.Lock()
        self._working_masks: dict[str, tuple[set[int], np.ndarray]] = {}  # ``_working_on``

    def _adjacency(self) -> None:
        """Each tie at both its ends (an incidence), grouped by the end: the CSR adjacency. Within an end's
        group, its ties as first end (``ta``) come before those as second end (``tb``), each in tie order."""
        m = len(self.ta)
        ends = np.concatenate([self.ta, self.tb])
        order = np.argsort(ends, kind="stable")
        self.owner = ends[order]
        self.nbr = np.concatenate([self.tb, self.ta])[order]
        self.tie = np.concatenate([np.arange(m), np.arange(m)])[order]
        self.second = order >= m  # the incidence is its tie's second end
        self._pointers()

    def _pointers(self) -> None:
        self.ptr = np.concatenate([[0], np.cumsum(np.bincount(self.owner, minlength=self.size))]).astype(np.int64)

    def _readjacency(self, new: Snapshot, keep: np.ndarray, added: int) -> None:
        """``new``'s adjacency from this one's, when ``new`` keeps the ties ``keep`` marks (in their order) and
        appends ``added`` ties: what :meth:`_adjacency` gives ``new``, without sorting every incidence again (a
        stable sort of the 100,000 incidences of the Berlin-scale network was half of a catch-up). The kept
        incidences stay in their order, renumbered; each appended tie's two incidences go after the kept ones
        of the same end and side, since an appended tie comes after every kept one."""
        kept = keep[self.tie]
        renumber = np.cumsum(keep) - 1
        owner, nbr, second = self.owner[kept], self.nbr[kept], self.second[kept]
        tie = renumber[self.tie[kept]]
        first_new = len(new.ta) - added
        fresh = np.arange(first_new, len(new.ta))
        add_owner = np.concatenate([new.ta[first_new:], new.tb[first_new:]])
        add_nbr = np.concatenate([new.tb[first_new:], new.ta[first_new:]])
        add_second = np.concatenate([np.zeros(added, dtype=bool), np.ones(added, dtype=bool)])
        add_tie = np.concatenate([fresh, fresh])
        group = add_owner * 2 + add_second  # (end, side): the order of the groups in the adjacency
        order = np.lexsort((add_tie, group))
        at = np.searchsorted(owner * 2 + second, group[order], side="right")
        new.owner = np.insert(owner, at, add_owner[order])
        new.nbr = np.insert(nbr, at, add_nbr[order])
        new.tie = np.insert(tie, at, add_tie[order])
        new.second = np.insert(second, at, add_second[order])
        new._pointers()

    # ---- the day's view -----------------------------------------------------------------------------------

    def day(self, day: dt.date) -> DayView:
        with self._lock:
            found = self._days.get(day)
        if found is not None:
            return found
        view = self._view(day)
        with self._lock:
            found = self._days.get(day)  # another thread's, made meanwhile: one view per day keeps the bases
            if found is None:
                if len(self._days) >= 4:
                    self._days.clear()
                view.bases.update(self._carried.pop(day, {}))
                found = self._days[day] = view
        return found

    def _view(self, day: dt.date) -> DayView:
        n, d = self.size, np.int64(day.toordinal())
        on_tie = (self.since <= d) & (self.until >= d)
        begun_tie = self.began <= d
        on = on_tie[self.tie]
        begun = begun_tie[self.tie]
        alive = begun & (self.until[self.tie] >= d)
        on_owner = self.owner[on]
        on_ptr = np.concatenate([[0], np.cumsum(np.bincount(on_owner, minlength=n))]).astype(np.int64)
        earlier = self._earlier.get(day)
        if earlier is None:
            numbers = self._numbers(day, begun, alive)
        else:  # after a write: only the actors it reached are counted again, the others keep their numbers
            view, changed = earlier
            scope = changed[self.owner]
            counted = self._numbers(day, begun & scope, alive & scope)
            numbers = [_patched(kept, new, changed) for kept, new in zip(_numbers_of(view), counted, strict=True)]
        degree, recent, latest, plat, plon = numbers
        return DayView(
            day, on_ptr, self.nbr[on], np.bincount(on_owner, minlength=n), begun, degree, recent, latest, plat, plon
        )

    def _numbers(self, day: dt.date, begun: np.ndarray, alive: np.ndarray) -> list[np.ndarray]:
        """Per actor, from the incidences ``begun`` and ``alive`` mark: distinct partners, recent starts, the
        latest start and the partners' mean location (DayView's degree, recent, latest, partners_lat/lon)."""
        n = self.size
        pairs = _distinct(self.owner[alive] * max(n, 1) + self.nbr[alive])
        degree = np.bincount(pairs // max(n, 1), minlength=n)
        began = self.began[self.tie]
        cutoff = np.int64(_years_before(day, RECENT_YEARS).toordinal())
        recent = np.bincount(self.owner[begun & (began > cutoff)], minlength=n)
        latest = np.full(n, _LOW, dtype=np.int64)
        np.maximum.at(latest, self.owner[begun], began[begun])
        located = begun & ~np.isnan(self.lat[self.nbr])
        count = np.bincount(self.owner[located], minlength=n)
        with np.errstate(invalid="ignore", divide="ignore"):
            plat = np.bincount(self.owner[located], weights=self.lat[self.nbr[located]], minlength=n) / count
            plon = np.bincount(self.owner[located], weights=self.lon[self.nbr[located]], minlength=n) / count
        return [degree, recent, latest, plat, plon]

    # ---- per actor ----------------------------------------------------------------------------------------

    def _partners_on(self, v: DayView, i: int) -> np.ndarray:
        return np.unique(v.on_nbr[v.on_ptr[i] : v.on_ptr[i + 1]])

    def _around(self, here: tuple[float, float], metres: float) -> np.ndarray:
        """The located actors in a box around ``here`` that holds every point within ``metres`` (and more): the
        distance is then computed for these only. A great circle's angle is at least the difference of the
        latitudes, and at least that of the longitudes times the cosine of the larger latitude; the box is
        twice that wide."""
        angle = math.degrees(metres / NEO4J_EARTH_RADIUS_M) * 2
        widest = math.cos(math.radians(min(90.0, abs(here[0]) + angle)))
        if widest < 0.1 or abs(here[1]) + angle / widest > 180:  # near a pole or the date line: no box
            return self.located
        lat, lon = self.lat[self.located], self.lon[self.located]
        inside = (np.abs(lat - here[0]) <= angle) & (np.abs(lon - here[1]) <= angle / widest)
        return np.asarray(self.located[inside])

    def _working_on(self, action_field: str) -> np.ndarray:
        """``working_on[action_field]`` as a mask over the actors, made once per set and size: ``apply`` replaces
        the set of a field it changes (and copies this cache with the snapshot), so a mask kept for another set,
        or for fewer actors, is made again."""
        members = self.working_on[action_field]
        kept = self._working_masks.get(action_field)
        if kept is None or kept[0] is not members or len(kept[1]) != self.size:
            mask = np.zeros(self.size, dtype=bool)
            mask[np.fromiter(members, dtype=np.int64, count=len(members))] = True
            kept = self._working_masks[action_field] = (members, mask)
        return kept[1]

    def _partner_ids(self, v: DayView, k: int) -> tuple[str, ...]:
        found = v.partner_ids.get(k)
        if found is None:
            ids = self.ids
            found = v.partner_ids[k] = tuple(sorted(ids[x] for x in self._partners_on(v, k).tolist()))
        return found

    def _begun(self, v: DayView, i: int) -> np.ndarray:
        """Incidence positions of actor ``i``'s ties begun by the day."""
        span = np.arange(self.ptr[i], self.ptr[i + 1])
        return np.asarray(span[v.begun_inc[span]])

    def _location(self, v: DayView, i: int) -> tuple[tuple[float, float] | None, bool]:
        if not math.isnan(self.lat[i]):
            return (float(self.lat[i]), float(self.lon[i])), False
        if not math.isnan(v.partners_lat[i]):
            return (float(v.partners_lat[i]), float(v.partners_lon[i])), True
        return None, False

    def _tie_fields(self, v: DayView, i: int) -> tuple[str, ...]:
        return tuple(f for k in self._begun(v, i) for f in self.tie_fields[self.tie[k]])

    def _quarters(self, i: int, as_of: dt.date | None) -> tuple[str, ...]:
        return tuple(
            slug
            for slug, since, until in self.actors[i].memberships
            if as_of is None or ((since is None or since <= as_of) and (until is None or until >= as_of))
        )

    def _excluded(self, v: DayView, i: int, exclude_all: bool) -> set[int]:
        """Who may not be suggested to ``i``: anyone it ever cooperated with (or, for learning from the
        past, with a tie begun by the day)."""
        span = np.arange(self.ptr[i], self.ptr[i + 1])
        if not exclude_all:
            span = span[v.begun_inc[span]]
        return set(self.nbr[span].tolist())

    def subject(self, actor: str, as_of: dt.date | None, day: dt.date) -> Subject | None:
        i = self.index.get(actor)
        if i is None:
            return None
        v = self.day(day)
        location, estimated = self._location(v, i)
        a = self.actors[i]
        return Subject(
            actor,
            a.type,
            self._quarters(i, as_of),
            a.action_fields,
            location,
            not a.listed,
            estimated,
            self._tie_fields(v, i),
        )

    def neighbourhood(self, actor: str, day: dt.date, exclude_all: bool = True, expand: int = EXPAND) -> Neighbourhood:
        """The actor, its partners of the day (not archived), and up to ``expand`` actors two steps away (those
        most of its partners work with first, then by id), each with its partners of the day."""
        i = self.index.get(actor)
        if i is None:
            return Neighbourhood({}, {}, frozenset())
        v = self.day(day)
        first = self._partners_on(v, i)
        first = first[self.listed[first]]
        second = np.empty(0, dtype=np.int64)
        if len(first):
            starts, ends = v.on_ptr[first], v.on_ptr[first + 1]
            via = np.repeat(first, ends - starts)
            reached = np.concatenate([v.on_nbr[s:e] for s, e in zip(starts, ends, strict=True)])
            keep = reached != i
            pairs = np.unique(via[keep] * self.size + reached[keep])
            xs, counts = np.unique(pairs % self.size, return_counts=True)
            second = xs[np.lexsort((self.id_rank[xs], -counts))][:expand]
        ids = self.ids
        around: dict[str, tuple[str, ...]] = {actor: tuple(sorted(ids[k] for k in first.tolist()))}
        for k in dict.fromkeys([*first.tolist(), *second.tolist()]):
            if k != i:
                around[ids[k]] = self._partner_ids(v, k)
        names = {ids[k]: self.actors[k].name for k in [i, *first.tolist(), *second.tolist()]}
        excluded = frozenset(ids[k] for k in self._excluded(v, i, exclude_all))
        return Neighbourhood(around, names, excluded)

    def candidates(
        self,
        actor: str,
        quarters: Sequence[str],
        nearby: Sequence[str],
        fields: Sequence[str],
        require_field: bool,
        types: Sequence[str] | None,
        day: dt.date,
        as_of: dt.date | None = None,
        pool: int = POOL,
        here: tuple[float, float] | None = None,
        exclude_all: bool = True,
        walk: Mapping[str, float] | None = None,
        shared: Shared | None = None,
        lazy: bool = False,
    ) -> Sequence[Candidate]:
        """The pool and its features, as graph.suggestions.candidates reads them (same arguments). ``lazy``
        (today's pools only, no ``as_of``): a :class:`Pool`, whose candidates are made when asked for."""
        i = self.index.get(actor)
        if i is None:
            return []
        walk, shared = walk or {}, shared or {}
        v = self.day(day)
        excluded = self._excluded(v, i, exclude_all) | {i}
        wanted_types, wanted_fields = set(types or ()), set(fields)

        def allowed(k: int) -> bool:
            return (not wanted_types or self.type_of[k] in wanted_types) and (
                not wanted_fields or not require_field or bool(self.fields_of[k] & wanted_fields)
            )

        ruled_out = np.fromiter(excluded, dtype=np.int64, count=len(excluded))

        def open_(ks: set[int] | list[int] | np.ndarray) -> np.ndarray:
            """Those of ``ks`` that may be suggested at all: not archived, not ruled out."""
            arr = ks if isinstance(ks, np.ndarray) else np.fromiter(ks, dtype=np.int64, count=len(ks))
            return arr[self.listed[arr] & ~np.isin(arr, ruled_out)] if len(arr) else arr

        chosen: set[int] = set()
        # the walk: the closest reached actors that may be suggested
        reached = [c for c, w in walk.items() if w > 0 and c != actor and c in self.index]
        if reached:
            ks = np.array([self.index[c] for c in reached], dtype=np.int64)
            ws = np.array([walk[c] for c in reached], dtype=float)
            keep = self.listed[ks] & ~np.isin(ks, ruled_out)
            if wanted_types or (wanted_fields and require_field):
                keep &= np.array([allowed(k) for k in ks.tolist()], dtype=bool)
            ks, ws = ks[keep], ws[keep]
            chosen.update(ks[np.lexsort((self.id_rank[ks], -ws))][:pool].tolist())
        # the quarters in focus, the best connected first
        chosen.update(self._best_connected(v, open_(self._members_of(quarters, as_of)), pool))
        # the action fields in the quarters in focus or next to them, the best connected first
        if wanted_fields:
            members = self._members_of(nearby, as_of)
            working = np.zeros(self.size, dtype=bool)
            for f in wanted_fields:
                if f in self.working_on:
                    working |= self._working_on(f)
            on_fields = members[working[members]]
            chosen.update(self._best_connected(v, open_(on_fields), pool))
        # nearby, the nearest first
        if here is not None:
            located = open_(self._around(here, NEARBY_RADIUS_M))
            metres = _neo4j_distance_m(here, self.lat[located], self.lon[located])
            close = metres <= NEARBY_RADIUS_M
            located, metres = located[close], metres[close]
            chosen.update(located[np.lexsort((self.id_rank[located], metres))][:pool].tolist())
        ks = np.fromiter(chosen, dtype=np.int64, count=len(chosen))
        ks = ks[np.argsort(self.id_rank[ks], kind="stable")]  # by id, as the query orders the pool
        ks = ks[self.listed[ks]]
        if wanted_types or (wanted_fields and require_field) or as_of is not None:
            ks = np.array([k for k in ks.tolist() if allowed(k) and self._appeared(v, k, as_of)], dtype=np.int64)
        if lazy and as_of is None:
            return Pool(self, v, ks, walk, shared)
        return [self._candidate(v, k, as_of, walk, shared) for k in ks.tolist()]

    @staticmethod
    def _member(since: dt.date | None, until: dt.date | None, as_of: dt.date | None) -> bool:
        return as_of is None or ((since is None or since <= as_of) and (until is None or until >= as_of))

    def _members_of(self, quarters: Sequence[str], as_of: dt.date | None) -> np.ndarray:
        """The distinct members of ``quarters`` (of the day ``as_of``; without it every member ever)."""
        if as_of is None:
            found = [self.member_ids[q] for q in quarters if q in self.member_ids]
            if len(found) == 1:  # sorted and distinct already
                return found[0]
            return np.unique(np.concatenate(found)) if found else np.empty(0, dtype=np.int64)
        ks = {k for q in quarters for k, s, u in self.members.get(q, ()) if self._member(s, u, as_of)}
        return np.fromiter(ks, dtype=np.int64, count=len(ks))

    def _best_connected(self, v: DayView, ks: np.ndarray, pool: int) -> list[int]:
        if not len(ks):
            return []
        return list(ks[np.lexsort((self.id_rank[ks], -v.on_count[ks]))][:pool].tolist())

    def _appeared(self, v: DayView, k: int, as_of: dt.date | None) -> bool:
        """With ``asOf``: had the actor appeared by then (a record, a membership or a tie begun by then)?"""
        if as_of is None:
            return True
        a = self.actors[k]
        if a.created is not None and a.created <= as_of:
            return True
        if any(since is None or since <= as_of for _, since, _ in a.memberships):
            return True
        span = np.arange(self.ptr[k], self.ptr[k + 1])
        return bool((self.began[self.tie[span]] <= as_of.toordinal()).any())

    def _candidate(
        self, v: DayView, k: int, as_of: dt.date | None, walk: Mapping[str, float], shared: Shared
    ) -> Candidate:
        """Candidate ``k`` for the asking actor. What does not depend on who asks is kept for the day (hubs are
        in many pools): the base, and the candidate itself as it is for an actor it shares no partner with and
        the walk did not reach — most of a pool (the quarters, fields and nearby sources), which then costs
        a lookup instead of a new record."""
        a = self.actors[k]
        reached, common = walk.get(a.id, 0.0), shared.get(a.id, ())
        base = v.bases.get((k, as_of))
        if base is None:
            location, estimated = self._location(v, k)
            latest = int(v.latest[k])
            base = v.bases[(k, as_of)] = self._record(
                a,
                self._quarters(k, as_of),
                location,
                dt.date.fromordinal(latest) if latest != _LOW else None,
                int(v.degree[k]),
                int(v.recent[k]),
                self._tie_fields(v, k),
                estimated,
            )
        if not reached and not common:
            return base
        b = base
        return Candidate(
            b.id,
            b.name,
            b.type,
            b.quarters,
            b.action_fields,
            b.location,
            b.latest_activity,
            common,
            reached,
            b.degree,
            b.recent,
            b.tie_fields,
            b.location_estimated,
        )

    @staticmethod
    def _record(
        a: SnapshotActor,
        quarters: tuple[str, ...],
        location: tuple[float, float] | None,
        latest_activity: dt.date | None,
        degree: int,
        recent: int,
        tie_fields: tuple[str, ...],
        estimated: bool,
    ) -> Candidate:
        return Candidate(
            id=a.id,
            name=a.name,
            type=a.type,
            quarters=quarters,
            action_fields=a.action_fields,
            location=location,
            latest_activity=latest_activity,
            shared=(),
            walk=0.0,
            degree=degree,
            recent=recent,
            tie_fields=tie_fields,
            location_estimated=estimated,
        )

    def pool(
        self,
        actor: str,
        quarters: Sequence[str],
        nearby: Sequence[str],
        fields: Sequence[str],
        require_field: bool,
        types: Sequence[str] | None,
        day: dt.date,
        as_of: dt.date | None,
        here: tuple[float, float] | None,
        exclude_all: bool = True,
    ) -> list[Candidate]:
        """Neighbourhood, personalized PageRank and candidates in one call (what a request needs after the
        subject): the resolver runs it on a thread of its own."""
        found, _ = self.pool_and_structure(
            actor, quarters, nearby, fields, require_field, types, day, as_of, here, exclude_all, False
        )
        return list(found)

    def pool_and_structure(
        self,
        actor: str,
        quarters: Sequence[str],
        nearby: Sequence[str],
        fields: Sequence[str],
        require_field: bool,
        types: Sequence[str] | None,
        day: dt.date,
        as_of: dt.date | None,
        here: tuple[float, float] | None,
        exclude_all: bool = True,
        with_structure: bool = True,
        lazy: bool = False,
    ) -> tuple[Sequence[Candidate], Mapping[str, Sequence[float]]]:
        """``pool``, and (``with_structure``) each candidate's structural signals on the same neighbourhood.
        ``lazy`` (today's pools, no ``as_of``): the pool as a :class:`Pool` and the signals as
        structure.Lazy (each candidate's computed when asked for; the same values)."""
        around = self.neighbourhood(actor, day, exclude_all)
        read = proximity.ties(around.around, actor)  # walked twice: at 0.85 here, at 0.5 for the structure
        walk, shared = closeness(around, actor, read)
        found = self.candidates(
            actor,
            quarters,
            nearby,
            fields,
            require_field,
            types,
            day,
            as_of,
            POOL,
            here,
            exclude_all,
            walk,
            shared,
            lazy,
        )
        if not with_structure:
            return found, {}
        if isinstance(found, Pool):
            members = frozenset(found.ids)
            return found, structure.lazy_features(around.around, actor, members, found.degree_of, walk, read)
        return found, structural(around, actor, found, read)

    # ---- keeping up with writes (resolvers/suggestions.py applies the change feed) ---------------------------

    def apply(
        self,
        touched: Collection[str],
        actors: Sequence[SnapshotActor],
        ties: Sequence[SnapshotTie],
        quarters: Sequence[QuarterRecord] | None = None,
    ) -> Snapshot:
        """This snapshot with the actors ``touched`` as they are now — ``actors``: those of them that still
        exist, the others are gone — and every cooperation at any of them replaced by ``ties`` (all the
        cooperations at a touched actor, as they are now); ``quarters``, if given, replace the quarters.

        Returns a new snapshot and leaves this one as it is (requests may be reading it). The new one holds
        what a snapshot built from scratch would (:meth:`canonical`), only in other places: a new actor gets
        the next slot, and an actor gone keeps its slot, empty (not listed, no memberships, fields or ties,
        not in the index: no question reaches it). Costs numpy work over the arrays and Python work over
        the touched actors only, not a pass over every actor and cooperation as a build does."""
        now = {a.id: a for a in actors}
        new = copy.copy(self)  # shallow: each structure that changes is replaced below, never changed in place
        new.actors, new.ids, new.index = list(self.actors), list(self.ids), dict(self.index)
        new.type_of, new.fields_of = list(self.type_of), list(self.fields_of)
        added = sorted(a for a in touched if a not in self.index and a in now)
        slots = {a: self.index[a] for a in touched if a in self.index}
        for a in added:
            slots[a] = len(new.ids)
            new.ids.append(a)
            new.actors.append(now[a])
            new.type_of.append(now[a].type)
            new.fields_of.append(frozenset())
        new.size = len(new.ids)
        grow = new.size - self.size
        new.listed = np.concatenate([self.listed, np.zeros(grow, dtype=bool)])
        new.lat = np.concatenate([self.lat, np.full(grow, np.nan)])
        new.lon = np.concatenate([self.lon, np.full(grow, np.nan)])
        if grow:
            new.id_rank = np.empty(new.size, dtype=np.int64)
            new.id_rank[np.argsort(np.array(new.ids, dtype=object), kind="stable")] = np.arange(new.size)
        # memberships and fields: drop the touched actors' old ones, add their new ones (copies of what changes)
        old = [self.actors[i] for a, i in slots.items() if a in self.index]
        slugs = {m[0] for a in [*old, *now.values()] for m in a.memberships}
        fields = {f for a in [*old, *now.values()] for f in a.action_fields}
        places = set(slots.values())
        new.members = dict(self.members)
        for slug in slugs:
            new.members[slug] = [m for m in self.members.get(slug, ()) if m[0] not in places]
        new.working_on = dict(self.working_on)
        for f in fields:
            new.working_on[f] = self.working_on.get(f, set()) - places
        for a, i in slots.items():
            if a in now:
                self._place(new, i, now[a])
            else:
                gone = self.actors[i]
                new.actors[i] = SnapshotActor(a, gone.name, gone.type, False, None, None, (), ())
                new.listed[i], new.lat[i], new.lon[i], new.fields_of[i] = False, np.nan, np.nan, frozenset()
                new.index.pop(a, None)
        new.member_ids = dict(self.member_ids)
        for slug in slugs:
            if new.members[slug]:
                new.member_ids[slug] = np.unique([k for k, _, _ in new.members[slug]]).astype(np.int64)
            else:
                del new.members[slug]
                new.member_ids.pop(slug, None)
        for f in fields:
            if not new.working_on[f]:
                del new.working_on[f]
        new.located = np.flatnonzero(~np.isnan(new.lat))
        self._retie(new, np.fromiter(places, dtype=np.int64, count=len(places)), ties)
        if quarters is not None:
            new.quarters = list(quarters)
        new._days, new._lock = {}, threading.Lock()
        new._working_masks = dict(self._working_masks)  # its own: the sets it replaced are made again
        affected = self._reached(new, places)
        new._carried = self._carry(affected)
        changed = np.zeros(new.size, dtype=bool)
        changed[list(affected)] = True
        with self._lock:
            new._earlier = {d: (v, changed) for d, v in self._days.items()}
        return new

    def _reached(self, new: Snapshot, places: set[int]) -> set[int]:
        """The actors a change at ``places`` can reach: those places and their partners, before and after. An
        actor's ties at a touched actor are all replaced, so only those ends' ties can change."""
        affected = set(places)
        for snapshot in (self, new):
            for i in places:
                if i < snapshot.size:
                    affected.update(snapshot.nbr[snapshot.ptr[i] : snapshot.ptr[i + 1]].tolist())
        return affected

    def _carry(self, affected: set[int]) -> Carried:
        """The candidates' bases this snapshot computed (per day) that hold after a change as well: those of
        actors it cannot reach (:meth:`_reached`). A base rests on the actor's own record (memberships,
        location) and its ties (degree, starts, their fields) and on its partners' locations (a location
        estimated from them). Without this, every request after a write rebuilt the bases of its whole pool
        (hundreds of candidates, hubs with hundreds of ties each), which cost more than the write's catch-up."""
        with self._lock:
            sources = {
                **{d: dict(b) for d, b in self._carried.items()},
                **{d: dict(v.bases) for d, v in self._days.items()},
            }
        return {d: {key: base for key, base in found.items() if key[0] not in affected} for d, found in sources.items()}

    @staticmethod
    def _place(new: Snapshot, i: int, a: SnapshotActor) -> None:
        """Actor ``a`` as it is now, in slot ``i`` of ``new`` (its memberships and fields added)."""
        new.actors[i], new.index[a.id], new.type_of[i] = a, i, a.type
        new.listed[i] = a.listed
        new.lat[i], new.lon[i] = a.location if a.location else (np.nan, np.nan)
        new.fields_of[i] = frozenset(a.action_fields)
        for slug, since, until in a.memberships:
            new.members.setdefault(slug, []).append((i, since, until))
        for f in a.action_fields:
            new.working_on[f] = new.working_on.get(f, set()) | {i}

    def _retie(self, new: Snapshot, places: np.ndarray, ties: Sequence[SnapshotTie]) -> None:
        """``new``'s cooperations: this one's without those at ``places``, and ``ties`` (at both ends known)."""
        at = np.zeros(self.size, dtype=bool)
        at[places[places < self.size]] = True  # a new actor has no ties here yet
        keep = ~(at[self.ta] | at[self.tb])
        known = [t for t in ties if t.a in new.index and t.b in new.index]
        new.ta = np.concatenate([self.ta[keep], np.array([new.index[t.a] for t in known], dtype=np.int64)])
        new.tb = np.concatenate([self.tb[keep], np.array([new.index[t.b] for t in known], dtype=np.int64)])
        new.since = np.concatenate([self.since[keep], [_ordinal(t.since, _LOW) for t in known]]).astype(np.int64)
        new.until = np.concatenate([self.until[keep], [_ordinal(t.until, _HIGH) for t in known]]).astype(np.int64)
        began = [_ordinal(t.since or t.created, _HIGH) for t in known]
        new.began = np.concatenate([self.began[keep], began]).astype(np.int64)
        # the kept ties' fields, copied in runs between the few dropped ones (not tested one by one)
        bounds = [-1, *np.flatnonzero(~keep).tolist(), len(keep)]
        new.tie_fields = list(
            itertools.chain.from_iterable(self.tie_fields[a + 1 : b] for a, b in itertools.pairwise(bounds))
        )
        new.tie_fields += [t.action_fields for t in known]
        self._readjacency(new, keep, len(known))

    def canonical(self) -> dict[str, Any]:
        """What the snapshot holds, whatever the slots it keeps it in: its actors by id, its cooperations
        (ends, dates, fields) in order, its quarters, who is a member of each quarter and works on each field,
        and whether the id order it keeps is the ids' order. Two snapshots of the same network give equal
        values, however each came to hold it (built at once, or kept up with the change feed)."""
        ids, at = self.ids, sorted(self.index.items())

        def actor(a: SnapshotActor) -> tuple[Any, ...]:
            memberships = tuple(sorted(a.memberships, key=str))
            return (a.id, a.name, a.type, a.listed, a.location, a.created, memberships, tuple(sorted(a.action_fields)))

        ties = sorted(
            (ids[a], ids[b], s, u, g, tuple(sorted(f)))
            for a, b, s, u, g, f in zip(
                self.ta.tolist(),
                self.tb.tolist(),
                self.since.tolist(),
                self.until.tolist(),
                self.began.tolist(),
                self.tie_fields,
                strict=True,
            )
        )
        return {
            "actors": [actor(self.actors[i]) for _, i in at],
            "listed": {a: bool(self.listed[i]) for a, i in at},
            "ties": ties,
            "quarters": sorted(repr(q) for q in self.quarters),
            "members": {q: sorted((ids[k], str(s), str(u)) for k, s, u in ms) for q, ms in self.members.items()},
            "member_ids": {q: sorted(ids[k] for k in ks.tolist()) for q, ks in self.member_ids.items()},
            "working_on": {f: sorted(ids[k] for k in ks) for f, ks in self.working_on.items()},
            "located": sorted(ids[k] for k in self.located.tolist()),
            "id_order": [a for a, _ in sorted(at, key=lambda x: int(self.id_rank[x[1]]))] == [a for a, _ in at],
        }

    # ---- history ------------------------------------------------------------------------------------------

    def new_partners(self, start: dt.date, end: dt.date) -> dict[str, set[str]]:
        """Actor → partners whose first cooperation with it began after ``start`` and by ``end``, as
        graph.suggestions ``NEW_PARTNERS`` reads them: both not archived, no tie between them begun by
        ``start``, both there by ``start`` (a record, a membership or a tie by then). Ties without a
        ``since`` do not count (``null > $start`` is not true in Cypher)."""
        s, e, n = np.int64(start.toordinal()), np.int64(end.toordinal()), max(self.size, 1)
        since = self.since[self.tie]
        new = (since > s) & (since <= e) & self.listed[self.owner] & self.listed[self.nbr] & (self.owner != self.nbr)
        old = self.began[self.tie] <= s
        met_before = np.unique(self.owner[old] * n + self.nbr[old])
        owners, partners = self.owner[new], self.nbr[new]
        first = ~np.isin(owners * n + partners, met_before)
        v = self.day(start)
        there: dict[int, bool] = {}

        def present(k: int) -> bool:
            if k not in there:
                there[k] = self._appeared(v, k, start)
            return there[k]

        out: dict[str, set[str]] = {}
        for i, j in zip(owners[first].tolist(), partners[first].tolist(), strict=True):
            if present(i) and present(j):
                out.setdefault(self.ids[i], set()).add(self.ids[j])
        return out


class Pool(Sequence[Candidate]):
    """Today's pool of one request as the snapshot's actor indexes (in id order), its candidates made only when
    asked for. A pool holds about a thousand candidates and a request shows five or ten: the ranking bounds
    every candidate's score from the arrays below (analysis/suggestions.py ``_upper_bounds``) and asks for the
    record of only those it scores exactly. Iterated, it gives what :meth:`Snapshot.candidates` gives."""

    def __init__(
        self, snapshot: Snapshot, view: DayView, indexes: np.ndarray, walk: Mapping[str, float], shared: Shared
    ):
        self.snapshot, self.view, self.indexes = snapshot, view, indexes
        self.walk, self.shared = walk, shared

    def __len__(self) -> int:
        return len(self.indexes)

    @overload
    def __getitem__(self, i: int) -> Candidate: ...

    @overload
    def __getitem__(self, i: slice) -> list[Candidate]: ...

    def __getitem__(self, i: int | slice) -> Candidate | list[Candidate]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        return self.snapshot._candidate(self.view, int(self.indexes[i]), None, self.walk, self.shared)

    def __iter__(self) -> Iterator[Candidate]:
        return (self[j] for j in range(len(self)))

    @functools.cached_property
    def ids(self) -> list[str]:
        ids = self.snapshot.ids
        return [ids[k] for k in self.indexes.tolist()]

    @functools.cached_property
    def rows(self) -> dict[str, int]:
        """Each candidate's place in the pool, by id."""
        return {actor: at for at, actor in enumerate(self.ids)}

    def member_of(self, quarters: Collection[str]) -> np.ndarray:
        """Per candidate: a member of any of ``quarters`` (at any time: a candidate's quarters without ``asOf``)."""
        found = [self.snapshot.member_ids[q] for q in quarters if q in self.snapshot.member_ids]
        if not found:
            return np.zeros(len(self.indexes), dtype=bool)
        return np.isin(self.indexes, np.concatenate(found))

    def location(self) -> tuple[np.ndarray, np.ndarray]:
        """Latitudes and longitudes (nan: none), the partners' mean where an actor has none (as ``_location``)."""
        s, v, ks = self.snapshot, self.view, self.indexes
        own = ~np.isnan(s.lat[ks])
        return np.where(own, s.lat[ks], v.partners_lat[ks]), np.where(own, s.lon[ks], v.partners_lon[ks])

    def types(self) -> list[str]:
        return [self.snapshot.type_of[k] for k in self.indexes.tolist()]

    def latest(self) -> np.ndarray:
        """Ordinal of the latest cooperation start by the day (``_LOW``: none)."""
        return np.asarray(self.view.latest[self.indexes])

    def degree(self) -> np.ndarray:
        return np.asarray(self.view.degree[self.indexes])

    def recent(self) -> np.ndarray:
        return np.asarray(self.view.recent[self.indexes])

    def degree_of(self, actor: str) -> int:
        return int(self.view.degree[self.snapshot.index[actor]])


def _numbers_of(view: DayView) -> tuple[np.ndarray, ...]:
    """What :meth:`Snapshot._numbers` gives, as a view holds it."""
    return view.degree, view.recent, view.latest, view.partners_lat, view.partners_lon


def _patched(kept: np.ndarray, counted: np.ndarray, changed: np.ndarray) -> np.ndarray:
    """``kept`` (an earlier view's numbers, for fewer actors if some were added since) with the ``changed``
    actors' numbers taken from ``counted``."""
    out = np.concatenate([kept, counted[len(kept) :]])
    out[changed] = counted[changed]
    return out


def _distinct(values: np.ndarray) -> np.ndarray:
    """``np.unique`` of integers by sorting: numpy 2's hashing unique took 70 ms for the 100,000 incidences of
    the Berlin-scale network, most of a day's view, which a snapshot that follows the feed builds anew."""
    ordered = np.sort(values)
    return ordered[np.concatenate([[True], ordered[1:] != ordered[:-1]])] if len(ordered) else ordered


def _neo4j_distance_m(here: tuple[float, float], lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Metres from ``here`` to each point, as Neo4j's point.distance computes them on WGS-84 points."""
    lat1, lon1 = math.radians(here[0]), math.radians(here[1])
    lat2, lon2 = np.radians(lat), np.radians(lon)
    h = np.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return np.asarray(NEO4J_EARTH_RADIUS_M * 2 * np.arctan2(np.sqrt(h), np.sqrt(1 - h)))
