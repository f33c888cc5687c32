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
import datetime as dt
import io
import os
import pstats
import random
import statistics
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from core.access import Principal, Role
from core.context import Context
from core.services import Refit, Services
from core.timing import CURRENT, Timing
from graph.db import Database, Neo4jSettings
from kiezgraph.lanes import HomeDatabase
from resolvers import ids
from resolvers import refit as refit_model
from resolvers import suggestions as suggestion_resolvers
from schema import build_schema

# Exactly as bench/load.py sends them.
COOPS = """query($q: [String!]) { cooperations(first: 20, filter: {quarters: $q, current: true}) {
  totalCount nodes { id kind since } } }"""
QUARTER = "query($s: String!) { quarterNetwork(slug: $s) { nodeCount edgeCount } }"
# Not in the load test: what a map asks of a quarter's network (every node and tie, as one value).
QUARTER_JSON = "query($s: String!) { quarterNetwork(slug: $s) { json } }"
SUGGEST = "query($id: ID!) { suggestPartners(actorId: $id, first: 5) { suggestions { score actor { name } } } }"
DOCUMENTS = {
    "cooperations": COOPS,
    "quarter": QUARTER,
    "quarter-json": QUARTER_JSON,
    "suggestions": SUGGEST,
    "suggestions-after-write": SUGGEST,
}
ADMIN = Principal(Role.ADMIN, token_id="profile")
SLUGS = "MATCH (q:Quarter) WHERE q.synthetic RETURN q.slug AS slug ORDER BY slug"
ACTORS = "MATCH (a:Actor) WHERE a.synthetic AND NOT a.archived RETURN a.id AS id ORDER BY id"
# The load test's writes, one before each request of "suggestions-after-write" (not timed): the
# suggestion then finds its snapshot one revision behind and catches it up on its path.
DETAIL = "query($id: ID!) { actor(id: $id) { version } }"
UPDATE = """mutation($i: UpdateActorInput!) { updateActor(input: $i) { actor { version } errors { code } } }"""
ADD = """mutation($i: AddCooperationInput!) { addCooperation(input: $i) { cooperation { id } errors { code } } }"""


def cpu_seconds(pid: int | None) -> float:
    """User and system CPU of a process so far (all its threads), from /proc; 0 without a pid."""
    if pid is None:
        return 0.0
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def variables(klass: str, i: int, slugs: list[str], actors: list[str]) -> dict[str, object]:
    if klass.startswith("suggestions"):
        return {"id": ids.encode("Actor", actors[i % len(actors)])}
    slug = slugs[i % len(slugs)]
    return {"q": [slug]} if klass == "cooperations" else {"s": slug}


async def write(schema: Any, ctx: Context, rng: random.Random, actors: list[str]) -> None:
    """One of the load test's writes: an actor's description updated, or a new cooperation."""
    actor = ids.encode("Actor", rng.choice(actors))
    if rng.random() < 0.6:
        found = await schema.execute(DETAIL, variable_values={"id": actor}, context_value=ctx)
        version = found.data["actor"]["version"]
        change = {"id": actor, "version": version, "description": f"profile {rng.random():.6f}"}
        done = await schema.execute(UPDATE, variable_values={"i": change}, context_value=ctx)
    else:
        other = ids.encode("Actor", rng.choice(actors))
        tie = {"actorIds": [actor, other], "kind": "REGULAR_EXCHANGE", "since": dt.date.today().isoformat()}
        done = await schema.execute(ADD, variable_values={"i": tie}, context_value=ctx)
    assert not done.errors, done.errors


