"""Reading actors over HTTP: lookups, filters, name search, sorting and stable cursors."""

from __future__ import annotations

import neo4j
import pytest

from graph.names import sort_key
from tests import factories
from tests.conftest import GraphQLClient

NAMES = "query($f: ActorFilter, $o: [ActorOrder!], $first: Int, $after: String) { actors(filter: $f, orderBy: $o, first: $first, after: $after) { totalCount pageInfo { hasNextPage hasPreviousPage endCursor } edges { cursor node { name } } } }"


def names(gql: GraphQLClient, f: dict | None = None, **kw: object) -> list[str]:
    data = gql.data(NAMES, {"f": f, **kw})["actors"]
    return [e["node"]["name"] for e in data["edges"]]


@pytest.fixture
def town(reference: neo4j.Driver, gql: GraphQLClient) -> dict[str, dict]:
    """A handful of actors in Rollberg and Körnerpark, with cooperations."""
    made = {
        "kita": factories.actor(
            gql,
            "Kita Sonnenschein e.V.",
            "INSTITUTION",
            institutionKind="KITA",
            quarters=[{"quarter": "rollberg", "since": "2010-01-01"}],
            actionFields=["bildung"],
            location={"latitude": 52.4775, "longitude": 13.4320},
        ),
        "school": factories.actor(
            gql,
            "Grundschule am Berg",
            "INSTITUTION",
            institutionKind="SCHOOL",
            quarters=[{"quarter": "rollberg"}],
            actionFields=["bildung"],
            location={"latitude": 52.4790, "longitude": 13.4330},
        ),
        "garden": factories.actor(
            gql,
            "Körnerpark-Gärten",
            "INITIATIVE",
            legalForm="EV",
            quarters=[{"quarter": "koernerpark", "since": "2015-01-01", "until": "2019-12-31"}],
            actionFields=["oeffentlicher-raum"],
            location={"latitude": 52.4719, "longitude": 13.4378},
        ),
        "cafe": factories.actor(
            gql,
            "Café Eck",
            "COMPANY",
            sector="gastronomy",
            quarters=[{"quarter": "rollberg"}],
            actionFields=["nachbarschaft-integration"],
        ),
        "old": factories.actor(
            gql,
            "Jugendwerkstatt Alt",
            "COMPANY",
            quarters=[{"quarter": "rollberg"}],
            actionFields=["bildung-ausbildung-jugend"],
        ),
    }
    factories.cooperation(gql, made["kita"]["id"], made["school"]["id"], actionFields=["bildung"], since="2016-09-01")
    factories.cooperation(
        gql,
        made["cafe"]["id"],
        made["garden"]["id"],
        "SPACE_PROVISION",
        actionFields=["oeffentlicher-raum"],
        since="2018-01-01",
        until="2019-06-30",
    )
    return made


def test_actor_by_id_with_its_type_fields(town: dict, gql: GraphQLClient) -> None:
    data = gql.data(
        "query($id: ID!) { actor(id: $id) { __typename name type version ... on Institution { kind } "
        "location { latitude } quarters { quarter { slug } since } actionFields { key name } } }",
        {"id": town["kita"]["id"]},
    )["actor"]
    assert data["__typename"] == "Institution" and data["type"] == "INSTITUTION" and data["kind"] == "KITA"
    assert data["quarters"] == [{"quarter": {"slug": "rollberg"}, "since": "2010-01-01"}]
    assert data["actionFields"] == [{"key": "bildung", "name": "Bildung"}]
    assert data["version"] == 1 and data["location"]["latitude"] == pytest.approx(52.4775)


def test_node_resolves_every_kind_of_global_id(town: dict, gql: GraphQLClient) -> None:
    quarter_id = gql.data('{ quarter(slug: "rollberg") { id } }')["quarter"]["id"]
    field_id = gql.data("{ actionFields { id key } }")["actionFields"][0]["id"]
    coop_id = gql.data(
        "query($id: ID!) { actor(id: $id) { cooperations { edges { node { id } } } } }", {"id": town["kita"]["id"]}
    )["actor"]["cooperations"]["edges"][0]["node"]["id"]
    query = "query($id: ID!) { node(id: $id) { __typename id } }"
    for node_id, typename in (
        (town["kita"]["id"], "Institution"),
        (quarter_id, "Quarter"),
        (field_id, "ActionField"),
        (coop_id, "Cooperation"),
    ):
        assert gql.data(query, {"id": node_id})["node"] == {"__typename": typename, "id": node_id}
    assert gql.data(query, {"id": "not-an-id"})["node"] is None
    assert gql.data(query, {"id": "QWN0b3I6bm9wZQ"})["node"] is None  # "Actor:nope"


def test_filter_by_type_quarter_and_action_field(town: dict, gql: GraphQLClient) -> None:
    companies = names(gql, {"types": ["COMPANY"], "quarters": ["rollberg"]})
    assert companies == ["BSG", "Café Eck", "Jugendwerkstatt Alt"]
    # "bildung" also finds actors recorded with its 2010s predecessor "Bildung, Ausbildung, Jugend".
    assert names(gql, {"actionFields": ["bildung"]}) == [
        "Grundschule am Berg",
        "Jugendwerkstatt Alt",
        "Kita Sonnenschein e.V.",
    ]


