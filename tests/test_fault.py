"""Neo4j goes away (stopped) or hangs (paused) during concurrent writes, and comes back.

Every write answers one of three ways, and each must be true: acknowledged (stored, exactly
once), DATABASE_UNAVAILABLE (nothing stored) or OUTCOME_UNKNOWN (resolved by sending it again with
its clientMutationId: the retry answers with what is stored, and it is stored exactly once).
Requests fail fast meanwhile, also those already in flight when Neo4j froze, and the service
recovers by itself.

These tests wait for events (so many writes acknowledged, readiness, answers), each with a
generous upper bound, never for a fixed time: on a busy machine everything is slower.
"""

from __future__ import annotations

import asyncio
import threading
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

import httpx2 as httpx
import neo4j
import pytest

from bench.common import api_server
from core.access import Principal, Role
from core.context import Context
from graph import migrations
from graph.db import Database, Neo4jSettings, Transaction
from graph.errors import DatabaseUnavailable, OutcomeUnknown
from kiezgraph.local_neo4j import LocalNeo4j, free_port
from resolvers import ids
from resolvers.errors import ApiError
from resolvers.writes import Call, run
from seeds import load
from tests.conftest import issue_token, run_async

pytestmark = pytest.mark.slow
T = TypeVar("T")

CREATE = """mutation($i: CreateActorInput!) { createActor(input: $i) { actor { id } errors { code } } }"""
# The service runs with a long query timeout: a request that waited for it could not pass for a fast failure.
QUERY_TIMEOUT = 60
WRITES = 8  # acknowledged writes to wait for before an outage, and again after it


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalNeo4j]:
    """A Neo4j of this module's own: the tests stop and freeze it."""
    own = LocalNeo4j(tmp_path_factory.mktemp("fault-neo4j"), port=free_port(), heap="512m", pagecache="64m")
    own.start()
    try:
        yield own
    finally:
        own.stop()


@pytest.fixture
def settings(server: LocalNeo4j) -> Neo4jSettings:
    server.start()  # a no-op unless a failed test left it stopped
    settings = Neo4jSettings(server.uri, server.user, server.password)
    with neo4j.GraphDatabase.driver(settings.uri, auth=(settings.user, settings.password)) as driver:
        driver.execute_query("MATCH (n) WHERE NOT n:Migration DETACH DELETE n")
    run_async(settings, migrations.migrate)
    run_async(settings, load.load_reference)
    return settings


def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {timeout:.0f} s")
        time.sleep(0.05)


def ready(base: str) -> bool:
    try:
        return httpx.get(f"{base}/readyz", timeout=10).status_code == 200
    except httpx.TransportError:
        return False


@dataclass
class Attempt:
    """One createActor request: what was sent, and what the service answered."""

    name: str
    key: str
    started: float
    answered: float | None = None  # when the service's answer arrived (None: none yet, or the client gave up)
    outcome: str | None = None  # "applied", "not applied", "unknown", or "unexpected"
    actor_id: str | None = None
    detail: Any = None

    def variables(self) -> dict[str, Any]:
        return {
            "i": {
                "type": "INITIATIVE",
                "name": self.name,
                "actionFields": ["bildung"],
                "quarters": [{"quarter": "rollberg"}],
                "clientMutationId": self.key,
            }
        }


def classify(attempt: Attempt, response: httpx.Response) -> None:
    attempt.answered = time.monotonic()
    try:
        body = response.json()
    except ValueError:
        body = None
    payload = ((body or {}).get("data") or {}).get("createActor") if isinstance(body, dict) else None
    code = ((body or {}).get("errors") or [{}])[0].get("extensions", {}).get("code") if isinstance(body, dict) else None
    if payload and payload.get("actor"):
        attempt.outcome, attempt.actor_id = "applied", payload["actor"]["id"]
    elif code == "DATABASE_UNAVAILABLE":
        attempt.outcome = "not applied"
    elif code == "OUTCOME_UNKNOWN":
        attempt.outcome = "unknown"
    else:
        attempt.outcome, attempt.detail = "unexpected", (response.status_code, body)


@dataclass
class Writers:
    """Concurrent clients creating actors, each request with an idempotency key of its own."""

    base: str
    token: str
    count: int = 4
    attempts: list[Attempt] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _threads: list[threading.Thread] = field(default_factory=list)

    def __enter__(self) -> Writers:
        self._threads = [threading.Thread(target=self._write, args=(n,), daemon=True) for n in range(self.count)]
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(QUERY_TIMEOUT * 2)

    def _write(self, n: int) -> None:
        # The client waits longer than the service's query timeout: an answer it gets was not cut short by it.
        with httpx.Client(
            base_url=self.base, timeout=QUERY_TIMEOUT * 1.5, headers={"Authorization": f"Bearer {self.token}"}
        ) as http:
            i = 0
            while not self._stop.is_set():
                attempt = Attempt(f"Verein {n}-{i}", str(uuid.uuid4()), time.monotonic())
                i += 1
                with self._lock:
                    self.attempts.append(attempt)
                try:
                    classify(attempt, http.post("/graphql", json={"query": CREATE, "variables": attempt.variables()}))
                except httpx.TransportError as exc:  # no answer: as good as "unknown" to a client
                    attempt.outcome, attempt.detail = "unknown", repr(exc)
                if attempt.outcome != "applied":
                    time.sleep(0.05)  # refused while Neo4j is away: do not spin

    def snapshot(self) -> list[Attempt]:
        with self._lock:
            return list(self.attempts)

    def applied(self) -> int:
        return sum(a.outcome == "applied" for a in self.snapshot())


