"""The network's revision: a counter every committed write moves on by one, in its own transaction.

Caches of derived data (metrics, exports, ETags) key on it, and the change feed
(:mod:`graph.changes`) orders commits by it. A transaction asks for its revision with
:func:`stamp`; the first call increments the counter on the single ``(:NetworkState)`` node and
every later call in the same transaction returns the same number, so one commit has one revision.

Why the numbers are strictly increasing in commit order and have no gaps: the increment takes
Neo4j's write lock on that node, which is held until the transaction ends. A second writer
waits for the lock and reads the counter only after the first has committed (it then gets the
next number) or rolled back (it then gets the same number the first one gave up).
"""

from __future__ import annotations

import datetime as dt
from typing import Final, LiteralString

from graph.convert import date_or_none
from graph.db import Runner, Transaction

# Move the counter on by one and read it back (locks the node until the transaction ends).
BUMP: Final[LiteralString] = """
MERGE (s:NetworkState {id: 'network'})
SET s.revision = coalesce(s.revision, 0) + 1, s.changedAt = datetime()
RETURN s.revision AS revision
"""
# The revision with the day of its last change (null before the first write).
STATE: Final[LiteralString] = (
    "OPTIONAL MATCH (s:NetworkState {id: 'network'}) RETURN coalesce(s.revision, 0) AS r, date(s.changedAt) AS day"
)
# The revision of the last committed write (0 before the first).
CURRENT: Final[LiteralString] = "OPTIONAL MATCH (s:NetworkState {id: 'network'}) RETURN coalesce(s.revision, 0) AS r"


async def stamp(tx: Transaction) -> int:
    """This transaction's revision: taken on the first call, the same number on every later one."""
    if tx.revision is None:
        [row] = await tx.run(BUMP)
        tx.revision = int(row["revision"])
    return tx.revision


async def current(db: Runner) -> int:
    [row] = await db.run(CURRENT)
    return int(row["r"])


async def state(db: Runner) -> tuple[int, dt.date | None]:
    """The revision and the day it was made (the dossier is dated by it, not by the clock)."""
    [row] = await db.run(STATE)
    return int(row["r"]), date_or_none(row["day"])
