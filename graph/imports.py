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
properties written are those of :func:`graph.actors.create_recorded` and :func:`graph.cooperations.add_recorded`,
so an imported actor is one like any other.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final, LiteralString

from graph.actors import TYPE_FIELDS, TYPE_LABELS, Address, NewActor, NewMembership, _address, membership_rows
from graph.audit import CHANGE_OF_ROW
from graph.convert import date_or_none
from graph.cooperations import _PROPERTIES, NewCooperation
from graph.db import Runner, Transaction
from graph.revision import stamp

# Rows per transaction of a long list: few enough that a batch stays far below Neo4j's transaction
# memory and the query timeout on a busy machine, many enough that round trips do not count.
BATCH: Final = 2000

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

# New actors as graph.actors.CREATE makes them, with memberships (by quarter slug), action fields
# and each its audit record (graph.audit.CHANGE_OF_ROW), in one statement; an id that exists
# already (a batch run again after a failure) is skipped, audit record and all.
# The actor is new, so its action fields are linked with CREATE (the keys come deduplicated):
# a MERGE would look for links it cannot have (a fifth of a batch's db hits, bench/RESULTS.md).
CREATE_ACTORS: Final[LiteralString] = (
    """
UNWIND $rows AS row
OPTIONAL MATCH (old:Actor {id: row.id})
WITH row WHERE old IS NULL
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
  CREATE (a)-[:WORKS_ON]->(f)
}
"""
    + CHANGE_OF_ROW
    + """
RETURN count(*) AS created
"""
)

# New cooperations as graph.cooperations.CREATE makes them, each with its audit record; an id
# that exists already is skipped.
CREATE_COOPERATIONS: Final[LiteralString] = (
    """
UNWIND $rows AS row
MATCH (x:Actor {id: row.a}), (y:Actor {id: row.b})
WHERE NOT EXISTS { MATCH ()-[old:COOPERATES_WITH {id: row.id}]->() }
CREATE (x)-[c:COOPERATES_WITH {id: row.id}]->(y)
SET c += row.props, c.createdAt = datetime(), c.updatedAt = c.createdAt, c.version = 1
"""
    + CHANGE_OF_ROW
    + """
RETURN count(*) AS created
"""
)

# New contact persons as graph.persons.CREATE makes them, each with its audit record (the person's
# own record, which erasure scrubs); an id that exists already (a batch run again) is skipped.
CREATE_PERSONS: Final[LiteralString] = (
    """
UNWIND $rows AS row
MATCH (a:Actor {id: row.actor})
WHERE NOT EXISTS { MATCH (:Person {id: row.id}) }
CREATE (p:Person {id: row.id})-[:CONTACT_FOR]->(a)
SET p += row.props, p.createdAt = datetime(), p.updatedAt = p.createdAt
"""
    + CHANGE_OF_ROW
    + """
RETURN count(*) AS created
"""
)

# What a merge compares a row with: an existing actor's website, address, tags, action fields and
# memberships (every role; the quarter's slug).
MERGE_STATES: Final[LiteralString] = """
UNWIND $ids AS id
MATCH (a:Actor {id: id})
RETURN a.id AS id, a.name AS name, a.website AS website, a.street AS street, a.postalCode AS postalCode,
       a.city AS city, a.location IS NOT NULL AS located, coalesce(a.tags, []) AS tags,
       [(a)-[:WORKS_ON]->(f:ActionField) | f.key] AS fields,
       [(a)-[m:ACTIVE_IN]->(q:Quarter) | {quarter: q.slug, since: m.since, until: m.until}] AS memberships
"""

# Add what merged rows bring to existing actors, never overwriting: a website, an address or a
# location only where the actor has none (checked here again, in the writing transaction), tags
# and action fields it lacks, memberships in quarters it is not in. Bumps the version, as an
# update does.
MERGE_INTO: Final[LiteralString] = """
UNWIND $rows AS row
MATCH (a:Actor {id: row.id})
SET a.website = coalesce(a.website, row.website),
    a.tags = coalesce(a.tags, []) + [t IN row.tags WHERE NOT t IN coalesce(a.tags, [])],
    a.version = a.version + 1, a.updatedAt = datetime()
FOREACH (_ IN CASE WHEN row.street IS NOT NULL OR row.postalCode IS NOT NULL OR row.city IS NOT NULL
                   THEN CASE WHEN a.street IS NULL AND a.postalCode IS NULL AND a.city IS NULL THEN [1] ELSE [] END
                   ELSE [] END |
  SET a.street = row.street, a.postalCode = row.postalCode, a.city = row.city)
FOREACH (_ IN CASE WHEN row.lat IS NOT NULL AND a.location IS NULL THEN [1] ELSE [] END |
  SET a.location = point({latitude: row.lat, longitude: row.lon}))
WITH a, row
CALL (a, row) {
  UNWIND row.memberships AS m
  MATCH (q:Quarter {slug: m.quarter})
  WHERE NOT EXISTS { (a)-[:ACTIVE_IN]->(q) }
  CREATE (a)-[r:ACTIVE_IN]->(q)
  SET r += m.props
}
CALL (a, row) {
  UNWIND row.fields AS key
  MATCH (f:ActionField {key: key})
  MERGE (a)-[:WORKS_ON]->(f)
}
"""

