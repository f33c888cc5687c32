"""Networks for frontends and research: selections, ego/quarter/whole networks, paths, timelines,
metrics (cached per network revision)."""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass, field, replace

from analysis import metrics as metric_analysis
from analysis import timeline as timeline_analysis
from analysis.projection import Projection, project
from core import access as rules
from core.context import Context
from core.latest import Entry, Work
from core.services import WorkerPool
from core.timing import phase
from graph import changes, networks, paths, revision
from graph.criteria import ActorCriteria, CooperationCriteria
from graph.db import Database
from graph.networks import NetworkData, Selection
from resolvers import ids, texts
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
    ties: str = networks.COOPERATIONS  # where its ties come from (graph.networks.TIE_SOURCES)
    revision: int = 0  # read before the network: every commit up to it is in it
    # Values derived from the network once and kept with it (the schema's `json`): a network
    # served again from the cache by revision is not shaped again either.
    derived: dict[str, object] = field(default_factory=dict, compare=False)
    # Read by :func:`counted` for an answer of counts alone: (nodes, ties); then `data` is empty.
    counts: tuple[int, int] | None = None

    @property
    def degree(self) -> dict[str, int]:
        """Distinct partners of each actor within the network: counted when first asked for (an
        answer of node and edge counts never asks; it was a fifth of a quarter network's CPU)."""
        found = self.derived.get("degree")
        if not isinstance(found, dict):
            found = self.derived["degree"] = _degrees(self.data)
        return found


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
        raise bad_input(texts.TIE_SOURCE(choices=", ".join(networks.TIE_SOURCES)))
    slugs = list(q.quarters or ()) + ([quarter] if quarter else [])
    quarters = await check_quarters(ctx, slugs) if slugs else None
    if q.min_intensity is not None and not 1 <= q.min_intensity <= 3:
        raise bad_input(texts.MIN_INTENSITY())
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


async def read(ctx: Context, sel: Selection, light: bool = False) -> Network:
    # Read first: a commit after it may or may not be in the network, and applying its change
    # again is harmless; one before it is certainly in.
    current = await revision.current(ctx.db)
    # QM data changes a few times a day: a map opened again at the same revision reads nothing
    # but the revision (every write bumps it, so a cached network is never older than its key).
    key = ("network", sel, light, current)
    cached: Network | None = ctx.services.networks.get(key)
    if cached is None and light:  # the whole rows answer a light read too
        cached = ctx.services.networks.get(("network", sel, False, current))
    if cached is not None:
        with phase("network-cache"):  # the debug mode's Server-Timing says it was served from memory
            return cached
    with phase("network-neo4j"):
        data = await networks.read(ctx.db, sel, light)
    found = Network(data, sel.as_of, ties=sel.ties, revision=current)
    ctx.services.networks.put(key, found, weight=1 + len(data.nodes) + len(data.edges))
    return found


async def counted(ctx: Context, sel: Selection) -> Network:
    """The selection's network for an answer that asks only how many actors and ties it has: a
    network kept in memory answers that, else the counts are counted in Neo4j and kept (nothing
    of the network itself is read). Networks :func:`graph.networks.counts` cannot count are read."""
    if not networks.one_statement(sel):
        return await read(ctx, sel, light=True)
    current = await revision.current(ctx.db)
    services = ctx.services.networks
    for key in (("counts", sel, current), ("network", sel, True, current), ("network", sel, False, current)):
        cached: Network | None = services.get(key)
        if cached is not None:
            with phase("network-cache"):
                return cached
    with phase("network-neo4j"):
        nodes, ties = await networks.counts(ctx.db, sel)
    found = Network(NetworkData([], []), sel.as_of, ties=sel.ties, revision=current, counts=(nodes, ties))
    services.put(("counts", sel, current), found)
    return found


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
        raise bad_input(texts.BETWEEN(name="depth", low=1, high=MAX_DEPTH))
    record = await ctx.loaders.actor_by_id.load(local) if local else None
    if record is None:
        raise ApiError("NOT_FOUND", texts.NOT_FOUND(what=texts.ACTOR, id=actor_id))
    return await selection(ctx, q, as_of, ego=(record.id, depth), ties=ties)


