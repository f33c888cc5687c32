"""Quarters: all of them, one by slug, and the quarters a merger links."""

from __future__ import annotations

from core.context import Context
from graph import actors, quarters
from graph.actors import ActorRecord, MembershipRecord
from graph.criteria import ActorCriteria, CooperationCriteria
from graph.quarters import QuarterRecord


async def all_quarters(ctx: Context) -> list[QuarterRecord]:
    records = await quarters.all_quarters(ctx.db)
    for record in records:  # prime the loaders: nested merger lookups need no query
        ctx.loaders.quarter_by_id.prime(record.id, record)
    return records


async def by_slug(ctx: Context, slug: str) -> QuarterRecord | None:
    return await ctx.loaders.quarter_by_slug.load(slug.strip().lower())


async def by_id(ctx: Context, quarter_id: str) -> QuarterRecord | None:
    return await ctx.loaders.quarter_by_id.load(quarter_id)


async def many_by_id(ctx: Context, ids: tuple[str, ...]) -> list[QuarterRecord]:
    found = await ctx.loaders.quarter_by_id.load_many(list(ids))
    return [q for q in found if q is not None]


async def actor_counts_by_type(ctx: Context, quarter: QuarterRecord) -> dict[str, int]:
    return await actors.count_by_type(ctx.db, ActorCriteria(quarters=(quarter.slug,)))


async def key_organisations(ctx: Context, quarter: QuarterRecord) -> list[tuple[ActorRecord, MembershipRecord]]:
    return await ctx.loaders.key_organisations.load(quarter.id) or []


def in_quarter(quarter: QuarterRecord) -> ActorCriteria:
    return ActorCriteria(quarters=(quarter.slug,))


def cooperations_in_quarter(quarter: QuarterRecord) -> CooperationCriteria:
    return CooperationCriteria(quarters=(quarter.slug,))
