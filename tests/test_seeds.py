"""Seeds: the real Neukölln quarters with sources, idempotent loading, a flagged demo network."""

from __future__ import annotations

import datetime as dt

import neo4j

from graph import changes, revision
from graph.db import Database, Neo4jSettings
from kiezgraph import cli
from seeds import load
from tests.conftest import count, run_async

NEUKOELLN_AREAS = {
    "Reuterplatz",
    "Donaustraße-Nord",
    "Flughafenstraße",
    "Schillerpromenade",
    "Rollberg",
    "Ganghoferstraße",
    "Richardplatz Süd",
    "Körnerpark",
    "High-Deck-Siedlung",
    "Weiße Siedlung Dammweg",
    "Gropiusstadt",
}


def _fingerprint(driver: neo4j.Driver) -> tuple[int, int, list[str]]:
    nodes = count(driver, "MATCH (n) WHERE NOT n:Migration RETURN count(n)")
    rels = count(driver, "MATCH ()-[r]->() RETURN count(r)")
    records, _, _ = driver.execute_query(
        "MATCH (n) WHERE NOT n:Migration RETURN n.id AS id, properties(n) AS p ORDER BY id"
    )
    return nodes, rels, [repr(sorted(r["p"].items())) for r in records]


def test_the_eleven_neukoelln_areas_and_rixdorf_are_seeded(reference: neo4j.Driver) -> None:
    records, _, _ = reference.execute_query("MATCH (q:Quarter) RETURN q.name AS name, q.district AS district")
    assert {r["name"] for r in records} == NEUKOELLN_AREAS | {"Rixdorf"}
    assert {r["district"] for r in records} == {"Neukölln"}


def test_every_quarter_has_sources_and_its_figures(reference: neo4j.Driver) -> None:
    records, _, _ = reference.execute_query("MATCH (q:Quarter) RETURN q")
    for record in records:
        q = record["q"]
        assert q["sources"] and all(url.startswith("https://") for url in q["sources"]), q["name"]
        if q["name"] != "Rixdorf":  # no public figures for Rixdorf in the seed text
            assert q["areaHa"] > 0 and q["residents"] > 0 and 2015 <= q["residentsYear"] <= 2022, q["name"]
    [rollberg] = [r["q"] for r in records if r["q"]["slug"] == "rollberg"]
    assert (rollberg["areaHa"], rollberg["residents"], rollberg["residentsYear"]) == (28.84, 5664, 2015)


def test_statuses_dates_and_the_rixdorf_merger(reference: neo4j.Driver) -> None:
    records, _, _ = reference.execute_query(
        "MATCH (q:Quarter) OPTIONAL MATCH (q)-[m:MERGED_INTO]->(r) "
        "RETURN q.slug AS slug, q.status AS status, q.endDate AS end, r.slug AS into, m.date AS on, m.sources AS src"
    )
    by_slug = {r["slug"]: r for r in records}
    assert {s for s, r in by_slug.items() if r["status"] == "merged"} == {"ganghoferstrasse", "richardplatz-sued"}
    for slug in ("ganghoferstrasse", "richardplatz-sued"):
        assert by_slug[slug]["into"] == "rixdorf"
        assert by_slug[slug]["on"].to_native() == dt.date(2021, 1, 1)
        assert by_slug[slug]["src"]
    assert by_slug["reuterplatz"]["end"].to_native() == dt.date(2016, 12, 31)
    assert {s for s, r in by_slug.items() if r["status"] == "ended"} == {
        "reuterplatz",
        "schillerpromenade",
        "koernerpark",
        "gropiusstadt",
    }


def test_coordinates_only_where_a_source_gives_them(reference: neo4j.Driver) -> None:
    records, _, _ = reference.execute_query(
        "MATCH (q:Quarter) WHERE q.landmark IS NOT NULL RETURN q.slug AS slug, q.landmarkSource AS src"
    )
    assert {r["slug"] for r in records} == {"rollberg", "koernerpark", "schillerpromenade", "gropiusstadt"}
    assert all(r["src"] for r in records)


