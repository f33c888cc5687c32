"""A partner list larger than the general body limit, over GraphQL: the upload is accepted (its own
limit, for createImport only), the apply runs after its answer, and the client polls importJob
until it is done — against the real Neo4j, through HTTP."""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import json
import random
import threading
import time
from pathlib import Path
from typing import Any

import jwt
import neo4j
import pytest
import xlsxwriter
from starlette.testclient import TestClient

from core.access import Principal, Role
from core.context import Context
from graph import imports as graph_imports
from graph import tokens
from graph.db import Database, Neo4jSettings
from kiezgraph.app import create_app
from kiezgraph.settings import ServiceOptions
from resolvers import imports as resolvers_imports
from tests.conftest import TEST_OPTIONS, GraphQLClient, count, issue_token, run_async
from tests.test_imports_api import APPLY, CREATE, POLL, finished

ACTORS = "MATCH (a:Actor) RETURN count(a)"
GENERAL_LIMIT = ServiceOptions().max_body_bytes
ROWS = 300


def big_workbook(path: Path) -> bytes:
    """300 associations in Rollberg, each with a long column of office notes the import does not
    know (random, so that the zip inside the XLSX cannot make it small): above the general limit."""
    noise = random.Random(11)
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Partner")
    sheet.write_row(0, 0, ["Name", "Art", "Quartier", "Interne Rohdaten"])
    for i in range(ROWS):
        raw = base64.b64encode(noise.randbytes(4500)).decode()
        sheet.write_row(i + 1, 0, [f"Nachbarschaftsverein Nr. {i}", "Verein", "Rollberg", raw])
    book.close()
    return path.read_bytes()


def multipart(http: TestClient, query: str, variables: dict[str, object], content: bytes) -> object:
    operations = {"query": query, "variables": {**variables, "file": None}}
    return http.post(
        "/graphql",
        data={"operations": json.dumps(operations), "map": json.dumps({"0": ["variables.file"]})},
        files={"0": ("partnerliste-gross.xlsx", content, "application/octet-stream")},
    )


