"""Two applies of the same import at the same moment: a lease in Neo4j lets one write and tells the
other so (a typed refusal, nothing written twice) — against the real Neo4j."""

from __future__ import annotations

import asyncio
from typing import Any

import neo4j
import pytest

from core.context import Context
from core.messages import localized
from graph import imports as graph_imports
from graph.db import Database, Neo4jSettings
from resolvers import imports
from resolvers.outcomes import Outcome, RefusalCode
from tests.conftest import count, run_async
from tests.test_imports import ACTORS, ADMIN, EXAMPLE


def test_two_applies_of_the_same_import_at_once_write_it_once(
    reference: neo4j.Driver, neo4j_settings: Neo4jSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(graph_imports, "BATCH", 2)  # in batches: the path where a second writer would interleave
    real = imports._actor_batch
    before = count(reference, ACTORS)

    async def work(db: Database) -> list[Outcome[imports.Applied]]:
        answered = asyncio.Event()

        async def holding(*args: Any) -> None:
            # The lease's owner keeps writing only once the other apply has answered: without the lease
            # both would wait here and write side by side (and this bound would fail the test).
            await asyncio.wait_for(answered.wait(), 120)
            await real(*args)

        monkeypatch.setattr(imports, "_actor_batch", holding)

        async def one() -> Outcome[imports.Applied]:
            ctx = Context.for_request(db, principal=ADMIN)
            try:
                return await imports.apply(ctx, imports.read_file(EXAMPLE), [], key="same", file=EXAMPLE.name)
            finally:
                answered.set()

        return list(await asyncio.gather(one(), one()))

    outcomes = run_async(neo4j_settings, work)
    written = [o for o in outcomes if o.value is not None]
    refused = [o for o in outcomes if o.errors]
    assert len(written) == 1 and len(refused) == 1, outcomes
    assert written[0].value is not None and written[0].value.actors_created == 5 and not written[0].value.replayed
    (error,) = refused[0].errors
    assert error.code is RefusalCode.IMPORT_RUNNING and error.details == {"key": "same"}
    assert localized(error.message, "de").startswith("Dieser Import (gleiche Datei, Optionen und Entscheidungen)")
    assert count(reference, ACTORS) == before + 5
    assert count(reference, "MATCH (p:Person) RETURN count(p)") == 3
    assert count(reference, "MATCH (c:Change) RETURN count(c)") == 11  # 5 actors, 3 cooperations, 3 persons
    assert count(reference, "MATCH (l:ImportLease) RETURN count(l)") == 0  # given back

    monkeypatch.setattr(imports, "_actor_batch", real)
    again = run_async(
        neo4j_settings,
        lambda db: imports.apply(
            Context.for_request(db, principal=ADMIN), imports.read_file(EXAMPLE), [], key="same", file=EXAMPLE.name
        ),
    )
    assert again.value is not None and again.value.replayed  # the lease is free: the first result, told again


def test_a_lease_is_held_until_it_expires_and_then_taken_over(
    clean_db: neo4j.Driver, neo4j_settings: Neo4jSettings
) -> None:
    async def take(db: Database, owner: str, seconds: int = graph_imports.LEASE_SECONDS) -> bool:
        return await db.write_transaction(lambda tx: graph_imports.lease(tx, "k", owner, seconds))

    async def work(db: Database) -> list[bool]:
        return [
            await take(db, "a"),
            await take(db, "b"),  # a holds it
            await take(db, "a"),  # its owner extends it
            await take(db, "a", -1),  # (extended into the past: as if a had crashed long ago)
            await take(db, "b"),  # expired: b takes it over
            await take(db, "a"),
        ]

    assert run_async(neo4j_settings, work) == [True, False, True, True, True, False]
