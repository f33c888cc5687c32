"""Evaluation of partner suggestions: four link-prediction tasks, strong baselines, paired intervals.

1. **Planted, random hold-out** (the original task): bench/generate.py's network with planted
   communities (seed 11, 3,000 actors, 15,000 cooperations); 10 % of the cooperations hidden at
   random; test actors: every actor with a hidden cooperation. The planted communities lean to
   action fields and quarters, so this task favours the attribute signals by construction.
2. **Temporal split on a growing network** (growth A, the one the method was developed on,
   bench/grow.py): the network *as it was* on the cut day (2022-01-01) is loaded — actors that had
   appeared, ties that had begun, ends that had happened; nothing later exists in the database —
   and the method is asked ``asOf`` the cut day. Relevant: the partners an actor first cooperated
   with in the two years after the cut (both present on the cut day). Test actors: every actor with
   such a partner.
3. **The same on growth B**, a parameterisation written down before any tuning and never tuned on.
4. **The same on growth C**, written down for the third round and held out.

The method is evaluated **as the service serves it**: the snapshot is built from the loaded database by
the service's own code (resolvers/suggestions.py ``snapshot_work``), **rule (a)** is fitted on it by
analysis/learning.py exactly as resolvers/refit.py fits it (the year before the day, structure only; the
shipped default ``analysis.suggestions.DEFAULT_MODEL`` where that year holds fewer than 200 positive
examples — the planted task has no such year), and every test actor's pool is built from the snapshot by
resolvers.suggestions ``pool`` and ranked by analysis.suggestions ``rank``. The shipped default and the
former hand-set weights rank the same pools. A seeded sample of the test actors (``--neo4j-sample``,
100) is read through Neo4j as well — the path the API takes for ``asOf`` and before a snapshot is
current — and the report says on how many the two paths build the same pool and the same top ten.
The baselines of bench/ranking.py are computed on the same network (ties active on the day; any tie
rules a partner out; ties broken by id).

Metrics P@10, R@10, MRR@10, nDCG@10 per test actor; means with 95 % bootstrap intervals, and
differences to personalized PageRank by a paired bootstrap (the same resampled actors for both).
The time to build and rank one pool is reported for the test actors by degree, for both paths.

Run: ``make bench-suggestions`` (``python -m bench.evaluate_suggestions``; ``--only A`` for one task,
``--test-actors N`` for a seeded sample). The shipped default is fitted by ``python -m bench.round3
--ship``; bench/round3.py and bench/suggestion_experiments.py try rankings on the same pools in memory.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import random
import statistics
import time
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from analysis import learning
from analysis import suggestions as scoring
from analysis.candidates import Snapshot
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
NEO4J_SAMPLE = 100
REFERENCE = "personalized PageRank (α 0.85)"
RULE_A = "rule (a): structure refitted on this network's past (else the shipped default)"
SHIPPED = "shipped default (signals + structure, growth A's 2020)"
HAND_SET = "former hand-set weights"


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


def planted(seed: int, test_actors: int, actors: int = 3000, cooperations: int = 15_000) -> Task:
    net = generate(seed, actors=actors, cooperations=cooperations)
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
    seconds: dict[str, float]  # pool built and ranked, per actor


@dataclass
class Agreement:
    """The Neo4j path (as the API serves ``asOf`` and the first requests after a write) against the
    snapshot path on the same actors, with rule (a)."""

    actors: list[str]
    same_pool: int  # the same candidates
    same_top: int  # the same ten suggestions in the same order
    largest_gap: float  # the largest difference of a shown suggestion's score
    neo4j: Run
    model: Model  # rule (a) as it ranked


IN_FLIGHT = 3  # Neo4j requests at once: the machine is shared, and one at a time takes long there


def _context(db: Database, services: Services) -> Context:
    return Context.for_request(db, services, principal=Principal(Role.RESEARCHER, token_id="evaluation"))


async def _methods(
    settings: Neo4jSettings,
    task: Task,
    neo4j_sample: int,
    others: bool = False,
    refit_actors: int = learning.MAX_ACTORS,
) -> tuple[dict[str, Run], Agreement]:
    """The snapshot built from the loaded database by the service's own code; rule (a) fitted on it by
    analysis/learning.py as resolvers/refit.py does; every test actor's pool built from the snapshot by
    resolvers.suggestions.pool and ranked by analysis.suggestions.rank (``others``: also by the shipped
    default and the former hand-set weights, on the same pool; each way scores every candidate); then a
    sample of the same actors read through Neo4j, to show the two paths agree."""
    db = Database(settings)
    services = Services()
    try:
        entry = await services.snapshots.now(suggestions.SNAPSHOT, suggestions.snapshot_work(db))
        snapshot: Snapshot = entry.value
        day = task.as_of or dt.date.today()
        fitted = await _rule_a(db, snapshot, day, refit_actors)
        rule_a = DEFAULT_MODEL if fitted is None else _model_of(fitted)  # below 200 positives: the shipped default
        ways: dict[str, Weights | Model] = {RULE_A: rule_a}
        if others:
            ways |= {SHIPPED: DEFAULT_MODEL, HAND_SET: Weights()}
        runs = {name: Run({}, {}) for name in ways}
        kept: dict[str, tuple[set[str], dict[str, float]]] = {}  # the sample's pools and shown scores
        sample = set(_sample(task.test, neo4j_sample, 3))
        for actor in task.test:
            started = time.perf_counter()
            found, context = await suggestions.pool(
                _context(db, services), actor, None, None, None, day, task.as_of, True, snapshot, True
            )
            for name, way in ways.items():
                ranked = scoring.rank(found, context, way, K)
                runs[name].rankings[actor] = [s.candidate.id for s in ranked]
                runs[name].seconds[actor] = time.perf_counter() - started
                if name == RULE_A and actor in sample:
                    kept[actor] = ({c.id for c in found}, {s.candidate.id: s.score for s in ranked})
        agreement = await _through_neo4j(db, services, task, day, rule_a, kept, runs[RULE_A], sorted(sample))
        return runs, agreement
    finally:
        services.snapshots.close()
        await db.close()


async def _through_neo4j(
    db: Database,
    services: Services,
    task: Task,
    day: dt.date,
    model: Model,
    kept: dict[str, tuple[set[str], dict[str, float]]],
    snapshot: Run,
    chosen: list[str],
) -> Agreement:
    """The ``chosen`` test actors ranked by ``model`` on pools read through Neo4j, compared with the snapshot
    path's pools, rankings and shown scores for the same actors (``kept``, ``snapshot``)."""
    neo4j = Run({}, {})
    gaps: list[float] = [0.0]
    same_pool = same_top = 0
    gate = asyncio.Semaphore(IN_FLIGHT)

    async def one(actor: str, keep: bool) -> None:
        nonlocal same_pool, same_top
        async with gate:
            started = time.perf_counter()
            found, context = await suggestions.pool(
                _context(db, services), actor, None, None, None, day, task.as_of, True, None, model.structural
            )
            ranked = scoring.rank(found, context, model, K)
            if keep:
                neo4j.rankings[actor] = [s.candidate.id for s in ranked]
                neo4j.seconds[actor] = time.perf_counter() - started
                pool, scores = kept[actor]
                same_pool += {c.id for c in found} == pool
                same_top += neo4j.rankings[actor] == snapshot.rankings[actor]
                gaps.extend(abs(s.score - scores[s.candidate.id]) for s in ranked if s.candidate.id in scores)

    await asyncio.gather(*(one(a, False) for a in chosen[:5]))  # warm the database's caches and plans
    await asyncio.gather(*(one(a, True) for a in chosen))
    return Agreement(chosen, same_pool, same_top, max(gaps), neo4j, model)


