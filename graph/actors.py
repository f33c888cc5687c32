"""Actors (institutions, initiatives, companies, housing associations) and their quarters.

Reads return :class:`ActorRecord`; writes are functions over a :class:`graph.db.Transaction`
so a mutation can combine several of them in one transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final, LiteralString, cast

from graph import audit, quarters
from graph.convert import date_or_none, datetime_or_none
from graph.criteria import ActorCriteria
from graph.db import Database, Runner, Transaction
from graph.filters import Compiler
from graph.names import name_key, search_key, sort_key
from graph.pagination import Page, SortField, order_by_keys, seek_keys
from graph.patch import KEEP, Change, changes
from graph.projects import QuarterState

# The columns of an actor a read may leave out when the answer does not need them (id, name and
# type are always read), each with its entries of the projection over ``{v}``.
_COLUMNS: Final[dict[str, str]] = {
    "altNames": ".altNames",
    "description": ".description",
    "address": ".street, .postalCode, .city",
    "website": ".website",
    "tags": ".tags",
    "synthetic": ".synthetic",
    "archived": ".archived, archivedAt: {v}.archivedAt.epochMillis",
    "version": ".version",
    "sources": ".sources",
    "times": "createdAt: {v}.createdAt.epochMillis, updatedAt: {v}.updatedAt.epochMillis",
    "typeFields": ".institutionKind, .legalForm, .sector, .socialEnterprise, .ownership",
    "location": "lat: {v}.location.latitude, lon: {v}.location.longitude",
    "actionFields": "actionFields: [({v})-[:WORKS_ON]->(f:ActionField) | f.key]",
}
ALL_COLUMNS: Final[frozenset[str]] = frozenset(_COLUMNS)


def projection(v: str, columns: frozenset[str] = ALL_COLUMNS) -> LiteralString:
    """The actor projection over variable ``v`` (a name chosen by code, never by input), of the
    given columns (names from :data:`_COLUMNS`, never from input)."""
    entries = [".id, .name, .type", *(_COLUMNS[c] for c in sorted(columns & ALL_COLUMNS))]
    return cast(LiteralString, f"{v} {{{', '.join(entries)}}}".replace("{v}", v))


@dataclass(frozen=True)
class ActorRecord:
    id: str
    type: str
    name: str
    alt_names: tuple[str, ...]
    description: str | None
    street: str | None
    postal_code: str | None
    city: str | None
    location: tuple[float, float] | None
    website: str | None
    tags: tuple[str, ...]
    action_fields: tuple[str, ...]
    sources: tuple[str, ...]
    synthetic: bool
    archived: bool
    archived_at: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int
    institution_kind: str | None
    legal_form: str | None
    sector: str | None
    social_enterprise: bool | None
    ownership: str | None
    # Which columns were read (see _COLUMNS); the others hold empty values and must not be shown.
    # Only a record of all columns is shared with other readers (the request's actor cache).
    columns: frozenset[str] = ALL_COLUMNS

    @property
    def complete(self) -> bool:
        return self.columns == ALL_COLUMNS


@dataclass(frozen=True)
class MembershipRecord:
    """An actor's activity in a quarter: plain membership, QM Träger, or housing owner."""

    actor_id: str
    quarter_id: str
    role: str
    since: dt.date | None
    until: dt.date | None
    flats: int | None
    share_note: str | None
    note: str | None
    sources: tuple[str, ...]


@dataclass(frozen=True)
class QuarterTie:
    """A membership as access control sees it: the membership, and the state of its quarter."""

    actor_id: str
    quarter: str  # the quarter's slug
    role: str
    since: dt.date | None
    until: dt.date | None
    flats: int | None
    share_note: str | None
    note: str | None
    sources: tuple[str, ...]
    quarter_status: str  # active | ended | merged
    quarter_end: dt.date | None

    def content(self) -> tuple[Any, ...]:
        """What a client sends of a membership (all but ``share_note``): equal means unchanged."""
        return (self.quarter, self.role, self.since, self.until, self.flats, self.note, self.sources)


# What a record of fewer columns holds for the times it did not read.
_UNREAD_TIME: Final = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def record(a: dict[str, Any], columns: frozenset[str] = ALL_COLUMNS) -> ActorRecord:
    if not columns:  # id, name and type alone: a page of partners' names (issue 16, W1)
        return _bare(a["id"], a["type"], a["name"])
    return _read(a, columns)


