"""Every GraphQL example in the README answers with something on the demo data.

The examples are taken from the README's ```graphql blocks as they stand (a block may hold
several operations), sent over HTTP with the role the README gives for them (reads without a
token; metrics and suggestions as a researcher; writes as a manager of the quarter), with ids of
demo actors for their variables. An answer counts when no error came back and every field with
a selection holds something: no null object, no empty list, no zero count, no payload errors.
"""

from __future__ import annotations

import re
from typing import Any

import neo4j
import pytest
from graphql import FieldNode, InlineFragmentNode, OperationDefinitionNode, SelectionSetNode, parse, print_ast
from starlette.testclient import TestClient

from graph.db import Neo4jSettings
from graph.ids import seed_id
from resolvers import ids
from tests.conftest import ROOT, GraphQLClient, issue_token

README = ROOT / "README.md"

# Root fields that need more than the public role, with the role the README's access table gives them.
ROLES = {
    "actorMetrics": "researcher",
    "networkMetrics": "researcher",
    "suggestPartners": "researcher",
    "missingLinks": "researcher",
}
# Demo actors (seeds/demo.py keys) for the examples' variables, by root field and variable name.
VARIABLES = {
    "actor": {"id": "kita-sonnenschein"},
    "egoNetwork": {"id": "kita-sonnenschein"},
    "paths": {"a": "kita-sonnenschein", "b": "wohnbau-huegel"},
    "suggestPartners": {"id": "kita-huegelnest"},
    "addCooperation": {"kita": "kita-huegelnest", "school": "grundschule-am-hang"},
}


def examples() -> list[OperationDefinitionNode]:
    blocks = re.findall(r"```graphql\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.DOTALL)
    return [d for block in blocks for d in parse(block).definitions if isinstance(d, OperationDefinitionNode)]


def root_field(operation: OperationDefinitionNode) -> str:
    [first, *_] = operation.selection_set.selections
    assert isinstance(first, FieldNode)
    return first.name.value


def _json_gaps(value: Any, path: str) -> list[str]:
    """A JSON scalar (networks' ``json``) counts when every list in it has entries."""
    if isinstance(value, dict):
        return [gap for key, item in value.items() for gap in _json_gaps(item, f"{path}.{key}")]
    if isinstance(value, list):
        return [] if value else [f"{path} is empty"]
    return []


def gaps(selection: SelectionSetNode, value: dict[str, Any], path: str = "") -> list[str]:
    """What in an answer is empty, by path; [] when everything selected holds something."""
    found: list[str] = []
    for node in selection.selections:
        if isinstance(node, InlineFragmentNode):  # fields of a type this object may not be
            found += gaps(node.selection_set, value, path)
            continue
        assert isinstance(node, FieldNode)
        key = (node.alias or node.name).value
        here, item = f"{path}.{key}".lstrip("."), value.get(key)
        if key == "errors":
            found += [f"{here}: {item}"] if item else []
        elif node.selection_set is None:
            if (key == "count" or key.endswith("Count")) and item == 0:
                found.append(f"{here} is 0")
            elif key == "json":
                found += _json_gaps(item, here)
        elif item is None or item == []:
            found.append(f"{here} is {item!r}")
        else:
            # A list answers when one of its entries is complete (one quarter may lack a figure).
            entries = [gaps(node.selection_set, entry, here) for entry in (item if isinstance(item, list) else [item])]
            if all(entries):
                found += min(entries, key=len)
    return found


def test_the_readme_has_examples_and_every_one_with_variables_is_provided_for() -> None:
    operations = examples()
    assert len(operations) >= 10
    for operation in operations:
        wanted = {v.variable.name.value for v in operation.variable_definitions or ()}
        assert wanted <= set(VARIABLES.get(root_field(operation), {})), print_ast(operation)


def test_every_readme_example_answers_on_the_demo_data(
    demo: neo4j.Driver, client: TestClient, neo4j_settings: Neo4jSettings
) -> None:
    tokens = {
        "researcher": issue_token(neo4j_settings, "researcher", name="readme researcher"),
        "manager": issue_token(neo4j_settings, "manager", ["rollberg"], name="readme manager"),
    }
    failures: list[str] = []
    # Reads first, then writes: a write must not be what makes a read answer.
    for operation in sorted(examples(), key=lambda op: op.operation.value == "mutation"):
        field = root_field(operation)
        role = "manager" if operation.operation.value == "mutation" else ROLES.get(field)
        gql = GraphQLClient(client).as_(tokens[role] if role else None)
        variables = {
            name: ids.encode("Actor", seed_id("demo-actor", key)) for name, key in VARIABLES.get(field, {}).items()
        }
        body = gql(print_ast(operation), variables)
        if body.get("errors"):
            failures.append(f"{field} ({role or 'public'}): {body['errors']}")
        elif problems := gaps(operation.selection_set, body["data"]):
            failures.append(f"{field} ({role or 'public'}): {'; '.join(problems)}")
    assert failures == [], "\n".join(failures)


@pytest.mark.parametrize(
    "answer, expected",
    [
        ({"actors": {"totalCount": 0, "edges": []}}, ["actors.totalCount is 0", "actors.edges is []"]),
        ({"actors": {"totalCount": 2, "edges": [{"node": {"name": "A"}}]}}, []),
        ({"actors": None}, ["actors is None"]),
    ],
)
def test_an_empty_answer_is_told_apart_from_a_full_one(answer: dict[str, Any], expected: list[str]) -> None:
    [operation] = parse("{ actors { totalCount edges { node { name } } } }").definitions
    assert isinstance(operation, OperationDefinitionNode)
    assert gaps(operation.selection_set, answer) == expected