async def _rule_a(
    db: Database, snapshot: Snapshot, day: dt.date, actors: int = learning.MAX_ACTORS
) -> learning.Fitted | None:
    """Rule (a) as the service fits it (resolvers/refit.py ``fit_work``, with ``day`` for today): on the
    snapshot, the year before ``day`` learned by analysis/learning.py; None where that year holds too few
    positive examples (the shipped default ranks then)."""
    catalogue = await action_fields.all_fields(db)
    related = {f.key: (f.key, *f.successors, *f.predecessors) for f in catalogue}
    started = time.perf_counter()
    fitted, reason = await asyncio.to_thread(
        learning.learn,
        snapshot,
        day,
        lambda focus: suggestions.neighbouring(focus, snapshot.quarters),
        related,
        learning.MIN_POSITIVES,
        actors,  # the service's KIEZGRAPH_SUGGESTION_REFIT_ACTORS (400 unless set)
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


def _latency(run: Run, task: Task, actors: list[str]) -> str:
    degree = {a: len(task.visible.active.get(a, ())) for a in actors}
    ordered = sorted(actors, key=lambda a: degree[a])
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
            line("all", actors),
            line("middle half by degree", middle),
            line("hubs (top 5 % by degree)", hubs),
        ]
    )


def evaluate(
    task: Task, neo4j_sample: int = NEO4J_SAMPLE, others: bool = False, refit_actors: int = learning.MAX_ACTORS
) -> None:
    home = BENCH_DIR / "data" / f"neo4j-{task.key}"
    started = time.perf_counter()
    with neo4j_with_network(network=task.network, home=home) as (settings, _):
        runs, agreement = asyncio.run(_methods(settings, task, neo4j_sample, others, refit_actors))
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
    print(f"\nRule (a) as served: {_model(agreement.model)}")
    print(_agreement(agreement, task, runs[RULE_A]))
    print("\nTime to build and rank one pool on the snapshot path (in-process, one at a time, shared machine):\n")
    print(_latency(runs[RULE_A], task, task.test))
    print(f"\nThe same through Neo4j ({IN_FLIGHT} at once):\n")
    print(_latency(agreement.neo4j, task, agreement.actors))
    print(f"\n(task evaluated in {time.perf_counter() - started:.0f} s, load average {_load()})")


