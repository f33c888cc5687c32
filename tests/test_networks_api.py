"""Networks for frontends over HTTP: ego, quarter and whole networks, as of a date, paths, timelines."""

from __future__ import annotations

import neo4j
import pytest

from tests import factories
from tests.conftest import GraphQLClient

NET = "{ nodeCount edgeCount nodes { id name degree type quarters } edges { id source target kind since until } }"


def actor_id(gql: GraphQLClient, name: str) -> str:
    nodes = gql.data("query($t: String) { actors(filter: {text: $t}) { nodes { id name } } }", {"t": name})
    [match] = [n for n in nodes["actors"]["nodes"] if n["name"] == name]
    return str(match["id"])


def names(network: dict) -> set[str]:
    return {n["name"] for n in network["nodes"]}


def test_ego_network_one_and_two_steps_out(demo: neo4j.Driver, gql: GraphQLClient) -> None:
    kita = actor_id(gql, "Kita Sonnenschein e.V.")
    one = gql.data(f"query($id: ID!) {{ egoNetwork(actorId: $id, depth: 1) {NET} }}", {"id": kita})["egoNetwork"]
    assert names(one) == {
        "Kita Sonnenschein e.V.",
        "Grundschule am Hang",
        "Elterncafé Hügelkinder",
        "Lesepaten Am Feld e.V.",
    }
    assert one["edgeCount"] == 3  # the Kita's three ties; its partners do not cooperate among themselves
    two = gql.data(f"query($id: ID!) {{ egoNetwork(actorId: $id, depth: 2) {NET} }}", {"id": kita})["egoNetwork"]
    assert names(two) >= names(one) | {
        "Jugendclub Kiste",
        "Nachbarschaftstreff Hügel",
        "Stadtteilbibliothek Am Feld",
        "Stadtteilmütter am Damm",
        "Sportverein Kiezkicker e.V.",
    }
    ids = {n["id"] for n in two["nodes"]}
    assert all(e["source"] in ids and e["target"] in ids for e in two["edges"])
    degree = {n["name"]: n["degree"] for n in two["nodes"]}
    assert degree["Kita Sonnenschein e.V."] == 3


def test_ego_network_as_of_a_date(demo: neo4j.Driver, gql: GraphQLClient) -> None:
    lesepaten = actor_id(gql, "Lesepaten Am Feld e.V.")
    query = f"query($id: ID!, $d: Date) {{ egoNetwork(actorId: $id, depth: 1, asOf: $d) {NET} }}"
    before = gql.data(query, {"id": lesepaten, "d": "2020-01-01"})["egoNetwork"]
    after = gql.data(query, {"id": lesepaten, "d": "2022-01-01"})["egoNetwork"]
    assert "Stadtteilmütter am Damm" in names(before)  # 2017-01-01 .. 2021-06-30
    assert "Stadtteilmütter am Damm" not in names(after)
    early = gql.data(query, {"id": lesepaten, "d": "2015-01-01"})["egoNetwork"]
    assert names(early) == {"Lesepaten Am Feld e.V.", "Stadtteilbibliothek Am Feld"}  # Kita tie from 2019


def test_quarter_network_inside_and_with_outside_partners(demo: neo4j.Driver, gql: GraphQLClient) -> None:
    inside = gql.data(f'{{ quarterNetwork(slug: "rollberg") {NET} }}')["quarterNetwork"]
    assert all("rollberg" in n["quarters"] for n in inside["nodes"])
    assert {"Kita Sonnenschein e.V.", "BSG", "STADT UND LAND", "Lesepaten Am Feld e.V."} <= names(inside)
    ids = {n["id"] for n in inside["nodes"]}
    assert all(e["source"] in ids and e["target"] in ids for e in inside["edges"])
    wider = gql.data(f'{{ quarterNetwork(slug: "rollberg", includeOutsidePartners: true) {NET} }}')["quarterNetwork"]
    outside = names(wider) - names(inside)
    assert {"Sportverein Kiezkicker e.V.", "Stadtteilbibliothek Am Feld"} <= outside
    assert wider["edgeCount"] > inside["edgeCount"]


