"""Health checks while heavy queries run (issue #9).

Data: the Berlin-scale synthetic network (10,000 actors, 50,000 cooperations). The service runs
under uvicorn in its own process. Heavy queries that the cost limit allows are sent by a few
clients, each sending its next one when the last is answered:

- anonymous: 100 actors with 100 partners each (cost 20,201), a typed ego network two steps
  out of a hub (12,001), the whole network as ``json`` (6,001);
- researcher: the whole network with typed nodes and edges (60,001);
- admin: the whole network as ``json``.

Meanwhile a separate process asks ``/healthz`` and ``/readyz`` every 50 ms and records how long
each answer takes. The same is done with GraphQL executed on the server's event loop
(``KIEZGRAPH_EXECUTION_THREADS=0``), once with no load at all, and — given ``--before PATH``, a
checkout of an earlier commit — with that commit's service. Reported: median, p95 and max of
the health latencies; heavy requests answered.

Run: ``make bench-health`` (or ``python -m bench.health_under_load --seconds 30 --clients 3
--before /path/to/main``).
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import statistics
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx2 as httpx

from bench.common import ROOT, admin_token, api_server, neo4j_with_network
from bench.generate import Network
from graph import tokens
from graph.db import Database, Neo4jSettings
from resolvers import ids

NESTED = """{ actors(first: 100) { edges { node { name partners(first: 100) {
  edges { node { name type } } } } } } }"""
EGO = """query($id: ID!) { egoNetwork(actorId: $id, depth: 2) { nodes { id name type degree }
  edges { id source target kind } } }"""
JSON_NETWORK = "{ network { nodeCount json } }"
TYPED_NETWORK = """{ network { nodes { id name type quarters actionFields degree synthetic latitude longitude }
  edges { id source target kind since until intensity actionFields synthetic } } }"""


def _poll(base: str, seconds: float, interval: float, out: multiprocessing.Queue) -> None:
    """In a process of its own: the health latencies (ms) over ``seconds``, and the answers
    other than 200 (a 503 from /readyz means Neo4j did not answer its ping within a second)."""
    samples: dict[str, list[float]] = {"/healthz": [], "/readyz": []}
    other: Counter[str] = Counter()
    with httpx.Client(base_url=base, timeout=30) as http:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            for path, latencies in samples.items():
                started = time.perf_counter()
                try:
                    status = str(http.get(path).status_code)
                except httpx.HTTPError as exc:
                    status = type(exc).__name__
                latencies.append((time.perf_counter() - started) * 1000)
                if status != "200":
                    other[f"{path} {status}"] += 1
            time.sleep(interval)
    out.put((samples, other))


@dataclass
class Heavy:
    answered: Counter[str] = field(default_factory=Counter)
    failed: Counter[str] = field(default_factory=Counter)
    seconds: dict[str, list[float]] = field(default_factory=dict)


async def _heavy_client(
    http: httpx.AsyncClient, work: list[tuple[str, str, dict, dict]], until: float, tally: Heavy, offset: int
) -> None:
    i = offset
    while time.monotonic() < until:
        label, query, variables, headers = work[i % len(work)]
        i += 1
        started = time.perf_counter()
        response = await http.post("/graphql", json={"query": query, "variables": variables}, headers=headers)
        body = response.json()
        if response.status_code == 200 and not body.get("errors"):
            tally.answered[label] += 1
            tally.seconds.setdefault(label, []).append(time.perf_counter() - started)
        else:
            codes = [(e.get("extensions") or {}).get("code") for e in body.get("errors") or []]
            tally.failed[f"{label}: {response.status_code} {codes}"] += 1


def _stats(samples: list[float]) -> tuple[float, float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[round(0.95 * (len(ordered) - 1))], ordered[-1]


def _researcher_token(settings: Neo4jSettings) -> str:
    async def issue() -> str:
        db = Database(settings)
        try:
            issued = await db.write_transaction(lambda tx: tokens.create(tx, "benchmark", "researcher", []))
            return issued.secret
        finally:
            await db.close()

    return asyncio.run(issue())


def _hubs(network: Network, count: int) -> list[str]:
    degree: Counter[str] = Counter()
    for tie in network.cooperations:
        degree[tie["a"]] += 1
        degree[tie["b"]] += 1
    return [actor for actor, _ in degree.most_common(count)]


async def _load(base: str, work: list[tuple[str, str, dict, dict]], clients: int, seconds: float) -> Heavy:
    tally = Heavy()
    limits = httpx.Limits(max_connections=clients + 2)
    async with httpx.AsyncClient(base_url=base, timeout=120, limits=limits) as http:
        until = time.monotonic() + seconds
        await asyncio.gather(*[_heavy_client(http, work, until, tally, i * 2) for i in range(clients)])
    return tally


def measure(
    base: str, work: list[tuple[str, str, dict, dict]], clients: int, seconds: float
) -> tuple[dict[str, list[float]], Counter[str], Heavy]:
    context = multiprocessing.get_context("spawn")
    queue: multiprocessing.Queue = context.Queue()
    poller = context.Process(target=_poll, args=(base, seconds, 0.05, queue))
    poller.start()
    tally = asyncio.run(_load(base, work, clients, seconds)) if clients else Heavy()
    samples, other = queue.get(timeout=seconds + 120)
    poller.join()
    return samples, other, tally


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--clients", type=int, default=3)
    parser.add_argument("--before", type=Path, help="a checkout of an earlier commit to compare with")
    args = parser.parse_args()
    rows = []
    with neo4j_with_network() as (settings, network):
        admin = {"Authorization": f"Bearer {admin_token(settings)}"}
        researcher = {"Authorization": f"Bearer {_researcher_token(settings)}"}
        hubs = _hubs(network, 5)
        work = [
            ("public: 100 actors x 100 partners", NESTED, {}, {}),
            *[
                ("public: typed ego network, depth 2, of a hub", EGO, {"id": ids.encode("Actor", h)}, {})
                for h in hubs[:2]
            ],
            ("public: whole network as json", JSON_NETWORK, {}, {}),
            ("researcher: whole network, typed", TYPED_NETWORK, {}, researcher),
            ("admin: whole network as json", JSON_NETWORK, {}, admin),
        ]
        runs = [
            ("no load", ROOT, "4", 0),
            ("heavy queries, executed in lanes", ROOT, "4", args.clients),
            ("heavy queries, executed on the event loop (KIEZGRAPH_EXECUTION_THREADS=0)", ROOT, "0", args.clients),
        ]
        if args.before:
            runs.append((f"heavy queries, {args.before.name} (before)", args.before.resolve(), "0", args.clients))
        for label, checkout, threads, clients in runs:
            with api_server(settings, checkout, KIEZGRAPH_EXECUTION_THREADS=threads) as base:
                # Warm up: the first answers pay for Neo4j's page cache and JIT.
                asyncio.run(_load(base, work, 1, 0.1 if not clients else 5.0))
                samples, other, tally = measure(base, work, clients, args.seconds)
            rows.append((label, samples, other, tally))
    print(f"{args.clients} clients sending heavy queries for {args.seconds:.0f} s; /healthz and /readyz every 50 ms\n")
    print("| load | /healthz median ms | p95 | max | /readyz median ms | p95 | max | heavy answers |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for label, samples, _, tally in rows:
        h, r = _stats(samples["/healthz"]), _stats(samples["/readyz"])
        print(
            f"| {label} | {h[0]:.1f} | {h[1]:.1f} | {h[2]:.1f} | {r[0]:.1f} | {r[1]:.1f} | {r[2]:.1f} | "
            f"{sum(tally.answered.values())} |"
        )
    for label, _, other, tally in rows[1:]:
        print(f"\n{label}:")
        for what, times in sorted(tally.seconds.items()):
            print(f"- {what}: {len(times)} answered, median {statistics.median(times):.2f} s, max {max(times):.2f} s")
        for what, n in sorted(tally.failed.items()):
            print(f"- not answered: {what} x {n}")
        for what, n in sorted(other.items()):
            print(f"- health check answered {what} x {n}")


if __name__ == "__main__":
    main()
