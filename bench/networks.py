"""Benchmark of networks, metrics and suggestions on the Berlin-scale network (issue #4).

Each request is timed over HTTP against a uvicorn process. Its floor is the Cypher that the
same request sends, recorded once by running the request's resolver in-process with tracing on,
then replayed straight through the neo4j driver (in the order the service sends it).

- egoNetwork depth 2 (`json`), 100 actors of median degree;
- suggestPartners (10 suggestions, default weights), 100 actors;
- the whole network (`network { json }`);
- networkMetrics: fresh after a write (read + compute), cached, and right after a write without
  `fresh` (the last result, stale, while the background recomputes).

Run: ``make bench-networks`` (or ``python -m bench.networks``).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import time
from collections.abc import Awaitable, Callable
from typing import Any

import httpx2 as httpx
import neo4j

from analysis.suggestions import Weights
from bench.common import Timing, admin_token, api_server, neo4j_with_network, paired, report
from core.access import Principal, Role
from core.context import Context
from core.services import Refit, Services
from graph import revision
from graph.db import Database, Neo4jSettings
from resolvers import ids, networks, suggestions

EGO = "query($id: ID!) { egoNetwork(actorId: $id, depth: 2) { nodeCount edgeCount json } }"
SUGGEST = """query($id: ID!) { suggestPartners(actorId: $id, first: 10) { suggestions { score actor { id name type }
  reasons { kind text contribution } sharedPartners { name } distanceMetres } } }"""
WHOLE = "{ network { nodeCount edgeCount json } }"
METRICS = "{ networkMetrics { nodes edges modularity averagePathLength diameter cached stale revision } }"
FRESH_METRICS = "{ networkMetrics(fresh: true) { nodes edges modularity averagePathLength diameter cached stale } }"
TOUCH = """mutation($i: UpdateActorInput!) { updateActor(input: $i) { actor { version } errors { code } } }"""


Trace = list[tuple[str, dict[str, Any], str]]


async def record(settings: Neo4jSettings, work: Callable[[Context], Awaitable[object]]) -> Trace:
    """The Cypher a resolver sends, captured in-process."""
    db = Database(settings)
    db.trace = []
    # No refit of the suggestion model: each recording has Services of its own, and each would
    # otherwise fit in a process of its own beside the timed requests (only the Cypher is wanted).
    services = Services(refit=Refit(enabled=False))
    ctx = Context.for_request(db, services, principal=Principal(Role.ADMIN, token_id="benchmark"))
    try:
        await work(ctx)
        return db.trace
    finally:
        # What the request asked for in the background (the suggestions' snapshot) goes with its driver.
        ctx.services.snapshots.close()
        ctx.services.metrics.close()
        ctx.services.models.close()
        await db.close()


class Replay:
    def __init__(self, settings: Neo4jSettings) -> None:
        self.driver = neo4j.AsyncGraphDatabase.driver(
            settings.uri, auth=(settings.user, settings.password), notifications_min_severity="OFF"
        )

    async def __call__(self, trace: Trace) -> None:
        for query, params, routing in trace:
            await self.driver.execute_query(query, params, routing_=routing)  # type: ignore[arg-type]  # replayed text

    async def close(self) -> None:
        await self.driver.close()


async def once(label: str, runs: int, call: Callable[[], Awaitable[object]]) -> Timing:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        await call()
        samples.append((time.perf_counter() - started) * 1000)
    return Timing(label, samples)


async def measure(
    settings: Neo4jSettings, base: str, token: str, centres: list[str], runs: int
) -> tuple[list, list[str]]:
    replay = Replay(settings)
    notes: list[str] = []
    ego_traces = [
        await record(settings, lambda ctx, c=c: networks.ego(ctx, ids.encode("Actor", c), 2, None, None))
        for c in centres
    ]
    suggest_traces = [
        await record(
            settings, lambda ctx, c=c: suggestions.suggest(ctx, ids.encode("Actor", c), None, None, None, 10, Weights())
        )
        for c in centres
    ]

    async def whole_read(ctx: Context) -> object:
        return await networks.read(ctx, await networks.selection(ctx, None))

    whole_trace = await record(settings, whole_read)
    rows = []
    async with httpx.AsyncClient(base_url=base, timeout=120, headers={"Authorization": f"Bearer {token}"}) as client:

        async def post(query: str, variables: dict | None = None) -> dict:
            body = (await client.post("/graphql", json={"query": query, "variables": variables or {}})).json()
            assert "errors" not in body, body
            return body["data"]

        sizes = []

        async def ego_http(i: int) -> None:
            data = await post(EGO, {"id": ids.encode("Actor", centres[i % len(centres)])})
            sizes.append((data["egoNetwork"]["nodeCount"], data["egoNetwork"]["edgeCount"]))

        rows.append(await paired("egoNetwork depth 2", runs, ego_http, lambda i: replay(ego_traces[i % len(centres)])))
        nodes = statistics.median(s[0] for s in sizes)
        edges = statistics.median(s[1] for s in sizes)
        notes.append(f"egoNetwork depth 2: median {nodes:.0f} actors and {edges:.0f} cooperations per response")

        async def suggest_http(i: int) -> None:
            await post(SUGGEST, {"id": ids.encode("Actor", centres[i % len(centres)])})

        rows.append(
            await paired("suggestPartners (10)", runs, suggest_http, lambda i: replay(suggest_traces[i % len(centres)]))
        )

        whole_bytes = []

        async def whole_http(_: int) -> None:
            response = await client.post("/graphql", json={"query": WHOLE})
            whole_bytes.append(len(response.content))
            assert response.json()["data"]["network"]["edgeCount"] > 0

        rows.append(await paired("whole network (json)", 5, whole_http, lambda i: replay(whole_trace), warmup=2))
        notes.append(f"whole network response: {whole_bytes[-1] / 1e6:.1f} MB of JSON")

        first_actor = ids.encode("Actor", centres[0])
        version = [1]

        async def touch() -> None:
            data = await post(
                TOUCH, {"i": {"id": first_actor, "version": version[0], "description": f"benchmark write {version[0]}"}}
            )
            version[0] = data["updateActor"]["actor"]["version"]

        cold = []
        for _ in range(3):
            await touch()
            started = time.perf_counter()
            data = await post(FRESH_METRICS)
            cold.append((time.perf_counter() - started) * 1000)
            assert data["networkMetrics"]["cached"] is False
        cached = await once("networkMetrics, cached", 20, lambda: post(METRICS))
        # Right after a write, a reader without `fresh` gets the last result (stale) at once.
        stale = []
        for _ in range(3):
            await touch()
            started = time.perf_counter()
            data = await post(METRICS)
            stale.append((time.perf_counter() - started) * 1000)
            assert data["networkMetrics"]["stale"] is True, data
            started = time.perf_counter()
            while (await post(METRICS))["networkMetrics"]["stale"]:
                await asyncio.sleep(0.1)
            notes.append(f"background recomputation after a write: fresh after {time.perf_counter() - started:.1f} s")
        floor_read = await once("floor", 3, lambda: replay(whole_trace))
        # A cached answer still checks the network's revision: that one query is its floor.
        floor_cached = await once("floor", 20, lambda: replay([(revision.CURRENT, {}, "r")]))
        rows.append((Timing("networkMetrics(fresh: true) after a write (read + compute)", cold), floor_read))
        rows.append((cached, floor_cached))
        rows.append((Timing("networkMetrics after a write (stale, at once)", stale), floor_cached))
    await replay.close()
    return rows, notes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--seed", type=int, default=2027)
    args = parser.parse_args()
    with neo4j_with_network(args.seed) as (settings, network):
        degree = network.degrees()
        median = sorted(degree.values())[len(degree) // 2]
        rng = random.Random(args.seed)
        typical = [a for a, d in degree.items() if abs(d - median) <= 2]
        centres = rng.sample(typical, 100)
        token = admin_token(settings)
        with api_server(settings) as base:
            rows, notes = asyncio.run(measure(settings, base, token, centres, args.runs))
    print(
        f"\nBerlin-scale synthetic network (seed {args.seed}: 32 quarters, 10,000 actors, 50,000 cooperations; "
        f"centres of median degree {median}), {args.runs} runs for the per-actor requests:\n"
    )
    print(report(rows))
    print()
    for note in notes:
        print(f"- {note}")


if __name__ == "__main__":
    main()
