"""``kiezgraph import`` against the real Neo4j: the README's example, dry run first, then apply."""

from __future__ import annotations

from pathlib import Path

import neo4j
import pytest

from graph.db import Neo4jSettings
from kiezgraph.cli import main
from kiezgraph.import_command import parse_decision
from tests import office_sheets
from tests.conftest import count
from tests.test_imports import lookalike

EXAMPLE = Path(__file__).parent.parent / "examples" / "partnerliste-beispiel.xlsx"
ACTORS = "MATCH (a:Actor) RETURN count(a)"


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, neo4j_settings: Neo4jSettings) -> None:
    monkeypatch.setenv("NEO4J_URI", neo4j_settings.uri)
    monkeypatch.setenv("NEO4J_USER", neo4j_settings.user)
    monkeypatch.setenv("NEO4J_PASSWORD", neo4j_settings.password)


def _run(*args: str) -> int:
    try:
        return main(["import", *args])
    except SystemExit as exit_:
        return int(exit_.code or 0)


def test_dry_run_then_apply_the_readme_example(
    reference: neo4j.Driver, env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    before = count(reference, ACTORS)
    assert _run(str(EXAMPLE), "--quarter", "rollberg") == 0
    out = capsys.readouterr()
    assert "actors.new" in out.out and "Dry run: nothing was written" in out.out
    assert count(reference, ACTORS) == before

    assert _run(str(EXAMPLE), "--quarter", "rollberg", "--apply") == 0
    out = capsys.readouterr()
    assert "5 actors created" in out.out and "3 cooperations created" in out.out
    assert "cooperations" in out.err and "rows/s" in out.err  # the progress bar
    assert count(reference, ACTORS) == before + 5
    # 5 actors, 3 cooperations, 3 contact persons (one of the list's has no name and is left out)
    assert count(reference, "MATCH (c:Change) WHERE c.principal STARTS WITH 'cli:' RETURN count(c)") == 11

    assert _run(str(EXAMPLE), "--quarter", "rollberg", "--apply") == 0
    assert "applied before; nothing was written again" in capsys.readouterr().out
    assert count(reference, ACTORS) == before + 5


def test_rows_waiting_for_a_decision_are_listed_and_block_the_apply(
    reference: neo4j.Driver, env: None, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    lookalike(reference)
    before = count(reference, ACTORS)
    assert _run(str(EXAMPLE), "--apply", "--language", "en") == 2
    out = capsys.readouterr().out
    assert "Waiting for a decision (1;" in out and "Partner!6 Grundschule am Hang" in out
    assert "Nothing was written" in out
    assert count(reference, ACTORS) == before
    assert _run(str(EXAMPLE), "--apply", "--decide", "Partner!6=merge:hang1") == 0
    assert "4 actors created, 1 merged" in capsys.readouterr().out
    assert count(reference, ACTORS) == before + 4


def test_errors_are_listed_with_row_and_column(
    reference: neo4j.Driver, env: None, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    sheet = office_sheets.partner_list_xlsx(tmp_path / "liste.xlsx")
    _run(str(sheet), "--language", "en")
    out = capsys.readouterr().out
    assert "Errors (" in out and "Dry run" in out


def test_a_file_that_cannot_be_read_is_reported(env: None, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "liste.txt"
    bad.write_text("hello")
    assert _run(str(bad)) == 1
    assert "kiezgraph import:" in capsys.readouterr().out


def test_decisions_are_written_as_row_and_decision() -> None:
    assert parse_decision("Partner!7=create").row == 7
    assert parse_decision("Partner!7=merge:abc").into_actor == "abc"
    assert parse_decision("Partner!7=row:Partner!5").into_row == 5
    with pytest.raises(ValueError, match="ROW=DECISION"):
        parse_decision("7=create")
