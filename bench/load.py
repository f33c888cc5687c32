"""Load test: concurrent clients on loopback against a uvicorn process (issue #5).

Data: the Berlin-scale synthetic network. Clients authenticate with an admin token (rate
limits off, as for any benchmark). Two mixes, each run for a fixed time with a fixed number of
clients that send their next request as soon as the previous one is answered:

- read mix: actor detail 30 % (a tenth of them of the network's hubs, actors with hundreds of
  partners), a filtered actor page 20 %, an ego network 20 %, filtered cooperations 15 %,
  partner suggestions 10 %, a quarter network 5 %;
- read/write mix: the same reads 80 %, writes 20 % (actor updates with the version just read,
  new cooperations, ended cooperations).

Reported: requests per second, p50 and p99 latency, errors (transport errors, 5xx, GraphQL
errors) and refusals (typed mutation errors such as a stale version under concurrency, which
are correct answers, not failures); and per request class its count, p50 and p99 (issue 16:
no class over 200 ms median, p99 < 500 ms overall).

Suggestions are labelled by where the server built them (its Server-Timing debug header is on for
this): from the in-memory snapshot, or through Neo4j (before the snapshot holds the current revision,
e.g. right after writes); quarter networks likewise: kept in memory by revision (cache), or read
for the request. ``--workers N`` starts N uvicorn worker processes.

Run: ``make bench-load`` (or ``python -m bench.load --clients 16 --seconds 30 --workers 2``).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import random
import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass, field

import httpx2 as httpx

from bench.common import admin_token, api_server, neo4j_with_network
from bench.suggest_latency import wait_for_snapshot
from resolvers import ids

DETAIL = """query($id: ID!) { actor(id: $id) { id name version quarters { quarter { slug } }
  partners(first: 10) { edges { node { name } cooperation { id kind version } } } } }"""
PAGE = """query($q: [String!]) { actors(first: 20, filter: {quarters: $q, actionFields: ["bildung"]}) {
  totalCount edges { node { id name type } } } }"""
EGO = "query($id: ID!) { egoNetwork(actorId: $id, depth: 1) { nodeCount json } }"
COOPS = """query($q: [String!]) { cooperations(first: 20, filter: {quarters: $q, current: true}) {
  totalCount nodes { id kind since } } }"""
SUGGEST = "query($id: ID!) { suggestPartners(actorId: $id, first: 5) { suggestions { score actor { name } } } }"
QUARTER = "query($s: String!) { quarterNetwork(slug: $s) { nodeCount edgeCount } }"
UPDATE = """mutation($i: UpdateActorInput!) { updateActor(input: $i) { actor { version } errors { code } } }"""
ADD = """mutation($i: AddCooperationInput!) { addCooperation(input: $i) { cooperation { id } errors { code } } }"""
END = """mutation($i: EndCooperationInput!) { endCooperation(input: $i) { cooperation { id } errors { code } } }"""


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    refusals: Counter[str] = field(default_factory=Counter)
    by_class: dict[str, list[float]] = field(default_factory=dict)  # request class → latencies


HUB_SHARE = 0.1  # of the actor details: a hub's


async def client(
    http: httpx.AsyncClient,
    rng: random.Random,
    actors: list[str],
    slugs: list[str],
    writes: float,
    until: float,
    tally: Tally,
    hubs: list[str],
) -> None:
    while time.monotonic() < until:
        actor = ids.encode("Actor", rng.choice(actors))
        roll = rng.random()
        if roll < writes:
            kind = rng.random()
            if kind < 0.5:
                detail = await post(http, DETAIL, {"id": actor}, tally, label="actor detail")
                if detail and detail["actor"]:
                    await post(
                        http,
                        UPDATE,
                        {
                            "i": {
                                "id": actor,
                                "version": detail["actor"]["version"],
                                "description": f"load {rng.random():.6f}",
                            }
                        },
                        tally,
                        "updateActor",
                    )
            elif kind < 0.8:
                other = ids.encode("Actor", rng.choice(actors))
                await post(
                    http,
                    ADD,
                    {
                        "i": {
                            "actorIds": [actor, other],
                            "kind": "REGULAR_EXCHANGE",
                            "since": dt.date.today().isoformat(),
                        }
                    },
                    tally,
                    "addCooperation",
                )
            else:
                detail = await post(http, DETAIL, {"id": actor}, tally, label="actor detail")
                edges = detail["actor"]["partners"]["edges"] if detail and detail["actor"] else []
                if edges:
                    await post(
                        http,
                        END,
                        {"i": {"id": edges[0]["cooperation"]["id"], "until": dt.date.today().isoformat()}},
                        tally,
                        "endCooperation",
                    )
            continue
        r = rng.random()
        if r < 0.30 * HUB_SHARE:
            hub = ids.encode("Actor", rng.choice(hubs))
            await post(http, DETAIL, {"id": hub}, tally, label="actor detail, hub")
        elif r < 0.30:
            await post(http, DETAIL, {"id": actor}, tally, label="actor detail")
        elif r < 0.50:
            await post(http, PAGE, {"q": [rng.choice(slugs)]}, tally, label="actor page")
        elif r < 0.70:
            await post(http, EGO, {"id": actor}, tally, label="ego network")
        elif r < 0.85:
            await post(http, COOPS, {"q": [rng.choice(slugs)]}, tally, label="cooperations")
        elif r < 0.95:
            await post(http, SUGGEST, {"id": actor}, tally, label="suggestions")
        else:
            await post(http, QUARTER, {"s": rng.choice(slugs)}, tally, label="quarter network")


async def post(
    http: httpx.AsyncClient,
    query: str,
    variables: dict,
    tally: Tally,
    mutation: str | None = None,
    label: str | None = None,
) -> dict | None:
    started = time.perf_counter()
    try:
        response = await http.post("/graphql", json={"query": query, "variables": variables})
    except httpx.HTTPError as exc:
        tally.errors[type(exc).__name__] += 1
        return None
    took = (time.perf_counter() - started) * 1000
    tally.latencies.append(took)
    label = label or mutation or "other"
    served = response.headers.get("server-timing", "")
    if 'response-cache;desc="hit"' in served:  # answered from the response cache (--response-cache on)
        label += " (response cache)"
    elif "suggest-snapshot" in served:  # the server says where a suggestion came from (KIEZGRAPH_SERVER_TIMING)
        label += " (snapshot)"
    elif "suggest-neo4j" in served:
        label += " (Neo4j)"
    elif "network-cache" in served:  # a network kept in memory by revision, or read for this request
        label += " (cache)"
    elif "network-neo4j" in served:
        label += " (Neo4j)"
    tally.by_class.setdefault(label, []).append(took)
    if response.status_code >= 500:
        tally.errors[f"HTTP {response.status_code}"] += 1
        return None
    body = response.json()
    if body.get("errors"):
        tally.errors[body["errors"][0].get("extensions", {}).get("code", "GraphQL error")] += 1
        return None
    data = body.get("data") or {}
    if mutation and data.get(mutation, {}).get("errors"):
        tally.refusals[data[mutation]["errors"][0]["code"]] += 1
    return data


async def run(
    base: str,
    token: str,
    actors: list[str],
    slugs: list[str],
    clients: int,
    seconds: float,
    writes: float,
    hubs: list[str],
) -> tuple[Tally, float]:
    tally = Tally()
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(
        base_url=base, timeout=60, limits=limits, headers={"Authorization": f"Bearer {token}"}
    ) as http:
        warm = time.monotonic() + 3
        await asyncio.gather(
            *(client(http, random.Random(i), actors, slugs, writes, warm, Tally(), hubs) for i in range(clients))
        )
        started = time.monotonic()
        until = started + seconds
        await asyncio.gather(
            *(client(http, random.Random(100 + i), actors, slugs, writes, until, tally, hubs) for i in range(clients))
        )
        elapsed = time.monotonic() - started
    return tally, elapsed


def warm_snapshots(base: str, token: str, actors: list[str], workers: int) -> None:
    """Ask for suggestions until every worker serves them from its snapshot (each builds its own in the
    background after its first suggestion request): the run measures the service a while after its start."""
    wait_for_snapshot(base, token, actors, in_a_row=10 * workers)


def percentile(ordered: list[float], share: float) -> float:
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))] if ordered else float("nan")


def p99_of(ordered: list[float]) -> float:
    return percentile(ordered, 0.99)


def row(label: str, clients: int, tally: Tally, elapsed: float) -> str:
    ordered = sorted(tally.latencies)
    p99 = p99_of(ordered)
    errors = sum(tally.errors.values())
    refusals = ", ".join(f"{k} {v}" for k, v in tally.refusals.most_common()) or "0"
    return (
        f"| {label} | {clients} | {elapsed:.0f} s | {len(ordered)} | {len(ordered) / elapsed:.0f} | "
        f"{statistics.median(ordered):.1f} | {p99:.1f} | {errors} | {refusals} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--seed", type=int, default=2027)
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes of the server")
    parser.add_argument(
        "--response-cache",
        nargs="+",
        choices=("off", "on"),
        default=["off"],
        help="one server after the other on the same data, with the response cache off or on (64 MiB): "
        "e.g. `off on off on` alternates",
    )
    parser.add_argument("--reads-only", action="store_true", help="the read mix only, not the read/write mix")
    args = parser.parse_args()
    with neo4j_with_network(args.seed) as (settings, network):
        token = admin_token(settings)
        rng = random.Random(args.seed)
        actors = rng.sample(network.actor_ids(), 2000)
        degrees = network.degrees()
        hubs = sorted(degrees, key=lambda a: -degrees[a])[:20]  # hundreds of partners each
        slugs = [q["props"]["slug"] for q in network.quarters]
        for cache in args.response_cache:
            # Server-Timing on: it says whether a suggestion came from the snapshot or from Neo4j.
            size = "64" if cache == "on" else "0"
            with api_server(
                settings, workers=args.workers, KIEZGRAPH_SERVER_TIMING="1", KIEZGRAPH_RESPONSE_CACHE_MB=size
            ) as base:
                warm_snapshots(base, token, actors[:40], args.workers)
                started = dt.datetime.now(dt.UTC).strftime("%H:%M:%S")
                reads = asyncio.run(run(base, token, actors, slugs, args.clients, args.seconds, 0.0, hubs))
                mixed = (
                    None
                    if args.reads_only
                    else asyncio.run(run(base, token, actors, slugs, args.clients, args.seconds, 0.2, hubs))
                )
            report(args, degrees, hubs, reads, mixed, f"response cache {cache}, started {started} UTC")


def report(
    args: argparse.Namespace,
    degrees: dict[str, int],
    hubs: list[str],
    reads: tuple[Tally, float],
    mixed: tuple[Tally, float] | None,
    title: str,
) -> None:
    print(
        f"\n### {title}\n\nBerlin-scale synthetic network (seed {args.seed}); {args.clients} concurrent clients on "
        f"loopback, {args.seconds:.0f} s per mix after a 3 s warm-up, {args.workers} worker process(es), load "
        f"{os.getloadavg()[0]:.2f} (1 min) at the end:\n"
    )
    runs = [("read", reads)] + ([("read/write", mixed)] if mixed else [])
    print("| mix | clients | duration | requests | req/s | p50 ms | p99 ms | errors | refusals |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---|")
    print(row("read", args.clients, *reads))
    if mixed:
        print(row("read/write (20 % writes)", args.clients, *mixed))
    spread = f"{degrees[hubs[-1]]}–{degrees[hubs[0]]} ties"
    print(f"\nPer request class (hubs: the 20 actors of highest degree, {spread}):\n")
    print("| mix | request class | requests | p50 ms | p95 ms | p99 ms |")
    print("|---|---|---:|---:|---:|---:|")
    for label, (tally, _) in runs:
        for name, latencies in sorted(tally.by_class.items()):
            ordered = sorted(latencies)
            median, p95 = statistics.median(ordered), percentile(ordered, 0.95)
            print(f"| {label} | {name} | {len(ordered)} | {median:.1f} | {p95:.1f} | {p99_of(ordered):.1f} |")
    for label, (tally, _) in runs:
        if tally.errors:
            print(f"- {label} errors: {dict(tally.errors)}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