def check_outcomes(settings: Neo4jSettings, base: str, token: str, attempts: list[Attempt]) -> None:
    """Every answer was true: acknowledged ⇒ stored once; not applied ⇒ absent; unknown ⇒ its retry
    (same key, same input) answers with what is stored, stored once."""
    unexpected = [a for a in attempts if a.outcome == "unexpected"]
    assert not unexpected, [(a.name, a.detail) for a in unexpected[:5]]
    with httpx.Client(base_url=base, timeout=QUERY_TIMEOUT * 1.5, headers={"Authorization": f"Bearer {token}"}) as http:
        for attempt in attempts:
            if attempt.outcome == "unknown":
                classify(attempt, http.post("/graphql", json={"query": CREATE, "variables": attempt.variables()}))
                assert attempt.outcome == "applied", (attempt.name, attempt.detail)
    with neo4j.GraphDatabase.driver(settings.uri, auth=(settings.user, settings.password)) as driver:
        rows, _, _ = driver.execute_query(
            "MATCH (a:Actor) WHERE a.name STARTS WITH 'Verein ' "
            "RETURN a.id AS id, a.name AS name, "
            "EXISTS { (a)-[:ACTIVE_IN]->(:Quarter {slug: 'rollberg'}) } AS member, "
            "EXISTS { (a)-[:WORKS_ON]->(:ActionField {key: 'bildung'}) } AS works, "
            "COUNT { MATCH (c:Change {entityId: a.id, operation: 'create'}) } AS audited"
        )
        keys, _, _ = driver.execute_query("MATCH (k:IdempotencyKey) RETURN count(k) AS n")
    stored: dict[str, list[str]] = {}
    for row in rows:
        stored.setdefault(row["name"], []).append(ids.encode("Actor", row["id"]))  # the API's global ids
        assert row["member"] and row["works"] and row["audited"] == 1, dict(row)  # whatever is stored is whole
    for attempt in attempts:
        if attempt.outcome == "applied":
            assert stored.get(attempt.name) == [attempt.actor_id], (attempt.name, stored.get(attempt.name))
        elif attempt.outcome == "not applied":
            assert attempt.name not in stored, f"{attempt.name} was reported not applied, but is stored"
    assert set(stored) <= {a.name for a in attempts}
    assert keys[0]["n"] == len(rows)  # a key is stored exactly with its write


def test_writes_survive_a_neo4j_restart(server: LocalNeo4j, settings: Neo4jSettings) -> None:
    token = issue_token(settings, "admin")
    with api_server(settings, KIEZGRAPH_QUERY_TIMEOUT=str(QUERY_TIMEOUT)) as base:
        with Writers(base, token) as writers:
            wait_for(lambda: writers.applied() >= WRITES, 120, "writes acknowledged before the outage")
            server.stop()
            with httpx.Client(
                base_url=base, timeout=QUERY_TIMEOUT / 2, headers={"Authorization": f"Bearer {token}"}
            ) as http:
                # While Neo4j is away: a clear, coded error, long before any timeout.
                body = http.post("/graphql", json={"query": "{ quarters { name } }"}).json()
                assert body["errors"][0]["extensions"]["code"] == "DATABASE_UNAVAILABLE"
                wait_for(lambda: http.get("/readyz").status_code == 503, 30, "readiness reporting the outage")
            server.start()
            wait_for(lambda: ready(base), 120, "the service ready again, without a restart")
            resumed = writers.applied()
            wait_for(lambda: writers.applied() >= resumed + WRITES, 120, "writes acknowledged after the restart")
        check_outcomes(settings, base, token, writers.snapshot())


