"""Reading cooperations over HTTP: partners, an actor's cooperations, the network, quarters."""

from __future__ import annotations

import neo4j
import pytest

from core.access import Principal, Role
from core.context import Context
from core.services import Services
from graph.db import Database, Neo4jSettings
from resolvers import ids
from schema import build_schema
from tests import factories
from tests.conftest import GraphQLClient, run_async


@pytest.fixture
def net(reference: neo4j.Driver, gql: GraphQLClient) -> dict[str, str]:
    a = factories.actor(gql, "Kita Blau", "INSTITUTION", quarters=[{"quarter": "rollberg"}])["id"]
    b = factories.actor(gql, "Mieterinitiative Rot", "INITIATIVE", quarters=[{"quarter": "rollberg"}])["id"]
    c = factories.actor(
        gql,
        "Wohnen Grün eG",
        "HOUSING_ASSOCIATION",
        ownership="COOPERATIVE",
        quarters=[{"quarter": "high-deck-siedlung", "role": "HOUSING_OWNER", "flats": 300}],
    )["id"]
    d = factories.actor(gql, "Laden Gelb", "COMPANY", quarters=[{"quarter": "flughafenstrasse"}])["id"]
    factories.cooperation(gql, a, b, "REGULAR_EXCHANGE", actionFields=["bildung"], since="2015-01-01", intensity=2)
    factories.cooperation(
        gql, a, b, "PROJECT_PARTNERSHIP", actionFields=["bildung"], since="2020-03-01", until="2022-02-28", intensity=3
    )
    factories.cooperation(
        gql, c, b, "SPACE_PROVISION", actionFields=["nachbarschaft-integration"], since="2019-05-01", intensity=3
    )
    factories.cooperation(gql, d, a, "DONATION", since="2021-01-01", intensity=1)
    return {"kita": a, "initiative": b, "housing": c, "shop": d}


PARTNERS = """
query($id: ID!, $f: CooperationFilter) { actor(id: $id) { cooperationCount partnerCount
  partners(filter: $f) { totalCount edges { node { name } cooperation { kind } cooperations { kind since } } } } }
"""


def test_partners_are_distinct_with_every_cooperation_on_the_edge(net: dict, gql: GraphQLClient) -> None:
    kita = gql.data(PARTNERS, {"id": net["kita"]})["actor"]
    assert (kita["cooperationCount"], kita["partnerCount"]) == (3, 2)
    edges = kita["partners"]["edges"]
    assert [e["node"]["name"] for e in edges] == ["Laden Gelb", "Mieterinitiative Rot"]
    assert edges[1]["cooperations"] == [
        {"kind": "PROJECT_PARTNERSHIP", "since": "2020-03-01"},
        {"kind": "REGULAR_EXCHANGE", "since": "2015-01-01"},
    ]
    assert edges[1]["cooperation"] == {"kind": "PROJECT_PARTNERSHIP"}


def test_partners_are_found_from_either_side(net: dict, gql: GraphQLClient) -> None:
    shop = gql.data(PARTNERS, {"id": net["shop"]})["actor"]["partners"]["edges"]
    assert [e["node"]["name"] for e in shop] == ["Kita Blau"]


def test_partner_filter_applies_to_the_cooperations(net: dict, gql: GraphQLClient) -> None:
    current = gql.data(PARTNERS, {"id": net["kita"], "f": {"activeOn": "2023-01-01"}})["actor"]["partners"]
    assert current["totalCount"] == 2
    [rot] = [e for e in current["edges"] if e["node"]["name"] == "Mieterinitiative Rot"]
    assert [c["kind"] for c in rot["cooperations"]] == ["REGULAR_EXCHANGE"]


