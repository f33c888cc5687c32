"""The map's GraphQL documents (``web/src/graphql/*.graphql``) are valid against the committed schema.

The page talks to the public API only, with these documents as written: a field renamed or removed
in ``schema.graphql`` fails here, before a browser ever sees it.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from graphql import build_schema, parse, validate
from graphql.language import OperationDefinitionNode

from core.access import Role
from kiezgraph.settings import DEFAULT_BUDGETS
from schema import cost

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = sorted((ROOT / "web" / "src").rglob("*.graphql"))


def test_the_map_has_its_documents() -> None:
    names = {d.stem for d in DOCUMENTS}
    assert {"Start", "QuarterNetwork", "SearchActors", "Actor", "SuggestPartners", "AddCooperation"} <= names


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: p.stem)
def test_document_is_valid_against_the_schema(document: Path) -> None:
    schema = build_schema((ROOT / "schema.graphql").read_text())
    ast = parse(document.read_text())
    errors = validate(schema, ast)
    assert errors == [], [e.message for e in errors]
    operations = [d for d in ast.definitions if isinstance(d, OperationDefinitionNode)]
    # One named operation per file, named as the file: the page imports documents by file name.
    assert [o.name.value if o.name else None for o in operations] == [document.stem]


# The least role that sends each document (the page offers the others to everyone, public included).
_SENT_BY = {"ActorMetrics": Role.RESEARCHER} | dict.fromkeys(
    ("SuggestPartners", "MissingLinks", "AddCooperation", "CreateActor", "EndCooperation", "UpdateActor"), Role.MANAGER
)


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: p.stem)
def test_document_fits_the_budget_of_the_role_that_sends_it(document: Path) -> None:
    # A document over its role's cost budget is refused before it runs (schema/cost.py): the panel
    # would stay empty for everyone without a token.
    schema = build_schema((ROOT / "schema.graphql").read_text())
    role = _SENT_BY.get(document.stem, Role.PUBLIC)
    estimated = cost.estimate(schema, parse(document.read_text()), {}, document.stem)
    assert estimated is not None and estimated <= DEFAULT_BUDGETS[role], (estimated, DEFAULT_BUDGETS[role])


def test_the_page_type_checks() -> None:
    # The bundle is built by esbuild, which strips types without checking them; tsc checks them here.
    tsc = ROOT / "web" / "node_modules" / ".bin" / "tsc"
    assert tsc.exists(), "run `make test` (it installs web/node_modules)"
    done = subprocess.run([str(tsc), "--noEmit", "-p", str(ROOT / "web")], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
