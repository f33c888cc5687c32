"""The change feed over HTTP: one revision per commit, whole commits per page, tombstones, and
what a change shows following the reader's rights (erased data stays erased)."""

from __future__ import annotations

import json
from typing import Any

import neo4j
import pytest

from graph.db import Neo4jSettings
from tests import factories
from tests.conftest import GraphQLClient, issue_token

FEED = """
query($after: Revision, $quarter: String, $entity: [ChangeEntity!], $first: Int) {
  changes(after: $after, quarter: $quarter, entity: $entity, first: $first) {
    next hasMore revision
    events { revision entity entityId operation fields quarters tombstone { reason mergedInto }
             actor { id name archived contactPersons { name email } }
             cooperation { id until } contactPerson { name email } }
  }
}
"""
UPDATE = "mutation($i: UpdateActorInput!) { updateActor(input: $i) { actor { version } errors { code } } }"
ARCHIVE = "mutation($i: ActorStateInput!) { archiveActor(input: $i) { errors { code } } }"
END = "mutation($i: EndCooperationInput!) { endCooperation(input: $i) { errors { code } } }"
DELETE = "mutation($i: DeleteCooperationInput!) { deleteCooperation(input: $i) { errors { code } } }"
MERGE = "mutation($i: MergeActorsInput!) { mergeActors(input: $i) { errors { code } } }"
ADD_PERSON = "mutation($i: AddContactPersonInput!) { addContactPerson(input: $i) { person { id } errors { code } } }"
ERASE = "mutation($i: PersonInput!) { erasePerson(input: $i) { errors { code } } }"
NETWORK_REVISION = '{ quarterNetwork(slug: "rollberg") { revision nodeCount } }'


def feed(gql: GraphQLClient, **variables: Any) -> dict[str, Any]:
    result: dict[str, Any] = gql.data(FEED, variables)["changes"]
    return result


def everything(gql: GraphQLClient, after: int = 0, first: int = 2, **variables: Any) -> list[dict[str, Any]]:
    """All events after ``after``, page by page."""
    events: list[dict[str, Any]] = []
    while True:
        page = feed(gql, after=after, first=first, **variables)
        events += page["events"]
        assert page["next"] >= after
        after = page["next"]
        if not page["hasMore"]:
            return events


@pytest.fixture
def start(reference: neo4j.Driver, gql: GraphQLClient) -> int:
    """The revision before the test's own writes."""
    return int(feed(gql)["revision"])


def test_each_commit_has_the_next_revision_and_pages_hold_whole_commits(start: int, gql: GraphQLClient) -> None:
    a = factories.actor(gql, "Nachbarschaftsgarten", quarters=[{"quarter": "rollberg"}])
    b = factories.actor(gql, "Leseclub Rollberg", quarters=[{"quarter": "rollberg"}])
    dupe = factories.actor(gql, "Leseclub Rollberg eV", allowDuplicateName=True, quarters=[{"quarter": "rollberg"}])
    tie = factories.cooperation(gql, a["id"], b["id"], since="2024-01-01")
    assert (
        gql.data(UPDATE, {"i": {"id": a["id"], "version": a["version"], "description": "Gärtnern"}})["updateActor"][
            "errors"
        ]
        == []
    )
    assert gql.data(MERGE, {"i": {"survivorId": b["id"], "duplicateIds": [dupe["id"]]}})["mergeActors"]["errors"] == []
    assert gql.data(END, {"i": {"id": tie["id"], "until": "2024-12-31"}})["endCooperation"]["errors"] == []
    assert gql.data(ARCHIVE, {"i": {"id": a["id"]}})["archiveActor"]["errors"] == []
    assert gql.data(DELETE, {"i": {"id": tie["id"]}})["deleteCooperation"]["errors"] == []
    # A refused mutation commits nothing and takes no revision.
    refused = gql.data(UPDATE, {"i": {"id": a["id"], "version": 1, "description": "x"}})["updateActor"]
    assert refused["errors"] == [{"code": "STALE_VERSION"}]

    events = everything(gql, after=start)
    revisions = sorted({e["revision"] for e in events})
    assert revisions == list(range(start + 1, start + 10)), "nine commits, nine consecutive revisions"
    assert [e["revision"] for e in events] == sorted(e["revision"] for e in events)
    ops = [(e["entity"], e["operation"]) for e in events]
    assert ops[:4] == [("ACTOR", "CREATE")] * 3 + [("COOPERATION", "CREATE")]
    merge = [e for e in events if e["revision"] == start + 6]
    assert {(e["entity"], e["operation"]) for e in merge} == {("ACTOR", "MERGE"), ("ACTOR", "MERGED_AWAY")}
    merged_away = next(e for e in merge if e["operation"] == "MERGED_AWAY")
    assert merged_away["entityId"] == dupe["id"]
    assert merged_away["tombstone"] == {"reason": "MERGED", "mergedInto": b["id"]}
    assert merged_away["actor"] is None
    archived = next(e for e in events if e["operation"] == "ARCHIVE")
    assert archived["tombstone"] == {"reason": "ARCHIVED", "mergedInto": None}
    deleted = events[-1]
    assert (deleted["operation"], deleted["tombstone"]["reason"], deleted["cooperation"]) == ("DELETE", "DELETED", None)
    update = next(e for e in events if e["operation"] == "UPDATE")
    assert update["fields"] == ["description"]
    assert update["actor"]["name"] == "Nachbarschaftsgarten"
    assert all(e["quarters"] == ["rollberg"] for e in events)

    # Paged one commit at a time, the merge's two records still come together, and nothing twice.
    one_by_one = everything(gql, after=start, first=1)
    assert [(e["revision"], e["entityId"], e["operation"]) for e in one_by_one] == [
        (e["revision"], e["entityId"], e["operation"]) for e in events
    ]
    # The end of the feed says where to wait.
    last = feed(gql, after=start + 9)
    assert (last["events"], last["next"], last["hasMore"]) == ([], start + 9, False)


