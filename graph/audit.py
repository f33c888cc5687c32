"""The audit trail: one append-only ``(:Change)`` per entity a mutation changed, written in the
mutation's own transaction (so a refused mutation leaves none).

``before`` and ``after`` hold the changed fields as JSON. Records about contact persons carry
personal data; :func:`scrub_person` replaces those payloads when a person is erased.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final, LiteralString

from graph.convert import datetime_or_none
from graph.db import Database, Transaction
from graph.ids import new_id

WRITE: Final[LiteralString] = """
CREATE (c:Change {id: $id, at: datetime(), principal: $principal, role: $role, entity: $entity,
                  entityId: $entityId, operation: $operation, fields: $fields, before: $before, after: $after})
"""
HISTORY: Final[LiteralString] = """
MATCH (c:Change {entityId: $id})
RETURN c {.id, .principal, .role, .entity, .entityId, .operation, .fields, .before, .after,
          at: c.at.epochMillis, erased: c.erasedAt IS NOT NULL} AS c
ORDER BY c.at DESC, c.id
LIMIT $limit
"""
# Replace personal payloads: the person's own records, and any other record that mentions
# one of the erased values (e.g. a merge snapshot).
SCRUB: Final[LiteralString] = """
MATCH (c:Change)
WHERE c.entityId = $id OR any(v IN $values WHERE c.before CONTAINS v OR c.after CONTAINS v)
SET c.before = CASE WHEN c.before IS NULL THEN null ELSE '{"erased": true}' END,
    c.after = CASE WHEN c.after IS NULL THEN null ELSE '{"erased": true}' END,
    c.erasedAt = datetime()
RETURN count(c) AS n
"""


# The payloads recorded about one entity (to find a removed person's data before erasing it).
PAYLOADS: Final[LiteralString] = "MATCH (c:Change {entityId: $id}) RETURN c.before AS before, c.after AS after"


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
) -> None:
    fields = sorted(set(before or {}) | set(after or {}))
    await tx.run(WRITE, id=new_id(), principal=principal, role=role, entity=entity, entityId=entity_id,
                 operation=operation, fields=fields, before=_json(before), after=_json(after))


async def history(db: Database, entity_id: str, limit: int) -> list[ChangeRecord]:
    rows = await db.read(HISTORY, id=entity_id, limit=limit)
    out = []
    for row in rows:
        c = row["c"]
        at = datetime_or_none(c["at"])
        assert at is not None
        out.append(ChangeRecord(c["id"], at, c["principal"], c["role"], c["entity"], c["entityId"], c["operation"],
                                tuple(c["fields"] or ()), json.loads(c["before"]) if c["before"] else None,
                                json.loads(c["after"]) if c["after"] else None, bool(c["erased"])))
    return out


async def payloads(tx: Transaction, entity_id: str) -> list[dict[str, Any]]:
    out = []
    for row in await tx.run(PAYLOADS, id=entity_id):
        out += [json.loads(p) for p in (row["before"], row["after"]) if p]
    return out


async def scrub_person(tx: Transaction, person_id: str, values: Sequence[str]) -> int:
    [row] = await tx.run(SCRUB, id=person_id, values=[v for v in values if v and len(v) >= 3])
    return int(row["n"])
