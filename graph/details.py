"""One actor's detail in one statement: the actor, its quarters and a first page of partners.

An actor's detail page (``actor(id:) { … quarters … partners(first:) … }``) used to read the
actor, its memberships and its partners as three statements side by side (issue 16, W2). Here
they are one: each part is a ``CALL`` subquery of the same ``MATCH``, returning exactly the rows
the three separate reads return (the same projections, the same order), so the resolvers that
consume them answer the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, LiteralString, cast

from graph import quarters
from graph.actors import ActorRecord, MembershipRecord, membership, projection, record
from graph.cooperations import PartnerPage, partner_page, partners_call
from graph.criteria import CooperationCriteria
from graph.db import Database
from graph.filters import Compiler
from graph.pagination import Page

# An actor's memberships with their quarters, in the order of actors.MEMBERSHIPS_AND_QUARTERS
# (the same projections, in a subquery of the actor's statement).
_MEMBERSHIPS: Final[LiteralString] = (
    """CALL (a) { MATCH (a)-[m:ACTIVE_IN]->(q:Quarter) WITH m, q ORDER BY q.sortName, m.role
  RETURN collect({quarter: q.id, m: m {.role, .flats, .shareNote, .note, .sources,
                                         since: toString(m.since), until: toString(m.until)},
                  q: """
    + quarters.PROJECTION_EXPRESSION
    + """}) AS memberships } """
)


@dataclass(frozen=True)
class Detail:
    """What :func:`detail` read: the actor, and the parts that were asked (else None)."""

    actor: ActorRecord
    memberships: list[MembershipRecord] | None
    quarters: dict[str, quarters.QuarterRecord]
    partners: PartnerPage | None


def detail_query(
    actor_id: str,
    memberships: bool,
    partners: tuple[Page, frozenset[str], bool] | None,
) -> tuple[LiteralString, dict[str, object]]:
    """The Cypher (and parameters) of :func:`detail`, for benchmarks that time it alone."""
    compiler = Compiler()
    query = "MATCH (a:Actor) WHERE a.id = $id "
    returned = "RETURN " + projection("a") + " AS a"
    if memberships:
        query += _MEMBERSHIPS
        returned += ", memberships"
    params: dict[str, object] = {"id": actor_id}
    if partners is not None:
        page, columns, ties = partners
        query += partners_call(CooperationCriteria(), page, compiler, columns, ties)
        returned += ", total, rows"
        params["limit"] = page.first + 1
    return cast(LiteralString, query + returned), {**params, **compiler.params}


async def detail(
    db: Database,
    actor_id: str,
    memberships: bool,
    partners: tuple[Page, frozenset[str], bool] | None,
) -> Detail | None:
    """The actor (every column) with, if asked, its memberships and the quarters they name, and
    a first page of its partners (without filter: ``(page, partner columns, ties)``); None if no
    actor has this id."""
    query, params = detail_query(actor_id, memberships, partners)
    found = await db.read(query, **params)
    if not found:
        return None
    [row] = found
    named: dict[str, quarters.QuarterRecord] = {}
    ms: list[MembershipRecord] | None = None
    if memberships:
        ms = []
        for item in row["memberships"]:
            ms.append(membership(actor_id, item["quarter"], item["m"]))
            if item["quarter"] not in named:
                named[item["quarter"]] = quarters.record(item["q"])
    page = None
    if partners is not None:
        page = partner_page(row, partners[0], partners[1])
    return Detail(record(row["a"]), ms, named, page)
