"""What browser clients need: CORS with an allowlist, cacheable GET queries (ETag, 304),
Automatic Persisted Queries and the allowlist mode, and the WebSocket's origin check."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from collections.abc import Iterator
from pathlib import Path

import neo4j
import pytest
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from graph.db import Neo4jSettings
from kiezgraph.app import create_app
from tests import factories
from tests.conftest import TEST_OPTIONS, GraphQLClient

ALLOWED = "https://karte.example.org"
QUARTERS = "{ quarters { slug } }"


@pytest.fixture
def web(reference: neo4j.Driver, neo4j_settings: Neo4jSettings) -> Iterator[TestClient]:
    options = dataclasses.replace(TEST_OPTIONS, cors_origins=(ALLOWED,), cache_max_age=30)
    with TestClient(create_app(neo4j_settings, options)) as client:
        yield client


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def test_preflight_for_an_allowed_origin_and_none_for_others(web: TestClient) -> None:
    for path in ("/graphql", "/export/gexf"):
        allowed = web.options(
            path,
            headers={
                "Origin": ALLOWED,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "authorization, content-type",
            },
        )
        assert allowed.status_code == 200, path
        assert allowed.headers["access-control-allow-origin"] == ALLOWED
        assert "POST" in allowed.headers["access-control-allow-methods"]
        assert "authorization" in allowed.headers["access-control-allow-headers"].lower()
    other = web.options("/graphql", headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"})
    assert other.status_code == 400 and "access-control-allow-origin" not in other.headers
    # The actual request from the allowed origin can read the answer and its ETag.
    answer = web.post("/graphql", json={"query": QUARTERS}, headers={"Origin": ALLOWED})
    assert answer.headers["access-control-allow-origin"] == ALLOWED
    assert "etag" in answer.headers["access-control-expose-headers"].lower()
    assert (
        "access-control-allow-origin"
        not in web.post("/graphql", json={"query": QUARTERS}, headers={"Origin": "https://evil.example"}).headers
    )


def test_by_default_no_other_origin_is_allowed(client: TestClient) -> None:
    preflight = client.options(
        "/graphql", headers={"Origin": "https://karte.example.org", "Access-Control-Request-Method": "POST"}
    )
    assert preflight.status_code == 400
    assert "access-control-allow-origin" not in preflight.headers


def test_the_websocket_checks_the_origin(web: TestClient) -> None:
    refused = web.websocket_connect(
        "/graphql", subprotocols=["graphql-transport-ws"], headers={"Origin": "https://evil.example"}
    )
    with pytest.raises(WebSocketDisconnect):
        refused.__enter__()  # the handshake itself is refused (HTTP 403)
    with web.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"], headers={"Origin": ALLOWED}) as ws:
        ws.send_json({"type": "connection_init"})
        assert ws.receive_json() == {"type": "connection_ack"}


def test_get_queries_carry_an_etag_and_answer_304_until_something_changes(
    web: TestClient, gql: GraphQLClient, admin_token: str
) -> None:
    first = web.get("/graphql", params={"query": QUARTERS})
    assert first.status_code == 200
    tag = first.headers["etag"]
    assert first.headers["cache-control"] == "public, max-age=30, must-revalidate"
    again = web.get("/graphql", params={"query": QUARTERS}, headers={"If-None-Match": tag})
    assert (again.status_code, again.content, again.headers["etag"]) == (304, b"", tag)
    factories.actor(gql, "Neuer Verein", quarters=[{"quarter": "rollberg"}])  # a write: a new revision
    changed = web.get("/graphql", params={"query": QUARTERS}, headers={"If-None-Match": tag})
    assert changed.status_code == 200 and changed.headers["etag"] != tag
    # A token's answers are private, and their ETag is not the public one.
    token = web.get("/graphql", params={"query": QUARTERS}, headers={"Authorization": f"Bearer {admin_token}"})
    assert token.headers["cache-control"].startswith("private") and token.headers["etag"] != changed.headers["etag"]
    # An answer with errors is not cached.
    failed = web.get("/graphql", params={"query": "{ quarter(slug: 1) { name } }"})
    assert "etag" not in failed.headers


def test_automatic_persisted_queries(web: TestClient) -> None:
    extensions = {"persistedQuery": {"version": 1, "sha256Hash": _sha(QUARTERS)}}
    unknown = web.get("/graphql", params={"extensions": json.dumps(extensions)})
    assert unknown.status_code == 200
    assert unknown.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
    assert unknown.json()["errors"][0]["message"] == "PersistedQueryNotFound"
    registered = web.post("/graphql", json={"query": QUARTERS, "extensions": extensions})
    assert "errors" not in registered.json()
    by_hash = web.get("/graphql", params={"extensions": json.dumps(extensions)})
    assert by_hash.json() == registered.json()
    assert "etag" in by_hash.headers
    wrong = web.post(
        "/graphql",
        json={"query": "{ actionFields { key } }", "extensions": extensions},
    )
    assert wrong.status_code == 400 and wrong.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


def test_the_allowlist_mode_runs_registered_documents_only(
    reference: neo4j.Driver, neo4j_settings: Neo4jSettings, tmp_path: Path
) -> None:
    manifest = tmp_path / "documents.json"
    manifest.write_text(json.dumps({_sha(QUARTERS): QUARTERS}))
    options = dataclasses.replace(TEST_OPTIONS, persisted_queries="allowlist", persisted_queries_file=manifest)
    with TestClient(create_app(neo4j_settings, options)) as web:
        by_hash = web.get(
            "/graphql",
            params={"extensions": json.dumps({"persistedQuery": {"version": 1, "sha256Hash": _sha(QUARTERS)}})},
        )
        assert "errors" not in by_hash.json() and by_hash.json()["data"]["quarters"]
        assert "errors" not in web.post("/graphql", json={"query": QUARTERS}).json()
        other = web.post("/graphql", json={"query": "{ actionFields { key } }"})
        assert other.status_code == 400
        assert other.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_IN_LIST"
        with web.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
            ws.send_json({"type": "connection_init"})
            assert ws.receive_json()["type"] == "connection_ack"
            ws.send_json(
                {"id": "1", "type": "subscribe", "payload": {"query": "subscription { changes { revision } }"}}
            )
            refused = ws.receive_json()
        assert (
            refused["type"] == "error" and refused["payload"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_IN_LIST"
        )


def test_graphiql_comes_from_the_service_itself(client: TestClient) -> None:
    page = client.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert "make graphiql" not in page.text, "GraphiQL is not built: run `make graphiql`"
    sources = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert sources and all(s.startswith("/graphiql/") for s in sources), sources
    for source in sources:
        asset = client.get(source)
        assert asset.status_code == 200, source
        assert not re.search(r"https?://(unpkg\.com|cdn\.|esm\.sh|cdnjs|fonts\.googleapis)", asset.text), source
    script = client.get("/graphiql/graphiql.js").text
    assert "graphql-transport-ws" in script, "the subscription transport is bundled"
