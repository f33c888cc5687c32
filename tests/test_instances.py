"""More than one instance on one Neo4j: what must hold across them does (issue 16).

Two apps in one test stand for two instances (each has its own token cache, as two processes
or two machines would); `kiezgraph serve --workers 2` is also started for real.
"""

from __future__ import annotations

import dataclasses
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx2 as httpx
import neo4j
import networkx as nx
import pytest
from starlette.testclient import TestClient

from graph.db import Neo4jSettings
from kiezgraph import consistency
from kiezgraph.app import create_app
from kiezgraph.local_neo4j import free_port
from resolvers import ids as gids
from tests.conftest import TEST_OPTIONS, issue_token
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
