"""Candidates for partner suggestions, with the features the scoring needs.

Candidates are actors the given one has not cooperated with, from four sources, each ordered
by a score before it is cut at ``$pool`` (so the pool never depends on storage order):

- **the walk**: actors reached from the actor through ties of the day, ordered by personalized
  PageRank from the actor — computed in analysis/proximity.py on the neighbourhood that
  ``NEIGHBOURHOOD`` reads (the actor, its partners, up to ``EXPAND`` actors two steps away, each
  with its partners);
- **the quarters in focus**: their members, the best connected first;
- **the action fields**: actors working on them in the quarters in focus or next to them, the
  best connected first;
- **nearby**: actors within ``$radius`` metres of the actor's location (or, without one, of its
  partners' mean location), the nearest first.

Each comes with its quarters, action fields, location (or its partners' mean location), type,
the walk probability, the partners it shares with the actor (with their degrees), its degree,
the cooperations it started in the three years up to the day, its latest start, and the action
fields of its cooperations up to the day.

Everything that rests on ties is read as of one day, ``$day`` (the question's `asOf`, else
today): a tie counts if it had started by then (or has no start) and had not ended before
then. So a partner whose tie to the actor ended years ago is no shared partner, its partners
are not found through it, and a shared partner's degree counts its partners of that day.
With `asOf` (``$asOf`` not null), quarters are the memberships of that day, as in networks,
and actors that had not appeared by then (no membership, tie or record yet) are left out.

Who is ruled out: with ``$excludeAll`` (the API) anyone who ever cooperated with the actor,
whatever the day; without it (learning from the past) only those whose cooperation with the
actor had begun by ``$day`` — the ones that began later are what the past should predict.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final, LiteralString

from graph.convert import date_or_none
from graph.db import Database, Row
from graph.errors import DatabaseUnavailable

# ``$types`` is a list ([] for every type); ``$here`` is always a point's map, the nearby source being off
# when ``$radius`` is 0: parameters of one type each, so Neo4j plans each query once, not per combination.
# Candidates are cut per source at this many; the neighbourhood read holds at most this many second-step actors.
POOL = 400
EXPAND = 300
NEARBY_RADIUS_M = 3000.0
RECENT_YEARS = 3


@dataclass(frozen=True)
class Subject:
    id: str
    type: str
    quarters: tuple[str, ...]
    action_fields: tuple[str, ...]
    location: tuple[float, float] | None  # recorded, else its partners' mean location, else None
    archived: bool
    location_estimated: bool = False  # True: the location is its partners' mean location
    tie_fields: tuple[str, ...] = ()  # action fields of its cooperations up to the day, one per cooperation and field


@dataclass(frozen=True)
class Candidate:
    id: str
    name: str
    type: str
    quarters: tuple[str, ...]
    action_fields: tuple[str, ...]
    location: tuple[float, float] | None
    latest_activity: dt.date | None
    shared: tuple[tuple[str, str, int], ...]  # (id, name, degree) of shared partners
    walk: float = 0.0  # personalized PageRank from the subject (approximate; analysis/proximity.py)
    degree: int = 0  # partners of the day
    recent: int = 0  # cooperations started in the RECENT_YEARS years up to the day
    tie_fields: tuple[str, ...] = ()
    location_estimated: bool = False


# "Active on $day" is spelled out at each tie: since <= $day (or none), until >= $day (or none). "Begun by
# $day" is coalesce(since, date(createdAt)) <= $day.

# The subject's type, fields and quarters (those of $asOf, if given), its location (else its partners' mean
# location through ties begun by $day) and the action fields of those cooperations.
SUBJECT: Final[LiteralString] = """
MATCH (a:Actor {id: $id})
CALL (a) {
  OPTIONAL MATCH (a)-[k:COOPERATES_WITH]-(o:Actor)
  WHERE coalesce(k.since, date(k.createdAt)) <= $day
  RETURN avg(o.location.latitude) AS partnersLat, avg(o.location.longitude) AS partnersLon,
         collect(k.actionFields) AS tieFields
}
RETURN a.type AS type, a.archived AS archived, a.location.latitude AS lat, a.location.longitude AS lon,
       partnersLat, partnersLon, tieFields,
       [(a)-[m:ACTIVE_IN]->(q:Quarter)
        WHERE $asOf IS NULL OR ((m.since IS NULL OR m.since <= $asOf) AND (m.until IS NULL OR m.until >= $asOf))
        | q.slug] AS quarters,
       [(a)-[:WORKS_ON]->(f:ActionField) | f.key] AS fields
