"""A nested query costs a bounded number of Cypher round trips, whatever the result size."""

from __future__ import annotations

import random

import neo4j
import pytest
from starlette.testclient import TestClient

NESTED = "{ actors(first: 50) { edges { node { partners { edges { node { quarters { quarter { name } } } } } } } } }"
WIDER = """{ actors(first: 50) { totalCount edges { node { name cooperationCount partnerCount actionFields { key }
  quarters { quarter { name mergedInto { name } } }
  partners { totalCount edges { cooperation { kind actors { name } } node { name quarters { quarter { slug } } } } }
  cooperations(first: 5) { nodes { kind actionFields { name } } } } } } }"""


def _network(driver: neo4j.Driver, actors: int) -> None:
    rng = random.Random(actors)
    driver.execute_query("MATCH (a:Actor) DETACH DELETE a")
    rows = [
        {"id": f"a{i}", "name": f"Akteur {i:04d}", "q": rng.choice(["rollberg", "rixdorf", "koernerpark"])}
        for i in range(actors)
    ]
    driver.execute_query(
        "UNWIND $rows AS row MATCH (q:Quarter {slug: row.q}) "
        "CREATE (a:Actor:Initiative {id: row.id, type: 'Initiative', name: row.name, sortName: toLower(row.name), archived: false, "
        "synthetic: true, createdAt: datetime(), updatedAt: datetime(), version: 1})-[:ACTIVE_IN {role: 'member'}]->(q)",
        rows=rows,
    )
    pairs = {tuple(sorted(rng.sample(range(actors), 2))) for _ in range(actors * 3)}
    driver.execute_query(
        "UNWIND $pairs AS p MATCH (a:Actor {id: p[0]}), (b:Actor {id: p[1]}) "
        "CREATE (a)-[:COOPERATES_WITH {id: p[0] + '~' + p[1], kind: 'regular_exchange', actionFields: ['bildung'], "
        "synthetic: true, createdAt: datetime(), updatedAt: datetime(), version: 1}]->(b)",
        pairs=[[f"a{x}", f"a{y}"] for x, y in pairs],
    )


def _round_trips(client: TestClient, query: str) -> tuple[int, dict]:
    db = client.app.state.db  # type: ignore[attr-defined]
    before = db.round_trips
    body = client.post("/graphql", json={"query": query}).json()
    assert "errors" not in body, body
    return db.round_trips - before, body["data"]


@pytest.mark.parametrize(
    "query, network_sizes",
    [
        (NESTED, (50, 500)),
        # With 50 actors every partner is on the first page, so what the page already loaded is
        # reused (one query fewer); compare two networks larger than a page instead.
        (WIDER, (150, 600)),
    ],
)
def test_the_same_number_of_queries_whatever_the_size(
    reference: neo4j.Driver, client: TestClient, query: str, network_sizes: tuple[int, int]
) -> None:
    counts = []
    sizes = []
    client.post("/graphql", json={"query": "{ __typename }"})  # the token check is cached after this
    client.post("/graphql", json={"query": "{ actionFields { key } }"})  # and the catalogue is in memory
    for actors in network_sizes:
        _network(reference, actors)
        trips, data = _round_trips(client, query)
        counts.append(trips)
        edges = data["actors"]["edges"]
        sizes.append(sum(len(e["node"]["partners"]["edges"]) for e in edges))
    assert counts[0] == counts[1], counts
    assert counts[0] <= 12
    assert all(size > 50 for size in sizes)  # the result is large enough for N+1 to show
