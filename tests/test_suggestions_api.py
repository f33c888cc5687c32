"""Partner suggestions and missing links over HTTP."""

from __future__ import annotations

import neo4j
import pytest

from tests import factories
from tests.conftest import GraphQLClient

SUGGEST = """query($id: ID!, $field: String, $q: String, $types: [ActorType!], $first: Int!,
  $w: SuggestionWeightsInput) { suggestPartners(actorId: $id, actionField: $field, quarter: $q, types: $types,
  first: $first, weights: $w) { actor { name } weights { sharedPartners distance }
  suggestions { actor { id name } score distanceMetres sharedPartners { name } reasons { kind text contribution } } } }"""


@pytest.fixture
def kiez(reference: neo4j.Driver, gql: GraphQLClient) -> dict[str, str]:
    """A small Rollberg network: a new Kita, its partner school, and actors around them."""
    here = {"latitude": 52.4772, "longitude": 13.4322}
    made = {
        "kita": factories.actor(gql, "Neue Kita Rollberg", "INSTITUTION", actionFields=["bildung"],
                                quarters=[{"quarter": "rollberg"}], location=here),
        "school": factories.actor(gql, "Schule am Rollberg", "INSTITUTION", actionFields=["bildung"],
                                  quarters=[{"quarter": "rollberg"}]),
        "readers": factories.actor(gql, "Lesepaten Rollberg e.V.", "INITIATIVE", actionFields=["bildung"],
                                   quarters=[{"quarter": "rollberg"}], location={"latitude": 52.4778, "longitude": 13.4330}),
        "garden": factories.actor(gql, "Gemeinschaftsgarten Rollberg", "INITIATIVE",
                                  actionFields=["oeffentlicher-raum"], quarters=[{"quarter": "rollberg"}]),
        "far": factories.actor(gql, "Sprachcafé Gropiusstadt", "INITIATIVE", actionFields=["bildung"],
                               quarters=[{"quarter": "gropiusstadt"}], location={"latitude": 52.4258, "longitude": 13.4614}),
        "old": factories.actor(gql, "Früherer Partner", "COMPANY", actionFields=["bildung"], quarters=[{"quarter": "rollberg"}]),
        "gone": factories.actor(gql, "Archivierte Initiative", "INITIATIVE", actionFields=["bildung"],
                                quarters=[{"quarter": "rollberg"}]),
    }
    ids = {k: v["id"] for k, v in made.items()}
    factories.cooperation(gql, ids["kita"], ids["school"], since="2024-09-01")
    factories.cooperation(gql, ids["school"], ids["readers"], since="2022-01-01", actionFields=["bildung"])
    factories.cooperation(gql, ids["kita"], ids["old"], since="2019-01-01", until="2020-12-31")
    gql.data("mutation($i: ActorStateInput!) { archiveActor(input: $i) { errors { code } } }", {"i": {"id": ids["gone"]}})
    return ids


def suggested(gql: GraphQLClient, ids: dict, **variables: object) -> list[dict]:
    result = gql.data(SUGGEST, {"id": ids["kita"], "first": 10, **variables})["suggestPartners"]
    return list(result["suggestions"])


def test_ranked_suggestions_with_reasons(kiez: dict, gql: GraphQLClient) -> None:
    found = suggested(gql, kiez)
    names = [s["actor"]["name"] for s in found]
    assert names[0] == "Lesepaten Rollberg e.V."  # shares the school, same quarter, same field, next door
    top = found[0]
    assert [p["name"] for p in top["sharedPartners"]] == ["Schule am Rollberg"]
    kinds = {r["kind"] for r in top["reasons"]}
    assert {"SHARED_PARTNERS", "SAME_QUARTER", "SHARED_ACTION_FIELDS", "DISTANCE"} <= kinds
    assert any("Schule am Rollberg" in r["text"] for r in top["reasons"])
    assert top["distanceMetres"] == pytest.approx(84, abs=10)
    assert sum(r["contribution"] for r in top["reasons"]) == pytest.approx(top["score"], abs=0.02)
    assert [s["score"] for s in found] == sorted((s["score"] for s in found), reverse=True)


