"""The cost limit: the estimate (objects an answer can hold), its declarations, and the budgets
per role, over HTTP against the real Neo4j."""

from __future__ import annotations

import re
from collections.abc import Iterator

import neo4j
import pytest
from graphql import (
    GraphQLSchema,
    get_introspection_query,
    get_named_type,
    get_nullable_type,
    is_composite_type,
    is_list_type,
    parse,
)
from starlette.testclient import TestClient

from core.access import Role
from graph.db import Neo4jSettings
from kiezgraph.app import create_app
from kiezgraph.settings import DEFAULT_BUDGETS, ServiceOptions, Settings, SettingsError
from schema import build_schema
from schema.cost import ACTION_FIELDS, INTROSPECTION_SCHEMA, PART_NETWORK, SIZES, SMALL, WHOLE_NETWORK, estimate
from tests.conftest import ROOT, TEST_OPTIONS, GraphQLClient, issue_token

SCHEMA: GraphQLSchema = build_schema()._schema

# Nested partners three levels deep, a full page at each: within depth, alias and token limits,
# and an answer of up to two million objects.
ATTACK = (
    "{ actors(first: 100) { edges { node { name partners(first: 100) { edges { node { name "
    "partners(first: 100) { edges { node { name } } } } } } } } } }"
)
ATTACK_COST = 1 + 100 * (1 + 1 + 1 + 100 * (1 + 1 + 1 + 100 * 2))  # page, edge, node, connection


def cost(query: str, variables: dict | None = None, operation: str | None = None) -> int | None:
    return estimate(SCHEMA, parse(query), variables, operation)


# ---- the estimate -------------------------------------------------------------------------------


def test_lists_count_their_page_and_nesting_multiplies() -> None:
    assert cost("{ actors { totalCount } }") == 1  # the connection alone
    assert cost("{ actors { nodes { name } } }") == 1 + 20  # the default page
    assert cost("{ actors(first: 5) { edges { cursor node { name } } } }") == 1 + 5 * 2
    assert cost("{ actors(first: 1000) { nodes { name } } }") == 1 + 100  # the resolver refuses it anyway
    assert cost("{ actors(first: 10) { nodes { partners(first: 3) { edges { node { name } } } } } }") == 1 + 10 * (
        1 + 1 + 3 * 2
    )
    assert cost(ATTACK) == ATTACK_COST


def test_arguments_come_from_variables_and_defaults() -> None:
    query = "query($n: Int) { actors(first: $n) { nodes { name } } }"
    assert cost(query, {"n": 7}) == 8
    assert cost(query, {}) == 21
    assert cost(query, {"n": "many"}) == 101  # not a number: counted at the maximum
    assert cost('{ paths(from: "a", to: "b") { length } }') == 10  # paths default to 10
    assert cost('query($n: Int!) { paths(from: "a", to: "b", first: $n) { actors { name } } }', {"n": 50}) == 50 * (
        1 + 7
    )
    assert cost('{ suggestPartners(actorId: "a", first: 50) { suggestions { actor { name } } } }') == 1 + 50 * 2
    assert cost("{ actorMetrics(first: 10000) { nodes { actor { name } } } }") == 1 + 10_000 * 2


def test_one_document_asked_again_is_estimated_for_each_requests_variables() -> None:
    # The same parsed document (as the parser cache hands it to every request with the same text)
    # with other values: each request gets the estimate of its own variables, whatever was asked before.
    document = parse(
        "query($id: ID!, $n: Int, $more: Boolean!) { actor(id: $id) { name "
        "partners(first: $n) { edges { node { name } } } cooperations(first: 5) @include(if: $more) { totalCount } } }"
    )
    asked = [
        ({"id": "a", "n": 3, "more": False}, 1 + 1 + 3 * 2),
        ({"id": "b", "n": 3, "more": False}, 1 + 1 + 3 * 2),
        ({"id": "a", "n": 10, "more": False}, 1 + 1 + 10 * 2),
        ({"id": "a", "n": 10, "more": True}, 1 + 1 + 10 * 2 + 1),
        ({"id": "a", "n": "ten", "more": True}, 1 + 1 + 100 * 2 + 1),
        ({"id": "a", "n": None, "more": False}, 1 + 1 + 20 * 2),
        ({"id": "c", "n": 3, "more": False}, 1 + 1 + 3 * 2),
    ]
    for _ in range(2):
        for variables, expected in asked:
            assert estimate(SCHEMA, document, variables, None) == expected, variables


