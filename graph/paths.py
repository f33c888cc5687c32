"""Shortest chains of cooperations between two actors ("how do we reach the housing association?").

A chain is a sequence of actors; two actors may have several cooperations between them, so one
chain can run over several parallel ties at a hop. Each chain is returned once, with all the
cooperations of each hop (those active on `asOf`, if given), not once per combination of ties.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Final, LiteralString, cast

from graph.db import Database

# The length bound cannot be a parameter in Cypher; it is chosen from this table, never formatted.
_RANGES: Final[dict[int, LiteralString]] = {n: cast(LiteralString, f"*..{n}") for n in range(1, 7)}

# Distinct actor sequences among the shortest paths (DISTINCT streams, so LIMIT stops the search early),
# then each hop's cooperations: newest start first, undated last.
_SHORTEST = """
MATCH (a:Actor {{id: $from}}), (b:Actor {{id: $to}})
MATCH p = allShortestPaths((a)-[:COOPERATES_WITH{hops}]-(b))
WHERE all(n IN nodes(p) WHERE n.archived = false)
  AND all(r IN relationships(p) WHERE $asOf IS NULL OR
          ((r.since IS NULL OR r.since <= $asOf) AND (r.until IS NULL OR r.until >= $asOf)))
WITH DISTINCT nodes(p) AS chain
LIMIT $limit
CALL (chain) {{
  UNWIND range(0, size(chain) - 2) AS i
  WITH i, chain[i] AS x, chain[i + 1] AS y
  CALL (x, y) {{
    MATCH (x)-[r:COOPERATES_WITH]-(y)
    WHERE $asOf IS NULL OR ((r.since IS NULL OR r.since <= $asOf) AND (r.until IS NULL OR r.until >= $asOf))
    WITH r ORDER BY r.since IS NULL, r.since DESC, r.id
    RETURN collect(r.id) AS ties
  }}
  WITH i, ties ORDER BY i
  RETURN collect(ties) AS hops
}}
RETURN [n IN chain | n.id] AS actors, hops
"""
MAX_LENGTH = max(_RANGES)


@dataclass(frozen=True)
class PathRecord:
    actor_ids: tuple[str, ...]
    hops: tuple[tuple[str, ...], ...]  # per hop (actor i to actor i + 1): its cooperation ids, newest first

    @property
    def cooperation_ids(self) -> tuple[str, ...]:
        """Every cooperation along the path, hop by hop."""
        return tuple(c for hop in self.hops for c in hop)


async def shortest(
    db: Database, source: str, target: str, max_length: int, as_of: dt.date | None, limit: int
) -> list[PathRecord]:
    """Up to ``limit`` distinct shortest actor chains from ``source`` to ``target``, ordered by their ids."""
    query = cast(LiteralString, _SHORTEST.format(hops=_RANGES[max_length]))
    rows = await db.read(query, **{"from": source, "to": target, "asOf": as_of, "limit": limit})
    found = [PathRecord(tuple(r["actors"]), tuple(tuple(h) for h in r["hops"])) for r in rows]
    return sorted(found, key=lambda p: p.actor_ids)
