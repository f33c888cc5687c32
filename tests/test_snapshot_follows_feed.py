"""The suggestions' snapshot follows the change feed after writes, and ends where a build from scratch would.

After a write the snapshot is behind the network's revision; instead of sending suggestions through Neo4j
until a rebuild, the service reads the feed's records since the snapshot's revision, reads the actors they
touch (with their cooperations) again by id and applies them (resolvers/suggestions.py, analysis/candidates.py
``Snapshot.apply``). These tests make mixed writes through the GraphQL API on a generated network (with the
awkward cases of tests/test_suggestion_snapshot.py) against the real Neo4j, and compare the snapshot so kept
with one built from scratch at the same revision: what each holds, each day's numbers per actor, and the
suggestions both give. A build that fails or hangs leaves suggestions answering through Neo4j; a second
instance on the same Neo4j learns of the first one's writes from the feed.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import math
from collections.abc import Callable
from typing import Any

import neo4j
import pytest
from starlette.testclient import TestClient

from analysis import candidates as in_memory
from core.latest import Entry
from core.services import Refit, Services
from graph import changes, revision, suggestions
from graph.db import Database, Neo4jSettings
from graph.errors import DatabaseUnavailable
from kiezgraph.app import create_app
from resolvers import ids
from resolvers import suggestions as resolver
from tests import factories
from tests.conftest import TEST_OPTIONS, GraphQLClient, run_async
from tests.test_suggestion_snapshot import ASKS, _ask, admin, names, seeded, shown, wait_for_snapshot

__all__ = ["seeded"]  # the fixture, shared with tests/test_suggestion_snapshot.py

UPDATE_ACTOR = """mutation($i: UpdateActorInput!) { updateActor(input: $i) { actor { version } errors { code } } }"""
STATE = """mutation($i: ActorStateInput!) { %s(input: $i) { actor { version } errors { code } } }"""
QUARTERS = (
    """mutation($i: SetActorQuartersInput!) { setActorQuarters(input: $i) { actor { version } errors { code } } }"""
)
MERGE = """mutation($i: MergeActorsInput!) { mergeActors(input: $i) { actor { version } errors { code } } }"""
UPDATE_COOP = """mutation($i: UpdateCooperationInput!) {
  updateCooperation(input: $i) { cooperation { version } errors { code } } }"""
END_COOP = """mutation($i: EndCooperationInput!) { endCooperation(input: $i) { cooperation { id } errors { code } } }"""
DELETE_COOP = """mutation($i: DeleteCooperationInput!) { deleteCooperation(input: $i) { errors { code } } }"""
VERSION = "query($id: ID!) { actor(id: $id) { version } }"


def ok(payload: dict[str, Any], name: str) -> dict[str, Any]:
    assert payload[name]["errors"] == [], payload
    result: dict[str, Any] = payload[name]
    return result


def version(gql: GraphQLClient, actor: str) -> int:
    return int(gql.data(VERSION, {"id": actor})["actor"]["version"])


def writes(gql: GraphQLClient, seeded: dict[str, str]) -> list[Callable[[], object]]:
    """A sequence of mixed writes, each one commit: every kind of change the snapshot holds."""
    g = {k: ids.encode("Actor", v) for k, v in seeded.items()}
    made: dict[str, str] = {}

    def create() -> None:
        made["new"] = factories.actor(
            gql,
            "Neuer Nachbarschaftstreff",
            "INITIATIVE",
            actionFields=["bildung"],
            quarters=[{"quarter": "synth-01", "since": "2020-01-01"}],
            location={"latitude": 52.47, "longitude": 13.43},
        )["id"]

    def add_dated() -> None:
        tie = factories.cooperation(gql, made["new"], g["median"], since="2025-03-01", actionFields=["bildung"])
        made["dated"], made["version"] = tie["id"], tie["version"]

    def add_undated() -> None:
        made["undated"] = factories.cooperation(gql, made["new"], g["hub"], "REGULAR_EXCHANGE")["id"]

    def update_actor() -> None:
        ok(
            gql.data(
                UPDATE_ACTOR,
                {
                    "i": {
                        "id": g["median"],
                        "version": version(gql, g["median"]),
                        "name": "Umbenannt e.V.",
                        "actionFields": ["bildung", "gesundheit-bewegung"],
                        "location": {"latitude": 52.48, "longitude": 13.44},
                    }
                },
            ),
            "updateActor",
        )

    def update_coop() -> None:
        ok(
            gql.data(
                UPDATE_COOP,
                {
                    "i": {
                        "id": made["dated"],
                        "version": made["version"],
                        "since": "2019-05-01",
                        "actionFields": ["gesundheit-bewegung"],
                    }
                },
            ),
            "updateCooperation",
        )

    def end_coop() -> None:
        ok(gql.data(END_COOP, {"i": {"id": made["undated"], "until": dt.date.today().isoformat()}}), "endCooperation")

    def quarters() -> None:
        body = {"id": g["low"], "version": version(gql, g["low"]), "quarters": [{"quarter": "synth-02"}]}
        ok(gql.data(QUARTERS, {"i": body}), "setActorQuarters")

    def archive() -> None:
        ok(gql.data(STATE % "archiveActor", {"i": {"id": g["low"]}}), "archiveActor")

    def restore() -> None:
        ok(gql.data(STATE % "restoreActor", {"i": {"id": g["low"]}}), "restoreActor")

    return [create, add_dated, add_undated, update_actor, update_coop, end_coop, quarters, archive, restore]


def same_days(kept: in_memory.Snapshot, fresh: in_memory.Snapshot, day: dt.date) -> None:
    """Each actor's numbers of the day (degree, recent starts, latest start, active ties, partners' mean
    location, partners of the day) are the same in both, whatever slot each keeps it in."""
    a, b = kept.day(day), fresh.day(day)
    for actor, i in fresh.index.items():
        k = kept.index[actor]
        for name in ("degree", "recent", "latest", "on_count"):
            assert getattr(a, name)[k] == getattr(b, name)[i], (actor, name)
        for name in ("partners_lat", "partners_lon"):
            x, y = float(getattr(a, name)[k]), float(getattr(b, name)[i])
            assert (math.isnan(x) and math.isnan(y)) or math.isclose(x, y, rel_tol=1e-12), (actor, name)
        partners = {kept.ids[p] for p in kept._partners_on(a, k).tolist()}
        assert partners == {fresh.ids[p] for p in fresh._partners_on(b, i).tolist()}, actor


def compare(neo4j_settings: Neo4jSettings, kept: Entry, actors: list[str]) -> None:
    """The kept snapshot against one built from scratch now (at the same revision): equal, and equal answers."""

    async def work(db: Database) -> None:
        assert await revision.current(db) == kept.revision
        fresh = await resolver.snapshot_work(db)(None)
        assert fresh is not None and fresh.revision == kept.revision
        assert kept.value.canonical() == fresh.value.canonical()
        for day in (dt.date.today(), dt.date(2020, 1, 1)):
            same_days(kept.value, fresh.value, day)
        for actor in actors:
            for ask in ASKS:
                answers = []
                for entry in (kept, fresh):
                    services = Services(refit=Refit(enabled=False))  # the shipped model on both sides
                    services.snapshots.put(resolver.SNAPSHOT, entry)
                    try:
                        found = await resolver.suggest(
                            admin(db, services), ids.encode("Actor", actor), first=20, **_ask(ask)
                        )
                    finally:
                        services.snapshots.close()
                    assert found.served_from == "snapshot"
                    answers.append(shown(found))
                assert answers[0] == answers[1], (actor, ask)
                assert answers[0], (actor, ask)

    run_async(neo4j_settings, work)


def current(driver: neo4j.Driver) -> int:
    [[value]] = driver.execute_query(revision.CURRENT).records
    return int(value)


def test_after_writes_the_snapshot_follows_the_feed_to_what_a_build_holds(
    seeded: dict[str, str],
    client: TestClient,
    gql: GraphQLClient,
    driver: neo4j.Driver,
    neo4j_settings: Neo4jSettings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    services: Services = client.app.state.services  # type: ignore[attr-defined]
    wait_for_snapshot(client, gql, driver, ids.encode("Actor", seeded["median"]))
    builds: list[int] = []
    read_everything = suggestions.snapshot_rows

    async def counted(db: Database) -> tuple[list[suggestions.SnapshotActor], list[suggestions.SnapshotTie]]:
        builds.append(1)
        return await read_everything(db)

    monkeypatch.setattr(suggestions, "snapshot_rows", counted)  # counts builds from scratch; reads as ever
    for n, step in enumerate(writes(gql, seeded)):
        step()
        # The next request finds the snapshot behind, follows the feed and is served from it at once.
        assert names(gql, ids.encode("Actor", seeded["hub"]))
        entry = services.snapshots.get(resolver.SNAPSHOT)
        assert entry is not None and entry.revision == current(driver), n
        assert builds == [], "a write the feed describes needs no build from scratch"
        if n in (2, 5):
            compare(neo4j_settings, entry, [seeded["hub"], seeded["median"]])  # builds one from scratch
            builds.clear()
    entry = services.snapshots.get(resolver.SNAPSHOT)
    assert entry is not None
    compare(neo4j_settings, entry, [seeded["hub"], seeded["median"], seeded["unlocated"], seeded["fewest ties"]])


def test_a_merge_and_a_deleted_cooperation_are_followed(
    seeded: dict[str, str],
    client: TestClient,
    gql: GraphQLClient,
    driver: neo4j.Driver,
    neo4j_settings: Neo4jSettings,
) -> None:
    services: Services = client.app.state.services  # type: ignore[attr-defined]
    wait_for_snapshot(client, gql, driver, ids.encode("Actor", seeded["median"]))
    before = services.snapshots.get(resolver.SNAPSHOT)
    assert before is not None
    g = {k: ids.encode("Actor", v) for k, v in seeded.items()}
    new = factories.actor(gql, "Doppelt erfasst", "COMPANY", quarters=[{"quarter": "synth-03"}])["id"]
    kept_tie = factories.cooperation(gql, new, g["hub"], since="2021-01-01")["id"]
    gone_tie = factories.cooperation(gql, new, g["median"], since="2022-01-01")["id"]
    ok(gql.data(DELETE_COOP, {"i": {"id": gone_tie}}), "deleteCooperation")
    ok(gql.data(MERGE, {"i": {"survivorId": g["low"], "duplicateIds": [new]}}), "mergeActors")
    assert kept_tie and names(gql, g["hub"])  # the request follows the five commits at once
    entry = services.snapshots.get(resolver.SNAPSHOT)
    assert entry is not None and entry.revision == current(driver) == before.revision + 5
    assert ids.decode_as(new, "Actor") not in entry.value.index  # merged away: gone from the snapshot
    compare(neo4j_settings, entry, [seeded["hub"], seeded["low"]])


def test_a_change_the_feed_cannot_describe_is_not_followed(
    seeded: dict[str, str], neo4j_settings: Neo4jSettings
) -> None:
    """A whole network loaded (a "Network" record) cannot be followed: the database answers, a build is asked for."""

    async def work(db: Database) -> None:
        services = Services(refit=Refit(enabled=False))
        try:
            entry = await services.snapshots.now(resolver.SNAPSHOT, resolver.snapshot_work(db))
            await changes.record_reload(db, "reloaded")
            assert await resolver.follow_feed(services.snapshots, db, entry.revision + 1) is None
            found = await resolver.suggest(admin(db, services), ids.encode("Actor", seeded["hub"]), first=5, **_ask({}))
            assert found.served_from == "neo4j" and found.suggestions
        finally:
            services.snapshots.close()

    run_async(neo4j_settings, work)


def test_a_failing_or_hanging_build_leaves_suggestions_answering(
    seeded: dict[str, str], neo4j_settings: Neo4jSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No snapshot yet, and its build hangs, then fails: every request meanwhile is answered through Neo4j
    without an error, one build runs at a time, and once the build succeeds the snapshot serves."""
    gate = asyncio.Event()
    started: list[int] = []
    read_everything = suggestions.snapshot_rows

    async def slow_then_failing(db: Database) -> tuple[list[suggestions.SnapshotActor], list[suggestions.SnapshotTie]]:
        started.append(1)
        if len(started) == 1:
            await gate.wait()  # hangs until the test lets it go, then fails
            raise DatabaseUnavailable("the query took longer than the configured timeout")
        return await read_everything(db)

    monkeypatch.setattr(suggestions, "snapshot_rows", slow_then_failing)

    async def work(db: Database) -> None:
        services = Services(refit=Refit(enabled=False))
        services.snapshots.delay = 0.0
        actor = ids.encode("Actor", seeded["median"])
        try:
            for _ in range(3):
                found = await resolver.suggest(admin(db, services), actor, first=5, **_ask({}))
                assert found.served_from == "neo4j" and found.suggestions
                while not started:  # the build asked for by the first request is under way
                    await asyncio.sleep(0.01)
            assert started == [1] and services.snapshots.get(resolver.SNAPSHOT) is None
            gate.set()
            while services.snapshots.pending(resolver.SNAPSHOT):  # it fails; another request asks again
                await asyncio.sleep(0.01)
            assert services.snapshots.get(resolver.SNAPSHOT) is None
            for _ in range(200):
                found = await resolver.suggest(admin(db, services), actor, first=5, **_ask({}))
                if found.served_from == "snapshot":
                    break
                await asyncio.sleep(0.05)
            assert found.served_from == "snapshot" and len(started) >= 2
        finally:
            services.snapshots.close()

    run_async(neo4j_settings, work)


