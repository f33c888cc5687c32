"""Erasure (GDPR Art. 17) touches exactly the person's own audit records, by structure.

The world: two contact persons sharing a function ("Kita-Leitung"), one named "Ana" and one
"Anabel Schmidt" (the first name is a substring of the second), an actor whose name and
description mention them, a cooperation whose description does too. After an erasure, every
audit record that is not the erased person's own is compared, property by property, with what
Neo4j held before.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

import neo4j
import pytest

from graph import audit
from tests import factories
from tests.conftest import GraphQLClient
from tests.test_mutations import snapshot

ADD = "mutation($i: AddContactPersonInput!) { addContactPerson(input: $i) { person { id } errors { code } } }"
UPDATE = "mutation($i: UpdateContactPersonInput!) { updateContactPerson(input: $i) { errors { code } } }"
REMOVE = "mutation($i: PersonInput!) { removeContactPerson(input: $i) { errors { code } } }"
ERASE = (
    "mutation($i: PersonInput!) { erasePerson(input: $i) { erased { personId fields auditRecordsScrubbed } "
    "errors { __typename code } } }"
)
HISTORY = "query($id: ID!) { history(id: $id) { entity operation fields before after erased } }"
PERSONS = "query($id: ID!) { actor(id: $id) { contactPersons { name function email } } }"
NOT_FOUND = [{"__typename": "NotFoundError", "code": "NOT_FOUND"}]


@dataclass
class World:
    kita: str
    praxis: str
    ana: str
    anabel: str


def _local(global_id: str) -> str:
    padded = global_id + "=" * (-len(global_id) % 4)
    return base64.urlsafe_b64decode(padded).decode().partition(":")[2]


def _forge(type_name: str, local_id: str) -> str:
    return base64.urlsafe_b64encode(f"{type_name}:{local_id}".encode()).decode().rstrip("=")


def _person(gql: GraphQLClient, actor: str, **fields: str) -> str:
    payload = gql.data(ADD, {"i": {"actorId": actor, **fields}})["addContactPerson"]
    assert payload["errors"] == [], payload
    return str(payload["person"]["id"])


@pytest.fixture
def world(reference: neo4j.Driver, gql: GraphQLClient) -> World:
    kita = factories.actor(
        gql,
        "Kita Regenbogen",
        "INSTITUTION",
        quarters=[{"quarter": "rollberg"}],
        description="Die Kita-Leitung ist Ana; Vertretung Anabel Schmidt",
    )["id"]
    # An actor named after a person, its text full of the persons' values.
    praxis = factories.actor(
        gql,
        "Lernpraxis Ana",
        "COMPANY",
        quarters=[{"quarter": "rollberg"}],
        description="Kontakt: ana@example.org, 030 111 222, Kita-Leitung",
    )["id"]
    ana = _person(gql, kita, name="Ana", function="Kita-Leitung", email="ana@example.org", phone="030 111 222")
    anabel = _person(gql, kita, name="Anabel Schmidt", function="Kita-Leitung", email="anabel@example.org")
    gql.data(UPDATE, {"i": {"id": ana, "function": "Kita-Leitung (komm.)"}})
    gql.data(UPDATE, {"i": {"id": anabel, "phone": "030 111 222"}})
    factories.cooperation(gql, kita, praxis, description="Ana und Anabel Schmidt (Kita-Leitung) treffen sich")
    version = gql.data("query($id: ID!) { actor(id: $id) { version } }", {"id": praxis})["actor"]["version"]
    updated = gql.data(
        "mutation($i: UpdateActorInput!) { updateActor(input: $i) { errors { code } } }",
        {"i": {"id": praxis, "version": version, "description": "Ana, Kita-Leitung, ana@example.org"}},
    )
    assert updated["updateActor"]["errors"] == []
    return World(kita, praxis, ana, anabel)


def _changes(driver: neo4j.Driver) -> dict[str, dict[str, Any]]:
    """Every audit record with all its properties, straight from Neo4j."""
    records, _, _ = driver.execute_query("MATCH (c:Change) RETURN c.id AS id, properties(c) AS p")
    return {r["id"]: dict(r["p"]) for r in records}


def _own(record: dict[str, Any], person_global_id: str) -> bool:
    return record["entity"] == "Person" and record["entityId"] == _local(person_global_id)


def _erase(gql: GraphQLClient, global_id: str) -> dict[str, Any]:
    result: dict[str, Any] = gql.data(ERASE, {"i": {"id": global_id}})["erasePerson"]
    return result


def _assert_only_own_records_changed(
    before: dict[str, dict[str, Any]], after: dict[str, dict[str, Any]], person: str
) -> None:
    unrelated = {k: v for k, v in before.items() if not _own(v, person)}
    assert unrelated, "the test needs unrelated records to compare"
    assert {k: after[k] for k in unrelated} == unrelated
    new = [v for k, v in after.items() if k not in before]
    assert [(v["entity"], v["entityId"], v["operation"]) for v in new] == [("Person", _local(person), "erase")]


def test_erasure_touches_only_the_persons_own_records(
    world: World, gql: GraphQLClient, reference: neo4j.Driver
) -> None:
    before = _changes(reference)
    erased = _erase(gql, world.ana)
    assert erased["errors"] == []
    assert erased["erased"] == {
        "personId": world.ana,
        "fields": ["email", "function", "name", "phone"],
        "auditRecordsScrubbed": 2,
    }
    after = _changes(reference)
    _assert_only_own_records_changed(before, after, world.ana)
    # The other person sharing the function, and whose name contains "Ana", is untouched.
    assert gql.data(PERSONS, {"id": world.kita})["actor"]["contactPersons"] == [
        {"name": "Anabel Schmidt", "function": "Kita-Leitung", "email": "anabel@example.org"}
    ]
    anabel = gql.data(HISTORY, {"id": world.anabel})["history"]
    assert not any(h["erased"] for h in anabel)
    assert anabel[-1]["after"]["name"] == "Anabel Schmidt" and anabel[0]["after"] == {"phone": "030 111 222"}
    # The actor named after her keeps its history, its text included.
    praxis = gql.data(HISTORY, {"id": world.praxis})["history"]
    assert praxis[0]["after"] == {"description": "Ana, Kita-Leitung, ana@example.org"} and not praxis[0]["erased"]


def test_the_persons_records_keep_their_non_personal_keys(
    world: World, gql: GraphQLClient, reference: neo4j.Driver
) -> None:
    _erase(gql, world.ana)
    history = gql.data(HISTORY, {"id": world.ana})["history"]
    assert [h["operation"] for h in history] == ["erase", "update", "create"]
    erase, update, create = history
    assert erase["after"] == {"erasedFields": ["email", "function", "name", "phone"]} and erase["before"] is None
    assert create["after"] == {"actor": _local(world.kita)} and create["before"] is None and create["erased"]
    assert update["before"] == {} and update["after"] == {} and update["fields"] == ["function"] and update["erased"]
    for needle in ("ana@example.org", "komm.", "111 222"):
        leftovers = [
            v
            for v in _changes(reference).values()
            if _own(v, world.ana) and needle in f"{v.get('before')}{v.get('after')}"
        ]
        assert leftovers == [], needle
    assert (
        reference.execute_query("MATCH (p:Person {id: $id}) RETURN count(p) AS n", {"id": _local(world.ana)}).records[
            0
        ]["n"]
        == 0
    )


@pytest.mark.parametrize(
    "make_id",
    [
        pytest.param(lambda w: _forge("Person", _local(w.praxis)), id="forged Person id of an actor"),
        pytest.param(lambda w: _forge("Person", _local(w.kita)), id="forged Person id of the persons' actor"),
        pytest.param(lambda w: w.praxis, id="an actor's real id"),
        pytest.param(lambda w: _forge("Person", "no-such-person"), id="unknown id"),
        pytest.param(lambda w: "not base64 at all!", id="garbage"),
    ],
)
def test_a_non_person_id_is_refused_and_changes_nothing(
    world: World, gql: GraphQLClient, reference: neo4j.Driver, make_id: Any
) -> None:
    before = snapshot(reference)
    erased = _erase(gql, make_id(world))
    assert erased == {"erased": None, "errors": NOT_FOUND}
    assert snapshot(reference) == before


def test_a_removed_persons_records_can_still_be_erased(
    world: World, gql: GraphQLClient, reference: neo4j.Driver
) -> None:
    assert gql.data(REMOVE, {"i": {"id": world.anabel}})["removeContactPerson"]["errors"] == []
    before = _changes(reference)
    erased = _erase(gql, world.anabel)
    assert erased["errors"] == []
    assert erased["erased"]["fields"] == ["email", "function", "name", "phone"]
    assert erased["erased"]["auditRecordsScrubbed"] == 3  # create, update, delete
    _assert_only_own_records_changed(before, _changes(reference), world.anabel)
    history = gql.data(HISTORY, {"id": world.anabel})["history"]
    assert [h["operation"] for h in history] == ["erase", "delete", "update", "create"]
    assert history[1]["before"] == {} and history[3]["after"] == {"actor": _local(world.kita)}
    # Ana, who shares the function and part of the name, keeps everything.
    assert gql.data(PERSONS, {"id": world.kita})["actor"]["contactPersons"] == [
        {"name": "Ana", "function": "Kita-Leitung (komm.)", "email": "ana@example.org"}
    ]


def test_erasing_twice_changes_nothing_the_second_time(
    world: World, gql: GraphQLClient, reference: neo4j.Driver
) -> None:
    assert _erase(gql, world.ana)["errors"] == []
    before = snapshot(reference)
    assert _erase(gql, world.ana) == {"erased": None, "errors": NOT_FOUND}
    assert snapshot(reference) == before


def test_merging_actors_moves_contact_persons_by_id_only(
    world: World, gql: GraphQLClient, reference: neo4j.Driver
) -> None:
    merged = gql.data(
        "mutation($i: MergeActorsInput!) { mergeActors(input: $i) { errors { code } } }",
        {"i": {"survivorId": world.praxis, "duplicateIds": [world.kita]}},
    )
    assert merged["mergeActors"]["errors"] == []
    move = gql.data(HISTORY, {"id": world.ana})["history"][0]
    assert move == {
        "entity": "Person",
        "operation": "move",
        "fields": ["actor"],
        "erased": False,
        "before": {"actor": _local(world.kita)},
        "after": {"actor": _local(world.praxis)},
    }
    before = _changes(reference)
    assert _erase(gql, world.ana)["errors"] == []
    after = _changes(reference)
    _assert_only_own_records_changed(before, after, world.ana)
    own = [v for v in after.values() if _own(v, world.ana) and v["operation"] == "move"]
    assert own == [v for v in before.values() if _own(v, world.ana) and v["operation"] == "move"]


def _operators(plan: Any) -> set[str]:
    ops = {plan["operatorType"].split("@")[0]}
    for child in plan.get("children", []):
        ops |= _operators(child)
    return ops


@pytest.mark.parametrize("name", ["PERSON_RECORDS", "ERASE_FIELDS", "HISTORY"])
def test_the_erasure_finds_records_by_index(reference: neo4j.Driver, name: str) -> None:
    query = getattr(audit, name)
    with reference.session() as session:
        summary = session.run("EXPLAIN " + query, id="x", rows=[], limit=1).consume()  # type: ignore[arg-type]
    ops = _operators(summary.plan)
    assert ops & {"NodeIndexSeek", "NodeUniqueIndexSeek"}, ops
    assert not ops & {"NodeByLabelScan", "AllNodesScan", "NodeIndexScan"}, ops
