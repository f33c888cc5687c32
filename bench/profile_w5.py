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

``--floors CAPTURE`` then replays W5's writes straight through the driver, ``--runs`` rounds, the
variants in rotating order within each round, each transaction's statement and COMMIT timed apart
(and the statement's own time as the server reports it)::

    kiezgraph        the two statements of the last pair (createActor's, addCooperation's), each
                     in its transaction, with fresh ids and a fresh name
    peer             the peer's one statement, from a capture of the harness (``CAPTURE``: a
                     ``peer-cypher-*.jsonl`` that server.mjs writes with PEER_CAPTURE_FILE)
    one / split      the same writes as the peer's (actor with both labels and the indexed name
                     keys, membership, cooperation) in this script's own Cypher: in one
                     transaction, and split in two as kiezgraph's two requests split them

``one`` against ``split`` is what splitting the work into two transactions costs by itself;
``split`` against ``kiezgraph`` is what kiezgraph's statements (duplicate check, placement state,
locks, audit record, revision) cost beyond that.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
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
from graph import names, tokens
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


# --floors: this script's own Cypher for the peer's W5 (what its one statement writes), whole and split.
FLOOR_ACTOR = """
CREATE (a:Actor:Initiative)
SET a = $actor, a.id = randomUUID(), a.createdAt = datetime(), a.updatedAt = a.createdAt
WITH a
MATCH (q:Quarter {slug: $slug})
CREATE (a)-[m:ACTIVE_IN]->(q)
SET m.role = 'member', m.since = date($since)
"""
FLOOR_TIE = """
MATCH (y:Actor {id: $partner})
CREATE (a)-[c:COOPERATES_WITH]->(y)
SET c = $tie, c.id = randomUUID(), c.createdAt = datetime(), c.updatedAt = c.createdAt
"""
FLOOR_ONE = FLOOR_ACTOR + "WITH DISTINCT a" + FLOOR_TIE + "RETURN a.id AS id"
FLOOR_CREATE = FLOOR_ACTOR + "RETURN a.id AS id"
FLOOR_CONNECT = "MATCH (a:Actor {id: $id})" + FLOOR_TIE
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
Statement = tuple[str, dict[str, Any]]


def substitute(value: Any, mapping: dict[str, str]) -> Any:
    """``value`` with every occurrence of each key of ``mapping`` in its strings replaced."""
    if isinstance(value, str):
        for old, new in mapping.items():
            value = value.replace(old, new)
        return value
    if isinstance(value, list | tuple):
        return [substitute(v, mapping) for v in value]
    if isinstance(value, dict):
        return {k: substitute(v, mapping) for k, v in value.items()}
    return value


def uuids(value: Any) -> set[str]:
    return set(UUID.findall(json.dumps(value, default=str)))


def from_capture(value: Any) -> Any:
    """A parameter as server.mjs's capture encodes it ({"$int"}, {"$date"}, {"$datetime"}) → driver values."""
    if isinstance(value, dict):
        if set(value) == {"$int"}:
            return int(value["$int"])
        if set(value) == {"$date"}:
            return neo4j.time.Date.from_iso_format(value["$date"])
        if set(value) == {"$datetime"}:
            return neo4j.time.DateTime.from_iso_format(value["$datetime"].replace("Z", "+00:00"))
        return {k: from_capture(v) for k, v in value.items()}
    if isinstance(value, list):
        return [from_capture(v) for v in value]
    return value


def peer_write(capture: Path) -> Statement:
    """The last write statement of a capture."""
    rows = [json.loads(line) for line in capture.read_text().splitlines() if line.strip()]
    row = [r for r in rows if r["mode"] == "WRITE"][-1]
    return row["query"], from_capture(row["params"])


async def timed_tx(driver: neo4j.AsyncDriver, into: Phases, label: str, statements: list[Statement]) -> list[Any]:
    """One transaction: BEGIN and the statements, then COMMIT, timed apart (ms in ``into``)."""
    rows: list[Any] = []
    server = 0
    async with driver.session(database="neo4j") as session:
        start = time.perf_counter()
        tx = await session.begin_transaction()
        for query, params in statements:
            result = await tx.run(query, params)
            rows.extend(await result.data())
            summary = await result.consume()
            server += (summary.result_available_after or 0) + (summary.result_consumed_after or 0)
        sent = time.perf_counter()
        await tx.commit()
        done = time.perf_counter()
    for phase, value in (("BEGIN + statement", sent - start), ("COMMIT", done - sent), ("transaction", done - start)):
        into[f"{label}: {phase}"] = into.get(f"{label}: {phase}", 0.0) + value * 1000
    into[f"{label}: statement (server)"] = into.get(f"{label}: statement (server)", 0.0) + server
    return rows


