"""Latency of partner suggestions (the learned model, the default) on the Berlin-scale network.

The network of bench/generate.py (seed 2027, 10,000 actors, 50,000 cooperations) in its own Neo4j;
``suggestPartners(first: 10)`` over HTTP against a uvicorn process, one request at a time, for two
groups of actors reported separately: **median degree** (the 40 actors closest to the median number
of partners) and **hubs** (the 20 with most partners). After a warm-up, each actor is asked
``--rounds`` times; median and p95 per group, and the part of the time spent in the personalized
PageRank pushes (measured in-process on the same neighbourhoods). Suggestions are served from the
in-memory snapshot once it holds the current revision: the benchmark waits until answers say so
(Server-Timing) before it measures, and counts the answers that came from it. The Neo4j path's
figures are those of bench/RESULTS.md before the snapshot (the service has no switch to turn it off).

Run under the benchmark lock: ``flock /work/bench.lock make bench-suggest-latency``.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import statistics
import sys
import time

import httpx2 as httpx

from analysis import proximity
from analysis import suggestions as scoring
from bench import replica
from bench.common import Timing, admin_token, api_server, neo4j_with_network
from bench.generate import generate
from graph import suggestions as graph_suggestions
from graph.db import Database, Neo4jSettings
from resolvers import ids

SUGGEST = """query($id: ID!) { suggestPartners(actorId: $id, first: 10) { suggestions { score actor { id name }
  reasons { kind text textDe contribution } sharedPartners { name } distanceMetres } } }"""


def wait_for_snapshot(base: str, token: str, actors: list[str], in_a_row: int = 10, limit: float = 180.0) -> int:
    """Ask for suggestions (each on a new connection, so that every worker process is asked) until
    ``in_a_row`` answers in a row say they came from the snapshot (Server-Timing), at most ``limit``
    seconds; how many were asked."""
    deadline = time.monotonic() + limit
    row = asked = 0
    while row < in_a_row:
        if time.monotonic() > deadline:
            raise RuntimeError("the suggestions' snapshot was not ready in time")
        actor = actors[asked % len(actors)]
        response = httpx.post(
            f"{base}/graphql",
            json={"query": SUGGEST, "variables": {"id": ids.encode("Actor", actor)}},
            headers={"Authorization": f"Bearer {token}"},
            timeout=120,
        )
        asked += 1
        row = row + 1 if "suggest-snapshot" in response.headers.get("server-timing", "") else 0
        if not row:
            time.sleep(0.2)
    return asked


def groups(degrees: dict[str, int]) -> dict[str, list[str]]:
    ordered = sorted(degrees, key=lambda a: (degrees[a], a))
    middle = len(ordered) // 2
    return {"median degree": ordered[middle - 20 : middle + 20], "hubs (top 20 by degree)": ordered[-20:]}


async def pushes(settings: Neo4jSettings, actors: list[str]) -> tuple[list[float], list[int]]:
    db = Database(settings)
    try:
        ms, sizes = [], []
        for a in actors:
            around = await graph_suggestions.neighbourhood(db, a, dt.date.today())
            started = time.perf_counter()
            proximity.personalized_pagerank(around.around, a)
            ms.append((time.perf_counter() - started) * 1000)
            sizes.append(len(around.around))
        return ms, sizes
    finally:
        await db.close()


async def measure(base: str, token: str, actors: list[str], rounds: int) -> tuple[Timing, int]:
    async with httpx.AsyncClient(base_url=base, timeout=120, headers={"Authorization": f"Bearer {token}"}) as client:

        async def ask(actor: str) -> bool:
            response = await client.post(
                "/graphql", json={"query": SUGGEST, "variables": {"id": ids.encode("Actor", actor)}}
            )
            assert "errors" not in response.json(), response.json()
            return "suggest-snapshot" in response.headers.get("server-timing", "")

        for a in actors[:10]:
            await ask(a)
        samples, from_snapshot = [], 0
        for _ in range(rounds):
            for a in actors:
                started = time.perf_counter()
                from_snapshot += await ask(a)
                samples.append((time.perf_counter() - started) * 1000)
        return Timing("suggestPartners", samples), from_snapshot


def in_process(rounds: int) -> None:
    """The snapshot path without HTTP and Neo4j: pool (neighbourhood, PageRank, candidates) and ranking
    for the same actors, wall time and the thread's CPU time (what the request costs on a quiet core)."""
    network = generate(2027)
    degrees = dict.fromkeys(network.actor_ids(), 0) | network.degrees()
    started = time.perf_counter()
    day = replica.Day(network, dt.date.today(), None)
    built = time.perf_counter() - started
    day.snapshot.day(day.day)
    print(f"snapshot of {len(network.actors)} actors and {len(network.cooperations)} cooperations: {built:.1f} s")
    print(
        "| actors | model | pool ms (median / p95) | ranking ms (median / p95) | CPU ms, both (median / p95) "
        "| load 1 min |"
    )
    print("|---|---|---:|---:|---:|---:|")
    # the former default (eleven signals, no structural signal computed) against the current one, taken in
    # turns per actor so that both see the same load
    models = {"eleven signals (before)": scoring.ELEVEN_SIGNALS_MODEL, "signals + structure": scoring.DEFAULT_MODEL}
    for name, actors in groups(degrees).items():
        samples: dict[str, tuple[list[float], list[float], list[float]]] = {m: ([], [], []) for m in models}
        for _ in range(rounds):
            for a in actors:
                for label, model in models.items():
                    pool_ms, rank_ms, cpu_ms = samples[label]
                    wall, cpu = time.perf_counter(), time.thread_time()
                    candidates, context = replica.pool(day, a, with_structure=model.structural)
                    ranked = time.perf_counter()
                    scoring.rank(candidates, context, model, 10)
                    pool_ms.append((ranked - wall) * 1000)
                    rank_ms.append((time.perf_counter() - ranked) * 1000)
                    cpu_ms.append((time.thread_time() - cpu) * 1000)
        for label, (pool_ms, rank_ms, cpu_ms) in samples.items():
            print(f"| {name} | {label} | {_mp(pool_ms)} | {_mp(rank_ms)} | {_mp(cpu_ms)} | {os.getloadavg()[0]:.1f} |")


