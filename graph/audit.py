"""The audit trail: one append-only ``(:Change)`` per entity a mutation changed, written in the
mutation's own transaction (so a refused mutation leaves none).

Each record also carries the commit's ``revision`` (:mod:`graph.revision`), the actors the change
touches and the slugs of their quarters: the change feed (:mod:`graph.changes`) reads the same
records by revision, so every committed write is in the feed, and an erasure reaches it too.

``before`` and ``after`` hold the changed fields as JSON. Personal data lives in the records of
the person it belongs to and nowhere else: a record about a contact person has ``entity:
'Person'`` and the person's id as ``entityId``; every other writer (actor snapshots and merges,
cooperation snapshots, tokens) refers to persons by id only, never by name or contact data.
Erasing a person (:func:`erase_fields`) therefore finds its data by structure — the person's
own records, through the ``(entityId, at)`` index — and removes the personal fields from their
payloads, keeping the rest (such as the actor's id). No other record is read or changed.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import Any, Final, LiteralString

from graph.convert import datetime_or_none
from graph.db import Database, Transaction
from graph.ids import new_id
from graph.revision import stamp

# An audit record from `$audit` (:func:`param`): move the revision on (graph/revision.py's BUMP,
# the same lock) — or keep it, if `$audit.revision` says this transaction has one already — and
# append the record; its quarters are those the touched actors belong to (now or ever) and the
# ones named (a membership just removed), each slug once. Returns `revision`.
_RECORD: Final[LiteralString] = """
  MERGE (s:NetworkState {id: 'network'})
  SET s.revision = coalesce($audit.revision, coalesce(s.revision, 0) + 1),
      s.changedAt = CASE WHEN $audit.revision IS NULL THEN datetime() ELSE s.changedAt END
  WITH s.revision AS revision
  CREATE (c:Change {id: $audit.id, at: datetime(), principal: $audit.principal, role: $audit.role,
                    entity: $audit.entity, entityId: $audit.entityId, operation: $audit.operation,
                    fields: $audit.fields, before: $audit.before, after: $audit.after, revision: revision,
                    actors: $audit.actors})
  WITH c, revision
  OPTIONAL MATCH (x:Actor)-[:ACTIVE_IN]->(q:Quarter) WHERE x.id IN $audit.actors
  WITH c, revision, collect(q.slug) + $audit.quarters AS slugs
  SET c.quarters = reduce(acc = [], s IN slugs | CASE WHEN s IN acc THEN acc ELSE acc + s END)
  RETURN revision
"""
# One record as a statement of its own (:func:`write`).
WRITE: Final[LiteralString] = _RECORD
# The same record as a subquery at the end of a write statement (after its writes, so the record's
# quarters include memberships the statement made), bringing `revision` into scope. The write and
# its audit record are then one statement: a refusal decided from what the statement returns rolls
# both back.
RECORD_CALL: Final[LiteralString] = "\nWITH *\nCALL () {" + _RECORD + "}\n"
# Every lookup names both keys of the (entityId, at) index: with `entityId` alone the planner
# scans all :Change nodes instead (every record has an `at`, so the condition drops none).
# An entity's records, newest first.
HISTORY: Final[LiteralString] = """
MATCH (c:Change {entityId: $id}) WHERE c.at IS NOT NULL
RETURN c {.id, .principal, .role, .entity, .entityId, .operation, .fields, .before, .after,
          at: c.at.epochMillis, erased: c.erasedAt IS NOT NULL} AS c