async def floors(settings: Neo4jSettings, runs: int, capture: Path) -> None:
    """W5's writes replayed through the driver: kiezgraph's, the peer's, and the same work whole and split."""
    kg_create, kg_add = STATEMENTS[-2:]
    partner = next(p for p in kg_add[1]["ids"] if p != kg_add[1]["a"])
    stamp = re.search(r"Profile W5 (\d+) ", kg_create[1]["props"]["name"])
    assert stamp, kg_create[1]["props"]["name"]
    peer_query, peer_params = peer_write(capture)
    peer_name = next(v for v in peer_params.values() if isinstance(v, str) and v.startswith("Peerbench "))
    peer_token = peer_name.split()[2]
    driver = neo4j.AsyncGraphDatabase.driver(
        settings.uri, auth=(settings.user, settings.password), notifications_min_severity="OFF"
    )
    existing = await driver.execute_query(
        "MATCH (a:Actor) WHERE a.id IN $ids RETURN a.id AS id", {"ids": sorted(uuids(peer_params))}
    )
    peer_partner = {r["id"] for r in existing.records}
    assert len(peer_partner) == 1, "the capture's partner is not in this database (load_network.py's data?)"
    assert partner not in uuids(kg_create[1]), "the last pair's partner is the actor it created"
    kg_ids = (uuids(kg_create[1]) | uuids(kg_add[1])) - {partner}
    serial = 0

    def fresh_name() -> str:
        nonlocal serial
        serial += 1
        return f"{time.time_ns() % 10**10:010d}{serial:04d}"

    async def kiezgraph(into: Phases) -> None:
        mapping = {old: str(uuid.uuid4()) for old in kg_ids} | {stamp.group(1): fresh_name()}
        create = (kg_create[0], substitute(kg_create[1], mapping))
        add = (kg_add[0], substitute(kg_add[1], mapping))
        [made] = await timed_tx(driver, into, "kiezgraph 1 createActor", [create])
        assert made["a"] is not None, "the replayed createActor found its name taken"
        [tied] = await timed_tx(driver, into, "kiezgraph 2 addCooperation", [add])
        assert tied["c"] is not None, "the replayed addCooperation found an actor missing"

    async def peer(into: Phases) -> None:
        mapping = {old: str(uuid.uuid4()) for old in uuids(peer_params) - peer_partner}
        mapping |= dict.fromkeys(peer_partner, partner) | {peer_token: fresh_name()}
        await timed_tx(driver, into, "peer", [(peer_query, substitute(peer_params, mapping))])

    def ours() -> dict[str, Any]:
        name = f"Peerbench floor {fresh_name()}"
        actor = {"name": name, "type": "Initiative", "sortName": names.sort_key(name),
                 "searchKey": names.search_key([name]), "nameKey": names.name_key(name),
                 "archived": False, "synthetic": True, "version": 1}  # fmt: skip
        tie = {"kind": "project_partnership", "actionFields": ["bildung"], "since": neo4j.time.Date(2024, 9, 1),
               "intensity": 2, "source": "peer benchmark", "synthetic": True, "version": 1}  # fmt: skip
        return {"actor": actor, "tie": tie, "slug": kg_create[1]["slugs"][0], "since": "2024-01-01", "partner": partner}

    async def one(into: Phases) -> None:
        await timed_tx(driver, into, "one (same work, 1 tx)", [(FLOOR_ONE, ours())])

    async def split(into: Phases) -> None:
        params = ours()
        [row] = await timed_tx(driver, into, "split 1 (actor)", [(FLOOR_CREATE, params)])
        await timed_tx(driver, into, "split 2 (cooperation)", [(FLOOR_CONNECT, {**params, "id": row["id"]})])

    variants: dict[str, Callable[[Phases], Awaitable[None]]] = {
        "kiezgraph": kiezgraph, "peer": peer, "one": one, "split": split
    }  # fmt: skip
    names_ = list(variants)
    rounds: list[Phases] = []
    for i in range(WARM_UP + runs):
        phases: Phases = {}
        for k in range(len(names_)):  # rotating order: no variant always follows the same one
            name = names_[(i + k) % len(names_)]
            own: Phases = {}
            await variants[name](own)
            own[f"{name}: whole (all its transactions)"] = sum(v for k, v in own.items() if k.endswith(": transaction"))
            phases |= own
        if i >= WARM_UP:
            rounds.append(phases)
    await driver.execute_query("MATCH (a:Actor) WHERE a.name STARTS WITH 'Peerbench floor ' DETACH DELETE a")
    await driver.close()
    print(f"\nW5's writes through the driver, {runs} rounds (medians, ms; statement (server): Neo4j's own count)")
    for key in sorted({k for r in rounds for k in r}):
        values = [r[key] for r in rounds if key in r]
        print(f"  {key:<52} {statistics.median(values):8.2f}   p90 {sorted(values)[int(0.9 * len(values))]:8.2f}")
    for a, b in (("split", "one"), ("kiezgraph", "peer"), ("kiezgraph", "split"), ("one", "peer")):
        ratios = [r[f"{a}: whole (all its transactions)"] / r[f"{b}: whole (all its transactions)"] for r in rounds]
        print(f"  {a} ÷ {b}, per round: median {statistics.median(ratios):.2f}×")


async def main(
    port: int, home: Path, runs: int, token: str, profile_cypher: bool = False, capture: Path | None = None
) -> None:
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
    if capture is not None:
        await floors(settings, runs, capture)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=7705)
    parser.add_argument("--home", type=Path, default=Path("neo4j-local/run"))
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--token-file", type=Path, required=True, help="a file holding an admin token")
    parser.add_argument("--cypher", action="store_true", help="PROFILE the write statements; time a commit")
    parser.add_argument("--floors", type=Path, metavar="CAPTURE", help="replay W5's writes, the peer's from CAPTURE")
    args = parser.parse_args()
    asyncio.run(main(args.port, args.home, args.runs, args.token_file.read_text().strip(), args.cypher, args.floors))