def test_an_actors_cooperations_ordered_and_paged(net: dict, gql: GraphQLClient) -> None:
    query = """query($id: ID!, $after: String) { actor(id: $id) { cooperations(first: 2, after: $after,
      orderBy: [{field: SINCE, direction: ASC}]) { totalCount pageInfo { hasNextPage endCursor }
      nodes { since actors { name } } } } }"""
    page1 = gql.data(query, {"id": net["kita"]})["actor"]["cooperations"]
    assert page1["totalCount"] == 3 and page1["pageInfo"]["hasNextPage"]
    assert [n["since"] for n in page1["nodes"]] == ["2015-01-01", "2020-03-01"]
    page2 = gql.data(query, {"id": net["kita"], "after": page1["pageInfo"]["endCursor"]})["actor"]["cooperations"]
    assert [n["since"] for n in page2["nodes"]] == ["2021-01-01"] and not page2["pageInfo"]["hasNextPage"]
    assert [a["name"] for a in page2["nodes"][0]["actors"]] == ["Kita Blau", "Laden Gelb"]


NETWORK = "query($f: CooperationFilter) { cooperations(filter: $f) { totalCount nodes { kind } } }"


@pytest.mark.parametrize(
    "f, kinds",
    [
        ({"kinds": ["DONATION", "SPACE_PROVISION"]}, ["DONATION", "SPACE_PROVISION"]),
        ({"actionFields": ["bildung"]}, ["PROJECT_PARTNERSHIP", "REGULAR_EXCHANGE"]),
        (
            {"activeDuring": {"start": "2022-06-01", "end": "2022-12-31"}},
            ["DONATION", "SPACE_PROVISION", "REGULAR_EXCHANGE"],
        ),
        ({"started": {"start": "2019-01-01", "end": "2020-12-31"}}, ["PROJECT_PARTNERSHIP", "SPACE_PROVISION"]),
        ({"quarters": ["high-deck-siedlung"]}, ["SPACE_PROVISION"]),
        ({"quarters": ["rollberg"], "bothInQuarters": True}, ["PROJECT_PARTNERSHIP", "REGULAR_EXCHANGE"]),
        ({"betweenTypes": ["HOUSING_ASSOCIATION", "INITIATIVE"]}, ["SPACE_PROVISION"]),
        ({"betweenTypes": ["INITIATIVE", "HOUSING_ASSOCIATION"]}, ["SPACE_PROVISION"]),
        ({"actorTypes": ["COMPANY"]}, ["DONATION"]),
        ({"minIntensity": 3}, ["PROJECT_PARTNERSHIP", "SPACE_PROVISION"]),
        ({"current": False}, ["PROJECT_PARTNERSHIP"]),
        (
            {"or": [{"kinds": ["DONATION"]}, {"minIntensity": 3}], "not": {"kinds": ["SPACE_PROVISION"]}},
            ["DONATION", "PROJECT_PARTNERSHIP"],
        ),
    ],
)
def test_network_cooperation_filters(net: dict, gql: GraphQLClient, f: dict, kinds: list[str]) -> None:
    data = gql.data(NETWORK, {"f": f})["cooperations"]
    assert sorted(n["kind"] for n in data["nodes"]) == sorted(kinds)
    assert data["totalCount"] == len(kinds)


def test_between_types_needs_two_types(net: dict, gql: GraphQLClient) -> None:
    body = gql(NETWORK, {"f": {"betweenTypes": ["COMPANY"]}})
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


def test_a_quarter_shows_its_actors_cooperations_and_counts(net: dict, gql: GraphQLClient) -> None:
    q = gql.data(
        '{ quarter(slug: "rollberg") { actors(filter: {synthetic: false}) { totalCount nodes { name } } '
        "cooperations { totalCount } actorCounts { type count } "
        "keyOrganisations { actor { name } role flats shareNote sources } } }"
    )["quarter"]
    assert [n["name"] for n in q["actors"]["nodes"]] == ["BSG", "Kita Blau", "Mieterinitiative Rot", "STADT UND LAND"]
    assert q["cooperations"]["totalCount"] == 4  # every cooperation touches the Kita or the initiative
    assert {c["type"]: c["count"] for c in q["actorCounts"]} == {
        "INSTITUTION": 1,
        "INITIATIVE": 1,
        "COMPANY": 1,
        "HOUSING_ASSOCIATION": 1,
    }
    owner = next(o for o in q["keyOrganisations"] if o["role"] == "HOUSING_OWNER")
    assert owner["actor"]["name"] == "STADT UND LAND" and owner["flats"] == 2100 and owner["sources"]
    assert owner["shareNote"] == "more than 90 %"