def _read(a: dict[str, Any], columns: frozenset[str]) -> ActorRecord:
    created = datetime_or_none(a.get("createdAt"))
    if created is None:
        assert "times" not in columns, "every actor has createdAt"
        created = _UNREAD_TIME
    return ActorRecord(
        id=a["id"],
        type=a["type"],
        name=a["name"],
        alt_names=tuple(a.get("altNames") or ()),
        description=a.get("description"),
        street=a.get("street"),
        postal_code=a.get("postalCode"),
        city=a.get("city"),
        location=(a["lat"], a["lon"]) if a.get("lat") is not None else None,
        website=a.get("website"),
        tags=tuple(a.get("tags") or ()),
        action_fields=tuple(sorted(a.get("actionFields") or ())),
        sources=tuple(a.get("sources") or ()),
        synthetic=bool(a.get("synthetic")),
        archived=bool(a.get("archived")),
        archived_at=datetime_or_none(a.get("archivedAt")),
        created_at=created,
        updated_at=datetime_or_none(a.get("updatedAt")) or created,
        version=int(a.get("version") or 1),
        institution_kind=a.get("institutionKind"),
        legal_form=a.get("legalForm"),
        sector=a.get("sector"),
        social_enterprise=a.get("socialEnterprise"),
        ownership=a.get("ownership"),
        columns=columns,
    )


# A record of no optional column, as _read builds it, with its id, type and name left to fill in.
_BARE: Final[dict[str, Any]] = dict(vars(_read({"id": "", "type": "", "name": ""}, frozenset())))


def _bare(actor_id: str, actor_type: str, name: str) -> ActorRecord:
    """The record _read builds from id, type and name alone, made without the frozen dataclass's
    ``__init__`` (which sets its 26 fields one ``object.__setattr__`` at a time: a third of a
    partner's cost in a page of 50 actors with 10 partners each). It holds the same values, so it
    compares, hashes and prints as that record does."""
    found = object.__new__(ActorRecord)
    found.__dict__.update(_BARE, id=actor_id, type=actor_type, name=name)
    return found


# ---- reads -------------------------------------------------------------------------------

# Actors by id, archived ones included (a direct lookup always finds what exists).
BY_IDS: Final[LiteralString] = "MATCH (a:Actor) WHERE a.id IN $ids RETURN " + projection("a") + " AS a"

# Where merged-away duplicates went: old id → survivor id.
MERGED_INTO: Final[LiteralString] = """
MATCH (m:MergedActor) WHERE m.id IN $ids RETURN m.id AS id, m.mergedInto AS survivor
"""

# Memberships of many actors at once, with the quarter's id.
MEMBERSHIPS: Final[LiteralString] = """
UNWIND $ids AS id
MATCH (a:Actor {id: id})-[m:ACTIVE_IN]->(q:Quarter)
RETURN id, q.id AS quarter, m {.role, .flats, .shareNote, .note, .sources,
                                since: toString(m.since), until: toString(m.until)} AS m
ORDER BY q.sortName, m.role
"""

# The same, with each quarter itself: an actor's quarters in one round trip instead of two.
MEMBERSHIPS_AND_QUARTERS: Final[LiteralString] = (
    """
UNWIND $ids AS id
MATCH (a:Actor {id: id})-[m:ACTIVE_IN]->(q:Quarter)
RETURN id, q.id AS quarter, m {.role, .flats, .shareNote, .note, .sources,
                                since: toString(m.since), until: toString(m.until)} AS m,
       """
    + quarters.PROJECTION_EXPRESSION
    + """ AS q
ORDER BY q.sortName, m.role
"""
)

# Every membership of many actors with its quarter's slug, status and end date: what access
# control needs (it decides which memberships are current and which quarters have ended).
QUARTER_TIES: Final[LiteralString] = """
UNWIND $ids AS id
MATCH (a:Actor {id: id})-[m:ACTIVE_IN]->(q:Quarter)
RETURN id, m {.role, .flats, .shareNote, .note, .sources, since: toString(m.since), until: toString(m.until),
              quarter: q.slug, status: q.status, end: toString(q.endDate)} AS m
ORDER BY q.slug, m.role
"""

