"""The faster suggestion computations give exactly what the plain ones gave (issue 17, h17-hubs-e).

The request path now reads a neighbourhood's ties into arrays once and walks them at both dampings
(analysis/proximity.py ``ties``), and ranks the pool with a lean score that builds no Signal per
candidate (analysis/suggestions.py ``_learned_value``). The plain versions are kept here as the
reference, written the way the service computed them before, and compared on a generated network,
value for value (equality, not closeness: a last-bit difference could reorder tied candidates).
"""

from __future__ import annotations

import copy
import datetime as dt
import math
import threading
from collections.abc import Mapping, Sequence
from dataclasses import replace

import numpy as np

from analysis import proximity, structure
from analysis import suggestions as scoring
from analysis.candidates import Pool, Snapshot
from bench import replica
from bench.generate import generate
from graph.suggestions import Candidate, SnapshotActor, SnapshotTie


def plain_pagerank(around: Mapping[str, Sequence[str]], source: str, damping: float) -> dict[str, float]:
    """The push rounds on ties gathered one by one (the former proximity.personalized_pagerank)."""
    ids = [source, *sorted(set(around) - {source})]
    index = {a: i for i, a in enumerate(ids)}
    src: list[int] = []
    dst: list[int] = []
    share: list[float] = []
    for u, partners in around.items():
        for v in partners:
            if v not in index:
                index[v] = len(ids)
                ids.append(v)
            src.append(index[u])
            dst.append(index[v])
            share.append(1.0 / len(partners))
    frm, to, weight = np.array(src, dtype=np.int64), np.array(dst, dtype=np.int64), np.array(share)
    estimate, residue = np.zeros(len(ids)), np.zeros(len(ids))
    residue[0] = 1.0
    rounds = 0
    while rounds < proximity.MAX_ROUNDS and residue.sum() > proximity.TOLERANCE:
        estimate += (1 - damping) * residue
        residue = damping * np.bincount(to, weights=weight * residue[frm], minlength=len(ids))
        rounds += 1
    return {a: float(estimate[i]) for i, a in enumerate(ids) if estimate[i] > 0}


def plain_value(c: scoring.Candidate, ctx: scoring.Context, model: scoring.Model) -> float:
    """The learned score from the signals with their words (the former _learned_value)."""
    found, _ = scoring.signals(c, ctx, learned=True, with_structure=False)
    linear = sum(model.weight(s.kind) * s.value for s in found)
    values = ctx.structure.get(c.id)
    if values:
        weights = [model.weight(k) for k in structure.STRUCTURE]
        linear += sum(w * v for w, v in zip(weights, values, strict=True) if v > 0)
    return 1 / (1 + math.exp(-(model.intercept + linear)))


def test_walks_on_ties_read_once_equal_the_walks_on_ties_gathered_one_by_one() -> None:
    network = generate(seed=23, quarters=4, actors=300, cooperations=1400)
    day = replica.Day(network, dt.date(2025, 1, 1), None)
    compared = 0
    for actor in network.actor_ids()[:40]:
        around = day.snapshot.neighbourhood(actor, day.day).around
        read = proximity.ties(around, actor)
        for damping in (0.85, 0.5):
            expected = plain_pagerank(around, actor, damping)
            assert proximity.personalized_pagerank(around, actor, damping=damping).scores == expected
            assert proximity.personalized_pagerank(read, actor, damping=damping).scores == expected
            compared += len(expected)
    assert compared > 1000


def test_the_pools_structure_is_that_of_walks_computed_apart() -> None:
    """pool_and_structure walks the neighbourhood's ties read once; features computed from the plain
    neighbourhood (each PageRank on its own) are the same, value for value."""
    network = generate(seed=29, quarters=4, actors=300, cooperations=1400)
    day = replica.Day(network, dt.date(2025, 1, 1), None)
    checked = 0
    for actor in network.actor_ids()[:30]:
        candidates, context = replica.pool(day, actor)
        around = day.snapshot.neighbourhood(actor, day.day).around
        long_walk = plain_pagerank(around, actor, 0.85)
        assert all(c.walk == long_walk.get(c.id, 0.0) for c in candidates)
        apart = structure.features(around, actor, [c.id for c in candidates], {c.id: c.degree for c in candidates})
        assert dict(context.structure) == apart
        checked += sum(any(v > 0 for v in values) for values in apart.values())
    assert checked > 200