def test_aliases_count_separately_and_repeated_fields_once() -> None:
    assert cost("{ a: actors(first: 10) { nodes { name } } b: actors(first: 10) { nodes { name } } }") == 2 * 11
    # Fields a document repeats under one response key are executed once.
    assert cost("{ actors(first: 10) { nodes { name } } actors(first: 10) { nodes { sortName } } }") == 11


def test_fragments_and_inline_fragments_are_followed() -> None:
    spread = """query { actors(first: 10) { ...Page } }
                fragment Page on ActorConnection { nodes { ...Partners } }
                fragment Partners on Actor { partners(first: 5) { edges { node { name } } } }"""
    assert cost(spread) == 1 + 10 * (1 + 1 + 5 * 2)
    # On an abstract type each concrete type counts what applies to it; the dearest one counts.
    inline = """{ actors(first: 10) { nodes {
        ... on Initiative { partners(first: 5) { edges { node { name } } } }
        ... on Company { actionFields { key } } } } }"""
    assert cost(inline) == 1 + 10 * (1 + max(1 + 5 * 2, ACTION_FIELDS))
    node = '{ node(id: "x") { ... on Quarter { actors(first: 30) { nodes { name } } } } }'
    assert cost(node) == 1 + 1 + 30


def test_skip_and_include_are_honoured_when_known() -> None:
    query = "query($s: Boolean!) { actors(first: 100) @skip(if: $s) { nodes { name } } }"
    assert cost(query, {"s": True}) == 0
    assert cost(query, {"s": False}) == 101
    assert cost("{ actors(first: 100) @include(if: false) { nodes { name } } }") == 0


def test_networks_count_by_their_kind_and_json_at_a_discount() -> None:
    whole_typed = "{ network { nodes { id } edges { id } } }"
    assert cost(whole_typed) == 1 + sum(WHOLE_NETWORK)
    assert cost("{ network { json } }") == 1 + sum(WHOLE_NETWORK) // 10
    ego = "query($id: ID!) { egoNetwork(actorId: $id, depth: 2) { nodes { id } edges { id } } }"
    assert cost(ego, {"id": "x"}) == 1 + sum(PART_NETWORK)
    assert cost('{ quarterNetwork(slug: "rollberg") { nodeCount edgeCount } }') == 1


def test_introspection_counts_a_fixed_amount() -> None:
    assert cost(get_introspection_query()) == INTROSPECTION_SCHEMA
    assert cost("{ __typename }") == 0


def test_the_operation_named_is_the_one_estimated() -> None:
    document = "query A { quarters { name } } query B { actors(first: 7) { nodes { name } } }"
    assert cost(document, operation="B") == 8
    assert cost(document, operation="C") is None  # graphql-core reports the unknown operation


def test_mutation_payloads_count_what_they_select() -> None:
    query = """mutation($i: CreateActorInput!) { createActor(input: $i) {
        actor { partners(first: 100) { edges { node { name } } } } errors { code } } }"""
    assert cost(query, {"i": {}}) == 1 + (1 + (1 + 100 * 2)) + SMALL


def _list_fields(schema: GraphQLSchema) -> Iterator[str]:
    for type_ in schema.type_map.values():
        if type_.name.startswith("__") or not hasattr(type_, "fields") or not hasattr(type_, "interfaces"):
            continue
        for name, field in type_.fields.items():
            if is_list_type(get_nullable_type(field.type)) and is_composite_type(get_named_type(field.type)):
                yield f"{type_.name}.{name}"


def test_every_list_of_objects_declares_its_size() -> None:
    def declared(key: str) -> bool:
        type_name, field = key.split(".")
        interfaces = [i.name for i in SCHEMA.get_type(type_name).interfaces]  # type: ignore[union-attr]
        return key in SIZES or any(f"{i}.{field}" in SIZES for i in interfaces)

    assert [key for key in _list_fields(SCHEMA) if not declared(key)] == []
    # ...and every declaration names a field that exists.
    stale = [
        key
        for key in SIZES
        if key.split(".")[1] not in ("__schema", "__type")
        and key.split(".")[1] not in getattr(SCHEMA.get_type(key.split(".")[0]), "fields", {})
    ]
    assert stale == []