# An import key: begun (or found), and settled with its result; an applied one answers a second
# apply with the first one's result.
CLAIM: Final[LiteralString] = """
MERGE (i:Import {id: $key})
ON CREATE SET i.at = datetime(), i.principal = $principal, i.file = $file, i.status = 'applying'
RETURN i.status AS status, i.result AS result
"""
# The lease on an import key: taken when there is none or it has expired, kept (and extended) by its
# owner; the MERGE on the unique key serialises two applies of the same key started at once.
LEASE: Final[LiteralString] = """
MERGE (l:ImportLease {key: $key})
ON CREATE SET l.owner = $owner, l.expires = datetime() + duration({seconds: $seconds})
WITH l, l.owner = $owner OR l.expires < datetime() AS mine
SET l.owner = CASE WHEN mine THEN $owner ELSE l.owner END,
    l.expires = CASE WHEN mine THEN datetime() + duration({seconds: $seconds}) ELSE l.expires END
RETURN mine
"""
# Give the lease back (only its owner does).
RELEASE: Final[LiteralString] = "MATCH (l:ImportLease {key: $key, owner: $owner}) DELETE l"
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
class MergeTarget:
    """An existing actor rows are merged into: what they may add to, or differ from."""

    id: str
    name: str
    website: str | None
    street: str | None
    postal_code: str | None
    city: str | None
    located: bool
    tags: tuple[str, ...]
    action_fields: tuple[str, ...]
    memberships: tuple[tuple[str, dt.date | None, dt.date | None], ...]  # (quarter slug, since, until)


@dataclass(frozen=True)
class MergeWrite:
    """What an import adds to an existing actor; :data:`MERGE_INTO` never overwrites a value."""

    actor_id: str
    website: str | None = None
    address: Address | None = None
    location: tuple[float, float] | None = None
    tags: tuple[str, ...] = ()
    action_fields: tuple[str, ...] = ()
    memberships: tuple[NewMembership, ...] = ()


@dataclass(frozen=True)
class ImportedActor:
    """A new actor of an import: what :func:`graph.actors.create_recorded` takes, with memberships and fields."""

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


async def merge_states(db: Runner, ids: Sequence[str]) -> list[MergeTarget]:
    """The existing actors rows are merged into, as the merge compares with them."""
    rows = await db.run(MERGE_STATES, ids=sorted(set(ids)))
    return [
        MergeTarget(
            r["id"],
            r["name"],
            r["website"],
            r["street"],
            r["postalCode"],
            r["city"],
            bool(r["located"]),
            tuple(r["tags"]),
            tuple(r["fields"]),
            tuple((m["quarter"], date_or_none(m["since"]), date_or_none(m["until"])) for m in r["memberships"]),
        )
        for r in rows
    ]


def _merge_row(a: MergeWrite) -> dict[str, Any]:
    lat, lon = a.location or (None, None)
    return {
        "id": a.actor_id,
        "website": a.website,
        "tags": list(a.tags),
        **_address(a.address),
        "lat": lat,
        "lon": lon,
        "fields": list(a.action_fields),
        "memberships": membership_rows(a.memberships),
    }


async def merge_into(tx: Transaction, writes: Sequence[MergeWrite]) -> None:
    """One batch of additions to existing actors (see :data:`MERGE_INTO`)."""
    if writes:
        await tx.run(MERGE_INTO, rows=[_merge_row(a) for a in writes])


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
    return {
        "id": new.id,
        "type": a.type,
        "props": props,
        "lat": lat,
        "lon": lon,
        "memberships": membership_rows(new.memberships),
        "fields": list(dict.fromkeys(new.action_fields)),
    }


def _cooperation_row(new: ImportedCooperation) -> dict[str, Any]:
    c = new.cooperation
    props = {prop: getattr(c, field) for field, prop in _PROPERTIES}
    props["actionFields"] = list(c.action_fields)
    props["synthetic"] = c.synthetic
    return {"id": new.id, "a": new.a, "b": new.b, "props": props}


