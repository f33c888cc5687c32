"""What a QM office needs to hand its network over: the at-risk analysis of a quarter's network
and the change of that network between two days. The dossier (resolvers/dossier.py) is built
from the same functions, so its numbers are the API's."""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass

from analysis import at_risk as at_risk_analysis
from analysis import change as change_analysis
from core.context import Context
from graph import quarters
from graph.networks import NetworkData
from graph.quarters import QuarterRecord
from resolvers import ids, networks, texts
from resolvers.errors import ApiError, bad_input

MAX_QM_ACTORS = 20
# How much of an analysis the API lists (counts are always whole): bounded, so the cost budget
# of a public query holds for the largest quarter network (schema/cost.py).
LISTED = 100  # cut vertices, bridges, changed pairs
LISTED_ACTORS = 500  # actors cut off or isolated without the QM, actors appeared or ended
LISTED_CUT_OFF = 50  # actors cut off by one cut vertex or bridge


@dataclass(frozen=True)
class AtRiskResult:
    quarter: QuarterRecord
    day: dt.date
    analysis: at_risk_analysis.AtRisk
    network: NetworkData


@dataclass(frozen=True)
class ChangeResult:
    quarter: QuarterRecord
    change: change_analysis.Change


async def quarter(ctx: Context, slug: str) -> QuarterRecord:
    found = await ctx.loaders.quarter_by_slug.load(slug.strip().lower())
    if found is None:
        raise ApiError("NOT_FOUND", texts.NO_QUARTER_SLUG(slug=slug))
    return found


async def network_on(ctx: Context, q: QuarterRecord, day: dt.date | None) -> NetworkData:
    """The quarter's network on ``day`` (None: every actor and tie it ever had)."""
    sel = await networks.selection(ctx, None, day, quarter=q.slug)
    return (await networks.read(ctx, sel)).data


async def qm_actors(ctx: Context, q: QuarterRecord, day: dt.date, given: list[str] | None) -> list[str]:
    """The QM office and its Träger: the actors named, or those with a current QM_OPERATOR
    membership in the quarter."""
    if given is None:
        return await quarters.qm_actor_ids(ctx.db, q.slug, day)
    if len(given) > MAX_QM_ACTORS:
        raise bad_input(texts.AT_MOST_QM_ACTORS(limit=MAX_QM_ACTORS))
    local = []
    for global_id in given:
        decoded = ids.decode_as(global_id, "Actor")
        if decoded is None:
            raise bad_input(texts.NOT_AN_ACTOR(id=global_id))
        local.append(decoded)
    return local


async def at_risk(ctx: Context, slug: str, as_of: dt.date | None, qm_actor_ids: list[str] | None) -> AtRiskResult:
    q = await quarter(ctx, slug)
    day = as_of or dt.date.today()
    data = await network_on(ctx, q, day)
    qm = await qm_actors(ctx, q, day, qm_actor_ids)
    analysis = await asyncio.to_thread(at_risk_analysis.analyse, data, qm)
    return AtRiskResult(q, day, analysis, data)


async def change(ctx: Context, slug: str, start: dt.date, end: dt.date | None) -> ChangeResult:
    q = await quarter(ctx, slug)
    end = end or dt.date.today()
    if start >= end:
        raise bad_input(texts.FROM_BEFORE_TO())
    before = await network_on(ctx, q, start)
    after = await network_on(ctx, q, end)
    return ChangeResult(q, await asyncio.to_thread(change_analysis.compare, before, after, start, end))
