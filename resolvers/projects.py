"""Reading projects: one by id, filtered pages, funding sums, sponsors across quarters, and
pairs who worked together in projects without a recorded cooperation; council seats."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace

from core.context import Context
from graph import projects
from graph.pagination import SortField
from graph.projects import (
    FUNDED_STATUSES,
    DecisionRecord,
    FundingRow,
    MultiQuarterSponsor,
    ProjectCriteria,
    ProjectRecord,
    QuarterProjects,
    SeatRecord,
    UnrecordedPair,
)
from resolvers import ids, texts
from resolvers.errors import bad_input
from resolvers.filters import check_quarters, expand_action_fields
from resolvers.ordering import MAX_SORT_KEYS, SortKey
from resolvers.paging import Slice, page, slice_of
from resolvers.validation import MAX_LIST

MAX_LISTED = 200  # rows of the list queries that are not pages (sponsors, pairs)


@dataclass(frozen=True)
class ProjectQuery:
    """A project filter as the client sent it (all given conditions hold together)."""

    quarters: tuple[str, ...] | None = None
    funds: tuple[str, ...] | None = None
    statuses: tuple[str, ...] | None = None
    sponsor_id: str | None = None  # global ids
    partner_id: str | None = None
    participant_id: str | None = None
    action_fields: tuple[str, ...] | None = None
    period_from: dt.date | None = None
    period_to: dt.date | None = None
    synthetic: bool | None = None


def _actor(global_id: str | None, what: str) -> str | None:
    if global_id is None:
        return None
    local = ids.decode_as(global_id, "Actor")
    if local is None:
        raise bad_input(texts.NOT_AN_ACTOR_ID(what=what))
    return local


async def criteria(ctx: Context, q: ProjectQuery | None) -> ProjectCriteria:
    """The filter as graph/ takes it: actor ids decoded, quarters checked, action fields mapped
    across IHEK generations."""
    q = q or ProjectQuery()
    for name, values in ((texts.QUARTERS, q.quarters), (texts.FUNDS, q.funds), (texts.STATUSES, q.statuses)):
        if values is not None and len(values) > MAX_LIST:
            raise bad_input(texts.FILTER_LIST(limit=MAX_LIST, what=name))
    if q.period_from and q.period_to and q.period_to < q.period_from:
        raise bad_input(texts.RANGE_BACKWARDS())
    return ProjectCriteria(
        quarters=await check_quarters(ctx, q.quarters) if q.quarters is not None else None,
        funds=q.funds,
        statuses=q.statuses,
        sponsor=_actor(q.sponsor_id, "sponsorId"),
        partner=_actor(q.partner_id, "partnerId"),
        participant=_actor(q.participant_id, "participantId"),
        action_fields=await expand_action_fields(ctx, q.action_fields) if q.action_fields else None,
        period_from=q.period_from,
        period_to=q.period_to,
        synthetic=q.synthetic,
    )


def project_sort(order: Sequence[SortKey] | None) -> list[SortField]:
    if order and len(order) > MAX_SORT_KEYS:
        raise bad_input(texts.SORT_KEYS(limit=MAX_SORT_KEYS))
    fields = [projects.sort_field(o.field, o.descending) for o in order or ()]
    return fields or [projects.sort_field("START", True)]


async def by_global_id(ctx: Context, global_id: str) -> ProjectRecord | None:
    local = ids.decode_as(global_id, "Project")
    return await ctx.loaders.project_by_id.load(local) if local else None


async def search(
    ctx: Context,
    q: ProjectQuery | None,
    order: Sequence[SortKey] | None,
    first: int | None,
    after: str | None,
    *,
    quarter: str | None = None,
) -> Slice[ProjectRecord]:
    """A page of projects; ``quarter`` narrows it for the quarter's nested field."""
    c = await criteria(ctx, q)
    if quarter is not None:  # in this quarter, and in one of the filter's quarters if it names some
        c = replace(c, quarters=(quarter,) if c.quarters is None or quarter in c.quarters else ())
    p = page(project_sort(order), first, after)
    result = await projects.page(ctx.db, c, p)
    return slice_of(p, result.rows, [r.id for r, _ in result.rows], result.total, result.has_more)


async def of_actor(
    ctx: Context,
    actor_id: str,
    q: ProjectQuery | None,
    first: int | None,
    after: str | None,
    role: str | None = None,
) -> Slice[ProjectRecord]:
    """A page of the projects an actor (its local id) takes part in as ``role`` (sponsor,
    partner, or None for either): the actors of one page share one query (``projects_of``)."""
    c = await criteria(ctx, q)
    # The actor's own tie stands in the query for the filter's actor of the same role.
    if role == "sponsor":
        c = replace(c, sponsor=None)
    elif role == "partner":
        c = replace(c, partner=None)
    else:
        role = None
        c = replace(c, participant=None)
    p = page(project_sort(None), first, after)
    result = await ctx.loaders.projects_of.load((actor_id, (role, c, p)))
    return slice_of(p, result.rows, [r.id for r, _ in result.rows], result.total, result.has_more)


async def funding(ctx: Context, q: ProjectQuery | None) -> list[FundingRow]:
    """Sums and counts per quarter, fund and year; without a status filter, the granted projects
    (approved or later, not withdrawn or rejected)."""
    c = await criteria(ctx, q)
    if c.statuses is None:
        c = replace(c, statuses=FUNDED_STATUSES)
    return await projects.funding(ctx.db, c)


async def quarter_projects(ctx: Context, slug: str, synthetic: bool | None = None) -> QuarterProjects:
    """A quarter's projects with sponsors, and its funding per year (see graph.projects.of_quarter)."""
    return await projects.of_quarter(ctx.db, slug, synthetic=synthetic)


async def multi_quarter_sponsors(
    ctx: Context, q: ProjectQuery | None, minimum: int, first: int
) -> list[MultiQuarterSponsor]:
    if minimum < 2:
        raise bad_input(texts.MIN_QUARTERS())
    if not 1 <= first <= MAX_LISTED:
        raise bad_input(texts.BETWEEN(name="first", low=1, high=MAX_LISTED))
    return await projects.multi_quarter_sponsors(ctx.db, await criteria(ctx, q), minimum, first)


async def unrecorded_pairs(ctx: Context, q: ProjectQuery | None, first: int) -> list[UnrecordedPair]:
    if not 1 <= first <= MAX_LISTED:
        raise bad_input(texts.BETWEEN(name="first", low=1, high=MAX_LISTED))
    return await projects.unrecorded_pairs(ctx.db, await criteria(ctx, q), first)


async def decisions(ctx: Context, project: ProjectRecord) -> list[DecisionRecord]:
    return await ctx.loaders.decisions.load(project.id) or []


async def many(ctx: Context, local_ids: Sequence[str]) -> list[ProjectRecord]:
    found = await ctx.loaders.project_by_id.load_many(list(local_ids))
    return [p for p in found if p is not None]


async def seats(ctx: Context, slug: str, on: dt.date | None) -> list[SeatRecord]:
    return await projects.seats_of_quarter(ctx.db, slug, on)
