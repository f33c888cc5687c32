"""Partner suggestions and missing links: candidates from the graph, scoring from analysis/.

Suggestions for today (no `asOf`) are served from an in-memory snapshot of the network
(analysis/candidates.py) when it holds the current revision — the revision read with the request's
bookmarks, so a client is never served a snapshot older than its own writes. A snapshot of an older
revision is caught up by the change feed (:func:`follow_feed`: the records since its revision say which
actors to read again; the feed is in Neo4j, so writes through other instances arrive the same way).
Otherwise (no snapshot yet, a change the feed cannot describe, or `asOf`) they are read through Neo4j
as before, and a build from scratch is asked for in the background (core/latest.py, one at a time).
Both paths build the same pools and features; tests/test_suggestion_snapshot.py compares them. The
computation (pool, PageRank, ranking) runs on a thread of its own, off the lane's event loop.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import random
import threading
import weakref
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future
from dataclasses import dataclass

from analysis import candidates as in_memory
from analysis import missing_links as gaps
from analysis import reasons as words
from analysis import suggestions as scoring
from analysis.projection import project
from analysis.suggestions import haversine_m
from core import access as rules
from core.context import Context
from core.latest import Entry, Latest, Work
from core.timing import phase
from graph import quarters as graph_quarters
from graph import revision, suggestions
from graph.actors import ActorRecord
from graph.db import Database
from graph.quarters import QuarterRecord
from resolvers import ids, quarters, refit, texts
from resolvers.access import require
from resolvers.errors import ApiError, bad_input
from resolvers.filters import check_quarters, expand_action_fields
from resolvers.networks import read, selection

MAX_SUGGESTIONS = 50
NEIGHBOUR_DISTANCE_M = 2500.0


@dataclass(frozen=True)
class Suggested:
    actor: ActorRecord
    suggestion: scoring.Suggestion
    shared_partners: list[ActorRecord]


@dataclass(frozen=True)
class SuggestionResult:
    subject: ActorRecord
    weights: scoring.Weights  # the custom weights, or (with the learned model) the defaults to adjust
    suggestions: list[Suggested]
    model: scoring.Model | None = None  # the learned model, when it ranked
    served_from: str = "neo4j"  # or "snapshot": where the pool was built (tests and Server-Timing say)


def neighbouring(focus: set[str], all_quarters: list[QuarterRecord]) -> set[str]:
    """Quarters next to those in focus: landmarks within 2.5 km, linked by a merger, or — where a
    landmark is unknown — in the same district."""
    by_slug = {q.slug: q for q in all_quarters}
    near: set[str] = set()
    for slug in focus:
        here = by_slug.get(slug)
        if here is None:
            continue
        for other in all_quarters:
            if other.slug in focus:
                continue
            merged = (
                other.id in here.merged_from_ids or other.merged_into_id == here.id or here.merged_into_id == other.id
            )
            if here.landmark and other.landmark:
                close = haversine_m(here.landmark, other.landmark) <= NEIGHBOUR_DISTANCE_M
            else:
                close = here.district == other.district
            if merged or close:
                near.add(other.slug)
    return near


async def suggest(
    ctx: Context,
    actor_id: str,
    action_field: str | None,
    quarter: str | None,
    types: list[str] | None,
    first: int,
    weights: scoring.Weights | None,
    as_of: dt.date | None = None,
) -> SuggestionResult:
    """Ranked partners for an actor: by ``weights`` if given, else by the learned model (``current_model``). Ties count
    as of ``as_of`` (else today): shared partners and partners of partners through ties of that day only;
    recency up to that day. Any cooperation ever recorded with the actor rules a candidate out, whatever
    the day."""
    require(ctx.principal, rules.SUGGEST_PARTNERS)
    local = ids.decode_as(actor_id, "Actor")
    record, current = None, None
    if local and as_of is None:  # the revision the snapshot must hold, read beside the actor: one wait, not two
        record, current = await asyncio.gather(ctx.loaders.actor_by_id.load(local), revision.current(ctx.db))
    elif local:
        record = await ctx.loaders.actor_by_id.load(local)
    if record is None:
        raise ApiError("NOT_FOUND", texts.NOT_FOUND(what=texts.ACTOR, id=actor_id))
    if record.archived:
        raise bad_input(texts.ARCHIVED_NO_SUGGESTIONS())
    if not 1 <= first <= MAX_SUGGESTIONS:
        raise bad_input(texts.FIRST_BETWEEN(low=1, high=MAX_SUGGESTIONS))
    if weights is not None and (any(getattr(weights, name) < 0 for name in vars(weights)) or weights.total() <= 0):
        raise bad_input(texts.BAD_WEIGHTS())
    day = as_of or dt.date.today()
    model = current_model(ctx)
    if model.kind == "deployment" and model.end is not None and model.end > day:
        # fitted on this network's ties up to ``end``: it must not rank a day before that (``asOf`` in the past)
        model = scoring.DEFAULT_MODEL
    snapshot = await current_snapshot(ctx, current) if as_of is None else None
    if snapshot is not None and record.id not in snapshot.index:
        snapshot = None  # cannot happen at the same revision; the database answers all the same
    with phase("suggest-snapshot" if snapshot is not None else "suggest-neo4j"):
        structural = weights is None and model.structural  # custom weights use no structural signal
        candidates, scoring_context, ranked = await _pool(
            ctx,
            record.id,
            action_field,
            quarter,
            types,
            day,
            as_of,
            True,
            snapshot,
            structural,
            (weights or model, first),
        )
        if ranked is None:  # read through Neo4j: ranked on a thread of its own
            ranked = await asyncio.to_thread(scoring.rank, candidates, scoring_context, weights or model, first)
    wanted = {s.candidate.id for s in ranked} | {p for s in ranked for p in s.shared_partner_ids}
    loaded = {a.id: a for a in await ctx.loaders.actor_by_id.load_many(sorted(wanted)) if a is not None}
    result = [
        Suggested(loaded[s.candidate.id], s, [loaded[p] for p in s.shared_partner_ids if p in loaded])
        for s in ranked
        if s.candidate.id in loaded
    ]
    return SuggestionResult(
        record,
        weights or scoring.Weights(),
        result,
        None if weights else model,
        "neo4j" if snapshot is None else "snapshot",
    )


SNAPSHOT = ("suggestions", "snapshot")

# How far the snapshot follows the change feed; beyond it a build from scratch is as cheap and surer.
CATCH_UP_RECORDS = 1000  # audit records of the commits since the snapshot's revision
CATCH_UP_ACTORS = 1000  # actors they touch
NEWEST = 2**62  # a catch-up reads the feed to its end (a revision above any the counter will reach)
# What each kind of change means for the snapshot: the actors it touches are read again ...
_ACTOR_CHANGES = frozenset({"create", "update", "archive", "restore", "set_quarters", "merged_away", "merge"})
_COOPERATION_CHANGES = frozenset({"create", "update", "end", "delete"})
# ... the quarters are read again ...
_QUARTER_CHANGES = frozenset({"setStatus", "handOver"})
# ... nothing it holds changed. Any other entity or operation (a whole network loaded: "Network") is not followed.
_OUTSIDE = frozenset({"Person", "Project", "CouncilDecision", "CouncilSeat", "ApiToken"})

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Followed:
    """What the commits since the snapshot's revision changed of what it holds."""

    actors: frozenset[str]  # to read again, with every cooperation at them
    quarters: bool  # the quarters to read again


