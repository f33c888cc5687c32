"""The import of a partner list, as far as Neo4j is concerned: what a plan is compared with, and
the batched writes of an applied plan.

Reads: the live actors a file's rows may be (:func:`candidates`: the same folded name, an id the
sheet holds, or a membership in one of the file's quarters — the blocks the fuzzy matcher works
in) and the cooperations among them (:func:`cooperations_among`).

Writes, inside the caller's transactions: new actors with their memberships and action fields
(:func:`create_actors`), new cooperations (:func:`create_cooperations`) — each skipping ids that
exist already, so that a batch run again after a failure writes nothing twice — and the
``(:Import)`` record of an import key: ``applying`` while its batches go in, ``applied`` with
its result at the end (:func:`claim`, :func:`settle`). Rows go in ``UNWIND`` statements of :data:`BATCH` rows; the
properties written are those of :func:`graph.actors.create` and :func:`graph.cooperations.create`,
so an imported actor is one like any other.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final, LiteralString

from graph.actors import TYPE_FIELDS, TYPE_LABELS, NewActor, NewMembership, _address
from graph.convert import date_or_none
from graph.cooperations import _PROPERTIES, NewCooperation
from graph.db import Runner, Transaction

BATCH: Final = 1000

# Live actors a file may name: by folded name, by id, or by a membership in one of its quarters.
CANDIDATES: Final[LiteralString] = """
MATCH (a:Actor)
WHERE a.archived = false
  AND (a.nameKey IN $keys OR a.id IN $ids
       OR EXISTS { MATCH (a)-[:ACTIVE_IN]->(q:Quarter) WHERE q.slug IN $quarters })
RETURN a.id AS id, a.name AS name, a.type AS type, a.street AS street, a.postalCode AS postalCode,
       a.nameKey AS nameKey, [(a)-[:ACTIVE_IN]->(q:Quarter) | q.slug] AS quarters
"""

# Cooperations whose two actors are both among $ids (what a plan's duplicate check needs).
AMONG: Final[LiteralString] = """
MATCH (a:Actor)-[c:COOPERATES_WITH]->(b:Actor)
WHERE a.id IN $ids AND b.id IN $ids
RETURN c.id AS id, a.id AS a, b.id AS b, c.kind AS kind, c.since AS since, c.until AS until
"""

# Which of these actors and cooperations exist (a re-run skips them).
ACTORS_PRESENT: Final[LiteralString] = "UNWIND $ids AS id MATCH (a:Actor {id: id}) RETURN id"
TIES_PRESENT: Final[LiteralString] = "UNWIND $ids AS id MATCH ()-[c:COOPERATES_WITH {id: id}]->() RETURN id"

# New actors as graph.actors.CREATE makes them, with memberships (by quarter slug) and action fields.
CREATE_ACTORS: Final[LiteralString] = (
    """
UNWIND $rows AS row
CREATE (a:Actor {id: row.id})
SET a += row.props,
    a.location = CASE WHEN row.lat IS NULL THEN null ELSE point({latitude: row.lat, longitude: row.lon}) END,
    a.createdAt = datetime(), a.updatedAt = a.createdAt, a.version = 1, a.archived = false
SET a.type = row.type
"""
    + TYPE_LABELS
    + """
WITH a, row
CALL (a, row) {
  UNWIND row.memberships AS m
  MATCH (q:Quarter {slug: m.quarter})
  CREATE (a)-[r:ACTIVE_IN]->(q)
  SET r += m.props
}
CALL (a, row) {
  UNWIND row.fields AS key
  MATCH (f:ActionField {key: key})
  MERGE (a)-[:WORKS_ON]->(f)
}
"""
)

# New cooperations as graph.cooperations.CREATE makes them.
CREATE_COOPERATIONS: Final[LiteralString] = """
UNWIND $rows AS row
MATCH (x:Actor {id: row.a}), (y:Actor {id: row.b})
CREATE (x)-[c:COOPERATES_WITH {id: row.id}]->(y)
SET c += row.props, c.createdAt = datetime(), c.updatedAt = c.createdAt, c.version = 1
"""

# An import key: begun (or found), and settled with its result; an applied one answers a second
# apply with the first one's result.
CLAIM: Final[LiteralString] = """
MERGE (i:Import {id: $key})
ON CREATE SET i.at = datetime(), i.principal = $principal, i.file = $file, i.status = 'applying'
RETURN i.status AS status, i.result AS result
"""
SETTLE: Final[LiteralString] = """
MATCH (i:Import {id: $key})
SET i.status = 'applied', i.appliedAt = datetime(), i.result = $result
"""


@dataclass(frozen=True)
class Candidate:
    """An existing actor as the import's matching sees it."""

    id: str
    name: str
    type: str
    quarters: tuple[str, ...]
    street: str | None
    postal_code: str | None
    name_key: str


