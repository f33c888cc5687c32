"""Cypher that loads seed data idempotently: every statement MERGEs on a stable id.

Quarter and action-field facts belong to the seed (``SET`` brings them up to date on every
load); seeded actors are created once (``ON CREATE SET``) so edits made through the API survive
a reload. The caller builds the rows; see :mod:`seeds.load`.
"""

from __future__ import annotations

from typing import Any, Final, LiteralString

from graph.actors import TYPE_LABELS
from graph.db import Database

# Quarters and their facts; the landmark point only where a source gives one.
UPSERT_QUARTERS: Final[LiteralString] = """
UNWIND $rows AS row
MERGE (q:Quarter {id: row.id})
SET q += row.props,
    q.landmark = CASE WHEN row.lat IS NULL THEN null
                      ELSE point({latitude: row.lat, longitude: row.lon}) END
"""

# Mergers (Ganghoferstraße and Richardplatz Süd into Rixdorf), with date and sources.
UPSERT_MERGERS: Final[LiteralString] = """
UNWIND $rows AS row
MATCH (q:Quarter {slug: row.slug}), (into:Quarter {slug: row.into})
MERGE (q)-[m:MERGED_INTO]->(into)
SET m.date = row.date, m.sources = row.sources
"""

# Action fields and the mapping from the 2010s generation to today's.
UPSERT_ACTION_FIELDS: Final[LiteralString] = """
UNWIND $rows AS row
MERGE (f:ActionField {id: row.id})
SET f += row.props
"""
UPSERT_ACTION_FIELD_SUCCESSIONS: Final[LiteralString] = """
UNWIND $rows AS row
MATCH (old:ActionField {key: row.old}), (new:ActionField {key: row.new})
MERGE (old)-[:SUCCEEDED_BY]->(new)
"""

# Actors: created once with their type label; later loads leave them as users edited them.
UPSERT_ACTORS: Final[LiteralString] = (
    """
UNWIND $rows AS row
MERGE (a:Actor {id: row.id})
ON CREATE SET a += row.props,
    a.location = CASE WHEN row.lat IS NULL THEN null
                      ELSE point({latitude: row.lat, longitude: row.lon}) END,
    a.createdAt = datetime(), a.updatedAt = datetime(), a.version = 1, a.archived = false
SET a.type = row.type
"""
    + TYPE_LABELS
)

# An actor's documented role in a quarter (QM Träger, housing owner, or plain membership).
UPSERT_MEMBERSHIPS: Final[LiteralString] = """
UNWIND $rows AS row
MATCH (a:Actor {id: row.actor}), (q:Quarter {slug: row.quarter})
MERGE (a)-[m:ACTIVE_IN {role: row.role}]->(q)
ON CREATE SET m += row.props
"""

# Which action fields an actor works on.
UPSERT_ACTOR_FIELDS: Final[LiteralString] = """
UNWIND $rows AS row
MATCH (a:Actor {id: row.actor}), (f:ActionField {key: row.field})
MERGE (a)-[:WORKS_ON]->(f)
"""

# Cooperations: stored once, in the seed's direction, under a stable id.
UPSERT_COOPERATIONS: Final[LiteralString] = """
UNWIND $rows AS row
MATCH (a:Actor {id: row.a}), (b:Actor {id: row.b})
MERGE (a)-[c:COOPERATES_WITH {id: row.id}]->(b)
ON CREATE SET c += row.props, c.createdAt = datetime(), c.updatedAt = datetime(), c.version = 1
"""

# Everything synthetic goes; real seeds and user data stay.
REMOVE_SYNTHETIC: Final[LiteralString] = """
MATCH (a:Actor {synthetic: true})
WITH collect(a) AS actors
CALL (actors) {
  UNWIND actors AS a
  OPTIONAL MATCH (a)-[c:COOPERATES_WITH]-()
  RETURN count(DISTINCT c) AS cooperations
}
FOREACH (a IN actors | DETACH DELETE a)
RETURN size(actors) AS actors, cooperations
"""


async def upsert(db: Database, query: LiteralString, rows: list[dict[str, Any]]) -> None:
    if rows:
        await db.write(query, rows=rows)


async def remove_synthetic(db: Database) -> tuple[int, int]:
    [row] = await db.write(REMOVE_SYNTHETIC)
    return row["actors"], row["cooperations"]


# Synthetic demo projects: created once with their quarters, sponsor and partners (a reload
# leaves a project as users changed it; it creates only those that are missing).
CREATE_MISSING_PROJECTS: Final[LiteralString] = """
UNWIND $rows AS row
OPTIONAL MATCH (existing:Project {id: row.id})
WITH row WHERE existing IS NULL
CREATE (p:Project {id: row.id})
SET p += row.props, p.createdAt = datetime(), p.updatedAt = p.createdAt, p.version = 1
WITH p, row
CALL (p, row) { UNWIND row.quarters AS slug MATCH (q:Quarter {slug: slug}) CREATE (p)-[:IN_QUARTER]->(q) }
CALL (p, row) { UNWIND CASE WHEN row.sponsor IS NULL THEN [] ELSE [row.sponsor] END AS sid
                MATCH (s:Actor {id: sid}) CREATE (s)-[:SPONSORS]->(p) }
CALL (p, row) { UNWIND row.partners AS pr MATCH (a:Actor {id: pr[0]}) CREATE (a)-[:PARTNER_IN {role: pr[1]}]->(p) }
RETURN count(p) AS created
"""
# Council decisions on the demo projects, under stable ids.
UPSERT_DECISIONS: Final[LiteralString] = """
UNWIND $rows AS row
MATCH (p:Project {id: row.project}), (q:Quarter {slug: row.quarter})
MERGE (d:CouncilDecision {id: row.id})
ON CREATE SET d += row.props, d.createdAt = datetime()
MERGE (d)-[:ON]->(p)
MERGE (d)-[:OF_QUARTER]->(q)
"""
# Council seats of demo organisations, under stable ids.
UPSERT_SEATS: Final[LiteralString] = """
UNWIND $rows AS row
MATCH (a:Actor {id: row.actor}), (q:Quarter {slug: row.quarter})
MERGE (a)-[s:SITS_ON {id: row.id}]->(q)
ON CREATE SET s += row.props, s.createdAt = datetime()
"""
# Synthetic projects and every decision on them go (before the synthetic actors).
REMOVE_SYNTHETIC_PROJECTS: Final[LiteralString] = """
MATCH (p:Project {synthetic: true})
OPTIONAL MATCH (d:CouncilDecision)-[:ON]->(p)
WITH collect(DISTINCT p) AS projects, collect(DISTINCT d) AS decisions
FOREACH (d IN decisions | DETACH DELETE d)
FOREACH (p IN projects | DETACH DELETE p)
RETURN size(projects) AS projects
"""


async def create_missing_projects(db: Database, rows: list[dict[str, Any]]) -> None:
    await db.write(CREATE_MISSING_PROJECTS, rows=rows)


async def remove_synthetic_projects(db: Database) -> int:
    [row] = await db.write(REMOVE_SYNTHETIC_PROJECTS)
    return int(row["projects"])
