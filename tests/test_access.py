"""Access control: every mutation × role × own or other quarter, and the guarded reads.

The world: a manager of Rollberg; actors and a cooperation in Rollberg (own) and in
Flughafenstraße (other); a contact person on each side.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import neo4j
import pytest

from graph.db import Neo4jSettings
from tests import factories
from tests.conftest import GraphQLClient, issue_token
from tests.test_mutations import snapshot

ROLES = ["public", "researcher", "manager", "admin"]


@dataclass
class World:
    ids: dict[str, str]
    tokens: dict[str, str | None]


@pytest.fixture
def world(reference: neo4j.Driver, gql: GraphQLClient, neo4j_settings: Neo4jSettings, admin_token: str) -> World:
    ids: dict[str, str] = {}
    for side, quarter in (("own", "rollberg"), ("other", "flughafenstrasse")):
        ids[f"{side}_a"] = factories.actor(gql, f"Verein A {side}", quarters=[{"quarter": quarter}])["id"]
        ids[f"{side}_b"] = factories.actor(gql, f"Verein B {side}", quarters=[{"quarter": quarter}])["id"]
        ids[f"{side}_coop"] = factories.cooperation(gql, ids[f"{side}_a"], ids[f"{side}_b"], since="2020-01-01")["id"]
        person = gql.data(
            "mutation($i: AddContactPersonInput!) { addContactPerson(input: $i) { person { id } errors { code } } }",
            {"i": {"actorId": ids[f"{side}_a"], "name": f"Frau {side}", "email": f"{side}@example.org"}},
        )
        ids[f"{side}_person"] = person["addContactPerson"]["person"]["id"]
    tokens = {
        "public": None,
        "researcher": issue_token(neo4j_settings, "researcher"),
        "manager": issue_token(neo4j_settings, "manager", ["rollberg"]),
        "admin": admin_token,
    }
    ids["victim_token"] = issue_token(neo4j_settings, "researcher", name="to revoke").split("_")[1]
    return World(ids, tokens)


Case = Callable[[World, str], tuple[str, dict[str, Any]]]
ERR = "errors { code message }"


def _m(field: str, input_type: str, selection: str = "") -> str:
    return f"mutation($i: {input_type}!) {{ {field}(input: $i) {{ {selection} {ERR} }} }}"


MUTATIONS: dict[str, Case] = {
    "createActor": lambda w, side: (
        _m("createActor", "CreateActorInput", "actor { id }"),
        {
            "i": {
                "type": "INITIATIVE",
                "name": f"Neu {side}",
                "quarters": [{"quarter": "rollberg" if side == "own" else "flughafenstrasse"}],
            }
        },
    ),
    "updateActor": lambda w, side: (
        _m("updateActor", "UpdateActorInput", "actor { version }"),
        {"i": {"id": w.ids[f"{side}_a"], "version": 1, "description": "neu"}},
    ),
    "archiveActor": lambda w, side: (
        _m("archiveActor", "ActorStateInput", "actor { archived }"),
        {"i": {"id": w.ids[f"{side}_a"]}},
    ),
    "restoreActor": lambda w, side: (
        _m("restoreActor", "ActorStateInput", "actor { archived }"),
        {"i": {"id": w.ids[f"{side}_a"]}},
    ),
    "setActorQuarters": lambda w, side: (
        _m("setActorQuarters", "SetActorQuartersInput", "actor { id }"),
        {
            "i": {
                "id": w.ids[f"{side}_a"],
                "quarters": [{"quarter": "rollberg" if side == "own" else "flughafenstrasse", "since": "2011-01-01"}],
            }
        },
    ),
    "mergeActors": lambda w, side: (
        _m("mergeActors", "MergeActorsInput", "actor { id }"),
        {"i": {"survivorId": w.ids[f"{side}_a"], "duplicateIds": [w.ids[f"{side}_b"]]}},
    ),
    "addCooperation": lambda w, side: (
        _m("addCooperation", "AddCooperationInput", "cooperation { id }"),
        {"i": {"actorIds": [w.ids[f"{side}_a"], w.ids[f"{side}_b"]], "kind": "FUNDING"}},
    ),
    "updateCooperation": lambda w, side: (
        _m("updateCooperation", "UpdateCooperationInput", "cooperation { id }"),
        {"i": {"id": w.ids[f"{side}_coop"], "version": 1, "intensity": 2}},
    ),
    "endCooperation": lambda w, side: (
        _m("endCooperation", "EndCooperationInput", "cooperation { id }"),
        {"i": {"id": w.ids[f"{side}_coop"], "until": "2024-12-31"}},
    ),
    "deleteCooperation": lambda w, side: (
        _m("deleteCooperation", "DeleteCooperationInput", "cooperation { id }"),
        {"i": {"id": w.ids[f"{side}_coop"]}},
    ),
    "addContactPerson": lambda w, side: (
        _m("addContactPerson", "AddContactPersonInput", "person { id }"),
        {"i": {"actorId": w.ids[f"{side}_b"], "name": "Herr Neu"}},
    ),
    "updateContactPerson": lambda w, side: (
        _m("updateContactPerson", "UpdateContactPersonInput", "person { id }"),
        {"i": {"id": w.ids[f"{side}_person"], "phone": "030 123"}},
    ),
    "removeContactPerson": lambda w, side: (
        _m("removeContactPerson", "PersonInput", "person { id }"),
        {"i": {"id": w.ids[f"{side}_person"]}},
    ),
    "erasePerson": lambda w, side: (
        _m("erasePerson", "PersonInput", "erased { fields }"),
        {"i": {"id": w.ids[f"{side}_person"]}},
    ),
    "createApiToken": lambda w, side: (
        _m("createApiToken", "CreateApiTokenInput", "secret"),
        {"i": {"name": "neu", "role": "MANAGER", "quarters": ["rollberg" if side == "own" else "flughafenstrasse"]}},
    ),
    "revokeApiToken": lambda w, side: (
        _m("revokeApiToken", "RevokeApiTokenInput", "token { id }"),
        {"i": {"id": w.ids["victim_token"]}},
    ),
}
# What a manager of Rollberg may do in Rollberg (elsewhere: nothing).
MANAGER_MAY = {
    "createActor",
    "updateActor",
    "archiveActor",
    "restoreActor",
    "setActorQuarters",
    "addCooperation",
    "updateCooperation",
    "endCooperation",
    "addContactPerson",
    "updateContactPerson",
    "removeContactPerson",
}


def allowed(mutation: str, role: str, side: str) -> bool:
    if role == "admin":
        return True
    return role == "manager" and side == "own" and mutation in MANAGER_MAY


@pytest.mark.parametrize("side", ["own", "other"])
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("mutation", sorted(MUTATIONS))
def test_every_mutation_for_every_role(
    world: World, gql: GraphQLClient, reference: neo4j.Driver, mutation: str, role: str, side: str
) -> None:
    query, variables = MUTATIONS[mutation](world, side)
    before = snapshot(reference)
    body = gql.as_(world.tokens[role])(query, variables)
    assert "errors" not in body, body
    payload = body["data"][mutation]
    codes = [e["code"] for e in payload["errors"]]
    if allowed(mutation, role, side):
        assert codes == [], (mutation, role, side, payload)
    else:
        assert codes == ["FORBIDDEN"], (mutation, role, side, payload)
        assert snapshot(reference) == before, "a refused mutation changed the database"


PERSONS = "query($id: ID!) { actor(id: $id) { contactPersons { name email } } }"


@pytest.mark.parametrize(
    "role, own, other",
    [
        ("public", None, None),
        ("researcher", None, None),
        ("manager", [{"name": "Frau own", "email": "own@example.org"}], None),
        (
            "admin",
            [{"name": "Frau own", "email": "own@example.org"}],
            [{"name": "Frau other", "email": "other@example.org"}],
        ),
    ],
)
def test_contact_persons_are_visible_only_where_allowed(
    world: World, gql: GraphQLClient, role: str, own: list | None, other: list | None
) -> None:
    as_role = gql.as_(world.tokens[role])
    assert as_role.data(PERSONS, {"id": world.ids["own_a"]})["actor"]["contactPersons"] == own
    assert as_role.data(PERSONS, {"id": world.ids["other_a"]})["actor"]["contactPersons"] == other


READS = {
    "networkMetrics": ("{ networkMetrics { nodes } }", {"researcher", "admin"}),
    "actorMetrics": ("{ actorMetrics { totalCount } }", {"researcher", "admin"}),
    "suggestPartners": (
        "query($id: ID!) { suggestPartners(actorId: $id) { suggestions { score } } }",
        {"researcher", "manager", "admin"},
    ),
    "missingLinks": ('{ missingLinks(quarter: "rollberg") { score } }', {"researcher", "manager", "admin"}),
    "apiTokens": ("{ apiTokens { id } }", {"admin"}),
    "history": ("query($id: ID!) { history(id: $id) { operation } }", {"manager", "admin"}),
    "actors": ("{ actors { totalCount } }", set(ROLES)),
    "network": ("{ network { nodeCount } }", set(ROLES)),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("read", sorted(READS))
def test_guarded_reads(world: World, gql: GraphQLClient, role: str, read: str) -> None:
    query, roles = READS[read]
    body = gql.as_(world.tokens[role])(query, {"id": world.ids["own_a"]} if "$id" in query else None)
    if role in roles:
        assert "errors" not in body, body
    else:
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN", body


def test_a_manager_reads_history_only_in_their_quarters(world: World, gql: GraphQLClient) -> None:
    manager = gql.as_(world.tokens["manager"])
    query = "query($id: ID!) { history(id: $id) { operation } }"
    assert manager.data(query, {"id": world.ids["own_a"]})["history"]
    assert manager(query, {"id": world.ids["other_a"]})["errors"][0]["extensions"]["code"] == "FORBIDDEN"


@pytest.mark.parametrize("role", ["public", "manager", "researcher", "admin"])
def test_every_role_exports_what_the_network_query_shows_it(world: World, gql: GraphQLClient, role: str) -> None:
    # Issue 11: the network is public as JSON, so its files are too (contact persons aside).
    token = world.tokens[role]
    response = gql.http.get("/export/graphml", headers={"Authorization": f"Bearer {token}" if token else ""})
    assert response.status_code == 200