def test_the_lean_ranking_score_equals_the_score_built_from_signals() -> None:
    network = generate(seed=31, quarters=4, actors=300, cooperations=1400)
    day = replica.Day(network, dt.date(2025, 1, 1), None)
    models = (scoring.DEFAULT_MODEL, scoring.ELEVEN_SIGNALS_MODEL)
    checked = 0
    for actor in network.actor_ids()[:30]:
        candidates, context = replica.pool(day, actor)
        for c in candidates:
            for model in models:
                assert scoring._learned_value(c, context, model) == plain_value(c, context, model)
                checked += 1
    assert checked > 2000


def every_signal_model() -> scoring.Model:
    """A model that weighs every signal, so that each part of the ranking's bounds is exercised."""
    coefficients = {name: 0.3 + 0.1 * (i % 7) for i, name in enumerate(scoring.ALL_SIGNALS)}
    return scoring.Model.from_named(coefficients, -3.0, scoring.DEFAULT_MODEL.trained_on)


def flat_model() -> scoring.Model:
    """Every coefficient 0: every candidate scores the same, and only names and ids order them."""
    return scoring.Model.from_named(dict.fromkeys(scoring.ALL_SIGNALS, 0.0), -1.0, scoring.DEFAULT_MODEL.trained_on)


def test_the_ranking_shows_what_scoring_every_candidate_shows() -> None:
    """The ranking scores exactly only the candidates whose bound can reach the shown ones (most of a pool is
    left out); what it shows is what scoring every candidate with the plain score and sorting shows: the same
    candidates in the same order (ties by name and id included), with the same scores and reasons."""
    network = generate(seed=37, quarters=4, actors=300, cooperations=1400)
    day = replica.Day(network, dt.date(2025, 1, 1), None)
    models = (scoring.DEFAULT_MODEL, scoring.ELEVEN_SIGNALS_MODEL, every_signal_model(), flat_model())
    compared = 0
    for actor in network.actor_ids()[:30]:
        candidates, context = replica.pool(day, actor)
        for model in models:
            everyone = sorted(candidates, key=lambda c: (-plain_value(c, context, model), c.name, c.id))
            for first in (1, 5, 10, 50):
                shown = scoring.rank(candidates, context, model, first)
                assert [s.candidate for s in shown] == everyone[:first]
                assert shown == [scoring.score_learned(c, context, model) for c in everyone[:first]]
                compared += len(shown)
    assert compared > 3000


def test_bases_carried_past_a_write_are_those_the_new_snapshot_would_compute() -> None:
    """After a change is applied, the new snapshot starts with the candidates' bases of the old one for the actors
    the change cannot reach (``Snapshot.apply``); each of them equals the base the new snapshot computes afresh,
    and the touched actors and their partners (before and after) are computed anew."""
    network = generate(seed=41, quarters=4, actors=300, cooperations=1400)
    day = replica.Day(network, dt.date(2025, 1, 1), None)
    past = replica.Day(network, dt.date(2025, 1, 1), dt.date(2023, 6, 1))
    old = day.snapshot
    for actor in network.actor_ids()[:25]:  # fills the day's bases, as requests do
        replica.pool(day, actor)
        replica.pool(past, actor)
    before = dict(old.day(day.day).bases)
    assert len(before) > 200
    # One write: an actor moves (its partners' estimated locations change) and gets a new partner; another
    # loses every tie (all the ties at both are read again and replace theirs).
    moved, bare, other = network.actor_ids()[3], network.actor_ids()[7], network.actor_ids()[250]
    touched = {moved, bare}
    at = [old.actors[old.index[a]] for a in sorted(touched)]
    now = [
        replace(a, location=(52.5, 13.4)) if a.id == moved else replace(a, memberships=a.memberships[:1]) for a in at
    ]
    ties = [
        SnapshotTie(old.ids[a], old.ids[b], None, None, dt.date(2020, 1, 1), old.tie_fields[k])
        for k, (a, b) in enumerate(zip(old.ta.tolist(), old.tb.tolist(), strict=True))
        if moved in (old.ids[a], old.ids[b]) and bare not in (old.ids[a], old.ids[b])
    ]
    ties.append(SnapshotTie(moved, other, dt.date(2024, 5, 1), None, None, ("bildung",)))
    new = old.apply(touched, now, ties)
    carried = new.day(day.day).bases
    assert 0 < len(carried) < len(before)
    assert all(key[0] != new.index[a] for key in carried for a in [*touched, other])
    fresh = new._view(day.day)  # the same day's view, with no bases yet
    for (k, as_of), base in carried.items():
        new._candidate(fresh, k, as_of, {}, {})
        assert fresh.bases[(k, as_of)] == base, (new.ids[k], as_of)


