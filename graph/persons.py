"""Contact persons of actors: personal data (name, function, email, phone) under the GDPR.

The ``:Person`` node holds that data; the audit trail holds it in the person's own records only
(see :mod:`graph.audit`). Anything else that concerns a person — a merge moving it to another
actor — refers to it by id.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final, LiteralString

from graph.convert import datetime_or_none
from graph.db import Database, Transaction

FIELDS = ("name", "function", "email", "phone")


@dataclass(frozen=True)
class PersonRecord:
    id: str
    actor_id: str
    name: str
    function: str | None
    email: str | None
    phone: str | None
    created_at: dt.datetime
    updated_at: dt.datetime

    def personal_data(self) -> dict[str, Any]:
        return {f: getattr(self, f) for f in FIELDS if getattr(self, f) is not None}


_PROJECTION = (
    "p {.id, .name, .function, .email, .phone, actor: a.id, "
    "createdAt: p.createdAt.epochMillis, updatedAt: p.updatedAt.epochMillis}"
)

OF_ACTORS: Final[LiteralString] = (
    """
UNWIND $ids AS id
MATCH (p:Person)-[:CONTACT_FOR]->(a:Actor {id: id})
RETURN """
    + _PROJECTION
    + " AS p ORDER BY p.name"
)
BY_ID: Final[LiteralString] = "MATCH (p:Person {id: $id})-[:CONTACT_FOR]->(a:Actor) RETURN " + _PROJECTION + " AS p"
CREATE: Final[LiteralString] = (
    """
MATCH (a:Actor {id: $actor})
CREATE (p:Person {id: $id})-[:CONTACT_FOR]->(a)
SET p += $props, p.createdAt = datetime(), p.updatedAt = p.createdAt
RETURN """
    + _PROJECTION
    + " AS p"
)
UPDATE: Final[LiteralString] = (
    """
MATCH (p:Person {id: $id})-[:CONTACT_FOR]->(a:Actor)
SET p += $props, p.updatedAt = datetime()
RETURN """
    + _PROJECTION
    + " AS p"
)
OWNER: Final[LiteralString] = "MATCH (p:Person {id: $id})-[:CONTACT_FOR]->(a:Actor) RETURN a.id AS actor"
DELETE: Final[LiteralString] = "MATCH (p:Person {id: $id}) DETACH DELETE p"
# Contact persons move with their actor when duplicates are merged; returns their ids.
MOVE: Final[LiteralString] = """
MATCH (p:Person)-[r:CONTACT_FOR]->(:Actor {id: $from}), (to:Actor {id: $to})
DELETE r
CREATE (p)-[:CONTACT_FOR]->(to)
RETURN p.id AS id ORDER BY id
"""


def record(p: dict[str, Any]) -> PersonRecord:
    created = datetime_or_none(p["createdAt"])
    assert created is not None
    return PersonRecord(
        p["id"],
        p["actor"],
        p["name"],
        p.get("function"),
        p.get("email"),
        p.get("phone"),
        created,
        datetime_or_none(p.get("updatedAt")) or created,
    )


async def of_actors(db: Database, ids: Sequence[str]) -> dict[str, list[PersonRecord]]:
    found: dict[str, list[PersonRecord]] = {i: [] for i in ids}
    for row in await db.read(OF_ACTORS, ids=list(ids)):
        person = record(row["p"])
        found[person.actor_id].append(person)
    return found


async def owner(db: Database, person_id: str) -> str | None:
    rows = await db.read(OWNER, id=person_id)
    return rows[0]["actor"] if rows else None


async def by_id(tx: Transaction, person_id: str) -> PersonRecord | None:
    rows = await tx.run(BY_ID, id=person_id)
    return record(rows[0]["p"]) if rows else None


async def create(tx: Transaction, person_id: str, actor_id: str, props: dict[str, Any]) -> PersonRecord:
    [row] = await tx.run(CREATE, id=person_id, actor=actor_id, props=props)
    return record(row["p"])


async def update(tx: Transaction, person_id: str, props: dict[str, Any]) -> PersonRecord:
    [row] = await tx.run(UPDATE, id=person_id, props=props)
    return record(row["p"])


async def delete(tx: Transaction, person_id: str) -> None:
    await tx.run(DELETE, id=person_id)


async def move(tx: Transaction, source: str, target: str) -> list[str]:
    """Move the contact persons of actor ``source`` to ``target``; the ids of those moved."""
    return [row["id"] for row in await tx.run(MOVE, **{"from": source, "to": target})]


async def one(db: Database, person_id: str) -> PersonRecord | None:
    rows = await db.read(BY_ID, id=person_id)
    return record(rows[0]["p"]) if rows else None
