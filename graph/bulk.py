"""Bulk loading of generated networks (benchmarks, evaluations): batched ``UNWIND`` writes.

Everything loaded here is flagged ``synthetic``; :func:`clear_synthetic` removes it again
together with the generated quarters.
"""

from __future__ import annotations

from typing import Any, Final, LiteralString

from graph.actors import TYPE_LABELS
from graph.db import Database

BATCH = 5000

QUARTERS: Final[LiteralString] = """
UNWIND $rows AS row
MERGE (q:Quarter {id: row.id})
SET q += row.props, q.landmark = point({latitude: row.lat, longitude: row.lon})
"""

ACTORS: Final[LiteralString] = (
    """
UNWIND $rows AS row
CREATE (a:Actor {id: row.id})
SET a += row.props, a.location = CASE WHEN row.lat IS NULL THEN null
                                      ELSE point({latitude: row.lat, longitude: row.lon}) END,
    a.createdAt = datetime(row.createdAt), a.updatedAt = datetime(row.createdAt), a.version = 1,
    a.archived = false, a.synthetic = true
SET a.type = row.type
"""
    + TYPE_LABELS
    + """
WITH a, row
CALL (a, row) {
  UNWIND row.quarters AS m
  MATCH (q:Quarter {id: m.quarter})
  CREATE (a)-[r:ACTIVE_IN {role: 'member'}]->(q)
  SET r.since = m.since, r.until = m.until
}
CALL (a, row) {
  UNWIND row.fields AS key
  MATCH (f:ActionField {key: key})
  CREATE (a)-[:WORKS_ON]->(f)
}
"""
)

COOPERATIONS: Final[LiteralString] = """
UNWIND $rows AS row
MATCH (a:Actor {id: row.a}), (b:Actor {id: row.b})
CREATE (a)-[c:COOPERATES_WITH {id: row.id}]->(b)
SET c += row.props, c.createdAt = datetime(), c.updatedAt = c.createdAt, c.version = 1, c.synthetic = true
"""

CLEAR: Final[LiteralString] = """
MATCH (n) WHERE (n:Actor AND n.synthetic) OR (n:Quarter AND n.synthetic) OR n:MergedActor
CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 2000 ROWS
"""


async def load(db: Database, query: LiteralString, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), BATCH):
        await db.write(query, rows=rows[start : start + BATCH])


async def clear_synthetic(db: Database) -> None:
    await db.implicit(CLEAR)
