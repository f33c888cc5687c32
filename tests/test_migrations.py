"""Migrations: recorded, idempotent, and guarded against edits after the fact."""

from __future__ import annotations

from pathlib import Path

import neo4j
import pytest

from graph import migrations
from graph.db import Database, Neo4jSettings
from graph.names import name_key, search_key, sort_key
from tests import factories
from tests.conftest import GraphQLClient, count, run_async


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


def test_a_migration_edited_after_it_ran_is_refused(clean_db: neo4j.Driver, neo4j_settings: Neo4jSettings) -> None:
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


# ---- Python migrations ------------------------------------------------------------------------


def test_python_migrations_are_loaded_beside_cypher_ones(tmp_path: Path) -> None:
    (tmp_path / "0001_first.cypher").write_text("CREATE INDEX x IF NOT EXISTS FOR (n:X) ON (n.x);")
    (tmp_path / "0002_second.py").write_text("async def apply(db):\n    pass\n")
    first, second = migrations.load_migrations(tmp_path)
    assert (first.version, first.apply, len(first.statements)) == (1, None, 1)
    assert (second.version, second.name, second.statements) == (2, "second", ())
    assert second.apply is not None and len(second.checksum) == 16
    (tmp_path / "0002_second.py").write_text("async def apply(db):\n    return None\n")
    assert migrations.load_migrations(tmp_path)[1].checksum != second.checksum


@pytest.mark.parametrize(
    "files, message",
    [
        ({"0001_sync.py": "def apply(db):\n    pass\n"}, "async def apply"),
        ({"0001_nothing.py": "X = 1\n"}, "async def apply"),
        (
            {"0001_a.cypher": "RETURN 1;", "0001_b.py": "async def apply(db):\n    pass\n"},
            "two migrations have version 1",
        ),
        ({"6_short.py": "async def apply(db):\n    pass\n"}, "NNNN_name"),
    ],
)
def test_a_malformed_python_migration_is_refused(tmp_path: Path, files: dict[str, str], message: str) -> None:
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    with pytest.raises(migrations.MigrationError, match=message):
        migrations.load_migrations(tmp_path)


def test_an_edited_python_migration_is_refused_too(clean_db: neo4j.Driver, neo4j_settings: Neo4jSettings) -> None:
    [refold] = [m for m in migrations.load_migrations() if m.apply is not None and m.version == 6]
    clean_db.execute_query("MATCH (m:Migration {version: 6}) SET m.checksum = 'edited'")
    try:
        with pytest.raises(migrations.MigrationError, match="changed after it was applied"):
            run_async(neo4j_settings, migrations.migrate)
    finally:
        clean_db.execute_query("MATCH (m:Migration {version: 6}) SET m.checksum = $c", c=refold.checksum)


# ---- 0006: name keys refolded in place --------------------------------------------------------

# What the folding before 0006 stored (copied from the previous graph/names.py's output).
OLD_KEYS = [
    {
        "name": "Schoeneberger Kiezgaertner",
        "searchKey": "schoeneberger kiezgaertner | schoenebergerkiezgaertner",
        "nameKey": "schoenebergerkiezgaertner",
        "sortName": "schoeneberger kiezgaertner",
    },
    {
        "name": "Stadtteilmuetter Rollberg e.V.",
        "searchKey": "stadtteilmuetter rollberg | stadtteilmuetterrollberg",
        "nameKey": "stadtteilmuetterrollberg",
        "sortName": "stadtteilmuetter rollberg e v",
    },
]
SEARCH = "query($t: String) { actors(filter: {text: $t}) { nodes { name } } }"


def _keys(driver: neo4j.Driver) -> dict[str, tuple[str, str | None, str]]:
    records, _, _ = driver.execute_query(
        "MATCH (n) WHERE n:Actor OR n:Quarter RETURN n.id AS id, n.name AS name, coalesce(n.altNames, []) AS alt, "
        "n.searchKey AS s, n.nameKey AS k, n.sortName AS o"
    )
    return {r["id"]: (r["s"], r["k"], r["o"]) for r in records} | {
        f"fresh:{r['id']}": (
            search_key([r["name"], *r["alt"]]),
            name_key(r["name"]) if r["k"] is not None else None,
            sort_key(r["name"]),
        )
        for r in records
    }


def _refolded_everything(driver: neo4j.Driver) -> bool:
    keys = _keys(driver)
    return all(keys[i] == keys[f"fresh:{i}"] for i in keys if not i.startswith("fresh:"))


def test_a_database_upgraded_in_place_searches_and_refuses_duplicates_like_a_fresh_one(
    clean_db: neo4j.Driver, neo4j_settings: Neo4jSettings, gql: GraphQLClient
) -> None:
    for row in OLD_KEYS:
        factories.actor(gql, row["name"])
    # As the version before 0006 left them:
    clean_db.execute_query(
        "UNWIND $rows AS row MATCH (a:Actor {name: row.name}) "
        "SET a.searchKey = row.searchKey, a.nameKey = row.nameKey, a.sortName = row.sortName",
        rows=OLD_KEYS,
    )
    clean_db.execute_query(
        "CREATE (:Quarter {id: 'q-old', slug: 'weisse-siedlung-alt', name: 'Weiße Siedlung', "
        "altNames: ['Weisse Siedlung'], searchKey: 'weisse siedlung', sortName: 'weisse siedlung'})"
    )
    clean_db.execute_query("MATCH (m:Migration {version: 6}) DELETE m")
    assert gql.data(SEARCH, {"t": "Schöneberger"})["actors"]["nodes"] == []

    assert run_async(neo4j_settings, migrations.migrate) == [6]
    assert _refolded_everything(clean_db)
    assert gql.data(SEARCH, {"t": "Schöneberger"})["actors"]["nodes"] == [{"name": "Schoeneberger Kiezgaertner"}]
    refused = gql.data(
        'mutation { createActor(input: {type: INITIATIVE, name: "Stadtteilmütter Rollberg"}) '
        "{ actor { id } errors { code } } }"
    )["createActor"]
    assert refused == {"actor": None, "errors": [{"code": "DUPLICATE_ACTOR"}]}
    _, indexes = _schema(clean_db)
    assert "actor_name_key" in indexes


def test_the_refold_pages_through_every_actor_and_quarter(
    clean_db: neo4j.Driver, neo4j_settings: Neo4jSettings
) -> None:
    clean_db.execute_query(
        "UNWIND range(1, 7) AS i CREATE (:Actor:Initiative {id: 'a' + i, name: 'Bäckerei Nr. ' + i, "
        "altNames: ['Baeckerei ' + i], searchKey: 'stale', nameKey: 'stale', sortName: 'stale'})"
    )
    clean_db.execute_query(
        "UNWIND range(1, 3) AS i CREATE (:Quarter {id: 'q' + i, slug: 'q' + i, name: 'Körnerkiez ' + i, "
        "searchKey: 'stale', sortName: 'stale'})"
    )
    [refold] = [m for m in migrations.load_migrations() if m.version == 6]
    assert refold.apply is not None
    apply = refold.apply

    async def in_pages_of_two(db: Database) -> None:
        await apply(db, batch_size=2)

    run_async(neo4j_settings, in_pages_of_two)
    assert _refolded_everything(clean_db)
    assert count(clean_db, "MATCH (n) WHERE n.searchKey = 'stale' OR n.sortName = 'stale' RETURN count(n)") == 0
    before = _keys(clean_db)
    run_async(neo4j_settings, in_pages_of_two)  # again: the same keys
    assert _keys(clean_db) == before
