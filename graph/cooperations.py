"""Cooperations: symmetric ties between two actors, stored once as ``COOPERATES_WITH``.

The stored direction carries no meaning; every read matches undirected, and a new
cooperation is refused when one of the same kind already covers the same time between
the same two actors, in either direction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final, LiteralString, cast

from graph import audit
from graph.actors import ALL_COLUMNS, ActorRecord, QuarterTie, projection, ties_from
from graph.actors import record as actor_record
from graph.convert import date_or_none, datetime_or_none
from graph.criteria import CooperationCriteria
from graph.db import Database, Runner, Transaction
from graph.filters import Compiler
from graph.pagination import Page, SortField, key_expressions, order_by, order_by_keys, seek, seek_keys
from graph.patch import KEEP, Change, changes

# A cooperation as every read returns it, with the ids of its two actors.
_PROJECTION = """{v} {{.id, .kind, .actionFields, .intensity, .description, .source, .synthetic, .version,
  since: toString({v}.since), until: toString({v}.until),
  createdAt: {v}.createdAt.epochMillis, updatedAt: {v}.updatedAt.epochMillis,
  a: startNode({v}).id, b: endNode({v}).id}}"""


def projection_of(v: str) -> LiteralString:
    return cast(LiteralString, _PROJECTION.format(v=v))


@dataclass(frozen=True)
class CooperationRecord:
    id: str
    a_id: str
    b_id: str
    kind: str
    action_fields: tuple[str, ...]
    since: dt.date | None
    until: dt.date | None
    intensity: int | None
    description: str | None
    source: str | None
    synthetic: bool
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int

    def other(self, actor_id: str) -> str:
        return self.b_id if actor_id == self.a_id else self.a_id

    def snapshot(self) -> dict[str, Any]:
        """What the audit trail keeps of a cooperation."""
        return {
            "actors": sorted([self.a_id, self.b_id]),
            "kind": self.kind,
            "actionFields": list(self.action_fields),
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None,
            "intensity": self.intensity,
            "description": self.description,
            "source": self.source,
            "synthetic": self.synthetic,
        }


def record(c: dict[str, Any]) -> CooperationRecord:
    created = datetime_or_none(c.get("createdAt")) or dt.datetime.now(dt.UTC)
    return CooperationRecord(
        id=c["id"],
        a_id=c["a"],
        b_id=c["b"],
        kind=c["kind"],
        action_fields=tuple(c.get("actionFields") or ()),
        since=date_or_none(c.get("since")),
        until=date_or_none(c.get("until")),
        intensity=c.get("intensity"),
        description=c.get("description"),
        source=c.get("source"),
        synthetic=bool(c.get("synthetic")),
        created_at=created,
        updated_at=datetime_or_none(c.get("updatedAt")) or created,
        version=int(c.get("version") or 1),
    )


COOPERATION_SORT: Final[dict[str, LiteralString]] = {
    # ISO dates sort as text; unknown starts sort first.
    "SINCE": "coalesce(toString({v}.since), '')",
    "CREATED_AT": "{v}.createdAt.epochSeconds * 1000000000 + {v}.createdAt.nanosecond",
    "INTENSITY": "coalesce({v}.intensity, 0)",
}
PARTNER_SORT: Final[dict[str, LiteralString]] = {"NAME": "{v}.sortName"}


def sort_field(name: str, descending: bool) -> SortField:
    return SortField(name, COOPERATION_SORT[name], descending)


def partner_sort_field(name: str, descending: bool) -> SortField:
    return SortField(name, PARTNER_SORT[name], descending)


@dataclass(frozen=True)
class CooperationPage:
    total: int
    rows: list[tuple[CooperationRecord, list[Any]]]
    has_more: bool


@dataclass(frozen=True)
class Partner:
    actor: ActorRecord
    cooperations: tuple[CooperationRecord, ...]  # newest first


@dataclass(frozen=True)
class PartnerPage:
    total: int
    rows: list[tuple[Partner, list[Any]]]
    has_more: bool


# ---- reads -------------------------------------------------------------------------------

BY_IDS: Final[LiteralString] = (
    "MATCH ()-[c:COOPERATES_WITH]->() WHERE c.id IN $ids RETURN " + projection_of("c") + " AS c"
)


async def by_ids(db: Database, ids: Sequence[str]) -> dict[str, CooperationRecord]:
    return {r.id: r for r in (record(row["c"]) for row in await db.read(BY_IDS, ids=list(ids)))}


def page_query(criteria: CooperationCriteria, page: Page, total: bool = True) -> tuple[LiteralString, dict[str, Any]]:
    """The Cypher (and parameters) of :func:`page`, for benchmarks that time and profile it alone.

    One pass over the matching cooperations: collected with their sort keys (their number is the
    total), then the page after the cursor as the top ``$limit`` by those keys, projected. The
    keys are read once, in the pass (the sort after ``collect`` read ``since`` and ``id`` of every
    match a second time). Without ``total``, the top straight from the match, nothing collected
    (``total`` comes back as -1).
    """
    compiler = Compiler()
    match = compiler.cooperation_match(criteria, "c", "x", "y")
    where = compiler.cooperation_matched(criteria, "c", "x", "y")
    if not total:
        after = seek(page, "c", compiler)
        query = (
            f"{match} WHERE {where} WITH c WHERE {after} WITH c ORDER BY {order_by(page.sort, 'c')} LIMIT $limit "
            f"WITH collect({{c: {projection_of('c')}, k: [{', '.join(key_expressions(page.sort, 'c'))}]}}) AS rows "
            "RETURN -1 AS total, rows"
        )
        return cast(LiteralString, query), {"limit": page.first + 1, **compiler.params}
    keys = [f"k[{i}]" for i in range(len(page.sort))]
    after = seek_keys(page, keys, "c.id", compiler)
    query = (
        f"{match} WHERE {where} "
        f"WITH collect({{c: c, k: [{', '.join(key_expressions(page.sort, 'c'))}]}}) AS matched "
        "CALL (matched) { UNWIND matched AS m WITH m.c AS c, m.k AS k "
        f"  WITH c, k WHERE {after} WITH c, k ORDER BY {order_by_keys(page.sort, keys, 'c.id')} LIMIT $limit "
        f"  RETURN collect({{c: {projection_of('c')}, k: k}}) AS rows }} "
        "RETURN size(matched) AS total, rows"
    )
    return cast(LiteralString, query), {"limit": page.first + 1, **compiler.params}


async def page(db: Database, criteria: CooperationCriteria, page: Page, total: bool = True) -> CooperationPage:
    """A page of cooperations across the network in one query, with the total unless ``total``
    is false (then ``total`` is -1)."""
    query, params = page_query(criteria, page, total)
    [row] = await db.read(query, **params)
    rows = [(record(r["c"]), r["k"]) for r in row["rows"]]
    return CooperationPage(total=row["total"], rows=rows[: page.first], has_more=len(rows) > page.first)


async def count(db: Database, criteria: CooperationCriteria) -> int:
    compiler = Compiler()
    match = compiler.cooperation_match(criteria, "c", "x", "y")
    where = compiler.cooperation_matched(criteria, "c", "x", "y")
    query = cast(LiteralString, f"{match} WHERE {where} RETURN count(c) AS n")
    [row] = await db.read(query, **compiler.params)
    return int(row["n"])


async def of_actors(
    db: Database, ids: Sequence[str], criteria: CooperationCriteria, page: Page
) -> dict[str, CooperationPage]:
    """For each actor, a page of its cooperations (one query for all actors)."""
    compiler = Compiler()
    where = compiler.cooperation(criteria, "c", "a", "b")
    after = seek(page, "c", compiler)
    keys = ", ".join(f.expression.format(v="c") for f in page.sort)
    query = cast(
        LiteralString,
        "UNWIND $ids AS id MATCH (a:Actor {id: id}) "
        f"CALL (a) {{ MATCH (a)-[c:COOPERATES_WITH]-(b:Actor) WHERE {where} RETURN count(c) AS total }} "
        f"CALL (a) {{ MATCH (a)-[c:COOPERATES_WITH]-(b:Actor) WHERE {where} AND {after} "
        f"  WITH c ORDER BY {order_by(page.sort, 'c')} LIMIT $limit "
        f"  RETURN collect({{c: {projection_of('c')}, k: [{keys}]}}) AS rows }} "
        "RETURN id, total, rows",
    )
    pages = {i: CooperationPage(0, [], False) for i in ids}
    for row in await db.read(query, ids=list(ids), limit=page.first + 1, **compiler.params):
        rows = [(record(r["c"]), r["k"]) for r in row["rows"]]
        pages[row["id"]] = CooperationPage(row["total"], rows[: page.first], len(rows) > page.first)
    return pages


def partners_call(
    criteria: CooperationCriteria,
    page: Page,
    compiler: Compiler,
    columns: frozenset[str] = ALL_COLUMNS,
    ties: bool = True,
) -> LiteralString:
    """The subquery ``CALL (a) { … RETURN total, rows }`` of one page of ``a``'s partners, for
    statements that read more than the partners (the actor detail of :mod:`graph.details`).

    One pass over ``a``'s cooperations: partners with their cooperations and sort keys, ordered
    and collected (their number is the total), then the page after the cursor (``$limit`` rows).
    """
    where = compiler.cooperation(criteria, "c", "a", "b")
    keys = ", ".join(f.expression.format(v="b") for f in page.sort)
    by_key = [f"k[{i}]" for i in range(len(page.sort))]
    after = seek_keys(page, [f"x.k[{i}]" for i in range(len(page.sort))], "x.b.id", compiler)
    cs = f"[c IN cs | {projection_of('c')}]" if ties else "[]"  # the ties only if they are shown
    return cast(
        LiteralString,
        f"CALL (a) {{ MATCH (a)-[c:COOPERATES_WITH]-(b:Actor) WHERE {where} "
        f"  WITH b, collect(c) AS cs, [{keys}] AS k ORDER BY {order_by_keys(page.sort, by_key, 'b.id')} "
        "  WITH collect({b: b, cs: cs, k: k}) AS matched "
        f"  WITH size(matched) AS total, [x IN matched WHERE {after}][..$limit] AS page "
        "  CALL (page) { UNWIND page AS x WITH x.b AS b, x.cs AS cs, x.k AS k "
        f"    RETURN collect({{b: {projection('b', columns)}, cs: {cs}, k: k}}) AS rows }} "
        "  RETURN total, rows } ",
    )


def partners_query(
    ids: Sequence[str],
    criteria: CooperationCriteria,
    page: Page,
    columns: frozenset[str] = ALL_COLUMNS,
    ties: bool = True,
) -> tuple[LiteralString, dict[str, Any]]:
    """The Cypher (and parameters) of :func:`partners_of`, for benchmarks that time it alone."""
    compiler = Compiler()
    call = partners_call(criteria, page, compiler, columns, ties)
    # One record for all the actors' pages: the driver handles each record as a message of its
    # own, a twentieth of a page of 50 actors' CPU when each page came as a record (issue 16, W1).
    query = (
        "UNWIND $ids AS id MATCH (a:Actor {id: id}) "
        + call
        + "RETURN collect({id: id, total: total, rows: rows}) AS pages"
    )
    return query, {"ids": list(ids), "limit": page.first + 1, **compiler.params}


def partner_page(row: Any, page: Page, columns: frozenset[str]) -> PartnerPage:
    """A page of partners from the ``total`` and ``rows`` of :func:`partners_call`."""
    rows = [(Partner(actor_record(r["b"], columns), _ties(r["cs"])), r["k"]) for r in row["rows"]]
    return PartnerPage(row["total"], rows[: page.first], len(rows) > page.first)


async def partners_of(
    db: Database,
    ids: Sequence[str],
    criteria: CooperationCriteria,
    page: Page,
    columns: frozenset[str] = ALL_COLUMNS,
    ties: bool = True,
) -> dict[str, PartnerPage]:
    """For each actor, a page of its distinct partners (of the given columns) with the
    cooperations to each (unless ``ties`` is false: then none are read)."""
    query, params = partners_query(ids, criteria, page, columns, ties)
    pages = {i: PartnerPage(0, [], False) for i in ids}
    [found] = await db.read(query, **params)  # collect() answers one record, even of no actor
    for row in found["pages"]:
        pages[row["id"]] = partner_page(row, page, columns)
    return pages


def _ties(rows: list[dict[str, Any]]) -> tuple[CooperationRecord, ...]:
    """A partner's ties, newest first; none read (a page whose ties are not shown) is none."""
    return _newest_first([record(c) for c in rows]) if rows else ()


