"""Reading actors: by id (following merges), filtered pages, and what hangs off an actor."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from core.context import Context
from graph import actors, cooperations
from graph.actors import ALL_COLUMNS, ActorRecord, MembershipRecord
from graph.cooperations import CooperationRecord, Partner
from graph.criteria import ActorCriteria, CooperationCriteria
from graph.quarters import QuarterRecord
from resolvers import ids
from resolvers.filters import ActorQuery, CooperationQuery, actor_criteria, cooperation_criteria
from resolvers.ordering import SortKey, actor_sort, cooperation_sort
from resolvers.paging import MAX_PAGE_SIZE, Slice, page, slice_of


@dataclass(frozen=True)
class DetailReads:
    """What an actor's selection will read by the actor's id (from the GraphQL selection):
    its quarters, and a first page of partners without filter or cursor (``first``, the
    partners' columns, whether the cooperations to each are asked)."""

    quarters: bool = False
    partners: tuple[int | None, frozenset[str], bool] | None = None


async def by_local_id(ctx: Context, actor_id: str) -> ActorRecord | None:
    """The actor, or, for a merged-away duplicate, the actor it was merged into."""
    found = await ctx.loaders.actor_by_id.load(actor_id)
    if found is None:
        survivor = (await actors.merged_into(ctx.db, [actor_id])).get(actor_id)
        if survivor is not None:
            found = await ctx.loaders.actor_by_id.load(survivor)
    return found


async def by_global_id(ctx: Context, global_id: str, ahead: DetailReads | None = None) -> ActorRecord | None:
    local = ids.decode_as(global_id, "Actor")
    if local and ahead is not None:
        _read_ahead(ctx, local, ahead)
    return await by_local_id(ctx, local) if local else None


def _read_ahead(ctx: Context, actor_id: str, ahead: DetailReads) -> None:
    """Start the reads the actor's fields will make in the same tick as the actor's own, so
    they run side by side instead of one level after it (W2 of issue 16: two levels → one).
    Each goes into its loader under the key the field's resolver will ask for, which then
    finds it there; a read nobody asks for (the actor does not exist) costs a statement."""
    started: list[asyncio.Future[Any]] = []
    if ahead.quarters:
        started.append(asyncio.ensure_future(ctx.loaders.memberships.load(actor_id)))
    if ahead.partners is not None:
        first, columns, ties = ahead.partners
        if first is None or 0 <= first <= MAX_PAGE_SIZE:  # a bad `first` is refused by the field
            p = page([cooperations.partner_sort_field("NAME", False)], first, None)
            key = (actor_id, (CooperationCriteria(), p, columns, ties))
            started.append(asyncio.ensure_future(ctx.loaders.partners.load(key)))
    for future in started:
        # Whoever awaits it sees its failure; one nobody awaits must not be reported as lost.
        future.add_done_callback(_consume)


def _consume(future: asyncio.Future[Any]) -> None:
    if not future.cancelled():
        future.exception()


async def search(
    ctx: Context,
    filter_: ActorQuery | None,
    order: Sequence[SortKey] | None,
    first: int | None,
    after: str | None,
    extra: ActorCriteria | None = None,
    columns: frozenset[str] = ALL_COLUMNS,
    total: bool = True,
) -> Slice[ActorRecord]:
    """A page of actors of the given columns; the total is counted only if ``total``."""
    criteria = await actor_criteria(ctx, filter_)
    if extra is not None:  # a fixed condition from the caller, e.g. "in this quarter"
        criteria = replace(criteria, all_of=(*criteria.all_of, extra))
    p = page(actor_sort(order), first, after)
    result = await actors.page(ctx.db, criteria, p, columns, total)
    ctx.loaders.prime_actors([r for r, _ in result.rows])
    return slice_of(p, result.rows, [r.id for r, _ in result.rows], result.total, result.has_more)


async def memberships(ctx: Context, actor: ActorRecord) -> list[tuple[MembershipRecord, QuarterRecord]]:
    rows = await ctx.loaders.memberships.load(actor.id) or []
    quarters = await ctx.loaders.quarter_by_id.load_many([m.quarter_id for m in rows])
    return [(m, q) for m, q in zip(rows, quarters, strict=True) if q is not None]


async def cooperations_of(
    ctx: Context,
    actor: ActorRecord,
    filter_: CooperationQuery | None,
    order: Sequence[SortKey] | None,
    first: int | None,
    after: str | None,
) -> Slice[CooperationRecord]:
    criteria = await cooperation_criteria(ctx, filter_)
    p = page(cooperation_sort(order), first, after)
    result = await ctx.loaders.cooperations_of.load((actor.id, (criteria, p)))
    return slice_of(p, result.rows, [c.id for c, _ in result.rows], result.total, result.has_more)


async def partners(
    ctx: Context,
    actor: ActorRecord,
    filter_: CooperationQuery | None,
    first: int | None,
    after: str | None,
    columns: frozenset[str] = ALL_COLUMNS,
    ties: bool = True,
) -> Slice[Partner]:
    """A page of the actor's partners, each of the given columns, with the cooperations to
    each if ``ties`` (else with none)."""
    criteria: CooperationCriteria = await cooperation_criteria(ctx, filter_)
    p = page([cooperations.partner_sort_field("NAME", False)], first, after)
    result = await ctx.loaders.partners.load((actor.id, (criteria, p, columns, ties)))
    ctx.loaders.prime_actors([partner.actor for partner, _ in result.rows])
    return slice_of(p, result.rows, [pt.actor.id for pt, _ in result.rows], result.total, result.has_more)


async def counts(ctx: Context, actor: ActorRecord) -> tuple[int, int]:
    """(cooperations, distinct partners), counting only partners that are not archived."""
    return await ctx.loaders.cooperation_counts.load(actor.id) or (0, 0)