def test_self_existing_former_and_archived_partners_never_appear(kiez: dict, gql: GraphQLClient) -> None:
    names = {s["actor"]["name"] for s in suggested(gql, kiez)}
    assert names.isdisjoint({"Neue Kita Rollberg", "Schule am Rollberg", "Früherer Partner", "Archivierte Initiative"})


def test_action_field_quarter_and_type_focus(kiez: dict, gql: GraphQLClient) -> None:
    green = {s["actor"]["name"] for s in suggested(gql, kiez, field="oeffentlicher-raum")}
    assert green == {"Gemeinschaftsgarten Rollberg"}
    companies = suggested(gql, kiez, types=["COMPANY"])
    assert companies and {s["actor"]["name"] for s in companies} <= {"BSG", "Stadtkümmerei", "Weeber+Partner",
                                                                     "S.T.E.R.N.", "Mieterberatung Prenzlauer Berg"}
    # Gropiusstadt is 6 km from Rollberg: not suggested by default, but when it is the quarter in focus.
    assert "Sprachcafé Gropiusstadt" not in {s["actor"]["name"] for s in suggested(gql, kiez)}
    there = {s["actor"]["name"]: s for s in suggested(gql, kiez, q="gropiusstadt")}
    far = there["Sprachcafé Gropiusstadt"]
    assert any(r["kind"] == "SAME_QUARTER" and "Gropiusstadt" in r["text"] for r in far["reasons"])


def test_weights_are_returned_and_adjustable(kiez: dict, gql: GraphQLClient) -> None:
    default = gql.data(SUGGEST, {"id": kiez["kita"], "first": 3})["suggestPartners"]["weights"]
    assert default == {"sharedPartners": 0.35, "distance": 0.1}
    only_distance = {"sharedPartners": 0, "sharedActionFields": 0, "sameQuarter": 0, "distance": 1,
                     "complementaryType": 0, "recentActivity": 0}
    result = gql.data(SUGGEST, {"id": kiez["kita"], "first": 3, "w": only_distance})["suggestPartners"]
    assert result["weights"] == {"sharedPartners": 0.0, "distance": 1.0}
    located = [s for s in result["suggestions"] if s["distanceMetres"] is not None]
    assert [s["distanceMetres"] for s in located] == sorted(s["distanceMetres"] for s in located)


def test_bad_requests_are_clear_errors(kiez: dict, gql: GraphQLClient) -> None:
    for variables, code in (({"id": "QWN0b3I6bm9wZQ"}, "NOT_FOUND"),
                            ({"w": {"distance": -1}}, "BAD_USER_INPUT"),
                            ({"first": 0}, "BAD_USER_INPUT"),
                            ({"field": "kochen"}, "BAD_USER_INPUT"),
                            ({"id": kiez["gone"]}, "BAD_USER_INPUT")):
        body = gql(SUGGEST, {"id": kiez["kita"], "first": 10, **variables})
        assert body["errors"][0]["extensions"]["code"] == code, variables


def test_missing_links_join_separate_groups_first(kiez: dict, gql: GraphQLClient) -> None:
    links = gql.data('{ missingLinks(quarter: "rollberg", first: 5) { actors { name } score joinsComponents '
                     "reasons } }")["missingLinks"]
    assert links and links[0]["joinsComponents"]
    assert [link["score"] for link in links] == sorted((link["score"] for link in links), reverse=True)
    pair = {a["name"] for a in links[0]["actors"]}
    assert len(pair) == 2 and pair & {"Neue Kita Rollberg", "Schule am Rollberg", "Lesepaten Rollberg e.V.",
                                      "Früherer Partner"}
    assert "no path between them" in links[0]["reasons"][0]