"""

# The actor's neighbourhood through ties of the day, for personalized PageRank computed in analysis/: the
# actor, its partners (not archived: an archived partner is shared with nobody), and up to $expand actors two
# steps away (those most of its partners work with first), each with its partners of the day; and who is ruled
# out as a candidate (``$excludeAll``: anyone it ever cooperated with; else ties begun by $day).
NEIGHBOURHOOD: Final[LiteralString] = """
MATCH (a:Actor {id: $id})
CALL (a) {
  OPTIONAL MATCH (a)-[k:COOPERATES_WITH]-(p:Actor)
  WHERE $excludeAll OR coalesce(k.since, date(k.createdAt)) <= $day
  RETURN collect(DISTINCT p.id) AS excluded
}
CALL (a) {
  OPTIONAL MATCH (a)-[r:COOPERATES_WITH]-(m:Actor)
  WHERE m.archived = false AND (r.since IS NULL OR r.since <= $day) AND (r.until IS NULL OR r.until >= $day)
  RETURN collect(DISTINCT m) AS first
}
CALL (a, first) {
  UNWIND first AS m
  MATCH (m)-[s:COOPERATES_WITH]-(x:Actor)
  WHERE x <> a AND (s.since IS NULL OR s.since <= $day) AND (s.until IS NULL OR s.until >= $day)
  WITH x, count(DISTINCT m) AS via
  ORDER BY via DESC, x.id LIMIT $expand
  RETURN collect(x) AS second
}
UNWIND [a] + first + second AS n
WITH DISTINCT n, a, first, excluded
CALL (n, a, first) {
  OPTIONAL MATCH (n)-[t:COOPERATES_WITH]-(x:Actor)
  WHERE (t.since IS NULL OR t.since <= $day) AND (t.until IS NULL OR t.until >= $day)
    AND (n <> a OR x IN first)
  RETURN collect(DISTINCT x.id) AS around
}
RETURN n.id AS id, n.name AS name, around, excluded
"""

# The pool — the $pool closest of the actors the walk reaches ($walked, closeness in $walk), the quarters in
# focus, the action fields near them, the nearby — and each candidate's features. Each source is ordered
# before its cut.
CANDIDATES: Final[LiteralString] = """
MATCH (a:Actor {id: $id})
CALL (a) {
  OPTIONAL MATCH (a)-[k:COOPERATES_WITH]-(p:Actor)
  WHERE $excludeAll OR coalesce(k.since, date(k.createdAt)) <= $day
  WITH a, collect(DISTINCT p) AS partners
  RETURN partners + [a] AS excluded
}
CALL (a, excluded) {
  MATCH (c:Actor) WHERE c.id IN $walked AND c.archived = false AND NOT c IN excluded
    AND ($types = [] OR c.type IN $types)
    AND ($fields = [] OR $requireField = false OR EXISTS { (c)-[:WORKS_ON]->(g:ActionField) WHERE g.key IN $fields })
  WITH c ORDER BY $walk[c.id] DESC, c.id LIMIT $pool
  RETURN c
  UNION
  MATCH (q:Quarter)<-[m:ACTIVE_IN]-(c:Actor)
  WHERE q.slug IN $quarters AND c.archived = false
    AND ($asOf IS NULL OR ((m.since IS NULL OR m.since <= $asOf) AND (m.until IS NULL OR m.until >= $asOf)))
    AND NOT c IN excluded
  WITH DISTINCT c
  WITH c, COUNT { (c)-[k:COOPERATES_WITH]-()
                  WHERE (k.since IS NULL OR k.since <= $day) AND (k.until IS NULL OR k.until >= $day) } AS degree
  ORDER BY degree DESC, c.id LIMIT $pool
  RETURN c
  UNION
  MATCH (f:ActionField)<-[:WORKS_ON]-(c:Actor)-[m:ACTIVE_IN]->(q:Quarter)
  WHERE f.key IN $fields AND q.slug IN $nearby AND c.archived = false
    AND ($asOf IS NULL OR ((m.since IS NULL OR m.since <= $asOf) AND (m.until IS NULL OR m.until >= $asOf)))
    AND NOT c IN excluded
  WITH DISTINCT c
  WITH c, COUNT { (c)-[k:COOPERATES_WITH]-()
                  WHERE (k.since IS NULL OR k.since <= $day) AND (k.until IS NULL OR k.until >= $day) } AS degree
  ORDER BY degree DESC, c.id LIMIT $pool
  RETURN c
  UNION
  WITH a WHERE $radius > 0
  MATCH (c:Actor)
  WHERE point.distance(c.location, point($here)) <= $radius AND c.archived = false AND NOT c IN excluded
  WITH c ORDER BY point.distance(c.location, point($here)), c.id LIMIT $pool
  RETURN c
}
WITH c
WHERE c.archived = false
  AND ($types = [] OR c.type IN $types)
  AND ($fields = [] OR $requireField = false OR EXISTS { (c)-[:WORKS_ON]->(g:ActionField) WHERE g.key IN $fields })
  AND ($asOf IS NULL OR date(c.createdAt) <= $asOf
       OR EXISTS { (c)-[m:ACTIVE_IN]->(:Quarter) WHERE m.since IS NULL OR m.since <= $asOf }
       OR EXISTS { (c)-[k:COOPERATES_WITH]-() WHERE coalesce(k.since, date(k.createdAt)) <= $asOf })
