"""A partner list larger than the general body limit, over GraphQL: the upload is accepted (its own
limit, for createImport only), the apply runs after its answer, and the client polls importJob
until it is done — against the real Neo4j, through HTTP."""

from __future__ import annotations

import base64
import json
import random
from pathlib import Path

import neo4j
import pytest
import xlsxwriter
from starlette.testclient import TestClient

from graph import imports as graph_imports
from kiezgraph.settings import ServiceOptions
from tests.conftest import GraphQLClient, count
from tests.test_imports_api import APPLY, CREATE, finished

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
