"""Hardening: document limits, body size, rate limits, introspection, hostile input, masking."""

from __future__ import annotations

import json
import unicodedata
from typing import Any
from urllib.parse import quote

import neo4j
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from graph.db import Neo4jSettings
from kiezgraph.app import create_app
from kiezgraph.settings import ServiceOptions
from tests.conftest import GraphQLClient, count

HOSTILE = [
    "Robert'); MATCH (n) DETACH DELETE n; //",
    '"}) RETURN 1 UNION MATCH (n) RETURN n //',
    "<script>alert('x')</script> & <b>fett</b>",
    "Ünïcödé ÄÖÜß ﬀ ﬁ ẞ Ǆ — 東京 — العربية — עברית — 👩🏽‍🔬🏳️‍🌈",
    "e\u0301 vs é (combining) \u200b zero-width \u202e right-to-left override",
    "x" * 200,
    "{{ 7 * 7 }} ${7*7} %s %n \\u0000",
]


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_strings_are_stored_and_returned_verbatim(
    reference: neo4j.Driver, gql: GraphQLClient, name: str
) -> None:
    before = reference.execute_query("MATCH (n) WHERE NOT n:NetworkState RETURN count(n) AS n").records[0]["n"]
    created = gql.data(
        "mutation($i: CreateActorInput!) { createActor(input: $i) { actor { id name description } errors { code } } }",
        {"i": {"type": "INITIATIVE", "name": name, "description": name, "allowDuplicateName": True}},
    )["createActor"]
    assert created["errors"] == []
    assert created["actor"]["name"] == unicodedata.normalize("NFC", name).strip()
    assert created["actor"]["description"] == name
    found = gql.data("query($id: ID!) { actor(id: $id) { description } }", {"id": created["actor"]["id"]})
    assert found["actor"]["description"] == name
    # Nothing was executed: exactly one actor more, the Quarter and ActionField nodes untouched.
    after = reference.execute_query("MATCH (n) WHERE NOT n:NetworkState RETURN count(n) AS n").records[0]["n"]
    assert after == before + 2  # the actor and its audit record
    assert reference.execute_query("MATCH (q:Quarter) RETURN count(q) AS n").records[0]["n"] == 12


@given(text=st.text(max_size=60))
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
def test_any_search_text_is_answered_without_a_server_error(
    reference: neo4j.Driver, gql: GraphQLClient, text: str
) -> None:
    body = gql("query($t: String) { actors(filter: {text: $t}) { totalCount } }", {"t": text})
    if "errors" in body:
        assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    else:
        assert body["data"]["actors"]["totalCount"] >= 0


def _client(settings_: Neo4jSettings, **options: object) -> TestClient:
    return TestClient(create_app(settings_, ServiceOptions(**options)))  # type: ignore[arg-type]


def test_query_depth_aliases_and_tokens_are_limited(reference: neo4j.Driver, neo4j_settings: Neo4jSettings) -> None:
    with _client(neo4j_settings, max_depth=5, max_aliases=3, max_tokens=200) as http:
        deep = "{ actors { edges { node { partners { edges { node { quarters { quarter { name } } } } } } } } }"
        body = http.post("/graphql", json={"query": deep}).json()
        assert "exceeds maximum operation depth" in body["errors"][0]["message"]
        aliases = "{ " + " ".join(f"a{i}: quarters {{ name }}" for i in range(5)) + " }"
        body = http.post("/graphql", json={"query": aliases}).json()
        assert "aliases" in body["errors"][0]["message"].lower()
        tokens = "{ " + " ".join("quarters { name slug }" for _ in range(60)) + " }"
        body = http.post("/graphql", json={"query": tokens}).json()
        assert "token" in body["errors"][0]["message"].lower()
        ok = http.post("/graphql", json={"query": "{ quarters { name } }"}).json()
        assert len(ok["data"]["quarters"]) == 12


