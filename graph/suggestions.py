"""Candidates for partner suggestions, with the features the scoring needs.

Candidates are actors the given one has not cooperated with, from four sources, each ordered
by a score before it is cut at ``$pool`` (so the pool never depends on storage order):

- **the walk**: actors a random walk of two or three steps from the actor reaches (through
  ties of the day; each step to a partner chosen uniformly), by the probability of ending there;
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

import datetime as dt
from dataclasses import dataclass
from typing import Any, Final, LiteralString

from graph.convert import date_or_none
from graph.db import Database

# ``$types`` is a list ([] for every type); ``$here`` is always a point's map, the nearby source being off
# when ``$radius`` is 0: parameters of one type each, so Neo4j plans each query once, not per combination.
# Candidates are cut per source at this many; the walk expands at most this many second-step actors.
POOL = 400
EXPAND = 200
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
    walk: float = 0.0  # probability that a walk of two or three steps from the subject ends here
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

# The walk, with every actor it reaches that could be suggested: step one goes to the actor's partners of the
# day, step two to theirs (mass 1/(deg a · deg m) per path), step three from the $expand second-step actors
# holding most mass. Rows stream out unaggregated (an actor reached in two and in three steps comes twice):
# aggregating rows that carry the walk's lists would make Neo4j account each list once per row.
WALK: Final[LiteralString] = """
MATCH (a:Actor {id: $id})
CALL (a) {
  OPTIONAL MATCH (a)-[r:COOPERATES_WITH]-(m:Actor)
  WHERE m.archived = false AND (r.since IS NULL OR r.since <= $day) AND (r.until IS NULL OR r.until >= $day)
  RETURN collect(DISTINCT m) AS partners
}
CALL (a, partners) {
  UNWIND partners AS m
  CALL (m) {
    MATCH (m)-[s:COOPERATES_WITH]-(x:Actor)
    WHERE (s.since IS NULL OR s.since <= $day) AND (s.until IS NULL OR s.until >= $day)
    RETURN collect(DISTINCT x) AS around
  }
  UNWIND around AS x
  WITH x, m, size(around) AS degree
  WHERE x <> a
  WITH x, sum(1.0 / (size(partners) * degree)) AS mass, collect([m.id, m.name, degree]) AS via
  RETURN collect({node: x, mass: mass, via: via}) AS second
}
CALL (a, second) {
  UNWIND second AS s
  WITH s ORDER BY s.mass DESC, s.node.id LIMIT $expand
  WITH s.node AS y, s.mass AS mass
  CALL (y) {
    MATCH (y)-[s:COOPERATES_WITH]-(x:Actor)
    WHERE (s.since IS NULL OR s.since <= $day) AND (s.until IS NULL OR s.until >= $day)
    RETURN collect(DISTINCT x) AS around
  }
  UNWIND around AS x
  WITH x, mass / size(around) AS flow
  WHERE x <> a
  WITH x, sum(flow) AS mass
  RETURN collect({node: x, mass: mass, via: []}) AS third
}
UNWIND second + third AS e
WITH a, e.node AS c, e.mass AS mass, e.via AS via
WHERE c.archived = false
  AND NOT EXISTS { (a)-[k:COOPERATES_WITH]-(c) WHERE $excludeAll OR coalesce(k.since, date(k.createdAt)) <= $day }
  AND ($types = [] OR c.type IN $types)
  AND ($fields = [] OR $requireField = false OR EXISTS { (c)-[:WORKS_ON]->(g:ActionField) WHERE g.key IN $fields })
RETURN c.id AS id, mass, via
"""

# The pool — the walk's choice ($walked), the quarters in focus, the action fields near them, the nearby — and
# each candidate's features. The quarter, field and nearby sources are each ordered before their cut.
CANDIDATES: Final[LiteralString] = """
MATCH (a:Actor {id: $id})
CALL (a) {
  OPTIONAL MATCH (a)-[k:COOPERATES_WITH]-(p:Actor)
  WHERE $excludeAll OR coalesce(k.since, date(k.createdAt)) <= $day
  WITH a, collect(DISTINCT p) AS partners
  RETURN partners + [a] AS excluded
}
CALL (a, excluded) {
  MATCH (c:Actor) WHERE c.id IN $walked
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
) -> list[Candidate]:
    """Candidates with ties read as of ``day``; memberships as of ``as_of`` if given, else all. ``here`` is
    where the nearby source looks (the subject's location or estimate); ``exclude_all=False`` keeps actors
    whose cooperation with the subject began after ``day`` (for learning from the past). Two reads: the walk,
    then the pool with its features."""
    common = {
        "id": actor_id,
        "fields": fields,
        "requireField": require_field,
        "types": types or [],  # one parameter type for every request: Neo4j plans each combination once
        "day": day,
        "excludeAll": exclude_all,
    }
    walked: dict[str, float] = {}
    shared: dict[str, tuple[tuple[str, str, int], ...]] = {}
    for r in await db.read(WALK, expand=EXPAND, **common):
        walked[r["id"]] = walked.get(r["id"], 0.0) + float(r["mass"])
        if r["via"]:
            shared[r["id"]] = tuple(sorted((s[0], s[1], int(s[2])) for s in r["via"]))
    chosen = sorted(walked, key=lambda c: (-walked[c], c))[:pool]
    rows = await db.read(
        CANDIDATES,
        walked=chosen,
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
                walk=walked.get(r["id"], 0.0),
                degree=int(r["degree"]),
                recent=int(r["recent"]),
                tie_fields=_flat(r["tieFields"]),
                location_estimated=estimated,
            )
        )
    return out


async def new_partners(db: Database, start: dt.date, end: dt.date) -> dict[str, set[str]]:
    """Actor → partners whose first cooperation with it began after ``start`` and by ``end``."""
    rows = await db.read(NEW_PARTNERS, start=start, end=end)
    return {r["actor"]: set(r["partners"]) for r in rows}