async def create_actors(
    tx: Transaction, actors: Sequence[ImportedActor], audits: Sequence[dict[str, Any]], principal: str, role: str
) -> int:
    """One batch of new actors with their audit records (``audits``: :func:`graph.audit.rows`, one
    per actor, in order), skipping those written before; how many it wrote."""
    if not actors:
        return 0
    revision = await stamp(tx)
    rows = [{**_actor_row(a), "audit": audit} for a, audit in zip(actors, audits, strict=True)]
    [result] = await tx.run(CREATE_ACTORS, rows=rows, principal=principal, role=role, revision=revision)
    return int(result["created"])


async def create_cooperations(
    tx: Transaction,
    cooperations: Sequence[ImportedCooperation],
    audits: Sequence[dict[str, Any]],
    principal: str,
    role: str,
) -> int:
    """One batch of new cooperations with their audit records, skipping those written before."""
    if not cooperations:
        return 0
    revision = await stamp(tx)
    rows = [{**_cooperation_row(c), "audit": audit} for c, audit in zip(cooperations, audits, strict=True)]
    [result] = await tx.run(CREATE_COOPERATIONS, rows=rows, principal=principal, role=role, revision=revision)
    return int(result["created"])


@dataclass(frozen=True)
class ImportedPerson:
    """A contact person of an import: what :func:`graph.persons.create` takes."""

    id: str
    actor_id: str
    props: dict[str, Any]


async def create_persons(
    tx: Transaction, persons: Sequence[ImportedPerson], audits: Sequence[dict[str, Any]], principal: str, role: str
) -> int:
    """Contact persons with their audit records (one per person, in order), skipping those written
    before; how many it wrote. In the transaction of the rows they belong to."""
    if not persons:
        return 0
    revision = await stamp(tx)
    rows = [
        {"id": p.id, "actor": p.actor_id, "props": p.props, "audit": audit}
        for p, audit in zip(persons, audits, strict=True)
    ]
    [result] = await tx.run(CREATE_PERSONS, rows=rows, principal=principal, role=role, revision=revision)
    return int(result["created"])


async def claim(tx: Transaction, key: str, principal: str, file: str) -> dict[str, Any] | None:
    """Begin the import under ``key`` (or find it begun); the result if it was applied before.
    The MERGE on the unique key makes a concurrent second apply wait for the first's transaction."""
    rows = await tx.run(CLAIM, key=key, principal=principal, file=file)
    if rows[0]["status"] != "applied":
        return None
    result: dict[str, Any] = json.loads(rows[0]["result"])
    return result


# An import job's status as every instance reads it (written per batch, not per row); statuses not
# touched for a day are dropped when a new job starts.
SAVE_JOB: Final[LiteralString] = "MERGE (j:ImportJobStatus {id: $id}) SET j += $props, j.updatedAt = datetime()"
STORED_JOB: Final[LiteralString] = """
MATCH (j:ImportJobStatus {id: $id, principal: $principal})
WHERE j.updatedAt > datetime() - duration({hours: 24})
RETURN j {.*, updatedAt: null} AS j, j.updatedAt < datetime() - duration({seconds: $silent}) AS silent
"""
DROP_OLD_JOBS: Final[LiteralString] = """
MATCH (j:ImportJobStatus) WHERE j.updatedAt < datetime() - duration({hours: 24})
WITH j LIMIT 1000
DELETE j
"""


async def save_job(tx: Transaction, job_id: str, props: dict[str, Any], *, tidy: bool = False) -> None:
    """Write a job's status (``props``: plain values and JSON text); ``tidy`` also drops old ones."""
    if tidy:
        await tx.run(DROP_OLD_JOBS)
    await tx.run(SAVE_JOB, id=job_id, props=props)


async def stored_job(db: Runner, job_id: str, principal: str) -> dict[str, Any] | None:
    """A job's status as saved by whichever instance runs it; only for the principal that started it.
    ``silent``: nothing was saved for longer than a lease holds (an apply saves after every batch)."""
    rows = await db.run(STORED_JOB, id=job_id, principal=principal, silent=LEASE_SECONDS)
    return {**rows[0]["j"], "silent": bool(rows[0]["silent"])} if rows else None


# How long a lease holds without being extended: far longer than one batch takes on a busy machine,
# short enough that a crashed apply's key is free again soon.
LEASE_SECONDS: Final = 600


async def lease(tx: Transaction, key: str, owner: str, seconds: int = LEASE_SECONDS) -> bool:
    """Take (or extend) the lease on ``key`` for ``owner``; False if another live owner holds it."""
    rows = await tx.run(LEASE, key=key, owner=owner, seconds=seconds)
    return bool(rows[0]["mine"])


async def release(tx: Transaction, key: str, owner: str) -> None:
    await tx.run(RELEASE, key=key, owner=owner)


async def settle(tx: Transaction, key: str, result: dict[str, Any]) -> None:
    await tx.run(SETTLE, key=key, result=json.dumps(result, sort_keys=True))
