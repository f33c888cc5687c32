"""Third round of issue #17, in memory: the model fitted per deployment on the network's own history,
richer structural signals (analysis/structure.py), and every actor that gains a partner in the test
window evaluated (not a sample of 400).

Pools and the eleven signals come from bench/replica.py exactly as in bench/suggestion_experiments.py;
the structural signals are computed on the same read neighbourhood the service reads. Per-deployment
fitting uses only the network as of the evaluation day: candidates as of day − 1 year, labelled by the
partners first met in that year (both present then), all read from the snapshot of the day — nothing
after the day exists in it. When that history holds fewer than ``MIN_POSITIVES`` positive examples the
shipped coefficients for the same signals are used instead (fitted on growth A's 2020).

``python -m bench.round3 --task A|planted|B|C [--test-actors N]`` prints one table against personalized
PageRank (paired bootstrap); ``--curve`` fits on growing parts of the history (to choose MIN_POSITIVES).
Rules (a) and (b) were added after B's single run and tested once on growth C (``GROWTH_C``). Pools are
cached in /tmp/h17-model-c-cache (delete it to rebuild). Results: bench/RESULTS.md, "Third round".
"""

from __future__ import annotations

import argparse
import datetime as dt
import pickle
import random
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from analysis import structure
from analysis import suggestions as scoring
from analysis.learning import MIN_POSITIVES, fit, level  # the service's own (rule (a) in the background)
from bench import ranking, replica
from bench.evaluate_suggestions import Task, planted, temporal
from bench.grow import GROWTH_C, HELD_OUT, TUNING
from bench.suggestion_experiments import new_partners

CACHE = Path("/tmp/h17-model-c-cache")
COLUMNS = (*scoring.SIGNALS, *structure.STRUCTURE)
N = len(scoring.SIGNALS)
Data = dict[str, tuple[list[str], np.ndarray]]


def task_of(key: str, test_actors: int) -> Task:
    if key == "planted":
        return planted(11, test_actors)
    return temporal({"A": TUNING, "B": HELD_OUT, "C": GROWTH_C}[key], test_actors)


def select(data: Data, labels: dict[str, set[str]]) -> str:
    """The feature set a deployment would choose on its own history alone: two-fold by actor (seeded),
    each set fitted on one half and scored by nDCG@10 on the other; the best mean wins."""
    actors = sorted(data)
    random.Random(11).shuffle(actors)
    halves = [actors[::2], actors[1::2]]
    best, best_score = "", -1.0
    for name, wanted in SETS.items():
        cols = [COLUMNS.index(c) for c in wanted]
        scores = []
        for fit_on, score_on in (halves, halves[::-1]):
            coef = fit({a: data[a] for a in fit_on}, labels, cols)
            ranked = rank({a: data[a] for a in score_on}, lambda x, c=cols, w=coef: x[:, c] @ w)
            scores += [ranking.per_actor(ranked[a], labels[a])[3] for a in score_on if labels.get(a)]
        score = float(np.mean(scores))
        print(f"  inner validation, {name}: nDCG@10 {score:.4f}")
        if score > best_score:
            best, best_score = name, score
    return best


def matrix(task: Task, day: dt.date, actors: list[str], exclude_all: bool) -> Data:
    """Per actor: candidate ids and a row per candidate of the eleven signals and STRUCTURE."""
    d = replica.Day(task.network, day, day if task.as_of else None)
    out: Data = {}
    for a in actors:
        cands, ctx = replica.pool(d, a, exclude_all, with_structure=False)  # computed below, as in the runs
        around = d.snapshot.neighbourhood(a, d.day, exclude_all).around  # as the service reads it
        extra = structure.features(around, a, [c.id for c in cands], {c.id: c.degree for c in cands})
        rows = [[*scoring.vector(scoring.signals(c, ctx, learned=True)[0]), *extra[c.id]] for c in cands]
        out[a] = ([c.id for c in cands], np.array(rows) if rows else np.zeros((0, len(COLUMNS))))
    return out