def follow(records: list[suggestions.SnapshotChange], after: int, upto: int) -> Followed | None:
    """What the commits after ``after`` up to ``upto`` (their records) changed; None where the feed cannot say
    (too many records or actors, a kind of change not understood, or a commit without records: the feed
    pruned, or an import batch that wrote nothing — rare, and a build from scratch is right for both)."""
    if len(records) >= CATCH_UP_RECORDS or len({r.revision for r in records}) != upto - after:
        return None
    actors: set[str] = set()
    quarters = False
    for r in records:
        if r.entity == "Actor" and r.operation in _ACTOR_CHANGES:
            actors |= {r.id, *r.actors}
        elif r.entity == "Cooperation" and r.operation in _COOPERATION_CHANGES and len(r.actors) == 2:
            actors |= set(r.actors)
        elif r.entity == "Quarter" and r.operation in _QUARTER_CHANGES:
            quarters = True
        elif r.entity not in _OUTSIDE:
            return None
    return Followed(frozenset(actors), quarters) if len(actors) <= CATCH_UP_ACTORS else None


async def catch_up(db: Database, kept: Entry, upto: int) -> Entry | None:
    """The kept snapshot moved on to ``upto`` or later by the change feed — the touched actors and their
    cooperations read again by id in one query, applied on a thread —, or None where a build from scratch is
    needed. It follows the feed as far as it goes, not only to ``upto``: under a stream of writes, requests
    that come while it runs (having read a newer revision) then find the snapshot there, instead of waiting
    for it and then for a second catch-up of their own. Where the commits after ``upto`` cannot be followed,
    it stops at ``upto``."""
    records = await suggestions.snapshot_changes(db, kept.revision, NEWEST, CATCH_UP_RECORDS)
    newest = max(upto, records[-1].revision if records else upto)
    followed = follow(records, kept.revision, newest)
    if followed is None and newest > upto:  # the records up to ``upto`` are all there: later ones came after them
        records, newest = [r for r in records if r.revision <= upto], upto
        followed = follow(records, kept.revision, upto)
    if followed is None:
        return None
    if not followed.actors and not followed.quarters:  # nothing it holds: the same snapshot (its day views too)
        return Entry(kept.value, newest, kept.computed_at)
    actors, ties = await suggestions.snapshot_rows_of(db, sorted(followed.actors)) if followed.actors else ([], [])
    every_quarter = await graph_quarters.all_quarters(db) if followed.quarters else None
    snapshot = await asyncio.to_thread(kept.value.apply, followed.actors, actors, ties, every_quarter)
    return Entry(snapshot, newest, dt.datetime.now(dt.UTC))


