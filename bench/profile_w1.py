"""Where W1's time goes: the peer benchmark's W1 (a page of 50 actors of a quarter, 10 partners
each) run in-process through the service's schema under cProfile, with the time spent in Cypher
calls (driver included) split from the rest.

Against a Neo4j holding the Berlin-scale data (../shared/peer-bench/load_network.py)::

    PYTHONPATH=$PWD .venv/bin/python -m bench.profile_w1 --port 7705 [--runs 40] [--top 25]

(as a module: run as a file, ``bench/`` comes first on the path and ``bench/exchange.py``
hides the ``exchange`` package.)

It prints the median wall time per request, the share in database calls, the median CPU time
of this process per request (the Python side alone: on a machine shared with other work it
moves far less than wall time), and cProfile's functions by own time (``tottime``) over all
runs: the Python above the floor. ``--workload W2``, ``W3`` or ``W4`` times the peer benchmark's
actor detail, filtered page or ego network (depth 2, of mid-degree actors) the same way; their
actors are distinct for every request, warm-up included (W2: the ``runs + 10`` actors of highest
degree; W4: as many of degree 8-12). ``--sort cumulative`` orders the profile by inclusive time.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import io
import os
import pstats
import statistics
import time
from pathlib import Path

from core.context import Context
from core.services import Services
from graph.db import Database, Neo4jSettings
from kiezgraph.lanes import HomeDatabase
from resolvers import ids
from schema import build_schema

try:
    from core.timing import CURRENT, Timing
except ImportError:  # a checkout from before the debug mode (a baseline): no Cypher split
    CURRENT, Timing = None, None  # type: ignore[assignment]

W1 = """query W1($q: [String!]) { actors(first: 50, filter: {quarters: $q}) { edges { node {
  id name type partners(first: 10) { edges { node { id name } } } } } } }"""
# The peer benchmark's W2 (actor detail of a hub) and W3 (filtered page with its total).
W2 = """query W2($id: ID!) { actor(id: $id) { id name type description version
  quarters { quarter { name slug } since until role } actionFields { key name }
  partners(first: 20) { totalCount edges { node { id name type } cooperation { kind since until intensity } } } } }"""
W3 = """query W3($t: [ActorType!], $q: [String!], $text: String) {
  actors(first: 20, filter: {types: $t, quarters: $q, text: $text}) { totalCount edges { node { id name type } } } }"""
# The peer benchmark's W4 (ego network, depth 2) of mid-degree actors.
W4 = """query W4($id: ID!) { egoNetwork(actorId: $id, depth: 2) {
  nodes { id name type } edges { id source target kind } } }"""
MID_DEGREE = (
    "MATCH (a:Actor) WHERE a.synthetic AND a.archived = false WITH a, COUNT { (a)--(:Actor) } AS d "
    "WHERE 8 <= d <= 12 RETURN a.id AS id ORDER BY a.id LIMIT $n"
)
HUBS = "MATCH (a:Actor) WHERE a.synthetic RETURN a.id AS id ORDER BY COUNT { (a)--(:Actor) } DESC LIMIT $n"
WARM_UP = 10


def variables(workload: str, i: int, slugs: list[str], hubs: list[str]) -> dict[str, object]:
    """The i-th input of a workload."""
    if workload in ("W2", "W4"):  # W4: `hubs` holds the mid-degree actors
        return {"id": ids.encode("Actor", hubs[i % len(hubs)])}
    if workload == "W3":
        return {"t": [("INITIATIVE", "INSTITUTION", "COMPANY")[i % 3]], "q": [slugs[i % len(slugs)]], "text": "e"}
    return {"q": [slugs[i % len(slugs)]]}


def server_gc() -> None:
    """The collector's settings as the server runs with them (kiezgraph/app.py: objects alive at
    start-up frozen, a young generation of 20,000): with CPython's defaults, collections were a
    third of W1's CPU in this process, which the server does not pay."""
    try:
        from kiezgraph.app import _tune_gc  # noqa: PLC0415 - absent in a baseline checkout
    except ImportError:  # a checkout from before the tuning (a baseline): the defaults
        return
    _tune_gc()


class Collections:
    """The garbage collector's passes while requests run, by generation (count and CPU time), from
    ``gc.callbacks``: objects that live through a request (its answer, the objects it is built
    from) fill the young generation, and its collections are part of a request's cost."""

    def __init__(self) -> None:
        self.count = [0, 0, 0]
        self.seconds = [0.0, 0.0, 0.0]
        self._started = 0.0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.process_time()
        else:
            self.count[info["generation"]] += 1
            self.seconds[info["generation"]] += time.process_time() - self._started