# ---- budgets: what users send stays within them -------------------------------------------------


def _readme_queries() -> Iterator[str]:
    text = (ROOT / "README.md").read_text()
    for block in re.findall(r"```graphql\n(.*?)```", text, re.S):
        # Each example starts at `{`, `query` or `mutation` on a line of its own (after comments).
        current: list[str] = []
        for line in block.splitlines():
            if re.match(r"(\{|query|mutation)", line) and current:
                yield "\n".join(current)
                current = []
            if not line.startswith("#"):
                current.append(line)
        if current:
            yield "\n".join(current)


# The documents the map frontends and the peer benchmark (/work/shared/peer-bench) send, anonymously.
FRONTEND = [
    """query W1($q: [String!]) { actors(first: 50, filter: {quarters: $q}) { edges { node {
       id name type partners(first: 10) { edges { node { id name } } } } } } }""",
    """query W2($id: ID!) { actor(id: $id) { id name type description version
       quarters { quarter { name slug } since until role } actionFields { key name }
       partners(first: 20) { totalCount edges { node { id name type } cooperation { kind since until intensity } } } } }""",
    """query W3($t: [ActorType!], $q: [String!], $text: String) {
       actors(first: 20, filter: {types: $t, quarters: $q, text: $text}) { totalCount edges { node { id name type } } } }""",
    """query W4($id: ID!) { egoNetwork(actorId: $id, depth: 2) { nodes { id name type } edges { id source target kind } } }""",
]


def test_readme_examples_and_frontend_queries_fit_the_public_budget() -> None:
    queries = list(_readme_queries())
    assert len(queries) >= 10  # the parser above found the examples
    analysis = ("actorMetrics", "networkMetrics", "suggestPartners", "missingLinks")
    for query in queries + FRONTEND:
        role = Role.RESEARCHER if any(field in query for field in analysis) else Role.PUBLIC
        estimated = cost(query, {"id": "x", "a": "x", "b": "x"})
        assert estimated is not None and estimated <= DEFAULT_BUDGETS[role], (query, estimated)


def test_budgets_grow_with_the_role() -> None:
    b = DEFAULT_BUDGETS
    assert b[Role.PUBLIC] < b[Role.RESEARCHER] <= b[Role.ADMIN] and b[Role.PUBLIC] < b[Role.MANAGER] <= b[Role.ADMIN]
    # The bulk path for whole networks: for everyone; typed whole networks: researchers and managers.
    assert cost("{ network { json } }") <= b[Role.PUBLIC]  # type: ignore[operator]
    assert b[Role.PUBLIC] < cost("{ network { nodes { id } edges { id } } }") <= b[Role.RESEARCHER]  # type: ignore[operator]
    assert cost(ATTACK) > b[Role.ADMIN]  # type: ignore[operator]


# ---- over HTTP ----------------------------------------------------------------------------------


@pytest.fixture
def anonymous(demo: neo4j.Driver, client: TestClient) -> GraphQLClient:
    return GraphQLClient(client).as_(None)


@pytest.mark.uncached  # a cache lookup reads the revision first
def test_the_nested_attack_is_refused_before_anything_runs(anonymous: GraphQLClient, client: TestClient) -> None:
    db = client.app.state.db  # type: ignore[attr-defined]
    before = db.round_trips
    response = client.post(
        "/graphql", json={"query": ATTACK}, headers={"Authorization": "", "Accept": "application/graphql-response+json"}
    )
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["extensions"] == {
        "code": "QUERY_TOO_COSTLY",
        "cost": ATTACK_COST,
        "budget": DEFAULT_BUDGETS[Role.PUBLIC],
    }
    assert f"{ATTACK_COST:,}" in error["message"] and f"{DEFAULT_BUDGETS[Role.PUBLIC]:,}" in error["message"]
    assert db.round_trips == before  # nothing was executed
    # As application/json (the legacy media type): the same error, HTTP 200 with data null.
    body = anonymous(ATTACK)
    assert body["data"] is None and body["errors"][0]["extensions"]["code"] == "QUERY_TOO_COSTLY"


