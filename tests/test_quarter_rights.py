"""Quarter rights a QM office expects (resolvers/access.py): the matrix over HTTP.

Manager "a" holds Rollberg (active) and three quarters whose QM has ended: Körnerpark (status
ended), Ganghoferstraße (merged) and Donaustraße-Nord (status active, but its end date lies in
the past in this world). Manager "b" holds Flughafenstraße. Actors:

- X: current in Rollberg · E: Rollberg ended 2019, current in Flughafenstraße
- T: Rollberg until today · Y: Rollberg until yesterday
- K, G, D: current in Körnerpark, Ganghoferstraße, Donaustraße-Nord
- Z: current in Flughafenstraße · KR: current in Rollberg and Körnerpark
- S: current in Rollberg and, as housing owner with flats, note, sources and a share note, in
  Flughafenstraße

Every refused mutation must leave the database exactly as it was.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import neo4j
import pytest
from starlette.testclient import TestClient

from graph.db import Neo4jSettings
from kiezgraph.app import create_app
from seeds import load
from tests import factories
from tests.conftest import TEST_OPTIONS, GraphQLClient, count, issue_token, run_async
from tests.test_mutations import snapshot

YESTERDAY = dt.date.today() - dt.timedelta(days=1)  # for ending a membership: any past day will do
ERR = "errors { __typename code message }"
S_FLUGHAFEN = {
    "quarter": "flughafenstrasse",
    "role": "HOUSING_OWNER",
    "since": "2012-01-01",
    "flats": 300,
    "note": "Bestand seit 2012",
    "sources": ["https://example.org/s"],
}
S_ROLLBERG = {"quarter": "rollberg", "since": "2010-01-01"}


@dataclass
class World:
    ids: dict[str, str]
    versions: dict[str, int]
    tokens: dict[str, str]


def _person(gql: GraphQLClient, actor: str, name: str) -> str:
    payload = gql.data(
        "mutation($i: AddContactPersonInput!) { addContactPerson(input: $i) { person { id } errors { code } } }",
        {"i": {"actorId": actor, "name": name}},
    )["addContactPerson"]
    assert payload["errors"] == [], payload
    return str(payload["person"]["id"])


def build_world(driver: neo4j.Driver, neo4j_settings: Neo4jSettings, gql: GraphQLClient, admin_token: str) -> World:
    """The world of the module docstring, on the reference data, created through the API as admin."""
    driver.execute_query("MATCH (q:Quarter {slug: 'donaustrasse-nord'}) SET q.endDate = date('2020-06-30')")
    today = dt.date.today()  # read when the world is built, right before it is used
    memberships: dict[str, list[dict[str, Any]]] = {
        "X": [{"quarter": "rollberg", "since": "2015-01-01"}],
        "E": [{"quarter": "rollberg", "since": "2012-01-01", "until": "2019-12-31"}, {"quarter": "flughafenstrasse"}],
        "T": [{"quarter": "rollberg", "until": today.isoformat()}],
        "Y": [{"quarter": "rollberg", "until": (today - dt.timedelta(days=1)).isoformat()}],
        "K": [{"quarter": "koernerpark"}],
        "G": [{"quarter": "ganghoferstrasse"}],
        "D": [{"quarter": "donaustrasse-nord"}],
        "Z": [{"quarter": "flughafenstrasse"}],
        "KR": [{"quarter": "rollberg"}, {"quarter": "koernerpark", "since": "2008-01-01"}],
        "S": [S_ROLLBERG, S_FLUGHAFEN],
    }
    ids: dict[str, str] = {}
    versions: dict[str, int] = {}
    for key, quarters in memberships.items():
        made = factories.actor(gql, f"Akteur {key}", quarters=quarters)
        ids[key], versions[key] = made["id"], made["version"]
    driver.execute_query(
        "MATCH (:Actor {name: 'Akteur S'})-[m:ACTIVE_IN]->(:Quarter {slug: 'flughafenstrasse'}) "
        "SET m.shareNote = 'about 10 %'"
    )
    for a, b in (("E", "Z"), ("K", "Z"), ("X", "Z")):
        made = factories.cooperation(gql, ids[a], ids[b], since="2020-01-01")
        ids[f"coop_{a}{b}"], versions[f"coop_{a}{b}"] = made["id"], made["version"]
    for key in ("E", "K", "X"):
        ids[f"person_{key}"] = _person(gql, ids[key], f"Kontakt {key}")
    tokens = {
        "a": issue_token(
            neo4j_settings, "manager", ["rollberg", "koernerpark", "ganghoferstrasse", "donaustrasse-nord"]
        ),
        "b": issue_token(neo4j_settings, "manager", ["flughafenstrasse"]),
        "admin": admin_token,
    }
    return World(ids, versions, tokens)


@pytest.fixture
def world(reference: neo4j.Driver, gql: GraphQLClient, neo4j_settings: Neo4jSettings, admin_token: str) -> World:
    """A fresh world, for a mutation that changes it."""
    return build_world(reference, neo4j_settings, gql, admin_token)


@pytest.fixture(scope="module")
def shared_http(neo4j_settings: Neo4jSettings, migrated: None) -> Iterator[TestClient]:
    with TestClient(create_app(neo4j_settings, TEST_OPTIONS)) as http:
        yield http


@pytest.fixture(scope="module")
def _shared_cache() -> dict[str, World]:
    return {}


@pytest.fixture
def shared(
    driver: neo4j.Driver, neo4j_settings: Neo4jSettings, shared_http: TestClient, _shared_cache: dict[str, World]
) -> tuple[World, GraphQLClient]:
    """One world for the tests that change nothing (each checks that it did not), built again only
    when a test in between has wiped the database: refusals and reads are most of the matrix."""
    world = _shared_cache.get("world")
    if world is None or count(driver, "MATCH (w:SharedWorld {id: $id}) RETURN count(w)", id=world.ids["X"]) == 0:
        driver.execute_query("MATCH (n) WHERE NOT n:Migration DETACH DELETE n")
        run_async(neo4j_settings, load.load_reference)
        admin_token = issue_token(neo4j_settings, "admin", name="test admin")
        world = build_world(driver, neo4j_settings, GraphQLClient(shared_http, admin_token), admin_token)
        driver.execute_query("CREATE (:SharedWorld {id: $id})", id=world.ids["X"])
        _shared_cache["world"] = world
    return world, GraphQLClient(shared_http)


Build = Callable[[World], tuple[str, dict[str, Any]]]


def _m(field: str, input_type: str, selection: str) -> str:
    return f"mutation($i: {input_type}!) {{ {field}(input: $i) {{ {selection} {ERR} }} }}"


def update_actor(key: str) -> Build:
    return lambda w: (
        _m("updateActor", "UpdateActorInput", "actor { id }"),
        {"i": {"id": w.ids[key], "version": w.versions[key], "description": "geändert"}},
    )


def archive_actor(key: str) -> Build:
    return lambda w: (_m("archiveActor", "ActorStateInput", "actor { id }"), {"i": {"id": w.ids[key]}})


def add_person(key: str) -> Build:
    return lambda w: (
        _m("addContactPerson", "AddContactPersonInput", "person { id }"),
        {"i": {"actorId": w.ids[key], "name": "Neue Kontaktperson"}},
    )


def update_person(key: str) -> Build:
    return lambda w: (
        _m("updateContactPerson", "UpdateContactPersonInput", "person { id }"),
        {"i": {"id": w.ids[f"person_{key}"], "phone": "030 1234"}},
    )


def add_cooperation(a: str, b: str) -> Build:
    return lambda w: (
        _m("addCooperation", "AddCooperationInput", "cooperation { id }"),
        {"i": {"actorIds": [w.ids[a], w.ids[b]], "kind": "FUNDING"}},
    )


def update_cooperation(key: str) -> Build:
    return lambda w: (
        _m("updateCooperation", "UpdateCooperationInput", "cooperation { id }"),
        {"i": {"id": w.ids[key], "version": w.versions[key], "intensity": 3}},
    )


def end_cooperation(key: str) -> Build:
    return lambda w: (
        _m("endCooperation", "EndCooperationInput", "cooperation { id }"),
        {"i": {"id": w.ids[key], "until": "2024-12-31"}},
    )


def create_actor(*quarters: dict[str, Any]) -> Build:
    return lambda w: (
        _m("createActor", "CreateActorInput", "actor { id }"),
        {"i": {"type": "INITIATIVE", "name": "Ganz neuer Verein", "quarters": list(quarters)}},
    )


def set_quarters(key: str, *quarters: dict[str, Any]) -> Build:
    return lambda w: (
        _m("setActorQuarters", "SetActorQuartersInput", "actor { id }"),
        {"i": {"id": w.ids[key], "quarters": list(quarters)}},
    )


# (who, mutation, allowed, a word the refusal's message must contain)
CASES: dict[str, tuple[str, Build, bool, str]] = {
    # Rule 1: only current memberships give rights.
    "current membership: update": ("a", update_actor("X"), True, ""),
    "membership ended 2019: update": ("a", update_actor("E"), False, "ended on 2019-12-31"),
    "membership ended 2019: the other quarter's manager may": ("b", update_actor("E"), True, ""),
    "membership until today: update": ("a", update_actor("T"), True, ""),
    "membership until yesterday: update": ("a", update_actor("Y"), False, "ended on"),
    "membership ended: archive": ("a", archive_actor("E"), False, "ended on"),
    "membership ended: add contact person": ("a", add_person("E"), False, "ended on"),
    "membership ended: update contact person": ("a", update_person("E"), False, "ended on"),
    "membership ended: add cooperation": ("a", add_cooperation("E", "Z"), False, "ended on"),
    "membership ended: end cooperation": ("a", end_cooperation("coop_EZ"), False, "ended on"),
    "other quarter's manager: end cooperation": ("b", end_cooperation("coop_EZ"), True, ""),
    "cooperation with one own actor": ("a", add_cooperation("X", "Z"), True, ""),
    "other manager: own actor's cooperation": ("b", add_cooperation("X", "Z"), True, ""),
    "other manager: actor outside": ("b", update_actor("X"), False, "outside your quarters"),
    # Rule 2: an ended quarter is read-only for managers.
    "ended quarter: update": ("a", update_actor("K"), False, "koernerpark has ended"),
    "merged quarter: update": ("a", update_actor("G"), False, "ganghoferstrasse has ended"),
    "quarter with past end date: update": ("a", update_actor("D"), False, "donaustrasse-nord has ended"),
    "ended quarter: admin may update": ("admin", update_actor("K"), True, ""),
    "ended quarter: add contact person": ("a", add_person("K"), False, "has ended"),
    "ended quarter: update contact person": ("a", update_person("K"), False, "has ended"),
    "ended quarter: update cooperation": ("a", update_cooperation("coop_KZ"), False, "has ended"),
    "ended quarter: the partner's manager may": ("b", update_cooperation("coop_KZ"), True, ""),
    "ended and active quarter: update": ("a", update_actor("KR"), True, ""),
    # Rule 4: new actors go into the manager's own active quarters, with a current membership.
    "create in own active quarter": ("a", create_actor({"quarter": "rollberg"}), True, ""),
    "create in ended quarter": ("a", create_actor({"quarter": "koernerpark"}), False, "has ended"),
    "create in merged quarter": ("a", create_actor({"quarter": "ganghoferstrasse"}), False, "has ended"),
    "create in quarter with past end": ("a", create_actor({"quarter": "donaustrasse-nord"}), False, "has ended"),
    "create in active and ended quarter": (
        "a",
        create_actor({"quarter": "rollberg"}, {"quarter": "koernerpark"}),
        False,
        "has ended",
    ),
    "create in other quarter": ("a", create_actor({"quarter": "flughafenstrasse"}), False, "quarters"),
    "create with own and other quarter": (
        "a",
        create_actor({"quarter": "rollberg"}, {"quarter": "flughafenstrasse"}),
        False,
        "own quarters",
    ),
    "create with an ended membership only": (
        "a",
        create_actor({"quarter": "rollberg", "until": "2019-12-31"}),
        False,
        "current membership",
    ),
    "create without quarters": ("a", create_actor(), False, "outside your quarters"),
    "create in ended quarter: admin": ("admin", create_actor({"quarter": "koernerpark"}), True, ""),
    # Rule 3: a manager changes only the memberships of their own active quarters.
    "set quarters: other quarter handed back unchanged": (
        "a",
        set_quarters("S", {**S_ROLLBERG, "note": "Mieterbeirat"}, S_FLUGHAFEN),
        True,
        "",
    ),
    "set quarters: end own membership": (
        "a",
        set_quarters("S", {**S_ROLLBERG, "until": YESTERDAY.isoformat()}, S_FLUGHAFEN),
        True,
        "",
    ),
    "set quarters: leave own quarter": ("a", set_quarters("S", S_FLUGHAFEN), True, ""),
    "set quarters: drop other quarter": ("a", set_quarters("S", S_ROLLBERG), False, "flughafenstrasse"),
    **{
        f"set quarters: change other quarter's {field}": (
            "a",
            set_quarters("S", S_ROLLBERG, {**S_FLUGHAFEN, field: value}),
            False,
            "flughafenstrasse",
        )
        for field, value in (
            ("role", "MEMBER"),
            ("since", "2013-01-01"),
            ("until", "2030-12-31"),
            ("flats", 301),
            ("note", "Bestand"),
            ("sources", ["https://example.org/t"]),
        )
    },
    "set quarters: add other quarter": (
        "a",
        set_quarters("S", S_ROLLBERG, S_FLUGHAFEN, {"quarter": "high-deck-siedlung"}),
        False,
        "high-deck",
    ),
    "set quarters: add own ended quarter": (
        "a",
        set_quarters("S", S_ROLLBERG, S_FLUGHAFEN, {"quarter": "koernerpark"}),
        False,
        "koernerpark",
    ),
    "set quarters: the other manager drops Rollberg": ("b", set_quarters("S", S_FLUGHAFEN), False, "rollberg"),
    "set quarters: admin drops Flughafenstraße": ("admin", set_quarters("S", S_ROLLBERG), True, ""),
    "set quarters: own ended quarter must stay": (
        "a",
        set_quarters("KR", {"quarter": "rollberg"}),
        False,
        "koernerpark",
    ),
    "set quarters: own ended quarter kept": (
        "a",
        set_quarters("KR", {"quarter": "rollberg", "note": "neu"}, {"quarter": "koernerpark", "since": "2008-01-01"}),
        True,
        "",
    ),
    "set quarters: ended membership gives no right": (
        "a",
        set_quarters("E", {"quarter": "rollberg", "since": "2012-01-01"}, {"quarter": "flughafenstrasse"}),
        False,
        "ended on",
    ),
}


@pytest.mark.parametrize("case", sorted(c for c, (_, _, allowed, _) in CASES.items() if not allowed))
def test_refused(shared: tuple[World, GraphQLClient], driver: neo4j.Driver, case: str) -> None:
    world, gql = shared
    who, build, _, reason = CASES[case]
    query, variables = build(world)
    before = snapshot(driver)
    body = gql.as_(world.tokens[who])(query, variables)
    assert "errors" not in body, body
    [payload] = body["data"].values()
    changed = snapshot(driver) != before
    if changed or payload["errors"] == []:  # the shared world is spoilt: the next test builds a new one
        driver.execute_query("MATCH (w:SharedWorld) DELETE w")
    assert [(e["__typename"], e["code"]) for e in payload["errors"]] == [("ForbiddenError", "FORBIDDEN")], payload
    assert reason in payload["errors"][0]["message"], payload
    assert not changed, "a refused mutation changed the database"


PERSONS = "query($id: ID!) { actor(id: $id) { contactPersons { name } } }"
HISTORY = "query($id: ID!) { history(id: $id) { operation } }"


@pytest.mark.parametrize(
    "who, key, visible",
    [
        ("a", "X", True),  # current membership in an active quarter
        ("a", "E", False),  # the membership in Rollberg ended in 2019
        ("b", "E", True),  # current in Flughafenstraße
        ("a", "K", True),  # an ended quarter is read-only: still readable
        ("b", "K", False),
    ],
)
def test_contact_persons_and_history_follow_current_memberships(
    shared: tuple[World, GraphQLClient], who: str, key: str, visible: bool
) -> None:
    world, gql = shared
    client = gql.as_(world.tokens[who])
    persons = client.data(PERSONS, {"id": world.ids[key]})["actor"]["contactPersons"]
    assert persons == ([{"name": f"Kontakt {key}"}] if visible else None)
    for entity in (key, f"person_{key}"):
        body = client(HISTORY, {"id": world.ids[entity]})
        if visible:
            assert body["data"]["history"], body
        else:
            assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN", body


@pytest.mark.parametrize(
    "who, key, visible",
    [("a", "coop_EZ", False), ("b", "coop_EZ", True), ("a", "coop_KZ", True), ("a", "coop_XZ", True)],
)
def test_cooperation_history_follows_current_memberships(
    shared: tuple[World, GraphQLClient], who: str, key: str, visible: bool
) -> None:
    world, gql = shared
    body = gql.as_(world.tokens[who])(HISTORY, {"id": world.ids[key]})
    assert ("errors" not in body) is visible, body


# ---- mutations that change the world: a fresh one each ------------------------------------


@pytest.mark.parametrize("case", sorted(c for c, (_, _, allowed, _) in CASES.items() if allowed))
def test_allowed(world: World, gql: GraphQLClient, reference: neo4j.Driver, case: str) -> None:
    who, build, _, _ = CASES[case]
    query, variables = build(world)
    before = snapshot(reference)
    body = gql.as_(world.tokens[who])(query, variables)
    assert "errors" not in body, body
    [payload] = body["data"].values()
    assert payload["errors"] == [], payload
    assert snapshot(reference) != before


def _memberships(driver: neo4j.Driver, name: str) -> dict[str, dict[str, Any]]:
    records, _, _ = driver.execute_query(
        "MATCH (:Actor {name: $name})-[m:ACTIVE_IN]->(q:Quarter) RETURN q.slug AS q, properties(m) AS p", {"name": name}
    )
    return {r["q"]: dict(r["p"]) for r in records}


def test_memberships_in_other_quarters_come_back_byte_for_byte(
    world: World, gql: GraphQLClient, reference: neo4j.Driver
) -> None:
    before = _memberships(reference, "Akteur S")
    assert before["flughafenstrasse"]["shareNote"] == "about 10 %"
    query, variables = set_quarters("S", {**S_ROLLBERG, "note": "Mieterbeirat"}, S_FLUGHAFEN)(world)
    assert gql.as_(world.tokens["a"]).data(query, variables)["setActorQuarters"]["errors"] == []
    after = _memberships(reference, "Akteur S")
    assert after["flughafenstrasse"] == before["flughafenstrasse"]
    assert after["rollberg"]["note"] == "Mieterbeirat"