# Number of cooperations of many actors at once (with non-archived partners).
COOPERATION_COUNTS: Final[LiteralString] = """
UNWIND $ids AS id
MATCH (a:Actor {id: id})
RETURN id, COUNT { (a)-[:COOPERATES_WITH]-(b:Actor) WHERE b.archived = false } AS cooperations,
       COUNT { MATCH (a)-[:COOPERATES_WITH]-(b:Actor) WHERE b.archived = false RETURN DISTINCT b } AS partners
"""

# The documented organisations of many quarters at once (QM Träger, housing owners).
KEY_ORGANISATIONS: Final[LiteralString] = (
    """
UNWIND $ids AS id
MATCH (a:Actor)-[m:ACTIVE_IN]->(q:Quarter {id: id})
WHERE m.role <> 'member' AND a.archived = false
RETURN id, """
    + projection("a")
    + """ AS a,
       m {.role, .flats, .shareNote, .note, .sources, since: toString(m.since), until: toString(m.until)} AS m
ORDER BY m.role DESC, a.sortName
"""
)

ACTOR_SORT: Final[dict[str, LiteralString]] = {
    "NAME": "{v}.sortName",
    "CREATED_AT": "{v}.createdAt.epochSeconds * 1000000000 + {v}.createdAt.nanosecond",
    "UPDATED_AT": "{v}.updatedAt.epochSeconds * 1000000000 + {v}.updatedAt.nanosecond",
    "COOPERATION_COUNT": "COUNT {{ ({v})-[:COOPERATES_WITH]-(cnt:Actor) WHERE cnt.archived = false }}",
}


def sort_field(name: str, descending: bool) -> SortField:
    return SortField(name, ACTOR_SORT[name], descending)


@dataclass(frozen=True)
class ActorPage:
    total: int
    rows: list[tuple[ActorRecord, list[Any]]]  # each record with its sort values (for cursors)
    has_more: bool


async def by_ids(db: Runner, ids: Sequence[str]) -> dict[str, ActorRecord]:
    return {r.id: r for r in (record(row["a"]) for row in await db.run(BY_IDS, ids=list(ids)))}


async def one(db: Runner, actor_id: str) -> ActorRecord | None:
    """One actor, or None; inside a write transaction, as that transaction has changed it."""
    return (await by_ids(db, [actor_id])).get(actor_id)


async def merged_into(db: Database, ids: Sequence[str]) -> dict[str, str]:
    return {row["id"]: row["survivor"] for row in await db.read(MERGED_INTO, ids=list(ids))}


async def memberships(db: Runner, ids: Sequence[str]) -> dict[str, list[MembershipRecord]]:
    found: dict[str, list[MembershipRecord]] = {i: [] for i in ids}
    for row in await db.run(MEMBERSHIPS, ids=list(ids)):
        found[row["id"]].append(membership(row["id"], row["quarter"], row["m"]))
    return found


async def memberships_and_quarters(
    db: Runner, ids: Sequence[str]
) -> tuple[dict[str, list[MembershipRecord]], dict[str, quarters.QuarterRecord]]:
    """The memberships of many actors, and the quarters they name (by id)."""
    found: dict[str, list[MembershipRecord]] = {i: [] for i in ids}
    named: dict[str, quarters.QuarterRecord] = {}
    for row in await db.run(MEMBERSHIPS_AND_QUARTERS, ids=list(ids)):
        found[row["id"]].append(membership(row["id"], row["quarter"], row["m"]))
        if row["quarter"] not in named:
            named[row["quarter"]] = quarters.record(row["q"])
    return found, named


def ties_from(ids: Sequence[str], rows: list[Any]) -> dict[str, list[QuarterTie]]:
    """Quarter ties from rows of ``id`` and ``m`` as :data:`QUARTER_TIES` returns them."""
    found: dict[str, list[QuarterTie]] = {i: [] for i in ids}
    for row in rows:
        m = row["m"]
        found[row["id"]].append(
            QuarterTie(
                actor_id=row["id"],
                quarter=m["quarter"],
                role=m.get("role") or "member",
                since=date_or_none(m.get("since")),
                until=date_or_none(m.get("until")),
                flats=m.get("flats"),
                share_note=m.get("shareNote"),
                note=m.get("note"),
                sources=tuple(m.get("sources") or ()),
                quarter_status=m.get("status") or "active",
                quarter_end=date_or_none(m.get("end")),
            )
        )
    return found


