"""Migrations: recorded, idempotent, and guarded against edits after the fact."""

from __future__ import annotations

from pathlib import Path

import neo4j
import pytest

from graph import migrations
from graph.db import Neo4jSettings
from tests.conftest import count, run_async


def _schema(driver: neo4j.Driver) -> tuple[set[str], set[str]]:
    constraints, _, _ = driver.execute_query("SHOW CONSTRAINTS YIELD name RETURN collect(name) AS names")
    indexes, _, _ = driver.execute_query("SHOW INDEXES YIELD name RETURN collect(name) AS names")
    return set(constraints[0]["names"]), set(indexes[0]["names"])


def test_every_migration_is_recorded_once(clean_db: neo4j.Driver) -> None:
    versions = {m.version for m in migrations.load_migrations()}
    records, _, _ = clean_db.execute_query("MATCH (m:Migration) RETURN m.version AS v, m.appliedAt AS at")
    assert {r["v"] for r in records} == versions
    assert all(r["at"] is not None for r in records)


def test_running_again_applies_nothing_and_changes_nothing(
    clean_db: neo4j.Driver, neo4j_settings: Neo4jSettings
) -> None:
    before = _schema(clean_db)
    assert run_async(neo4j_settings, migrations.migrate) == []
    assert _schema(clean_db) == before
    assert count(clean_db, "MATCH (m:Migration) RETURN count(m)") == len(migrations.load_migrations())


def test_statements_are_idempotent_even_without_the_ledger(
    clean_db: neo4j.Driver, neo4j_settings: Neo4jSettings
) -> None:
    before = _schema(clean_db)
    clean_db.execute_query("MATCH (m:Migration) DELETE m")
    applied = run_async(neo4j_settings, migrations.migrate)
    assert applied == [m.version for m in migrations.load_migrations()]
    assert _schema(clean_db) == before


def test_the_schema_holds_unique_ids_and_name_search(clean_db: neo4j.Driver) -> None:
    constraints, indexes = _schema(clean_db)
    assert {"quarter_id", "quarter_slug", "actor_id", "action_field_key", "cooperation_id"} <= constraints
    assert {"actor_names", "actor_search_key", "quarter_names"} <= indexes
    clean_db.execute_query("CREATE (:Actor:Company {id: 'x'})")
    with pytest.raises(neo4j.exceptions.ConstraintError):
        clean_db.execute_query("CREATE (:Actor:Initiative {id: 'x'})")


def test_a_migration_edited_after_it_ran_is_refused(
    clean_db: neo4j.Driver, neo4j_settings: Neo4jSettings
) -> None:
    clean_db.execute_query("MATCH (m:Migration {version: 1}) SET m.checksum = 'edited'")
    try:
        with pytest.raises(migrations.MigrationError, match="changed after it was applied"):
            run_async(neo4j_settings, migrations.migrate)
    finally:
        real = migrations.load_migrations()[0].checksum
        clean_db.execute_query("MATCH (m:Migration {version: 1}) SET m.checksum = $c", c=real)


def test_migration_files_are_named_by_version(tmp_path: Path) -> None:
    (tmp_path / "first.cypher").write_text("RETURN 1;")
    with pytest.raises(migrations.MigrationError, match="NNNN_name"):
        migrations.load_migrations(tmp_path)


def test_actor_types_are_backfilled_from_labels(clean_db: neo4j.Driver, neo4j_settings: Neo4jSettings) -> None:
    clean_db.execute_query("CREATE (:Actor:HousingAssociation {id: 'old'})")
    clean_db.execute_query("MATCH (m:Migration {version: 4}) DELETE m")
    assert run_async(neo4j_settings, migrations.migrate) == [4]
    records, _, _ = clean_db.execute_query("MATCH (a:Actor {id: 'old'}) RETURN a.type AS type")
    assert records[0]["type"] == "HousingAssociation"