def _newest_first(records: Any) -> tuple[CooperationRecord, ...]:
    found = tuple(records)
    if len(found) < 2:  # most partners share one cooperation: nothing to order
        return found
    return tuple(sorted(found, key=lambda c: (c.since or dt.date.min, c.id), reverse=True))


# ---- writes ------------------------------------------------------------------------------

# Cooperations between two actors, in either direction (for duplicate checks).
BETWEEN: Final[LiteralString] = (
    """
MATCH (x:Actor {id: $a})-[c:COOPERATES_WITH]-(y:Actor {id: $b})
RETURN """
    + projection_of("c")
    + " AS c"
)

# Lock a cooperation and bump its version; returns the previous version and its state.
BUMP: Final[LiteralString] = (
    """
MATCH ()-[c:COOPERATES_WITH {id: $id}]->()
SET c.version = c.version + 1, c.updatedAt = datetime()
RETURN c.version - 1 AS previous, """
    + projection_of("c")
    + " AS c"
)

UPDATE: Final[LiteralString] = """
MATCH ()-[c:COOPERATES_WITH {id: $id}]->()
SET c += $props
"""

DELETE: Final[LiteralString] = (
    """
MATCH ()-[c:COOPERATES_WITH {id: $id}]->()
WITH c, """
    + projection_of("c")
    + """ AS snapshot
DELETE c
RETURN snapshot AS c
"""
)


