"""Test fixtures: one real Neo4j for the session, a clean database per test, the app over HTTP.

The session's Neo4j is started by the test command itself (a throwaway folder, a free port)
and stopped at the end; the JVM also dies with this process if pytest is killed.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import neo4j
import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from starlette.testclient import TestClient

from graph import migrations, tokens
from graph.db import Database, Neo4jSettings
from kiezgraph.app import create_app
from kiezgraph.local_neo4j import LocalNeo4j, free_port
from kiezgraph.settings import ServiceOptions
from seeds import load

T = TypeVar("T")

# Hypothesis' per-example deadline (200 ms) and its "too slow" health check measure the machine, not
# the code: on a busy CI runner they fail correct tests. Speed goals are benchmarks (bench/).
hypothesis_settings.register_profile("kiezgraph", deadline=None, suppress_health_check=[HealthCheck.too_slow])
hypothesis_settings.load_profile("kiezgraph")

# Rate limits would throttle a test suite that fires requests in tight loops; they have tests of their own.
TEST_OPTIONS = ServiceOptions(rate_per_minute=0, public_rate_per_minute=0, metrics_workers=2)


@pytest.fixture(scope="session")
def neo4j_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalNeo4j]:
    server = LocalNeo4j(tmp_path_factory.mktemp("neo4j"), port=free_port(), heap="768m", pagecache="256m")
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def neo4j_settings(neo4j_server: LocalNeo4j) -> Neo4jSettings:
    return Neo4jSettings(neo4j_server.uri, neo4j_server.user, neo4j_server.password, query_timeout=20.0)


@pytest.fixture(scope="session")
def driver(neo4j_settings: Neo4jSettings) -> Iterator[neo4j.Driver]:
    """A plain synchronous driver for arranging and inspecting data behind the API's back."""
    with neo4j.GraphDatabase.driver(neo4j_settings.uri, auth=(neo4j_settings.user, neo4j_settings.password)) as drv:
        yield drv


def run_async(neo4j_settings: Neo4jSettings, work: Callable[[Database], Awaitable[T]]) -> T:
    async def main() -> T:
        db = Database(neo4j_settings)
        try:
            return await work(db)
        finally:
            await db.close()

    return asyncio.run(main())


@pytest.fixture(scope="session")
def migrated(neo4j_settings: Neo4jSettings) -> None:
    run_async(neo4j_settings, migrations.migrate)


@pytest.fixture
def clean_db(driver: neo4j.Driver, migrated: None) -> neo4j.Driver:
    """An empty database (schema and migration records kept) for this test."""
    with driver.session() as session:  # CALL … IN TRANSACTIONS needs an auto-commit transaction
        session.run(
            "MATCH (n) WHERE NOT n:Migration CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 5000 ROWS"
        ).consume()
    return driver


@pytest.fixture
def reference(clean_db: neo4j.Driver, neo4j_settings: Neo4jSettings) -> neo4j.Driver:
    """The real Neukölln quarters, action fields and organisations."""
    run_async(neo4j_settings, load.load_reference)
    return clean_db


@pytest.fixture
def demo(reference: neo4j.Driver, neo4j_settings: Neo4jSettings) -> neo4j.Driver:
    """Reference data plus the synthetic demo network."""
    run_async(neo4j_settings, load.load_demo)
    return reference


def issue_token(settings: Neo4jSettings, role: str, quarters: list[str] | None = None, name: str = "test") -> str:
    """A bearer token of ``role`` (for managers: with ``quarters``), created straight in the database."""

    async def work(db: Database) -> str:
        issued = await db.write_transaction(lambda tx: tokens.create(tx, name, role, quarters or []))
        return issued.secret

    return run_async(settings, work)


@pytest.fixture
def admin_token(clean_db: neo4j.Driver, neo4j_settings: Neo4jSettings) -> str:
    return issue_token(neo4j_settings, "admin", name="test admin")


@pytest.fixture
def client(request: pytest.FixtureRequest, neo4j_settings: Neo4jSettings, admin_token: str) -> Iterator[TestClient]:
    """The app over HTTP, sending an admin token unless a test sends other headers. A test marked
    ``uncached`` gets it without the response cache: it counts the statements a query sends (a hit
    sends none), or writes straight through the driver, which moves no revision."""
    options = TEST_OPTIONS
    if request.node.get_closest_marker("uncached") is not None:
        options = dataclasses.replace(options, response_cache_mb=0)
    with TestClient(create_app(neo4j_settings, options), headers={"Authorization": f"Bearer {admin_token}"}) as c:
        yield c


def count(driver: neo4j.Driver, query: str, **params: Any) -> int:
    records, _, _ = driver.execute_query(query, params)
    return int(records[0][0])


class GraphQLClient:
    """Posts GraphQL over HTTP and returns the decoded JSON body (as admin unless ``token`` says)."""

    def __init__(self, http: TestClient, token: str | None = None) -> None:
        self.http = http
        self.token = token

    def as_(self, token: str | None) -> GraphQLClient:
        """The same client with another bearer token; None for an anonymous (public) caller."""
        return GraphQLClient(self.http, token or "")

    def __call__(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        headers = {} if self.token is None else {"Authorization": f"Bearer {self.token}" if self.token else ""}
        response = self.http.post("/graphql", json={"query": query, "variables": variables or {}}, headers=headers)
        assert response.status_code in (200, 400), response.text
        body: dict[str, Any] = response.json()
        return body

    def data(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        body = self(query, variables)
        assert "errors" not in body, body["errors"]
        data: dict[str, Any] = body["data"]
        return data


@pytest.fixture
def gql(client: TestClient) -> GraphQLClient:
    return GraphQLClient(client)


ROOT = Path(__file__).resolve().parents[1]
