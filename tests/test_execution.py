"""The executor's short way (schema/execution.py): plain subtrees and leaves read straight off
their objects must answer exactly as graphql-core's own execution does, and must never let a
guarded or hidden field through."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import neo4j
import pytest
import strawberry
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from core.access import Principal, Role
from core.context import Context
from core.services import Services
from graph.db import Database, Neo4jSettings
from schema import build_schema
from schema.execution import Execution
from tests.conftest import GraphQLClient, run_async

# Plain pages, pages mixed with resolvers, interface fragments, aliases, __typename, cursors,
# nulls (address, location, kind), enums and dates: each document is answered both ways.
DOCUMENTS = [
    """query($q: [String!]) { actors(first: 50, filter: {quarters: $q}) { edges { node {
      id name type partners(first: 10) { edges { node { id name } } } } } } }""",
    """query { actors(first: 30) { totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      edges { cursor node { __typename id name type createdAt archived archivedAt
        location { latitude longitude } address { street city }
        ... on Institution { kind } ... on Company { sector socialEnterprise } ... on Initiative { legalForm }
        partners(first: 5) { totalCount pageInfo { endCursor }
          edges { cursor node { __typename id name alias: name alternativeNames tags
                                ... on HousingAssociation { ownership } }
                  cooperation { id kind since until intensity } cooperations { kind } } } } }
      nodes { id version } } }""",
    """query { actors(first: 20, orderBy: [{field: NAME, direction: DESC}]) { edges { node {
      id quarters { quarter { slug name status start { year } } role since until }
      actionFields { key name era } cooperations(first: 3) { edges { node { id kind active actors { id name } } } } } } } }""",
]


@pytest.fixture
def slugs(demo: neo4j.Driver) -> list[str]:
    records, _, _ = demo.execute_query(
        "MATCH (q:Quarter)<-[:ACTIVE_IN]-(a:Actor) RETURN q.slug AS slug, count(a) AS n ORDER BY n DESC LIMIT 2"
    )
    return [r["slug"] for r in records]


def _answers(settings: Neo4jSettings, slugs: list[str], long_way: bool) -> list[dict[str, Any]]:
    schema = build_schema()
    if long_way:
        schema.execution_context_class = StrawberryGraphQLCoreExecutionContext

    async def work(db: Database) -> list[dict[str, Any]]:
        answers = []
        for document in DOCUMENTS:
            context = Context.for_request(db, Services(), principal=Principal(Role.ADMIN))
            result = await schema.execute(document, variable_values={"q": slugs}, context_value=context)
            assert result.errors is None, result.errors
            assert result.data is not None
            answers.append(result.data)
        return answers

    return run_async(settings, work)


def test_the_short_way_answers_exactly_as_graphql_core(neo4j_settings: Neo4jSettings, slugs: list[str]) -> None:
    short, long = _answers(neo4j_settings, slugs, False), _answers(neo4j_settings, slugs, True)
    assert short == long
    first = short[0]["actors"]["edges"]
    assert len(first) > 5 and any(e["node"]["partners"]["edges"] for e in first)  # the plain pages had content
    nodes = [e["node"] for e in short[1]["actors"]["edges"]]
    assert {n["__typename"] for n in nodes} >= {"Institution", "Initiative"}
    assert any(n["location"] is None for n in nodes) and any(n["location"] for n in nodes)


def test_the_short_way_keeps_hidden_fields_hidden(demo: neo4j.Driver, gql: GraphQLClient) -> None:
    # contactPersons is personal data: null for the public, a list for an admin, wherever it
    # stands in an otherwise plain page of partners.
    query = """{ actors(first: 10) { edges { node { id name contactPersons { name }
      partners(first: 5) { edges { node { id name contactPersons { name email } } } } } } } }"""
    seen = 0
    for token, hidden in ((None, True), ("admin", False)):
        data = (gql if token else gql.as_(None)).data(query)
        for edge in data["actors"]["edges"]:
            partners = [p["node"] for p in edge["node"]["partners"]["edges"]]
            for node in [edge["node"], *partners]:
                seen += 1
                assert (node["contactPersons"] is None) is hidden, node
    assert seen > 20


def test_guarded_fields_are_refused_inside_the_short_way(demo: neo4j.Driver, gql: GraphQLClient) -> None:
    # apiTokens (admins only) answers plain objects, which the short way would complete; its
    # guard runs first all the same.
    query = """{ actors(first: 5) { edges { node { id name } } } apiTokens { id name } }"""
    body = gql.as_(None)(query)
    assert [e["extensions"]["code"] for e in body["errors"]] == ["FORBIDDEN"]
    assert body["data"] is None  # apiTokens is non-null: the refusal nulls the whole answer
    assert "test admin" in [t["name"] for t in gql.data(query)["apiTokens"]]


# ---- plans kept across requests -----------------------------------------------------------------

# One document, two operations; the plain page of partners changes with @skip/@include (on fields,
# on a fragment spread and on an inline fragment, with a default value), aliases and fragments.
KEPT = """
query Page($q: [String!], $withName: Boolean = true, $skipType: Boolean!, $more: Boolean!) {
  actors(first: 15, filter: {quarters: $q}) { edges { node { id
    partners(first: 5) { edges { node { id name @include(if: $withName) type @skip(if: $skipType)
      ...Extra @include(if: $more) ... @skip(if: $more) { other: name } } } } } } }
}
query Other($q: [String!], $skipType: Boolean!) {
  actors(first: 15, filter: {quarters: $q}) { edges { node { id
    partners(first: 5) { edges { node { ...Extra __typename type @skip(if: $skipType) } } } } } }
}
fragment Extra on Actor { id label: name ... on Institution { kind } }
"""
# (operation, variables): repeated, in an order where every combination follows another.
KEPT_RUNS: list[tuple[str | None, dict[str, Any]]] = [
    ("Page", {"withName": True, "skipType": False, "more": False}),
    ("Page", {"withName": False, "skipType": False, "more": False}),
    ("Page", {"skipType": True, "more": True}),  # withName by its default
    ("Other", {"skipType": True}),
    ("Page", {"withName": False, "skipType": True, "more": True}),
    ("Other", {"skipType": False}),
    ("Page", {"withName": True, "skipType": False, "more": False}),
    ("Page", {"skipType": True, "more": True}),
]


def _schema(long_way: bool) -> strawberry.Schema:
    schema = build_schema()
    if long_way:
        schema.execution_context_class = StrawberryGraphQLCoreExecutionContext
    return schema


def _kept_answers(
    settings: Neo4jSettings,
    slugs: list[str],
    document: str,
    runs: Sequence[tuple[str | None, dict[str, Any]]],
    schema: strawberry.Schema,
) -> list[dict[str, Any]]:
    async def work(db: Database) -> list[dict[str, Any]]:
        answers = []
        for operation, values in runs:
            context = Context.for_request(db, Services(), principal=Principal(Role.ADMIN))
            result = await schema.execute(
                document, variable_values={"q": slugs, **values}, operation_name=operation, context_value=context
            )
            assert result.errors is None, result.errors
            assert result.data is not None
            answers.append(result.data)
        return answers

    return run_async(settings, work)


def _partners(answer: dict[str, Any]) -> list[dict[str, Any]]:
    return [p["node"] for e in answer["actors"]["edges"] for p in e["node"]["partners"]["edges"]]


def test_kept_plans_answer_as_graphql_core_whatever_the_directives(
    neo4j_settings: Neo4jSettings, slugs: list[str]
) -> None:
    # Every run after the first of its operation is answered from plans kept across requests;
    # each must still answer exactly what its own variables select.
    kept = _kept_answers(neo4j_settings, slugs, KEPT, KEPT_RUNS * 2, _schema(False))
    long = _kept_answers(neo4j_settings, slugs, KEPT, KEPT_RUNS * 2, _schema(True))
    assert kept == long
    first, without_name, by_default = (_partners(a) for a in kept[:3])
    assert first and all(set(p) == {"id", "name", "type", "other"} for p in first)
    assert all(set(p) == {"id", "type", "other"} for p in without_name)
    assert {tuple(sorted(p)) for p in by_default} >= {("id", "label", "name")}  # Institutions add kind
    assert any("kind" in p for p in by_default)
    assert all("type" not in p for p in _partners(kept[3])) and all("type" in p for p in _partners(kept[5]))


def test_plans_are_kept_and_a_changed_selection_gets_its_own(
    neo4j_settings: Neo4jSettings, slugs: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    made: list[object] = []
    make = Execution._make_plan

    def counted(self: Execution, *args: Any) -> Any:
        made.append(args[0])
        return make(self, *args)

    monkeypatch.setattr(Execution, "_make_plan", counted)
    page = "query($q: [String!]) { actors(first: 10, filter: {quarters: $q}) { edges { node { id name } } } }"
    schema, runs = _schema(False), [(None, {})]
    answers = _kept_answers(neo4j_settings, slugs, page, runs, schema)
    assert made  # the first request planned its selections
    planned = len(made)
    answers += _kept_answers(neo4j_settings, slugs, page, runs * 2, schema)
    assert len(made) == planned  # the later requests used them
    assert answers[0] == answers[1] == answers[2]
    # The same page selecting one field more is another document: planned anew, answered with it.
    wider = page.replace("id name", "id name type")
    answer = _kept_answers(neo4j_settings, slugs, wider, runs, schema)[0]
    assert len(made) > planned
    nodes = [e["node"] for e in answer["actors"]["edges"]]
    assert nodes and all(set(n) == {"id", "name", "type"} for n in nodes)
    assert [{"id": n["id"], "name": n["name"]} for n in nodes] == [e["node"] for e in answers[0]["actors"]["edges"]]


# ---- resolvers with literal arguments, called without Strawberry's wrapper ------------------------

# The same pages asked with literal arguments (the short way's direct call) and with variables,
# aliases, directives, fragments, an enum argument, a date (converted, so the long way), an input
# object, and arguments the resolvers refuse (a cursor that is not one, a page too large).
CALLS = """
query($q: [String!], $n: Int, $skip: Boolean!, $role: ProjectRole!) {
  actors(first: 12, filter: {quarters: $q}) { edges { node { id
    few: partners(first: 2) { totalCount edges { node { id name } } }
    byVariable: partners(first: $n) { edges { node { id } } }
    skipped: partners(first: 3) @skip(if: $skip) { edges { node { name } } }
    included: partners(first: 3) @include(if: $skip) { edges { node { name } } }
    filtered: partners(first: 3, filter: {kinds: [PROJECT_PARTNERSHIP]}) { edges { node { id } } }
    ... on Institution { partners(first: 4) { edges { node { id ...Names } cooperation { kind } } } }
    ...Projects
    quarters(asOf: "2020-01-01") { role }
    actionFields { key }
    cooperationCount
  } } }
}
fragment Names on Actor { name type }
fragment Projects on Actor { sponsored: projects(role: SPONSOR, first: 2) { totalCount }
  asked: projects(role: $role, first: 2) { totalCount } }