def test_housing_flats_are_known_per_quarter(net: dict, gql: GraphQLClient) -> None:
    data = gql.data(
        "query($id: ID!) { actor(id: $id) { ... on HousingAssociation { ownership knownFlats "
        "quarters { role flats quarter { slug } } } } }",
        {"id": net["housing"]},
    )["actor"]
    assert data["ownership"] == "COOPERATIVE" and data["knownFlats"] == 300
    assert data["quarters"] == [{"role": "HOUSING_OWNER", "flats": 300, "quarter": {"slug": "high-deck-siedlung"}}]


def test_action_fields_and_their_generations(reference: neo4j.Driver, gql: GraphQLClient) -> None:
    fields = gql.data("{ actionFields(era: GENERATION_2010S) { key successors { key } } }")["actionFields"]
    mapping = {f["key"]: [s["key"] for s in f["successors"]] for f in fields}
    assert mapping["bildung-ausbildung-jugend"] == ["bildung"]
    assert mapping["arbeit-wirtschaft"] == []
    current = gql.data("{ actionFields(era: CURRENT) { key crossCutting predecessors { key } } }")["actionFields"]
    assert len(current) == 6 and sum(f["crossCutting"] for f in current) == 1


PARTNERS_BY_TYPE = """
{ actors(filter: {quarters: ["rollberg"]}) { edges { node { name
  ... on Institution { partners { edges { node { name type } } } }
  ... on Initiative { partners { edges { node { name } cooperation { kind } } } } } } } }
"""


def test_partners_asked_differently_per_actor_type_are_read_as_each_asks(net: dict, gql: GraphQLClient) -> None:
    # The same place in the answer, two selections: the Institution's partners without their
    # cooperations (read first, by name), the Initiative's with them. Asked twice, as a client
    # paging a map does: the second answer comes from the same operation.
    for _ in range(2):
        found = {e["node"]["name"]: e["node"] for e in gql.data(PARTNERS_BY_TYPE)["actors"]["edges"]}
        kita, initiative = (found[name]["partners"]["edges"] for name in ("Kita Blau", "Mieterinitiative Rot"))
        assert kita == [
            {"node": {"name": "Laden Gelb", "type": "COMPANY"}},
            {"node": {"name": "Mieterinitiative Rot", "type": "INITIATIVE"}},
        ]
        assert initiative == [
            {"node": {"name": "Kita Blau"}, "cooperation": {"kind": "PROJECT_PARTNERSHIP"}},
            {"node": {"name": "Wohnen Grün eG"}, "cooperation": {"kind": "SPACE_PROVISION"}},
        ]


def test_an_actor_detail_asked_again_with_other_variables_reads_ahead_for_each(
    neo4j_settings: Neo4jSettings, demo: neo4j.Driver
) -> None:
    # The detail's read-ahead (schema.selection.detail_reads_of) is kept per document only where
    # no argument below `actor` is a variable: `partners(first: $n)` must be read ahead as each
    # request asks, one statement each; a kept first request's page would cost a second one.
    records, _, _ = demo.execute_query(
        "MATCH (a:Actor) WHERE a.archived = false RETURN a.id AS id ORDER BY COUNT { (a)--(:Actor) } DESC LIMIT 1"
    )
    hub = ids.encode("Actor", records[0]["id"])
    document = "query($id: ID!, $n: Int) { actor(id: $id) { id partners(first: $n) { edges { node { id } } } } }"
    literal = "query($id: ID!) { actor(id: $id) { id partners(first: 4) { edges { node { id } } } } }"
    schema = build_schema()

    async def work(db: Database) -> list[tuple[int, int]]:
        found = []
        for text, n in ((document, 2), (document, 5), (document, 3), (literal, None), (literal, None)):
            sent = db.round_trips
            context = Context.for_request(db, Services(), principal=Principal(Role.ADMIN))
            result = await schema.execute(text, variable_values={"id": hub, "n": n}, context_value=context)
            assert result.errors is None and result.data is not None, result.errors
            found.append((len(result.data["actor"]["partners"]["edges"]), db.round_trips - sent))
        return found

    assert run_async(neo4j_settings, work) == [(2, 1), (5, 1), (3, 1), (4, 1), (4, 1)]
