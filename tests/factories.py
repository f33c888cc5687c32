"""Small builders for test data, through the public API (so they exercise it too)."""

from __future__ import annotations

from typing import Any

from tests.conftest import GraphQLClient

CREATE = """
mutation($input: CreateActorInput!) {
  createActor(input: $input) { actor { id name version } errors { code message path } }
}
"""
ADD = """
mutation($input: AddCooperationInput!) {
  addCooperation(input: $input) { cooperation { id version kind since until } errors { code message path } }
}
"""


def actor(gql: GraphQLClient, name: str, type_: str = "INITIATIVE", **fields: Any) -> dict[str, Any]:
    payload = gql.data(CREATE, {"input": {"type": type_, "name": name, **fields}})["createActor"]
    assert payload["errors"] == [], payload["errors"]
    result: dict[str, Any] = payload["actor"]
    return result


def cooperation(gql: GraphQLClient, a: str, b: str, kind: str = "PROJECT_PARTNERSHIP", **fields: Any) -> dict[str, Any]:
    payload = gql.data(ADD, {"input": {"actorIds": [a, b], "kind": kind, **fields}})["addCooperation"]
    assert payload["errors"] == [], payload["errors"]
    result: dict[str, Any] = payload["cooperation"]
    return result