def test_active_on_a_date(town: dict, gql: GraphQLClient) -> None:
    assert names(gql, {"quarters": ["koernerpark"], "activeOn": "2017-05-01"}) == ["Körnerpark-Gärten"]
    assert names(gql, {"quarters": ["koernerpark"], "activeOn": "2021-05-01"}) == []
    assert "Kita Sonnenschein e.V." not in names(gql, {"activeOn": "2005-01-01", "quarters": ["rollberg"]})


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("Koernerpark", "Körnerpark-Gärten"),
        ("korner", "Körnerpark-Gärten"),
        ("KÖRNERPARK gaerten", "Körnerpark-Gärten"),
        ("KITA Sonnenschein", "Kita Sonnenschein e.V."),
        ("sonnenschein", "Kita Sonnenschein e.V."),
        ("cafe eck", "Café Eck"),
    ],
)
def test_text_search_finds_names_the_way_people_type(town: dict, gql: GraphQLClient, typed: str, expected: str) -> None:
    assert names(gql, {"text": typed}) == [expected]


def test_actors_in_a_quarter_lacking_a_cooperation_on_bildung(town: dict, gql: GraphQLClient) -> None:
    lacking = names(
        gql,
        {
            "quarters": ["rollberg"],
            "lacksCooperation": {"actionFields": ["bildung"]},
            "synthetic": False,
            "types": ["INSTITUTION", "COMPANY", "INITIATIVE"],
        },
    )
    assert lacking == ["BSG", "Café Eck", "Jugendwerkstatt Alt"]
    having = names(gql, {"hasCooperation": {"actionFields": ["bildung"], "activeOn": "2020-01-01"}})
    assert having == ["Grundschule am Berg", "Kita Sonnenschein e.V."]


def test_distance_from_a_point(town: dict, gql: GraphQLClient) -> None:
    near = {"latitude": 52.4776, "longitude": 13.4321}
    assert names(gql, {"near": {**near, "withinMetres": 50}}) == ["Kita Sonnenschein e.V."]
    assert names(gql, {"near": {**near, "withinMetres": 300}}) == ["Grundschule am Berg", "Kita Sonnenschein e.V."]
    body = gql(NAMES, {"f": {"near": {**near, "withinMetres": 10_000_000}}})
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


def test_and_or_not_nest(town: dict, gql: GraphQLClient) -> None:
    f = {"or": [{"text": "kita"}, {"text": "cafe"}], "not": {"types": ["COMPANY"]}}
    assert names(gql, f) == ["Kita Sonnenschein e.V."]


def test_sort_by_cooperation_count_and_creation(town: dict, gql: GraphQLClient) -> None:
    ours = {"synthetic": False, "quarters": ["rollberg", "koernerpark"], "types": ["INSTITUTION", "INITIATIVE"]}
    by_count = names(gql, ours, o=[{"field": "COOPERATION_COUNT", "direction": "DESC"}, {"field": "NAME"}])
    assert by_count == ["Grundschule am Berg", "Kita Sonnenschein e.V.", "Körnerpark-Gärten"]
    newest = names(gql, {"synthetic": False, "text": "e"}, o=[{"field": "CREATED_AT", "direction": "DESC"}])
    assert newest[0] == "Jugendwerkstatt Alt"


def test_cursors_page_through_everything_once(demo: neo4j.Driver, gql: GraphQLClient) -> None:
    total = gql.data("{ actors { totalCount } }")["actors"]["totalCount"]
    seen: list[str] = []
    after = None
    while True:
        page = gql.data(NAMES, {"first": 7, "after": after})["actors"]
        seen += [e["node"]["name"] for e in page["edges"]]
        assert page["totalCount"] == total
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert len(seen) == total == len(set(seen))
    assert seen == sorted(seen, key=sort_key)


def test_a_cursor_stays_valid_when_data_changes(demo: neo4j.Driver, gql: GraphQLClient) -> None:
    first = gql.data(NAMES, {"first": 5})["actors"]
    cursor = first["pageInfo"]["endCursor"]
    expected_next = names(gql, after=cursor, first=5)
    factories.actor(gql, "AAA Neuer Verein")  # sorts before the cursor
    factories.actor(gql, "Zzz Späterer Verein")  # sorts at the end
    assert names(gql, after=cursor, first=5) == expected_next


def test_bad_page_arguments_are_clear_errors(demo: neo4j.Driver, gql: GraphQLClient) -> None:
    for variables in ({"first": 101}, {"first": -1}, {"after": "garbage"}):
        body = gql(NAMES, variables)
        assert body["data"] is None
        assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", body
    cursor = gql.data(NAMES, {"first": 1})["actors"]["pageInfo"]["endCursor"]
    body = gql(NAMES, {"after": cursor, "o": [{"field": "CREATED_AT"}]})
    assert "different ordering" in body["errors"][0]["message"]


def test_unknown_quarter_or_field_in_a_filter(demo: neo4j.Driver, gql: GraphQLClient) -> None:
    body = gql(NAMES, {"f": {"quarters": ["atlantis"]}})
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT" and "atlantis" in body["errors"][0]["message"]
    body = gql(NAMES, {"f": {"actionFields": ["kochen"]}})
    assert "kochen" in body["errors"][0]["message"]