def test_traeger_and_housing_owners_are_linked_with_sources(reference: neo4j.Driver) -> None:
    records, _, _ = reference.execute_query(
        "MATCH (a:Actor)-[m:ACTIVE_IN]->(q:Quarter {slug: 'rollberg'}) "
        "RETURN a.name AS name, labels(a) AS labels, m.role AS role, m.sources AS src, m.flats AS flats"
    )
    roles = {(r["name"], r["role"]) for r in records}
    assert roles == {("BSG", "qm_operator"), ("STADT UND LAND", "housing_owner")}
    assert all(r["src"] for r in records)
    [owner] = [r for r in records if r["role"] == "housing_owner"]
    assert "HousingAssociation" in owner["labels"] and owner["flats"] == 2100
    # Körnerpark's Träger is not confirmed by a source, so none is seeded.
    assert (
        count(
            reference,
            "MATCH (:Actor)-[:ACTIVE_IN {role: 'qm_operator'}]->(:Quarter {slug: 'koernerpark'}) RETURN count(*)",
        )
        == 0
    )


def test_no_cooperation_between_real_organisations_is_seeded(demo: neo4j.Driver) -> None:
    assert (
        count(demo, "MATCH (a:Actor)-[c:COOPERATES_WITH]-(b) WHERE NOT (a.synthetic AND b.synthetic) RETURN count(c)")
        == 0
    )


def test_loading_twice_changes_nothing(demo: neo4j.Driver, neo4j_settings: Neo4jSettings) -> None:
    before = _fingerprint(demo)
    run_async(neo4j_settings, load.load_reference)
    run_async(neo4j_settings, load.load_demo)
    assert _fingerprint(demo) == before


def test_the_demo_network_is_flagged_synthetic(demo: neo4j.Driver) -> None:
    synthetic = count(demo, "MATCH (a:Actor {synthetic: true}) RETURN count(a)")
    assert synthetic >= 20
    assert count(demo, "MATCH (a:Actor) WHERE a.synthetic IS NULL RETURN count(a)") == 0
    assert count(demo, "MATCH ()-[c:COOPERATES_WITH]->() WHERE c.synthetic <> true RETURN count(c)") == 0
    types = demo.execute_query(
        "MATCH (a:Actor {synthetic: true}) UNWIND labels(a) AS l RETURN collect(DISTINCT l) AS l"
    )
    assert {"Institution", "Initiative", "Company", "HousingAssociation"} <= set(types.records[0]["l"])
    quarters = count(demo, "MATCH (:Actor {synthetic: true})-[:ACTIVE_IN]->(q) RETURN count(DISTINCT q)")
    assert quarters >= 4


def test_the_demo_can_be_removed_and_loaded_on_its_own(demo: neo4j.Driver, neo4j_settings: Neo4jSettings) -> None:
    real_before = count(demo, "MATCH (a:Actor {synthetic: false}) RETURN count(a)")
    removed = run_async(neo4j_settings, load.remove_demo)
    assert removed.actors > 0 and removed.cooperations > 0
    assert count(demo, "MATCH (a:Actor {synthetic: true}) RETURN count(a)") == 0
    assert count(demo, "MATCH ()-[c:COOPERATES_WITH]->() RETURN count(c)") == 0
    assert count(demo, "MATCH (a:Actor {synthetic: false}) RETURN count(a)") == real_before
    assert count(demo, "MATCH (q:Quarter) RETURN count(q)") == 12
    loaded = run_async(neo4j_settings, load.load_demo)
    assert (loaded.actors, loaded.cooperations) == (removed.actors, removed.cooperations)


def test_a_reseed_moves_the_revision_and_tells_the_change_feed(
    reference: neo4j.Driver, neo4j_settings: Neo4jSettings
) -> None:
    # Caches keyed by the revision (metrics, exports, the suggestion snapshot) must see a re-seed.
    async def reseed(db: Database) -> tuple[int, int, list[tuple[str, str]]]:
        before = await revision.current(db)
        stamped = await cli.reseed(db, demo=False)
        feed = await changes.page(db, after=before, commits=10)
        return before, stamped, [(r.entity, r.operation) for r in feed.records]

    before, stamped, records = run_async(neo4j_settings, reseed)
    assert stamped == before + 1
    assert records == [("Network", "reload")]