def test_the_quarter_and_entity_filters(start: int, gql: GraphQLClient) -> None:
    rollberg = factories.actor(gql, "Kiezküche", quarters=[{"quarter": "rollberg"}])
    other = factories.actor(gql, "Flughafen-Chor", quarters=[{"quarter": "flughafenstrasse"}])
    tie = factories.cooperation(gql, rollberg["id"], other["id"])
    in_rollberg = everything(gql, after=start, quarter="rollberg")
    assert [e["entityId"] for e in in_rollberg] == [rollberg["id"], tie["id"]]
    assert sorted(in_rollberg[1]["quarters"]) == ["flughafenstrasse", "rollberg"]
    only_ties = everything(gql, after=start, entity=["COOPERATION"])
    assert [e["entityId"] for e in only_ties] == [tie["id"]]
    # A quarter that does not exist is a clear error, not an empty feed.
    body = gql(FEED, {"quarter": "atlantis"})
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


def test_what_a_change_shows_follows_the_readers_rights(
    start: int, gql: GraphQLClient, neo4j_settings: Neo4jSettings
) -> None:
    kita = factories.actor(gql, "Kita Regenbogen", quarters=[{"quarter": "rollberg"}])
    added = gql.data(ADD_PERSON, {"i": {"actorId": kita["id"], "name": "Zelda Quartiersfrau", "email": "z@k.de"}})
    person = added["addContactPerson"]["person"]["id"]
    public = everything(gql.as_(None), after=start)
    assert {e["entity"] for e in public} == {"ACTOR"}, "the public never sees contact persons' changes"
    assert all(e["actor"]["contactPersons"] is None for e in public)
    researcher = everything(gql.as_(issue_token(neo4j_settings, "researcher")), after=start)
    assert {e["entity"] for e in researcher} == {"ACTOR"}
    outsider = everything(gql.as_(issue_token(neo4j_settings, "manager", ["flughafenstrasse"])), after=start)
    assert {e["entity"] for e in outsider} == {"ACTOR"}, "a manager of another quarter does not see them either"
    own = everything(gql.as_(issue_token(neo4j_settings, "manager", ["rollberg"])), after=start)
    assert [e["contactPerson"] for e in own if e["entity"] == "CONTACT_PERSON"] == [
        {"name": "Zelda Quartiersfrau", "email": "z@k.de"}
    ]

    assert gql.data(ERASE, {"i": {"id": person}})["erasePerson"]["errors"] == []
    after_erasure = everything(gql, after=start)
    text = json.dumps(after_erasure)
    assert "Zelda" not in text and "z@k.de" not in text, "erased data stays erased in the feed"
    erased = [e for e in after_erasure if e["entityId"] == person]
    assert [(e["operation"], e["contactPerson"]) for e in erased] == [("CREATE", None), ("ERASE", None)]
    assert erased[-1]["tombstone"]["reason"] == "ERASED"


def test_networks_carry_the_revision_they_reflect(start: int, gql: GraphQLClient) -> None:
    before = gql.data(NETWORK_REVISION)["quarterNetwork"]
    assert before["revision"] == start
    factories.actor(gql, "Neu im Kiez", quarters=[{"quarter": "rollberg"}])
    after = gql.data(NETWORK_REVISION)["quarterNetwork"]
    assert (after["revision"], after["nodeCount"]) == (start + 1, before["nodeCount"] + 1)


def test_bad_arguments_are_refused(reference: neo4j.Driver, gql: GraphQLClient) -> None:
    for variables in ({"first": 0}, {"first": 201}, {"after": -1}):
        body = gql(FEED, variables)
        assert body["errors"][0]["extensions"]["code"] in ("BAD_USER_INPUT", "GRAPHQL_VALIDATION_FAILED"), variables
