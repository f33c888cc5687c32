"""Contact person columns of a partner list become contact persons as `addContactPerson` makes
them — checked, with the mutation's right and audit records, erasable — against the real Neo4j."""

from __future__ import annotations

import json
from pathlib import Path

import neo4j
import pytest
from starlette.testclient import TestClient

from core.access import Principal, Role
from exchange.messages import Code
from exchange.plan import ActorOutcome, ImportPlan
from graph.db import Neo4jSettings
from graph.names import name_key
from resolvers import ids, imports
from tests.conftest import GraphQLClient, count, run_async
from tests.test_imports import ADMIN, EXAMPLE, _apply
from tests.test_imports_api import finished, upload

PERSONS = "MATCH (p:Person) RETURN count(p)"
PERSON_RECORDS = "MATCH (c:Change {entity: 'Person', operation: 'create'}) RETURN count(c)"


def _sheet(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "partner.csv"
    path.write_text(text, encoding="utf-8-sig")
    return path


@pytest.fixture
def kita(reference: neo4j.Driver) -> str:
    """An actor kiezgraph has, in Flughafenstraße, with one contact person (Erika Beispiel)."""
    reference.execute_query(
        "MATCH (q:Quarter {slug: 'flughafenstrasse'}) "
        "CREATE (a:Actor:Institution {id: 'kita9', name: 'Kita Regenbogen', nameKey: $key, type: 'Institution', "
        "archived: false, version: 1, tags: [], createdAt: datetime(), updatedAt: datetime()})"
        "-[:ACTIVE_IN {role: 'member', since: date('2010-01-01')}]->(q) "
        "CREATE (:Person {id: 'erika1', name: 'Erika Beispiel', email: 'erika@kita-regenbogen.example', "
        "createdAt: datetime(), updatedAt: datetime()})-[:CONTACT_FOR]->(a)",
        key=name_key("Kita Regenbogen"),
    )
    return "kita9"


def test_the_example_adds_its_contact_persons_once_with_their_audit_records(
    reference: neo4j.Driver, neo4j_settings: Neo4jSettings
) -> None:
    plan = _run_plan(neo4j_settings, EXAMPLE)
    by_row = {s.key.row: plan.contacts.of(s.key) for s in plan.actors}
    assert [p.contact.name for p in plan.contacts.adding(plan.actors[0].key)] == ["Erika Beispiel"]
    (adds,) = by_row[5]
    assert adds.code is Code.CONTACT_ADDS
    assert (
        adds.text("de")
        == "Kontaktperson wird hinzugefügt: Erika Beispiel (Leitung), leitung@kita-sonnenschein.example, 030 000000."
    )
    assert adds.text("en").startswith("Contact person added: Erika Beispiel (Leitung)")
    # The Lesecafé's person has an e-mail address but no name: addContactPerson refuses that.
    (invalid,) = by_row[7]
    assert invalid.code is Code.CONTACT_INVALID
    assert (
        invalid.text("de")
        == "Die 1. Kontaktperson der Zeile wird nicht importiert: ohne Namen kann keine Kontaktperson angelegt werden."
    )
    assert invalid.text("en") == "Contact person 1 of the row is not imported: a contact person needs a name."
    assert plan.summary()["contacts.adding"] == 3 and plan.summary()["contacts.invalid"] == 1

    first = _apply(neo4j_settings, EXAMPLE)
    assert not first.errors and first.value is not None and first.value.contact_persons_created == 3
    found = reference.execute_query(
        "MATCH (p:Person)-[:CONTACT_FOR]->(a:Actor) RETURN a.name AS actor, p.name AS name, p.email AS email, "
        "p.function AS function, p.phone AS phone ORDER BY actor"
    ).records
    assert [dict(r) for r in found] == [
        {
            "actor": "Grundschule am Hang",
            "name": "Max Muster",
            "email": None,
            "function": "Schulsozialarbeit",
            "phone": None,
        },
        {
            "actor": "KITA Sonnenschein",
            "name": "Erika Beispiel",
            "email": "leitung@kita-sonnenschein.example",
            "function": "Leitung",
            "phone": "030 000000",
        },
        {
            "actor": "Sprachbrücke Rollberg",
            "name": "Ada Probe",
            "email": None,
            "function": "Koordination",
            "phone": None,
        },
    ]
    # Each person has its own create record, with its data and its actor, as addContactPerson writes it.
    records = reference.execute_query(
        "MATCH (p:Person {name: 'Erika Beispiel'}), (c:Change {entity: 'Person', entityId: p.id}) "
        "MATCH (p)-[:CONTACT_FOR]->(a) RETURN c.operation AS op, c.after AS after, c.actors AS actors, a.id AS actor"
    ).records
    (record,) = records
    assert record["op"] == "create" and record["actors"] == [record["actor"]]
    assert json.loads(record["after"]) == {
        "name": "Erika Beispiel",
        "function": "Leitung",
        "email": "leitung@kita-sonnenschein.example",
        "phone": "030 000000",
        "actor": record["actor"],
    }

    changes = count(reference, "MATCH (c:Change) RETURN count(c)")
    again = _apply(neo4j_settings, EXAMPLE, key="another-key")  # found as existing: nothing added twice
    assert again.value is not None and not again.errors and again.value.contact_persons_created == 0
    assert count(reference, PERSONS) == 3 and count(reference, PERSON_RECORDS) == 3
    assert count(reference, "MATCH (c:Change) RETURN count(c)") == changes
    replan = _run_plan(neo4j_settings, EXAMPLE)
    assert not replan.contacts.persons and "contacts.adding" not in replan.summary()


def _run_plan(settings: Neo4jSettings, path: Path, principal: Principal = ADMIN) -> ImportPlan:
    """The dry run's plan, as ``principal`` gets it."""
    return run_async(settings, lambda db: imports.plan(db, imports.read_file(path), principal))


def test_a_merged_row_adds_only_new_persons_and_shows_differences_as_conflicts(
    reference: neo4j.Driver, neo4j_settings: Neo4jSettings, kita: str, tmp_path: Path
) -> None:
    sheet = _sheet(
        tmp_path,
        "Name;Typ;Ansprechperson;E-Mail\n"
        "Kita Regenbogen;Kita;erika  BEISPIEL;erika.neu@kita-regenbogen.example\n"
        "Kita Regenbogen e.V.;Kita;Jonas Neu;jonas@kita-regenbogen.example\n",
    )
    plan = _run_plan(neo4j_settings, sheet)
    first, second = plan.actors
    assert first.outcome is ActorOutcome.EXISTING and first.decision is not None and first.decision.into_actor == kita
    (conflict,) = plan.contacts.of(first.key)
    assert conflict.code is Code.CONTACT_CONFLICT
    assert conflict.text("de") == (
        "Die E-Mail-Adresse der Kontaktperson Erika Beispiel weicht von kiezgraph ab: in der Datei "
        "„erika.neu@kita-regenbogen.example“, in kiezgraph „erika@kita-regenbogen.example“. Es bleibt der vorhandene "
        "Wert; ändern Sie ihn bei Bedarf von Hand."
    )
    assert "The existing value is kept" in conflict.text("en")
    assert [p.contact.name for p in plan.contacts.adding(second.key)] == ["Jonas Neu"]

    outcome = _apply(neo4j_settings, sheet)
    assert not outcome.errors and outcome.value is not None and outcome.value.contact_persons_created == 1
    people = reference.execute_query(
        "MATCH (p:Person)-[:CONTACT_FOR]->(:Actor {id: $id}) RETURN p.name AS name, p.email AS email ORDER BY name",
        id=kita,
    ).records
    assert [(r["name"], r["email"]) for r in people] == [
        ("Erika Beispiel", "erika@kita-regenbogen.example"),  # never overwritten
        ("Jonas Neu", "jonas@kita-regenbogen.example"),
    ]
    again = _apply(neo4j_settings, sheet, key="k2")
    assert again.value is not None and again.value.contact_persons_created == 0
    assert count(reference, "MATCH (p:Person)-[:CONTACT_FOR]->(:Actor {id: $id}) RETURN count(p)", id=kita) == 2


def test_an_importer_without_the_right_gets_the_persons_left_out_and_sees_none_of_them(
    reference: neo4j.Driver, neo4j_settings: Neo4jSettings, kita: str, tmp_path: Path
) -> None:
    sheet = _sheet(
        tmp_path,
        "Name;Typ;Quartier;Ansprechperson;E-Mail\n"
        "Kita Regenbogen;Kita;;Jonas Neu;jonas@kita-regenbogen.example\n"
        "Nachbarschaftstreff Hügel;Verein;Rollberg;Ada Probe;ada@treff.example\n",
    )
    manager = Principal(Role.MANAGER, frozenset({"rollberg"}), "token:m")  # Kita Regenbogen is in Flughafenstraße
    plan = _run_plan(neo4j_settings, sheet, manager)
    kita_row, treff_row = plan.actors
    (note,) = plan.contacts.of(kita_row.key)
    assert note.code is Code.CONTACT_NOT_ALLOWED
    assert note.text("de").startswith(
        "1 Kontaktperson(en) dieser Zeile werden nicht importiert: Ihr Zugang darf dem Akteur Kita Regenbogen keine"
    )
    assert note.text("en").startswith("1 contact person(s) of this row are not imported: your token may not add")
    for language in ("de", "en"):  # neither the file's persons nor those kiezgraph has are echoed
        text = note.text("de" if language == "de" else "en")
        assert "Jonas" not in text and "@" not in text and "Erika" not in text
    assert not plan.contacts.adding(kita_row.key)
    assert [p.contact.name for p in plan.contacts.adding(treff_row.key)] == ["Ada Probe"]
    assert plan.summary()["contacts.notAllowed"] == 1

    outcome = _apply(neo4j_settings, sheet, manager)  # not a failed import: the rest goes in
    assert not outcome.errors, outcome.errors
    assert outcome.value is not None and (outcome.value.actors_created, outcome.value.contact_persons_created) == (1, 1)
    assert count(reference, "MATCH (p:Person)-[:CONTACT_FOR]->(:Actor {id: $id}) RETURN count(p)", id=kita) == 1
    assert count(reference, "MATCH (:Person {name: 'Ada Probe'})-[:CONTACT_FOR]->(:Actor) RETURN count(*)") == 1


ERASE = (
    "mutation($i: PersonInput!) { erasePerson(input: $i) { erased { fields auditRecordsScrubbed } errors { code } } }"
)
ROWS = (
    "mutation($file: Upload!, $quarter: String) { createImport(file: $file, quarter: $quarter) { import { id "
    "actorRows { row addsContactPersons { name function email phone } issues { code messageDe messageEn } } } "
    "errors { code } } }"
)


def test_over_graphql_the_plan_lists_the_persons_and_erasure_removes_an_imported_one(
    reference: neo4j.Driver, neo4j_settings: Neo4jSettings, client: TestClient, admin_token: str
) -> None:
    body = upload(client, EXAMPLE.read_bytes(), EXAMPLE.name, admin_token)
    job = body["data"]["createImport"]["import"]
    rows = {r["row"]: r for r in _rows(client, admin_token)}
    assert rows[5]["addsContactPersons"] == [
        {
            "name": "Erika Beispiel",
            "function": "Leitung",
            "email": "leitung@kita-sonnenschein.example",
            "phone": "030 000000",
        }
    ]
    assert rows[7]["addsContactPersons"] == [] and rows[10]["addsContactPersons"] == []
    assert any(i["code"] == "CONTACT_INVALID" for i in rows[7]["issues"])

    gql = GraphQLClient(client)
    assert (
        gql.data("mutation($id: ID!) { applyImport(id: $id) { errors { code } } }", {"id": job["id"]})["applyImport"][
            "errors"
        ]
        == []
    )
    assert finished(gql, job["id"])["status"] == "APPLIED"

    (person,) = reference.execute_query("MATCH (p:Person {name: 'Erika Beispiel'}) RETURN p.id AS id").records
    erased = gql.data(ERASE, {"i": {"id": ids.encode("Person", person["id"])}})["erasePerson"]
    assert erased["errors"] == [] and erased["erased"]["auditRecordsScrubbed"] == 1
    assert set(erased["erased"]["fields"]) == {"name", "function", "email", "phone"}
    assert count(reference, "MATCH (p:Person {id: $id}) RETURN count(p)", id=person["id"]) == 0
    (record,) = reference.execute_query(
        "MATCH (c:Change {entity: 'Person', entityId: $id, operation: 'create'}) RETURN c.after AS after",
        id=person["id"],
    ).records
    assert "Erika" not in (record["after"] or "") and "kita-sonnenschein" not in (record["after"] or "")


def _rows(client: TestClient, token: str) -> list[dict[str, object]]:
    operations = {"query": ROWS, "variables": {"file": None, "quarter": "rollberg"}}
    response = client.post(
        "/graphql",
        data={"operations": json.dumps(operations), "map": json.dumps({"0": ["variables.file"]})},
        files={"0": (EXAMPLE.name, EXAMPLE.read_bytes(), "application/octet-stream")},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200, response.text
    rows: list[dict[str, object]] = response.json()["data"]["createImport"]["import"]["actorRows"]
    return rows