def test_large_bodies_are_refused(reference: neo4j.Driver, neo4j_settings: Neo4jSettings) -> None:
    with _client(neo4j_settings, max_body_bytes=2000) as http:
        big = {"query": "{ quarters { name } }", "variables": {"pad": "x" * 5000}}
        response = http.post("/graphql", json=big)
        assert response.status_code == 413
        assert response.json()["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"

        def chunks():  # no Content-Length: counted while it streams
            yield b'{"query": "{ quarters { name } }", "variables": {"pad": "'
            for _ in range(10):
                yield b"x" * 500
            yield b'"}}'

        streamed = http.post("/graphql", content=chunks(), headers={"content-type": "application/json"})
        assert streamed.status_code == 413


def test_rate_limits_answer_429_with_retry_after(reference: neo4j.Driver, neo4j_settings: Neo4jSettings) -> None:
    # One request a minute sustained (bursts of 10): the bucket refills too slowly for a busy machine's
    # slow requests to earn a token back during the test.
    with _client(neo4j_settings, public_rate_per_minute=1) as http:
        statuses = [http.post("/graphql", json={"query": "{ __typename }"}).status_code for _ in range(15)]
        assert statuses[:10] == [200] * 10  # the burst
        assert 429 in statuses[10:]
        limited = http.post("/graphql", json={"query": "{ __typename }"})
        assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1
        assert limited.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
        assert http.get("/healthz").status_code == 200  # health checks are never limited


def test_introspection_can_be_switched_off(reference: neo4j.Driver, neo4j_settings: Neo4jSettings) -> None:
    query = {"query": "{ __schema { types { name } } }"}
    with _client(neo4j_settings) as http:
        assert "errors" not in http.post("/graphql", json=query).json()
    with _client(neo4j_settings, introspection=False) as http:
        body = http.post("/graphql", json=query).json()
        assert "introspection" in body["errors"][0]["message"].lower()
        assert "errors" not in http.post("/graphql", json={"query": "{ quarters { name } }"}).json()


def test_errors_carry_codes_and_no_internals(reference: neo4j.Driver, gql: GraphQLClient) -> None:
    for query in (
        '{ actor(id: "x") { name } }',
        "{ actors(first: 1000) { totalCount } }",
        '{ quarterNetwork(slug: "x") { nodeCount } }',
        "{ nope }",
        "{",
    ):
        body = gql(query)
        text = str(body)
        for leak in ("Traceback", "MATCH", "neo4j.", 'File "', "Cypher"):
            assert leak not in text, (query, body)


# ---- malformed requests: bytes, numbers, Unicode (issue #9) ------------------------------------
# Whatever a client sends, the answer is never a 5xx nor INTERNAL_SERVER_ERROR, and every error
# carries an `extensions.code`: malformed requests are 400 BAD_REQUEST, values that do not fit
# their GraphQL type BAD_USER_INPUT, and so on.

GRAPHQL_RESPONSE = "application/graphql-response+json"
SLUG_QUERY = "query($s: String!) { quarter(slug: $s) { name } }"
TAGS_QUERY = "query($t: [String!]) { actors(filter: {tags: $t}) { totalCount } }"
TEXT_QUERY = "query($t: String) { actors(filter: {text: $t}) { totalCount } }"
FIRST_QUERY = "query($n: Int) { actors(first: $n) { totalCount } }"
CREATE = (
    "mutation($n: String!) { createActor(input: {type: INITIATIVE, name: $n, allowDuplicateName: true}) "
    "{ actor { id } errors { code } } }"
)


def _codes(response: Any) -> list[str | None]:
    """The error codes of a response, after checking it is no server error."""
    assert response.status_code < 500, (response.status_code, response.text[:300])
    body = response.json()
    codes = [(e.get("extensions") or {}).get("code") for e in body.get("errors") or []]
    assert None not in codes, body
    assert "INTERNAL_SERVER_ERROR" not in codes, body
    return codes


def _post(http: TestClient, body: bytes, accept: str = "application/json") -> Any:
    return http.post("/graphql", content=body, headers={"content-type": "application/json", "accept": accept})


def _json_text(query: str, variables: str) -> bytes:
    """A body with ``variables`` spliced in as raw JSON text (which json.dumps could not produce)."""
    return (
        b'{"query": '
        + json.dumps(query).encode()
        + b', "variables": '
        + variables.encode("utf-8", "surrogatepass")
        + b"}"
    )


MALFORMED = {
    "invalid UTF-8 in the body": b'{"query": "{ quarters { name } }", "x": "\xff\xfe"}',
    "invalid UTF-8 in a variable": _json_text(SLUG_QUERY, '{"s": "-"}').replace(b'"-"', b'"\xc3\x28"'),
    "UTF-16": '{"query": "{ quarters { name } }"}'.encode("utf-16"),
    "a byte order mark": b'\xef\xbb\xbf{"query": "{ quarters { name } }"}',
    "NaN": _json_text(FIRST_QUERY, '{"n": NaN}'),
    "Infinity": _json_text(FIRST_QUERY, '{"n": -Infinity}'),
    "1e400": _json_text(FIRST_QUERY, '{"n": 1e400}'),
    "a 5,000-digit number": _json_text(FIRST_QUERY, '{"n": ' + "9" * 5000 + "}"),
    "an integer beyond 2^53": _json_text(FIRST_QUERY, '{"n": 9007199254740993}'),
    "a lone high surrogate": _json_text(SLUG_QUERY, '{"s": "\\ud800"}'),
    "a lone low surrogate in tags": _json_text(TAGS_QUERY, '{"t": ["x\\udc00"]}'),
    "a raw surrogate": _json_text(SLUG_QUERY, '{"s": "\ud800"}'),
    "a number as the body": b"5",
    "null as the body": b"null",
    "text as the body": b'"{ quarters { name } }"',
    "an empty body": b"",
    "truncated JSON": b'{"query": "{ quarters',
    "deep nesting": b'{"query": "{ __typename }", "extensions": ' + b"[" * 5000 + b"]" * 5000 + b"}",
    "a number as operationName": b'{"query": "{ __typename }", "operationName": 5}',
    "a list as variables": b'{"query": "{ __typename }", "variables": [1]}',
    "text as the query": b'{"query": ["{ __typename }"]}',
    "NaN in extensions": b'{"query": "{ __typename }", "extensions": {"x": NaN}}',
}


@pytest.mark.parametrize("what", list(MALFORMED))
def test_malformed_requests_are_400_and_say_why(reference: neo4j.Driver, client: TestClient, what: str) -> None:
    for accept in ("application/json", GRAPHQL_RESPONSE):
        response = _post(client, MALFORMED[what], accept)
        assert response.status_code == 400, (what, response.text[:300])
        [error] = response.json()["errors"]
        assert error["extensions"]["code"] == "BAD_REQUEST"
        assert len(error["message"]) > 20  # says what was wrong


def test_malformed_get_requests_are_400(reference: neo4j.Driver, client: TestClient) -> None:
    for params in (
        "query=%7B%20quarter(slug%3A%22%FF%22)%20%7B%20name%20%7D%20%7D",  # invalid UTF-8
        "query=" + quote(SLUG_QUERY) + "&variables=" + quote('{"s": "\\ud800"}'),
        "query=" + quote(FIRST_QUERY) + "&variables=" + quote('{"n": NaN}'),
        "query=" + quote(FIRST_QUERY) + "&variables=%7B%22n%22%3A%201e400%7D",
        "query=" + quote(FIRST_QUERY) + "&variables=" + quote("[1]"),
    ):
        response = client.get(f"/graphql?{params}", headers={"accept": "application/json"})
        assert response.status_code == 400, (params, response.text[:300])
        assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


def test_a_malformed_mutation_changes_nothing(reference: neo4j.Driver, client: TestClient) -> None:
    before = count(reference, "MATCH (n) RETURN count(n)")
    for name in (b'"\\ud800 Kita"', b'"Kita \xff"', b'"Kita", "x": NaN'):
        body = _json_text(CREATE, '{"n": "-"}').replace(b'"-"', name)
        assert _post(client, body).status_code == 400, name
    assert count(reference, "MATCH (n) RETURN count(n)") == before


@pytest.mark.parametrize(
    "value, code",
    [
        ("4294967296", "BAD_USER_INPUT"),  # above 32 bits
        ("-2147483649", "BAD_USER_INPUT"),
        ("9007199254740991", "BAD_USER_INPUT"),  # exact in JSON, too large for Int
        ("1.5", "BAD_USER_INPUT"),
        ("1e300", "BAD_USER_INPUT"),
        ('"20"', "BAD_USER_INPUT"),
        ("true", "BAD_USER_INPUT"),
        ("-1", "BAD_USER_INPUT"),  # the resolver's own check
        ("1000", "BAD_USER_INPUT"),
    ],
)
def test_numbers_that_do_not_fit_are_bad_user_input(
    reference: neo4j.Driver, client: TestClient, value: str, code: str
) -> None:
    response = _post(client, _json_text(FIRST_QUERY, '{"n": ' + value + "}"))
    assert _codes(response) == [code], response.text
    message = response.json()["errors"][0]["message"]
    assert "$n" in message or "`first`" in message  # says which value is wrong


def test_every_request_error_has_its_code(reference: neo4j.Driver, neo4j_settings: Neo4jSettings) -> None:
    deep = "{ quarters { actors { nodes { partners { edges { node { name } } } } } } }"
    cases = {
        "{": "GRAPHQL_PARSE_FAILED",
        '{ quarter(slug: "\\ud800") { name } }': "GRAPHQL_PARSE_FAILED",  # a lone surrogate escape
        "{ nope }": "GRAPHQL_VALIDATION_FAILED",
        "{ actors(first: 4294967296) { totalCount } }": "GRAPHQL_VALIDATION_FAILED",
        "query($s: String!) { quarter(slug: $s) { name } }": "BAD_USER_INPUT",  # $s missing
        deep: "QUERY_TOO_DEEP",
        "{ " + " ".join(f"a{i}: __typename" for i in range(5)) + " }": "TOO_MANY_ALIASES",
        "{ " + " ".join("__typename" for _ in range(120)) + " }": "TOO_MANY_TOKENS",
        "{ __schema { types { name } } }": "INTROSPECTION_DISABLED",
        "{ network { nodes { id } edges { id } } }": "QUERY_TOO_COSTLY",
    }
    with _client(
        neo4j_settings,
        max_depth=5,
        max_aliases=3,
        max_tokens=100,
        introspection=False,
        rate_per_minute=0,
        public_rate_per_minute=0,
    ) as http:
        for query, code in cases.items():
            for accept in ("application/json", GRAPHQL_RESPONSE):
                response = http.post("/graphql", json={"query": query}, headers={"accept": accept})
                codes = _codes(response)
                assert codes and set(codes) == {code}, (query, response.text[:300])
                assert response.status_code == (400 if accept == GRAPHQL_RESPONSE else 200)
        mutation_by_get = http.get("/graphql", params={"query": "mutation { __typename }"})
        assert _codes(mutation_by_get) == ["BAD_REQUEST"] and mutation_by_get.status_code in (400, 405)
        unknown_operation = http.post("/graphql", json={"query": "query A { __typename }", "operationName": "B"})
        assert _codes(unknown_operation)[0] in ("BAD_REQUEST", "BAD_USER_INPUT")


@given(body=st.binary(max_size=300))
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_bytes_are_answered_without_a_server_error(
    reference: neo4j.Driver, client: TestClient, body: bytes
) -> None:
    _codes(_post(client, body))
    _codes(
        _post(
            client,
            b'{"query": "query($s: String!) { quarter(slug: $s) { name } }", "variables": {"s": "' + body + b'"}}',
        )
    )


NUMBER_TEXT = st.one_of(
    st.integers().map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),  # "nan" and "inf" are no JSON
    st.sampled_from(
        [
            "1e400",
            "-1e400",
            "1E-400",
            "-0",
            "0.0",
            "01",
            "0x10",
            "1e",
            "NaN",
            "Infinity",
            "-Infinity",
            "2147483647",
            "2147483648",
            "-2147483648",
            "18446744073709551616",
            "1" * 400,
        ]
    ),
)