def cached(name: str, make: Callable[[], Any]) -> Any:
    CACHE.mkdir(exist_ok=True)
    path = CACHE / f"{name}.pickle"
    if path.exists():
        return pickle.loads(path.read_bytes())
    value = make()
    path.write_bytes(pickle.dumps(value))
    return value


def history(task: Task, day: dt.date, key: str) -> tuple[Data, dict[str, set[str]], int]:
    """The year before ``day``: candidates of day − 1 year and which became partners by ``day``."""
    start = day.replace(year=day.year - 1)
    formed = new_partners(task, start, day)
    actors = sorted(formed)
    data = cached(f"{key}-history-{start}", lambda: matrix(task, start, actors, exclude_all=False))
    positives = sum(len(formed[a] & set(data[a][0])) for a in actors)
    return data, formed, positives


def rank(data: Data, scorer: Callable[[np.ndarray], np.ndarray]) -> dict[str, list[str]]:
    out = {}
    for actor, (ids, x) in data.items():
        s = scorer(x) if ids else np.zeros(0)
        order = sorted(range(len(ids)), key=lambda i: (-s[i], ids[i]))
        out[actor] = [ids[i] for i in order[: ranking.K]]
    return out


SETS: dict[str, list[str]] = {
    "signals": list(scoring.SIGNALS),
    "structure only": list(structure.STRUCTURE),
    "signals + structure": [*scoring.SIGNALS, *structure.STRUCTURE],
    "structure + place": [*structure.STRUCTURE, "SAME_QUARTER", "NEIGHBOURING_QUARTER", "DISTANCE"],
}


def describe(cols: list[int], coef: np.ndarray) -> str:
    return ", ".join(f"{COLUMNS[c]} {w:.2f}" for c, w in zip(cols, coef, strict=True) if w > 0.005)