# addCooperation's one statement: lock both actors (in id order, as actors.LOCK), then, with the
# locks held, each one's archived flag, its quarter ties (as actors.QUARTER_TIES) and the record,
# and the cooperations between the two (as BETWEEN, read before the create); then, if both actors
# exist, the create with its audit record and the revision bump (graph/audit.py's RECORD_CALL).
# The access, archived and duplicate checks are decided in Python from what this returns, and a
# refusal rolls the whole statement back.
ADD_RECORDED: Final[LiteralString] = (
    """
UNWIND $ids AS id
MATCH (a:Actor {id: id})
SET a._lock = true
REMOVE a._lock
WITH collect(a) AS locked
UNWIND locked AS a
CALL (a) {
  MATCH (a)-[m:ACTIVE_IN]->(q:Quarter) WITH m, q ORDER BY q.slug, m.role
  RETURN collect(m {.role, .flats, .shareNote, .note, .sources, since: toString(m.since), until: toString(m.until),
                    quarter: q.slug, status: q.status, end: toString(q.endDate)}) AS ties
}
WITH collect({id: a.id, archived: a.archived, ties: ties, actor: """
    + projection("a")
    + """,
              between: [(a)-[c:COOPERATES_WITH]-(y:Actor) WHERE a.id = $a AND y.id = $b | """
    + projection_of("c")
    + """]}) AS rows
OPTIONAL CALL (rows) { WITH * WHERE size(rows) = 2
  MATCH (x:Actor {id: $a}), (y:Actor {id: $b})
  CREATE (x)-[c:COOPERATES_WITH {id: $id}]->(y)
  SET c += $props, c.createdAt = datetime(), c.updatedAt = c.createdAt, c.version = 1
"""
    + audit.RECORD_CALL
    + "RETURN "
    + projection_of("c")
    + """ AS c, revision
}
RETURN rows, c, revision
"""
)