def test_network_filters_and_the_json_bulk_form_agree(demo: neo4j.Driver, gql: GraphQLClient) -> None:
    query = (
        "query($f: NetworkFilter) { network(filter: $f) { nodeCount edgeCount json "
        "nodes { id name type degree quarters actionFields synthetic latitude longitude } "
        "edges { id source target kind since until intensity actionFields synthetic } } }"
    )
    data = gql.data(query, {"f": {"cooperationKinds": ["SPACE_PROVISION"], "synthetic": True}})["network"]
    assert {e["kind"] for e in data["edges"]} == {"SPACE_PROVISION"}
    assert all(n["synthetic"] for n in data["nodes"])
    assert data["json"]["nodes"] == data["nodes"] and data["json"]["edges"] == data["edges"]
    assert data["nodeCount"] == len(data["nodes"]) and data["edgeCount"] == len(data["edges"])
    housing = gql.data(query, {"f": {"actorTypes": ["HOUSING_ASSOCIATION"]}})["network"]
    assert {n["type"] for n in housing["nodes"]} == {"HOUSING_ASSOCIATION"} and housing["edgeCount"] == 0


def test_the_whole_network_as_of_a_date(demo: neo4j.Driver, gql: GraphQLClient) -> None:
    query = "query($d: Date) { network(asOf: $d) { edges { since until } nodes { name } } }"
    on = "2018-06-01"
    edges = gql.data(query, {"d": on})["network"]["edges"]
    assert edges and all((e["since"] or "0") <= on and (e["until"] or "9999") >= on for e in edges)
    all_edges = gql.data("{ network { edgeCount } }")["network"]["edgeCount"]
    assert len(edges) < all_edges


def test_unknown_actor_or_bad_depth(demo: neo4j.Driver, gql: GraphQLClient) -> None:
    body = gql('{ egoNetwork(actorId: "QWN0b3I6bm9wZQ") { nodeCount } }')
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    kita = actor_id(gql, "Kita Sonnenschein e.V.")
    body = gql("query($id: ID!) { egoNetwork(actorId: $id, depth: 4) { nodeCount } }", {"id": kita})
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


PATHS = (
    "query($a: ID!, $b: ID!, $n: Int!, $d: Date) { paths(from: $a, to: $b, maxLength: $n, asOf: $d) "
    "{ length actors { name } cooperations { kind } } }"
)


def test_shortest_chains_between_two_actors(demo: neo4j.Driver, gql: GraphQLClient) -> None:
    kita, housing = actor_id(gql, "Kita Sonnenschein e.V."), actor_id(gql, "Wohnbau Hügel eG")
    found = gql.data(PATHS, {"a": kita, "b": housing, "n": 4})["paths"]
    assert found and {p["length"] for p in found} == {3}
    chain = [a["name"] for a in found[0]["actors"]]
    assert chain[0] == "Kita Sonnenschein e.V." and chain[-1] == "Wohnbau Hügel eG" and len(chain) == 4
    assert len(found[0]["cooperations"]) == 3
    assert gql.data(PATHS, {"a": kita, "b": housing, "n": 2})["paths"] == []
    # Before the Kita's first tie there was no chain at all.
    assert gql.data(PATHS, {"a": kita, "b": housing, "n": 6, "d": "2012-01-01"})["paths"] == []


HOPS = (
    "query($a: ID!, $b: ID!, $d: Date, $first: Int!) { paths(from: $a, to: $b, maxLength: 4, asOf: $d, "
    "first: $first) { length actors { name } cooperations { kind since } "
    "hops { position from { name } to { name } cooperations { kind since until } } } }"
)