CALL (c) {
  OPTIONAL MATCH (c)-[k:COOPERATES_WITH]-(o:Actor)
  WITH k, o, coalesce(k.since, date(k.createdAt)) AS began
  WHERE began <= $day
  RETURN count(DISTINCT CASE WHEN k.until IS NULL OR k.until >= $day THEN o END) AS degree,
         count(CASE WHEN began > $day - duration({years: $recentYears}) THEN k END) AS recent,
         toString(max(began)) AS latest,
         collect(k.actionFields) AS tieFields,
         avg(CASE WHEN c.location IS NULL THEN o.location.latitude END) AS partnersLat,
         avg(CASE WHEN c.location IS NULL THEN o.location.longitude END) AS partnersLon
}
RETURN c.id AS id, c.name AS name, c.type AS type,
       [(c)-[m:ACTIVE_IN]->(q:Quarter)
        WHERE $asOf IS NULL OR ((m.since IS NULL OR m.since <= $asOf) AND (m.until IS NULL OR m.until >= $asOf))
        | q.slug] AS quarters,
       [(c)-[:WORKS_ON]->(f:ActionField) | f.key] AS fields,
       c.location.latitude AS lat, c.location.longitude AS lon, partnersLat, partnersLon,
       degree, recent, latest, tieFields
"""

# Actors that began cooperating with new partners between $start (exclusive) and $end (inclusive), with
# those partners: what the network's own history says about how ties form. Both had appeared by $start (a
# record, a membership or a tie by then).
NEW_PARTNERS: Final[LiteralString] = """
MATCH (a:Actor)-[k:COOPERATES_WITH]-(b:Actor)
WHERE a.archived = false AND b.archived = false AND k.since > $start AND k.since <= $end
  AND NOT EXISTS { (a)-[e:COOPERATES_WITH]-(b) WHERE coalesce(e.since, date(e.createdAt)) <= $start }
  AND all(x IN [a, b] WHERE date(x.createdAt) <= $start
          OR EXISTS { (x)-[m:ACTIVE_IN]->(:Quarter) WHERE m.since IS NULL OR m.since <= $start }
          OR EXISTS { (x)-[o:COOPERATES_WITH]-() WHERE coalesce(o.since, date(o.createdAt)) <= $start })
