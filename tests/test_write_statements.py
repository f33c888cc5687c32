"""createActor and addCooperation write, audit and version in one statement each, and decide their
checks from what that statement read: a refusal (placement, duplicate name, access, duplicate
cooperation) leaves nothing behind — no actor or tie, no audit record, no revision, no feed event —
and an accepted write's audit record holds what was written."""

from __future__ import annotations

import base64
import json
from typing import Any

import neo4j
import pytest

from graph import actors, cooperations
from graph.db import Database, Neo4jSettings
from tests import factories
from tests.conftest import GraphQLClient, issue_token, run_async
from tests.test_mutations import snapshot

CREATE = """mutation($i: CreateActorInput!) { createActor(input: $i) {
  actor { id name } errors { __typename code message ... on DuplicateActorError { existing { name } } } } }"""
ADD = """mutation($i: AddCooperationInput!) { addCooperation(input: $i) {
  cooperation { id kind actors { id } } errors { __typename code message } } }"""
FEED = "query($after: Revision) { changes(after: $after) { revision events { entity operation } } }"


def _revision(gql: GraphQLClient) -> int:
    return int(gql.data(FEED)["changes"]["revision"])


def _local(global_id: str) -> str:
    return base64.b64decode(global_id).decode().split(":", 1)[1]


def _record_after(driver: neo4j.Driver, entity_id: str) -> dict[str, Any]:
    records, _, _ = driver.execute_query(
        "MATCH (c:Change {entityId: $id}) WHERE c.at IS NOT NULL AND c.operation = 'create' "
        "RETURN c.after AS after, c.fields AS fields, c.revision AS revision, c.quarters AS quarters",
        id=entity_id,
    )
    [row] = records
    return dict(row)


def test_the_audit_records_hold_what_was_written(
    reference: neo4j.Driver, neo4j_settings: Neo4jSettings, gql: GraphQLClient
) -> None:
    """The records are built before the write, from the input: they must equal the snapshots of
    what the write left (the way they were built when they were written after it)."""
    before = _revision(gql)
    made = gql.data(
        CREATE,
        {
            "i": {
                "type": "HOUSING_ASSOCIATION",
                "name": "  Wohnen am Hang eG ",
                "alternativeNames": ["WaH", "Wohnen am Hang eG", "WaH"],
                "description": "Genossenschaft",
                "website": " https://example.org ",
                "address": {"street": "Hangweg 1", "postalCode": "12043", "city": "Berlin"},
                "location": {"latitude": 52, "longitude": 13.43},
                "actionFields": ["oeffentlicher-raum", "bildung", "bildung"],
                "tags": [" grün "],
                "sources": ["Quartiersrat 2024"],
                "ownership": "COOPERATIVE",
                "synthetic": True,
                "quarters": [{"quarter": "rollberg", "role": "HOUSING_OWNER", "since": "2001-01-01", "flats": 120}],
            }
        },
    )["createActor"]
    assert made["errors"] == []
    partner = factories.actor(gql, "Elternverein Süd", quarters=[{"quarter": "rollberg"}])
    tied = gql.data(
        ADD,
        {
            "i": {
                "actorIds": [made["actor"]["id"], partner["id"]],
                "kind": "WORKING_GROUP",
                "actionFields": ["bildung", "bildung"],
                "since": "2024-09-01",
                "until": "2025-08-31",
                "intensity": 2,
                "description": "AG Bildung",
                "source": " Protokoll ",
            }
        },
    )["addCooperation"]
    assert tied["errors"] == []
    actor_id, cooperation_id = _local(made["actor"]["id"]), _local(tied["cooperation"]["id"])

    async def written(db: Database) -> tuple[dict[str, Any], dict[str, Any]]:
        actor = await actors.one(db, actor_id)
        cooperation = await cooperations.one(db, cooperation_id)
        assert actor is not None and cooperation is not None
        return actors.snapshot(actor), cooperation.snapshot()

    actor_now, cooperation_now = run_async(neo4j_settings, written)
    actor_record = _record_after(reference, actor_id)
    assert json.loads(actor_record["after"]) == {**actor_now, "quarters": ["rollberg"]}
    assert actor_record["fields"] == sorted({*actor_now, "quarters"})
    assert actor_record["quarters"] == ["rollberg"]
    cooperation_record = _record_after(reference, cooperation_id)
    assert json.loads(cooperation_record["after"]) == cooperation_now
    assert cooperation_record["quarters"] == ["rollberg"]
    # three commits (the partner between), each its own revision, in order
    assert [actor_record["revision"], cooperation_record["revision"]] == [before + 1, before + 3]
    assert _revision(gql) == before + 3


@pytest.fixture
def manager(reference: neo4j.Driver, neo4j_settings: Neo4jSettings, gql: GraphQLClient) -> GraphQLClient:
    """A manager of Rollberg and of Körnerpark, whose QM has ended."""
    reference.execute_query("MATCH (q:Quarter {slug: 'koernerpark'}) SET q.status = 'ended'")
    return gql.as_(issue_token(neo4j_settings, "manager", ["rollberg", "koernerpark"]))