async def ego(
    ctx: Context,
    actor_id: str,
    depth: int,
    q: NetworkQuery | None,
    as_of: dt.date | None,
    ties: str = networks.COOPERATIONS,
    light: bool = False,
    light_edges: bool = False,
) -> Network:
    """The ego network; with cooperations as its ties in one round trip (the centre's existence
    is checked by the same query). ``light_edges``: the answer shows only the ties' ids, ends and
    kinds, so only those are read (such a network is not kept for others)."""
    if ties != networks.COOPERATIONS:
        return await read(ctx, await ego_selection(ctx, actor_id, depth, q, as_of, ties), light)
    local = ids.decode_as(actor_id, "Actor")
    if not 1 <= depth <= MAX_DEPTH:
        raise bad_input(texts.BETWEEN(name="depth", low=1, high=MAX_DEPTH))
    sel = await selection(ctx, q, as_of, ego=(local or "", depth))
    # The revision comes with the network, read first in the same statement.
    found = await networks.ego_at(ctx.db, sel, light, light_edges) if local else None
    if found is None:
        raise ApiError("NOT_FOUND", texts.NOT_FOUND(what=texts.ACTOR, id=actor_id))
    data, current = found
    return Network(data, sel.as_of, ties=sel.ties, revision=current)


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
        raise bad_input(texts.BETWEEN(name="maxLength", low=1, high=paths.MAX_LENGTH))
    if not 1 <= first <= MAX_PATHS:
        raise bad_input(texts.BETWEEN(name="first", low=1, high=MAX_PATHS))
    found = await ctx.loaders.actor_by_id.load_many([a or "", b or ""])
    for given, record in zip((source, target), found, strict=True):
        if record is None:
            raise ApiError("NOT_FOUND", texts.NOT_FOUND(what=texts.ACTOR, id=given))
    if a == b:
        raise bad_input(texts.DIFFERENT_ENDS())
    return await paths.shortest(ctx.db, a or "", b or "", max_length, as_of, first)


@dataclass(frozen=True)
class Analysed:
    projection: Projection
    metrics: metric_analysis.Metrics
    revision: int  # the network state the numbers hold for
    cached: bool  # kept from before this request (not computed for it)
    computed_at: dt.datetime
    stale: bool  # the network has moved on since; a recomputation is under way


FRESH_TRIES = 3  # a fresh reader that joined an older computation computes again, this often at most


async def analysed(ctx: Context, sel: Selection, fresh: bool = False) -> Analysed:
    """Metrics of a selection: the last complete result at once (``stale`` if the network moved on
    since; a background recomputation is then asked for), or with ``fresh`` computed on the
    current data and waited for. The first reader of a selection waits too (there is nothing yet)."""
    require(ctx.principal, rules.NETWORK_METRICS)
    keeper = ctx.services.metrics
    key = ("metrics", sel)
    work = _metrics_work(ctx.db, ctx.services.workers, sel)
    current = await revision.current(ctx.db)
    entry = keeper.get(key)
    if entry is not None and entry.revision >= current:
        return _analysed(entry, cached=True, stale=False)
    if entry is not None and not fresh:
        keeper.refresh(key, work)
        return _analysed(entry, cached=True, stale=True)
    for _ in range(FRESH_TRIES):
        entry = await keeper.now(key, work)
        if entry.revision >= current:
            break
    assert entry is not None
    # Every try may have joined a computation that began before the current revision.
    return _analysed(entry, cached=False, stale=entry.revision < current)


def _analysed(entry: Entry, cached: bool, stale: bool) -> Analysed:
    projection, metrics = entry.value
    return Analysed(projection, metrics, entry.revision, cached, entry.computed_at, stale)


def _metrics_work(db: Database, workers: WorkerPool, sel: Selection) -> Work:
    """How the metrics of ``sel`` are brought up to date, given what is kept (see core/latest.py)."""

    async def work(kept: Entry | None) -> Entry | None:
        current = await revision.current(db)  # read first: every commit up to it is in the network
        if kept is not None:
            if kept.revision >= current:
                return None
            if not _touches(sel, await changes.touched(db, kept.revision, current)):
                return replace(kept, revision=current)  # no write since touched it: the numbers hold
        data = await networks.read(db, sel)
        projection = project(data)
        result = await asyncio.to_thread(metric_analysis.compute, projection, workers.get())
        return Entry((projection, result), current, dt.datetime.now(dt.UTC))

    return work


def _touches(sel: Selection, touched: changes.Touched) -> bool:
    """Whether commits that touched these quarters may change the selection's network."""
    if touched.everywhere:
        return True
    if sel.actors.quarters is None or sel.boundary or sel.ego is not None:
        return bool(touched.quarters)  # the whole network (or partners anywhere): any quarter counts
    return not touched.quarters.isdisjoint(sel.actors.quarters)
