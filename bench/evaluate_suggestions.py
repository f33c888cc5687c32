"""Evaluation of partner suggestions: three link-prediction tasks, strong baselines, paired intervals.

1. **Planted, random hold-out** (the original task): bench/generate.py's network with planted
   communities (seed 11, 3,000 actors, 15,000 cooperations); 10 % of the cooperations hidden at
   random; test actors are 400 of those with a hidden cooperation. The planted communities lean to
   action fields and quarters, so this task favours the attribute signals by construction.
2. **Temporal split on a growing network** (growth A, the one the method was developed on,
   bench/grow.py): the network *as it was* on the cut day (2022-01-01) is loaded — actors that had
   appeared, ties that had begun, ends that had happened; nothing later exists in the database —
   and the method is asked ``asOf`` the cut day. Relevant: the partners an actor first cooperated
   with in the two years after the cut (both present on the cut day). 400 test actors.
3. **The same on growth B**, a parameterisation written down before any tuning and never tuned on.
4. **The same on growth C** (``--only C``), written down for the third round and run once there.

Methods: the learned model shipped as the default (personalized PageRank among its signals, fitted
with a pairwise ranking loss on growth A's 2020, see ``analysis.suggestions.DEFAULT_MODEL``), the same
model refitted on the evaluated network's own history (the year before the cut: candidates on cut −
1 year, labelled by the ties of that year; only what the loaded snapshot holds), the former hand-set
weights, **rule (a)** as the service fits it (resolvers/refit.py: the snapshot read from the database,
analysis/learning.py on the year before the day, structure only; the shipped default where that year holds
fewer than 200 positive examples — the planted task has no such year), and the baselines of
bench/ranking.py computed on the same snapshot (ties active on the day; any tie rules a partner out).

Metrics P@10, R@10, MRR@10, nDCG@10 per test actor; means with 95 % bootstrap intervals, and
differences to personalized PageRank by a paired bootstrap (the same resampled actors for both).
Per-request latency of the method (median, p95) is reported for the test actors by degree.

Run: ``make bench-suggestions`` (``python -m bench.evaluate_suggestions``; ``--learn`` fits the model
on growth A's history through Neo4j). The same pools built in memory, for trying rankings quickly and
for fitting ``DEFAULT_MODEL``: bench/replica.py and bench/suggestion_experiments.py.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import random
import statistics
import time
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from analysis import learning
from analysis import suggestions as scoring
from analysis.reasons import Words
from analysis.suggestions import DEFAULT_MODEL, Model, Weights
from bench import ranking
from bench.common import BENCH_DIR, neo4j_with_network
from bench.generate import Network, generate
from bench.grow import GROWTH_C, HELD_OUT, TUNING, Growth, grow
from core.access import Principal, Role
from core.context import Context
from core.services import Services
from graph import action_fields
from graph.db import Database, Neo4jSettings
from resolvers import suggestions

K = ranking.K
CUT = dt.date(2022, 1, 1)
HORIZON = dt.date(2023, 12, 31)  # relevant: ties first formed after the cut and by this day
TRAIN_ACTORS = 150
REFERENCE = "personalized PageRank (α 0.85)"
RULE_A = "rule (a): structure refitted on this network's past (else the shipped default)"


@dataclass
class Task:
    key: str  # planted, A or B: names the task's Neo4j home, so tasks can run at once
    name: str
    network: Network  # what is loaded into Neo4j
    visible: ranking.Visible
    relevant: dict[str, set[str]]
    test: list[str]
    as_of: dt.date | None
    learn_from: tuple[dt.date, dt.date] | None  # the history window a refitted model may use


def _pairs(ties: list[dict]) -> list[tuple[str, str]]:
    return [(t["a"], t["b"]) for t in ties]


def _active(ties: list[dict], day: dt.date) -> list[dict]:
    def on(t: dict) -> bool:
        since, until = t["props"]["since"], t["props"]["until"]
        return (since is None or since <= day) and (until is None or until >= day)

    return [t for t in ties if on(t)]


def _sample(candidates: list[str], n: int, seed: int) -> list[str]:
    chosen = sorted(candidates)
    random.Random(seed).shuffle(chosen)
    return sorted(chosen[:n])


def planted(seed: int, test_actors: int) -> Task:
    net = generate(seed, actors=3000, cooperations=15_000)
    ties = list(net.cooperations)
    random.Random(seed).shuffle(ties)
    cut = len(ties) // 10
    hidden, visible = ties[:cut], ties[cut:]
    relevant: dict[str, set[str]] = {}
    for t in hidden:
        relevant.setdefault(t["a"], set()).add(t["b"])
        relevant.setdefault(t["b"], set()).add(t["a"])
    shown = Network(net.seed, net.quarters, net.actors, visible)
    view = ranking.Visible.of(net.actor_ids(), _pairs(_active(visible, dt.date.today())), _pairs(visible))
    test = _sample(list(relevant), test_actors, seed)
    return Task("planted", f"planted, random hold-out (seed {seed})", shown, view, relevant, test, None, None)


def temporal(growth: Growth, test_actors: int) -> Task:
    """The grown network as of CUT, and the partners each actor first met after it (up to HORIZON)."""
    net = grow(growth)
    present = {a["id"] for a in net.actors if a["entered"] <= CUT}
    before = [t for t in net.cooperations if t["props"]["since"] <= CUT]

    def as_known(t: dict) -> dict:  # an end after the cut is not known on the cut day
        until = t["props"]["until"]
        return {**t, "props": {**t["props"], "until": until if until is not None and until <= CUT else None}}

    snapshot_ties = [as_known(t) for t in before]
    known = {frozenset((t["a"], t["b"])) for t in before}
    relevant: dict[str, set[str]] = {}
    for t in net.cooperations:
        new = frozenset((t["a"], t["b"])) not in known
        if new and CUT < t["props"]["since"] <= HORIZON and t["a"] in present and t["b"] in present:
            relevant.setdefault(t["a"], set()).add(t["b"])
            relevant.setdefault(t["b"], set()).add(t["a"])
    actors = [a for a in net.actors if a["id"] in present]
    snapshot = Network(net.seed, net.quarters, actors, snapshot_ties)
    view = ranking.Visible.of(sorted(present), _pairs(_active(snapshot_ties, CUT)), _pairs(snapshot_ties))
    test = _sample(list(relevant), test_actors, growth.seed)
    window = (CUT.replace(year=CUT.year - 1), CUT)
    return Task(growth.name.split()[1], f"temporal split, {growth.name}", snapshot, view, relevant, test, CUT, window)


@dataclass
class Run:
    rankings: dict[str, list[str]]
    seconds: dict[str, float]  # the default model's: candidate pool read and ranked


IN_FLIGHT = 3  # requests at once: the machine is shared, and one at a time would take hours there


async def _methods(
    settings: Neo4jSettings, task: Task, learn_only: bool, learn_actors: int
) -> tuple[dict[str, Run], Model | None]:
    """Each test actor's candidate pool is read once (as the API reads it) and ranked three ways."""
    db = Database(settings)
    try:
        refitted = None
        if task.learn_from:
            ctx = Context.for_request(db, principal=Principal(Role.RESEARCHER, token_id="evaluation"))
            refitted = await suggestions.learn(ctx, *task.learn_from, learn_actors, seed=5)
        if learn_only:
            return {}, refitted
        ways: dict[str, Weights | Model] = {"kiezgraph, learned model (default)": DEFAULT_MODEL}
        if refitted is not None:
            ways["kiezgraph, model refitted on this network's past"] = refitted
        ways["kiezgraph, former hand-set weights"] = Weights()
        day = task.as_of or dt.date.today()
        fitted = await _rule_a(db, day)
        rule_a = DEFAULT_MODEL if fitted is None else _model_of(fitted)  # below 200 positives: the shipped default
        runs = {name: Run({}, {}) for name in [*ways, RULE_A]}
        gate = asyncio.Semaphore(IN_FLIGHT)

        async def one(actor: str) -> None:
            async with gate:
                ctx = Context.for_request(db, principal=Principal(Role.RESEARCHER, token_id="evaluation"))
                started = time.perf_counter()
                found, context = await suggestions.pool(ctx, actor, None, None, None, day, task.as_of, True)
                for name, way in ways.items():
                    runs[name].rankings[actor] = [s.candidate.id for s in scoring.rank(found, context, way, K)]
                    runs[name].seconds[actor] = time.perf_counter() - started
                # the service's own ranking (analysis/suggestions.py ``rank``) with the model it would serve
                runs[RULE_A].rankings[actor] = [s.candidate.id for s in scoring.rank(found, context, rule_a, K)]
                runs[RULE_A].seconds[actor] = time.perf_counter() - started

        await asyncio.gather(*(one(a) for a in task.test[:20]))  # warm caches and plans, then start afresh
        runs = {name: Run({}, {}) for name in [*ways, RULE_A]}
        await asyncio.gather(*(one(a) for a in task.test))
        return runs, refitted
    finally:
        await db.close()