def test_an_instance_learns_of_another_instances_writes_from_the_feed(
    seeded: dict[str, str], neo4j_settings: Neo4jSettings, admin_token: str, driver: neo4j.Driver
) -> None:
    """Two apps on one Neo4j stand for two instances, each with its own snapshot: a cooperation added through
    one is no longer suggested by the other at once (its snapshot followed the feed in Neo4j)."""
    headers = {"Authorization": f"Bearer {admin_token}"}
    with (
        TestClient(create_app(neo4j_settings, TEST_OPTIONS), headers=headers) as one,
        TestClient(create_app(neo4j_settings, TEST_OPTIONS), headers=headers) as other,
    ):
        writer, reader = GraphQLClient(one), GraphQLClient(other)
        hub = ids.encode("Actor", seeded["hub"])
        wait_for_snapshot(other, reader, driver, hub)
        suggested = names(reader, hub)
        assert suggested
        by_name = {a["name"]: a["id"] for a in _actors(driver)}
        factories.cooperation(writer, hub, ids.encode("Actor", by_name[suggested[0]]), since="2026-01-01")
        after = names(reader, hub)  # served by the other instance's snapshot, caught up
        assert suggested[0] not in after
        entry = other.app.state.services.snapshots.get(resolver.SNAPSHOT)  # type: ignore[attr-defined]
        assert entry is not None and entry.revision == current(driver)