def _agreement(found: Agreement, task: Task, snapshot: Run) -> str:
    """How far the Neo4j path agrees with the snapshot path on the sample, and both paths' metrics there."""
    n = len(found.actors)
    both = {
        "rule (a), snapshot path": ranking.evaluate(snapshot.rankings, task.relevant, found.actors),
        "rule (a), Neo4j path": ranking.evaluate(found.neo4j.rankings, task.relevant, found.actors),
    }
    means = {name: " | ".join(f"{v:.3f}" for v in values.mean(axis=0)) for name, values in both.items()}
    return "\n".join(
        [
            f"\nSnapshot path against the Neo4j path on {n} of these test actors (a seeded sample): "
            f"the same pool for {found.same_pool}/{n}, the same ten suggestions in the same order for "
            f"{found.same_top}/{n}; largest difference of a shown score {found.largest_gap:.2g}.\n",
            "| rule (a) on the sample | " + " | ".join(ranking.METRICS) + " |",
            "|---|" + "---:|" * len(ranking.METRICS),
            *(f"| {name} | {row} |" for name, row in means.items()),
        ]
    )


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def _ordered(results: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    return dict(sorted(results.items(), key=lambda kv: -float(kv[1][:, 3].mean())))


def _model(m: Model) -> str:
    named = ", ".join(f"{k}={c:.4f}" for k, c in zip(m.signals, m.coefficients, strict=True) if c > 0)
    return f"coefficients {named}; intercept {m.intercept:.4f}; trained on {m.trained_on.en}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--test-actors", type=int, default=None, help="a seeded sample (default: every test actor)")
    parser.add_argument("--neo4j-sample", type=int, default=NEO4J_SAMPLE, help="actors also read through Neo4j")
    parser.add_argument(
        "--others", action="store_true", help="also rank by the shipped default and the former hand-set weights"
    )
    parser.add_argument(
        "--refit-actors",
        type=int,
        default=learning.MAX_ACTORS,
        help="at most this many actors in rule (a)'s fit (the service's KIEZGRAPH_SUGGESTION_REFIT_ACTORS)",
    )
    parser.add_argument("--only", choices=["planted", "A", "B", "C"], action="append", help="run only these tasks")
    args = parser.parse_args()
    every = args.test_actors or 10**9
    chosen = args.only or ["planted", "A", "B", "C"]
    if "planted" in chosen:
        evaluate(planted(11, every), args.neo4j_sample, args.others, args.refit_actors)
    for key, growth in (("A", TUNING), ("B", HELD_OUT), ("C", GROWTH_C)):
        if key in chosen:
            evaluate(temporal(growth, every), args.neo4j_sample, args.others, args.refit_actors)


if __name__ == "__main__":
    main()