async def _rule_a(db: Database, day: dt.date) -> learning.Fitted | None:
    """Rule (a) as the service fits it (resolvers/refit.py): the snapshot read from Neo4j as the service
    reads it, the year before ``day`` learned by analysis/learning.py; None where that year holds too few
    positive examples (the shipped default ranks then)."""
    services = Services()
    try:
        entry = await services.snapshots.now(suggestions.SNAPSHOT, suggestions.snapshot_work(db))
    finally:
        services.snapshots.close()
    snapshot = entry.value
    catalogue = await action_fields.all_fields(db)
    related = {f.key: (f.key, *f.successors, *f.predecessors) for f in catalogue}
    started = time.perf_counter()
    fitted, reason = await asyncio.to_thread(
        learning.learn, snapshot, day, lambda focus: suggestions.neighbouring(focus, snapshot.quarters), related
    )
    print(f"rule (a), fitted in {time.perf_counter() - started:.1f} s: {reason.en}")
    if fitted is not None:
        print("  coefficients: " + ", ".join(f"{k} {v:.2f}" for k, v in fitted.coefficients.items() if v > 0.005))
    return fitted


def _model_of(fitted: learning.Fitted) -> Model:
    """The per-deployment model as resolvers/refit.py hands it to the ranking."""
    said = Words(
        f"Regel (a), angepasst auf {fitted.start}–{fitted.end}", f"rule (a), fitted on {fitted.start}–{fitted.end}"
    )
    return Model.from_named(
        fitted.coefficients,
        fitted.intercept,
        said,
        start=fitted.start,
        end=fitted.end,
        actors=fitted.actors,
        positives=fitted.positives,
    )


