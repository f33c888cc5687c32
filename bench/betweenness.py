"""Why cold exact metrics take seconds on two cores: exact betweenness, engine by engine.

Issue 16 asks for cold exact metrics on 10k actors / 50k cooperations in under 5 s. Exact
betweenness (Brandes' algorithm: one breadth-first search and one backward accumulation per
source actor) is 86 % of that work. This script measures its CPU cost on the Berlin-scale
benchmark network (``bench.generate``, seed 2027), with the engine the service uses and with
others where they are installed, and it checks the network for the structure that the known
exact speed-ups exploit:

- **igraph** (the service's engine): all sources in one process, and split over two worker
  processes by source actors as ``analysis.metrics`` does;
- **numba**, a hand-written Brandes over compressed adjacency arrays (a lower bound for what a
  tight hand-written kernel gets on this machine; ``pip install numba``);
- **rustworkx** (``pip install rustworkx``) and **networkit** (``pip install networkit``), one thread.

The exact speed-ups (removing degree-1 actors, Baglioni et al. 2012; merging actors with identical
partners and splitting at articulation points, Sariyüce et al. 2013, "Shattering and compressing
networks for betweenness centrality") only pay when such actors or cut points are common; the
structure line says how common they are here.

    .venv/bin/python -m bench.betweenness [--ties current|all]
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import os
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import igraph
import numpy as np

from bench.generate import generate


def pairs_of(ties: str) -> tuple[int, list[tuple[int, int]]]:
    """Distinct partner pairs of the benchmark network: every cooperation, or the current ones."""
    net = generate(2027)
    index = {a["id"]: i for i, a in enumerate(net.actors)}
    today = dt.date.today()
    pairs = set()
    for c in net.cooperations:
        until = c["props"].get("until")
        if ties == "current" and until is not None and until < today:
            continue
        a, b = index[c["a"]], index[c["b"]]
        pairs.add((min(a, b), max(a, b)))
    return len(index), sorted(pairs)


def structure(g: igraph.Graph) -> str:
    degree = np.asarray(g.degree())
    twins = Counter(tuple(sorted(g.neighbors(v))) for v in range(g.vcount()) if degree[v] > 0)
    largest_block = max((len(c) for c in g.biconnected_components()), default=0)
    return (
        f"{g.vcount()} actors, {g.ecount()} pairs; degree 1: {int((degree == 1).sum())}, "
        f"actors sharing their exact partner set with another: {sum(k for k in twins.values() if k > 1)}, "
        f"articulation points: {len(g.articulation_points())}, largest biconnected block: {largest_block} actors"
    )


def _igraph_part(n: int, pairs: list[tuple[int, int]], sources: range) -> list[float]:
    return list(igraph.Graph(n=n, edges=pairs).betweenness(directed=False, sources=sources))


def igraph_two_processes(n: int, pairs: list[tuple[int, int]]) -> np.ndarray:
    half = n // 2
    with ProcessPoolExecutor(2) as pool:
        parts = [pool.submit(_igraph_part, n, pairs, r) for r in (range(half), range(half, n))]
        total: np.ndarray = np.asarray(parts[0].result()) + np.asarray(parts[1].result())
        return total


def optional(module: str) -> Any | None:
    """A library this script compares against but the project does not depend on, if installed."""
    try:
        return importlib.import_module(module)
    except ImportError:
        print(f"{module}: not installed (pip install {module})")
        return None


def brandes(indptr: np.ndarray, indices: np.ndarray, sources: int) -> np.ndarray:
    """Raw undirected betweenness from the first ``sources`` actors, over compressed adjacency
    arrays; compiled by numba (it would take minutes as plain Python)."""
    n = indptr.shape[0] - 1
    bc = np.zeros(n)
    dist = np.full(n, -1, np.int32)
    sigma = np.zeros(n)
    delta = np.zeros(n)
    order = np.empty(n, np.int32)
    for s in range(sources):
        head, tail = 0, 1
        order[0] = s
        dist[s] = 0
        sigma[s] = 1.0
        while head < tail:  # breadth-first: distances and shortest-path counts
            v = order[head]
            head += 1
            for k in range(indptr[v], indptr[v + 1]):
                w = indices[k]
                if dist[w] < 0:
                    dist[w] = dist[v] + 1
                    order[tail] = w
                    tail += 1
                if dist[w] == dist[v] + 1:
                    sigma[w] += sigma[v]
        for i in range(tail - 1, 0, -1):  # backward: dependencies, farthest first
            w = order[i]
            coeff = (1.0 + delta[w]) / sigma[w]
            for k in range(indptr[w], indptr[w + 1]):
                v = indices[k]
                if dist[v] == dist[w] - 1:
                    delta[v] += sigma[v] * coeff
            bc[w] += delta[w]
        for i in range(tail):
            w = order[i]
            dist[w] = -1
            sigma[w] = 0.0
            delta[w] = 0.0
    return bc / 2.0  # undirected: every pair was counted from both ends


def timed(label: str, run: Callable[[], np.ndarray], reference: np.ndarray | None) -> np.ndarray:
    started_cpu, started = time.process_time(), time.perf_counter()
    result = run()
    wall, cpu = time.perf_counter() - started, time.process_time() - started_cpu
    check = "" if reference is None else f", max difference to igraph {float(np.abs(result - reference).max()):.2e}"
    print(f"{label:<34} {wall:6.2f} s wall, {cpu:6.2f} s CPU in this process{check}", flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ties", choices=("current", "all"), default="current")
    args = parser.parse_args()
    n, pairs = pairs_of(args.ties)
    g = igraph.Graph(n=n, edges=pairs)
    print(f"{args.ties} ties: {structure(g)}; cores: {os.cpu_count()}; load {os.getloadavg()[0]:.2f}", flush=True)
    reference = timed("igraph, one process", lambda: np.asarray(g.betweenness(directed=False)), None)
    timed("igraph, two processes (as served)", lambda: igraph_two_processes(n, pairs), reference)

    numba = optional("numba")
    if numba is not None:
        kernel = numba.njit(nogil=True)(brandes)
        indptr = np.zeros(n + 1, np.int64)
        adjacency = g.get_adjlist()
        indptr[1:] = np.cumsum([len(a) for a in adjacency])
        indices = np.asarray([w for a in adjacency for w in a], np.int32)
        kernel(indptr, indices, 2)  # compile outside the timing
        timed("numba, hand-written, one thread", lambda: kernel(indptr, indices, n), reference)

    rustworkx = optional("rustworkx")
    if rustworkx is not None:
        rg = rustworkx.PyGraph()
        rg.add_nodes_from(range(n))
        rg.add_edges_from_no_data(pairs)

        def by_rustworkx() -> np.ndarray:
            scores = rustworkx.graph_betweenness_centrality(rg, normalized=False, parallel_threshold=n + 1)
            return np.asarray([scores[v] for v in range(n)])

        timed("rustworkx, one thread", by_rustworkx, reference)

    networkit = optional("networkit")
    if networkit is not None:
        networkit.setNumberOfThreads(1)
        ng = networkit.Graph(n)
        for a, b in pairs:
            ng.addEdge(a, b)

        def by_networkit() -> np.ndarray:
            run = networkit.centrality.Betweenness(ng)
            run.run()
            return np.asarray(run.scores()) / 2.0  # networkit counts every pair from both ends

        timed("networkit, one thread", by_networkit, reference)


if __name__ == "__main__":
    main()
