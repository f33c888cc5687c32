"""A sheet row that is an actor kiezgraph has: what the import adds to it, what it refuses to
overwrite, and that a second import adds nothing — against the real Neo4j."""

from __future__ import annotations

from pathlib import Path

import neo4j
import pytest

from core.access import Principal, Role
from exchange.messages import Code
from exchange.plan import ActorOutcome
from graph.db import Neo4jSettings
from graph.names import name_key
from resolvers.outcomes import RefusalCode
from tests.conftest import count
from tests.test_imports import ADMIN, _apply, _plan

SHEET = (
    "Name;Typ;Quartier;seit;Handlungsfelder;Schlagworte;Website\n"
    "Kita Regenbogen e.V.;Kita;Rollberg;01.09.2015;Bildung;Sprachförderung;https://andere-seite.example\n"
)
CHANGES = "MATCH (c:Change {entity: 'Actor', entityId: 'kita9', operation: 'update'}) RETURN count(c)"


@pytest.fixture
def kita(reference: neo4j.Driver) -> str:
    """An actor kiezgraph has: in Flughafenstraße, with a website, no action field, no tags."""
    reference.execute_query(
        "MATCH (q:Quarter {slug: 'flughafenstrasse'}) "
        "CREATE (a:Actor:Institution {id: 'kita9', name: 'Kita Regenbogen', nameKey: $key, type: 'Institution', "
        "archived: false, version: 1, website: 'https://kita-regenbogen.example', tags: [], "
        "createdAt: datetime(), updatedAt: datetime()})"
        "-[:ACTIVE_IN {role: 'member', since: date('2010-01-01')}]->(q)",
        key=name_key("Kita Regenbogen"),
    )
    return "kita9"


def _sheet(tmp_path: Path, text: str = SHEET) -> Path:
    path = tmp_path / "partner.csv"
    path.write_text(text, encoding="utf-8-sig")
    return path


def test_a_matching_row_adds_a_membership_and_an_action_field_once(
    reference: neo4j.Driver, neo4j_settings: Neo4jSettings, kita: str, tmp_path: Path
) -> None:
    sheet = _sheet(tmp_path)
    plan = _plan(neo4j_settings, sheet)
    (step,) = plan.actors
    assert step.outcome is ActorOutcome.EXISTING and step.decision is not None and step.decision.into_actor == kita
    found = plan.merges.of(step.key)
    adds = {i.text("en") for i in found if i.code is Code.MERGE_ADDS}
    assert any("Quarter rollberg (2015-09-01" in t for t in adds), adds
    assert any("Action fields bildung" in t for t in adds), adds
    (conflict,) = [i for i in found if i.code is Code.MERGE_CONFLICT]
    assert "https://andere-seite.example" in conflict.text("en") and "existing value is kept" in conflict.text("en")
    assert conflict.text("de").startswith("Website weicht vom vorhandenen Akteur Kita Regenbogen ab")
    assert plan.summary()["merges.conflicts"] == 1

    outcome = _apply(neo4j_settings, sheet)
    assert not outcome.errors, outcome.errors
    assert outcome.value is not None and (outcome.value.actors_merged, outcome.value.actors_updated) == (1, 1)
    assert outcome.value.actors_created == 0
    since = reference.execute_query(
        "MATCH (:Actor {id: $id})-[m:ACTIVE_IN]->(:Quarter {slug: 'rollberg'}) RETURN toString(m.since) AS s", id=kita
    ).records
    assert [r["s"] for r in since] == ["2015-09-01"]
    assert (
        count(
            reference, "MATCH (:Actor {id: $id})-[:WORKS_ON]->(:ActionField {key: 'bildung'}) RETURN count(*)", id=kita
        )
        == 1
    )
    state = reference.execute_query(
        "MATCH (a:Actor {id: $id}) RETURN a.website AS w, a.tags AS t, a.version AS v", id=kita
    )
    assert state.records[0]["w"] == "https://kita-regenbogen.example"  # the conflict is not overwritten
    assert state.records[0]["t"] == ["Sprachförderung"]
    assert state.records[0]["v"] == 2
    assert count(reference, CHANGES) == 1
    audit = reference.execute_query(
        "MATCH (c:Change {entityId: $id, operation: 'update'}) RETURN c.principal AS who, c.fields AS fields", id=kita
    ).records[0]
    assert audit["who"] == ADMIN.label and {"actionFields", "quarters", "tags"} <= set(audit["fields"])

    again = _plan(neo4j_settings, sheet)
    assert [i.code for i in again.merges.of(step.key)] == [Code.MERGE_CONFLICT]  # only the website is left
    second = _apply(neo4j_settings, sheet, key="k2")  # another key: compared afresh, nothing to add
    assert second.value is not None and not second.value.replayed and second.value.actors_updated == 0
    assert count(reference, CHANGES) == 1
    assert count(reference, "MATCH (a:Actor {id: $id}) RETURN a.version", id=kita) == 2
    assert count(reference, "MATCH (:Actor {id: $id})-[m:ACTIVE_IN]->() RETURN count(m)", id=kita) == 2


def test_a_manager_adds_to_an_actor_of_another_quarter_not_at_all(
    reference: neo4j.Driver, neo4j_settings: Neo4jSettings, kita: str, tmp_path: Path
) -> None:
    manager = Principal(Role.MANAGER, frozenset({"rollberg"}), "token:m")
    refused = _apply(neo4j_settings, _sheet(tmp_path), manager)
    assert refused.value is None
    assert [(e.code, e.path) for e in refused.errors] == [(RefusalCode.FORBIDDEN, ("rows", "partner!2"))]
    assert count(reference, "MATCH (:Actor {id: $id})-[m:ACTIVE_IN]->() RETURN count(m)", id=kita) == 1
    assert count(reference, "MATCH (c:Change) RETURN count(c)") == 0

    own = Principal(Role.MANAGER, frozenset({"flughafenstrasse"}), "token:f")
    refused = _apply(neo4j_settings, _sheet(tmp_path), own)  # Rollberg is not theirs
    assert [(e.code, e.path) for e in refused.errors] == [(RefusalCode.FORBIDDEN, ("rows", "partner!2"))]
    in_own = _sheet(tmp_path, SHEET.replace("Rollberg", "Flughafenstraße"))
    done = _apply(neo4j_settings, in_own, own, key="k3")  # their own quarter: the action field goes in
    assert done.value is not None and done.value.actors_updated == 1, done.errors
    assert count(reference, "MATCH (:Actor {id: $id})-[:WORKS_ON]->() RETURN count(*)", id=kita) == 1
