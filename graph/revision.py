"""A counter of the network's state: every write bumps it in its own transaction.

Caches of derived data (metrics, exports) key on it, so any instance of the service sees
a write as soon as it commits, whoever made it.
"""

from __future__ import annotations

import datetime as dt
from typing import Final, LiteralString

from graph.convert import date_or_none
from graph.db import Database, Transaction

BUMP: Final[LiteralString] = """
MERGE (s:NetworkState {id: 'network'})
SET s.revision = coalesce(s.revision, 0) + 1, s.changedAt = datetime()
"""
# The revision with the day of its last change (null before the first write).
STATE: Final[LiteralString] = (
    "OPTIONAL MATCH (s:NetworkState {id: 'network'}) RETURN coalesce(s.revision, 0) AS r, date(s.changedAt) AS day"
)
CURRENT: Final[LiteralString] = "OPTIONAL MATCH (s:NetworkState {id: 'network'}) RETURN coalesce(s.revision, 0) AS r"


async def bump(tx: Transaction) -> None:
    await tx.run(BUMP)


async def bump_now(db: Database) -> None:
    await db.write(BUMP)


async def current(db: Database) -> int:
    [row] = await db.read(CURRENT)
    return int(row["r"])


async def state(db: Database) -> tuple[int, dt.date | None]:
    """The revision and the day it was made (the dossier is dated by it, not by the clock)."""
    [row] = await db.read(STATE)
    return int(row["r"]), date_or_none(row["day"])
