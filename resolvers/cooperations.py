"""Reading cooperations across the network, and the actors at their ends."""

from __future__ import annotations

from collections.abc import Sequence

from core.context import Context
from graph import cooperations
from graph.actors import ActorRecord
from graph.cooperations import CooperationRecord
from graph.criteria import CooperationCriteria
from resolvers import ids
from resolvers.filters import CooperationQuery, cooperation_criteria
from resolvers.ordering import SortKey, cooperation_sort
from resolvers.paging import Slice, page, slice_of


async def by_global_id(ctx: Context, global_id: str) -> CooperationRecord | None:
    local = ids.decode_as(global_id, "Cooperation")
    return await ctx.loaders.cooperation_by_id.load(local) if local else None


async def search(
    ctx: Context,
    filter_: CooperationQuery | None,
    order: Sequence[SortKey] | None,
    first: int | None,
    after: str | None,
    extra: CooperationCriteria | None = None,
    total: bool = True,
) -> Slice[CooperationRecord]:
    """A page of cooperations; the total is counted only if ``total`` (else it is -1)."""
    criteria = await cooperation_criteria(ctx, filter_)
    if extra is not None:
        criteria = CooperationCriteria(all_of=(criteria, extra), include_archived=criteria.include_archived)
    p = page(cooperation_sort(order), first, after)
    result = await cooperations.page(ctx.db, criteria, p, total)
    return slice_of(p, result.rows, [c.id for c, _ in result.rows], result.total, result.has_more)


async def actors_of(ctx: Context, cooperation: CooperationRecord) -> list[ActorRecord]:
    found = await ctx.loaders.actor_by_id.load_many([cooperation.a_id, cooperation.b_id])
    return sorted((a for a in found if a is not None), key=lambda a: a.name.casefold())
