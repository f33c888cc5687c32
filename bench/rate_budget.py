"""What the rate limit shared across instances costs (issue #16): the claim write, and per request.

A token's budget per minute is shared by all instances without a write per request: an instance
claims a chunk (a twentieth of the limit) from Neo4j with one small write and spends it locally
(kiezgraph/middleware/rate_limit.py). This measures, against a fresh Neo4j:
- the latency of one claim (``--claims`` sequential claims, each for another key, so each MERGE
  creates its window as a new client's first request does);
- the in-process cost of :meth:`SharedBudget.take` when the chunk is held (no database).
The cost per request averaged over a chunk is the claim's latency divided by the chunk size.

Run: ``python -m bench.rate_budget`` (under ``flock /work/bench.lock``).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time

from bench.common import Timing, neo4j_with_network
from graph import rate_windows
from graph.db import Database, Neo4jSettings
from kiezgraph.middleware.rate_limit import SharedBudget


async def measure(settings: Neo4jSettings, claims: int, per_minute: int) -> None:
    db = Database(settings)
    try:
        minute = int(time.time() // 60)
        chunk = max(1, per_minute // SharedBudget.CHUNKS)
        await rate_windows.claim(db, "warm-up", minute, per_minute, chunk)  # plans the query once
        samples = []
        for n in range(claims):
            started = time.perf_counter()
            await rate_windows.claim(db, f"token:bench-{n}", minute, per_minute, chunk)
            samples.append((time.perf_counter() - started) * 1000)
        claim = Timing("claim", samples)
        budget = SharedBudget(db)
        await budget.take("token:held", 10**9)  # claims a chunk of 5·10^7: the rest is held
        rounds = 100_000
        started = time.perf_counter()
        for _ in range(rounds):
            await budget.take("token:held", 10**9)
        held_us = (time.perf_counter() - started) / rounds * 1e6
    finally:
        await db.close()
    print(f"one claim (a small write): median {claim.median:.1f} ms, p95 {claim.p95:.1f} ms")
    print(f"take() with the chunk held (no database): {held_us:.2f} µs per request")
    print(
        f"at {per_minute}/min a claim per {chunk} requests: {claim.median / chunk:.2f} ms per request on average "
        f"({claim.median:.1f} ms for the one request that claims)"
    )
    print(f"load average: {os.getloadavg()}")


def main(claims: int, per_minute: int) -> None:
    with neo4j_with_network(actors=50, cooperations=50, heap="256m", pagecache="64m") as (settings, _):
        asyncio.run(measure(settings, claims, per_minute))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--claims", type=int, default=300)
    parser.add_argument("--per-minute", type=int, default=600)
    args = parser.parse_args()
    main(args.claims, args.per_minute)