def _mp(samples: list[float]) -> str:
    t = Timing("", samples)
    return f"{t.median:.0f} / {t.p95:.0f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--in-process", action="store_true", help="only the snapshot path, without HTTP and Neo4j")
    args = parser.parse_args()
    if args.in_process:
        in_process(args.rounds)
        return
    with neo4j_with_network() as (settings, network):
        degrees = dict.fromkeys(network.actor_ids(), 0) | network.degrees()
        chosen = groups(degrees)
        token = admin_token(settings)
        # Server-Timing on: each answer says whether it came from the snapshot or through Neo4j.
        with api_server(settings, KIEZGRAPH_SERVER_TIMING="1") as base:
            wait_for_snapshot(base, token, chosen["median degree"])
            for name, actors in chosen.items():
                load = os.getloadavg()[0]
                timing, from_snapshot = asyncio.run(measure(base, token, actors, args.rounds))
                push_ms, sizes = asyncio.run(pushes(settings, actors))
                span = f"{degrees[actors[0]]}–{degrees[actors[-1]]}"
                print(
                    f"| {name} | {len(actors)} | {span} | {timing.median:.0f} | {timing.p95:.0f} | "
                    f"{statistics.median(push_ms):.1f} / {max(push_ms):.1f} | "
                    f"{statistics.median(sizes):.0f} | {from_snapshot}/{len(timing.samples_ms)} | {load:.1f} |"
                )


if __name__ == "__main__" and "--in-process" in sys.argv:
    main()
elif __name__ == "__main__":
    print(
        "| actors | n | partners | median ms | p95 ms | PageRank ms (median / max) | neighbourhood read (actors) "
        "| from the snapshot | load 1 min |"
    )
    print("|---|---:|---|---:|---:|---:|---:|---:|---:|")
    main()
