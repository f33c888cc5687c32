"""Reading actors: by id (following merges), filtered pages, and what hangs off an actor."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from core.context import Context
from graph import actors, cooperations, details
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
    if local and ahead is not None and (ahead.quarters or ahead.partners is not None):
        await _read_detail(ctx, local, ahead)
    return await by_local_id(ctx, local) if local else None


async def _read_detail(ctx: Context, actor_id: str, ahead: DetailReads) -> None:
    """Read the actor with what its fields will read by its id in one statement (W2 of issue
    16: one statement where there were three), and leave each part in its loader under the key
    the field's resolver will ask for, which then finds it there. An actor that does not exist
    (or was merged away) leaves the loaders empty: the lookups after it answer as before."""
    partners = None
    if ahead.partners is not None:
        first, columns, ties = ahead.partners
        if first is None or 0 <= first <= MAX_PAGE_SIZE:  # a bad `first` is refused by the field
            partners = (page([cooperations.partner_sort_field("NAME", False)], first, None), columns, ties)
    found = await details.detail(ctx.db, actor_id, ahead.quarters, partners)
    if found is None:
        return
    loaders = ctx.loaders
    loaders.actor_by_id.prime(actor_id, found.actor)
    if found.memberships is not None:
        loaders.memberships.prime(actor_id, found.memberships)
        for quarter_id, quarter in found.quarters.items():
            loaders.quarter_by_id.prime(quarter_id, quarter)  # never replaces one already loaded
    if partners is not None and found.partners is not None:
        p, columns, ties = partners
        loaders.partners.prime((actor_id, (CooperationCriteria(), p, columns, ties)), found.partners)


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
    if columns == ALL_COLUMNS:  # only complete records are shared (prime_actors): the rest need no pass
        ctx.loaders.prime_actors([partner.actor for partner, _ in result.rows])
    return slice_of(p, result.rows, [pt.actor.id for pt, _ in result.rows], result.total, result.has_more)


async def counts(ctx: Context, actor: ActorRecord) -> tuple[int, int]:
    """(cooperations, distinct partners), counting only partners that are not archived."""
    return await ctx.loaders.cooperation_counts.load(actor.id) or (0, 0)
