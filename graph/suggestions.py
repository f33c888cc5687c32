"""Candidates for partner suggestions, with the features the scoring needs.

Candidates are actors the given one has no cooperation with (current or past): partners of
its partners, actors in the quarters in focus, and, when an action field is in focus, actors
working on it there. Each comes with its quarters, action fields, location, type, latest
activity and the partners it shares with the given actor (with their degrees, for
Adamic–Adar weighting).
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


SUBJECT: Final[LiteralString] = """
MATCH (a:Actor {id: $id})
RETURN a.type AS type, a.archived AS archived, a.location.latitude AS lat, a.location.longitude AS lon,
       [(a)-[:ACTIVE_IN]->(q:Quarter) | q.slug] AS quarters, [(a)-[:WORKS_ON]->(f:ActionField) | f.key] AS fields
"""

# Up to $pool candidates from each source; scoring happens in Python.
CANDIDATES: Final[LiteralString] = """
MATCH (a:Actor {id: $id})
CALL (a) {
  MATCH (a)-[:COOPERATES_WITH]-(m:Actor)-[:COOPERATES_WITH]-(c:Actor)
  WHERE c <> a AND m.archived = false
  WITH c, collect(DISTINCT m) AS via
  ORDER BY size(via) DESC LIMIT $pool
  RETURN c, via
  UNION
  MATCH (q:Quarter)<-[:ACTIVE_IN]-(c:Actor)
  WHERE q.slug IN $quarters AND c <> a
  WITH DISTINCT c LIMIT $pool
  RETURN c, [] AS via
  UNION
  MATCH (f:ActionField)<-[:WORKS_ON]-(c:Actor)-[:ACTIVE_IN]->(q:Quarter)
  WHERE f.key IN $fields AND q.slug IN $nearby AND c <> a
  WITH DISTINCT c LIMIT $pool
  RETURN c, [] AS via
}
WITH a, c, collect(via) AS vias
WHERE c.archived = false AND NOT EXISTS { (a)-[:COOPERATES_WITH]-(c) }
  AND ($types IS NULL OR c.type IN $types)
  AND ($fields = [] OR $requireField = false OR EXISTS { (c)-[:WORKS_ON]->(g:ActionField) WHERE g.key IN $fields })
WITH c, reduce(acc = [], v IN vias | acc + v) AS via
UNWIND (CASE WHEN via = [] THEN [null] ELSE via END) AS m
WITH c, collect(DISTINCT m) AS shared
RETURN c.id AS id, c.name AS name, c.type AS type,
       [(c)-[:ACTIVE_IN]->(q:Quarter) | q.slug] AS quarters,
       [(c)-[:WORKS_ON]->(f:ActionField) | f.key] AS fields,
       c.location.latitude AS lat, c.location.longitude AS lon,
       toString(reduce(x = null, d IN [(c)-[k:COOPERATES_WITH]-() | coalesce(k.since, date(k.createdAt))] |
                CASE WHEN x IS NULL OR d > x THEN d ELSE x END)) AS latest,
       [m IN shared | [m.id, m.name, COUNT { (m)-[:COOPERATES_WITH]-() }]] AS shared
"""


async def subject(db: Database, actor_id: str) -> Subject | None:
    rows = await db.read(SUBJECT, id=actor_id)
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
    pool: int = 400,
) -> list[Candidate]:
    rows = await db.read(CANDIDATES, id=actor_id, quarters=quarters, nearby=nearby, fields=fields,
                         requireField=require_field, types=types, pool=pool)
    return [
        Candidate(
            id=r["id"], name=r["name"], type=r["type"], quarters=tuple(r["quarters"]),
            action_fields=tuple(r["fields"]),
            location=(r["lat"], r["lon"]) if r["lat"] is not None else None,
            latest_activity=date_or_none(r["latest"]),
            shared=tuple((s[0], s[1], int(s[2])) for s in r["shared"]),
        )
        for r in rows
    ]
