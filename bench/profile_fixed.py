"""What every request pays, whatever it asks: the whole app in-process (``create_app``: CORS,
authentication with a real admin token, rate limit, body limit, the GraphQL view with its lanes,
extensions, context and encoding), driven through ASGI directly, without a client library or
a socket, so that only the service's own Python is on the clock.

Against a Neo4j holding the Berlin-scale data (../shared/peer-bench/load_network.py)::

    .venv/bin/python -m bench.profile_fixed --port 7705 --token-file TOKEN [--runs 300] [--top 30]

``--workload trivial`` sends ``{ __typename }`` (no resolver, no database): the fixed cost alone;
``W2`` the peer benchmark's actor detail, a distinct hub per request (bench/profile_w1.py). It
prints the median and mean CPU time of this process per request (every thread: the server's
loop, the execution lane, the driver's loop) and, with ``--top``, cProfile's call count per
request and its functions by own time. The app runs on uvloop, as uvicorn runs it (``--asyncio``:
on asyncio's own loop); ``--concurrency N`` then sends the requests again from N clients and
splits the CPU by thread (server loop, lanes, driver loop). ``--server-pids`` instead reads the CPU of running server
processes from /proc around ``--runs`` requests sent over HTTP one at a time (uvicorn included).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import pstats
import statistics
import threading
import time
from pathlib import Path
from typing import Any

import httpx2 as httpx
import orjson

from bench.profile_w1 import HUBS, W2, WARM_UP
from graph.db import Database, Neo4jSettings
from kiezgraph.app import create_app
from kiezgraph.lanes import new_loop
from kiezgraph.settings import ServiceOptions
from resolvers import ids

TRIVIAL = "{ __typename }"


def scope_for(body: bytes, token: str) -> dict[str, Any]:
    """An HTTP POST to /graphql as a client sends it (the headers the harness's client sends)."""
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/graphql",
        "raw_path": b"/graphql",
        "root_path": "",
        "query_string": b"",
        "headers": [
            (b"host", b"127.0.0.1:8000"),
            (b"content-type", b"application/json"),
            (b"accept", b"application/json"),
            (b"authorization", f"Bearer {token}".encode()),
            (b"content-length", str(len(body)).encode()),
        ],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
        "state": {},
    }


async def call(app: Any, body: bytes, token: str) -> tuple[int, bytes]:
    """One request through the app; its status and body."""
    sent = False
    status = 0
    chunks: list[bytes] = []
    disconnected = asyncio.Event()

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        await disconnected.wait()
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope_for(body, token), receive, send)
    disconnected.set()
    return status, b"".join(chunks)


def bodies(workload: str, hubs: list[str], n: int) -> list[bytes]:
    if workload == "trivial":
        return [orjson.dumps({"query": TRIVIAL})] * n
    return [
        orjson.dumps({"query": W2, "variables": {"id": ids.encode("Actor", hubs[i % len(hubs)])}}) for i in range(n)
    ]