class _Following:
    """At most one catch-up at a time per process (per keeper): who comes meanwhile waits for its result."""

    def __init__(self) -> None:
        self.lock = threading.Lock()  # lanes are threads
        self.running: Future[Entry | None] | None = None


_FOLLOWING: weakref.WeakKeyDictionary[Latest, _Following] = weakref.WeakKeyDictionary()
_FOLLOWING_LOCK = threading.Lock()


def _following(keeper: Latest) -> _Following:
    with _FOLLOWING_LOCK:
        found = _FOLLOWING.get(keeper)
        if found is None:
            found = _FOLLOWING[keeper] = _Following()
        return found


async def follow_feed(
    keeper: Latest, db: Database, upto: int, built: Callable[[Entry], None] | None = None
) -> Entry | None:
    """The snapshot at ``upto`` or later: the kept one if it is, else the kept one caught up by the change
    feed (one catch-up at a time; who comes meanwhile waits for it, then catches up the rest if any). None:
    nothing kept, or the feed cannot say what changed (then only a build from scratch will do)."""
    state = _following(keeper)
    while True:
        entry = keeper.get(SNAPSHOT)
        if entry is None or entry.revision >= upto:
            return entry
        with state.lock:
            running, mine = state.running, state.running is None
            if running is None:
                running = state.running = Future()
        if not mine:
            if await asyncio.wrap_future(running) is None:
                return None
            continue  # it moved the snapshot on, perhaps not as far as ``upto``
        moved: Entry | None = None
        try:
            moved = await catch_up(db, entry, upto)
        except Exception as exc:  # the kept snapshot stays; the database answers meanwhile
            log.warning("following the change feed with the suggestions' snapshot failed: %s", exc)
        finally:  # also when cancelled: those waiting must not wait for ever
            if moved is not None:
                keeper.put(SNAPSHOT, moved)
                if built is not None and moved.value is not entry.value:
                    built(moved)
            with state.lock:
                state.running = None
            running.set_result(moved)
        return moved


async def current_snapshot(ctx: Context, current: int | None = None) -> in_memory.Snapshot | None:
    """The snapshot if it holds the current revision (read with the request's bookmarks: never older than
    what this client wrote; ``current``: that revision if the caller read it), caught up by the change feed if
    it is behind; otherwise None, and a (re)build is asked for in the background (the database answers
    meanwhile)."""
    keeper: Latest = ctx.services.snapshots
    if current is None:
        current = await revision.current(ctx.db)
    services, db = ctx.services, ctx.db

    def built(entry: Entry) -> None:
        refit.keep_up(services, db, entry, neighbouring)

    entry = await follow_feed(keeper, db, current, built)
    if entry is not None and entry.revision >= current:
        snapshot: in_memory.Snapshot = entry.value
        return snapshot
    work = snapshot_work(db, built, keeper)
    if keeper.get(SNAPSHOT) is None:
        keeper.start(SNAPSHOT, work)
    else:
        keeper.refresh(SNAPSHOT, work)
    return None


