"""Candidates for partner suggestions, with the features the scoring needs.

Candidates are actors the given one has never cooperated with (no cooperation at any time, not
even an ended one): partners of its partners, actors in the quarters in focus, and, when an
action field is in focus, actors working on it there. Each comes with its quarters, action
fields, location, type, latest activity and the partners it shares with the given actor (with
their degrees, for Adamic–Adar weighting).

Everything that rests on ties is read as of one day, ``$day`` (the question's `asOf`, else
today): a tie counts if it had started by then (or has no start) and had not ended before
then. So a partner whose tie to the actor ended years ago is no shared partner, its partners
are not found through it, and a shared partner's degree counts its partners of that day.
With `asOf` (``$asOf`` not null), quarters are the memberships of that day, as in networks.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Final, LiteralString

from graph.convert import date_or_none
from graph.db import Database


@dataclass(frozen=True)
class Subject:
    id: str
    type: str
    quarters: tuple[str, ...]
    action_fields: tuple[str, ...]
    location: tuple[float, float] | None
    archived: bool


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


# The subject's type, location, fields and quarters (those of $asOf, if given).
SUBJECT: Final[LiteralString] = """
MATCH (a:Actor {id: $id})
RETURN a.type AS type, a.archived AS archived, a.location.latitude AS lat, a.location.longitude AS lon,
       [(a)-[m:ACTIVE_IN]->(q:Quarter)
        WHERE $asOf IS NULL OR ((m.since IS NULL OR m.since <= $asOf) AND (m.until IS NULL OR m.until >= $asOf))
        | q.slug] AS quarters,
       [(a)-[:WORKS_ON]->(f:ActionField) | f.key] AS fields
"""

# Up to $pool candidates from each source, with their features; scoring happens in Python. The actor's
# partners of the day (with their degrees) are read once and checked against each candidate.
# "Active on $day" is spelled out at each tie: since <= $day (or none), until >= $day (or none).
CANDIDATES: Final[LiteralString] = """
MATCH (a:Actor {id: $id})
WITH a, COLLECT {
  MATCH (a)-[r:COOPERATES_WITH]-(m:Actor)
  WHERE m.archived = false AND (r.since IS NULL OR r.since <= $day) AND (r.until IS NULL OR r.until >= $day)
  WITH DISTINCT m
  RETURN {node: m, degree: size(COLLECT {
    MATCH (m)-[k:COOPERATES_WITH]-(p:Actor)
    WHERE (k.since IS NULL OR k.since <= $day) AND (k.until IS NULL OR k.until >= $day)
    RETURN DISTINCT p })}
} AS partners
CALL (a) {
  MATCH (a)-[r:COOPERATES_WITH]-(m:Actor)-[s:COOPERATES_WITH]-(c:Actor)
  WHERE c <> a AND m.archived = false
    AND (r.since IS NULL OR r.since <= $day) AND (r.until IS NULL OR r.until >= $day)
    AND (s.since IS NULL OR s.since <= $day) AND (s.until IS NULL OR s.until >= $day)
  WITH c, count(DISTINCT m) AS via
  ORDER BY via DESC LIMIT $pool
  RETURN c
  UNION
  MATCH (q:Quarter)<-[m:ACTIVE_IN]-(c:Actor)
  WHERE q.slug IN $quarters AND c <> a
    AND ($asOf IS NULL OR ((m.since IS NULL OR m.since <= $asOf) AND (m.until IS NULL OR m.until >= $asOf)))
  WITH DISTINCT c LIMIT $pool
  RETURN c
  UNION
  MATCH (f:ActionField)<-[:WORKS_ON]-(c:Actor)-[m:ACTIVE_IN]->(q:Quarter)
  WHERE f.key IN $fields AND q.slug IN $nearby AND c <> a
    AND ($asOf IS NULL OR ((m.since IS NULL OR m.since <= $asOf) AND (m.until IS NULL OR m.until >= $asOf)))
  WITH DISTINCT c LIMIT $pool
  RETURN c
}
WITH DISTINCT a, partners, c
WHERE c.archived = false AND NOT EXISTS { (a)-[:COOPERATES_WITH]-(c) }
  AND ($types IS NULL OR c.type IN $types)
  AND ($fields = [] OR $requireField = false OR EXISTS { (c)-[:WORKS_ON]->(g:ActionField) WHERE g.key IN $fields })
WITH c, [p IN partners WHERE EXISTS {
           WITH p.node AS m
           MATCH (m)-[s:COOPERATES_WITH]-(c)
           WHERE (s.since IS NULL OR s.since <= $day) AND (s.until IS NULL OR s.until >= $day) }] AS shared
RETURN c.id AS id, c.name AS name, c.type AS type,
       [(c)-[m:ACTIVE_IN]->(q:Quarter)
        WHERE $asOf IS NULL OR ((m.since IS NULL OR m.since <= $asOf) AND (m.until IS NULL OR m.until >= $asOf))
        | q.slug] AS quarters,
       [(c)-[:WORKS_ON]->(f:ActionField) | f.key] AS fields,
       c.location.latitude AS lat, c.location.longitude AS lon,
       toString(reduce(x = null, d IN [(c)-[k:COOPERATES_WITH]-() WHERE coalesce(k.since, date(k.createdAt)) <= $day
                                      | coalesce(k.since, date(k.createdAt))] |
                CASE WHEN x IS NULL OR d > x THEN d ELSE x END)) AS latest,
       [p IN shared | [p.node.id, p.node.name, p.degree]] AS shared
"""


async def subject(db: Database, actor_id: str, as_of: dt.date | None = None) -> Subject | None:
    rows = await db.read(SUBJECT, id=actor_id, asOf=as_of)
    if not rows:
        return None
    r = rows[0]
    location = (r["lat"], r["lon"]) if r["lat"] is not None else None
    return Subject(actor_id, r["type"], tuple(r["quarters"]), tuple(r["fields"]), location, bool(r["archived"]))


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
    pool: int = 400,
) -> list[Candidate]:
    """Candidates with ties read as of ``day``; memberships as of ``as_of`` if given, else all."""
    rows = await db.read(
        CANDIDATES,
        id=actor_id,
        quarters=quarters,
        nearby=nearby,
        fields=fields,
        requireField=require_field,
        types=types,
        day=day,
        asOf=as_of,
        pool=pool,
    )
    return [
        Candidate(
            id=r["id"],
            name=r["name"],
            type=r["type"],
            quarters=tuple(r["quarters"]),
            action_fields=tuple(r["fields"]),
            location=(r["lat"], r["lon"]) if r["lat"] is not None else None,
            latest_activity=date_or_none(r["latest"]),
            shared=tuple((s[0], s[1], int(s[2])) for s in r["shared"]),
        )
        for r in rows
    ]