async def in_process(
    port: int,
    home: Path,
    runs: int,
    top: int,
    workload: str,
    token: str,
    sort: str,
    dump: str | None = None,
    concurrency: int = 1,
) -> None:
    password = (home / "password").read_text().strip()
    settings = Neo4jSettings(f"bolt://127.0.0.1:{port}", "neo4j", password, query_timeout=60.0)
    raw = Database(settings)
    hubs = [r["id"] for r in await raw.read(HUBS, n=runs + WARM_UP)] if workload == "W2" else []
    await raw.close()
    app = create_app(settings, ServiceOptions(rate_per_minute=0, public_rate_per_minute=0, response_cache_mb=0))
    requests = bodies(workload, hubs, runs + WARM_UP)
    # One profile per thread, each timed by its own thread's CPU: the server's loop (here), the
    # execution lanes and the driver's loop; merged at the end.
    loops = [lane.loop for lane in app.state.lanes._started()] + [app.state.db._home]
    profiles = [cProfile.Profile(time.thread_time) for _ in range(len(loops) + 1)]
    cpus: list[float] = []
    walls: list[float] = []
    for i, body in enumerate(requests):
        if i == WARM_UP and top > 0:
            for loop, profile in zip(loops, profiles[1:], strict=True):
                await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(_enable(profile), loop))
            profiles[0].enable()
        timed = i >= WARM_UP
        start, cpu = time.perf_counter(), time.process_time()
        status, answer = await call(app, body, token)
        if timed:
            cpus.append(time.process_time() - cpu)
            walls.append(time.perf_counter() - start)
        assert status == 200 and b'"errors"' not in answer, (status, answer[:300])
    if top > 0:
        profiles[0].disable()
        for loop, profile in zip(loops, profiles[1:], strict=True):
            await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(_disable(profile), loop))
    if concurrency > 1:
        await _concurrent(app, requests, token, concurrency, workload)
    app.state.lanes.stop()
    await app.state.db.close()
    print(
        f"{workload} whole app in-process, {runs} runs: CPU per request median {statistics.median(cpus) * 1000:.3f} ms "
        f"(mean {statistics.fmean(cpus) * 1000:.3f}), wall median {statistics.median(walls) * 1000:.3f} ms"
    )
    if top > 0:
        out = io.StringIO()
        stats = pstats.Stats(*profiles, stream=out)
        print(f"function calls per request (cProfile): {stats.total_calls / runs:.0f}")  # type: ignore[attr-defined]
        names = ["server loop"] + [f"lane {i}" for i in range(len(loops) - 1)] + ["driver loop"]
        for name, profile in zip(names, profiles, strict=True):
            own = sum(row[2] for row in pstats.Stats(profile).stats.values())  # type: ignore[attr-defined]
            print(f"  thread {name:<33} {own / runs * 1000:7.3f} ms per request (under cProfile)")
            if dump is not None and own > 0.001:
                profile.dump_stats(f"{dump}-{name.replace(' ', '-')}.prof")
        print("own time per request by package (ms, under cProfile):")
        for name, seconds in sorted(by_package(stats).items(), key=lambda item: -item[1]):
            print(f"  {name:<40} {seconds / runs * 1000:7.3f}")
        stats.sort_stats(sort).print_stats(top)
        print(out.getvalue())


def by_package(stats: pstats.Stats) -> dict[str, float]:
    """Own time summed by the package (or this project's module) a function belongs to."""
    totals: dict[str, float] = {}
    for (filename, _, _), (_, _, own, _, _) in stats.stats.items():  # type: ignore[attr-defined]
        if "site-packages/" in filename:
            name = filename.split("site-packages/")[1].split("/")[0]
        elif "/lib/python3" in filename:
            name = "stdlib: " + filename.rsplit("/", 1)[1]
        elif filename.startswith(("~", "<")):
            name = "builtins"
        else:
            name = "/".join(Path(filename).parts[-2:])
        totals[name] = totals.get(name, 0.0) + own
    return totals


async def _concurrent(app: Any, requests: list[bytes], token: str, clients: int, workload: str) -> None:
    """The same requests again from ``clients`` concurrent clients (as the harness's throughput
    phase sends them): the process's CPU over all of them, per request."""
    queue = list(reversed(requests))

    async def client() -> None:
        while queue:
            status, answer = await call(app, queue.pop(), token)
            assert status == 200 and b'"errors"' not in answer, (status, answer[:300])

    cpu, start, n, sent = time.process_time(), time.perf_counter(), len(requests), app.state.db.round_trips
    before = thread_cpu()
    await asyncio.gather(*(client() for _ in range(clients)))
    used, wall = time.process_time() - cpu, time.perf_counter() - start
    after = thread_cpu()
    print(
        f"{workload} whole app in-process, {n} requests from {clients} concurrent clients: "
        f"CPU per request {used / n * 1000:.3f} ms, {n / wall:.0f} req/s, "
        f"database round trips per request {(app.state.db.round_trips - sent) / n:.2f}"
    )
    split = {name: after[name] - before.get(name, 0.0) for name in after}
    print("  by thread (ms per request): " + ", ".join(f"{k} {v / n * 1000:.2f}" for k, v in split.items() if v > 0))


