"""Liveness and readiness: /readyz tells whether Neo4j is reachable and migrated."""

from __future__ import annotations

from starlette.testclient import TestClient

from graph.db import Neo4jSettings
from kiezgraph.app import create_app
from kiezgraph.local_neo4j import free_port


def test_healthz_answers_while_the_process_lives(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "alive"}


def test_readyz_is_ready_with_a_migrated_database(client: TestClient) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["status"] == "ready"


def test_readyz_is_503_while_neo4j_is_down() -> None:
    nowhere = Neo4jSettings(f"bolt://127.0.0.1:{free_port()}", "neo4j", "irrelevant", query_timeout=2.0)
    with TestClient(create_app(nowhere)) as client:
        assert client.get("/healthz").status_code == 200
        response = client.get("/readyz")
        assert response.status_code == 503
        assert response.json()["status"] == "unavailable"
        # A GraphQL request gets a clear, coded error instead of a hang or a stack trace.
        body = client.post("/graphql", json={"query": "{ quarters { name } }"}).json()
        assert body["data"] is None
        [error] = body["errors"]
        assert error["extensions"]["code"] == "DATABASE_UNAVAILABLE"
        assert "Traceback" not in error["message"] and "bolt" not in error["message"].lower()