def test_a_list_above_the_body_limit_goes_in_as_a_job_the_client_polls(
    reference: neo4j.Driver, client: TestClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    content = big_workbook(tmp_path / "gross.xlsx")
    assert len(content) > GENERAL_LIMIT
    monkeypatch.setattr(graph_imports, "BATCH", 100)  # several batches, so that progress moves
    before = count(reference, ACTORS)

    # Every other request keeps the general limit: a JSON body, or a multipart one for another field.
    padded = client.post("/graphql", json={"query": "{ __typename }", "variables": {"pad": "x" * GENERAL_LIMIT}})
    assert padded.status_code == 413
    other = multipart(
        client, "mutation($file: Upload!, $id: ID!) { applyImport(id: $id) { errors { code } } }", {"id": "x"}, content
    )
    assert other.status_code == 413  # type: ignore[attr-defined]
    assert other.json()["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"  # type: ignore[attr-defined]

    # A JSON body cannot borrow the upload limit by naming multipart in its Content-Type.
    smuggled = client.post(
        "/graphql",
        content=json.dumps({"query": "{ __typename }", "variables": {"pad": "x" * GENERAL_LIMIT}}),
        headers={"Content-Type": "multipart/form-data,application/json"},
    )
    assert smuggled.status_code == 413
    # Nor can an anonymous caller send a large file: only those who may import get the upload limit.
    anonymous = client.post(
        "/graphql",
        headers={"Authorization": ""},
        data={"operations": json.dumps({"query": CREATE, "variables": {"quarter": "rollberg", "file": None}})},
        files={"0": ("partnerliste-gross.xlsx", content, "application/octet-stream")},
    )
    assert anonymous.status_code == 413
    # A batch (a list of operations) is not an upload: refused in words, not with a server error.
    batch = client.post(
        "/graphql",
        headers={"Accept-Language": "de"},
        data={
            "operations": json.dumps([{"query": CREATE, "variables": {"quarter": "rollberg", "file": None}}]),
            "map": json.dumps({"0": ["0.variables.file"]}),
        },
        files={"0": ("leer.csv", b"Name\n", "text/csv")},
    )
    assert batch.status_code == 413 and "createImport" in batch.json()["errors"][0]["message"]
    assert "Mehrteilige" in batch.json()["errors"][0]["message"]

    response = multipart(client, CREATE, {"quarter": "rollberg"}, content)
    assert response.status_code == 200, response.text  # type: ignore[attr-defined]
    payload = response.json()["data"]["createImport"]  # type: ignore[attr-defined]
    assert payload["errors"] == []
    job = payload["import"]
    assert {c["name"]: c["count"] for c in job["summary"]}["actors.new"] == ROWS

    gql = GraphQLClient(client)
    started = gql.data(APPLY, {"id": job["id"]})["applyImport"]
    assert started["errors"] == [] and started["import"]["status"] in ("APPLYING", "APPLIED")
    done = finished(gql, job["id"])
    assert done["status"] == "APPLIED", done
    assert done["result"]["actorsCreated"] == ROWS and done["stopped"] is None
    assert (done["progress"]["rowsDone"], done["progress"]["rowsTotal"]) == (ROWS, ROWS)
    assert count(reference, ACTORS) == before + ROWS
    seen = gql.data('{ quarter(slug: "rollberg") { actors(filter: {text: "Nachbarschaftsverein"}) { totalCount } } }')
    assert seen["quarter"]["actors"]["totalCount"] == ROWS  # on the network


def test_a_long_apply_stops_when_its_token_is_revoked_or_loses_the_quarter(
    reference: neo4j.Driver, neo4j_settings: Neo4jSettings
) -> None:
    # Checked before each batch of a batched apply (resolvers/imports._in_batches): a job that runs
    # for a minute must not go on writing for a token revoked or narrowed meanwhile.
    secret = issue_token(neo4j_settings, "manager", ["rollberg", "flughafenstrasse"])
    parsed = tokens.parse(secret)
    assert parsed is not None
    token_id = parsed[0]
    manager = Principal(Role.MANAGER, frozenset({"rollberg", "flughafenstrasse"}), f"token:{token_id}")

    async def allowed(db: Database) -> bool:
        return await resolvers_imports._credential_gone(Context.for_request(db, principal=manager)) is None

    assert run_async(neo4j_settings, allowed)
    run_async(neo4j_settings, lambda db: db.write_transaction(lambda tx: tokens.withdraw(tx, "rollberg", [token_id])))
    assert not run_async(neo4j_settings, allowed)  # a handover took one of its quarters
    narrowed = Principal(Role.MANAGER, frozenset({"flughafenstrasse"}), f"token:{token_id}")

    async def narrowed_allowed(db: Database) -> bool:
        return await resolvers_imports._credential_gone(Context.for_request(db, principal=narrowed)) is None

    assert run_async(neo4j_settings, narrowed_allowed)
    run_async(neo4j_settings, lambda db: db.write_transaction(lambda tx: tokens.revoke(tx, token_id)))
    assert not run_async(neo4j_settings, narrowed_allowed)


JWT_SECRET = "a-test-secret-of-sufficient-length-for-hs256"


def plain_workbook(path: Path, rows: int) -> bytes:
    """``rows`` associations in Rollberg, nothing else."""
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Partner")
    sheet.write_row(0, 0, ["Name", "Art", "Quartier"])
    for i in range(rows):
        sheet.write_row(i + 1, 0, [f"Stadtteilinitiative Nr. {i}", "Verein", "Rollberg"])
    book.close()
    return path.read_bytes()


class PastTheEnd:
    """The service's clock for credentials: the wall clock when it is first read (before the first
    batch), then past ``end`` — as if the apply had outlived its token."""

    def __init__(self, end: float) -> None:
        self.end = end
        self.reads = 0

    def __call__(self) -> float:
        self.reads += 1
        return time.time() if self.reads == 1 else self.end + 1


def test_a_long_apply_stops_when_its_jwt_expires_and_applying_again_writes_the_rest(
    reference: neo4j.Driver, neo4j_settings: Neo4jSettings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(graph_imports, "BATCH", 100)  # three batches
    end = int(time.time()) + 3600  # valid for HTTP throughout: only the apply's own check sees it end
    claims = {"sub": "qm-rollberg", "role": "manager", "quarters": ["rollberg"], "exp": end}
    token = jwt.encode(claims, JWT_SECRET, algorithm="HS256")
    options = dataclasses.replace(TEST_OPTIONS, jwt_secret=JWT_SECRET)
    before = count(reference, ACTORS)
    with TestClient(create_app(neo4j_settings, options), headers={"Authorization": f"Bearer {token}"}) as http:
        http.app.state.services.clock = PastTheEnd(end)  # type: ignore[attr-defined]
        gql = GraphQLClient(http)
        made = multipart(http, CREATE, {"quarter": "rollberg"}, plain_workbook(tmp_path / "liste.xlsx", ROWS))
        payload = made.json()["data"]["createImport"]  # type: ignore[attr-defined]
        assert payload["errors"] == []
        job_id = payload["import"]["id"]
        assert gql.data(APPLY, {"id": job_id})["applyImport"]["errors"] == []

        stopped = finished(gql, job_id)
        assert stopped["status"] == "FAILED", stopped
        assert [(e["code"], e["message"]) for e in stopped["errors"]] == [
            ("FORBIDDEN", "the token that started this import expired while it was written; it stopped")
        ]
        # The first batch was written before the end and stays; the job says so, and how far it came.
        assert (stopped["progress"]["rowsDone"], stopped["progress"]["rowsTotal"]) == (100, ROWS)
        assert count(reference, ACTORS) == before + 100
        assert stopped["stopped"] and "whole batches written so far stay" in stopped["stopped"]
        german = http.post(
            "/graphql", json={"query": POLL, "variables": {"id": job_id}}, headers={"Accept-Language": "de"}
        ).json()["data"]["importJob"]
        assert "abgelaufen" in german["errors"][0]["message"] and "bereits geschriebene" in german["stopped"]

        # With a live token, applying the same import again writes the rest, and nothing twice.
        http.app.state.services.clock = time.time  # type: ignore[attr-defined]
        assert gql.data(APPLY, {"id": job_id})["applyImport"]["errors"] == []
        done = finished(gql, job_id)
        assert done["status"] == "APPLIED" and done["stopped"] is None, done
        assert count(reference, ACTORS) == before + ROWS


FOLLOW = "mutation($id: ID!) { applyImport(id: $id) { import { id status } errors { code message } } }"


def test_applying_again_while_the_apply_runs_answers_with_the_running_job(
    reference: neo4j.Driver, client: TestClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(graph_imports, "BATCH", 100)
    real = resolvers_imports._actor_batch
    released = threading.Event()

    async def held(*args: Any) -> None:
        # The first batch waits until the test has applied a second time: the job is running then.
        await asyncio.to_thread(released.wait, 120)
        await real(*args)

    monkeypatch.setattr(resolvers_imports, "_actor_batch", held)
    before = count(reference, ACTORS)
    made = multipart(client, CREATE, {"quarter": "rollberg"}, plain_workbook(tmp_path / "liste.xlsx", ROWS))
    job_id = made.json()["data"]["createImport"]["import"]["id"]  # type: ignore[attr-defined]
    gql = GraphQLClient(client)
    try:
        first = gql.data(FOLLOW, {"id": job_id})["applyImport"]
        assert first == {"import": {"id": job_id, "status": "APPLYING"}, "errors": []}
        # A retry, a second tab: the running job to follow, not an error, and no second apply.
        assert gql.data(FOLLOW, {"id": job_id})["applyImport"] == first
    finally:
        released.set()
    done = finished(gql, job_id)
    assert done["status"] == "APPLIED" and done["result"]["actorsCreated"] == ROWS, done
    assert count(reference, ACTORS) == before + ROWS
    assert gql.data(FOLLOW, {"id": job_id})["applyImport"] == {
        "import": {"id": job_id, "status": "APPLIED"},
        "errors": [],
    }