def thread_cpu() -> dict[str, float]:
    """Seconds of CPU each kind of thread of this process has used (the server's loop, the
    lanes together, the driver's loop), from /proc."""
    names = {thread.native_id: thread.name for thread in threading.enumerate()}
    totals: dict[str, float] = {}
    for task in Path("/proc/self/task").iterdir():
        fields = (task / "stat").read_text().rsplit(")", 1)[1].split()
        name = names.get(int(task.name), "other")
        kind = "server loop" if name == "MainThread" else "lanes" if name.startswith("kiezgraph-lane") else name
        totals[kind] = totals.get(kind, 0.0) + (int(fields[11]) + int(fields[12])) / 100.0  # utime + stime
    return totals


async def _enable(profile: cProfile.Profile) -> None:
    profile.enable()


async def _disable(profile: cProfile.Profile) -> None:
    profile.disable()


def cpu_of(pids: list[int]) -> float:
    """Seconds of CPU (user + system) the processes have used, from /proc."""
    ticks = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return ticks / 100.0  # USER_HZ


async def over_http(
    port: int, neo4j_port: int, home: Path, runs: int, workload: str, token: str, pids: list[int]
) -> None:
    hubs: list[str] = []
    if workload == "W2":
        password = (home / "password").read_text().strip()
        raw = Database(Neo4jSettings(f"bolt://127.0.0.1:{neo4j_port}", "neo4j", password))
        hubs = [r["id"] for r in await raw.read(HUBS, n=runs + WARM_UP)]
        await raw.close()
    requests = bodies(workload, hubs, runs + WARM_UP)
    headers = {"authorization": f"Bearer {token}", "content-type": "application/json"}
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
        for body in requests[:WARM_UP]:
            (await client.post("/graphql", content=body, headers=headers)).raise_for_status()
        before, start = cpu_of(pids), time.perf_counter()
        for body in requests[WARM_UP:]:
            response = await client.post("/graphql", content=body, headers=headers)
            assert response.status_code == 200 and b'"errors"' not in response.content, response.content[:300]
        used, wall = cpu_of(pids) - before, time.perf_counter() - start
    print(
        f"{workload} over HTTP, {runs} requests one at a time: server CPU {used / runs * 1000:.3f} ms per request, "
        f"wall {wall / runs * 1000:.3f} ms per request"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=7705, help="Neo4j's Bolt port")
    parser.add_argument("--home", type=Path, default=Path("neo4j-local/run"))
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--top", type=int, default=0, help="functions to list; 0: time without cProfile")
    parser.add_argument("--workload", choices=("trivial", "W2"), default="trivial")
    parser.add_argument("--sort", default="tottime", help="cProfile's order: tottime (own time) or cumulative")
    parser.add_argument("--token-file", type=Path, required=True, help="a file holding an admin token")
    parser.add_argument("--concurrency", type=int, default=1, help="then the same requests from N clients at once")
    parser.add_argument("--dump", help="with --top: write each thread's profile to DUMP-<thread>.prof")
    parser.add_argument("--server-port", type=int, help="measure a running server over HTTP instead")
    parser.add_argument("--server-pids", type=int, nargs="*", default=[], help="its worker processes")
    parser.add_argument(
        "--asyncio", action="store_true", help="drive the app on asyncio's loop (default: uvloop, as uvicorn runs it)"
    )
    args = parser.parse_args()
    token = args.token_file.read_text().strip()
    if args.server_port:
        asyncio.run(
            over_http(args.server_port, args.port, args.home, args.runs, args.workload, token, args.server_pids)
        )
    else:
        with asyncio.Runner(loop_factory=None if args.asyncio else new_loop) as runner:
            runner.run(
                in_process(
                    args.port,
                    args.home,
                    args.runs,
                    args.top,
                    args.workload,
                    token,
                    args.sort,
                    args.dump,
                    args.concurrency,
                )
            )
