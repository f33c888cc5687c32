"""The change feed: the audit records (:mod:`graph.audit`) read back in the order of their commits.

Every committed write leaves its records with the commit's revision (:mod:`graph.revision`);
a page here holds whole commits — never half of one — in ascending revision, and says where the
next page starts. Reads are bounded above by a revision read *first*: every commit up to it has
finished, so a client that continues from ``next`` neither misses nor repeats a commit.

Only the kind of change leaves this module (entity, ids, operation, field names, quarters);
the payloads of the audit records (values before and after, personal data among them) never
do, except the id a merged actor went into.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, LiteralString

from graph import audit, revision
from graph.convert import datetime_or_none
from graph.db import Database, Row, Runner, Transaction

# What the feed is made of (tokens' records are never shown; revocations reach instances by the
# token counter, core/revocations.py).
FEED_ENTITIES: Final = ("Actor", "Cooperation", "Person", "Network")

# The first `limit` commits after `after` (up to `upto`) that hold a matching record, with
# those records, oldest commit first.
PAGE: Final[LiteralString] = """
MATCH (c:Change) WHERE
  c.revision > $after AND c.revision <= $upto AND c.entity IN $entities
  AND ($quarter IS NULL OR $quarter IN c.quarters OR c.entity = 'Network')
  AND ($actor IS NULL OR c.entityId = $actor OR $actor IN c.actors)
WITH DISTINCT c.revision AS r ORDER BY r LIMIT $limit
WITH collect(r) AS rs
MATCH (c:Change) WHERE
  c.revision IN rs AND c.entity IN $entities
  AND ($quarter IS NULL OR $quarter IN c.quarters OR c.entity = 'Network')
  AND ($actor IS NULL OR c.entityId = $actor OR $actor IN c.actors)
RETURN c {.id, .revision, .entity, .entityId, .operation, .fields, .actors, .quarters, at: c.at.epochMillis,
          mergedInto: CASE c.operation WHEN 'merged_away' THEN c.after END} AS c
ORDER BY c.revision, c.id
"""
# Which quarters the commits after `after` up to `upto` touched: '*' for a record that names no
# quarter (it may touch anything); records of ignored entities count only as commits.
TOUCHED: Final[LiteralString] = """
MATCH (c:Change) WHERE c.revision > $after AND c.revision <= $upto
WITH c, CASE WHEN c.entity IN $ignored THEN null ELSE coalesce(c.quarters, []) END AS qs
UNWIND CASE WHEN qs IS NULL THEN [null] WHEN size(qs) = 0 THEN ['*'] ELSE qs END AS q
RETURN count(DISTINCT c.revision) AS commits, collect(DISTINCT q) AS quarters
"""
# Changes that leave the network as it is (a token, a contact person).
OUTSIDE_NETWORK: Final = ("ApiToken", "Person")


@dataclass(frozen=True)
class Touched:
    """What the commits between two revisions touched."""

    quarters: frozenset[str]
    everywhere: bool  # a record without quarters, or a commit without records: assume anything


async def touched(db: Runner, after: int, upto: int) -> Touched:
    """The quarters the commits after ``after`` up to ``upto`` touched (metrics of the others hold)."""
    [row] = await db.run(TOUCHED, after=after, upto=upto, ignored=list(OUTSIDE_NETWORK))
    quarters = frozenset(row["quarters"])
    return Touched(quarters - {"*"}, "*" in quarters or int(row["commits"]) < upto - after)


@dataclass(frozen=True)
class FeedRecord:
    """One changed thing in one commit."""

    revision: int
    id: str  # the audit record's id
    at: dt.datetime
    entity: str  # Actor, Cooperation, Person, Network
    entity_id: str
    operation: str
    fields: tuple[str, ...]  # the names of the changed fields, never their values
    actors: tuple[str, ...]
    quarters: tuple[str, ...]
    merged_into: str | None = None


@dataclass(frozen=True)
class FeedPage:
    records: list[FeedRecord]
    next: int  # the revision to continue after
    has_more: bool
    upto: int  # the last committed revision when the page was read


def _record(c: Row) -> FeedRecord:
    at = datetime_or_none(c["at"])
    assert at is not None
    merged = json.loads(c["mergedInto"]).get("mergedInto") if c["mergedInto"] else None
    return FeedRecord(
        revision=int(c["revision"]),
        id=c["id"],
        at=at,
        entity=c["entity"],
        entity_id=c["entityId"],
        operation=c["operation"],
        fields=tuple(c["fields"] or ()),
        actors=tuple(c["actors"] or ()),
        quarters=tuple(c["quarters"] or ()),
        merged_into=merged if isinstance(merged, str) else None,
    )


async def page(
    db: Runner,
    after: int,
    commits: int,
    *,
    entities: Sequence[str] = FEED_ENTITIES,
    quarter: str | None = None,
    actor: str | None = None,
    upto: int | None = None,
) -> FeedPage:
    """Up to ``commits`` commits after ``after`` with a matching record, and where to go on.

    ``upto`` bounds the page (default: the last committed revision, read before the page).
    """
    if upto is None:
        upto = await revision.current(db)
    rows = await db.run(
        PAGE,
        after=after,
        upto=upto,
        limit=commits + 1,
        entities=list(entities),
        quarter=quarter,
        actor=actor,
    )
    records = [_record(row["c"]) for row in rows]
    commits_found = sorted({r.revision for r in records})
    if len(commits_found) > commits:
        last = commits_found[commits - 1]
        return FeedPage([r for r in records if r.revision <= last], last, True, upto)
    return FeedPage(records, max(after, upto), False, upto)


async def record_reload(db: Database, reason: str) -> int:
    """Record a change of the whole network made without mutations (a bulk load, the demo
    network loaded or removed): the feed tells clients to read everything again."""

    async def work(tx: Transaction) -> int:
        return await audit.write(tx, "system", "admin", "Network", "network", "reload", None, {"reason": reason})

    return await db.write_transaction(work)
