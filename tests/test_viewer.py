"""`me`: who is asking, so a frontend offers only what the role may do; and the page's routes."""

from __future__ import annotations

import neo4j
from starlette.testclient import TestClient

from graph.db import Neo4jSettings
from tests.conftest import GraphQLClient, issue_token

ME = "{ me { role quarters } }"


def test_me_names_the_role_and_a_managers_quarters(
    reference: neo4j.Driver, gql: GraphQLClient, neo4j_settings: Neo4jSettings
) -> None:
    manager = issue_token(neo4j_settings, "manager", ["rollberg", "donaustrasse-nord"])
    researcher = issue_token(neo4j_settings, "researcher")
    assert gql.as_(None).data(ME)["me"] == {"role": "public", "quarters": []}
    assert gql.as_(manager).data(ME)["me"] == {"role": "manager", "quarters": ["donaustrasse-nord", "rollberg"]}
    assert gql.as_(researcher).data(ME)["me"] == {"role": "researcher", "quarters": []}
    assert gql.data(ME)["me"] == {"role": "admin", "quarters": []}


def test_a_revoked_token_is_refused_not_shown_as_public(reference: neo4j.Driver, client: TestClient) -> None:
    response = client.post("/graphql", json={"query": ME}, headers={"Authorization": "Bearer kg_nope_nope"})
    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_the_map_is_served_without_a_token_and_outside_the_rate_limit(
    reference: neo4j.Driver, client: TestClient
) -> None:
    # Even with a broken credential: the page's files are the same for everyone.
    for path in ("/", "/embed"):
        page = client.get(path, headers={"Authorization": "Bearer broken"})
        assert page.status_code in (200, 503), path  # 503: not built (a plain checkout before `make`)
        assert "text/html" in page.headers["content-type"]
    assert client.get("/map", follow_redirects=False).headers["location"] == "/"
    assert client.get("/assets/nothing-here.js").status_code == 404
    assert client.get("/graphql", headers={"Authorization": "Bearer broken"}).status_code == 401