def snapshot_work(db: Database, built: Callable[[Entry], None] | None = None, keeper: Latest | None = None) -> Work:
    """How the snapshot is brought up to date (core/latest.py): with ``keeper`` (where it is kept), the kept one
    caught up by the change feed if it can be; else everything read at the current revision, in pages.
    ``built`` is told of each new snapshot (the deployment's model is fitted on it: resolvers/refit.py)."""

    async def work(kept: Entry | None) -> Entry | None:
        current = await revision.current(db)  # read first: every commit up to it is in what follows
        if kept is not None and kept.revision >= current:
            return None
        if kept is not None and keeper is not None:
            moved = await follow_feed(keeper, db, current, built)
            if moved is not None and moved.revision >= current:
                return None  # kept already (follow_feed put it there)
        actors, ties = await suggestions.snapshot_rows(db)
        every_quarter = await graph_quarters.all_quarters(db)
        snapshot = await asyncio.to_thread(in_memory.Snapshot, actors, ties, every_quarter)
        entry = Entry(snapshot, current, dt.datetime.now(dt.UTC))
        if built is not None:
            built(entry)
        return entry

    return work


def current_model(ctx: Context) -> scoring.Model:
    """The model that ranks today: fitted on this deployment's own past year (resolvers/refit.py) while
    there is such a fit for today's window, else the shipped default. Asks for a (re)fit on the current
    snapshot in the background when one is due (called on the event loop of a request)."""
    entry = ctx.services.snapshots.get(SNAPSHOT)
    if entry is not None:
        refit.keep_up(ctx.services, ctx.db, entry, neighbouring)
    return refit.served(ctx.services)


async def pool(
    ctx: Context,
    actor: str,
    action_field: str | None,
    quarter: str | None,
    types: list[str] | None,
    day: dt.date,
    as_of: dt.date | None,
    exclude_all: bool,
    snapshot: in_memory.Snapshot | None = None,
    with_structure: bool = True,
) -> tuple[Sequence[suggestions.Candidate], scoring.Context]:
    """The candidates for ``actor`` and what the scoring knows about it, as of ``day``: from ``snapshot``
    if given (it must hold the current revision), else read through Neo4j. ``with_structure``: the
    candidates' structural signals too (scoring.Context.structure), from the same neighbourhood."""
    candidates, scoring_context, _ = await _pool(
        ctx, actor, action_field, quarter, types, day, as_of, exclude_all, snapshot, with_structure
    )
    return candidates, scoring_context