def test_parallel_cooperations_make_one_path_with_every_tie_of_each_hop(
    reference: neo4j.Driver, gql: GraphQLClient
) -> None:
    made = {
        key: factories.actor(gql, name, quarters=[{"quarter": "rixdorf"}])["id"]
        for key, name in (
            ("kita", "Pfad Kita"),
            ("school", "Pfad Schule"),
            ("club", "Pfad Verein"),
            ("housing", "Pfad Wohnbau"),
        )
    }
    factories.cooperation(gql, made["kita"], made["school"], "PROJECT_PARTNERSHIP", since="2019-01-01")
    factories.cooperation(gql, made["kita"], made["school"], "FUNDING", since="2022-05-01")
    factories.cooperation(gql, made["school"], made["housing"], "REGULAR_EXCHANGE", since="2020-01-01")
    factories.cooperation(gql, made["kita"], made["club"], "WORKING_GROUP", since="2014-01-01")
    factories.cooperation(gql, made["club"], made["housing"], "DONATION", since="2015-01-01", until="2016-12-31")
    factories.cooperation(gql, made["club"], made["housing"], "DONATION", since="2018-01-01")

    plain = gql.data(PATHS, {"a": made["kita"], "b": made["housing"], "n": 4})["paths"]
    chains = [[a["name"] for a in p["actors"]] for p in plain]
    assert sorted(chains) == [
        ["Pfad Kita", "Pfad Schule", "Pfad Wohnbau"],
        ["Pfad Kita", "Pfad Verein", "Pfad Wohnbau"],
    ]
    found = gql.data(HOPS, {"a": made["kita"], "b": made["housing"], "first": 10})["paths"]
    chains = [[a["name"] for a in p["actors"]] for p in found]
    via_school = found[chains.index(["Pfad Kita", "Pfad Schule", "Pfad Wohnbau"])]
    assert via_school["length"] == 2
    assert [(h["position"], h["from"]["name"], h["to"]["name"]) for h in via_school["hops"]] == [
        (0, "Pfad Kita", "Pfad Schule"),
        (1, "Pfad Schule", "Pfad Wohnbau"),
    ]
    assert [c["kind"] for c in via_school["hops"][0]["cooperations"]] == ["FUNDING", "PROJECT_PARTNERSHIP"]
    assert [c["kind"] for c in via_school["cooperations"]] == ["FUNDING", "PROJECT_PARTNERSHIP", "REGULAR_EXCHANGE"]
    via_club = found[chains.index(["Pfad Kita", "Pfad Verein", "Pfad Wohnbau"])]
    assert [c["since"] for c in via_club["hops"][1]["cooperations"]] == ["2018-01-01", "2015-01-01"]
    # `first` counts actor sequences, not combinations of parallel ties.
    assert len(gql.data(HOPS, {"a": made["kita"], "b": made["housing"], "first": 2})["paths"]) == 2
    assert len(gql.data(HOPS, {"a": made["kita"], "b": made["housing"], "first": 1})["paths"]) == 1
    # In 2016 only the club's first donation ran: one chain, with that tie alone on its second hop.
    [then] = gql.data(HOPS, {"a": made["kita"], "b": made["housing"], "first": 10, "d": "2016-06-01"})["paths"]
    assert [a["name"] for a in then["actors"]] == ["Pfad Kita", "Pfad Verein", "Pfad Wohnbau"]
    assert [[(c["kind"], c["until"]) for c in h["cooperations"]] for h in then["hops"]] == [
        [("WORKING_GROUP", None)],
        [("DONATION", "2016-12-31")],
    ]


def test_path_arguments_are_checked(demo: neo4j.Driver, gql: GraphQLClient) -> None:
    kita = actor_id(gql, "Kita Sonnenschein e.V.")
    for variables, code in (
        ({"a": kita, "b": kita, "n": 3}, "BAD_USER_INPUT"),
        ({"a": kita, "b": "QWN0b3I6bm9wZQ", "n": 3}, "NOT_FOUND"),
        ({"a": kita, "b": kita, "n": 9}, "BAD_USER_INPUT"),
    ):
        assert gql(PATHS, variables)["errors"][0]["extensions"]["code"] == code


def test_timeline_per_year(reference: neo4j.Driver, gql: GraphQLClient) -> None:
    a = factories.actor(gql, "Zeitachse A", quarters=[{"quarter": "rixdorf", "since": "2019-03-01"}])["id"]
    b = factories.actor(
        gql, "Zeitachse B", quarters=[{"quarter": "rixdorf", "since": "2020-01-01", "until": "2022-12-31"}]
    )["id"]
    factories.cooperation(gql, a, b, since="2020-05-01", until="2021-02-28")
    factories.cooperation(gql, a, b, "FUNDING", since="2021-06-01")
    years = gql.data(
        '{ timeline(filter: {quarters: ["rixdorf"], synthetic: false}) { undatedCooperations years { '
        "year actorsStarted actorsEnded actorsActive cooperationsStarted cooperationsEnded "
        "cooperationsActive } } }"
    )["timeline"]
    by_year = {y["year"]: y for y in years["years"]}
    assert by_year[2019] == {
        "year": 2019,
        "actorsStarted": 1,
        "actorsEnded": 0,
        "actorsActive": 1,
        "cooperationsStarted": 0,
        "cooperationsEnded": 0,
        "cooperationsActive": 0,
    }
    assert by_year[2021]["cooperationsStarted"] == 1 and by_year[2021]["cooperationsEnded"] == 1
    assert by_year[2021]["cooperationsActive"] == 2
    assert by_year[2022]["cooperationsActive"] == 1 and by_year[2022]["actorsEnded"] == 1
    assert by_year[2023]["actorsActive"] == 1
    assert years["undatedCooperations"] == 0


