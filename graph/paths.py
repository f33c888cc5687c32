"""Shortest chains of cooperations between two actors ("how do we reach the housing association?")."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Final, LiteralString, cast

from graph.db import Database

# The length bound cannot be a parameter in Cypher; it is chosen from this table, never formatted.
_RANGES: Final[dict[int, LiteralString]] = {n: cast(LiteralString, f"*..{n}") for n in range(1, 7)}

_SHORTEST = """
MATCH (a:Actor {{id: $from}}), (b:Actor {{id: $to}})
MATCH p = allShortestPaths((a)-[:COOPERATES_WITH{hops}]-(b))
WHERE all(n IN nodes(p) WHERE n.archived = false)
  AND all(r IN relationships(p) WHERE $asOf IS NULL OR
          ((r.since IS NULL OR r.since <= $asOf) AND (r.until IS NULL OR r.until >= $asOf)))
RETURN [n IN nodes(p) | n.id] AS actors, [r IN relationships(p) | r.id] AS ties
LIMIT $limit
"""
MAX_LENGTH = max(_RANGES)


@dataclass(frozen=True)
class PathRecord:
    actor_ids: tuple[str, ...]
    cooperation_ids: tuple[str, ...]


async def shortest(
    db: Database, source: str, target: str, max_length: int, as_of: dt.date | None, limit: int
) -> list[PathRecord]:
    query = cast(LiteralString, _SHORTEST.format(hops=_RANGES[max_length]))
    rows = await db.read(query, **{"from": source, "to": target, "asOf": as_of, "limit": limit})
    paths = {(tuple(r["actors"]), tuple(r["ties"])) for r in rows}
    return [PathRecord(a, t) for a, t in sorted(paths)]