async def quarter_ties(db: Runner, ids: Sequence[str]) -> dict[str, list[QuarterTie]]:
    """The memberships of many actors with their quarters' state, for access decisions (in a write
    transaction, permission checks see the transaction's own state)."""
    return ties_from(ids, await db.run(QUARTER_TIES, ids=list(ids)))


def membership(actor_id: str, quarter_id: str, m: dict[str, Any]) -> MembershipRecord:
    return MembershipRecord(
        actor_id=actor_id,
        quarter_id=quarter_id,
        role=m.get("role") or "member",
        since=date_or_none(m.get("since")),
        until=date_or_none(m.get("until")),
        flats=m.get("flats"),
        share_note=m.get("shareNote"),
        note=m.get("note"),
        sources=tuple(m.get("sources") or ()),
    )


async def key_organisations(
    db: Database, quarter_ids: Sequence[str]
) -> dict[str, list[tuple[ActorRecord, MembershipRecord]]]:
    found: dict[str, list[tuple[ActorRecord, MembershipRecord]]] = {i: [] for i in quarter_ids}
    for row in await db.read(KEY_ORGANISATIONS, ids=list(quarter_ids)):
        actor = record(row["a"])
        found[row["id"]].append((actor, membership(actor.id, row["id"], row["m"])))
    return found


async def cooperation_counts(db: Database, ids: Sequence[str]) -> dict[str, tuple[int, int]]:
    rows = await db.read(COOPERATION_COUNTS, ids=list(ids))
    return {row["id"]: (row["cooperations"], row["partners"]) for row in rows}


def page_query(
    criteria: ActorCriteria, page: Page, columns: frozenset[str] = ALL_COLUMNS, total: bool = True
) -> tuple[LiteralString, dict[str, Any]]:
    """The Cypher (and parameters) of :func:`page`, for benchmarks that time it alone.

    One pass: the matching actors with their sort keys, ordered and collected (their number
    is the total), then the page after the cursor, projected.
    """
    compiler = Compiler()
    match = compiler.actor_match(criteria, "a")
    where = compiler.actor_matched(criteria, "a")
    keys = ", ".join(f.expression.format(v="a") for f in page.sort)
    by_key = [f"k[{i}]" for i in range(len(page.sort))]
    project = f"RETURN collect({{a: {projection('a', columns)}, k: k}}) AS rows"
    if not total:
        # No total asked for: the page straight after the cursor, the sort's top k, nothing collected.
        after = seek_keys(page, by_key, "a.id", compiler)
        query = cast(
            LiteralString,
            f"{match} WHERE {where} "
            f"WITH a, [{keys}] AS k WHERE {after} ORDER BY {order_by_keys(page.sort, by_key, 'a.id')} LIMIT $limit "
            f"{project.replace('RETURN', 'WITH', 1)} RETURN -1 AS total, rows",
        )
        return query, {"limit": page.first + 1, **compiler.params}
    after = seek_keys(page, [f"x.k[{i}]" for i in range(len(page.sort))], "x.a.id", compiler)
    query = cast(
        LiteralString,
        f"{match} WHERE {where} "
        f"WITH a, [{keys}] AS k ORDER BY {order_by_keys(page.sort, by_key, 'a.id')} "
        "WITH collect({a: a, k: k}) AS matched "
        f"WITH size(matched) AS total, [x IN matched WHERE {after}][..$limit] AS page "
        "CALL (page) { UNWIND page AS x WITH x.a AS a, x.k AS k "
        f"{project} }} "
        "RETURN total, rows",
    )
    return query, {"limit": page.first + 1, **compiler.params}


async def page(
    db: Database, criteria: ActorCriteria, page: Page, columns: frozenset[str] = ALL_COLUMNS, total: bool = True
) -> ActorPage:
    """One page of actors matching ``criteria`` in one query, with the total count unless
    ``total`` is false (then ``total`` is -1), each actor of the given columns."""
    query, params = page_query(criteria, page, columns, total)
    [row] = await db.read(query, **params)
    rows = [(record(r["a"], columns), r["k"]) for r in row["rows"]]
    return ActorPage(total=row["total"], rows=rows[: page.first], has_more=len(rows) > page.first)


async def count(db: Database, criteria: ActorCriteria) -> int:
    compiler = Compiler()
    where = compiler.actor(criteria, "a")
    query = cast(LiteralString, f"MATCH (a:Actor) WHERE {where} RETURN count(a) AS total")
    [row] = await db.read(query, **compiler.params)
    return int(row["total"])