@pytest.mark.parametrize(
    "quarters, reason",
    [
        ([{"quarter": "koernerpark"}], "has ended"),
        ([{"quarter": "rollberg"}, {"quarter": "flughafenstrasse"}], "own quarters"),
        ([{"quarter": "rollberg", "until": "2019-12-31"}], "current membership"),
        ([], "outside your quarters"),
    ],
)
def test_a_refused_placement_writes_nothing(
    reference: neo4j.Driver, gql: GraphQLClient, manager: GraphQLClient, quarters: list[dict[str, Any]], reason: str
) -> None:
    """The placement is decided from the quarter state the create statement read: the refusal
    rolls back the actor, its memberships, its audit record and the revision."""
    revision, before = _revision(gql), snapshot(reference)
    refused = manager.data(CREATE, {"i": {"type": "INITIATIVE", "name": "Ganz neuer Verein", "quarters": quarters}})
    [error] = refused["createActor"]["errors"]
    assert (error["__typename"], error["code"]) == ("ForbiddenError", "FORBIDDEN") and reason in error["message"]
    assert refused["createActor"]["actor"] is None
    assert snapshot(reference) == before
    assert _revision(gql) == revision and gql.data(FEED, {"after": revision})["changes"]["events"] == []


def test_placement_is_refused_before_a_duplicate_name(
    reference: neo4j.Driver, gql: GraphQLClient, manager: GraphQLClient
) -> None:
    """Both refusals come from the one statement; placement is still the first one named."""
    factories.actor(gql, "Elternverein Süd", quarters=[{"quarter": "rollberg"}])
    revision, before = _revision(gql), snapshot(reference)
    for who, code in ((manager, "FORBIDDEN"), (gql, "DUPLICATE_ACTOR")):
        payload = who.data(
            CREATE, {"i": {"type": "INITIATIVE", "name": "ELTERNVEREIN SÜD", "quarters": [{"quarter": "koernerpark"}]}}
        )["createActor"]
        assert [e["code"] for e in payload["errors"]] == [code]
    assert payload["errors"][0]["existing"] == [{"name": "Elternverein Süd"}]
    assert snapshot(reference) == before and _revision(gql) == revision


def test_a_manager_creates_in_an_own_open_quarter_with_one_record(
    reference: neo4j.Driver, gql: GraphQLClient, manager: GraphQLClient
) -> None:
    revision = _revision(gql)
    made = manager.data(
        CREATE, {"i": {"type": "INITIATIVE", "name": "Hofgarten", "quarters": [{"quarter": "rollberg"}]}}
    )
    assert made["createActor"]["errors"] == []
    events = gql.data(FEED, {"after": revision})["changes"]["events"]
    assert events == [{"entity": "ACTOR", "operation": "CREATE"}]
    assert _revision(gql) == revision + 1


def test_a_cooperation_refused_after_its_statement_wrote_leaves_nothing(
    reference: neo4j.Driver, gql: GraphQLClient, manager: GraphQLClient
) -> None:
    """The statement creates the cooperation before access is decided (from the ties it read):
    a refusal, a duplicate or an archived end roll back the tie, its audit record and revision."""
    outside = factories.actor(gql, "Kiezladen", quarters=[{"quarter": "flughafenstrasse"}])
    farther = factories.actor(gql, "Sportverein", quarters=[{"quarter": "flughafenstrasse"}])
    own = factories.actor(gql, "Nachbarschaftshaus", quarters=[{"quarter": "rollberg"}])
    first = factories.cooperation(gql, own["id"], outside["id"], "FUNDING", since="2020-01-01")
    archived = factories.actor(gql, "Altverein", quarters=[{"quarter": "rollberg"}])
    gql.data(
        "mutation($i: ActorStateInput!) { archiveActor(input: $i) { errors { code } } }", {"i": {"id": archived["id"]}}
    )
    revision, before = _revision(gql), snapshot(reference)
    cases = [
        (manager, [outside["id"], farther["id"]], "FUNDING", "FORBIDDEN"),  # neither end is the manager's
        (gql, [outside["id"], own["id"]], "FUNDING", "DUPLICATE_COOPERATION"),  # in the other direction
        (gql, [own["id"], archived["id"]], "FUNDING", "VALIDATION"),  # archived actors take none
        (gql, [own["id"], "QWN0b3I6bm9wZQ"], "FUNDING", "NOT_FOUND"),  # nothing created at all
    ]
    for who, ids, kind, code in cases:
        payload = who.data(ADD, {"i": {"actorIds": ids, "kind": kind, "since": "2023-01-01"}})["addCooperation"]
        assert [e["code"] for e in payload["errors"]] == [code], payload
        assert payload["cooperation"] is None
    assert snapshot(reference) == before
    assert _revision(gql) == revision and gql.data(FEED, {"after": revision})["changes"]["events"] == []
    # the same manager may add one to an own actor: one commit, one record
    added = manager.data(ADD, {"i": {"actorIds": [own["id"], farther["id"]], "kind": "FUNDING"}})["addCooperation"]
    assert added["errors"] == [] and {a["id"] for a in added["cooperation"]["actors"]} == {own["id"], farther["id"]}
    assert first["id"] != added["cooperation"]["id"]
    events = gql.data(FEED, {"after": revision})["changes"]["events"]
    assert events == [{"entity": "COOPERATION", "operation": "CREATE"}] and _revision(gql) == revision + 1