def test_writes_survive_a_neo4j_pause(server: LocalNeo4j, settings: Neo4jSettings) -> None:
    token = issue_token(settings, "admin")
    with api_server(settings, KIEZGRAPH_QUERY_TIMEOUT=str(QUERY_TIMEOUT)) as base:
        with Writers(base, token) as writers:
            wait_for(lambda: writers.applied() >= WRITES, 120, "writes acknowledged before the pause")
            with server.paused():
                paused_at = time.monotonic()
                # The writes in flight when Neo4j froze are answered while it is still frozen, with a
                # code: they do not hang until the (60 s) query timeout.
                wait_for(
                    lambda: all(a.answered for a in writers.snapshot() if a.started < paused_at),
                    QUERY_TIMEOUT / 2,
                    "answers to the writes in flight while Neo4j is frozen",
                )
                caught = [a for a in writers.snapshot() if a.started < paused_at < (a.answered or 0)]
                assert caught, "no write was in flight when Neo4j froze"
                assert all(a.outcome in ("not applied", "unknown") for a in caught), [a.outcome for a in caught]
                with httpx.Client(
                    base_url=base, timeout=QUERY_TIMEOUT / 2, headers={"Authorization": f"Bearer {token}"}
                ) as http:
                    body = http.post("/graphql", json={"query": "{ quarters { name } }"}).json()
                    assert body["errors"][0]["extensions"]["code"] == "DATABASE_UNAVAILABLE"
                    wait_for(lambda: http.get("/readyz").status_code == 503, 30, "readiness reporting the pause")
            wait_for(lambda: ready(base), 120, "the service ready again after the pause")
            resumed = writers.applied()
            wait_for(lambda: writers.applied() >= resumed + WRITES, 120, "writes acknowledged after the pause")
        check_outcomes(settings, base, token, writers.snapshot())


@dataclass
class ProbeInput:
    """Stands in for a mutation input: a value and an idempotency key."""

    value: str
    client_mutation_id: str


class Freezing(Database):
    """The real database, whose next write transaction freezes Neo4j at a chosen moment: before its
    first query, after its last (so the driver's COMMIT goes out to a frozen server), or once it has
    committed (so reading the result back meets a frozen server)."""

    def __init__(self, settings: Neo4jSettings, server: LocalNeo4j, moment: str) -> None:
        super().__init__(settings)
        self.server = server
        self.moment: str | None = moment

    async def write_transaction(self, work: Callable[[Transaction], Awaitable[T]]) -> T:
        moment, self.moment = self.moment, None

        async def freezing(tx: Transaction) -> T:
            if moment == "before committing":
                self.server.pause()
            result = await work(tx)
            if moment == "while committing":
                self.server.pause()
            return result

        result = await super().write_transaction(freezing)
        if moment == "after committing":
            self.server.pause()
        return result


# Test data written straight through a transaction (the mechanism under test is resolvers.writes.run).
CREATE_PROBE = "CREATE (:FaultProbe {id: $id})"
PROBE = "MATCH (p:FaultProbe {id: $id}) RETURN p.id AS id"
PROBES = "MATCH (p:FaultProbe) RETURN p.id AS id ORDER BY id"


@pytest.mark.parametrize(
    "moment, code",
    [
        ("before committing", "DATABASE_UNAVAILABLE"),
        ("while committing", "OUTCOME_UNKNOWN"),
        ("after committing", "OUTCOME_UNKNOWN"),  # applied, but its result could not be read back
    ],
)
def test_a_cut_off_write_says_whether_it_may_have_happened_and_its_key_settles_it(
    server: LocalNeo4j, settings: Neo4jSettings, moment: str, code: str
) -> None:
    """Neo4j freezes during a keyed write. Before the commit, the write cannot have happened; from the
    commit on, the client must not be told it failed. Either way, sending it again with its key leaves
    exactly one write, and the retry answers with it."""
    # A long query timeout: only the service noticing the freeze can end the call early.
    patient = Neo4jSettings(settings.uri, settings.user, settings.password, query_timeout=600.0)

    async def main() -> tuple[str, str, list[str]]:
        db = Freezing(patient, server, moment)
        ctx = Context.for_request(db, principal=Principal(Role.ADMIN, token_id="token:fault-test"))
        call = Call("probe", ProbeInput("one", client_mutation_id=str(uuid.uuid4())))

        def creating(probe: str) -> Callable[[Transaction], Awaitable[str]]:
            async def work(tx: Transaction) -> str:
                await tx.run(CREATE_PROBE, id=probe)
                return probe

            return work

        async def read_back(probe: str) -> str:
            [row] = await db.read(PROBE, id=probe)
            return str(row["id"])

        try:
            with pytest.raises((OutcomeUnknown, DatabaseUnavailable, ApiError)) as failed:
                async with asyncio.timeout(120):  # far below the query timeout
                    await run(ctx, creating("first"), call, then=read_back)
        finally:
            server.resume()
        while not db.available:  # the service notices Neo4j's return by itself
            await asyncio.sleep(0.1)
        outcome = await run(ctx, creating("second"), call, then=read_back)
        stored = [row["id"] for row in await db.read(PROBES)]
        await db.close()
        return str(getattr(failed.value, "code", None)), outcome.value, stored

    error, answer, stored = asyncio.run(main())
    assert error == code
    assert stored == [answer]  # exactly one write, and the retry answers with it
    if moment != "while committing":  # there, only the server knows
        assert answer == ("second" if moment == "before committing" else "first")
