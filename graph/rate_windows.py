"""Rate-limit budget shared by all instances: per key (a token or JWT subject) and minute, how
many requests the instances together have claimed.

An instance does not write per request: it claims a chunk of the minute's budget at a time and
spends it locally (kiezgraph/middleware/rate_limit.py); a claim is one small write. Once the
budget of a minute is claimed, every instance refuses that key until the next minute.
"""

from __future__ import annotations

from typing import Final, LiteralString

from graph.db import Database

# Claim up to $chunk of the $limit requests of key $key in minute $minute; returns what was granted
# (0 when the minute's budget is claimed already). The MERGE locks the window until commit.
CLAIM: Final[LiteralString] = """
MERGE (w:RateWindow {id: $id})
ON CREATE SET w.key = $key, w.minute = $minute, w.used = 0
WITH w, CASE WHEN $limit - w.used < $chunk THEN $limit - w.used ELSE $chunk END AS room
WITH w, CASE WHEN room < 0 THEN 0 ELSE room END AS granted
SET w.used = w.used + granted
RETURN granted
"""
# Forget windows of minutes before $minute (a bounded batch; the next sweep takes the rest).
SWEEP: Final[LiteralString] = """
MATCH (w:RateWindow) WHERE w.minute < $minute
WITH w LIMIT 1000 DELETE w
"""


async def claim(db: Database, key: str, minute: int, limit: int, chunk: int) -> int:
    """Up to ``chunk`` requests of ``key``'s budget for ``minute``; how many were granted."""
    [row] = await db.write(CLAIM, id=f"{minute}:{key}", key=key, minute=minute, limit=limit, chunk=chunk)
    return int(row["granted"])


async def sweep(db: Database, before: int) -> None:
    """Delete the windows of minutes before ``before``."""
    await db.write(SWEEP, minute=before)