@dataclass(frozen=True)
class Prepared:
    """What :func:`add_recorded` read, with both actors locked."""

    archived: dict[str, bool]  # the actors that exist
    ties: dict[str, list[QuarterTie]]
    actors: dict[str, ActorRecord]
    between: list[CooperationRecord]


def _prepared(rows: list[dict[str, Any]], a: str) -> Prepared:
    """:class:`Prepared` from rows of ``id``, ``archived``, ``ties``, ``actor`` and ``between``."""
    found = [row["id"] for row in rows]
    ties = ties_from(found, [{"id": row["id"], "m": m} for row in rows for m in row["ties"]])
    between_ = [record(c) for row in rows if row["id"] == a for c in row["between"]]
    return Prepared(
        archived={row["id"]: row["archived"] for row in rows},
        ties=ties,
        actors={row["id"]: actor_record(row["actor"]) for row in rows},
        between=between_,
    )


@dataclass(frozen=True)
class Added:
    """What addCooperation's one statement read (with both actors locked) and wrote: the new
    cooperation as written (None if an actor is missing: nothing was written)."""

    prepared: Prepared
    created: CooperationRecord | None


async def add_recorded(
    tx: Transaction, cooperation_id: str, a: str, b: str, new: NewCooperation, audit_record: dict[str, Any]
) -> Added:
    """Lock ``a`` and ``b``, read what adding a cooperation checks (archived flags, quarter ties,
    the cooperations between them), and create it with its audit record (``audit_record``:
    graph.audit.param) and the revision, in one round trip. The caller decides the checks from
    :attr:`Added.prepared` and rolls back on refusal."""
    [row] = await tx.run(
        ADD_RECORDED, ids=sorted({a, b}), a=a, b=b, id=cooperation_id, props=_new_props(new), audit=audit_record
    )
    if row["revision"] is not None:
        audit.stamped(tx, row["revision"])
    return Added(_prepared(row["rows"], a), record(row["c"]) if row["c"] is not None else None)