async def _pool(
    ctx: Context,
    actor: str,
    action_field: str | None,
    quarter: str | None,
    types: list[str] | None,
    day: dt.date,
    as_of: dt.date | None,
    exclude_all: bool,
    snapshot: in_memory.Snapshot | None = None,
    with_structure: bool = True,
    ranking: tuple[scoring.Weights | scoring.Model, int] | None = None,
) -> tuple[Sequence[suggestions.Candidate], scoring.Context, list[scoring.Suggestion] | None]:
    """``pool``; with ``ranking`` (weights or model, how many) and a snapshot, also the ranked suggestions,
    computed on the same thread as the pool: one hand-over to a thread and back per request instead of two
    (under load each hand-over waits for the lane's loop, which serves other requests meanwhile)."""
    if snapshot is not None:
        subject = snapshot.subject(actor, as_of, day)
    else:
        subject = await suggestions.subject(ctx.db, actor, as_of, day)
    assert subject is not None
    focus = set(await check_quarters(ctx, [quarter])) if quarter else set(subject.quarters)
    # Candidates are looked for under every generation of the fields (the 2010s ones too) ...
    focus_fields = list(await expand_action_fields(ctx, [action_field])) if action_field else []
    own_fields = list(await expand_action_fields(ctx, list(subject.action_fields))) if subject.action_fields else []
    all_quarters = snapshot.quarters if snapshot is not None else await quarters.all_quarters(ctx)
    near = neighbouring(focus, all_quarters)
    known_fields = await ctx.loaders.action_fields()
    successors = {f.key: f.successors for f in known_fields}
    # ... but compared on today's generation, the same way on both sides (a true Jaccard index).
    wanted_fields = [*subject.action_fields, *([action_field.strip()] if action_field else [])]

    def context(structure: Mapping[str, Sequence[float]]) -> scoring.Context:
        return scoring.Context(
            subject=subject,
            focus_quarters=frozenset(focus),
            neighbouring=frozenset(near),
            fields=scoring.current_fields(wanted_fields, successors),
            field_names={f.key: f.name for f in known_fields},
            quarter_names={q.slug: q.name for q in all_quarters},
            day=day,
            successors=successors,
            structure=structure,
        )

    if snapshot is not None:
        in_snapshot = snapshot

        def compute() -> tuple[Sequence[suggestions.Candidate], scoring.Context, list[scoring.Suggestion] | None]:
            candidates, structure = in_snapshot.pool_and_structure(
                actor,
                sorted(focus),
                sorted(focus | near),
                focus_fields or own_fields,
                bool(action_field),
                types,
                day,
                as_of,
                subject.location,
                exclude_all,
                with_structure,
                True,  # a Pool: the ranking makes records only for the candidates it scores exactly
            )
            scoring_context = context(structure)
            ranked = scoring.rank(candidates, scoring_context, *ranking) if ranking is not None else None
            return candidates, scoring_context, ranked

        return await asyncio.to_thread(compute)
    around = await suggestions.neighbourhood(ctx.db, actor, day, exclude_all)
    walk, shared = in_memory.closeness(around, actor)
    found = await suggestions.candidates(
        ctx.db,
        actor,
        sorted(focus),
        sorted(focus | near),
        focus_fields or own_fields,
        require_field=bool(action_field),
        types=types,
        day=day,
        as_of=as_of,
        here=subject.location,
        exclude_all=exclude_all,
        walk=walk,
        shared=shared,
    )
    structure = await asyncio.to_thread(in_memory.structural, around, actor, found) if with_structure else {}
    return found, context(structure), None


async def learn(ctx: Context, start: dt.date, end: dt.date, actors: int, seed: int) -> scoring.Model:
    """A model fitted on the network's own history: for up to ``actors`` actors (a seeded sample) that
    began cooperating with new partners after ``start`` and by ``end``, their candidates as of ``start``
    (nothing later is read: ties, memberships and activity are those of ``start``), labelled by whether
    they became partners in that window."""
    formed = await suggestions.new_partners(ctx.db, start, end)
    chosen = sorted(formed)
    random.Random(seed).shuffle(chosen)
    rows: list[list[float]] = []
    labels: list[int] = []
    groups: list[int] = []
    for g, actor in enumerate(sorted(chosen[:actors])):
        candidates, scoring_context = await pool(ctx, actor, None, None, None, start, start, False)
        for c in candidates:
            found, _ = scoring.signals(c, scoring_context, learned=True)
            rows.append(scoring.vector(found))
            labels.append(int(c.id in formed[actor]))
            groups.append(g)
    said = words.described("OWN_HISTORY", actors=min(actors, len(chosen)), start=start, end=end)
    return scoring.fit_pairwise(rows, labels, groups, said)


@dataclass(frozen=True)
class Gap:
    actors: tuple[ActorRecord, ActorRecord]
    link: gaps.MissingLink


async def missing_links(ctx: Context, quarter: str, first: int) -> list[Gap]:
    require(ctx.principal, rules.MISSING_LINKS)
    if not 1 <= first <= MAX_SUGGESTIONS:
        raise bad_input(texts.FIRST_BETWEEN(low=1, high=MAX_SUGGESTIONS))
    network = await read(ctx, await selection(ctx, None, quarter=quarter))
    p = project(network.data)
    fields_by_id = {n.id: frozenset(n.action_fields) for n in network.data.nodes}
    found = gaps.find(p, [fields_by_id[i] for i in p.ids], first, ctx.language)
    wanted = sorted({p.ids[link.a] for link in found} | {p.ids[link.b] for link in found})
    loaded = {a.id: a for a in await ctx.loaders.actor_by_id.load_many(wanted) if a is not None}
    return [Gap((loaded[p.ids[link.a]], loaded[p.ids[link.b]]), link) for link in found]