def test_a_snapshot_caught_up_holds_the_adjacency_and_day_views_a_build_from_its_ties_gives() -> None:
    """``Snapshot.apply`` patches the adjacency (the kept incidences in place, the new ones merged in) and a new
    day's view (only the actors the change reached counted again); both equal what sorting every incidence and
    counting every actor give on the new snapshot's ties — after changes that remove ties, add ties (one to a
    new actor, one to itself), move an actor, and remove an actor."""
    network = generate(seed=43, quarters=4, actors=300, cooperations=1400)
    days = (dt.date(2025, 1, 1), dt.date(2019, 6, 30))
    snapshot = replica.Day(network, days[0], None).snapshot
    ids = network.actor_ids()
    newcomer = SnapshotActor(
        "new-actor", "Neu e.V.", "INITIATIVE", True, (52.49, 13.43), None, (("synth-01", None, None),), ("bildung",)
    )

    def ties_at(s: Snapshot, touched: set[str], drop: set[str]) -> list[SnapshotTie]:
        return [
            SnapshotTie(s.ids[a], s.ids[b], None, None, dt.date(2020, 1, 1), s.tie_fields[k])
            for k, (a, b) in enumerate(zip(s.ta.tolist(), s.tb.tolist(), strict=True))
            if {s.ids[a], s.ids[b]} & touched and not {s.ids[a], s.ids[b]} & drop
        ]

    changes = [  # (touched, the touched actors as they are now, or None where gone; ties dropped; ties added)
        ({ids[3], ids[7]}, {ids[3]: {"location": (52.5, 13.4)}}, {ids[7]}, [(ids[3], ids[250], dt.date(2018, 5, 1))]),
        ({ids[9], newcomer.id}, {}, set(), [(newcomer.id, ids[9], dt.date(2017, 2, 1)), (ids[9], ids[9], None)]),
        ({ids[11]}, {ids[11]: None}, set(), []),
    ]
    for touched, edits, drop, added in changes:
        for day in days:
            snapshot.day(day)  # the views a request built before the write
        now = []
        for a in sorted(touched):
            if a == newcomer.id:
                now.append(newcomer)
            elif edits.get(a, {}) is not None:
                now.append(replace(snapshot.actors[snapshot.index[a]], **edits.get(a, {})))
        gone = {a for a, e in edits.items() if e is None}
        ties = ties_at(snapshot, touched, drop | gone)
        ties += [SnapshotTie(a, b, since, None, dt.date(2021, 3, 1), ()) for a, b, since in added]
        fields_kept = [
            f
            for k, f in enumerate(snapshot.tie_fields)
            if not {snapshot.ta[k], snapshot.tb[k]} & {snapshot.index[a] for a in touched if a in snapshot.index}
        ]
        new = snapshot.apply(touched, now, ties)
        assert new.tie_fields[: len(fields_kept)] == fields_kept
        built = copy.copy(new)
        built._earlier = {}
        built._adjacency()  # every incidence sorted again
        for name in ("owner", "nbr", "tie", "second", "ptr"):
            assert np.array_equal(getattr(new, name), getattr(built, name)), name
        for day in days:
            patched, counted = new.day(day), built._view(day)
            for name in ("on_ptr", "on_nbr", "on_count", "begun_inc", "degree", "recent", "latest"):
                assert np.array_equal(getattr(patched, name), getattr(counted, name)), (day, name)
            for name in ("partners_lat", "partners_lon"):
                assert np.array_equal(getattr(patched, name), getattr(counted, name), equal_nan=True), (day, name)
        snapshot = new