# Actors per type matching a filter (a quarter's composition).
async def count_by_type(db: Database, criteria: ActorCriteria) -> dict[str, int]:
    compiler = Compiler()
    where = compiler.actor(criteria, "a")
    query = cast(
        LiteralString,
        f"MATCH (a:Actor) WHERE {where} RETURN a.type AS type, count(a) AS n",
    )
    return {row["type"]: row["n"] for row in await db.read(query, **compiler.params)}


# ---- writes ------------------------------------------------------------------------------

# Existence and version of actors, inside a write transaction.
VERSIONS: Final[LiteralString] = """
UNWIND $ids AS id
MATCH (a:Actor {id: id}) RETURN a.id AS id, a.version AS version, a.archived AS archived
"""

# Lock an actor and bump its version; returns the version it had (lost-update safe: a SET
# that reads the property it writes takes the write lock before reading).
BUMP: Final[LiteralString] = """
MATCH (a:Actor {id: $id})
SET a.version = a.version + 1, a.updatedAt = datetime()
RETURN a.version - 1 AS previous
"""

# Give actor `a` the label of its `type` property (labels cannot be parameters; these four are
# the allow-list). Every statement that creates actors uses it.
TYPE_LABELS: Final[LiteralString] = """
FOREACH (_ IN CASE WHEN a.type = 'Institution' THEN [1] ELSE [] END | SET a:Institution)
FOREACH (_ IN CASE WHEN a.type = 'Initiative' THEN [1] ELSE [] END | SET a:Initiative)
FOREACH (_ IN CASE WHEN a.type = 'Company' THEN [1] ELSE [] END | SET a:Company)
FOREACH (_ IN CASE WHEN a.type = 'HousingAssociation' THEN [1] ELSE [] END | SET a:HousingAssociation)
"""

# A new actor `a` with its action fields and quarter memberships (no old ties to replace, so none
# of SET_ACTION_FIELDS' and SET_MEMBERSHIPS' deletes): the clauses CREATE and CREATE_RECORDED share.
_CREATE_CLAUSES: Final[LiteralString] = (
    """
CREATE (a:Actor {id: $id})
SET a += $props,
    a.location = CASE WHEN $lat IS NULL THEN null ELSE point({latitude: $lat, longitude: $lon}) END,
    a.createdAt = datetime(), a.updatedAt = a.createdAt, a.version = 1, a.archived = false
SET a.type = $type
"""
    + TYPE_LABELS
    + """
WITH a
CALL (a) { UNWIND $keys AS key MATCH (f:ActionField {key: key}) MERGE (a)-[:WORKS_ON]->(f) }
CALL (a) {
  UNWIND $rows AS row
  MATCH (q:Quarter) WHERE q.slug = row.quarter OR q.id = row.quarter
  CREATE (a)-[m:ACTIVE_IN]->(q)
  SET m += row.props
}
"""
)
# A new actor with its action fields and memberships, in one statement, returned as written.
CREATE: Final[LiteralString] = _CREATE_CLAUSES + "RETURN " + projection("a") + " AS a"

# CREATE, unless live actors already have the name as people see it ($dupKey; null: no check,
# as NAME_KEYS would find them): those actors' ids, and the new actor only if there were none.
CREATE_UNLESS_NAMED: Final[LiteralString] = (
    """
WITH COLLECT { MATCH (d:Actor) WHERE d.nameKey = $dupKey AND d.archived = false
               RETURN d.id AS id ORDER BY d.sortName LIMIT 10 } AS same
OPTIONAL CALL (same) { WITH * WHERE size(same) = 0
"""
    + CREATE
    + """}
RETURN same, a
"""
)

# createActor's one statement: CREATE_UNLESS_NAMED with the audit record and the revision bump
# (graph/audit.py's RECORD_CALL) inside the create, and the state of the quarters asked for
# ($slugs), read for the placement check decided in Python from what this returns (a refusal
# rolls the whole statement back). A duplicate name writes nothing: no actor, record or revision.
CREATE_RECORDED: Final[LiteralString] = (
    """
WITH COLLECT { MATCH (d:Actor) WHERE d.nameKey = $dupKey AND d.archived = false
               RETURN d.id AS id ORDER BY d.sortName LIMIT 10 } AS same,
     COLLECT { MATCH (q:Quarter) WHERE q.slug IN $slugs
               RETURN q {.slug, .status, end: toString(q.endDate)} } AS quarters
OPTIONAL CALL (same) { WITH * WHERE size(same) = 0
"""
    + _CREATE_CLAUSES
    + audit.RECORD_CALL
    + "RETURN "
    + projection("a")
    + """ AS a, revision
}
RETURN same, quarters, a, revision
"""
)