async def main(port: int, home: Path, runs: int, top: int, workload: str, sort: str = "tottime") -> None:
    server_gc()
    collections = Collections()
    password = (home / "password").read_text().strip()
    raw = Database(Neo4jSettings(f"bolt://127.0.0.1:{port}", "neo4j", password, query_timeout=600.0))
    db = HomeDatabase.on(raw, asyncio.get_running_loop())  # the same wrapper that times Cypher calls
    schema = build_schema()
    # The generated quarters (about 300 actors each), as the peer benchmark's W1 uses.
    query = "MATCH (q:Quarter) WHERE q.synthetic RETURN q.slug AS slug ORDER BY slug"
    slugs = [r["slug"] for r in await raw.read(query)]
    centres = {"W2": HUBS, "W4": MID_DEGREE}.get(workload)
    # One actor per request, warm-up included: no answer is read twice (Neo4j's page cache aside).
    hubs = [r["id"] for r in await raw.read(centres, n=runs + WARM_UP)] if centres else []
    document = {"W1": W1, "W2": W2, "W3": W3, "W4": W4}[workload]
    walls: list[float] = []
    cypher: list[float] = []
    cpus: list[float] = []
    # Timed by CPU, not by the clock: on a shared machine the clock also counts time the
    # process waited for a core, which would be charged to whatever function ran then.
    profile = cProfile.Profile(time.process_time)
    services = Services()  # shared by all requests, as the server shares it (the catalogue lives there)
    statements: list[int] = []

    async def one(i: int, profiled: bool) -> None:
        timing = Timing() if Timing is not None else None
        token = CURRENT.set(timing) if CURRENT is not None else None
        ctx = Context.for_request(db, services)
        sent = raw.round_trips
        start, cpu = time.perf_counter(), time.process_time()
        if profiled:
            profile.enable()
        result = await schema.execute(document, variable_values=variables(workload, i, slugs, hubs), context_value=ctx)
        if profiled:
            profile.disable()
        if CURRENT is not None and token is not None:
            CURRENT.reset(token)
        assert not result.errors, result.errors
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
        statements.append(raw.round_trips - sent)
        cypher.append(timing.phases.get("cypher", 0.0) if timing is not None else float("nan"))

    for i in range(WARM_UP):  # warm-up: caches, the driver's pool, Neo4j's plan cache
        await one(runs + i, False)
    walls.clear()
    cypher.clear()
    cpus.clear()
    statements.clear()
    gc.callbacks.append(collections)
    for i in range(runs):
        await one(i, top > 0)
    gc.callbacks.remove(collections)
    await raw.close()
    wall, db_time = statistics.median(walls), statistics.median(cypher)
    print(
        f"{workload} in-process, {runs} runs: median {wall * 1000:.1f} ms, in Cypher calls {db_time * 1000:.1f} ms, "
        f"CPU of this process {statistics.median(cpus) * 1000:.1f} ms (mean {statistics.fmean(cpus) * 1000:.1f}), "
        f"Cypher statements per request {statistics.median(statements):g}"
    )
    print(
        "garbage collections per request (generation 0 / 1 / 2): "
        + " / ".join(
            f"{n / runs:.2f} ({t / runs * 1000:.2f} ms)"
            for n, t in zip(collections.count, collections.seconds, strict=True)
        )
    )
    if top > 0:
        out = io.StringIO()
        stats = pstats.Stats(profile, stream=out)
        # Python function calls per request: unlike time, the same on a busy machine as on a quiet one.
        print(f"function calls per request (cProfile): {stats.total_calls / runs:.0f}")  # type: ignore[attr-defined]
        stats.sort_stats(sort).print_stats(top)
        print(out.getvalue())
        if os.environ.get("PROFILE_DUMP"):
            profile.dump_stats(os.environ["PROFILE_DUMP"])


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=7705)
    parser.add_argument("--home", type=Path, default=Path("neo4j-local/run"))
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--top", type=int, default=25, help="functions to list; 0: time without cProfile")
    parser.add_argument("--workload", choices=("W1", "W2", "W3", "W4"), default="W1")
    parser.add_argument("--sort", default="tottime", help="cProfile's order: tottime (own time) or cumulative")
    args = parser.parse_args()
    asyncio.run(main(args.port, args.home, args.runs, args.top, args.workload, args.sort))
