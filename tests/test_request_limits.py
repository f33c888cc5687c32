"""A query's deadline, and heavy work off the event loop (issue #9), against the real Neo4j.

Waits are for events (a transaction seen in Neo4j, a lane busy), each with a generous bound;
how fast things are is measured by `bench/health_under_load.py`, not here.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from typing import Any

import neo4j
import networkx as nx
import pytest
from starlette.testclient import TestClient

from graph.db import Database, Neo4jSettings
from kiezgraph.app import create_app
from kiezgraph.lanes import HomeDatabase, Lanes
from kiezgraph.settings import ServiceOptions
from tests.conftest import TEST_OPTIONS
from tests.netload import load_graph

TYPED_NETWORK = """{ network { nodes { id name type quarters actionFields degree synthetic latitude longitude }
                               edges { id source target kind since until intensity actionFields synthetic } } }"""


def wait_for(condition: Callable[[], Any], what: str, bound: float = 30.0) -> Any:
    """Poll ``condition`` until it is truthy; fail after ``bound`` seconds."""
    end = time.monotonic() + bound
    while time.monotonic() < end:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"not within {bound} s: {what}")


def running(driver: neo4j.Driver, marker: str, where: str = "true") -> list[neo4j.Record]:
    records, _, _ = driver.execute_query(
        "SHOW TRANSACTIONS YIELD transactionId, currentQuery, status, elapsedTime "
        f"WHERE currentQuery CONTAINS $marker AND NOT currentQuery STARTS WITH 'SHOW' AND {where} "
        "RETURN transactionId, status",
        marker=marker,
    )
    return records


@pytest.fixture
def network(clean_db: neo4j.Driver, neo4j_settings: Neo4jSettings) -> neo4j.Driver:
    """3,000 actors and 12,000 cooperations: a typed answer of 15,000 objects takes seconds."""
    load_graph(neo4j_settings, nx.gnm_random_graph(3000, 12_000, seed=9), label="big")
    return clean_db


def _app(settings: Neo4jSettings, **options: Any) -> TestClient:
    return TestClient(create_app(settings, ServiceOptions(**{**TEST_OPTIONS.__dict__, **options})))


def test_a_query_past_its_deadline_is_stopped(
    network: neo4j.Driver, neo4j_settings: Neo4jSettings, admin_token: str
) -> None:
    headers = {"Authorization": f"Bearer {admin_token}", "Accept": "application/graphql-response+json"}
    with _app(neo4j_settings) as http:
        started = time.monotonic()
        full = http.post("/graphql", json={"query": TYPED_NETWORK}, headers=headers)
        took = time.monotonic() - started
        assert full.status_code == 200 and len(full.json()["data"]["network"]["nodes"]) == 3000
    # A deadline of a fifth of what the whole answer takes on this machine.
    with _app(neo4j_settings, request_timeout=took / 5) as http:
        stopped = http.post("/graphql", json={"query": TYPED_NETWORK}, headers=headers)
        assert stopped.status_code == 400
        body = stopped.json()
        assert body.get("data") is None
        [error] = body["errors"]
        assert error["extensions"]["code"] == "REQUEST_TIMEOUT" and "stopped" in error["message"]
        # The service goes on answering (a document with no database read: one that reads could
        # itself outlast a fifth of the big answer on a busy machine, now that the big answer's
        # thousands of plain objects are completed in one pass).
        after = http.post("/graphql", json={"query": "{ __typename }"}, headers=headers)
        assert after.status_code == 200 and after.json()["data"] == {"__typename": "Query"}, after.text


def test_a_cancelled_query_stops_its_neo4j_transaction(
    migrated: None, driver: neo4j.Driver, neo4j_settings: Neo4jSettings
) -> None:
    # A read that runs for minutes, sent the way resolvers send it: from a lane, through the
    # database of the loop that owns the driver; the transaction timeout is far away.
    slow = "UNWIND range(1, 5000000000) AS x WITH x WHERE x % 7 = 3 RETURN count(*) AS deadline_test"
    patient = Neo4jSettings(neo4j_settings.uri, neo4j_settings.user, neo4j_settings.password, query_timeout=600)

    async def main() -> None:
        db = Database(patient)
        lanes = Lanes(1)
        try:
            home = HomeDatabase.on(db, asyncio.get_running_loop())
            query = asyncio.ensure_future(lanes.run(home.read(slow)))  # type: ignore[arg-type]
            await asyncio.to_thread(wait_for, lambda: running(driver, "deadline_test"), "the query running")
            query.cancel()
            with pytest.raises(asyncio.CancelledError):
                await query
            await asyncio.to_thread(
                wait_for, lambda: not running(driver, "deadline_test"), "Neo4j stopping the cancelled query"
            )
        finally:
            lanes.stop()
            await db.close()

    asyncio.run(main())


def test_mutations_are_not_cut_by_the_deadline(
    reference: neo4j.Driver, neo4j_settings: Neo4jSettings, admin_token: str
) -> None:
    headers = {"Authorization": f"Bearer {admin_token}"}
    with _app(neo4j_settings, request_timeout=0.5) as http:
        created = http.post(
            "/graphql",
            headers=headers,
            json={
                "query": 'mutation { createActor(input: {type: INITIATIVE, name: "Kiezküche"}) { actor { id version } } }'
            },
        ).json()["data"]["createActor"]["actor"]
        update = (
            'mutation($id: ID!, $v: Int!) { updateActor(input: {id: $id, version: $v, description: "neu"}) '
            "{ actor { description } errors { code } } }"
        )
        answers: list[Any] = []
        # Hold the actor's write lock, so the update waits in Neo4j past its deadline.
        with reference.session() as session, session.begin_transaction() as holder:
            holder.run("MATCH (a:Actor) WHERE a.name = 'Kiezküche' SET a.heldByTest = true").consume()
            sender = threading.Thread(
                target=lambda: answers.append(
                    http.post(
                        "/graphql",
                        headers=headers,
                        json={"query": update, "variables": {"id": created["id"], "v": created["version"]}},
                    )
                )
            )
            sender.start()
            blocked = "status STARTS WITH 'Blocked' AND elapsedTime.milliseconds > 1000"
            wait_for(lambda: running(reference, "", blocked), "the update waiting for the lock past its deadline")
            holder.rollback()
        sender.join(60)
        body = answers[0].json()
        assert "errors" not in body, body
        assert body["data"]["updateActor"] == {"actor": {"description": "neu"}, "errors": []}


def test_heavy_queries_leave_the_event_loop_free(
    network: neo4j.Driver, neo4j_settings: Neo4jSettings, admin_token: str
) -> None:
    headers = {"Authorization": f"Bearer {admin_token}"}
    with _app(neo4j_settings, execution_threads=2) as http:
        lanes: Lanes = http.app.state.lanes  # type: ignore[attr-defined]
        heavy: list[Any] = []
        worker = threading.Thread(
            target=lambda: heavy.append(http.post("/graphql", json={"query": TYPED_NETWORK}, headers=headers))
        )
        worker.start()
        wait_for(lambda: lanes.busy, "the heavy query executing in a lane")
        # While it runs, the event loop answers the health checks (before the heavy answer is done).
        assert http.get("/healthz").status_code == 200
        assert worker.is_alive() and not heavy
        worker.join(120)
        assert heavy and len(heavy[0].json()["data"]["network"]["edges"]) == 12_000


def test_lanes_stop_with_the_app(reference: neo4j.Driver, neo4j_settings: Neo4jSettings) -> None:
    before = set(threading.enumerate())

    def lanes() -> list[threading.Thread]:
        return [t for t in threading.enumerate() if t not in before and t.name.startswith("kiezgraph-lane")]

    with _app(neo4j_settings, execution_threads=3) as http:
        assert http.post("/graphql", json={"query": "{ quarters { name } }"}).status_code == 200
        assert len(lanes()) == 3
    assert lanes() == []