# Overwrite the given properties (null removes one); location only when asked.
UPDATE: Final[LiteralString] = """
MATCH (a:Actor {id: $id})
SET a += $props
FOREACH (_ IN CASE WHEN $setLocation THEN [1] ELSE [] END |
  SET a.location = CASE WHEN $lat IS NULL THEN null ELSE point({latitude: $lat, longitude: $lon}) END)
"""

# Replace an actor's action fields.
SET_ACTION_FIELDS: Final[LiteralString] = """
MATCH (a:Actor {id: $id})
OPTIONAL MATCH (a)-[old:WORKS_ON]->()
DELETE old
WITH DISTINCT a
UNWIND $keys AS key
MATCH (f:ActionField {key: key})
MERGE (a)-[:WORKS_ON]->(f)
"""

# Replace an actor's quarter memberships; each row names its quarter by slug or by id.
SET_MEMBERSHIPS: Final[LiteralString] = """
MATCH (a:Actor {id: $id})
OPTIONAL MATCH (a)-[old:ACTIVE_IN]->()
DELETE old
WITH DISTINCT a
UNWIND $rows AS row
MATCH (q:Quarter) WHERE q.slug = row.quarter OR q.id = row.quarter
CREATE (a)-[m:ACTIVE_IN]->(q)
SET m += row.props
"""

SET_ARCHIVED: Final[LiteralString] = """
MATCH (a:Actor {id: $id})
SET a.archived = $archived, a.archivedAt = CASE WHEN $archived THEN datetime() ELSE null END
"""


# Live actors with the same name as people see it (the duplicate check; `nameKey` is indexed).
NAME_KEYS: Final[LiteralString] = """
MATCH (a:Actor) WHERE a.nameKey = $key AND a.archived = false AND NOT a.id IN $exclude
RETURN a.id AS id ORDER BY a.sortName LIMIT 10
"""


# Lock actors (in id order, so concurrent writers cannot deadlock) without changing them: two
# clients adding the same cooperation at once are serialised, and the second sees the first.
LOCK: Final[LiteralString] = """
UNWIND $ids AS id
MATCH (a:Actor {id: id})
SET a._lock = true
REMOVE a._lock
RETURN a.id AS id, a.archived AS archived
"""


async def lock(tx: Transaction, ids: Sequence[str]) -> dict[str, bool]:
    """Lock the actors that exist; their ids with whether each is archived."""
    return {row["id"]: row["archived"] for row in await tx.run(LOCK, ids=sorted(ids))}


async def versions(tx: Transaction, ids: Sequence[str]) -> dict[str, tuple[int, bool]]:
    rows = await tx.run(VERSIONS, ids=list(ids))
    return {row["id"]: (row["version"], row["archived"]) for row in rows}


async def bump(tx: Transaction, actor_id: str) -> int | None:
    """Lock the actor, increment its version; the previous version, or None if missing."""
    rows = await tx.run(BUMP, id=actor_id)
    return rows[0]["previous"] if rows else None


@dataclass(frozen=True)
class Names:
    """An actor's name and other names; the keys that search, duplicate checks and sorting use
    are derived from them here (:mod:`graph.names`)."""

    name: str
    alternatives: tuple[str, ...] = ()

    def props(self) -> dict[str, Any]:
        alts = [n for n in dict.fromkeys(self.alternatives) if n and n != self.name]
        return {
            "name": self.name,
            "altNames": alts,
            "searchKey": search_key([self.name, *alts]),
            "nameKey": name_key(self.name),
            "sortName": sort_key(self.name),
        }


@dataclass(frozen=True)
class Address:
    street: str | None = None
    postal_code: str | None = None
    city: str | None = None


def _address(address: Address | None) -> dict[str, Any]:
    a = address or Address()
    return {"street": a.street, "postalCode": a.postal_code, "city": a.city}


@dataclass(frozen=True)
class TypeFields:
    """The fields that belong to one actor type each (None where they do not apply)."""

    institution_kind: str | None = None  # Institution
    legal_form: str | None = None  # Initiative
    sector: str | None = None  # Company
    social_enterprise: bool | None = None  # Company
    ownership: str | None = None  # HousingAssociation