async def until_snapshot(schema: Any, db: Any, services: Services, actors: list[str], refit: bool) -> None:
    """Ask for suggestions until they come from the snapshot (built in the background after the first
    ask) and, with ``refit``, until the deployment's model is fitted on it (as in a running service)."""
    for i in range(2400):
        timing = Timing()
        token = CURRENT.set(timing)
        ctx = Context.for_request(db, services, principal=ADMIN)
        result = await schema.execute(
            SUGGEST, variable_values=variables("suggestions", i, [], actors), context_value=ctx
        )
        CURRENT.reset(token)
        assert not result.errors, result.errors
        fitted = not refit or services.models.get(refit_model.MODEL) is not None
        if "suggest-snapshot" in timing.phases and fitted:
            return
        await asyncio.sleep(0.25)
    raise RuntimeError("the snapshot (or the model) was not ready in 10 minutes")


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
    uri: str,
    password: str,
    klass: str,
    runs: int,
    top: int,
    plans: bool,
    cached: bool,
    neo4j_pid: int | None,
    refit: bool = False,
    sort: str = "tottime",
) -> None:
    raw = Database(Neo4jSettings(uri, "neo4j", password, query_timeout=600.0))
    db = HomeDatabase.on(raw, asyncio.get_running_loop())  # the same wrapper that times Cypher calls
    schema = build_schema()
    slugs = [r["slug"] for r in await raw.read(SLUGS)]
    actors = random.Random(2027).sample([r["id"] for r in await raw.read(ACTORS)], 2000)
    document = DOCUMENTS[klass]
    walls: list[float] = []
    cypher: list[float] = []
    cpus: list[float] = []
    statements: list[int] = []
    # Timed by CPU, not by the clock: on a shared machine the clock also counts waiting for a core.
    profile = cProfile.Profile(time.process_time)
    services = Services(refit=Refit(enabled=refit))  # shared by all requests, as the server shares it
    writes = random.Random(7)

    async def one(i: int, profiled: bool) -> None:
        if not cached:
            services.networks.clear()
        if klass == "suggestions-after-write":
            await write(schema, Context.for_request(db, services, principal=ADMIN), writes, actors)
        timing = Timing()
        token = CURRENT.set(timing)
        ctx = Context.for_request(db, services, principal=ADMIN)
        sent = raw.round_trips
        start, cpu = time.perf_counter(), time.process_time()
        if profiled:
            profile.enable()
        result = await schema.execute(document, variable_values=variables(klass, i, slugs, actors), context_value=ctx)
        if profiled:
            profile.disable()
        CURRENT.reset(token)
        assert not result.errors, result.errors
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
        statements.append(raw.round_trips - sent)
        cypher.append(timing.phases.get("cypher", 0.0))
        assert not klass.startswith("suggestions") or "suggest-snapshot" in timing.phases, timing.phases

    if klass.startswith("suggestions"):
        await until_snapshot(schema, db, services, actors, refit)
        if top > 0:  # cProfile sees one thread: the suggestions' computation runs on the caller's thread
            suggestion_resolvers.asyncio = _InlineThreads()  # type: ignore[assignment]
    for i in range(len(slugs)):  # warm-up: the driver's pool, Neo4j's plan cache, the catalogue
        await one(1000 + i, False)
    for samples in (walls, cypher, cpus, statements):
        samples.clear()
    neo4j_cpu = cpu_seconds(neo4j_pid)
    for i in range(runs):
        await one(i, top > 0)
    neo4j_cpu = cpu_seconds(neo4j_pid) - neo4j_cpu
    over = f"{len(actors)} actors" if klass.startswith("suggestions") else f"{len(slugs)} quarters"
    print(
        f"{klass} in-process, {runs} runs over {over}: median {statistics.median(walls) * 1000:.1f} ms, "
        f"in Cypher calls {statistics.median(cypher) * 1000:.1f} ms, "
        f"CPU of this process {statistics.median(cpus) * 1000:.1f} ms (mean {statistics.mean(cpus) * 1000:.1f}, p90 "
        f"{sorted(cpus)[int(0.9 * (len(cpus) - 1))] * 1000:.1f}), "
        f"Cypher statements per request {statistics.median(statements):g}"
        + (f", Neo4j's CPU per request {neo4j_cpu / runs * 1000:.1f} ms (mean)" if neo4j_pid else "")
    )
    if top > 0:
        out = io.StringIO()
        pstats.Stats(profile, stream=out).sort_stats(sort).print_stats(top)
        print(out.getvalue())
    if plans:
        raw.trace = []
        if not cached:
            services.networks.clear()
        await schema.execute(
            document,
            variable_values=variables(klass, 0, slugs, actors),
            context_value=Context.for_request(db, services, principal=ADMIN),
        )
        trace, raw.trace = raw.trace, None
        await show_plans(raw, trace)
    await raw.close()


class _InlineThreads:
    """``asyncio`` as resolvers/suggestions.py sees it while profiling: ``to_thread`` runs on the caller's
    thread (cProfile follows one thread; the requests here run one at a time anyway)."""

    def __getattr__(self, name: str) -> Any:
        return getattr(asyncio, name)

    @staticmethod
    async def to_thread(func: Any, /, *args: Any, **kwargs: Any) -> Any:
        return func(*args, **kwargs)


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
    parser.add_argument("--refit", action="store_true", help="suggestions: rank with the deployment's fitted model")
    parser.add_argument("--sort", default="tottime", help="cProfile's order: tottime or cumulative")
    args = parser.parse_args()
    password = args.password_file.read_text().strip()
    asyncio.run(
        main(
            args.uri,
            password,
            args.klass,
            args.runs,
            args.top,
            args.plans,
            args.cached,
            args.neo4j_pid,
            args.refit,
            args.sort,
        )
    )
