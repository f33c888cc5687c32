"""When a QM area ends: an admin ends the quarter and hands it over; the at-risk analysis and the
network change, on a network built for them, over HTTP against the real Neo4j.

The built network (quarter Rollberg, all actors fictional):

    A1 ─ A2 ─ A3 ─ A1        (group A: Bildung; A2–A3 was a project partnership until 2019,
     │                        a working group since 2020)
    QM ─ B1 ─ B2             (group B, since 2021)
     │
     L                       (L knows only the QM office, on Gesundheit und Bewegung)

The QM office is the only bridge between the two groups and L's only partner: it must come out
as at risk.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import neo4j
import pytest
from starlette.testclient import TestClient

from analysis import at_risk, change
from graph.db import Neo4jSettings
from graph.networks import EdgeRow, NetworkData, NodeRow
from tests import factories
from tests.conftest import GraphQLClient, count, issue_token

TODAY = dt.date.today()
ERR = "errors { __typename code message path }"
SET = f"""mutation($i: SetQuarterStatusInput!) {{ setQuarterStatus(input: $i) {{
  quarter {{ slug status endDate successor {{ id name }} }} {ERR} }} }}"""
HAND = f"""mutation($i: HandOverQuarterInput!) {{ handOverQuarter(input: $i) {{
  quarter {{ slug }} issued {{ secret token {{ id role quarters name }} }} withdrawn {{ id quarters revokedAt }} {ERR} }} }}"""
ROLLBERG_SINCE = [{"quarter": "rollberg", "since": "2010-01-01"}]


def _actor(gql: GraphQLClient, name: str, quarters: list[dict[str, Any]] | None = None, **fields: Any) -> str:
    return str(factories.actor(gql, name, quarters=quarters or ROLLBERG_SINCE, **fields)["id"])


def _quarter_state(driver: neo4j.Driver, slug: str) -> tuple[Any, ...]:
    records, _, _ = driver.execute_query(
        "MATCH (q:Quarter {slug: $slug}) RETURN q.status, q.endDate, [(q)-[:SUCCEEDED_BY]->(s) | s.id]", slug=slug
    )
    return tuple(records[0])


# ---- ending a quarter and handing it over ---------------------------------------------------


@dataclass
class Handover:
    successor: str
    person: str
    member: str


@pytest.fixture
def handover(reference: neo4j.Driver, gql: GraphQLClient) -> Handover:
    successor = _actor(gql, "Nachbarschaftszentrum Testweg", type_="INSTITUTION")
    person = gql.data(
        "mutation($i: AddContactPersonInput!) { addContactPerson(input: $i) { person { id } } }",
        {"i": {"actorId": successor, "name": "Frau Nachfolge"}},
    )["addContactPerson"]["person"]["id"]
    member = _actor(gql, "Mietertreff Testweg")
    return Handover(successor, person, member)


def test_an_admin_ends_a_quarter_and_names_its_successor(handover: Handover, gql: GraphQLClient) -> None:
    ended = TODAY - dt.timedelta(days=1)
    payload = gql.data(
        SET,
        {
            "i": {
                "quarter": "rollberg",
                "status": "ENDED",
                "endDate": ended.isoformat(),
                "successorId": handover.successor,
            }
        },
    )["setQuarterStatus"]
    assert payload["errors"] == []
    assert payload["quarter"]["status"] == "ENDED" and payload["quarter"]["endDate"] == ended.isoformat()
    assert payload["quarter"]["successor"]["id"] == handover.successor
    read = gql.data('{ quarter(slug: "rollberg") { status successor { name } } }')["quarter"]
    assert read == {"status": "ENDED", "successor": {"name": "Nachbarschaftszentrum Testweg"}}


def test_an_ended_quarter_is_read_only_for_its_managers_but_not_for_admins(
    handover: Handover, gql: GraphQLClient, neo4j_settings: Neo4jSettings
) -> None:
    manager = gql.as_(issue_token(neo4j_settings, "manager", ["rollberg"]))
    create = f"""mutation($i: CreateActorInput!) {{ createActor(input: $i) {{ actor {{ id }} {ERR} }} }}"""
    new = {"type": "INITIATIVE", "name": "Neue Initiative", "quarters": [{"quarter": "rollberg"}]}
    assert manager.data(create, {"i": new})["createActor"]["errors"] == []  # still open
    gql.data(SET, {"i": {"quarter": "rollberg", "status": "ENDED", "endDate": TODAY.isoformat()}})
    refused = manager.data(create, {"i": {**new, "name": "Noch eine Initiative"}})["createActor"]
    assert [e["code"] for e in refused["errors"]] == ["FORBIDDEN"] and "read-only" in refused["errors"][0]["message"]
    assert gql.data(create, {"i": {**new, "name": "Admin-Initiative"}})["createActor"]["errors"] == []


@pytest.mark.parametrize(
    ("change_", "code", "path"),
    [
        ({"status": "ENDED"}, "VALIDATION", ["input", "endDate"]),
        (
            {"status": "ENDED", "endDate": (TODAY + dt.timedelta(days=30)).isoformat()},
            "VALIDATION",
            ["input", "endDate"],
        ),
        ({"status": "MERGED", "endDate": "2020-12-31"}, "VALIDATION", ["input", "status"]),
        ({"status": "ENDED", "endDate": "1990-01-01"}, "INVALID_DATE_RANGE", ["input", "endDate"]),
        ({"status": "ACTIVE", "successorId": "QWN0b3I6bm9wZQ=="}, "NOT_FOUND", ["input", "successorId"]),
        ({"quarter": "atlantis", "status": "ACTIVE"}, "UNKNOWN_QUARTER", ["input", "quarter"]),
        (
            {"quarter": "ganghoferstrasse", "status": "ENDED", "endDate": "2020-12-31"},
            "VALIDATION",
            ["input", "quarter"],
        ),
    ],
)
def test_a_bad_status_change_is_refused_with_a_typed_error_and_changes_nothing(
    reference: neo4j.Driver, gql: GraphQLClient, change_: dict[str, Any], code: str, path: list[str]
) -> None:
    slug = change_.get("quarter", "rollberg")
    before = _quarter_state(reference, slug) if slug != "atlantis" else None
    changes = count(reference, "MATCH (c:Change) RETURN count(c)")
    payload = gql.data(SET, {"i": {"quarter": "rollberg", **change_}})["setQuarterStatus"]
    assert payload["quarter"] is None
    assert [(e["code"], e["path"]) for e in payload["errors"]] == [(code, path)]
    if before is not None:
        assert _quarter_state(reference, slug) == before
    assert count(reference, "MATCH (c:Change) RETURN count(c)") == changes


def test_only_admins_end_quarters_or_hand_them_over(
    handover: Handover, gql: GraphQLClient, neo4j_settings: Neo4jSettings, reference: neo4j.Driver
) -> None:
    before = _quarter_state(reference, "rollberg")
    for token in (
        issue_token(neo4j_settings, "manager", ["rollberg"]),
        issue_token(neo4j_settings, "researcher"),
        None,
    ):
        caller = gql.as_(token)
        ended = {"quarter": "rollberg", "status": "ENDED", "endDate": TODAY.isoformat()}
        assert [e["code"] for e in caller.data(SET, {"i": ended})["setQuarterStatus"]["errors"]] == ["FORBIDDEN"]
        handed = caller.data(HAND, {"i": {"quarter": "rollberg", "mode": "SHARE"}})["handOverQuarter"]
        assert [e["code"] for e in handed["errors"]] == ["FORBIDDEN"] and handed["issued"] == []
    assert _quarter_state(reference, "rollberg") == before


def test_a_handover_needs_a_successor_and_its_own_people(handover: Handover, gql: GraphQLClient) -> None:
    no_successor = gql.data(HAND, {"i": {"quarter": "rollberg", "mode": "SHARE"}})["handOverQuarter"]
    assert [e["code"] for e in no_successor["errors"]] == ["VALIDATION"]
    gql.data(SET, {"i": {"quarter": "rollberg", "status": "ACTIVE", "successorId": handover.successor}})
    stranger = gql.data(
        "mutation($i: AddContactPersonInput!) { addContactPerson(input: $i) { person { id } } }",
        {"i": {"actorId": handover.member, "name": "Herr Fremd"}},
    )["addContactPerson"]["person"]["id"]
    wrong = gql.data(HAND, {"i": {"quarter": "rollberg", "mode": "SHARE", "personIds": [stranger]}})["handOverQuarter"]
    assert [(e["code"], e["path"]) for e in wrong["errors"]] == [("VALIDATION", ["input", "personIds", "0"])]
    assert wrong["issued"] == []


def _persons_of(caller: GraphQLClient, actor: str) -> Any:
    """The contact persons the caller sees (None: hidden from it)."""
    return caller.data("query($id: ID!) { actor(id: $id) { contactPersons { name } } }", {"id": actor})["actor"][
        "contactPersons"
    ]


def test_transfer_hands_the_quarter_to_the_successors_people_and_takes_it_from_the_old_managers(
    handover: Handover, gql: GraphQLClient, neo4j_settings: Neo4jSettings, client: TestClient, reference: neo4j.Driver
) -> None:
    old_only = issue_token(neo4j_settings, "manager", ["rollberg"], name="QM-Team")
    old_both = issue_token(neo4j_settings, "manager", ["rollberg", "flughafenstrasse"], name="QM-Team 2")
    gql.data(
        "mutation($i: AddContactPersonInput!) { addContactPerson(input: $i) { person { id } } }",
        {"i": {"actorId": handover.member, "name": "Frau Treff"}},
    )
    ended = (TODAY - dt.timedelta(days=1)).isoformat()
    gql.data(
        SET, {"i": {"quarter": "rollberg", "status": "ENDED", "endDate": ended, "successorId": handover.successor}}
    )
    done = gql.data(HAND, {"i": {"quarter": "rollberg", "mode": "TRANSFER", "personIds": [handover.person]}})[
        "handOverQuarter"
    ]
    assert done["errors"] == []
    [issued] = done["issued"]
    assert issued["token"]["role"] == "manager" and issued["token"]["quarters"] == ["rollberg"]
    assert "Frau Nachfolge" not in issued["token"]["name"]  # tokens name people by id only
    withdrawn = {t["id"]: t for t in done["withdrawn"]}
    assert withdrawn[old_only.split("_")[1]]["revokedAt"] is not None
    assert withdrawn[old_both.split("_")[1]] == {
        "id": old_both.split("_")[1],
        "quarters": ["flughafenstrasse"],
        "revokedAt": None,
    }
    # The successor's person reads the ended quarter's contact persons, and changes nothing there.
    successor = gql.as_(issued["secret"])
    assert _persons_of(successor, handover.member) == [{"name": "Frau Treff"}]
    update = successor.data(
        "mutation($i: AddContactPersonInput!) { addContactPerson(input: $i) { errors { code } } }",
        {"i": {"actorId": handover.member, "name": "Neu"}},
    )
    assert update["addContactPerson"]["errors"] == [{"code": "FORBIDDEN"}]
    # The old managers lost the quarter: the revoked token is refused, the other one reads no more there.
    assert (
        client.post(
            "/graphql", json={"query": "{ quarters { slug } }"}, headers={"Authorization": f"Bearer {old_only}"}
        ).status_code
        == 401
    )
    assert _persons_of(gql.as_(old_both), handover.member) is None
    audit = count(reference, "MATCH (c:Change {entity: 'Quarter', operation: 'handOver'}) RETURN count(c)")
    assert audit == 1


def test_share_keeps_the_old_managers(handover: Handover, gql: GraphQLClient, neo4j_settings: Neo4jSettings) -> None:
    old = issue_token(neo4j_settings, "manager", ["rollberg"], name="QM-Team")
    gql.data(SET, {"i": {"quarter": "rollberg", "status": "ACTIVE", "successorId": handover.successor}})
    done = gql.data(HAND, {"i": {"quarter": "rollberg", "mode": "SHARE"}})["handOverQuarter"]
    assert done["errors"] == [] and done["withdrawn"] == [] and len(done["issued"]) == 1
    create = "mutation($i: CreateActorInput!) { createActor(input: $i) { errors { code } } }"
    for token in (old, done["issued"][0]["secret"]):
        new = {"type": "INITIATIVE", "name": f"Initiative {token[-6:]}", "quarters": [{"quarter": "rollberg"}]}
        assert gql.as_(token).data(create, {"i": new})["createActor"]["errors"] == []


# ---- at-risk ties and network change ----------------------------------------------------------


@dataclass
class Built:
    ids: dict[str, str]


def _coop(gql: GraphQLClient, built: dict[str, str], a: str, b: str, **fields: Any) -> None:
    factories.cooperation(gql, built[a], built[b], **fields)


@pytest.fixture
def built(reference: neo4j.Driver, gql: GraphQLClient) -> Built:
    ids = {
        "QM": _actor(
            gql, "QM-Büro Testkiez", type_="INSTITUTION", quarters=[{"quarter": "rollberg", "role": "QM_OPERATOR"}]
        ),
        **{
            k: _actor(gql, f"Akteur {k}", quarters=[{"quarter": "rollberg", "since": "2012-01-01"}])
            for k in ("A1", "A2", "A3")
        },
        **{
            k: _actor(gql, f"Akteur {k}", quarters=[{"quarter": "rollberg", "since": "2021-01-01"}])
            for k in ("B1", "B2")
        },
        "L": _actor(gql, "Akteur L", quarters=[{"quarter": "rollberg", "since": "2012-01-01"}]),
    }
    bildung = {"actionFields": ["bildung"]}
    _coop(gql, ids, "A1", "A2", since="2015-01-01", **bildung)
    _coop(gql, ids, "A2", "A3", since="2015-01-01", until="2019-12-31", **bildung)
    _coop(gql, ids, "A2", "A3", kind="WORKING_GROUP", since="2020-01-01", **bildung)
    _coop(gql, ids, "A3", "A1", since="2015-01-01", **bildung)
    _coop(gql, ids, "QM", "A1", kind="REGULAR_EXCHANGE", since="2015-01-01")
    _coop(gql, ids, "QM", "B1", kind="REGULAR_EXCHANGE", since="2021-01-01")
    _coop(gql, ids, "B1", "B2", since="2021-06-01", actionFields=["oeffentlicher-raum"])
    _coop(gql, ids, "QM", "L", since="2016-01-01", actionFields=["gesundheit-bewegung"])
    return Built(ids)


AT_RISK = """query($qm: [ID!]) { atRisk(slug: "rollberg", qmActorIds: $qm) {
  actorCount components componentsWithoutQm qmActors { id }
  cutVertices { qm actor { id } cutOffCount cutOff { id } }
  bridges { qm actors { id } cutOff { id } }
  isolatedWithoutQm { id } cutOffWithoutQm { id }
  actionFields { key cooperations throughQm lostWithoutQm } } }"""


def test_the_qm_office_as_the_only_bridge_between_two_groups_comes_out_at_risk(
    built: Built, gql: GraphQLClient
) -> None:
    ids = built.ids
    result = gql.as_(None).data(AT_RISK)["atRisk"]
    qm_ids = {a["id"] for a in result["qmActors"]}
    assert ids["QM"] in qm_ids  # by its QM_OPERATOR membership (BSG, the real Träger, too)
    first = result["cutVertices"][0]
    assert first["qm"] and first["actor"]["id"] == ids["QM"]
    assert {a["id"] for a in first["cutOff"]} == {ids["B1"], ids["B2"], ids["L"]}
    assert ids["B1"] in {a["id"] for c in result["cutVertices"] for a in [c["actor"]]}  # B1 holds B2
    bridges = {frozenset(a["id"] for a in b["actors"]): b for b in result["bridges"]}
    assert bridges[frozenset((ids["QM"], ids["B1"]))]["qm"]
    assert {a["id"] for a in bridges[frozenset((ids["QM"], ids["B1"]))]["cutOff"]} == {ids["B1"], ids["B2"]}
    assert frozenset((ids["A1"], ids["A2"])) not in bridges  # inside the triangle: not at risk
    assert [a["id"] for a in result["isolatedWithoutQm"]] == [ids["L"]]
    assert {a["id"] for a in result["cutOffWithoutQm"]} == {ids["B1"], ids["B2"], ids["L"]}
    fields = {f["key"]: f for f in result["actionFields"]}
    assert fields["gesundheit-bewegung"] == {
        "key": "gesundheit-bewegung",
        "cooperations": 1,
        "throughQm": 1,
        "lostWithoutQm": True,
    }
    assert fields["bildung"]["lostWithoutQm"] is False
    assert result["componentsWithoutQm"] > result["components"]


def test_at_risk_takes_the_qm_actors_it_is_given(built: Built, gql: GraphQLClient) -> None:
    result = gql.data(AT_RISK, {"qm": [built.ids["A1"]]})["atRisk"]
    assert [a["id"] for a in result["qmActors"]] == [built.ids["A1"]]
    assert [c["actor"]["id"] for c in result["cutVertices"] if c["qm"]] == [built.ids["A1"]]
    assert gql('{ atRisk(slug: "atlantis") { actorCount } }')["errors"][0]["extensions"]["code"] == "NOT_FOUND"


CHANGE = """query($from: Date!, $to: Date) { networkChange(slug: "rollberg", from: $from, to: $to) {
  before { day actorCount ties cooperationCount density components brokers { id } }
  after { day actorCount ties cooperationCount density components brokers { id } }
  actorsAppeared { id } actorsEnded { id } cooperationsAppeared cooperationsEnded
  pairsChanged { actors { id } kindsBefore kindsAfter } } }"""


def test_network_change_between_two_days(built: Built, gql: GraphQLClient) -> None:
    ids = built.ids
    result = gql.as_(None).data(CHANGE, {"from": "2018-06-01", "to": "2022-06-01"})["networkChange"]
    before, after = result["before"], result["after"]
    assert {a["id"] for a in result["actorsAppeared"]} == {ids["B1"], ids["B2"]}
    assert result["actorsEnded"] == []
    assert len(result["cooperationsAppeared"]) == 3 and len(result["cooperationsEnded"]) == 1
    [pair] = result["pairsChanged"]
    assert {a["id"] for a in pair["actors"]} == {ids["A2"], ids["A3"]}
    assert (pair["kindsBefore"], pair["kindsAfter"]) == (["PROJECT_PARTNERSHIP"], ["WORKING_GROUP"])
    assert after["actorCount"] - before["actorCount"] == 2
    assert after["ties"] == 7 and before["ties"] == 5  # A-triangle, QM–A1, QM–L; then + QM–B1, B1–B2
    assert after["brokers"][0]["id"] == ids["QM"]
    bad = gql(CHANGE, {"from": "2022-06-01", "to": "2018-06-01"})
    assert bad["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


# ---- the analyses on their own (pure) ---------------------------------------------------------


def _node(i: str) -> NodeRow:
    return NodeRow(i, i, "Initiative", ["q"], [], True, None, None, None, None)


def _edge(i: str, a: str, b: str, since: str | None = None, fields: list[str] | None = None) -> EdgeRow:
    return EdgeRow(i, a, b, "working_group", since, None, None, fields or [], True)


def test_without_a_qm_nothing_is_put_at_risk_by_its_end() -> None:
    data = NetworkData([_node(i) for i in "abcd"], [_edge("1", "a", "b"), _edge("2", "b", "c")])
    result = at_risk.analyse(data, [])
    assert result.qm_ids == () and result.isolated_without_qm == () and result.cut_off_without_qm == ()
    assert [c.id for c in result.cut_vertices] == ["b"] and {(b.a, b.b) for b in result.bridges} == {
        ("a", "b"),
        ("b", "c"),
    }
    assert result.components == 2  # d has no partner


def test_the_change_series_counts_what_was_there_each_day() -> None:
    data = NetworkData(
        [_node(i) for i in "abc"], [_edge("1", "a", "b", "2010-01-01"), _edge("2", "b", "c", "2020-01-01")]
    )
    first, second = change.series(data, [dt.date(2015, 1, 1), dt.date(2021, 1, 1)])
    assert (first.ties, first.components, second.ties, second.components) == (1, 2, 2, 1)
    assert second.density == pytest.approx(2 / 3) and second.brokers == ("b",)
