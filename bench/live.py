"""Live changes (issue #12): latency from commit to delivery, and what an idle instance spends.

Two service instances (uvicorn, each its own process) on one Neo4j holding the reference seeds
and a small generated network. ``--subscribers`` WebSocket clients (graphql-transport-ws, the
`websockets` library), half on each instance, subscribe to ``changes``. A writer then makes
``--writes`` changes one after another through instance A (``updateActor``), each once every
subscriber has received the one before. Per write and subscriber the latency is the time from
the mutation's answer (the commit is acknowledged) to the event's arrival; the mutation's own
round trip is reported beside it (the commit happened within it).

Idle: with the subscribers connected and no writes, the CPU time each service process and the
Neo4j process spend over ``--idle`` seconds (from /proc), as a share of one core; the same with
no subscriber connected (the poller stopped).

Run: ``make bench-live`` (or ``python -m bench.live --subscribers 200 --writes 50 --idle 30``).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import time
from pathlib import Path

import httpx2 as httpx
import websockets

from bench.common import Timing, admin_token, api_server, neo4j_with_network

SUBSCRIPTION = (
    "subscription($after: Revision) { changes(entity: [ACTOR], after: $after) "
    "{ revision entityId operation actor { name version } } }"
)
UPDATE = "mutation($i: UpdateActorInput!) { updateActor(input: $i) { actor { version } errors { code } } }"
FIND = "{ actors(first: 1, filter: { synthetic: true }) { nodes { id version } } }"
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process so far (/proc/<pid>/stat, fields 14 and 15)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


async def idle_share(pids: dict[str, int], seconds: float) -> dict[str, float]:
    before = {name: cpu_seconds(pid) for name, pid in pids.items()}
    await asyncio.sleep(seconds)  # a measurement period, not a wait for an event
    return {name: (cpu_seconds(pid) - before[name]) / seconds for name, pid in pids.items()}


class Subscriber:
    def __init__(self, base: str, after: int) -> None:
        self.url = base.replace("http://", "ws://") + "/graphql"
        self.after = after  # every change after it arrives, however long the subscription takes to start
        self.arrivals: dict[int, float] = {}  # revision → when it arrived
        self.ready = asyncio.Event()
        self.changed = asyncio.Event()

    async def run(self) -> None:
        async with websockets.connect(
            self.url, subprotocols=[websockets.Subprotocol("graphql-transport-ws")], max_queue=None
        ) as ws:
            await ws.send(json.dumps({"type": "connection_init", "payload": {}}))
            await ws.send(
                json.dumps(
                    {
                        "id": "1",
                        "type": "subscribe",
                        "payload": {"query": SUBSCRIPTION, "variables": {"after": self.after}},
                    }
                )
            )
            async for raw in ws:
                message = json.loads(raw)
                if message["type"] == "connection_ack":
                    self.ready.set()
                elif message["type"] == "ping":
                    await ws.send(json.dumps({"type": "pong"}))
                elif message["type"] == "next":
                    self.arrivals[message["payload"]["data"]["changes"]["revision"]] = time.perf_counter()
                    self.changed.set()


def main(subscribers: int, writes: int, idle: float) -> None:
    # Neo4j and the servers are set up outside the event loop (their helpers run loops of their own).
    with neo4j_with_network(actors=1_000, cooperations=3_000, heap="512m", pagecache="256m") as (settings, _):
        token = admin_token(settings)
        pids: list[int] = []
        # All subscribers come from one address without a token: lift the per-address cap for them.
        caps = {"KIEZGRAPH_SUBSCRIPTIONS_PER_TOKEN": str(subscribers)}
        with api_server(settings, pids=pids, **caps) as a, api_server(settings, pids=pids, **caps) as b:
            processes = {"instance A": pids[0], "instance B": pids[1]}
            neo4j_pid = _neo4j_pid()
            if neo4j_pid is not None:
                processes["Neo4j"] = neo4j_pid
            asyncio.run(measure(a, b, token, processes, subscribers, writes, idle))


async def measure(
    a: str, b: str, token: str, processes: dict[str, int], subscribers: int, writes: int, idle: float
) -> None:
    print(f"idle, no subscribers: {await _idle_report(processes, idle)}", flush=True)
    async with httpx.AsyncClient(base_url=a, timeout=60) as http:
        start = await _revision(http)
    clients = [Subscriber(a if i % 2 == 0 else b, start) for i in range(subscribers)]
    tasks = [asyncio.create_task(c.run()) for c in clients]
    await asyncio.wait_for(asyncio.gather(*(c.ready.wait() for c in clients)), 300)
    print(f"{subscribers} subscribers connected", flush=True)
    # Every subscription has started once it has delivered a first change: only then is the
    # latency of live delivery measured (a subscription still starting would count its set-up).
    latencies, round_trips = await _writes(a, token, clients, 3)
    print(f"idle, {subscribers} subscribers: {await _idle_report(processes, idle)}", flush=True)
    latencies, round_trips = await _writes(a, token, clients, writes)
    for task in tasks:
        task.cancel()
    print(
        f"commit → delivery, {len(latencies.samples_ms)} deliveries: median {latencies.median:.0f} ms, "
        f"p95 {latencies.p95:.0f} ms, max {max(latencies.samples_ms):.0f} ms"
    )
    print(f"the mutation's round trip: median {round_trips.median:.0f} ms, p95 {round_trips.p95:.0f} ms")
    print(f"load average while measuring: {os.getloadavg()}")


async def _idle_report(processes: dict[str, int], seconds: float) -> str:
    shares = await idle_share(processes, seconds)
    return ", ".join(f"{name} {share * 100:.2f} % of a core" for name, share in shares.items())


async def _writes(base: str, token: str, clients: list[Subscriber], writes: int) -> tuple[Timing, Timing]:
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=60) as http:
        found = (await http.post("/graphql", json={"query": FIND})).json()["data"]["actors"]["nodes"][0]
        actor, version = found["id"], found["version"]
        latencies: list[float] = []
        round_trips: list[float] = []
        for n in range(writes):
            for c in clients:
                c.changed.clear()
            sent = time.perf_counter()
            body = (
                await http.post(
                    "/graphql",
                    json={
                        "query": UPDATE,
                        "variables": {"i": {"id": actor, "version": version, "description": f"write {n}"}},
                    },
                )
            ).json()
            answered = time.perf_counter()
            version = body["data"]["updateActor"]["actor"]["version"]
            round_trips.append((answered - sent) * 1000)
            revision = await _revision(http)
            await asyncio.wait_for(_all_arrived(clients, revision), 60)
            latencies += [(c.arrivals[revision] - answered) * 1000 for c in clients]
    return Timing("commit → delivery", latencies), Timing("round trip", round_trips)


async def _revision(http: httpx.AsyncClient) -> int:
    return int(
        (await http.post("/graphql", json={"query": "{ changes(first: 1) { revision } }"})).json()["data"]["changes"][
            "revision"
        ]
    )


async def _all_arrived(clients: list[Subscriber], revision: int) -> None:
    for c in clients:
        while revision not in c.arrivals:
            c.changed.clear()
            await c.changed.wait()


def _neo4j_pid() -> int | None:
    pid_file = Path(__file__).resolve().parent / "data" / "neo4j" / "neo4j.pid"
    return int(pid_file.read_text()) if pid_file.exists() else None


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--subscribers", type=int, default=200)
    parser.add_argument("--writes", type=int, default=50)
    parser.add_argument("--idle", type=float, default=30.0, help="seconds of each idle measurement")
    args = parser.parse_args()
    main(args.subscribers, args.writes, args.idle)
