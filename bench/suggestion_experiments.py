"""Offline experiments on stored candidate pools (bench/suggestion_pools.py): why the learned model
loses to personalized PageRank, and which changes to the model close the gap.

Every way of ranking here ranks the *same* pools the API read, with the same signals
(analysis.suggestions.signals) plus the extra structural signals tried; personalized PageRank is
computed exactly on the snapshot of the day (bench/ranking.Walk). Training uses only the year before
the cut (pools of cut − 1 year, labels: partners first met in that year). Nothing here is shipped:
what wins is then built into analysis/ and evaluated end to end by bench/evaluate_suggestions.py.

``python -m bench.suggestion_experiments --task A`` prints coverage, feature statistics and a table
of methods against personalized PageRank (paired bootstrap).
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import random
from collections.abc import Callable
from typing import Any

import numpy as np

from analysis import reasons as words
from analysis import suggestions as scoring
from bench import ranking, replica
from bench.evaluate_suggestions import CUT, Task, _active, _pairs, planted, temporal
from bench.grow import HELD_OUT, TUNING

EXTRA = ("PPR", "RA", "LOG_DEGREE", "PPR_RANK")


def visible_on(task: Task, day: dt.date) -> ranking.Visible:
    ties = [t for t in task.network.cooperations if t["props"]["since"] is None or t["props"]["since"] <= day]
    return ranking.Visible.of(task.network.actor_ids(), _pairs(_active(ties, day)), _pairs(ties))


def ppr_columns(v: ranking.Visible, actors: list[str]) -> dict[str, dict[str, float]]:
    walk = ranking.Walk(v)
    out: dict[str, dict[str, float]] = {}
    for start in range(0, len(actors), 100):
        chunk = actors[start : start + 100]
        scores = walk.pagerank(chunk)
        for j, a in enumerate(chunk):
            col = scores[:, j]
            nz = np.nonzero(col)[0]
            out[a] = {v.ids[i]: float(col[i]) for i in nz}
    return out


def features(pools: dict[str, Any], v: ranking.Visible, ppr: dict[str, dict[str, float]]) -> dict[str, Any]:
    """Per actor: candidate ids and a matrix of SIGNALS + EXTRA columns."""
    out = {}
    for actor, (cands, ctx) in pools.items():
        p = ppr.get(actor, {})
        mine = v.active.get(actor, set())
        order = sorted(cands, key=lambda c: -p.get(c.id, 0.0))
        rank_of = {c.id: i for i, c in enumerate(order)}
        rows = []
        for c in cands:
            found, _ = scoring.signals(c, ctx, learned=True)
            base = scoring.vector(found)
            value = p.get(c.id, 0.0)
            ppr_x = min(1.0, max(0.0, 1 + math.log10(value) / 5)) if value > 0 else 0.0
            ra = sum(1.0 / len(v.active[m]) for m in mine & v.active.get(c.id, set()))
            rank_x = 1.0 / (1 + rank_of[c.id]) if value > 0 else 0.0
            rows.append([*base, ppr_x, 1 - math.exp(-ra), math.log1p(c.degree) / math.log(65), rank_x])
        out[actor] = ([c.id for c in cands], np.array(rows) if rows else np.zeros((0, len(scoring.SIGNALS) + 4)))
    return out


COLUMNS = (*scoring.SIGNALS, *EXTRA)


def fit_pointwise(data: dict[str, Any], labels: dict[str, set[str]], cols: list[int]) -> np.ndarray:
    rows, ys, gs = [], [], []
    for g, (actor, (ids, x)) in enumerate(sorted(data.items())):
        for i, c in enumerate(ids):
            rows.append(x[i, cols])
            ys.append(int(c in labels.get(actor, ())))
            gs.append(g)
    return scoring.pointwise_coefficients(rows, ys, gs)[:-1]


def fit_pairwise(
    data: dict[str, Any], labels: dict[str, set[str]], cols: list[int], l2: float = 1e-3, steps: int = 1500
) -> np.ndarray:
    """Pairwise logistic loss (each positive against each negative of the same actor), every actor weighing
    the same, coefficients ≥ 0."""
    diffs, weights = [], []
    for actor, (ids, x) in sorted(data.items()):
        pos = [i for i, c in enumerate(ids) if c in labels.get(actor, ())]
        neg = [i for i, c in enumerate(ids) if c not in labels.get(actor, ())]
        if not pos or not neg:
            continue
        d = (x[pos][:, None, cols] - x[neg][None, :, cols]).reshape(-1, len(cols))
        diffs.append(d)
        weights.append(np.full(len(d), 1.0 / len(d)))
    d = np.vstack(diffs)
    w = np.concatenate(weights)
    w /= w.sum()
    theta = np.zeros(len(cols))
    m = np.zeros_like(theta)
    s = np.zeros_like(theta)
    for t in range(1, steps + 1):
        z = d @ theta
        grad = -(d.T @ (w / (1 + np.exp(z)))) + l2 * theta
        m = 0.9 * m + 0.1 * grad
        s = 0.999 * s + 0.001 * grad * grad
        theta -= 0.05 * (m / (1 - 0.9**t)) / (np.sqrt(s / (1 - 0.999**t)) + 1e-8)
        theta = np.maximum(theta, 0.0)
    return theta


def rank_with(data: dict[str, Any], scorer: Callable[[np.ndarray], np.ndarray]) -> dict[str, list[str]]:
    out = {}
    for actor, (ids, x) in data.items():
        if not ids:
            out[actor] = []
            continue
        s = scorer(x)
        order = sorted(range(len(ids)), key=lambda i: (-s[i], ids[i]))
        out[actor] = [ids[i] for i in order[: ranking.K]]
    return out


def build(task: Task, day: dt.date, actors: list[str], exclude_all: bool) -> dict[str, Any]:
    d = replica.Day(task.network, day, day if task.as_of else None)
    return {a: replica.pool(d, a, exclude_all) for a in actors}


def new_partners(task: Task, start: dt.date, end: dt.date) -> dict[str, set[str]]:
    """As graph.suggestions.new_partners on the snapshot: first ties after start, by end, both there by start."""
    before = {frozenset((t["a"], t["b"])) for t in task.network.cooperations if t["props"]["since"] <= start}
    there = {a["id"] for a in task.network.actors if a.get("entered", start) <= start}
    out: dict[str, set[str]] = {}
    for t in task.network.cooperations:
        a, b = t["a"], t["b"]
        if start < t["props"]["since"] <= end and frozenset((a, b)) not in before and a in there and b in there:
            out.setdefault(a, set()).add(b)
            out.setdefault(b, set()).add(a)
    return out


def task_of(key: str) -> Task:
    return planted(11, 400) if key == "planted" else temporal(TUNING if key == "A" else HELD_OUT, 400)


def training(task: Task, actors: int = 150) -> tuple[dict[str, Any], dict[str, set[str]], dt.date]:
    assert task.learn_from is not None
    start, end = task.learn_from
    formed = new_partners(task, start, end)
    chosen = sorted(formed)
    random.Random(5).shuffle(chosen)
    chosen = sorted(chosen[:actors])
    return build(task, start, chosen, exclude_all=False), {a: formed[a] for a in chosen}, start


def learn_default(actors: int = 300) -> scoring.Model:
    """The shipped model: fitted (pairwise) on growth A's 2020 — pools of 2020-01-01 in the snapshot of the
    cut, partners first met in 2020 — so nothing of the evaluated window (from 2022) is seen."""
    task = task_of("A")
    task.learn_from = (CUT.replace(year=CUT.year - 2), CUT.replace(year=CUT.year - 1))
    pools, labels, start = training(task, actors)
    rows, ys, gs = [], [], []
    for g, (actor, (cands, ctx)) in enumerate(sorted(pools.items())):
        for c in cands:
            found, _ = scoring.signals(c, ctx, learned=True)
            rows.append(scoring.vector(found))
            ys.append(int(c.id in labels[actor]))
            gs.append(g)
    described = words.described("GROWTH_A", actors=len(pools), start=start, year=str(start.year))
    return scoring.fit_pairwise(rows, ys, gs, described)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--task", choices=["planted", "A", "B"])
    parser.add_argument("--train-from", choices=["A", "self"], default="self")
    parser.add_argument("--learn", action="store_true", help="print the model to ship as DEFAULT_MODEL and stop")
    parser.add_argument("--shipped-only", action="store_true", help="evaluate only the shipped model (no refits)")
    args = parser.parse_args()
    if args.learn:
        print(learn_default())
        return
    assert args.task, "--task or --learn"
    task = task_of(args.task)
    day = task.as_of or dt.date.today()
    v = task.visible
    test_ppr = ppr_columns(v, task.test)
    test = features(build(task, day, task.test, True), v, test_ppr)
    relevant = task.relevant

    covered = sum(len(relevant[a] & set(test[a][0])) for a in task.test)
    total = sum(len(relevant[a]) for a in task.test)
    reached = sum(len(relevant[a] & set(test_ppr[a])) for a in task.test)
    print(f"relevant partners in the pool: {covered}/{total}; reached by PageRank at all: {reached}/{total}")
    ppr_rank = ranking.personalized_pagerank(v, task.test)
    top = {a: ppr_rank(a) for a in task.test}
    hits = [(a, c) for a in task.test for c in top[a] if c in relevant[a]]
    print(f"PageRank's top-10 hits: {len(hits)}, of them in the pool: {sum(c in set(test[a][0]) for a, c in hits)}")

    ttask = task if args.train_from == "self" and task.learn_from else task_of("A")
    if args.shipped_only:
        train, labels, start = {}, {}, day
    else:
        tpools, labels, start = training(ttask)
        tv = visible_on(ttask, start)
        train = features(tpools, tv, ppr_columns(tv, sorted(tpools)))
    # feature statistics: mean of each column for positives vs negatives (test pools)
    print(
        "\n| signal | mean, relevant | mean, others | share relevant > 0 | share others > 0 |"
        "\n|---|---:|---:|---:|---:|"
    )
    pos = np.vstack([x[[i for i, c in enumerate(ids) if c in relevant[a]]] for a, (ids, x) in test.items()])
    neg = np.vstack([x[[i for i, c in enumerate(ids) if c not in relevant[a]]] for a, (ids, x) in test.items()])
    for j, name in enumerate(COLUMNS):
        print(
            f"| {name} | {pos[:, j].mean():.3f} | {neg[:, j].mean():.3f} | "
            f"{(pos[:, j] > 0).mean():.2f} | {(neg[:, j] > 0).mean():.2f} |"
        )

    n = len(scoring.SIGNALS)
    base = list(range(n))
    ppr_col = COLUMNS.index("PPR")
    ra_col = COLUMNS.index("RA")
    methods: dict[str, Callable[[np.ndarray], np.ndarray]] = {}
    default = np.array(scoring.ELEVEN_SIGNALS_MODEL.coefficients)  # this round's shipped model (eleven signals)
    methods["shipped default model"] = lambda x: x[:, :n] @ default
    methods["PageRank inside the pool"] = lambda x: x[:, ppr_col]
    variants = {
        "pointwise, signals": (fit_pointwise, base),
        "pointwise, signals + PPR": (fit_pointwise, [*base, ppr_col]),
        "pairwise, signals": (fit_pairwise, base),
        "pairwise, signals + PPR": (fit_pairwise, [*base, ppr_col]),
        "pairwise, signals + PPR + RA": (fit_pairwise, [*base, ppr_col, ra_col]),
        "pairwise, PPR + structure only": (fit_pairwise, [0, 1, ppr_col, ra_col, 9, 10]),
    }
    for name, (fitter, cols) in ({} if args.shipped_only else variants).items():
        coef = fitter(train, labels, cols)
        print(f"{name}: " + ", ".join(f"{COLUMNS[c]} {w:.2f}" for c, w in zip(cols, coef, strict=True) if w > 0))
        methods[name] = lambda x, cols=cols, coef=coef: x[:, cols] @ coef
    results = {name: ranking.evaluate(rank_with(test, f), relevant, task.test) for name, f in methods.items()}
    results["personalized PageRank (α 0.85)"] = ranking.evaluate(top, relevant, task.test)
    print()
    print(ranking.tables(results, "personalized PageRank (α 0.85)"))
    print(f"(day {day}; training pools of {start} from {ttask.name})")


if __name__ == "__main__":
    main()