@dataclass(frozen=True)
class Tie:
    """An existing cooperation as the import's duplicate check sees it."""

    id: str
    a: str
    b: str
    kind: str
    since: dt.date | None
    until: dt.date | None


@dataclass(frozen=True)
class ImportedActor:
    """A new actor of an import: what :func:`graph.actors.create` takes, with memberships and fields."""

    id: str
    actor: NewActor
    memberships: tuple[NewMembership, ...]
    action_fields: tuple[str, ...]


@dataclass(frozen=True)
class ImportedCooperation:
    id: str
    a: str
    b: str
    cooperation: NewCooperation


async def candidates(db: Runner, keys: Sequence[str], ids: Sequence[str], quarters: Sequence[str]) -> list[Candidate]:
    rows = await db.run(CANDIDATES, keys=list(set(keys)), ids=list(set(ids)), quarters=list(set(quarters)))
    return [
        Candidate(r["id"], r["name"], r["type"], tuple(r["quarters"]), r["street"], r["postalCode"], r["nameKey"] or "")
        for r in rows
    ]


async def cooperations_among(db: Runner, ids: Sequence[str]) -> list[Tie]:
    rows = await db.run(AMONG, ids=list(set(ids)))
    return [Tie(r["id"], r["a"], r["b"], r["kind"], date_or_none(r["since"]), date_or_none(r["until"])) for r in rows]


def _actor_row(new: ImportedActor) -> dict[str, Any]:
    a = new.actor
    props = {
        **a.names.props(),
        "description": a.description,
        **_address(a.address),
        "website": a.website,
        "tags": list(a.tags),
        "sources": list(a.sources),
        "synthetic": a.synthetic,
        **{prop: getattr(a.type_fields, field) for field, (_, prop) in TYPE_FIELDS.items()},
    }
    lat, lon = a.location if a.location else (None, None)
    memberships = [
        {
            "quarter": m.quarter,
            "props": {
                "role": m.role,
                "since": m.since,
                "until": m.until,
                "flats": m.flats,
                "note": m.note,
                "sources": list(m.sources),
            },
        }
        for m in new.memberships
    ]
    return {
        "id": new.id,
        "type": a.type,
        "props": props,
        "lat": lat,
        "lon": lon,
        "memberships": memberships,
        "fields": list(new.action_fields),
    }


def _cooperation_row(new: ImportedCooperation) -> dict[str, Any]:
    c = new.cooperation
    props = {prop: getattr(c, field) for field, prop in _PROPERTIES}
    props["actionFields"] = list(c.action_fields)
    props["synthetic"] = c.synthetic
    return {"id": new.id, "a": new.a, "b": new.b, "props": props}


async def create_actors(tx: Transaction, actors: Sequence[ImportedActor]) -> list[ImportedActor]:
    """One batch of new actors, those not written before; returns the ones it wrote."""
    present = {r["id"] for r in await tx.run(ACTORS_PRESENT, ids=[a.id for a in actors])}
    fresh = [a for a in actors if a.id not in present]
    if fresh:
        await tx.run(CREATE_ACTORS, rows=[_actor_row(a) for a in fresh])
    return fresh


async def create_cooperations(
    tx: Transaction, cooperations: Sequence[ImportedCooperation]
) -> list[ImportedCooperation]:
    present = {r["id"] for r in await tx.run(TIES_PRESENT, ids=[c.id for c in cooperations])}
    fresh = [c for c in cooperations if c.id not in present]
    if fresh:
        await tx.run(CREATE_COOPERATIONS, rows=[_cooperation_row(c) for c in fresh])
    return fresh


async def claim(tx: Transaction, key: str, principal: str, file: str) -> dict[str, Any] | None:
    """Begin the import under ``key`` (or find it begun); the result if it was applied before.
    The MERGE on the unique key makes a concurrent second apply wait for the first's transaction."""
    rows = await tx.run(CLAIM, key=key, principal=principal, file=file)
    if rows[0]["status"] != "applied":
        return None
    result: dict[str, Any] = json.loads(rows[0]["result"])
    return result


async def settle(tx: Transaction, key: str, result: dict[str, Any]) -> None:
    await tx.run(SETTLE, key=key, result=json.dumps(result, sort_keys=True))
