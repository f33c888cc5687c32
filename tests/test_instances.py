"""More than one instance on one Neo4j: what must hold across them does (issue 16).

Two apps in one test stand for two instances (each has its own token cache, as two processes
or two machines would); `kiezgraph serve --workers 2` is also started for real.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx2 as httpx
import neo4j
import networkx as nx
import pytest
from starlette.testclient import TestClient

from graph.db import Database, Neo4jSettings
from kiezgraph import consistency
from kiezgraph.app import create_app
from kiezgraph.local_neo4j import free_port
from kiezgraph.middleware.rate_limit import SharedBudget
from resolvers import ids as gids
from tests.conftest import TEST_OPTIONS, issue_token, run_async
from tests.netload import load_graph
from tests.test_request_limits import wait_for

QUARTERS = {"query": "{ quarters { slug } }"}
REVOKE = "mutation($i: RevokeApiTokenInput!) { revokeApiToken(input: $i) { errors { code } } }"


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_a_token_revoked_on_one_instance_stops_on_the_other_at_once(
    reference: neo4j.Driver, neo4j_settings: Neo4jSettings, admin_token: str
) -> None:
    researcher = issue_token(neo4j_settings, "researcher", name="two instances")
    with (
        TestClient(create_app(neo4j_settings, TEST_OPTIONS)) as one,
        TestClient(create_app(neo4j_settings, TEST_OPTIONS)) as other,
    ):
        for _ in range(2):  # the second answer comes from `other`'s token cache
            assert other.post("/graphql", json=QUARTERS, headers=_bearer(researcher)).status_code == 200
        token_id = researcher.split("_")[1]
        revoked = one.post(
            "/graphql",
            json={"query": REVOKE, "variables": {"i": {"id": token_id}}},
            headers=_bearer(admin_token),
        ).json()
        assert revoked["data"]["revokeApiToken"]["errors"] == [], revoked
        refused = other.post("/graphql", json=QUARTERS, headers=_bearer(researcher))
        assert refused.status_code == 401
        assert refused.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
        # The admin's own cached token is untouched by the revocation of another.
        assert other.post("/graphql", json=QUARTERS, headers=_bearer(admin_token)).status_code == 200


CREATE = "mutation($i: CreateActorInput!) { createActor(input: $i) { actor { id } errors { code } } }"


def test_a_write_with_a_token_revoked_on_the_other_instance_commits_nothing(
    reference: neo4j.Driver, neo4j_settings: Neo4jSettings, admin_token: str
) -> None:
    # The instance answers a cached token at once and checks the revocation counter alongside
    # the request: the write must wait for that check before it commits, not only the answer.
    writer = issue_token(neo4j_settings, "admin", name="writes on two instances")
    with (
        TestClient(create_app(neo4j_settings, TEST_OPTIONS)) as one,
        TestClient(create_app(neo4j_settings, TEST_OPTIONS)) as other,
    ):
        first = _post(other, writer, CREATE, {"i": {"type": "INITIATIVE", "name": "Vor dem Widerruf"}})
        assert first["createActor"]["errors"] == []  # `other` now holds the token in its cache
        revoked = _post(one, admin_token, REVOKE, {"i": {"id": writer.split("_")[1]}})
        assert revoked["revokeApiToken"]["errors"] == []
        refused = other.post(
            "/graphql",
            json={"query": CREATE, "variables": {"i": {"type": "INITIATIVE", "name": "Nach dem Widerruf"}}},
            headers=_bearer(writer),
        )
        assert refused.status_code == 401
        assert refused.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
        names = {r["name"] for r in reference.execute_query("MATCH (a:Actor) RETURN a.name AS name").records}
        assert "Vor dem Widerruf" in names
        assert "Nach dem Widerruf" not in names
        changes = reference.execute_query(
            "MATCH (c:Change {entity: 'Actor', operation: 'create'}) WHERE c.after CONTAINS 'Nach dem Widerruf' "
            "RETURN count(c) AS n"
        ).records
        assert changes[0]["n"] == 0


VIEWER = {"query": "{ me { role quarters } }"}


def _post(client: TestClient, token: str, query: str, variables: dict[str, object]) -> dict[str, Any]:
    body: dict[str, Any] = client.post(
        "/graphql", json={"query": query, "variables": variables}, headers=_bearer(token)
    ).json()
    assert "errors" not in body, body
    return body["data"]


def test_a_handovers_withdrawal_holds_on_the_other_instance_at_once(
    reference: neo4j.Driver, neo4j_settings: Neo4jSettings, admin_token: str
) -> None:
    only = issue_token(neo4j_settings, "manager", ["flughafenstrasse"], name="old QM team")
    both = issue_token(neo4j_settings, "manager", ["flughafenstrasse", "rollberg"], name="old QM team 2")
    with (
        TestClient(create_app(neo4j_settings, TEST_OPTIONS)) as one,
        TestClient(create_app(neo4j_settings, TEST_OPTIONS)) as other,
    ):
        # `other` caches both tokens with their quarters.
        assert other.post("/graphql", json=VIEWER, headers=_bearer(only)).status_code == 200
        before = other.post("/graphql", json=VIEWER, headers=_bearer(both)).json()["data"]["me"]
        assert before == {"role": "manager", "quarters": ["flughafenstrasse", "rollberg"]}
        created = _post(
            one,
            admin_token,
            "mutation($i: CreateActorInput!) { createActor(input: $i) { actor { id } } }",
            {
                "i": {
                    "type": "INSTITUTION",
                    "name": "Nachbarschaftshaus Nachfolge",
                    "quarters": [{"quarter": "flughafenstrasse"}],
                }
            },
        )
        successor = created["createActor"]["actor"]["id"]
        person = _post(
            one,
            admin_token,
            "mutation($i: AddContactPersonInput!) { addContactPerson(input: $i) { person { id } } }",
            {"i": {"actorId": successor, "name": "Frau Nachfolge"}},
        )["addContactPerson"]["person"]["id"]
        ended = _post(
            one,
            admin_token,
            "mutation($i: SetQuarterStatusInput!) { setQuarterStatus(input: $i) { errors { code } } }",
            {
                "i": {
                    "quarter": "flughafenstrasse",
                    "status": "ENDED",
                    "endDate": (dt.date.today() - dt.timedelta(days=1)).isoformat(),
                    "successorId": successor,
                }
            },
        )
        assert ended["setQuarterStatus"]["errors"] == []
        handed = _post(
            one,
            admin_token,
            "mutation($i: HandOverQuarterInput!) { handOverQuarter(input: $i) { errors { code } } }",
            {"i": {"quarter": "flughafenstrasse", "mode": "TRANSFER", "personIds": [person]}},
        )
        assert handed["handOverQuarter"]["errors"] == []
        # On the other instance, at once: the token left without a quarter is refused, the other
        # one has only what it kept.
        assert other.post("/graphql", json=VIEWER, headers=_bearer(only)).status_code == 401
        after = other.post("/graphql", json=VIEWER, headers=_bearer(both)).json()["data"]["me"]
        assert after == {"role": "manager", "quarters": ["rollberg"]}


def test_a_tokens_rate_limit_holds_across_instances(
    reference: neo4j.Driver, neo4j_settings: Neo4jSettings, admin_token: str
) -> None:
    # 12 a minute: each instance's own bucket would allow a burst of 10, two instances 20.
    options = dataclasses.replace(TEST_OPTIONS, rate_per_minute=12)
    researcher = issue_token(neo4j_settings, "researcher", name="rate across instances")
    # All 12 requests fall into one minute of the shared budget: start early enough in a minute.
    while time.time() % 60 > 40:
        time.sleep(1)
    with (
        TestClient(create_app(neo4j_settings, options)) as one,
        TestClient(create_app(neo4j_settings, options)) as other,
    ):
        for _ in range(8):
            assert one.post("/graphql", json=QUARTERS, headers=_bearer(researcher)).status_code == 200
        for _ in range(4):
            assert other.post("/graphql", json=QUARTERS, headers=_bearer(researcher)).status_code == 200
        # The minute's 12 are spent between them, though each instance's own bucket has room left.
        for client in (other, one):
            refused = client.post("/graphql", json=QUARTERS, headers=_bearer(researcher))
            assert refused.status_code == 429
            assert refused.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
            assert 1 <= int(refused.headers["retry-after"]) <= 60
        # Another token has its own budget.
        assert other.post("/graphql", json=QUARTERS, headers=_bearer(admin_token)).status_code == 200


def test_the_shared_budget_claims_ahead_and_grants_the_minutes_limit_exactly(
    reference: neo4j.Driver, neo4j_settings: Neo4jSettings
) -> None:
    # 80 a minute: chunks of 4, the next one claimed in the background when 1 is left.
    while time.time() % 60 > 40:  # all of it within one minute
        time.sleep(1)

    async def work(db: Database) -> tuple[int, int, float | None]:
        budget = SharedBudget(db)
        for _ in range(3):  # the first claims (and waits); the third leaves 1 and claims ahead
            assert await budget.take("token:steady", 80) is None
        held = budget._held["token:steady"]
        async with asyncio.timeout(60):
            while held.claiming is not None:
                await asyncio.sleep(0.01)
        claims_ahead = budget.claims
        allowed = 3
        while (wait := await budget.take("token:steady", 80)) is None:
            allowed += 1
            assert allowed <= 80, "more than the minute's budget"
        return claims_ahead, allowed, wait

    claims_ahead, allowed, wait = run_async(neo4j_settings, work)
    assert claims_ahead == 2
    assert allowed == 80
    assert wait is not None and 0 < wait <= 60


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


@pytest.mark.slow
def test_serve_with_two_workers_answers_and_revocation_holds_in_both(
    reference: neo4j.Driver, neo4j_settings: Neo4jSettings, admin_token: str
) -> None:
    port = free_port()
    env = {
        **os.environ,
        "PORT": str(port),
        "NEO4J_URI": neo4j_settings.uri,
        "NEO4J_USER": neo4j_settings.user,
        "NEO4J_PASSWORD": neo4j_settings.password,
        "KIEZGRAPH_RATE_LIMIT": "0",
        "KIEZGRAPH_PUBLIC_RATE_LIMIT": "0",
    }
    researcher = issue_token(neo4j_settings, "researcher", name="workers")
    with subprocess.Popen(
        [sys.executable, "-m", "kiezgraph", "serve", "--workers", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    ) as server:
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 180
            while len(_children(server.pid)) < 2 or not _ready(base):
                assert server.poll() is None, server.stderr.read().decode() if server.stderr else ""
                assert time.monotonic() < deadline, "two workers did not become ready"
                time.sleep(0.3)
            # Fresh connections land on either worker; each caches the token on first use.
            for _ in range(12):
                with httpx.Client(base_url=base, timeout=60) as http:
                    assert http.post("/graphql", json=QUARTERS, headers=_bearer(researcher)).status_code == 200
            with httpx.Client(base_url=base, timeout=60) as http:
                answer = http.post(
                    "/graphql",
                    json={"query": REVOKE, "variables": {"i": {"id": researcher.split("_")[1]}}},
                    headers=_bearer(admin_token),
                ).json()
            assert answer["data"]["revokeApiToken"]["errors"] == [], answer
            for _ in range(12):
                with httpx.Client(base_url=base, timeout=60) as http:
                    assert http.post("/graphql", json=QUARTERS, headers=_bearer(researcher)).status_code == 401
        finally:
            server.send_signal(signal.SIGINT)
            server.communicate(timeout=60)


# A main module slower to import than uvicorn's default health-check timeout (5 s), as the
# `kiezgraph` console script's (the whole service) is on two loaded cores: each spawned worker
# re-imports it before it can answer the supervisor.
SLOW_MAIN = """
import sys
import time