# Each type field, the actor type it belongs to, and its property.
TYPE_FIELDS: Final[dict[str, tuple[str, str]]] = {
    "institution_kind": ("Institution", "institutionKind"),
    "legal_form": ("Initiative", "legalForm"),
    "sector": ("Company", "sector"),
    "social_enterprise": ("Company", "socialEnterprise"),
    "ownership": ("HousingAssociation", "ownership"),
}


@dataclass(frozen=True)
class NewActor:
    type: str
    names: Names
    description: str | None = None
    address: Address | None = None
    location: tuple[float, float] | None = None
    website: str | None = None
    tags: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    synthetic: bool = False
    type_fields: TypeFields = TypeFields()


@dataclass(frozen=True)
class ActorPatch:
    """What an update changes; fields left at KEEP stay as they are, None clears."""

    names: Change[Names] = KEEP
    description: Change[str | None] = KEEP
    address: Change[Address | None] = KEEP
    location: Change[tuple[float, float] | None] = KEEP
    website: Change[str | None] = KEEP
    tags: Change[tuple[str, ...]] = KEEP
    sources: Change[tuple[str, ...]] = KEEP
    institution_kind: Change[str | None] = KEEP
    legal_form: Change[str | None] = KEEP
    sector: Change[str | None] = KEEP
    social_enterprise: Change[bool | None] = KEEP
    ownership: Change[str | None] = KEEP

    def props(self) -> dict[str, Any]:
        props: dict[str, Any] = {}
        if changes(self.names):
            props.update(self.names.props())
        for field, prop in (
            ("description", "description"),
            ("website", "website"),
            ("tags", "tags"),
            ("sources", "sources"),
        ):
            value = getattr(self, field)
            if changes(value):
                props[prop] = list(value) if isinstance(value, tuple) else value
        if changes(self.address):
            props.update(_address(self.address))
        for field, (_, prop) in TYPE_FIELDS.items():
            value = getattr(self, field)
            if changes(value):
                props[prop] = value
        return props


@dataclass(frozen=True)
class NewMembership:
    """An actor's membership in a quarter as a write sets it."""

    quarter: str  # slug (or id)
    role: str = "member"
    since: dt.date | None = None
    until: dt.date | None = None
    flats: int | None = None
    note: str | None = None
    sources: tuple[str, ...] = ()
    share_note: str | None = None


@dataclass(frozen=True)
class Created:
    """What createActor's one statement did: the new actor (None: refused as a duplicate, nothing
    written), the live actors with the same name, and the state of the quarters asked for."""

    actor: ActorRecord | None
    same: list[str]
    quarters: dict[str, QuarterState]


async def create_recorded(
    tx: Transaction,
    actor_id: str,
    actor: NewActor,
    action_fields: Sequence[str],
    memberships: Sequence[NewMembership],
    name_key: str | None,
    audit_record: dict[str, Any],
) -> Created:
    """CREATE_UNLESS_NAMED with its audit record (``audit_record``: graph.audit.param)
    and the revision in the same statement, and the state of the memberships' quarters read with
    it (for a placement check; refusing then means rolling the transaction back). One round trip."""
    lat, lon = actor.location if actor.location else (None, None)
    [row] = await tx.run(
        CREATE_RECORDED,
        dupKey=name_key,
        slugs=list(dict.fromkeys(m.quarter for m in memberships)),
        id=actor_id,
        type=actor.type,
        props=_new_props(actor),
        lat=lat,
        lon=lon,
        keys=list(action_fields),
        rows=membership_rows(memberships),
        audit=audit_record,
    )
    if row["revision"] is not None:
        audit.stamped(tx, row["revision"])
    states = {
        q["slug"]: QuarterState(q["slug"], q["status"] or "active", date_or_none(q["end"])) for q in row["quarters"]
    }
    return Created(record(row["a"]) if row["a"] is not None else None, list(row["same"]), states)


