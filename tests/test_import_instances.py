"""An import job's status from any instance: two apps on one Neo4j stand for two instances; the one
that holds the upload applies it, the other answers `importJob` from the status saved in Neo4j."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import neo4j
import pytest
from starlette.testclient import TestClient

from graph import imports as graph_imports
from graph.db import Neo4jSettings
from kiezgraph.app import create_app
from resolvers import imports
from tests.conftest import TEST_OPTIONS, issue_token
from tests.test_imports import EXAMPLE
from tests.test_imports_api import POLL, upload

APPLY = "mutation($id: ID!) { applyImport(id: $id) { errors { code message } } }"
STATUS = (
    "query($id: ID!) { importJob(id: $id) { status fileName summary { name count } stopped "
    "progress { stage rowsDone rowsTotal } result { actorsCreated cooperationsCreated contactPersonsCreated } "
    "errors { code message } } }"
)


def _job(client: TestClient, token: str, query: str, job_id: str, language: str = "en") -> Any:
    body = client.post(
        "/graphql",
        json={"query": query, "variables": {"id": job_id}},
        headers={"Authorization": f"Bearer {token}", "Accept-Language": language},
    ).json()
    assert "errors" not in body, body
    return body["data"]["importJob"]


def _until(client: TestClient, token: str, job_id: str, done: Any, bound: int = 20_000) -> Any:
    """Poll ``importJob`` until ``done(job)`` holds (each poll a request; the bound is generous)."""
    for _ in range(bound):
        job = _job(client, token, STATUS, job_id)
        if job is not None and done(job):
            return job
    raise AssertionError(f"importJob {job_id} never reached the state asked for: {job}")


def test_the_status_of_an_import_is_read_on_another_instance_batch_by_batch(
    reference: neo4j.Driver, neo4j_settings: Neo4jSettings, admin_token: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(graph_imports, "BATCH", 2)  # 5 actors, 3 cooperations: batches of two rows
    release = threading.Event()  # set by the test once it has seen the first batch from the other instance
    real = imports._actor_batch
    calls = 0

    async def second_waits(*args: Any) -> None:
        nonlocal calls
        calls += 1
        if calls == 2:
            assert await asyncio.to_thread(release.wait, 120)
        await real(*args)

    monkeypatch.setattr(imports, "_actor_batch", second_waits)
    with (
        TestClient(create_app(neo4j_settings, TEST_OPTIONS)) as one,
        TestClient(create_app(neo4j_settings, TEST_OPTIONS)) as other,
    ):
        job_id = upload(one, EXAMPLE.read_bytes(), EXAMPLE.name, admin_token)["data"]["createImport"]["import"]["id"]
        planned = _job(other, admin_token, STATUS, job_id)
        assert planned["status"] == "PLANNED" and planned["fileName"] == EXAMPLE.name
        assert {"name": "actors.new", "count": 5} in planned["summary"]

        started = one.post(
            "/graphql",
            json={"query": APPLY, "variables": {"id": job_id}},
            headers={"Authorization": f"Bearer {admin_token}"},
        ).json()
        assert started["data"]["applyImport"]["errors"] == []
        # The first batch is written and saved; the second waits: the other instance sees it half way.
        midway = _until(other, admin_token, job_id, lambda j: j["progress"]["rowsDone"] >= 2)
        assert midway["status"] == "APPLYING" and midway["result"] is None
        assert midway["progress"] == {"stage": "actors", "rowsDone": 2, "rowsTotal": 8}
        release.set()

        done = _until(other, admin_token, job_id, lambda j: j["status"] != "APPLYING")
        assert done["status"] == "APPLIED", done
        assert done["progress"]["rowsDone"] == done["progress"]["rowsTotal"] == 8
        assert done["result"] == {"actorsCreated": 5, "cooperationsCreated": 3, "contactPersonsCreated": 3}
        assert _job(one, admin_token, POLL, job_id)["status"] == "APPLIED"

        # Only for the token that started it, as on the instance that holds it.
        manager = issue_token(neo4j_settings, "manager", ["rollberg"], name="another")
        assert _job(other, manager, STATUS, job_id) is None


def test_a_stopped_apply_is_read_on_another_instance_in_both_languages(
    reference: neo4j.Driver, neo4j_settings: Neo4jSettings, admin_token: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(graph_imports, "BATCH", 2)

    async def failing(*args: Any) -> None:
        raise RuntimeError("Neo4j went away")

    monkeypatch.setattr(imports, "_cooperation_batch", failing)
    with (
        TestClient(create_app(neo4j_settings, TEST_OPTIONS)) as one,
        TestClient(create_app(neo4j_settings, TEST_OPTIONS)) as other,
    ):
        job_id = upload(one, EXAMPLE.read_bytes(), EXAMPLE.name, admin_token)["data"]["createImport"]["import"]["id"]
        one.post(
            "/graphql",
            json={"query": APPLY, "variables": {"id": job_id}},
            headers={"Authorization": f"Bearer {admin_token}"},
        )
        stopped = _until(other, admin_token, job_id, lambda j: j["status"] != "APPLYING")
        assert stopped["status"] == "FAILED"
        assert stopped["stopped"].startswith("the apply stopped before it finished (RuntimeError)")
        german = _job(other, admin_token, STATUS, job_id, "de")["stopped"]
        assert german.startswith("Das Schreiben wurde vor dem Ende abgebrochen (RuntimeError)")


def test_an_apply_whose_instance_went_silent_is_reported_stopped(
    reference: neo4j.Driver, neo4j_settings: Neo4jSettings, admin_token: str
) -> None:
    with TestClient(create_app(neo4j_settings, TEST_OPTIONS)) as one:
        job_id = upload(one, EXAMPLE.read_bytes(), EXAMPLE.name, admin_token)["data"]["createImport"]["import"]["id"]
    # As if an instance had started the apply and then died: its last saved status, long ago.
    reference.execute_query(
        "MATCH (j:ImportJobStatus {id: $id}) SET j.status = 'applying', j.updatedAt = datetime() - duration('PT11M')",
        id=job_id,
    )
    with TestClient(create_app(neo4j_settings, TEST_OPTIONS)) as other:
        job = _job(other, admin_token, STATUS, job_id, "de")
    assert job["status"] == "FAILED"
    assert job["stopped"].startswith("Das Schreiben wurde vor dem Ende abgebrochen (die ausführende Instanz hat")
