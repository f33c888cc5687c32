"""The action-field catalogue and the quarter slugs are kept in memory between requests, yet a
field or quarter added in Neo4j is known at once and a change shows within the staleness window."""

from __future__ import annotations

import asyncio

import neo4j
import pytest
from starlette.testclient import TestClient

from core.catalogue import Catalogue
from graph.action_fields import ActionFieldRecord

FILTERED = """query($q: [String!], $f: [String!]) {
  actors(first: 5, filter: {quarters: $q, actionFields: $f}) { totalCount } }"""


def _statements(client: TestClient, query: str, variables: dict[str, object]) -> tuple[int, dict]:
    db = client.app.state.db  # type: ignore[attr-defined]
    before = db.round_trips
    body = client.post("/graphql", json={"query": query, "variables": variables}).json()
    return db.round_trips - before, body


@pytest.mark.uncached  # the repeat would be a cache hit
def test_a_repeated_filter_reads_neither_catalogue_nor_quarter_again(
    reference: neo4j.Driver, client: TestClient
) -> None:
    client.post("/graphql", json={"query": "{ __typename }"})  # the token check is cached after this
    variables = {"q": ["rollberg"], "f": ["bildung"]}
    first, body = _statements(client, FILTERED, variables)
    assert "errors" not in body, body
    second, again = _statements(client, FILTERED, variables)
    assert again == body
    assert second == first - 2  # the quarter check and the catalogue came from memory


def test_a_quarter_and_a_field_added_later_are_known_at_once(reference: neo4j.Driver, client: TestClient) -> None:
    assert "errors" not in _statements(client, FILTERED, {"q": ["rollberg"], "f": ["bildung"]})[1]
    unknown = _statements(client, FILTERED, {"q": ["neu-kiez"], "f": ["bildung"]})[1]
    assert "unknown quarter 'neu-kiez'" in unknown["errors"][0]["message"]
    reference.execute_query(
        "CREATE (:Quarter {id: 'q-neu', slug: 'neu-kiez', name: 'Neuer Kiez', sortName: 'neuer kiez', "
        "district: 'Neukölln', status: 'active', startYear: 2026})"
    )
    reference.execute_query(
        "CREATE (:ActionField {id: 'af-neu', key: 'stadtnatur', name: 'Stadtnatur', nameEn: 'Urban nature', era: 'current'})"
    )
    body = _statements(client, FILTERED, {"q": ["neu-kiez"], "f": ["stadtnatur"]})[1]
    assert body == {"data": {"actors": {"totalCount": 0}}}
    fields = client.post("/graphql", json={"query": "{ actionFields { key } }"}).json()["data"]["actionFields"]
    assert "stadtnatur" in {f["key"] for f in fields}


class _Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _field(key: str, name: str) -> ActionFieldRecord:
    return ActionFieldRecord(key, key, name, name, "current", False, (), ())


def test_a_renamed_field_shows_once_the_window_has_passed() -> None:
    clock = _Clock()
    catalogue = Catalogue(ttl=30.0, clock=clock)
    names = iter(["Bildung", "Bildung und Schule"])
    reads = 0

    async def read() -> list[ActionFieldRecord]:
        nonlocal reads
        reads += 1
        return [_field("bildung", next(names))]

    async def name_now() -> str:
        return (await catalogue.action_fields(read))[0].name

    assert asyncio.run(name_now()) == "Bildung"
    clock.now += 29.0
    assert asyncio.run(name_now()) == "Bildung"  # within the window: from memory
    assert reads == 1
    clock.now += 2.0
    assert asyncio.run(name_now()) == "Bildung und Schule"
    assert reads == 2


def test_a_slug_is_trusted_only_within_the_window() -> None:
    clock = _Clock()
    catalogue = Catalogue(ttl=30.0, clock=clock)
    assert catalogue.known_slugs(["rollberg"]) == set()
    catalogue.confirm_slugs(["rollberg"])
    clock.now += 29.0
    assert catalogue.known_slugs(["rollberg", "rixdorf"]) == {"rollberg"}
    clock.now += 2.0
    assert catalogue.known_slugs(["rollberg"]) == set()
