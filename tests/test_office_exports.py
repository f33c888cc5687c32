"""Office exports over HTTP: the XLSX workbook (round trip through the import into an empty
database), contact persons only for those who may read them, German Excel CSV with its
properties file; the data revision in every file."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import neo4j
import python_calamine
from starlette.testclient import TestClient

from graph.db import Neo4jSettings
from seeds import load
from tests.conftest import count, issue_token, run_async
from tests.test_imports import EXAMPLE, _apply

CLEAR = "MATCH (n) WHERE NOT n:Migration DETACH DELETE n"


def _sheets(content: bytes) -> dict[str, list[list[object]]]:
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(content))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


def _network(driver: neo4j.Driver) -> tuple[set[tuple[str, str]], set[tuple[str, str, str]], set[tuple[str, str]]]:
    actors, _, _ = driver.execute_query("MATCH (a:Actor) WHERE a.name IN $names RETURN a.name, a.type", names=NAMES)
    ties, _, _ = driver.execute_query("MATCH (a:Actor)-[c:COOPERATES_WITH]->(b:Actor) RETURN a.name, b.name, c.kind")
    members, _, _ = driver.execute_query(
        "MATCH (a:Actor)-[m:ACTIVE_IN]->(q:Quarter) WHERE a.name IN $names RETURN a.name, q.slug + ':' + toString(m.since)",
        names=NAMES,
    )
    return (
        {(r[0], r[1]) for r in actors},
        {(*sorted((r[0], r[1])), r[2]) for r in ties},  # type: ignore[misc]
        {(r[0], r[1]) for r in members},
    )


NAMES = [
    "KITA Sonnenschein",
    "Grundschule am Hang",
    "Lesecafé Hügel e. V.",
    "Sprachbrücke Rollberg",
    "Werkstatt Hügelholz GmbH",
]


def test_export_a_quarter_import_it_into_an_empty_database_export_again(
    reference: neo4j.Driver, neo4j_settings: Neo4jSettings, client: TestClient, tmp_path: Path
) -> None:
    assert _apply(neo4j_settings, EXAMPLE).value is not None
    before = _network(reference)
    assert len(before[0]) == 5 and len(before[1]) == 3
    first = client.get("/export/xlsx?quarters=rollberg", headers={"Authorization": ""})  # public
    assert first.status_code == 200, first.text
    sheets = _sheets(first.content)
    assert list(sheets) == ["Akteure", "Kooperationen", "Quartiere", "Eigenschaften"]
    properties = {row[0]: row[1] for row in sheets["Eigenschaften"][1:]}
    assert properties["Datenstand (Revision)"] == count(reference, "MATCH (s:NetworkState) RETURN s.revision")
    assert "quarters=rollberg" in str(properties["Auswahl"])
    assert not any("Ansprechperson" in str(h) for h in sheets["Akteure"][0])  # no personal data

    reference.execute_query(CLEAR)
    run_async(neo4j_settings, load.load_reference)
    exported = tmp_path / "export.xlsx"
    exported.write_bytes(first.content)
    again = _apply(neo4j_settings, exported, key="re-import")
    assert not again.errors, again.errors
    assert _network(reference) == before

    second = client.get("/export/xlsx?quarters=rollberg", headers={"Authorization": ""})  # tokens were cleared too
    assert second.status_code == 200, second.text
    rows = lambda content: sorted(tuple(r[1:]) for r in _sheets(content)["Kooperationen"][1:])  # noqa: E731
    assert len(rows(second.content)) == len(rows(first.content))
    names = lambda content: sorted(r[1] for r in _sheets(content)["Akteure"][1:])  # noqa: E731
    assert names(second.content) == names(first.content)


def test_contact_persons_only_for_those_who_may_read_them(
    reference: neo4j.Driver, neo4j_settings: Neo4jSettings, client: TestClient
) -> None:
    assert _apply(neo4j_settings, EXAMPLE).value is not None
    reference.execute_query(
        "MATCH (a:Actor {name: 'Sprachbrücke Rollberg'}) "
        "CREATE (:Person {id: 'p1', name: 'Erika Beispiel', email: 'erika@example.org', "
        "createdAt: datetime(), updatedAt: datetime()})-[:CONTACT_FOR]->(a)"
    )
    public = client.get("/export/xlsx?contacts=true", headers={"Authorization": ""})
    assert public.status_code == 403 and public.json()["error"]["code"] == "FORBIDDEN"
    own = issue_token(neo4j_settings, "manager", ["rollberg"], name="own")
    other = issue_token(neo4j_settings, "manager", ["flughafenstrasse"], name="other")
    mine = _sheets(client.get("/export/xlsx?contacts=true", headers={"Authorization": f"Bearer {own}"}).content)
    assert "erika@example.org" in str(mine["Akteure"])
    theirs = _sheets(client.get("/export/xlsx?contacts=true", headers={"Authorization": f"Bearer {other}"}).content)
    assert "erika@example.org" not in str(theirs["Akteure"])


def test_german_excel_csv_with_its_properties(
    reference: neo4j.Driver, neo4j_settings: Neo4jSettings, client: TestClient
) -> None:
    assert _apply(neo4j_settings, EXAMPLE).value is not None
    response = client.get("/export/csv?quarters=rollberg&style=excel", headers={"Authorization": ""})
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert sorted(archive.namelist()) == ["edges.csv", "nodes.csv", "properties.csv"]
    nodes = archive.read("nodes.csv").decode("utf-8")
    assert nodes.startswith("\ufeffid;name;type") and "52,47" not in nodes.split("\r\n")[0]
    properties = archive.read("properties.csv").decode("utf-8")
    assert "revision;" in properties and "exportedAt;" in properties
    gephi = client.get("/export/csv?part=edges&style=gephi&merge=true").text
    assert gephi.startswith("Source,Target,Type,Id,Label,Weight")
    assert client.get("/export/csv?style=fancy").status_code == 400
    revision = count(reference, "MATCH (s:NetworkState) RETURN s.revision")
    assert f"data revision {revision}" in client.get("/export/graphml").text
    assert f"data revision {revision}" in client.get("/export/gexf").text
