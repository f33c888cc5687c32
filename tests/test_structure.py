"""What keeps the structure from drifting: one table of rules, one declaration per setting, one
mapping of refusal codes — each compared with what the schema and the README say."""

from __future__ import annotations

import re

import pytest
from graphql import GraphQLObjectType

from core.access import RULES, Role
from kiezgraph.settings import DECLARED, markdown_table
from resolvers.outcomes import Refusal, RefusalCode
from schema import build_schema
from schema.user_errors import user_error
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
SCHEMA = build_schema()._schema
ROLES = [r.value for r in Role]


def _details(code: RefusalCode) -> dict[str, object]:
    return {"id": "x", "expected": 1, "current": 2, "key": "k", "slug": "s", "existing": ["a"]} | (
        {"existing": "a"} if code is RefusalCode.DUPLICATE_COOPERATION else {}
    )


@pytest.mark.parametrize("code", list(RefusalCode))
def test_every_refusal_code_has_its_graphql_error_type(code: RefusalCode) -> None:
    error = user_error(Refusal(code, "why", ("input", "x"), _details(code)))
    assert (error.code, error.message, error.path) == (code.value, "why", ["input", "x"])
    expected = "ValidationError" if code is RefusalCode.VALIDATION else None
    name = type(error).__name__
    assert name == expected or name.lower().replace("error", "") == code.value.lower().replace("_", ""), name


def _readme_operations() -> dict[str, tuple[set[str], bool]]:
    """The README's table of operations: which roles may use each, and whether managers are
    limited to their quarters."""
    section = README.split("<!-- operations table -->", 2)[1]
    rows = {}
    for line in section.strip().splitlines()[2:]:
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        operation = cells[0].strip("`")
        marks = dict(zip(ROLES, cells[1:], strict=True))
        rows[operation] = ({r for r, m in marks.items() if m != "—"}, marks["manager"] == "own quarters")
    return rows


def test_the_readme_table_of_operations_is_the_table_of_rules() -> None:
    table = {rule.operation: ({r.value for r in rule.roles}, rule.managers is not None) for rule in RULES.values()}
    assert _readme_operations() == table


def test_guarded_fields_and_mutations_say_who_may_use_them() -> None:
    described = {}
    for type_name in ("Query", "Mutation", "Actor"):
        type_ = SCHEMA.type_map[type_name]
        assert isinstance(type_, GraphQLObjectType) or type_name == "Actor"
        for name, field in type_.fields.items():  # type: ignore[attr-defined]
            described[name if type_name != "Actor" else f"Actor.{name}"] = field.description or ""
    for rule in RULES.values():
        if rule.operation.startswith("/"):
            continue  # an HTTP route, not a field
        assert described[rule.operation].endswith(rule.sentence), rule.operation
    mutations = SCHEMA.type_map["Mutation"].fields  # type: ignore[attr-defined]
    assert set(mutations) <= set(RULES), "every mutation needs a rule in core/access.py"


def test_the_readme_configuration_table_is_the_declared_settings() -> None:
    assert markdown_table() in README, "README's configuration table is stale: paste `kiezgraph settings`"
    assert len({s.env for s in DECLARED}) == len(DECLARED)


def test_readme_shows_lint_and_test() -> None:
    assert re.search(r"^make lint\b", README, re.M) and re.search(r"^make test\b", README, re.M)
