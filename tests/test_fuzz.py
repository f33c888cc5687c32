"""A schemathesis run over the whole GraphQL schema (every query and mutation field, as admin):
whatever it sends, the service answers without a server error — no 5xx, no INTERNAL_SERVER_ERROR —
and every error it answers with carries an ``extensions.code``. (Raw bytes, numbers and Unicode
edge cases over HTTP are fuzzed in ``test_hardening.py``.)

Schemathesis's pytest plugin does not run under pytest 9 yet, so the test drives its
Hypothesis strategies directly, one operation at a time.
"""

from __future__ import annotations

from typing import Any

import neo4j
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings, strategies
from schemathesis.specs.graphql import nodes

from graph.db import Neo4jSettings
from kiezgraph.app import create_app
from schema import build_schema
from tests.conftest import TEST_OPTIONS

EXAMPLES_PER_FIELD = 10
# createImport's `file` (the Upload scalar) sent inline, as a JSON request can: a string, which
# the mutation must refuse with a typed error (a real file comes as a multipart part).
schemathesis.graphql.scalar("Upload", strategies.text(max_size=50).map(nodes.String))


@pytest.mark.slow
# Schemathesis's GraphQL strategies draw from the `random` module themselves (its substitution and
# extra-data sources), which Hypothesis 6.17x flags as deprecated: its warning, not our code's.
@pytest.mark.filterwarnings("ignore:Do not use the `random` module inside strategies")
def test_no_server_error_anywhere(demo: neo4j.Driver, neo4j_settings: Neo4jSettings, admin_token: str) -> None:
    app = create_app(neo4j_settings, TEST_OPTIONS)
    schema = schemathesis.graphql.from_asgi("/graphql", app)
    headers = {"Authorization": f"Bearer {admin_token}"}
    operations = [result.ok() for result in schema.get_all_operations()]
    graphql = build_schema()._schema
    assert len(operations) == len(graphql.query_type.fields) + len(graphql.mutation_type.fields)  # every field
    failures: list[str] = []
    answered = 0

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES_PER_FIELD,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case: Any) -> None:
            nonlocal answered
            response = case.call(headers=headers)
            answered += 1
            body = response.json() if response.content else {}
            codes = [(e.get("extensions") or {}).get("code") for e in body.get("errors") or []]
            if response.status_code >= 500 or "INTERNAL_SERVER_ERROR" in codes or None in codes:
                failures.append(f"{case.operation.label}: {case.body} -> {response.status_code} {response.text[:300]}")

        check()
    assert failures == []
    assert answered >= 3 * len(operations)  # the run really sent requests