"""
REFUSED = """query($q: [String!]) { actors(first: 3, filter: {quarters: $q}) { edges { node { id
  bad: partners(first: 2, after: "not a cursor") { edges { node { id } } }
  negative: partners(first: -1) { totalCount }
  fine: partners(first: 1) { edges { node { name } } } } } } }"""


def _results(
    settings: Neo4jSettings, slugs: list[str], document: str, runs: list[dict[str, Any]], long_way: bool
) -> list[Any]:
    schema = _schema(long_way)

    async def work(db: Database) -> list[Any]:
        found = []
        for values in runs:
            context = Context.for_request(db, Services(), principal=Principal(Role.ADMIN))
            result = await schema.execute(document, variable_values={"q": slugs, **values}, context_value=context)
            errors = [(e.message, e.path, (e.extensions or {}).get("code")) for e in result.errors or ()]
            found.append((result.data, sorted(errors, key=repr)))
        return found

    return run_async(settings, work)


def test_resolvers_called_directly_answer_as_graphql_core(
    neo4j_settings: Neo4jSettings, slugs: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[Any] = []
    execute = Execution._execute_call

    def counted(self: Execution, call: Any, *args: Any) -> Any:
        calls.append(call)
        return execute(self, call, *args)

    monkeypatch.setattr(Execution, "_execute_call", counted)
    runs = [
        {"n": 3, "skip": False, "role": "SPONSOR"},
        {"n": 1, "skip": True, "role": "PARTNER"},
        {"n": None, "skip": False, "role": "ANY"},
    ] * 2  # the second time from the kept plans
    short = _results(neo4j_settings, slugs, CALLS, runs, False)
    assert calls  # the short way called resolvers directly …
    long = _results(neo4j_settings, slugs, CALLS, runs, True)
    assert short == long  # … and answered exactly as graphql-core and Strawberry
    data, errors = short[0]
    assert errors == []
    nodes = [e["node"] for e in data["actors"]["edges"]]
    assert any(n["few"]["edges"] for n in nodes) and all(len(n["few"]["edges"]) <= 2 for n in nodes)
    assert all(len(n["byVariable"]["edges"]) <= 3 for n in nodes) and "included" not in nodes[0]
    assert any("partners" in n for n in nodes)  # the Institutions' fragment
    assert [set(n) >= {"skipped"} for n in nodes] == [True] * len(nodes)
    assert "skipped" not in short[1][0]["actors"]["edges"][0]["node"]  # @skip with the other value


def test_refusals_of_resolvers_called_directly_are_located_as_graphql_core_does(
    neo4j_settings: Neo4jSettings, slugs: list[str]
) -> None:
    short = _results(neo4j_settings, slugs, REFUSED, [{}, {}], False)
    long = _results(neo4j_settings, slugs, REFUSED, [{}, {}], True)
    assert short == long
    _, errors = short[0]
    assert errors and {path[-1] for _, path, _ in errors} == {"bad"}  # located at the refused field
    assert {code for _, _, code in errors} == {"BAD_USER_INPUT"}


# ---- objects whose fields are plain or called directly, completed by one plan ---------------------

# Pages whose actors have only plain fields and resolvers with literal (or no) arguments: the 50
# actors of a page are completed by one plan that starts their resolvers together. Nested pages
# of partners, interface fragments, __typename, aliases, a call that refuses its cursor.
CALLED = """query($q: [String!]) { actors(first: 12, filter: {quarters: $q}) { totalCount edges { cursor node {
  __typename id name type ... on Institution { kind }
  partners(first: 3) { totalCount edges { node { id name partners(first: 2) { edges { node { name } } } } } }
  two: partners(first: 1) { pageInfo { endCursor } edges { cursor node { __typename name } } }
  cooperationCount partnerCount } } } }"""
CALLED_REFUSED = """query($q: [String!]) { actors(first: 4, filter: {quarters: $q}) { edges { node { id name
  fine: partners(first: 1) { edges { node { name } } }
  bad: partners(first: 2, after: "not a cursor") { edges { node { id } } } } } } }"""


def test_objects_with_called_resolvers_answer_as_graphql_core(
    neo4j_settings: Neo4jSettings, slugs: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[Any] = []
    start = Execution._start

    def counted(self: Execution, call: Any, *args: Any) -> Any:
        started.append(call)
        return start(self, call, *args)

    monkeypatch.setattr(Execution, "_start", counted)
    short = _results(neo4j_settings, slugs, CALLED, [{}, {}], False)  # the second from kept plans
    assert len(started) > 24  # the actors' resolvers were started by the plan
    long = _results(neo4j_settings, slugs, CALLED, [{}, {}], True)
    assert short == long
    data, errors = short[0]
    assert errors == []
    nodes = [e["node"] for e in data["actors"]["edges"]]
    assert len(nodes) > 5 and any(p["node"]["partners"]["edges"] for n in nodes for p in n["partners"]["edges"])
    assert all(n["cooperationCount"] >= len(n["partners"]["edges"]) for n in nodes)


def test_refusals_inside_a_plan_that_calls_resolvers_are_located_as_graphql_core_does(
    neo4j_settings: Neo4jSettings, slugs: list[str]
) -> None:
    short = _results(neo4j_settings, slugs, CALLED_REFUSED, [{}, {}], False)
    long = _results(neo4j_settings, slugs, CALLED_REFUSED, [{}, {}], True)
    assert short == long
    data, errors = short[0]
    # `bad` is non-null, and so is every position up to `actors`: the refusal nulls the answer
    # once, located at the first actor's `bad` that failed.
    assert data is None and len(errors) == 1
    _, path, code = errors[0]
    assert path[:2] == ["actors", "edges"] and path[-1] == "bad" and code == "BAD_USER_INPUT"