@pytest.mark.parametrize("field", ["network", 'quarterNetwork(slug: "nowhere")'])
def test_unknown_quarters_are_refused(demo: neo4j.Driver, gql: GraphQLClient, field: str) -> None:
    query = (
        '{ network(filter: {quarters: ["nowhere"]}) { nodeCount } }'
        if field == "network"
        else f"{{ {field} {{ nodeCount }} }}"
    )
    assert gql(query)["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


def test_a_network_read_again_is_the_same_until_a_write_changes_it(demo: neo4j.Driver, gql: GraphQLClient) -> None:
    # Networks are kept by data revision (a map opened again reads nothing else): the same
    # revision gives the same answer, and a write is in the very next read.
    query = '{ quarterNetwork(slug: "rollberg") { revision nodeCount json } }'
    first = gql.data(query)["quarterNetwork"]
    assert gql.data(query)["quarterNetwork"] == first
    created = gql.data(
        "mutation($i: CreateActorInput!) { createActor(input: $i) { actor { id } errors { code } } }",
        {"i": {"type": "INITIATIVE", "name": "Hofgarten Neu", "quarters": [{"quarter": "rollberg"}]}},
    )["createActor"]
    assert created["errors"] == []
    after = gql.data(query)["quarterNetwork"]
    assert after["revision"] > first["revision"] and after["nodeCount"] == first["nodeCount"] + 1
    assert "Hofgarten Neu" in {n["name"] for n in after["json"]["nodes"]}


def test_ego_network_answers_only_the_selected_fields_and_the_same_values(
    demo: neo4j.Driver, gql: GraphQLClient
) -> None:
    # Nodes and edges are computed field by field as selected (issue 16, W4): every selection must
    # answer exactly its fields, with the values of the full one, which agrees with `json`.
    kita = actor_id(gql, "Kita Sonnenschein e.V.")
    node_fields = ["id", "name", "type", "quarters", "actionFields", "degree", "synthetic", "latitude", "longitude"]
    edge_fields = ["id", "source", "target", "kind", "since", "until", "intensity", "actionFields", "synthetic"]
    full = gql.data(
        f"query($id: ID!) {{ egoNetwork(actorId: $id, depth: 2) {{ json nodes {{ {' '.join(node_fields)} }} "
        f"edges {{ {' '.join(edge_fields)} projectId }} }} }}",
        {"id": kita},
    )["egoNetwork"]
    assert len(full["edges"]) > 5 and any(e["since"] for e in full["edges"])
    assert full["json"]["nodes"] == full["nodes"]
    assert full["json"]["edges"] == [{k: v for k, v in e.items() if k != "projectId"} for e in full["edges"]]
    assert all(e["projectId"] is None for e in full["edges"])  # cooperations only, by default
    w4 = gql.data(
        "query($id: ID!) { egoNetwork(actorId: $id, depth: 2) { nodes { id name type } edges { id source target kind } } }",
        {"id": kita},
    )["egoNetwork"]
    assert w4["nodes"] == [{k: n[k] for k in ("id", "name", "type")} for n in full["nodes"]]
    assert w4["edges"] == [{k: e[k] for k in ("id", "source", "target", "kind")} for e in full["edges"]]
    # Aliases, a fragment, a field included by a variable, a field alone.
    odd = gql.data(
        """query($id: ID!, $dates: Boolean!) { egoNetwork(actorId: $id, depth: 2) {
          nodes { who: name ...Where } edges { from: source since @include(if: $dates) until @include(if: $dates) } } }
        fragment Where on NetworkNode { degree quarters }""",
        {"id": kita, "dates": True},
    )["egoNetwork"]
    assert odd["nodes"] == [{"who": n["name"], "degree": n["degree"], "quarters": n["quarters"]} for n in full["nodes"]]
    assert odd["edges"] == [{"from": e["source"], "since": e["since"], "until": e["until"]} for e in full["edges"]]
    only = gql.data("query($id: ID!) { egoNetwork(actorId: $id, depth: 2) { edges { intensity } } }", {"id": kita})[
        "egoNetwork"
    ]
    assert only["edges"] == [{"intensity": e["intensity"]} for e in full["edges"]]