time.sleep(12)

from kiezgraph.cli import main

if __name__ == "__main__":
    sys.exit(main(["serve", "--workers", "2"]))
"""


@pytest.mark.slow
def test_serve_keeps_workers_whose_start_is_slow(
    reference: neo4j.Driver, neo4j_settings: Neo4jSettings, tmp_path: Path
) -> None:
    launcher = tmp_path / "kiezgraph_slow_main.py"
    launcher.write_text(SLOW_MAIN)
    port = free_port()
    env = {
        **os.environ,
        "PORT": str(port),
        "NEO4J_URI": neo4j_settings.uri,
        "NEO4J_USER": neo4j_settings.user,
        "NEO4J_PASSWORD": neo4j_settings.password,
    }
    with subprocess.Popen(
        [sys.executable, str(launcher)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    ) as server:
        try:
            deadline = time.monotonic() + 240
            first: set[int] = set()  # the worker processes it started
            while len(first) < 2 or not _ready(f"http://127.0.0.1:{port}"):
                assert server.poll() is None, server.stderr.read().decode() if server.stderr else ""
                assert time.monotonic() < deadline, "two workers did not become ready"
                first = first or (set(_children(server.pid)) if len(_children(server.pid)) >= 2 else set())
                time.sleep(0.3)
            assert first <= set(_children(server.pid))  # none of them was killed and replaced
        finally:
            server.send_signal(signal.SIGINT)
            _, err = server.communicate(timeout=60)
    assert b"died" not in err, err.decode()


def _ready(base: str) -> bool:
    try:
        return httpx.get(f"{base}/readyz", timeout=30).status_code == 200
    except httpx.TransportError:
        return False


CREATE = """mutation($i: CreateActorInput!) { createActor(input: $i) { actor { id name } errors { code } } }"""
ACTOR = "query($id: ID!) { actor(id: $id) { name } }"


def test_a_write_on_one_instance_is_read_on_the_other_with_its_bookmark_over_the_routing_scheme(
    reference: neo4j.Driver, neo4j_settings: Neo4jSettings, admin_token: str
) -> None:
    # neo4j:// asks the server for a routing table and sends reads and writes where it says: a
    # single Neo4j answers with itself in every role, so the same settings serve a cluster.
    routed = dataclasses.replace(neo4j_settings, uri=neo4j_settings.uri.replace("bolt://", "neo4j://"))
    with (
        TestClient(create_app(routed, TEST_OPTIONS), headers=_bearer(admin_token)) as one,
        TestClient(create_app(routed, TEST_OPTIONS), headers=_bearer(admin_token)) as other,
    ):
        assert isinstance(one.app.state.db._driver, neo4j.AsyncNeo4jDriver)  # routing, not a direct connection
        variables = {"i": {"type": "INITIATIVE", "name": "Lesezeichen-Initiative"}}
        created = one.post("/graphql", json={"query": CREATE, "variables": variables})
        payload = created.json()["data"]["createActor"]
        assert payload["errors"] == []
        bookmark = created.headers[consistency.HEADER]
        assert bookmark
        # The other instance, asked with the bookmark, reads after that commit.
        read = other.post(
            "/graphql",
            json={"query": ACTOR, "variables": {"id": payload["actor"]["id"]}},
            headers={consistency.HEADER: bookmark},
        )
        assert read.status_code == 200 and read.json()["data"]["actor"]["name"] == "Lesezeichen-Initiative"
        assert consistency.HEADER not in read.headers  # a read commits nothing: no bookmark to pass on
        # The bookmark really reaches Neo4j: one it never gave out is refused by it, with a clear code.
        forged = other.post("/graphql", json={"query": QUARTERS["query"]}, headers={consistency.HEADER: "FB:forged"})
        assert forged.json()["errors"][0]["extensions"]["code"] == "INVALID_DATA", forged.text
        assert "Kiezgraph-Bookmark" in forged.json()["errors"][0]["message"]
        # Not the shape of a bookmark: refused before any query, in the client's language.
        odd = other.post(
            "/graphql",
            json={"query": QUARTERS["query"]},
            headers={consistency.HEADER: "nicht <ein> Lesezeichen", "Accept-Language": "de"},
        )
        assert odd.status_code == 400 and "Lesezeichen" in odd.json()["errors"][0]["message"]


METRICS = "{ networkMetrics { cooperations revision stale computedAt } }"
COOPERATE = "mutation($i: AddCooperationInput!) { addCooperation(input: $i) { errors { code } } }"


def test_metrics_on_an_instance_that_did_not_write_are_stale_until_it_has_recomputed_them(
    clean_db: neo4j.Driver, neo4j_settings: Neo4jSettings, admin_token: str
) -> None:
    g = nx.path_graph(6)
    actors = [gids.encode("Actor", a) for a in load_graph(neo4j_settings, g, label="twin").values()]
    with (
        TestClient(create_app(neo4j_settings, TEST_OPTIONS), headers=_bearer(admin_token)) as one,
        TestClient(create_app(neo4j_settings, TEST_OPTIONS), headers=_bearer(admin_token)) as other,
    ):
        before = other.post("/graphql", json={"query": METRICS}).json()["data"]["networkMetrics"]
        variables = {"i": {"actorIds": [actors[0], actors[-1]], "kind": "FUNDING"}}
        written = one.post("/graphql", json={"query": COOPERATE, "variables": variables}).json()
        assert written["data"]["addCooperation"]["errors"] == []
        # `other` learns of the write on its next read: the last result, stale, while it recomputes.
        now = other.post("/graphql", json={"query": METRICS}).json()["data"]["networkMetrics"]
        assert (now["revision"], now["stale"], now["cooperations"]) == (before["revision"], True, 5)
        settled = wait_for(
            lambda: (
                not (m := other.post("/graphql", json={"query": METRICS}).json()["data"]["networkMetrics"])["stale"]
                and m
            ),
            "the other instance's background recomputation",
            bound=120,
        )
        assert settled["revision"] > before["revision"] and settled["cooperations"] == 6
