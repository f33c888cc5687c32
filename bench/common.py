"""What every benchmark needs: a Neo4j of its own with the generated network, a running
server over HTTP, and timing statistics."""

from __future__ import annotations

import asyncio
import contextlib
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx2 as httpx

from bench.generate import Network, generate
from graph import bulk, changes, migrations, tokens
from graph.db import Database, Neo4jSettings
from kiezgraph.local_neo4j import LocalNeo4j, free_port
from seeds import load

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent


@contextlib.contextmanager
def neo4j_with_network(
    seed: int = 2027,
    actors: int = 10_000,
    cooperations: int = 50_000,
    heap: str = "1g",
    pagecache: str = "512m",
    network: Network | None = None,
    ties: list[dict] | None = None,
    home: Path | None = None,
) -> Iterator[tuple[Neo4jSettings, Network]]:
    """A fresh Neo4j in bench/data holding the reference seeds and a generated network (or the
    one given, optionally with only ``ties`` of its cooperations loaded)."""
    home = home or BENCH_DIR / "data" / "neo4j"  # another home lets two benchmarks run at once
    server = LocalNeo4j(home, port=free_port(), heap=heap, pagecache=pagecache)
    server.start(timeout=600.0)  # a busy shared machine can take minutes to start a JVM
    try:
        # Generous stall detection: on a shared two-core machine a bulk load can keep Neo4j silent for long.
        settings = Neo4jSettings(
            server.uri, server.user, server.password, query_timeout=600.0, stall_after=60.0, probe_timeout=120.0
        )
        network = network or generate(seed, actors=actors, cooperations=cooperations)
        started = time.perf_counter()
        asyncio.run(_load(settings, network, network.cooperations if ties is None else ties))
        print(
            f"loaded {len(network.actors)} actors and "
            f"{len(network.cooperations if ties is None else ties)} cooperations "
            f"in {time.perf_counter() - started:.1f} s",
            file=sys.stderr,
        )
        yield settings, network
    finally:
        server.stop()


async def _load(settings: Neo4jSettings, network: Network, ties: list[dict]) -> None:
    db = Database(settings)
    try:
        await migrations.migrate(db)
        await bulk.clear_synthetic(db)
        await load.load_reference(db)
        await bulk.load(db, bulk.QUARTERS, network.quarters)
        await bulk.load(db, bulk.ACTORS, network.actors)
        await bulk.load(db, bulk.COOPERATIONS, ties)
        await changes.record_reload(db, "benchmark network loaded")
    finally:
        await db.close()


def admin_token(settings: Neo4jSettings) -> str:
    """A fresh admin token for the benchmark's HTTP clients."""

    async def issue() -> str:
        db = Database(settings)
        try:
            issued = await db.write_transaction(lambda tx: tokens.create(tx, "benchmark", "admin", []))
            return issued.secret
        finally:
            await db.close()

    return asyncio.run(issue())


@contextlib.contextmanager
def api_server(
    neo4j: Neo4jSettings, checkout: Path = ROOT, pids: list[int] | None = None, workers: int = 1, **settings: str
) -> Iterator[str]:
    """The service under uvicorn in its own process, as in production; yields its base URL.

    Rate limits and the response cache are off unless ``settings`` (environment variables) say otherwise: benchmarks
    and fault tests fire requests faster than any client should. ``checkout`` serves the code
    of another checkout (an earlier commit, for a before/after comparison); ``pids`` receives the
    server's process id (to measure its CPU); ``workers`` > 1 starts that many uvicorn worker processes.
    """
    port = free_port()
    env = {
        **os.environ,
        "NEO4J_URI": neo4j.uri,
        "NEO4J_USER": neo4j.user,
        "NEO4J_PASSWORD": neo4j.password,
        "KIEZGRAPH_RATE_LIMIT": "0",
        "KIEZGRAPH_PUBLIC_RATE_LIMIT": "0",
        # Benchmarks time distinct work: no answer from the response cache unless a benchmark
        # asks for it (bench/load.py --response-cache on).
        "KIEZGRAPH_RESPONSE_CACHE_MB": "0",
        **settings,
    }
    with subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            "kiezgraph.app:app_from_env",
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--no-access-log",
            *(["--workers", str(workers)] if workers > 1 else []),
        ],
        env={**env, "PYTHONPATH": str(checkout)} if checkout != ROOT else env,
        cwd=checkout,
    ) as server:
        base = f"http://127.0.0.1:{port}"
        if pids is not None:
            pids.append(server.pid)
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if httpx.get(f"{base}/readyz").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("the API server did not become ready")
                time.sleep(0.2)
            yield base
        finally:
            server.terminate()
            server.wait(30)


@dataclass(frozen=True)
class Timing:
    label: str
    samples_ms: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.samples_ms)

    @property
    def p95(self) -> float:
        ordered = sorted(self.samples_ms)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


async def timed(label: str, runs: int, call: Callable[[int], Awaitable[object]], warmup: int = 10) -> Timing:
    for i in range(warmup):
        await call(i)
    samples = []
    for i in range(runs):
        started = time.perf_counter()
        await call(i)
        samples.append((time.perf_counter() - started) * 1000)
    return Timing(label, samples)


async def paired(
    label: str,
    runs: int,
    measured: Callable[[int], Awaitable[object]],
    floor: Callable[[int], Awaitable[object]],
    warmup: int = 50,
) -> tuple[Timing, Timing]:
    """Time a request and its floor alternately, so both see the same JVM, caches and load.

    Measuring one after the other favours the second: Neo4j's JIT and page cache warm up
    during the first.
    """
    for i in range(warmup):
        await measured(i)
        await floor(i)
    ours, theirs = [], []
    for i in range(runs):
        for call, samples in ((measured, ours), (floor, theirs)):
            started = time.perf_counter()
            await call(i)
            samples.append((time.perf_counter() - started) * 1000)
    return Timing(label, ours), Timing("floor", theirs)


def report(rows: list[tuple[Timing, Timing]]) -> str:
    """A markdown table: each measurement beside its floor, with the ratios."""
    lines = [
        "| what | median ms | p95 ms | floor median ms | floor p95 ms | ratio median | ratio p95 |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for api, floor in rows:
        lines.append(
            f"| {api.label} | {api.median:.1f} | {api.p95:.1f} | {floor.median:.1f} | {floor.p95:.1f} | "
            f"{api.median / floor.median:.2f}× | {api.p95 / floor.p95:.2f}× |"
        )
    return "\n".join(lines)
