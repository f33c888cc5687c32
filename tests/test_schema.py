"""The committed schema.graphql is what the code exports, and everything in it is described."""

from __future__ import annotations

import asyncio
import dataclasses

from graphql import GraphQLEnumType, GraphQLInputObjectType, GraphQLInterfaceType, GraphQLObjectType

from core.access import Role
from schema import Limits, build_schema, export_sdl
from tests.conftest import ROOT


def test_committed_schema_matches_the_code() -> None:
    committed = (ROOT / "schema.graphql").read_text(encoding="utf-8")
    assert committed == export_sdl(), "schema.graphql is stale: run `make schema` and review the diff"


def test_every_type_field_argument_and_enum_value_has_a_description() -> None:
    schema = build_schema()._schema
    missing = []
    for name, type_ in schema.type_map.items():
        if name.startswith("__"):
            continue
        if not type_.description:
            missing.append(name)
        if isinstance(type_, GraphQLObjectType | GraphQLInterfaceType | GraphQLInputObjectType):
            for field_name, field in type_.fields.items():
                if not field.description:
                    missing.append(f"{name}.{field_name}")
                for arg_name, arg in getattr(field, "args", {}).items():
                    if not arg.description:
                        missing.append(f"{name}.{field_name}({arg_name})")
        if isinstance(type_, GraphQLEnumType):
            missing += [f"{name}.{v}" for v, value in type_.values.items() if not value.description]
    assert missing == []


def test_validation_is_kept_per_schema_and_document() -> None:
    # Validation results are kept by the identity of schema, document and rules
    # (schema.Prepared): the same text must still be refused by a schema whose rules refuse it
    # and answered by one whose rules allow it, in any order and as often as asked.
    # The same parse options (max_tokens), so both schemas are handed the same parsed document.
    closed = Limits(
        max_depth=10, max_aliases=5, max_tokens=1000, introspection=False, budgets=dict.fromkeys(Role, 10**6)
    )
    open_schema, closed_schema = build_schema(dataclasses.replace(closed, introspection=True)), build_schema(closed)
    introspect, unknown = "{ __schema { queryType { name } } }", "{ nope }"
    for _ in range(3):
        for schema, refused in ((closed_schema, True), (open_schema, False)):
            result = asyncio.run(schema.execute(introspect))
            if refused:
                assert result.errors and {e.extensions["code"] for e in result.errors} == {"INTROSPECTION_DISABLED"}
            else:
                assert result.errors is None and result.data == {"__schema": {"queryType": {"name": "Query"}}}
            result = asyncio.run(schema.execute(unknown))
            assert result.errors and "nope" in result.errors[0].message and result.data is None