def new_snapshot(a: str, b: str, new: NewCooperation) -> dict[str, Any]:
    """:meth:`CooperationRecord.snapshot` of the cooperation :func:`create` makes of ``new``, known
    before it exists, so that its audit record can be part of the creating statement."""
    return {
        "actors": sorted([a, b]),
        "kind": new.kind,
        "actionFields": list(new.action_fields),
        "since": new.since.isoformat() if new.since else None,
        "until": new.until.isoformat() if new.until else None,
        "intensity": new.intensity,
        "description": new.description,
        "source": new.source,
        "synthetic": bool(new.synthetic),
    }


async def between(tx: Transaction, a: str, b: str) -> list[CooperationRecord]:
    return [record(row["c"]) for row in await tx.run(BETWEEN, a=a, b=b)]


@dataclass(frozen=True)
class NewCooperation:
    kind: str
    action_fields: tuple[str, ...] = ()
    since: dt.date | None = None
    until: dt.date | None = None
    intensity: int | None = None
    description: str | None = None
    source: str | None = None
    synthetic: bool = False


@dataclass(frozen=True)
class CooperationPatch:
    """What an update changes; fields left at KEEP stay as they are, None clears."""

    kind: Change[str] = KEEP
    action_fields: Change[tuple[str, ...]] = KEEP
    since: Change[dt.date | None] = KEEP
    until: Change[dt.date | None] = KEEP
    intensity: Change[int | None] = KEEP
    description: Change[str | None] = KEEP
    source: Change[str | None] = KEEP

    def props(self) -> dict[str, Any]:
        props: dict[str, Any] = {}
        for field, prop in _PROPERTIES:
            value = getattr(self, field)
            if changes(value):
                props[prop] = list(value) if isinstance(value, tuple) else value
        return props


# Fields of a cooperation a write sets, and their properties.
_PROPERTIES: Final = (
    ("kind", "kind"),
    ("action_fields", "actionFields"),
    ("since", "since"),
    ("until", "until"),
    ("intensity", "intensity"),
    ("description", "description"),
    ("source", "source"),
)


def _new_props(new: NewCooperation) -> dict[str, Any]:
    props = {prop: getattr(new, field) for field, prop in _PROPERTIES}
    props["actionFields"] = list(new.action_fields)
    props["synthetic"] = new.synthetic
    return props


async def bump(tx: Transaction, cooperation_id: str) -> tuple[int, CooperationRecord] | None:
    rows = await tx.run(BUMP, id=cooperation_id)
    return (rows[0]["previous"], record(rows[0]["c"])) if rows else None


async def update(tx: Transaction, cooperation_id: str, patch: CooperationPatch) -> None:
    await tx.run(UPDATE, id=cooperation_id, props=patch.props())


async def delete(tx: Transaction, cooperation_id: str) -> CooperationRecord | None:
    rows = await tx.run(DELETE, id=cooperation_id)
    return record(rows[0]["c"]) if rows else None


async def one(db: Runner, cooperation_id: str) -> CooperationRecord | None:
    """One cooperation, or None; inside a write transaction, as that transaction has changed it."""
    rows = await db.run(BY_IDS, ids=[cooperation_id])
    return record(rows[0]["c"]) if rows else None
