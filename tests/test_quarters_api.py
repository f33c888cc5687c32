"""The quarters queries over HTTP."""

from __future__ import annotations

import neo4j

from tests.conftest import GraphQLClient
from tests.test_seeds import NEUKOELLN_AREAS

QUARTERS = """
{ quarters { id slug name status district sources
             start { year date note sources }
             endDate plannedEndDate
             area { hectares sources } residents { count year sources }
             landmark { latitude longitude source }
             mergedInto { slug } mergedFrom { slug } merger { date sources into { name } } } }
"""


def test_quarters_lists_the_eleven_areas_and_rixdorf(reference: neo4j.Driver, gql: GraphQLClient) -> None:
    quarters = gql.data(QUARTERS)["quarters"]
    assert {q["name"] for q in quarters} == NEUKOELLN_AREAS | {"Rixdorf"}
    assert len(quarters) == 12
    assert [q["name"] for q in quarters][:2] == ["Donaustraße-Nord", "Flughafenstraße"]
    for q in quarters:
        assert q["sources"], q["name"]
        if q["residents"]:
            assert q["residents"]["sources"] and q["residents"]["year"]


def test_a_quarter_by_slug_with_its_facts(reference: neo4j.Driver, gql: GraphQLClient) -> None:
    q = gql.data(
        '{ quarter(slug: "schillerpromenade") { name status start { year date } endDate '
        "area { hectares } residents { count year } landmark { latitude longitude } } }"
    )["quarter"]
    assert q == {
        "name": "Schillerpromenade",
        "status": "ENDED",
        "start": {"year": 1999, "date": "1999-03-30"},
        "endDate": "2020-12-31",
        "area": {"hectares": 92.58},
        "residents": {"count": 22997, "year": 2018},
        "landmark": {"latitude": 52.4761, "longitude": 13.4225},
    }


def test_active_areas_carry_their_planned_end(reference: neo4j.Driver, gql: GraphQLClient) -> None:
    q = gql.data('{ quarter(slug: "rollberg") { status plannedEndDate endDate } }')["quarter"]
    assert q == {"status": "ACTIVE", "plannedEndDate": "2027-12-31", "endDate": None}


def test_rixdorf_knows_what_merged_into_it(reference: neo4j.Driver, gql: GraphQLClient) -> None:
    data = gql.data(
        '{ rixdorf: quarter(slug: "rixdorf") { mergedFrom { name } } '
        'gang: quarter(slug: "ganghoferstrasse") { status mergedInto { name } '
        "merger { date sources } } }"
    )
    assert [q["name"] for q in data["rixdorf"]["mergedFrom"]] == ["Ganghoferstraße", "Richardplatz Süd"]
    assert data["gang"]["status"] == "MERGED"
    assert data["gang"]["mergedInto"] == {"name": "Rixdorf"}
    assert data["gang"]["merger"]["date"] == "2021-01-01" and data["gang"]["merger"]["sources"]


def test_slugs_are_matched_case_insensitively_and_unknown_ones_are_null(
    reference: neo4j.Driver, gql: GraphQLClient
) -> None:
    assert gql.data('{ quarter(slug: " Rollberg ") { name } }')["quarter"] == {"name": "Rollberg"}
    assert gql.data('{ quarter(slug: "atlantis") { name } }')["quarter"] is None


def test_a_malformed_query_gets_a_validation_error_not_a_crash(reference: neo4j.Driver, gql: GraphQLClient) -> None:
    body = gql("{ quarters { nonsense } }")
    [error] = body["errors"]
    assert "nonsense" in error["message"]