def _latency(run: Run, task: Task) -> str:
    degree = {a: len(task.visible.active.get(a, ())) for a in task.test}
    ordered = sorted(task.test, key=lambda a: degree[a])
    hubs = ordered[-max(1, len(ordered) // 20) :]
    middle = ordered[len(ordered) // 4 : 3 * len(ordered) // 4]

    def line(label: str, group: list[str]) -> str:
        ms = sorted(run.seconds[a] * 1000 for a in group)
        p95 = ms[min(len(ms) - 1, int(0.95 * len(ms)))]
        degrees = [degree[a] for a in group]
        return f"| {label} | {len(group)} | {min(degrees)}–{max(degrees)} | {statistics.median(ms):.0f} | {p95:.0f} |"

    return "\n".join(
        [
            "| test actors | n | partners on the day | median ms | p95 ms |",
            "|---|---:|---|---:|---:|",
            line("all", task.test),
            line("middle half by degree", middle),
            line("hubs (top 5 % by degree)", hubs),
        ]
    )


def evaluate(task: Task, learn_only: bool = False, learn_actors: int = TRAIN_ACTORS) -> Model | None:
    home = BENCH_DIR / "data" / f"neo4j-{task.key}"
    with neo4j_with_network(network=task.network, home=home) as (settings, _):
        runs, refitted = asyncio.run(_methods(settings, task, learn_only, learn_actors))
    if learn_only:
        return refitted
    results: dict[str, np.ndarray] = {
        name: ranking.evaluate(run.rankings, task.relevant, task.test) for name, run in runs.items()
    }
    for name, ranker in ranking.baselines(task.visible, task.test).items():
        results[name] = ranking.evaluate({a: ranker(a) for a in task.test}, task.relevant, task.test)
    hidden = sum(len(task.relevant[a]) for a in task.test)
    print(f"\n### {task.name}\n")
    print(
        f"{len(task.network.actors)} actors and {len(task.network.cooperations)} cooperations loaded; "
        f"{len(task.test)} test actors with {hidden} relevant partners "
        f"(upper bound P@10 {np.mean([min(K, len(task.relevant[a])) / K for a in task.test]):.3f}).\n"
    )
    print(ranking.tables(_ordered(results), REFERENCE))
    if refitted is not None:
        print(f"\nRefitted model: {_model(refitted)}")
    print(f"\nTime to read and rank one pool (in-process, {IN_FLIGHT} at once, shared machine):\n")
    print(_latency(runs["kiezgraph, learned model (default)"], task))
    return refitted


def _ordered(results: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    return dict(sorted(results.items(), key=lambda kv: -float(kv[1][:, 3].mean())))


def _model(m: Model) -> str:
    named = ", ".join(f"{k}={c:.4f}" for k, c in zip(m.signals, m.coefficients, strict=True))
    return f"coefficients: {named}; intercept {m.intercept:.4f}; trained on {m.trained_on.en}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--test-actors", type=int, default=400)
    parser.add_argument("--only", choices=["planted", "A", "B", "C"], action="append", help="run only these tasks")
    parser.add_argument("--learn", action="store_true", help="fit the default model on growth A's history and stop")
    parser.add_argument(
        "--train-actors", type=int, default=TRAIN_ACTORS, help="actors whose history the refitted model learns from"
    )
    args = parser.parse_args()
    if args.learn:
        task = temporal(TUNING, args.test_actors)
        task.learn_from = (CUT.replace(year=CUT.year - 2), CUT.replace(year=CUT.year - 1))
        model = evaluate(task, learn_only=True)
        assert model is not None
        print(_model(model))
        return
    chosen = args.only or ["planted", "A", "B"]
    if "planted" in chosen:
        evaluate(planted(11, args.test_actors), learn_actors=args.train_actors)
    if "A" in chosen:
        evaluate(temporal(TUNING, args.test_actors), learn_actors=args.train_actors)
    if "B" in chosen:
        evaluate(temporal(HELD_OUT, args.test_actors), learn_actors=args.train_actors)
    if "C" in chosen:
        evaluate(temporal(GROWTH_C, args.test_actors), learn_actors=args.train_actors)


if __name__ == "__main__":
    main()
