"""Where W5's time goes: the peer benchmark's two writes (``createActor`` in a quarter, then
``addCooperation`` of the new actor with an existing one), sent over HTTP to the whole app
in-process (``create_app``: authentication with a real admin token, rate limit, body limit,
GraphQL), each phase timed as it runs.

Against a Neo4j holding the Berlin-scale data (../shared/peer-bench/load_network.py)::

    .venv/bin/python -m bench.profile_w5 --port 7705 [--runs 40]

Per request it prints the median of: the whole request; the authentication (its revocation-counter
read and token lookup apart); GraphQL's parse, validate and execute (the debug mode's
``Server-Timing``); inside execute, the write transaction (session, BEGIN, the statement, COMMIT)
with the statement's own run apart; what runs after the commit on the response path; and the
database round trips the request made (reads and write transactions). Each pair uses a new name
and a distinct partner, as the harness does. The phases are timed by wrapping the functions that
do them (this script's own instruments; the service is unchanged).

``--cypher`` then PROFILEs the write statements of the last pair (each in a transaction rolled
back: db hits per operator), and times what a commit costs on this Neo4j: the same one-node
write committed and rolled back, ``--runs`` times each.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
import uuid
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx2 as httpx
import neo4j
from neo4j._async.work import session as driver_session
from neo4j._async.work import transaction as driver_tx

from core import revocations
from graph import db as graph_db
from graph import tokens
from graph.db import Database, Neo4jSettings
from kiezgraph.app import create_app
from kiezgraph.middleware import authentication
from kiezgraph.settings import ServiceOptions
from resolvers import ids

CREATE = """mutation W5a($input: CreateActorInput!) { createActor(input: $input) {
  actor { id name } errors { __typename code message } } }"""
CONNECT = """mutation W5b($input: AddCooperationInput!) { addCooperation(input: $input) {
  cooperation { id kind actors { id } } errors { __typename code message } } }"""
PARTNERS = (
    "MATCH (a:Actor) WHERE a.synthetic AND a.archived = false WITH a, COUNT { (a)--(:Actor) } AS d "
    "WHERE 8 <= d <= 12 RETURN a.id AS id ORDER BY a.id LIMIT $n"
)
WARM_UP = 10

Phases = dict[str, float]
CURRENT: list[Phases] = []  # the phases of the request under way (one at a time)
STATEMENTS: list[tuple[str, dict[str, Any]]] = []  # the write statements sent, in order


@contextmanager
def timed(name: str) -> Iterator[None]:
    start = time.perf_counter()
    try:
        yield
    finally:
        if CURRENT:
            CURRENT[-1][name] = CURRENT[-1].get(name, 0.0) + time.perf_counter() - start


def wrap(owner: Any, attribute: str, name: str) -> None:
    """Time every call of the coroutine function ``owner.attribute`` as the phase ``name``."""
    original: Callable[..., Awaitable[Any]] = getattr(owner, attribute)

    async def timed_call(*args: Any, **kwargs: Any) -> Any:
        with timed(name):
            return await original(*args, **kwargs)

    setattr(owner, attribute, timed_call)


def count(name: str) -> None:
    if CURRENT:
        CURRENT[-1][name] = CURRENT[-1].get(name, 0.0) + 1


def instrument() -> None:
    wrap(authentication.Authenticator, "principal", "auth: principal (awaited)")
    if hasattr(authentication.Authenticator, "admit"):  # the branch: a cached token's check runs alongside
        wrap(authentication.Authenticator, "admit", "auth: admit (awaited)")
    wrap(revocations.Revocations, "check", "auth: revocation-counter check (wall)")
    wrap(tokens, "verify", "auth: token lookup")
    original_execute = Database._execute

    async def execute(self: Database, query: Any, params: Any, routing: Any) -> Any:
        count("reads/auto-commits")
        with timed("db: reads and auto-commits"):
            return await original_execute(self, query, params, routing)

    Database._execute = execute  # type: ignore[method-assign]
    original_write = Database.write_transaction

    async def write_transaction(self: Database, work: Any, *args: Any, **kwargs: Any) -> Any:
        async def timed_work(tx: graph_db.Transaction) -> Any:
            original_run = tx.run

            async def run(query: Any, **params: Any) -> Any:
                STATEMENTS.append((query, params))
                count("statements in the write tx")
                with timed("write tx: statement(s)"):
                    return await original_run(query, **params)

            tx.run = run  # type: ignore[method-assign]
            with timed("write tx: work (statement + Python)"):
                return await work(tx)

        count("write transactions")
        one_statement = getattr(graph_db, "OneStatement", None)  # the branch: BEGIN sent with the statement
        timed_as_sent = one_statement(timed_work) if one_statement and isinstance(work, one_statement) else timed_work
        with timed("write tx: whole (session, BEGIN, work, COMMIT)"):
            return await original_write(self, timed_as_sent, *args, **kwargs)

    Database.write_transaction = write_transaction  # type: ignore[method-assign]
    # The wait before COMMIT for the revocation check running alongside (graph/db.py looks the
    # function up by name at each commit, so wrapping the module's attribute times it).
    original_cleared = graph_db._cleared_to_commit

    async def cleared_to_commit() -> None:
        with timed("write tx: waiting for the token check before COMMIT"):
            await original_cleared()

    graph_db._cleared_to_commit = cleared_to_commit
    # The driver's own steps of a write transaction (its internals: timed here, used nowhere else).
    wrap(driver_session.AsyncSession, "_connect", "driver: connection from the pool")
    wrap(driver_tx.AsyncTransactionBase, "_begin", "driver: BEGIN")
    wrap(driver_tx.AsyncTransactionBase, "_commit", "driver: COMMIT")


def post_commit(app: Any) -> None:
    """Time what resolvers/writes.run does after the commit on the response path."""
    services = app.state.services
    for owner, attribute in ((services.metrics, "refresh_all"), (services.snapshots, "refresh_all")):
        original = getattr(owner, attribute)

        def sync_timed(*args: Any, _original: Any = original, **kwargs: Any) -> Any:
            with timed("after commit: refresh triggers"):
                return _original(*args, **kwargs)

        setattr(owner, attribute, sync_timed)
    wrap(services.key_sweeper, "maybe", "after commit: key sweeper")


PROBE = "MERGE (p:ProfileW5Probe {id: 'probe'}) SET p.n = coalesce(p.n, 0) + 1"


def operators(plan: Any, out: list[tuple[int, str, str]]) -> list[tuple[int, str, str]]:
    args = plan.get("args", {})
    out.append((int(plan.get("dbHits", 0)), plan.get("operatorType", "?"), str(args.get("Details", ""))[:90]))
    for child in plan.get("children", []):
        operators(child, out)
    return out


async def cypher(settings: Neo4jSettings, runs: int) -> None:
    driver = neo4j.AsyncGraphDatabase.driver(settings.uri, auth=(settings.user, settings.password))
    last = STATEMENTS[-2:]
    for query, sent in last:
        # New ids (and no duplicate-name hit), so that the statement writes as it did when it was sent.
        params = {**sent, "id": str(uuid.uuid4()), "audit": {**sent["audit"], "id": str(uuid.uuid4())}}
        if "dupKey" in params:
            params["dupKey"] = f"profile-{uuid.uuid4()}"
        async with driver.session(database="neo4j") as session:
            tx = await session.begin_transaction()
            result = await tx.run("PROFILE " + query, params)
            summary = await result.consume()
            await tx.rollback()
        ops = operators(summary.profile, [])
        total = sum(hits for hits, _, _ in ops)
        print(f"\nPROFILE {query.split(chr(10))[1][:60]!r}...: {total} db hits, {summary.result_available_after} ms")
        for hits, op, details in sorted(ops, reverse=True)[:8]:
            print(f"  {hits:7d}  {op:<28} {details}")
    for label, commit in (("rolled back", False), ("committed", True)):
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            async with driver.session(database="neo4j") as session:
                tx = await session.begin_transaction()
                await (await tx.run(PROBE)).consume()
                await (tx.commit() if commit else tx.rollback())
            times.append(time.perf_counter() - start)
        print(f"one-node write, {label}: median {statistics.median(times) * 1000:.2f} ms")
    async with driver.session(database="neo4j") as session:
        await (await session.run("MATCH (p:ProfileW5Probe) DELETE p")).consume()
    await driver.close()


async def main(port: int, home: Path, runs: int, token: str, profile_cypher: bool = False) -> None:
    password = (home / "password").read_text().strip()
    settings = Neo4jSettings(f"bolt://127.0.0.1:{port}", "neo4j", password, query_timeout=60.0)
    raw = Database(settings)
    partners = [r["id"] for r in await raw.read(PARTNERS, n=runs + WARM_UP)]
    slugs = [r["slug"] for r in await raw.read("MATCH (q:Quarter) WHERE q.synthetic RETURN q.slug AS slug")]
    await raw.close()
    instrument()
    app = create_app(settings, ServiceOptions(server_timing=True, rate_per_minute=0, public_rate_per_minute=0))
    post_commit(app)
    stamp = f"{time.time():.0f}"
    results: dict[str, list[Phases]] = defaultdict(list)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://kg") as client:
        headers = {"Authorization": f"Bearer {token}"}

        async def send(label: str, document: str, variables: dict[str, Any], keep: bool) -> dict[str, Any]:
            phases: Phases = {}
            CURRENT.append(phases)
            start = time.perf_counter()
            response = await client.post("/graphql", json={"query": document, "variables": variables}, headers=headers)
            phases["request (in-process, whole)"] = time.perf_counter() - start
            CURRENT.pop()
            for metric in response.headers.get("server-timing", "").split(","):
                name, _, rest = metric.strip().partition(";dur=")
                if name and rest:
                    phases[f"graphql: {name}"] = float(rest.split(";")[0]) / 1000
            body: dict[str, Any] = response.json()
            assert "errors" not in body, body
            if keep:
                results[label].append(phases)
            return body

        for i in range(WARM_UP + runs):
            keep = i >= WARM_UP
            name = f"Profile W5 {stamp} {i:05d}"
            created = await send(
                "createActor",
                CREATE,
                {
                    "input": {
                        "type": "INITIATIVE",
                        "name": name,
                        "synthetic": True,
                        "quarters": [{"quarter": slugs[i % len(slugs)], "since": "2024-01-01"}],
                    }
                },
                keep,
            )
            payload = created["data"]["createActor"]
            assert not payload["errors"], payload
            connected = await send(
                "addCooperation",
                CONNECT,
                {
                    "input": {
                        "actorIds": [payload["actor"]["id"], ids.encode("Actor", partners[i % len(partners)])],
                        "kind": "PROJECT_PARTNERSHIP",
                        "actionFields": ["bildung"],
                        "since": "2024-09-01",
                        "intensity": 2,
                        "source": "profile_w5",
                        "synthetic": True,
                    }
                },
                keep,
            )
            assert not connected["data"]["addCooperation"]["errors"], connected
    for label, rows in results.items():
        print(f"\n{label}: {len(rows)} runs, medians (ms; counts as counts)")
        names = list(dict.fromkeys(n for row in rows for n in row))
        for n in names:
            values = [row.get(n, 0.0) for row in rows]
            counted = n in ("reads/auto-commits", "statements in the write tx", "write transactions")
            shown = f"{statistics.median(values):g}" if counted else f"{statistics.median(values) * 1000:8.2f}"
            print(f"  {n:<48} {shown}")
    if profile_cypher:
        await cypher(settings, runs)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=7705)
    parser.add_argument("--home", type=Path, default=Path("neo4j-local/run"))
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--token-file", type=Path, required=True, help="a file holding an admin token")
    parser.add_argument("--cypher", action="store_true", help="PROFILE the write statements; time a commit")
    args = parser.parse_args()
    asyncio.run(main(args.port, args.home, args.runs, args.token_file.read_text().strip(), args.cypher))
