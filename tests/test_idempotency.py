"""Idempotency keys over HTTP: a mutation sent again with its `clientMutationId` is applied once and
answered with the first result; the same key with another input is refused; keys are per token
and expire. (What happens when Neo4j stops answering mid-commit is in test_fault.py.)"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx2 as httpx
import neo4j
import pytest
from starlette.testclient import TestClient

from graph import idempotency
from graph.db import Neo4jSettings
from kiezgraph.app import create_app
from tests import factories
from tests.conftest import TEST_OPTIONS, GraphQLClient, count, issue_token, run_async
from tests.test_mutations import snapshot
from tests.test_request_limits import wait_for

ERRORS = "errors { __typename code message path }"
CREATE = f"""mutation($i: CreateActorInput!) {{ createActor(input: $i) {{ clientMutationId actor {{ id name version }}
    {ERRORS} }} }}"""
UPDATE = f"""mutation($i: UpdateActorInput!) {{ updateActor(input: $i) {{ clientMutationId actor {{ id description
    version }} {ERRORS} }} }}"""
ARCHIVE = f"""mutation($i: ActorStateInput!) {{ archiveActor(input: $i) {{ actor {{ id }} {ERRORS} }} }}"""
KEY = "4a0e2a8e-5f0c-4f43-9d55-2f1b5f3b8c01"


def create(gql: GraphQLClient, name: str, key: str | None = KEY, **fields: Any) -> dict[str, Any]:
    payload: dict[str, Any] = gql.data(
        CREATE, {"i": {"type": "INITIATIVE", "name": name, "clientMutationId": key, **fields}}
    )["createActor"]
    return payload


def actors_named(driver: neo4j.Driver, name: str) -> int:
    return count(driver, "MATCH (a:Actor {name: $name}) RETURN count(a)", name=name)


def changes(driver: neo4j.Driver, operation: str) -> int:
    return count(driver, "MATCH (c:Change {operation: $op}) RETURN count(c)", op=operation)


def test_a_create_sent_again_with_its_key_is_applied_once(reference: neo4j.Driver, gql: GraphQLClient) -> None:
    first = create(gql, "Kiezküche Rollberg")
    again = create(gql, "Kiezküche Rollberg")
    assert first["errors"] == [] and again["errors"] == []
    assert again["actor"] == first["actor"]
    assert first["clientMutationId"] == again["clientMutationId"] == KEY
    assert actors_named(reference, "Kiezküche Rollberg") == 1
    assert changes(reference, "create") == 1  # one audit record: the second call wrote nothing
    assert count(reference, "MATCH (k:IdempotencyKey) RETURN count(k)") == 1


def test_without_a_key_nothing_is_remembered(reference: neo4j.Driver, gql: GraphQLClient) -> None:
    payload = create(gql, "Kiezküche Rollberg", key=None)
    assert payload["errors"] == [] and payload["clientMutationId"] is None
    assert count(reference, "MATCH (k:IdempotencyKey) RETURN count(k)") == 0


def test_a_retried_update_returns_its_first_result_not_a_stale_version(
    reference: neo4j.Driver, gql: GraphQLClient
) -> None:
    actor = factories.actor(gql, "Kiezküche Rollberg")
    change = {"id": actor["id"], "version": actor["version"], "description": "kocht", "clientMutationId": KEY}
    first = gql.data(UPDATE, {"i": change})["updateActor"]
    again = gql.data(UPDATE, {"i": change})["updateActor"]  # its version is stale now: the key answers
    assert first["errors"] == [] and again["errors"] == []
    assert again["actor"] == first["actor"] == {"id": actor["id"], "description": "kocht", "version": 2}
    assert changes(reference, "update") == 1


@pytest.mark.parametrize("other", ["another input", "another mutation"])
def test_the_same_key_for_something_else_is_refused(reference: neo4j.Driver, gql: GraphQLClient, other: str) -> None:
    first = create(gql, "Kiezküche Rollberg")
    before = snapshot(reference)
    if other == "another input":
        payload = create(gql, "Nachbarschaftsgarten")
    else:
        payload = gql.data(ARCHIVE, {"i": {"id": first["actor"]["id"], "clientMutationId": KEY}})["archiveActor"]
    assert payload["actor"] is None
    assert [(e["__typename"], e["code"], e["path"]) for e in payload["errors"]] == [
        ("IdempotencyKeyReusedError", "IDEMPOTENCY_KEY_REUSED", ["input", "clientMutationId"])
    ]
    assert snapshot(reference) == before


def test_keys_belong_to_their_token(reference: neo4j.Driver, gql: GraphQLClient, neo4j_settings: Neo4jSettings) -> None:
    other = gql.as_(issue_token(neo4j_settings, "admin", name="another admin"))
    mine = create(gql, "Kiezküche Rollberg", allowDuplicateName=True)
    theirs = create(other, "Kiezküche Rollberg", allowDuplicateName=True)
    assert mine["errors"] == [] and theirs["errors"] == []
    assert mine["actor"]["id"] != theirs["actor"]["id"]
    assert actors_named(reference, "Kiezküche Rollberg") == 2


def test_a_refused_mutation_keeps_no_key(reference: neo4j.Driver, gql: GraphQLClient) -> None:
    factories.actor(gql, "Kiezküche Rollberg")
    refused = create(gql, "KIEZKÜCHE ROLLBERG")
    assert [e["code"] for e in refused["errors"]] == ["DUPLICATE_ACTOR"]
    assert count(reference, "MATCH (k:IdempotencyKey) RETURN count(k)") == 0
    # The key is still free: the corrected call (another input) is applied under it.
    accepted = create(gql, "KIEZKÜCHE ROLLBERG", allowDuplicateName=True)
    assert accepted["errors"] == [] and accepted["actor"]["name"] == "KIEZKÜCHE ROLLBERG"


@pytest.mark.parametrize("key", ["", "x" * 129, "tab\tin the key"])
def test_unusable_keys_are_refused(reference: neo4j.Driver, gql: GraphQLClient, key: str) -> None:
    before = snapshot(reference)
    payload = create(gql, "Kiezküche Rollberg", key=key)
    assert [(e["code"], e["path"]) for e in payload["errors"]] == [("VALIDATION", ["input", "clientMutationId"])]
    assert snapshot(reference) == before


def test_every_mutation_answers_a_retry_from_its_key(reference: neo4j.Driver, gql: GraphQLClient) -> None:
    a = factories.actor(gql, "Kiezküche Rollberg", quarters=[{"quarter": "rollberg"}])
    b = factories.actor(gql, "Elternverein Süd", quarters=[{"quarter": "rollberg"}])
    duplicate = factories.actor(gql, "Kiezkueche am Rollberg", quarters=[{"quarter": "rollberg"}])
    calls: list[tuple[str, str, dict[str, Any], str]] = [
        (
            "addCooperation",
            "AddCooperationInput",
            {"actorIds": [a["id"], b["id"]], "kind": "PROJECT_PARTNERSHIP"},
            "cooperation { id kind }",
        ),
        ("addContactPerson", "AddContactPersonInput", {"actorId": a["id"], "name": "Ada Muster"}, "person { id name }"),
        (
            "mergeActors",
            "MergeActorsInput",
            {"survivorId": a["id"], "duplicateIds": [duplicate["id"]]},
            "actor { id alternativeNames } merged { movedCooperations combinedCooperations droppedCooperations }",
        ),
    ]
    answers = {}
    for number, (field, input_type, fields, selection) in enumerate(calls):
        query = f"mutation($i: {input_type}!) {{ {field}(input: $i) {{ clientMutationId {selection} {ERRORS} }} }}"
        variables = {"i": {**fields, "clientMutationId": f"key-{number}"}}
        first = gql.data(query, variables)[field]
        assert first["errors"] == [], first
        before = snapshot(reference)
        assert gql.data(query, variables)[field] == first, field
        assert snapshot(reference) == before, field
        answers[field] = first
    cooperation = answers["addCooperation"]["cooperation"]["id"]
    person = answers["addContactPerson"]["person"]["id"]
    assert count(reference, "MATCH ()-[c:COOPERATES_WITH]->() RETURN count(c)") == 1
    assert count(reference, "MATCH (p:Person) RETURN count(p)") == 1

    # Deletions: the retry reports success; what was deleted is not kept for it (personal data).
    for field, input_type, selection, target in [
        ("deleteCooperation", "DeleteCooperationInput", "cooperation { id }", cooperation),
        ("removeContactPerson", "PersonInput", "person { id }", person),
    ]:
        query = f"mutation($i: {input_type}!) {{ {field}(input: $i) {{ {selection} {ERRORS} }} }}"
        variables = {"i": {"id": target, "clientMutationId": f"delete-{target}"}}
        first = gql.data(query, variables)[field]
        again = gql.data(query, variables)[field]
        assert first["errors"] == [] and again["errors"] == [] and again[selection.split()[0]] is None, (first, again)
        assert changes(reference, "delete") == (1 if field == "deleteCooperation" else 2)


def test_concurrent_requests_with_one_key_write_once(
    reference: neo4j.Driver, neo4j_settings: Neo4jSettings, admin_token: str
) -> None:
    async def main() -> list[dict[str, Any]]:
        app = create_app(neo4j_settings, TEST_OPTIONS)
        transport = httpx.ASGITransport(app=app)
        headers = {"Authorization": f"Bearer {admin_token}"}
        async with httpx.AsyncClient(transport=transport, base_url="http://test", headers=headers) as http:
            body = {
                "query": CREATE,
                "variables": {"i": {"type": "INITIATIVE", "name": "Kiezküche Rollberg", "clientMutationId": KEY}},
            }
            responses = await asyncio.gather(*(http.post("/graphql", json=body) for _ in range(5)))
        await app.state.db.close()
        return [r.json()["data"]["createActor"] for r in responses]

    answers = asyncio.run(main())
    assert all(a["errors"] == [] for a in answers), answers
    assert len({a["actor"]["id"] for a in answers}) == 1
    assert actors_named(reference, "Kiezküche Rollberg") == 1


def test_keys_expire_and_are_swept_by_their_age(
    reference: neo4j.Driver, gql: GraphQLClient, neo4j_settings: Neo4jSettings
) -> None:
    first = create(gql, "Kiezküche Rollberg", allowDuplicateName=True)
    hours = idempotency.LIFETIME_HOURS
    reference.execute_query(
        "MATCH (k:IdempotencyKey) SET k.createdAt = datetime() - duration({hours: $h})", h=hours + 1
    )
    # An expired key counts as unused: the same call is applied again.
    again = create(gql, "Kiezküche Rollberg", allowDuplicateName=True)
    assert again["errors"] == [] and again["actor"]["id"] != first["actor"]["id"]
    create(gql, "Nachbarschaftsgarten", key="another key")
    reference.execute_query(
        "MATCH (k:IdempotencyKey {id: $id}) SET k.createdAt = datetime() - duration({hours: $h})",
        id=idempotency.key_id("token:" + _token_id(reference, "test admin"), "another key"),
        h=hours + 1,
    )
    assert run_async(neo4j_settings, idempotency.sweep) == 1
    assert count(reference, "MATCH (k:IdempotencyKey) RETURN count(k)") == 1  # the renewed one stays


def test_a_write_sweeps_expired_keys(reference: neo4j.Driver, neo4j_settings: Neo4jSettings, admin_token: str) -> None:
    reference.execute_query(
        "CREATE (:IdempotencyKey {id: 'expired', createdAt: datetime() - duration({hours: $h})})",
        h=idempotency.LIFETIME_HOURS + 1,
    )
    with TestClient(create_app(neo4j_settings, TEST_OPTIONS)) as client:  # a new process: its sweep is due
        answer = client.post(
            "/graphql",
            json={"query": CREATE, "variables": {"i": {"type": "INITIATIVE", "name": "Kiezküche Rollberg"}}},
            headers={"Authorization": f"Bearer {admin_token}"},
        ).json()
        assert answer["data"]["createActor"]["errors"] == [], answer
        wait_for(
            lambda: count(reference, "MATCH (k:IdempotencyKey {id: 'expired'}) RETURN count(k)") == 0,
            "the expired key swept by the write",
        )


def test_the_sweep_seeks_expired_keys_by_index(migrated: None, driver: neo4j.Driver) -> None:
    _, summary, _ = driver.execute_query(
        "EXPLAIN " + idempotency.SWEEP, hours=idempotency.LIFETIME_HOURS, batch=idempotency.SWEEP_BATCH
    )
    assert summary.plan is not None
    assert "NodeIndexSeekByRange" in _operators(summary.plan), summary.plan


def _operators(plan: dict[str, Any]) -> set[str]:
    found = {str(plan["operatorType"]).split("@")[0]}
    for child in plan.get("children", []):
        found |= _operators(child)
    return found


def _token_id(driver: neo4j.Driver, name: str) -> str:
    records, _, _ = driver.execute_query("MATCH (t:ApiToken {name: $name}) RETURN t.id AS id", name=name)
    return str(records[0]["id"])
