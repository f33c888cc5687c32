"""The debug mode's Server-Timing header says where a request's time went (issue 16)."""

from __future__ import annotations

import dataclasses

import neo4j
from starlette.testclient import TestClient

from graph.db import Neo4jSettings
from kiezgraph.app import create_app
from tests.conftest import TEST_OPTIONS

QUERY = {"query": "{ actors(first: 5) { edges { node { name partners(first: 2) { totalCount } } } } }"}


def _metrics(header: str) -> dict[str, str]:
    return {part.split(";")[0].strip(): part for part in header.split(",")}


def test_server_timing_names_every_phase_in_debug_mode(demo: neo4j.Driver, neo4j_settings: Neo4jSettings) -> None:
    options = dataclasses.replace(TEST_OPTIONS, server_timing=True)
    with TestClient(create_app(neo4j_settings, options)) as http:
        response = http.post("/graphql", json=QUERY)
    assert response.status_code == 200 and "errors" not in response.json()
    metrics = _metrics(response.headers["server-timing"])
    # and, this being a query the response cache may keep, that it was not in it yet
    assert set(metrics) == {"parse", "validate", "execute", "cypher", "serialise", "total", "response-cache"}
    assert metrics["response-cache"].strip() == 'response-cache;desc="miss"'
    assert all(";dur=" in m for name, m in metrics.items() if name != "response-cache")
    assert 'desc="2 calls"' in metrics["cypher"]  # the page, then the partners of all five at once


def test_no_server_timing_by_default(demo: neo4j.Driver, client: TestClient) -> None:
    response = client.post("/graphql", json=QUERY)
    assert response.status_code == 200 and "server-timing" not in response.headers