def _actors(driver: neo4j.Driver) -> list[dict[str, str]]:
    records = driver.execute_query("MATCH (a:Actor) RETURN a.id AS id, a.name AS name").records
    return [{"id": r["id"], "name": r["name"]} for r in records]


def test_a_catch_up_follows_the_feed_to_its_end(
    seeded: dict[str, str], gql: GraphQLClient, neo4j_settings: Neo4jSettings
) -> None:
    """A catch-up asked for one revision takes every commit the feed holds (so that requests which read a newer
    revision meanwhile need no second one); where a later commit cannot be followed, it stops where it was asked."""
    g = {k: ids.encode("Actor", v) for k, v in seeded.items()}

    async def work(db: Database) -> None:
        services = Services(refit=Refit(enabled=False))
        try:
            entry = await services.snapshots.now(resolver.SNAPSHOT, resolver.snapshot_work(db))
            factories.cooperation(gql, g["hub"], g["low"], kind="REGULAR_EXCHANGE", since="2026-01-01")
            factories.cooperation(gql, g["median"], g["low"], kind="REGULAR_EXCHANGE", since="2026-01-02")
            moved = await resolver.follow_feed(services.snapshots, db, entry.revision + 1)
            assert moved is not None and moved.revision == entry.revision + 2 == await revision.current(db)
            assert seeded["hub"] in moved.value.ids and moved.value is not entry.value
            factories.cooperation(gql, g["hub"], g["median"], kind="REGULAR_EXCHANGE", since="2026-01-03")
            await changes.record_reload(db, "reloaded")  # a commit the feed cannot describe
            stopped = await resolver.follow_feed(services.snapshots, db, entry.revision + 3)
            assert stopped is not None and stopped.revision == entry.revision + 3
            assert await resolver.follow_feed(services.snapshots, db, entry.revision + 4) is None
        finally:
            services.snapshots.close()

    run_async(neo4j_settings, work)
