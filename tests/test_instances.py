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
import pytest
from starlette.testclient import TestClient

from graph.db import Database, Neo4jSettings
from kiezgraph.app import create_app
from kiezgraph.local_neo4j import free_port
from kiezgraph.middleware.rate_limit import SharedBudget
from tests.conftest import TEST_OPTIONS, issue_token, run_async

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


def _ready(base: str) -> bool:
    try:
        return httpx.get(f"{base}/readyz", timeout=30).status_code == 200
    except httpx.TransportError:
        return False