def lazy_pool(d: replica.Day, actor: str, context: scoring.Context) -> tuple[Sequence[Candidate], scoring.Context]:
    """The pool as the service builds it from its snapshot (a Pool, the structure computed when asked for),
    with the scoring context of ``replica.pool``."""
    found, values = d.snapshot.pool_and_structure(
        actor,
        sorted(context.focus_quarters),
        sorted(context.focus_quarters | context.neighbouring),
        sorted(context.subject.action_fields),
        False,
        None,
        d.day,
        d.as_of,
        context.subject.location,
        True,
        True,
        True,
    )
    return found, replace(context, structure=values)


def test_the_services_lazy_pool_ranks_and_explains_as_the_whole_pool() -> None:
    """The service's path builds a record only for the candidates the ranking scores exactly, and a candidate's
    structural signals only when asked for; its pool holds the same candidates in the same order, with the same
    features and structural signals, and every model shows the same suggestions with the same scores and
    reasons as from the whole pool. After a write applied to the snapshot (an actor takes up an action field,
    moves far away and gets a new partner), the pools equal those of a snapshot that computes everything
    afresh: what the snapshot keeps between requests (each field's members, partners' ids) is not stale."""
    network = generate(seed=43, quarters=4, actors=300, cooperations=1400)
    day = replica.Day(network, dt.date(2025, 1, 1), None)
    models = (scoring.DEFAULT_MODEL, scoring.ELEVEN_SIGNALS_MODEL, every_signal_model(), flat_model())
    compared = 0

    def compare(actors: Sequence[str], reference: replica.Day) -> None:
        nonlocal compared
        for actor in actors:
            candidates, context = replica.pool(reference, actor)
            lazy, lazy_context = lazy_pool(day, actor, context)
            assert isinstance(lazy, Pool)
            assert list(lazy) == candidates
            assert dict(lazy_context.structure) == dict(context.structure)
            for model in models:
                bounds = scoring._upper_bounds(lazy, lazy_context, model)
                exact = np.array([scoring._learned_value(c, context, model) for c in candidates])
                assert (bounds >= exact).all()
                for first in (1, 5, 10, 50):
                    shown = scoring.rank(lazy, lazy_context, model, first)
                    assert shown == scoring.rank(candidates, context, model, first)
                    compared += len(shown)

    compare(network.actor_ids()[:20], day)
    old = day.snapshot
    moved, other = network.actor_ids()[5], network.actor_ids()[260]
    at = old.actors[old.index[moved]]
    taken_up = next(f for f in ("bildung", "gesundheit-bewegung", "oeffentlicher-raum") if f not in at.action_fields)
    now = [replace(at, location=(48.14, 11.58), action_fields=(*at.action_fields, taken_up))]
    ties = [
        SnapshotTie(old.ids[a], old.ids[b], None, None, dt.date(2020, 1, 1), old.tie_fields[k])
        for k, (a, b) in enumerate(zip(old.ta.tolist(), old.tb.tolist(), strict=True))
        if moved in (old.ids[a], old.ids[b])
    ]
    ties.append(SnapshotTie(moved, other, dt.date(2024, 5, 1), None, None, (taken_up,)))
    day.snapshot = old.apply({moved}, now, ties)
    afresh = copy.copy(replica.Day(network, day.day, None))
    afresh.snapshot = copy.copy(day.snapshot)  # the same data, nothing kept from earlier requests or snapshots
    afresh.snapshot._days, afresh.snapshot._carried, afresh.snapshot._earlier = {}, {}, {}
    afresh.snapshot._working_masks, afresh.snapshot._lock = {}, threading.Lock()
    working = [a for a in network.actor_ids() if taken_up in day.snapshot.actors[day.snapshot.index[a]].action_fields]
    compare([moved, other, *network.actor_ids()[:20], *working[:20]], afresh)
    assert compared > 3000
    # Found through the field alone (no quarter in focus, no location, no walk), the new member included.
    quarters = sorted(day.snapshot.member_ids)
    offered = 0
    for asker in network.actor_ids()[:10]:
        found = [c.id for c in day.snapshot.candidates(asker, [], quarters, [taken_up], True, None, day.day, lazy=True)]
        assert found == [c.id for c in afresh.snapshot.candidates(asker, [], quarters, [taken_up], True, None, day.day)]
        offered += moved in found
    assert offered > 0