RETURN a.id AS actor, collect(DISTINCT b.id) AS partners
ORDER BY actor
"""


def _flat(lists: list[list[str] | None]) -> tuple[str, ...]:
    return tuple(f for fs in lists if fs for f in fs)


def _location(lat: Any, lon: Any, partners_lat: Any, partners_lon: Any) -> tuple[tuple[float, float] | None, bool]:
    if lat is not None:
        return (lat, lon), False
    if partners_lat is not None:
        return (partners_lat, partners_lon), True
    return None, False


async def subject(
    db: Database, actor_id: str, as_of: dt.date | None = None, day: dt.date | None = None
) -> Subject | None:
    rows = await db.read(SUBJECT, id=actor_id, asOf=as_of, day=day or as_of or dt.date.today())
    if not rows:
        return None
    r = rows[0]
    location, estimated = _location(r["lat"], r["lon"], r["partnersLat"], r["partnersLon"])
    return Subject(
        actor_id,
        r["type"],
        tuple(r["quarters"]),
        tuple(r["fields"]),
        location,
        bool(r["archived"]),
        estimated,
        _flat(r["tieFields"]),
    )


async def candidates(
    db: Database,
    actor_id: str,
    quarters: list[str],
    nearby: list[str],
    fields: list[str],
    require_field: bool,
    types: list[str] | None,
    day: dt.date,
    as_of: dt.date | None = None,
    pool: int = POOL,
    here: tuple[float, float] | None = None,
    exclude_all: bool = True,
    walk: Mapping[str, float] | None = None,
    shared: Mapping[str, tuple[tuple[str, str, int], ...]] | None = None,
) -> list[Candidate]:
    """Candidates with ties read as of ``day``; memberships as of ``as_of`` if given, else all. ``here`` is
    where the nearby source looks (the subject's location or estimate); ``exclude_all=False`` keeps actors
    whose cooperation with the subject began after ``day`` (for learning from the past). ``walk`` is each
    reached actor's closeness (personalized PageRank, computed from ``neighbourhood``): the ``pool`` closest
    that may be suggested form the walk's source; ``shared`` the partners each shares with the subject."""
    walk = walk or {}
    shared = shared or {}
    common = {
        "id": actor_id,
        "fields": fields,
        "requireField": require_field,
        "types": types or [],  # one parameter type for every request: Neo4j plans each combination once
        "day": day,
        "excludeAll": exclude_all,
    }
    reached = [c for c, w in walk.items() if w > 0 and c != actor_id]
    rows = await db.read(
        CANDIDATES,
        walked=reached,
        walk={c: walk[c] for c in reached},
        quarters=quarters,
        nearby=nearby,
        asOf=as_of,
        pool=pool,
        radius=NEARBY_RADIUS_M if here else 0.0,  # 0: no nearby source (a map all the same, for the plan cache)
        here={"latitude": here[0], "longitude": here[1]} if here else {"latitude": 0.0, "longitude": 0.0},
        recentYears=RECENT_YEARS,
        **common,
    )
    out = []
    for r in rows:
        location, estimated = _location(r["lat"], r["lon"], r["partnersLat"], r["partnersLon"])
        out.append(
            Candidate(
                id=r["id"],
                name=r["name"],
                type=r["type"],
                quarters=tuple(r["quarters"]),
                action_fields=tuple(r["fields"]),
                location=location,
                latest_activity=date_or_none(r["latest"]),
                shared=shared.get(r["id"], ()),
                walk=walk.get(r["id"], 0.0),
                degree=int(r["degree"]),
                recent=int(r["recent"]),
                tie_fields=_flat(r["tieFields"]),
                location_estimated=estimated,
            )
        )
    return out


@dataclass(frozen=True)
class Neighbourhood:
    """The subject's neighbourhood through ties of the day, as NEIGHBOURHOOD reads it."""

    around: dict[str, tuple[str, ...]]  # actor → its partners of the day (for the subject and those read)
    names: dict[str, str]
    excluded: frozenset[str]  # who may not be suggested: the subject's partners (ever, or begun by the day)

    def degree(self, actor: str) -> int:
        return len(self.around.get(actor, ()))


async def neighbourhood(
    db: Database, actor_id: str, day: dt.date, exclude_all: bool = True, expand: int = EXPAND
) -> Neighbourhood:
    """The subject, its partners and up to ``expand`` actors two steps away, each with its partners of ``day``."""
    rows = await db.read(NEIGHBOURHOOD, id=actor_id, day=day, excludeAll=exclude_all, expand=expand)
    return Neighbourhood(
        {r["id"]: tuple(sorted(r["around"])) for r in rows},
        {r["id"]: r["name"] for r in rows},
        frozenset(rows[0]["excluded"]) if rows else frozenset(),
    )


async def new_partners(db: Database, start: dt.date, end: dt.date) -> dict[str, set[str]]:
    """Actor → partners whose first cooperation with it began after ``start`` and by ``end``."""
    rows = await db.read(NEW_PARTNERS, start=start, end=end)
    return {r["actor"]: set(r["partners"]) for r in rows}


# ---- the whole network, for the in-memory snapshot (analysis/snapshot.py) --------------------------------------


@dataclass(frozen=True)
class SnapshotActor:
    """An actor as the suggestions need it, whatever the day: the snapshot derives each day's view from it."""

    id: str
    name: str
    type: str
    listed: bool  # ``archived = false`` exactly (as the Cypher tests it: a missing flag is not false)
    location: tuple[float, float] | None
    created: dt.date | None
    memberships: tuple[tuple[str, dt.date | None, dt.date | None], ...]  # (quarter slug, since, until)
    action_fields: tuple[str, ...]


@dataclass(frozen=True)
class SnapshotTie:
    a: str
    b: str
    since: dt.date | None
    until: dt.date | None
    created: dt.date | None  # the day it was recorded (a tie without ``since`` begins then)
    action_fields: tuple[str, ...]


# Actors with what suggestions read of them, a page at a time in id order after $after (dates as ISO text:
# cheaper to decode than driver dates).
SNAPSHOT_ACTORS: Final[LiteralString] = """
MATCH (a:Actor) WHERE a.id > $after
WITH a ORDER BY a.id LIMIT $page
RETURN a.id AS id, a.name AS name, a.type AS type, a.archived = false AS listed,
       a.location.latitude AS lat, a.location.longitude AS lon, toString(date(a.createdAt)) AS created,
       [(a)-[m:ACTIVE_IN]->(q:Quarter) | [q.slug, toString(m.since), toString(m.until)]] AS quarters,
       [(a)-[:WORKS_ON]->(f:ActionField) | f.key] AS fields
"""

# The cooperations stored from the actors $ids (each cooperation once, in its stored direction), with their
# dates and action fields.
SNAPSHOT_TIES: Final[LiteralString] = """
UNWIND $ids AS id
MATCH (a:Actor {id: id})-[k:COOPERATES_WITH]->(b:Actor)
RETURN a.id AS a, b.id AS b, toString(k.since) AS since, toString(k.until) AS until,
       toString(date(k.createdAt)) AS created, k.actionFields AS fields
"""
SNAPSHOT_PAGE = 1000  # actors per read (and cooperations of this many actors): each read a small part of the whole
SNAPSHOT_TRIES = 3  # a page that failed (a timeout on a busy machine) is read again, up to this many times in all


async def _page(db: Database, query: LiteralString, **params: Any) -> list[Row]:
    """One page of a snapshot read, read again if it fails: a build of the whole network is many pages, and
    one slow moment under load should not throw the others away."""
    for _ in range(SNAPSHOT_TRIES - 1):
        with contextlib.suppress(DatabaseUnavailable):
            return await db.read(query, **params)
    return await db.read(query, **params)  # the last try: its failure is the build's


async def snapshot_rows(db: Database) -> tuple[list[SnapshotActor], list[SnapshotTie]]:
    """Every actor and every cooperation, as the in-memory snapshot is built from them: in pages, each read
    again if it fails (on a busy machine one read of 50,000 cooperations ran into the query timeout; so did,
    once, a build of pages of 2,000 actors under the load test)."""
    actor_rows: list[dict[str, Any]] = []
    while True:
        after = actor_rows[-1]["id"] if actor_rows else ""
        page = await _page(db, SNAPSHOT_ACTORS, after=after, page=SNAPSHOT_PAGE)
        actor_rows += page
        if len(page) < SNAPSHOT_PAGE:
            break
    tie_rows: list[dict[str, Any]] = []
    for start in range(0, len(actor_rows), SNAPSHOT_PAGE):
        tie_rows += await _page(db, SNAPSHOT_TIES, ids=[r["id"] for r in actor_rows[start : start + SNAPSHOT_PAGE]])
    actors = [_snapshot_actor(r) for r in actor_rows]
    ties = [
        SnapshotTie(
            r["a"],
            r["b"],
            date_or_none(r["since"]),
            date_or_none(r["until"]),
            date_or_none(r["created"]),
            tuple(r["fields"] or ()),
        )
        for r in tie_rows
    ]
    return actors, ties


def _snapshot_actor(r: Row) -> SnapshotActor:
    return SnapshotActor(
        r["id"],
        r["name"],
        r["type"],
        r["listed"] is True,
        (r["lat"], r["lon"]) if r["lat"] is not None else None,
        date_or_none(r["created"]),
        tuple((q[0], date_or_none(q[1]), date_or_none(q[2])) for q in r["quarters"]),
        tuple(r["fields"]),
    )


# ---- keeping the snapshot up with writes (resolvers/suggestions.py) ----------------------------------------------

# The records of the commits after $after up to $upto, oldest first, at most $limit: what each changed (entity,
# id, operation, the actors it touches), never the values.
SNAPSHOT_CHANGES: Final[LiteralString] = """
MATCH (c:Change) WHERE c.revision > $after AND c.revision <= $upto
WITH c ORDER BY c.revision, c.id LIMIT $limit
RETURN c.revision AS revision, c.entity AS entity, c.entityId AS id, c.operation AS operation,
       coalesce(c.actors, []) AS actors
"""

# The actors $ids as they are now (those that exist), as SNAPSHOT_ACTORS reads them, each with every cooperation
# at it: in its stored direction, and a cooperation between two of them once (from its start node).
SNAPSHOT_ACTORS_BY_ID: Final[LiteralString] = """
UNWIND $ids AS id
MATCH (a:Actor {id: id})
CALL (a) {
  MATCH (a)-[k:COOPERATES_WITH]->(b:Actor)
  RETURN [a.id, b.id, toString(k.since), toString(k.until), toString(date(k.createdAt)), k.actionFields] AS tie
  UNION ALL
  MATCH (b:Actor)-[k:COOPERATES_WITH]->(a) WHERE NOT b.id IN $ids
  RETURN [b.id, a.id, toString(k.since), toString(k.until), toString(date(k.createdAt)), k.actionFields] AS tie
}
WITH a, collect(tie) AS ties
RETURN a.id AS id, a.name AS name, a.type AS type, a.archived = false AS listed,
       a.location.latitude AS lat, a.location.longitude AS lon, toString(date(a.createdAt)) AS created,
       [(a)-[m:ACTIVE_IN]->(q:Quarter) | [q.slug, toString(m.since), toString(m.until)]] AS quarters,
       [(a)-[:WORKS_ON]->(f:ActionField) | f.key] AS fields, ties
"""


@dataclass(frozen=True)
class SnapshotChange:
    """One audit record as the snapshot reads it: which thing changed how, and the actors it touches."""

    revision: int
    entity: str
    id: str
    operation: str
    actors: tuple[str, ...]


async def snapshot_changes(db: Database, after: int, upto: int, limit: int) -> list[SnapshotChange]:
    """The records of the commits after ``after`` up to ``upto``, oldest first, at most ``limit``."""
    rows = await db.read(SNAPSHOT_CHANGES, after=after, upto=upto, limit=limit)
    return [SnapshotChange(int(r["revision"]), r["entity"], r["id"], r["operation"], tuple(r["actors"])) for r in rows]


async def snapshot_rows_of(db: Database, ids: list[str]) -> tuple[list[SnapshotActor], list[SnapshotTie]]:
    """The actors ``ids`` as they are now (those that exist) and every cooperation at any of them, once each."""
    rows = await db.read(SNAPSHOT_ACTORS_BY_ID, ids=ids)
    ties = [
        SnapshotTie(t[0], t[1], date_or_none(t[2]), date_or_none(t[3]), date_or_none(t[4]), tuple(t[5] or ()))
        for r in rows
        for t in r["ties"]
    ]
    return [_snapshot_actor(r) for r in rows], ties