def ship() -> None:
    """The service's DEFAULT_MODEL: *signals + structure* fitted on growth A's 2020 (as the "shipped"
    rows above), its intercept fitted afterwards by analysis.learning.level, as the service's fit does."""
    task = task_of("A", 400)
    start = dt.date(2020, 1, 1)
    data, labels, positives = history(task, dt.date(2021, 1, 1), "A")
    cols = [COLUMNS.index(c) for c in SETS["signals + structure"]]
    coef = fit(data, labels, cols)
    rows = [x[:, cols] for _, (_, x) in sorted(data.items())]
    ys = [[int(c in labels.get(a, set())) for c in ids] for a, (ids, _) in sorted(data.items())]
    groups = [[g] * len(ids) for g, (_, (ids, _)) in enumerate(sorted(data.items()))]
    linear = np.concatenate(rows) @ coef
    b = level(linear, [y for part in ys for y in part], [g for part in groups for g in part])
    named = {COLUMNS[c]: round(float(w), 4) for c, w in zip(cols, coef, strict=True)}
    print(f"window {start} to 2021-01-01: {len(data)} actors, {positives} positives in their pools")
    print(f"coefficients={named!r}")
    print(f"intercept={b:.4f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--task", choices=["planted", "A", "B", "C"])
    parser.add_argument("--ship", action="store_true", help="print the service's DEFAULT_MODEL fit and stop")
    parser.add_argument("--test-actors", type=int, default=100_000, help="default: every actor with a new partner")
    parser.add_argument("--curve", action="store_true")
    args = parser.parse_args()
    if args.ship:
        ship()
        return
    if args.task is None:
        parser.error("--task is required (or --ship)")
    started = time.time()
    task = task_of(args.task, args.test_actors)
    day = task.as_of or dt.date.today()
    n_test = len(task.test)
    test = cached(f"{args.task}-test-{n_test}", lambda: matrix(task, day, task.test, exclude_all=True))
    own, own_labels, own_pos = history(task, day, args.task)
    shipped_task = task_of("A", 400)
    fallback, fallback_labels, fallback_pos = history(shipped_task, dt.date(2021, 1, 1), "A")
    print(f"{args.task}: {n_test} test actors, {sum(len(task.relevant[a]) for a in task.test)} relevant partners")
    print(f"own history (year before {day}): {len(own)} actors, {own_pos} positive examples in their pools")
    print(f"shipped fallback: growth A's 2020, {len(fallback)} actors, {fallback_pos} positives")

    methods: dict[str, Callable[[np.ndarray], np.ndarray]] = {}
    default = np.array(scoring.ELEVEN_SIGNALS_MODEL.coefficients)
    methods["shipped model (11 signals, A's 2020)"] = lambda x: x[:, :N] @ default
    for name, wanted in SETS.items():
        cols = [COLUMNS.index(c) for c in wanted]
        shipped = fit(fallback, fallback_labels, cols)
        print(f"shipped, {name}: {describe(cols, shipped)}")
        methods[f"shipped (A's 2020), {name}"] = lambda x, c=cols, w=shipped: x[:, c] @ w
        if own_pos >= MIN_POSITIVES:
            coef = fit(own, own_labels, cols)
            print(f"per deployment, {name}: {describe(cols, coef)}")
        else:
            coef = shipped
            print(f"per deployment, {name}: fewer than {MIN_POSITIVES} positives — falls back to the shipped one")
        methods[f"per deployment, {name}"] = lambda x, c=cols, w=coef: x[:, c] @ w
    # Two rules suggested by B's single run (so tested cleanly only on growth C):
    # (a) structure only, refitted per deployment; without history the shipped signals + structure;
    # (b) the feature set the deployment's own history chooses (select); without history signals + structure.
    full = [COLUMNS.index(c) for c in SETS["signals + structure"]]
    if own_pos >= MIN_POSITIVES:
        cols = [COLUMNS.index(c) for c in SETS["structure only"]]
        coef = fit(own, own_labels, cols)
        chosen = select(own, own_labels)
        print(f"rule (b) chooses: {chosen}")
        chosen_cols = [COLUMNS.index(c) for c in SETS[chosen]]
        chosen_coef = fit(own, own_labels, chosen_cols)
    else:
        cols = chosen_cols = full
        coef = chosen_coef = fit(fallback, fallback_labels, full)
    methods["rule (a): structure per deployment, else shipped signals + structure"] = lambda x: x[:, cols] @ coef
    methods["rule (b): set chosen on own history, else shipped signals + structure"] = lambda x: (
        x[:, chosen_cols] @ chosen_coef
    )
    if args.curve and own_pos >= MIN_POSITIVES:
        cols = [COLUMNS.index(c) for c in SETS["signals + structure"]]
        actors = sorted(own)
        random.Random(3).shuffle(actors)
        for n in (25, 50, 100, 200, 400):
            part = {a: own[a] for a in actors[:n]}
            pos = sum(len(own_labels[a] & set(part[a][0])) for a in part)
            coef = fit(part, own_labels, cols)
            methods[f"curve: {n} actors, {pos} positives"] = lambda x, c=cols, w=coef: x[:, c] @ w
    walk = COLUMNS.index("PPR_085")
    methods["PageRank inside the pool (local)"] = lambda x: x[:, walk] + 1e-3 * x[:, COLUMNS.index("PPR_RANK")]
    results = {name: ranking.evaluate(rank(test, f), task.relevant, task.test) for name, f in methods.items()}
    reference = "personalized PageRank (α 0.85)"
    top = ranking.personalized_pagerank(task.visible, task.test)
    results[reference] = ranking.evaluate({a: top(a) for a in task.test}, task.relevant, task.test)
    for name, ranker in ranking.baselines(task.visible, task.test).items():
        if name != reference and name != "random":
            results[name] = ranking.evaluate({a: ranker(a) for a in task.test}, task.relevant, task.test)
    print()
    print(ranking.tables(results, reference))
    print(f"(day {day}; n = {n_test}; {time.time() - started:.0f} s)")


if __name__ == "__main__":
    main()