def new_snapshot(actor: NewActor, action_fields: Sequence[str]) -> dict[str, Any]:
    """:func:`snapshot` of the actor :data:`CREATE` makes of ``actor`` (``action_fields``: known
    keys), known before it exists, so that its audit record can be part of the creating statement."""
    props = _new_props(actor)
    return {
        "type": actor.type,
        "name": props["name"],
        "alternativeNames": props["altNames"],
        "description": props["description"],
        "street": props["street"],
        "postalCode": props["postalCode"],
        "city": props["city"],
        "location": [float(actor.location[0]), float(actor.location[1])] if actor.location else None,
        "website": props["website"],
        "tags": props["tags"],
        "sources": props["sources"],
        "actionFields": sorted(set(action_fields)),
        "archived": False,
        **{prop: props[prop] for _, prop in TYPE_FIELDS.values()},
        "synthetic": bool(actor.synthetic),
    }


def _new_props(actor: NewActor) -> dict[str, Any]:
    t = actor.type_fields
    return {
        **actor.names.props(),
        "description": actor.description,
        **_address(actor.address),
        "website": actor.website,
        "tags": list(actor.tags),
        "sources": list(actor.sources),
        "synthetic": actor.synthetic,
        **{prop: getattr(t, field) for field, (_, prop) in TYPE_FIELDS.items()},
    }


async def update(tx: Transaction, actor_id: str, patch: ActorPatch) -> None:
    location = patch.location if changes(patch.location) else None
    await set_props(tx, actor_id, patch.props(), location, set_location=changes(patch.location))


async def set_props(
    tx: Transaction, actor_id: str, props: dict[str, Any], location: tuple[float, float] | None, set_location: bool
) -> None:
    """Overwrite raw properties (for graph/ itself: merging carries a duplicate's over)."""
    lat, lon = location if location else (None, None)
    await tx.run(UPDATE, id=actor_id, props=props, setLocation=set_location, lat=lat, lon=lon)


async def set_action_fields(tx: Transaction, actor_id: str, keys: Sequence[str]) -> None:
    await tx.run(SET_ACTION_FIELDS, id=actor_id, keys=list(keys))


async def set_memberships(tx: Transaction, actor_id: str, memberships: Sequence[NewMembership]) -> None:
    """Replace the actor's memberships."""
    await set_membership_rows(tx, actor_id, membership_rows(memberships))


def membership_rows(memberships: Sequence[NewMembership]) -> list[dict[str, Any]]:
    """Memberships as the write statements take them: ``{"quarter": slug or id, "props": {...}}``."""
    rows = []
    for m in memberships:
        props = {
            "role": m.role,
            "since": m.since,
            "until": m.until,
            "flats": m.flats,
            "note": m.note,
            "sources": list(m.sources),
        }
        if m.share_note is not None:
            props["shareNote"] = m.share_note
        rows.append({"quarter": m.quarter, "props": props})
    return rows


async def set_membership_rows(tx: Transaction, actor_id: str, rows: list[dict[str, Any]]) -> None:
    """Replace memberships from raw rows ``{"quarter": slug or id, "props": {...}}`` (for graph/
    itself: merging unites two actors' memberships)."""
    await tx.run(SET_MEMBERSHIPS, id=actor_id, rows=rows)


async def set_archived(tx: Transaction, actor_id: str, archived: bool) -> None:
    await tx.run(SET_ARCHIVED, id=actor_id, archived=archived)


def snapshot(r: ActorRecord) -> dict[str, Any]:
    """What the audit trail keeps of an actor: its user-visible fields."""
    return {
        "type": r.type,
        "name": r.name,
        "alternativeNames": list(r.alt_names),
        "description": r.description,
        "street": r.street,
        "postalCode": r.postal_code,
        "city": r.city,
        "location": list(r.location) if r.location else None,
        "website": r.website,
        "tags": list(r.tags),
        "sources": list(r.sources),
        "actionFields": list(r.action_fields),
        "archived": r.archived,
        "institutionKind": r.institution_kind,
        "legalForm": r.legal_form,
        "sector": r.sector,
        "socialEnterprise": r.social_enterprise,
        "ownership": r.ownership,
        "synthetic": r.synthetic,
    }


def diff(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the fields that changed, as (before, after)."""
    changed = [k for k in sorted(set(before) | set(after)) if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in changed}, {k: after.get(k) for k in changed}


async def same_name(tx: Transaction, name_key: str, exclude: Sequence[str] = ()) -> list[str]:
    """Ids of live actors whose name is the same as people see it ("KITA Sonnenschein")."""
    return [row["id"] for row in await tx.run(NAME_KEYS, key=name_key, exclude=list(exclude))]
