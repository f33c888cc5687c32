"""Where the load test's slow request classes spend their time (issue 16): the exact queries
``bench/load.py`` sends for "cooperations" (a page of 20 current cooperations of one quarter,
with the total) and "quarter network" (node and edge counts of one of the 32 quarters), run
in-process through the service's schema, as ``bench/profile_w1.py`` runs W1.

Against a Neo4j holding the Berlin-scale network (``bench.common.neo4j_with_network``)::

    PYTHONPATH=$PWD .venv/bin/python -m bench.profile_load_classes --uri bolt://127.0.0.1:PORT \\
        --password-file HOME/password --class cooperations [--runs 64] [--top 20] [--plans]

Each run takes the next quarter of the rotation, as the load test's clients pick one at random;
the quarter network's cache by revision is emptied before every run (``--cached`` keeps it), since
under the load test's rotation over 32 quarters it rarely holds the one asked for. Printed: the
median wall time, the time in Cypher calls, the CPU time of this process per request (the Python
side alone), statements per request (with ``--neo4j-pid``, Neo4j's CPU per request: on two shared
cores it queues the other requests as much as Python's does), and cProfile's functions by own
time. ``--plans`` also sends each statement of one request again with ``PROFILE`` in front and
prints its db hits and rows per operator. ``--class quarter-json`` times what a map asks of a
quarter's network instead (``json``).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import os
import pstats
import statistics
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from core.context import Context
from core.services import Services
from core.timing import CURRENT, Timing
from graph.db import Database, Neo4jSettings
from kiezgraph.lanes import HomeDatabase
from schema import build_schema

# Exactly as bench/load.py sends them.
COOPS = """query($q: [String!]) { cooperations(first: 20, filter: {quarters: $q, current: true}) {
  totalCount nodes { id kind since } } }"""
QUARTER = "query($s: String!) { quarterNetwork(slug: $s) { nodeCount edgeCount } }"
# Not in the load test: what a map asks of a quarter's network (every node and tie, as one value).
QUARTER_JSON = "query($s: String!) { quarterNetwork(slug: $s) { json } }"
DOCUMENTS = {"cooperations": COOPS, "quarter": QUARTER, "quarter-json": QUARTER_JSON}
SLUGS = "MATCH (q:Quarter) WHERE q.synthetic RETURN q.slug AS slug ORDER BY slug"


def cpu_seconds(pid: int | None) -> float:
    """User and system CPU of a process so far (all its threads), from /proc; 0 without a pid."""
    if pid is None:
        return 0.0
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def variables(klass: str, slug: str) -> dict[str, object]:
    return {"q": [slug]} if klass == "cooperations" else {"s": slug}


def operators(plan: Any, depth: int = 0) -> Iterator[tuple[int, str, int, int, str]]:
    """(depth, operator, rows, db hits, details) of a profiled plan, depth first."""
    args = dict(plan.get("args", {}))
    detail = str(args.get("Details", ""))[:100]
    yield depth, plan["operatorType"], int(plan.get("rows", 0)), int(plan.get("dbHits", 0)), detail
    for child in plan.get("children", []):
        yield from operators(child, depth + 1)


async def show_plans(raw: Database, trace: list[tuple[str, dict[str, Any], str]]) -> None:
    for query, params, _ in trace:
        driver = raw._driver  # a benchmark looks behind the wrapper on purpose
        async with driver.session(database=raw.settings.database) as session:
            started = time.perf_counter()
            result = await session.run("PROFILE " + query, params)
            records = [r async for r in result]
            summary = await result.consume()
            took = (time.perf_counter() - started) * 1000
        found = list(operators(summary.profile or {}))
        hits = sum(h for _, _, _, h, _ in found)
        print(f"\n{query[:300]}{'…' if len(query) > 300 else ''}\n")
        print(f"{len(records)} records, {hits:,} db hits, {took:.1f} ms (profiled)\n")
        print("| operator | rows | db hits | details |\n|---|---:|---:|---|")
        for depth, op, rows, op_hits, detail in found:
            print(f"| {'· ' * depth}{op} | {rows:,} | {op_hits:,} | {detail.replace('|', '/')} |")


async def main(
    uri: str, password: str, klass: str, runs: int, top: int, plans: bool, cached: bool, neo4j_pid: int | None
) -> None:
    raw = Database(Neo4jSettings(uri, "neo4j", password, query_timeout=600.0))
    db = HomeDatabase.on(raw, asyncio.get_running_loop())  # the same wrapper that times Cypher calls
    schema = build_schema()
    slugs = [r["slug"] for r in await raw.read(SLUGS)]
    document = DOCUMENTS[klass]
    walls: list[float] = []
    cypher: list[float] = []
    cpus: list[float] = []
    statements: list[int] = []
    # Timed by CPU, not by the clock: on a shared machine the clock also counts waiting for a core.
    profile = cProfile.Profile(time.process_time)
    services = Services()  # shared by all requests, as the server shares it

    async def one(i: int, profiled: bool) -> None:
        if not cached:
            services.networks.clear()
        timing = Timing()
        token = CURRENT.set(timing)
        ctx = Context.for_request(db, services)
        sent = raw.round_trips
        start, cpu = time.perf_counter(), time.process_time()
        if profiled:
            profile.enable()
        result = await schema.execute(
            document, variable_values=variables(klass, slugs[i % len(slugs)]), context_value=ctx
        )
        if profiled:
            profile.disable()
        CURRENT.reset(token)
        assert not result.errors, result.errors
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
        statements.append(raw.round_trips - sent)
        cypher.append(timing.phases.get("cypher", 0.0))

    for i in range(len(slugs)):  # warm-up: the driver's pool, Neo4j's plan cache, the catalogue
        await one(i, False)
    for samples in (walls, cypher, cpus, statements):
        samples.clear()
    neo4j_cpu = cpu_seconds(neo4j_pid)
    for i in range(runs):
        await one(i, top > 0)
    neo4j_cpu = cpu_seconds(neo4j_pid) - neo4j_cpu
    print(
        f"{klass} in-process, {runs} runs over {len(slugs)} quarters: median {statistics.median(walls) * 1000:.1f} ms, "
        f"in Cypher calls {statistics.median(cypher) * 1000:.1f} ms, "
        f"CPU of this process {statistics.median(cpus) * 1000:.1f} ms (p90 "
        f"{sorted(cpus)[int(0.9 * (len(cpus) - 1))] * 1000:.1f}), "
        f"Cypher statements per request {statistics.median(statements):g}"
        + (f", Neo4j's CPU per request {neo4j_cpu / runs * 1000:.1f} ms (mean)" if neo4j_pid else "")
    )
    if top > 0:
        out = io.StringIO()
        pstats.Stats(profile, stream=out).sort_stats("tottime").print_stats(top)
        print(out.getvalue())
    if plans:
        raw.trace = []
        if not cached:
            services.networks.clear()
        await schema.execute(
            document, variable_values=variables(klass, slugs[0]), context_value=Context.for_request(db, services)
        )
        trace, raw.trace = raw.trace, None
        await show_plans(raw, trace)
    await raw.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--uri", required=True)
    parser.add_argument("--password-file", type=Path, required=True)
    parser.add_argument("--class", dest="klass", choices=tuple(DOCUMENTS), default="cooperations")
    parser.add_argument("--runs", type=int, default=64)
    parser.add_argument("--top", type=int, default=20, help="functions to list; 0: time without cProfile")
    parser.add_argument("--plans", action="store_true", help="PROFILE each statement of one request")
    parser.add_argument("--cached", action="store_true", help="keep the network cache between runs")
    parser.add_argument("--neo4j-pid", type=int, help="Neo4j's process id: its CPU per request is printed too")
    args = parser.parse_args()
    password = args.password_file.read_text().strip()
    asyncio.run(main(args.uri, password, args.klass, args.runs, args.top, args.plans, args.cached, args.neo4j_pid))