def test_each_role_has_its_budget(demo: neo4j.Driver, gql: GraphQLClient, neo4j_settings: Neo4jSettings) -> None:
    typed_network = "{ network { nodeCount nodes { id } edges { id } } }"
    between = "{ actors(first: 100) { nodes { partners(first: 100) { edges { node { name } } } } } }"  # ~20,000
    bigger = "{ actors(first: 100) { nodes { partners(first: 100) { edges { node { quarters { quarter { name } } } } } } } }"  # ~220,000
    researcher = gql.as_(issue_token(neo4j_settings, "researcher"))
    manager = gql.as_(issue_token(neo4j_settings, "manager", ["rollberg"]))
    public = gql.as_(None)

    def refused(client: GraphQLClient, query: str) -> bool:
        body = client(query)
        codes = [e["extensions"]["code"] for e in body.get("errors", [])]
        assert codes in ([], ["QUERY_TOO_COSTLY"]), body
        return bool(codes)

    assert not refused(public, "{ network { nodeCount json } }")
    assert not refused(public, between)
    assert refused(public, typed_network)
    for member in (researcher, manager):
        assert not refused(member, typed_network)
        assert refused(member, bigger)
    assert not refused(gql, bigger)  # admin
    assert refused(gql, ATTACK)


def test_budgets_are_settings(demo: neo4j.Driver, neo4j_settings: Neo4jSettings) -> None:
    options = ServiceOptions(**{**TEST_OPTIONS.__dict__, "cost_public": 50})
    with TestClient(create_app(neo4j_settings, options)) as http:
        small = http.post("/graphql", json={"query": "{ actors(first: 40) { nodes { name } } }"}).json()
        assert len(small["data"]["actors"]["nodes"]) == 40
        big = http.post("/graphql", json={"query": "{ actors(first: 60) { nodes { name } } }"}).json()
        assert big["errors"][0]["extensions"] == {"code": "QUERY_TOO_COSTLY", "cost": 61, "budget": 50}


def test_whole_network_json_is_served_to_researchers_and_admins(
    demo: neo4j.Driver, gql: GraphQLClient, neo4j_settings: Neo4jSettings
) -> None:
    researcher = gql.as_(issue_token(neo4j_settings, "researcher"))
    for client in (gql, researcher):
        network = client.data("{ network { nodeCount json } }")["network"]
        assert len(network["json"]["nodes"]) == network["nodeCount"] > 0


def test_readme_is_where_the_budgets_are_documented() -> None:
    readme = (ROOT / "README.md").read_text()
    for role, budget in DEFAULT_BUDGETS.items():
        assert f"{budget:,}" in readme, role
    assert "QUERY_TOO_COSTLY" in readme and "REQUEST_TIMEOUT" in readme and "KIEZGRAPH_COST_PUBLIC" in readme


def test_budgets_and_deadline_come_from_the_environment() -> None:
    options = Settings.from_env(
        {
            "KIEZGRAPH_COST_PUBLIC": "1000",
            "KIEZGRAPH_COST_ADMIN": "2000000",
            "KIEZGRAPH_REQUEST_TIMEOUT": "7.5",
            "KIEZGRAPH_EXECUTION_THREADS": "2",
        }
    ).options
    assert (options.cost_public, options.cost_researcher, options.cost_admin) == (1000, 100_000, 2_000_000)
    assert (options.request_timeout, options.execution_threads) == (7.5, 2)
    defaults = Settings.from_env({}).options
    assert defaults.cost_public == DEFAULT_BUDGETS[Role.PUBLIC] and defaults.request_timeout == 20.0
    for bad in (
        {"KIEZGRAPH_COST_MANAGER": "lots"},
        {"KIEZGRAPH_REQUEST_TIMEOUT": "0"},
        {"KIEZGRAPH_REQUEST_TIMEOUT": "nan"},
        {"KIEZGRAPH_REQUEST_TIMEOUT": "soon"},
    ):
        with pytest.raises(SettingsError):
            Settings.from_env(bad)