ORDER BY c.at DESC, c.id
LIMIT $limit
"""
# The records about one person (the only ones that may hold its personal data), by index.
PERSON_RECORDS: Final[LiteralString] = """
MATCH (c:Change {entityId: $id})
WHERE c.at IS NOT NULL AND c.entity = 'Person'
RETURN c.id AS id, c.before AS before, c.after AS after
"""
# Rewrite payloads of one person's records (found by index again; `id` only picks among them).
ERASE_FIELDS: Final[LiteralString] = """
MATCH (c:Change {entityId: $id})
WHERE c.at IS NOT NULL AND c.entity = 'Person'
WITH c, [row IN $rows WHERE row.id = c.id] AS found
UNWIND found AS row
SET c.before = row.before, c.after = row.after, c.erasedAt = datetime()
RETURN count(c) AS n
"""


@dataclass(frozen=True)
class ChangeRecord:
    id: str
    at: dt.datetime
    principal: str
    role: str
    entity: str
    entity_id: str
    operation: str
    fields: tuple[str, ...]
    before: Any
    after: Any
    erased: bool


def _json(value: dict[str, Any] | None) -> str | None:
    return None if value is None else json.dumps(value, default=str, ensure_ascii=False, sort_keys=True)


async def write(
    tx: Transaction,
    principal: str,
    role: str,
    entity: str,
    entity_id: str,
    operation: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    *,
    actors: Sequence[str] = (),
    quarters: Sequence[str] = (),
) -> int:
    """Append the record, stamped with the transaction's revision (which it returns).

    ``actors`` are the actors the change touches (an actor's own id, a cooperation's two ends, a
    contact person's actor); ``quarters`` adds slugs they no longer belong to.
    """
    entry = Entry(entity, entity_id, operation, before, after, actors)
    [row] = await tx.run(WRITE, audit=param(tx, principal, role, entry, quarters))
    tx.revision = int(row["revision"])  # what graph.revision.stamp returns from now on
    return tx.revision


async def history(db: Database, entity_id: str, limit: int) -> list[ChangeRecord]:
    rows = await db.read(HISTORY, id=entity_id, limit=limit)
    out = []
    for row in rows:
        c = row["c"]
        at = datetime_or_none(c["at"])
        assert at is not None
        out.append(
            ChangeRecord(
                c["id"],
                at,
                c["principal"],
                c["role"],
                c["entity"],
                c["entityId"],
                c["operation"],
                tuple(c["fields"] or ()),
                json.loads(c["before"]) if c["before"] else None,
                json.loads(c["after"]) if c["after"] else None,
                bool(c["erased"]),
            )
        )
    return out


def _without(payload: str | None, fields: AbstractSet[str]) -> tuple[str | None, set[str]] | None:
    """The payload without ``fields`` and which of them held a value; None if it had none of them."""
    data = json.loads(payload) if payload else None
    if not isinstance(data, dict) or fields.isdisjoint(data):
        return None
    held = {k for k in fields if data.get(k) is not None}
    return _json({k: v for k, v in data.items() if k not in fields}), held


async def erase_fields(tx: Transaction, person_id: str, fields: AbstractSet[str]) -> tuple[int, set[str]]:
    """Remove ``fields`` from the payloads of the person's own records.

    Returns how many records changed and which of the fields held a value in them. Records that
    hold none of the fields (an earlier erasure, a move between actors) stay as they are.
    """
    rows: list[dict[str, str | None]] = []
    held: set[str] = set()
    for row in await tx.run(PERSON_RECORDS, id=person_id):
        before, after = _without(row["before"], fields), _without(row["after"], fields)
        if before is None and after is None:
            continue
        rows.append(
            {
                "id": row["id"],
                "before": before[0] if before else row["before"],
                "after": after[0] if after else row["after"],
            }
        )
        held |= (before[1] if before else set()) | (after[1] if after else set())
    if not rows:
        return 0, held
    [result] = await tx.run(ERASE_FIELDS, id=person_id, rows=rows)
    return int(result["n"]), held


# Many records at once (an import writes one per actor and cooperation it creates).
WRITE_MANY: Final[LiteralString] = """
UNWIND $rows AS row
CREATE (c:Change {id: row.id, at: datetime(), principal: $principal, role: $role, entity: row.entity,
                  entityId: row.entityId, operation: row.operation, fields: row.fields, before: row.before,
                  after: row.after, revision: $revision, actors: row.actors, quarters: []})
"""

# The same record as the last clause of another UNWIND statement, from ``row.audit`` (a row of
# :func:`rows`): a batch's writes and their audit records in one statement (graph/imports.py).
CHANGE_OF_ROW: Final[LiteralString] = """
CREATE (:Change {id: row.audit.id, at: datetime(), principal: $principal, role: $role, entity: row.audit.entity,
                 entityId: row.audit.entityId, operation: row.audit.operation, fields: row.audit.fields,
                 before: row.audit.before, after: row.audit.after, revision: $revision, actors: row.audit.actors,
                 quarters: []})
"""


@dataclass(frozen=True)
class Entry:
    """One audit record of a batch: the same fields :func:`write` takes for one."""

    entity: str
    entity_id: str
    operation: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    actors: Sequence[str] = ()  # as for write(): the actors the change touches (the change feed's filter)


def rows(entries: Sequence[Entry]) -> list[dict[str, Any]]:
    """The parameter rows of :data:`WRITE_MANY` (and of :data:`CHANGE_OF_ROW` in other statements)."""
    return [
        {
            "id": new_id(),
            "entity": e.entity,
            "entityId": e.entity_id,
            "operation": e.operation,
            "fields": sorted(set(e.before or {}) | set(e.after or {})),
            "before": _json(e.before),
            "after": _json(e.after),
            "actors": list(dict.fromkeys(e.actors)),
        }
        for e in entries
    ]


async def write_many(tx: Transaction, principal: str, role: str, entries: Sequence[Entry]) -> int:
    """Append one record per entry, all stamped with the transaction's revision (which it returns),
    so a batch of an import is one commit in the change feed."""
    revision = await stamp(tx)
    await tx.run(WRITE_MANY, principal=principal, role=role, rows=rows(entries), revision=revision)
    return revision


def param(tx: Transaction, principal: str, role: str, entry: Entry, quarters: Sequence[str] = ()) -> dict[str, Any]:
    """The ``$audit`` parameter of :data:`WRITE` and :data:`RECORD_CALL`: the record to append.
    After the statement, :func:`stamped` hands its ``revision`` to the transaction."""
    [row] = rows([entry])
    return {**row, "principal": principal, "role": role, "quarters": list(quarters), "revision": tx.revision}


def stamped(tx: Transaction, revision: Any) -> int:
    """Note the revision a :data:`RECORD_CALL` statement returned as the transaction's (what
    :func:`write` does after its own statement), and return it."""
    tx.revision = int(revision)
    return tx.revision
