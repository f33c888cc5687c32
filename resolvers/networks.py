"""Networks for frontends and research: selections, ego/quarter/whole networks, paths, timelines,
metrics (cached per network revision)."""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass, field

from analysis import metrics as metric_analysis
from analysis import timeline as timeline_analysis
from analysis.projection import Projection, project
from core import access as rules
from core.context import Context
from graph import networks, paths, revision
from graph.criteria import ActorCriteria, CooperationCriteria
from graph.networks import NetworkData, Selection
from resolvers import ids
from resolvers.access import require
from resolvers.errors import ApiError, bad_input
from resolvers.filters import check_quarters, expand_action_fields

MAX_DEPTH = 3
MAX_PATHS = 50


@dataclass(frozen=True)
class NetworkQuery:
    """A network filter as GraphQL inputs and export URLs both express it."""

    quarters: tuple[str, ...] | None = None
    actor_types: tuple[str, ...] | None = None
    action_fields: tuple[str, ...] | None = None
    cooperation_kinds: tuple[str, ...] | None = None
    cooperation_action_fields: tuple[str, ...] | None = None
    min_intensity: int | None = None
    synthetic: bool | None = None


@dataclass(frozen=True)
class Network:
    """A network as read, with per-actor degree inside it (distinct partners)."""

    data: NetworkData
    as_of: dt.date | None
    degree: dict[str, int] = field(default_factory=dict)
    ties: str = networks.COOPERATIONS  # where its ties come from (graph.networks.TIE_SOURCES)
    revision: int = 0  # read before the network: every commit up to it is in it


async def selection(
    ctx: Context,
    q: NetworkQuery | None,
    as_of: dt.date | None = None,
    ego: tuple[str, int] | None = None,
    boundary: bool = False,
    quarter: str | None = None,
    ties: str = networks.COOPERATIONS,
) -> Selection:
    q = q or NetworkQuery()
    if ties not in networks.TIE_SOURCES:
        raise bad_input(f"the tie source is one of {', '.join(networks.TIE_SOURCES)}")
    slugs = list(q.quarters or ()) + ([quarter] if quarter else [])
    quarters = await check_quarters(ctx, slugs) if slugs else None
    if q.min_intensity is not None and not 1 <= q.min_intensity <= 3:
        raise bad_input("`minIntensity` must be 1, 2 or 3")
    actors = ActorCriteria(
        quarters=quarters,
        types=q.actor_types,
        action_fields=await expand_action_fields(ctx, list(q.action_fields)) if q.action_fields else None,
        synthetic=q.synthetic,
    )
    links = CooperationCriteria(
        kinds=q.cooperation_kinds,
        action_fields=(
            await expand_action_fields(ctx, list(q.cooperation_action_fields)) if q.cooperation_action_fields else None
        ),
        min_intensity=q.min_intensity,
        synthetic=q.synthetic,
    )
    if ego is not None:
        # An ego network spreads beyond the quarters and types asked for only along its ties.
        return Selection(ActorCriteria(types=q.actor_types, synthetic=q.synthetic), links, as_of, ego, ties=ties)
    return Selection(actors, links, as_of, None, boundary, ties=ties)


def _degrees(data: NetworkData) -> dict[str, int]:
    partners: dict[str, set[str]] = {}
    for e in data.edges:
        partners.setdefault(e.source, set()).add(e.target)
        partners.setdefault(e.target, set()).add(e.source)
    return {node: len(p) for node, p in partners.items()}


async def read(ctx: Context, sel: Selection) -> Network:
    # Read first: a commit after it may or may not be in the network, and applying its change
    # again is harmless; one before it is certainly in.
    current = await revision.current(ctx.db)
    data = await networks.read(ctx.db, sel)
    return Network(data, sel.as_of, _degrees(data), ties=sel.ties, revision=current)


async def ego_selection(
    ctx: Context,
    actor_id: str,
    depth: int,
    q: NetworkQuery | None,
    as_of: dt.date | None,
    ties: str = networks.COOPERATIONS,
) -> Selection:
    local = ids.decode_as(actor_id, "Actor")
    if not 1 <= depth <= MAX_DEPTH:
        raise bad_input(f"`depth` must be between 1 and {MAX_DEPTH}")
    record = await ctx.loaders.actor_by_id.load(local) if local else None
    if record is None:
        raise ApiError("NOT_FOUND", f"no actor with id {actor_id!r}")
    return await selection(ctx, q, as_of, ego=(record.id, depth), ties=ties)


async def ego(
    ctx: Context,
    actor_id: str,
    depth: int,
    q: NetworkQuery | None,
    as_of: dt.date | None,
    ties: str = networks.COOPERATIONS,
) -> Network:
    return await read(ctx, await ego_selection(ctx, actor_id, depth, q, as_of, ties))


async def timeline(
    ctx: Context, q: NetworkQuery | None, ties: str = networks.COOPERATIONS
) -> timeline_analysis.Timeline:
    network = await read(ctx, await selection(ctx, q, ties=ties))
    return timeline_analysis.build(network.data)


async def shortest_paths(
    ctx: Context, source: str, target: str, max_length: int, as_of: dt.date | None, first: int
) -> list[paths.PathRecord]:
    a, b = ids.decode_as(source, "Actor"), ids.decode_as(target, "Actor")
    if not 1 <= max_length <= paths.MAX_LENGTH:
        raise bad_input(f"`maxLength` must be between 1 and {paths.MAX_LENGTH}")
    if not 1 <= first <= MAX_PATHS:
        raise bad_input(f"`first` must be between 1 and {MAX_PATHS}")
    found = await ctx.loaders.actor_by_id.load_many([a or "", b or ""])
    for given, record in zip((source, target), found, strict=True):
        if record is None:
            raise ApiError("NOT_FOUND", f"no actor with id {given!r}")
    if a == b:
        raise bad_input("`from` and `to` must be two different actors")
    return await paths.shortest(ctx.db, a or "", b or "", max_length, as_of, first)


@dataclass(frozen=True)
class Analysed:
    projection: Projection
    metrics: metric_analysis.Metrics
    revision: int
    cached: bool


async def analysed(ctx: Context, sel: Selection) -> Analysed:
    """Metrics of a selection, from the cache while the network's revision is unchanged."""
    require(ctx.principal, rules.NETWORK_METRICS)
    current = await revision.current(ctx.db)
    key = ("metrics", sel, current)
    hit = ctx.services.analysis.get(key)
    if hit is not None:
        return Analysed(hit[0], hit[1], current, True)
    network = await read(ctx, sel)
    projection = project(network.data)
    pool = ctx.services.workers.get()
    result = await asyncio.to_thread(metric_analysis.compute, projection, pool)
    ctx.services.analysis.put(key, (projection, result))
    return Analysed(projection, result, current, False)