@given(number=NUMBER_TEXT, where=st.sampled_from(["first", "weight", "extension"]))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_number_is_answered_without_a_server_error(
    reference: neo4j.Driver, client: TestClient, number: str, where: str
) -> None:
    if where == "first":
        body = _json_text(FIRST_QUERY, '{"n": ' + number + "}")
    elif where == "weight":
        body = _json_text(
            'query($w: Float!) { suggestPartners(actorId: "x", weights: {distance: $w}) { suggestions { score } } }',
            '{"w": ' + number + "}",
        )
    else:
        body = b'{"query": "{ __typename }", "extensions": {"n": ' + number.encode() + b"}}"
    _codes(_post(client, body))


EDGE_TEXT = st.lists(
    st.one_of(
        st.characters(codec=None),  # any code point, lone surrogates included
        st.sampled_from(
            [
                "\x00",
                "\ud800",
                "\udfff",
                "\ufffe",
                "\uffff",
                "\U0010ffff",
                "\u202e",
                "\u0301",
                "ß",
                "\U0001f469\u200d\U0001f52c",
                "'",
                '"',
                "\\",
                "*",
                "~",
                "?",
                "AND",
                "e.V.",
            ]
        ),
    ),
    max_size=20,
).map("".join)


@given(
    text=EDGE_TEXT,
    query=st.sampled_from([SLUG_QUERY, TAGS_QUERY, TEXT_QUERY, CREATE]),
    method=st.sampled_from(["POST", "GET"]),
)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_text_is_answered_without_a_server_error(
    reference: neo4j.Driver, client: TestClient, text: str, query: str, method: str
) -> None:
    name = "s" if query == SLUG_QUERY else "n" if query == CREATE else "t"
    value = [text] if query == TAGS_QUERY else text
    variables = json.dumps({name: value})  # \\u escapes, lone surrogates as they are
    if method == "GET" and query != CREATE:
        response = client.get(
            "/graphql", params={"query": query, "variables": variables}, headers={"accept": "application/json"}
        )
    else:
        response = _post(client, _json_text(query, variables))
    codes = _codes(response)
    # A high and a low surrogate in a row are one character once JSON's \u escapes are read
    # (U+10000 and up): only lone surrogates are malformed.
    combined = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")
    if any(0xD800 <= ord(c) <= 0xDFFF for c in combined):
        assert response.status_code == 400 and codes == ["BAD_REQUEST"]  # refused at the edge
