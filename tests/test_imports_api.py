"""The import over GraphQL as a frontend uses it: upload (GraphQL multipart request spec), plan,
decisions, apply, status; typed errors and nothing written on bad input."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import neo4j
from starlette.testclient import TestClient

from graph.db import Neo4jSettings
from tests import office_sheets
from tests.conftest import GraphQLClient, count, issue_token
from tests.test_imports import lookalike

EXAMPLE = Path(__file__).parent.parent / "examples" / "partnerliste-beispiel.xlsx"
ROWS = "actorRows { sheet row name outcome decision candidates { actorId reason score } issues { column messageDe messageEn } }"
CREATE = (
    "mutation($file: Upload!, $quarter: String) { createImport(file: $file, quarter: $quarter) {"
    f" import {{ id status summary {{ name count }} {ROWS} cooperationRows {{ a b outcome }} }}"
    " errors { __typename code message } } }"
)
APPLY = (
    "mutation($id: ID!, $decisions: [ImportDecisionInput!]) { applyImport(id: $id, decisions: $decisions) {"
    " import { status progress { stage done total } result { actorsCreated cooperationsCreated replayed key } }"
    " errors { __typename code message path } } }"
)
JOB = "query($id: ID!) { importJob(id: $id) { status fileName result { actorsCreated } } }"
POLL = (
    "query($id: ID!) { importJob(id: $id) { status stopped progress { stage done total rowsDone rowsTotal }"
    " result { actorsCreated cooperationsCreated replayed key } errors { code message path } } }"
)


def finished(gql: GraphQLClient, job_id: str, bound: float = 300.0) -> dict[str, Any]:
    """Poll importJob, as a client does, until the apply has finished (or the generous bound passes)."""
    deadline = time.monotonic() + bound
    while True:
        job: dict[str, Any] = gql.data(POLL, {"id": job_id})["importJob"]
        if job["status"] != "APPLYING" or time.monotonic() > deadline:
            return job
        time.sleep(0.05)


ACTORS = "MATCH (a:Actor) RETURN count(a)"


def upload(http: TestClient, content: bytes, name: str, token: str, quarter: str | None = "rollberg") -> dict[str, Any]:
    """A multipart request as the spec has it: `operations`, `map`, and the file as part `0`."""
    operations = {"query": CREATE, "variables": {"file": None, "quarter": quarter}}
    response = http.post(
        "/graphql",
        data={"operations": json.dumps(operations), "map": json.dumps({"0": ["variables.file"]})},
        files={"0": (name, content, "application/octet-stream")},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_upload_review_apply_and_poll(
    reference: neo4j.Driver, neo4j_settings: Neo4jSettings, client: TestClient, admin_token: str
) -> None:
    before = count(reference, ACTORS)
    body = upload(client, EXAMPLE.read_bytes(), EXAMPLE.name, admin_token)
    payload = body["data"]["createImport"]
    assert payload["errors"] == []
    job = payload["import"]
    assert job["status"] == "PLANNED"
    assert {r["name"]: r["outcome"] for r in job["actorRows"]}["Sprachbrücke Rollberg"] == "new"
    assert {c["outcome"] for c in job["cooperationRows"]} == {"new"}
    assert count(reference, ACTORS) == before  # a plan writes nothing

    gql = GraphQLClient(client)
    started = gql.data(APPLY, {"id": job["id"]})["applyImport"]
    assert started["errors"] == []
    assert started["import"]["status"] in ("APPLYING", "APPLIED")  # it runs after the answer
    applied = {"import": finished(gql, job["id"])}
    assert applied["import"]["status"] == "APPLIED"
    assert applied["import"]["result"]["actorsCreated"] == 5
    progress = applied["import"]["progress"]
    assert (progress["stage"], progress["done"], progress["total"]) == ("applied", 3, 3)
    assert (progress["rowsDone"], progress["rowsTotal"]) == (8, 8)
    assert count(reference, ACTORS) == before + 5
    assert gql.data(JOB, {"id": job["id"]})["importJob"] == {
        "status": "APPLIED",
        "fileName": EXAMPLE.name,
        "result": {"actorsCreated": 5},
    }

    again = upload(client, EXAMPLE.read_bytes(), EXAMPLE.name, admin_token)["data"]["createImport"]["import"]
    assert {r["outcome"] for r in again["actorRows"]} == {"existing"}
    # The same file with the same decisions has the same import key: the first result, told again.
    assert gql.data(APPLY, {"id": again["id"]})["applyImport"]["errors"] == []
    second = finished(gql, again["id"])["result"]
    assert second["replayed"] is True and second["key"] == applied["import"]["result"]["key"]
    assert count(reference, ACTORS) == before + 5


def test_decisions_and_errors_per_row_and_column_in_two_languages(
    reference: neo4j.Driver, neo4j_settings: Neo4jSettings, client: TestClient, admin_token: str, tmp_path: Path
) -> None:
    sheet = office_sheets.partner_list_xlsx(tmp_path / "Partnerliste.xlsx")
    job = upload(client, sheet.read_bytes(), sheet.name, admin_token)["data"]["createImport"]["import"]
    rows = job["actorRows"]
    with_errors = [r for r in rows if r["outcome"] == "error"]
    assert with_errors, "the office sheet has a row without a type"
    problem = next(i for r in with_errors for i in r["issues"] if i["column"])
    assert problem["messageDe"] != problem["messageEn"] and problem["column"].isalpha()
    gql = GraphQLClient(client)
    lookalike(reference)
    job = upload(client, EXAMPLE.read_bytes(), EXAMPLE.name, admin_token)["data"]["createImport"]["import"]
    waiting = [r for r in job["actorRows"] if r["decision"] is None]
    assert [(r["row"], r["outcome"], [c["reason"] for c in r["candidates"]]) for r in waiting] == [
        (6, "possible_match", ["same_name"])
    ]
    before = count(reference, ACTORS)
    refused = gql.data(APPLY, {"id": job["id"]})["applyImport"]
    assert refused["import"] is None and "await a decision" in refused["errors"][0]["message"]
    assert gql.data(JOB, {"id": job["id"]})["importJob"]["status"] == "FAILED"
    merge = [{"sheet": "Partner", "row": 6, "decision": "MERGE", "intoActor": waiting[0]["candidates"][0]["actorId"]}]
    assert gql.data(APPLY, {"id": job["id"], "decisions": merge})["applyImport"]["errors"] == []
    done = {"import": finished(gql, job["id"])}
    assert done["import"]["status"] == "APPLIED"
    assert done["import"]["result"]["actorsCreated"] == 4
    assert count(reference, ACTORS) == before + 4
    assert count(reference, "MATCH (:Actor {id: 'hang1'})-[c:COOPERATES_WITH]-() RETURN count(c)") == 2


def test_bad_input_gets_a_typed_error_and_writes_nothing(
    reference: neo4j.Driver, neo4j_settings: Neo4jSettings, client: TestClient, admin_token: str
) -> None:
    before = count(reference, ACTORS)
    garbage = upload(client, b"\x00\x01 not a spreadsheet", "liste.xlsx", admin_token)["data"]["createImport"]
    assert garbage["import"] is None and garbage["errors"][0]["code"] == "VALIDATION"
    gql = GraphQLClient(client)
    as_json = gql(CREATE, {"file": "not a file"})
    assert as_json["data"]["createImport"]["errors"][0]["code"] == "VALIDATION"
    unknown = gql.data(APPLY, {"id": "no-such-import"})["applyImport"]
    assert unknown["import"] is None and unknown["errors"][0]["code"] == "VALIDATION"
    assert count(reference, ACTORS) == before


def test_who_may_import(reference: neo4j.Driver, neo4j_settings: Neo4jSettings, client: TestClient) -> None:
    researcher = issue_token(neo4j_settings, "researcher", name="r")
    refused = upload(client, EXAMPLE.read_bytes(), EXAMPLE.name, researcher)["data"]["createImport"]
    assert refused["errors"][0]["code"] == "FORBIDDEN"
    manager = issue_token(neo4j_settings, "manager", ["rollberg"], name="m")
    other = issue_token(neo4j_settings, "manager", ["rollberg"], name="m2")
    job = upload(client, EXAMPLE.read_bytes(), EXAMPLE.name, manager)["data"]["createImport"]["import"]
    assert GraphQLClient(client, other).data(JOB, {"id": job["id"]})["importJob"] is None  # not theirs
    as_manager = GraphQLClient(client, manager)
    started = as_manager.data(
        APPLY, {"id": job["id"], "decisions": [{"sheet": "Partner", "row": 10, "decision": "SKIP"}]}
    )["applyImport"]
    assert started["errors"] == []
    assert finished(as_manager, job["id"])["result"]["actorsCreated"] == 4

    # Refused by the rules once checked against the database: the job says why, nothing is written.
    job = upload(client, EXAMPLE.read_bytes(), EXAMPLE.name, other)["data"]["createImport"]["import"]
    as_other = GraphQLClient(client, other)
    assert as_other.data(APPLY, {"id": job["id"]})["applyImport"]["errors"] == []
    refused = finished(as_other, job["id"])
    assert refused["status"] == "FAILED" and refused["stopped"] is None
    assert [(e["code"], e["path"]) for e in refused["errors"]] == [("FORBIDDEN", ["rows", "Partner!10"])]
