"""The import's refusals and its `stopped` text in the request's language (German or English),
over HTTP against the real Neo4j."""

from __future__ import annotations

import json
from typing import Any

import neo4j
import pytest
from starlette.testclient import TestClient

from graph import imports as graph_imports
from resolvers import imports
from tests.test_imports import EXAMPLE
from tests.test_imports_api import CREATE, POLL

APPLY = "mutation($id: ID!) { applyImport(id: $id) { errors { code message } } }"


def _post(client: TestClient, token: str, language: str, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    response = client.post(
        "/graphql",
        json={"query": query, "variables": variables},
        headers={"Authorization": f"Bearer {token}", "Accept-Language": language},
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _upload(client: TestClient, token: str, language: str, content: bytes, name: str) -> dict[str, Any]:
    operations = {"query": CREATE, "variables": {"file": None, "quarter": "rollberg"}}
    response = client.post(
        "/graphql",
        data={"operations": json.dumps(operations), "map": json.dumps({"0": ["variables.file"]})},
        files={"0": (name, content, "application/octet-stream")},
        headers={"Authorization": f"Bearer {token}", "Accept-Language": language},
    )
    assert response.status_code == 200, response.text
    payload: dict[str, Any] = response.json()["data"]["createImport"]
    return payload


def test_file_errors_and_unknown_imports_are_refused_in_german_and_english(
    clean_db: neo4j.Driver, client: TestClient, admin_token: str
) -> None:
    de = _upload(client, admin_token, "de", b"%PDF-1.4", "Partnerliste.pdf")["errors"]
    en = _upload(client, admin_token, "en", b"%PDF-1.4", "Partnerliste.pdf")["errors"]
    assert de[0]["message"].startswith("Dateiformat „.pdf“ wird nicht unterstützt"), de
    assert en[0]["message"].startswith("File format '.pdf' is not supported"), en

    variables = {"file": "not a file", "quarter": None}
    de = _post(client, admin_token, "de", CREATE, variables)["data"]["createImport"]["errors"]
    en = _post(client, admin_token, "en", CREATE, variables)["data"]["createImport"]["errors"]
    assert de[0]["message"].startswith("„file“ muss eine Datei sein"), de
    assert en[0]["message"].startswith("`file` must be a file sent as a multipart request"), en

    de = _post(client, admin_token, "de", APPLY, {"id": "gibt-es-nicht"})["data"]["applyImport"]["errors"]
    assert de[0]["message"].startswith("Kein Import mit der ID 'gibt-es-nicht'"), de


def test_a_stopped_apply_says_so_in_the_request_language(
    reference: neo4j.Driver, client: TestClient, admin_token: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def failing(*args: Any) -> None:
        raise RuntimeError("Neo4j went away")

    monkeypatch.setattr(graph_imports, "BATCH", 2)  # in batches: a failure while writing stops the job
    monkeypatch.setattr(imports, "_cooperation_batch", failing)
    job = _upload(client, admin_token, "de", EXAMPLE.read_bytes(), EXAMPLE.name)["import"]
    assert _post(client, admin_token, "de", APPLY, {"id": job["id"]})["data"]["applyImport"]["errors"] == []
    for _ in range(6000):  # until the job has finished (a generous bound; each poll is a request)
        polled = _post(client, admin_token, "de", POLL, {"id": job["id"]})["data"]["importJob"]
        if polled["status"] != "APPLYING":
            break
    assert polled["status"] == "FAILED", polled
    assert (polled["stopped"] or "").startswith("Das Schreiben wurde vor dem Ende abgebrochen (RuntimeError)"), polled[
        "errors"
    ]
    english = _post(client, admin_token, "en", POLL, {"id": job["id"]})["data"]["importJob"]["stopped"]
    assert english.startswith("the apply stopped before it finished (RuntimeError)"), english
