"""How long the per-deployment fit of the suggestion model takes (issue 17, rule (a); analysis/learning.py).

The service fits the structure-only model in the background on its snapshot (resolvers/refit.py). This
measures :func:`analysis.learning.learn` exactly as the service calls it — the in-memory snapshot of a
grown network as of its cut day (bench/evaluate_suggestions.py ``temporal``: nothing after the cut is in
it), the year before the cut as history — on growth A (the tuning network, ~2,700 actors at the cut)
and on a Berlin-scale growth (10,000 actors, 50,000 cooperations grown; fewer present at the cut). It
prints the time of the examples (pools and structural signals) and of the fit, the coefficients, and,
with ``--compare``, the fit again with fewer actors and pairs per actor, to show how far the
coefficients move when the fit is made cheaper.

``python -m bench.refit --network A|berlin [--actors 400] [--pairs 600] [--compare 200:300]``;
``--during``: a request's pool on growth A timed alone, while a fit runs on another thread, and while it
runs in a worker process (under ``flock /work/bench.lock``). Results: bench/RESULTS.md, "The per-deployment
fit in the background" and "Suggestions for hubs under 100 ms, refit in its own process".
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import os
import random
import statistics
import threading
import time
from collections.abc import Callable

import numpy as np

from analysis import learning, structure
from analysis import suggestions as scoring
from bench import replica
from bench.evaluate_suggestions import CUT, temporal
from bench.grow import TUNING
from core.services import OneProcess
from resolvers import refit
from resolvers.suggestions import NEIGHBOUR_DISTANCE_M

BERLIN = dataclasses.replace(TUNING, name="growth Berlin-scale (seed 21)", actors=10_000, cooperations=50_000)


def run(net_key: str, actors: int, pairs: int) -> tuple[learning.Fitted | None, dict[str, float]]:
    growth = TUNING if net_key == "A" else BERLIN
    started = time.monotonic()
    task = temporal(growth, 1)
    snapshot = replica.snapshot_of(task.network)
    day = replica.Day(task.network, CUT, CUT)
    near = replica._neighbouring
    built = time.monotonic()
    print(f"{growth.name}: {len(snapshot.ids)} actors, {len(snapshot.since)} cooperations at the cut {CUT}")
    times = {"network": built - started}
    t0 = time.monotonic()
    formed = snapshot.new_partners(*learning.window(CUT))
    times["new partners"] = time.monotonic() - t0
    t0 = time.monotonic()
    h = learning.history(snapshot, CUT, lambda focus: near(day, focus), max_actors=actors, formed=formed)
    times["pools and signals"] = time.monotonic() - t0
    t0 = time.monotonic()
    coefficients = learning.fit(h.pools, h.formed, max_pairs=pairs)
    times["fit (L-BFGS-B)"] = time.monotonic() - t0
    t0 = time.monotonic()
    b = learning.intercept(h.pools, h.formed, coefficients)
    times["intercept"] = time.monotonic() - t0
    sizes = [len(ids) for ids, _ in h.pools.values()]
    print(
        f"history {h.start}–{h.end}: {h.gaining} actors met new partners, {len(h.pools)} fitted on "
        f"(pools: median {int(np.median(sizes))}, max {max(sizes)} candidates), {h.positives} positives"
    )
    named = {k: round(float(c), 4) for k, c in zip(structure.STRUCTURE, coefficients, strict=True)}
    fitted = learning.Fitted(named, round(b, 4), h.start, h.end, len(h.pools), h.positives)
    return fitted, times


@dataclasses.dataclass(frozen=True)
class Landmarks:
    """replica's neighbouring quarters (landmarks within 2.5 km) in the shape the service's fit takes them
    (resolvers.refit.Nearby), picklable so that the fit can run in its own process."""

    where: dict[str, tuple[float, float]]  # quarter slug → its landmark (replica.Day.landmark)

    def __call__(self, focus: set[str], _quarters: object) -> set[str]:
        return {
            other
            for slug in focus
            for other, at in self.where.items()
            if other not in focus and scoring.haversine_m(self.where[slug], at) <= NEIGHBOUR_DISTANCE_M
        }


def during() -> None:
    """A request's pool (the snapshot path: neighbourhood, PageRank, candidates) timed on one thread: alone,
    while the fit runs on another thread of the same process (as the service did before h17-hubs-e), and
    while it runs in a worker process of its own (as the service does now: core.services.OneProcess with
    resolvers.refit.fit_packed, the snapshot sent packed)."""
    task = temporal(TUNING, 1)
    day = replica.Day(task.network, CUT, None)
    snapshot = day.snapshot
    actors = sorted(a for a in snapshot.ids if snapshot.day(CUT).degree[snapshot.index[a]] > 0)
    asked = random.Random(5).sample(actors, 40)
    nearby = Landmarks(dict(day.landmark))

    def one(a: str) -> float:
        started = time.perf_counter()
        replica.pool(day, a)
        return (time.perf_counter() - started) * 1000

    def on_thread() -> None:
        learning.learn(snapshot, CUT, lambda focus: nearby(focus, None))

    def in_process() -> None:
        packed = refit.pack(snapshot)
        fit = refit.fit_packed
        asyncio.run(OneProcess().run(fit, packed, CUT, nearby, {}, learning.MIN_POSITIVES, learning.MAX_ACTORS))

    for a in asked[:5]:
        one(a)  # warm the day's views
    rows = [("alone", [one(a) for a in asked], 0.0)]
    for name, fit in (("while the fit runs on a thread", on_thread), ("while it runs in its own process", in_process)):
        done = threading.Event()
        took: list[float] = []

        def run(fit: Callable[[], None] = fit, done: threading.Event = done, took: list[float] = took) -> None:
            started = time.monotonic()
            fit()
            took.append(time.monotonic() - started)
            done.set()

        threading.Thread(target=run).start()
        alongside: list[float] = []
        while not done.is_set():
            alongside += [one(a) for a in asked[:10]]
        rows.append((name, alongside, took[0]))
    for name, ms, seconds in rows:
        p95 = sorted(ms)[int(0.95 * (len(ms) - 1))]
        fitted = f"{seconds:.1f}" if seconds else "–"
        print(f"| {name} | {len(ms)} | {statistics.median(ms):.0f} | {p95:.0f} | {fitted} | {os.getloadavg()[0]:.1f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--network", choices=["A", "berlin"], default="A")
    parser.add_argument("--actors", type=int, default=learning.MAX_ACTORS)
    parser.add_argument("--pairs", type=int, default=learning.MAX_PAIRS)
    parser.add_argument("--compare", default="", help="actors:pairs of a cheaper fit to compare with")
    parser.add_argument("--during", action="store_true", help="growth A: a request's pool alone and during a fit")
    args = parser.parse_args()
    if args.during:
        during()
        return
    print(f"load average before: {os.getloadavg()[0]:.1f}")
    runs = [(args.actors, args.pairs)]
    if args.compare:
        a, p = args.compare.split(":")
        runs.append((int(a), int(p)))
    found = []
    for actors, pairs in runs:
        fitted, times = run(args.network, actors, pairs)
        assert fitted is not None
        total = sum(v for k, v in times.items() if k != "network")
        print(
            f"actors ≤ {actors}, pairs ≤ {pairs}: the fit took {total:.1f} s — "
            + ", ".join(f"{k} {v:.1f} s" for k, v in times.items())
        )
        print(f"  load average now: {os.getloadavg()[0]:.1f}")
        print("  coefficients: " + ", ".join(f"{k} {v:.2f}" for k, v in fitted.coefficients.items()))
        print(f"  intercept {fitted.intercept:.2f}")
        found.append(fitted)
    if len(found) == 2:
        a, b = (np.array(list(f.coefficients.values())) for f in found)
        cosine = a @ b / np.linalg.norm(a) / np.linalg.norm(b)
        print(f"largest coefficient change: {np.max(np.abs(a - b)):.2f}; cosine {cosine:.3f}")


if __name__ == "__main__":
    main()
