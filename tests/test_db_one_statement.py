"""Writes of one statement (graph/db.py's :class:`OneStatement`), whose BEGIN travels with the
statement: they must keep what every write transaction promises — all or nothing, a refusal
decided after the statement rolls it back, the request's revocation gate holds the commit, the
commit's bookmark comes back for the client — and refuse a second statement."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import neo4j
import pytest

from graph.db import CONSISTENCY, Consistency, Database, Neo4jSettings, OneStatement, Transaction
from tests.conftest import count, run_async

CREATE_PROBE = "CREATE (p:OneStatementProbe {id: $id}) RETURN p.id AS id"
PROBE = "MATCH (p:OneStatementProbe {id: $id}) RETURN p.id AS id"


class Refused(Exception):
    pass


def test_a_one_statement_write_commits_and_answers_from_its_rows(
    clean_db: neo4j.Driver, neo4j_settings: Neo4jSettings
) -> None:
    probe = str(uuid.uuid4())

    async def work(tx: Transaction) -> str:
        [row] = await tx.run(CREATE_PROBE, id=probe)
        return f"made {row['id']}"

    answer = run_async(neo4j_settings, lambda db: db.write_transaction(OneStatement(work)))
    assert answer == f"made {probe}"
    assert count(clean_db, "MATCH (p:OneStatementProbe {id: $id}) RETURN count(p)", id=probe) == 1


def test_a_refusal_decided_from_the_statements_rows_writes_nothing(
    clean_db: neo4j.Driver, neo4j_settings: Neo4jSettings
) -> None:
    probe = str(uuid.uuid4())

    async def work(tx: Transaction) -> None:
        [row] = await tx.run(CREATE_PROBE, id=probe)
        assert row["id"] == probe  # the statement ran and created it
        raise Refused

    with pytest.raises(Refused):
        run_async(neo4j_settings, lambda db: db.write_transaction(OneStatement(work)))
    assert count(clean_db, "MATCH (p:OneStatementProbe) RETURN count(p)") == 0


def test_a_second_statement_is_refused_and_nothing_is_written(
    clean_db: neo4j.Driver, neo4j_settings: Neo4jSettings
) -> None:
    async def work(tx: Transaction) -> None:
        await tx.run(CREATE_PROBE, id=str(uuid.uuid4()))
        await tx.run(CREATE_PROBE, id=str(uuid.uuid4()))

    with pytest.raises(RuntimeError, match="second statement"):
        run_async(neo4j_settings, lambda db: db.write_transaction(OneStatement(work)))
    assert count(clean_db, "MATCH (p:OneStatementProbe) RETURN count(p)") == 0


def test_a_work_that_decides_before_any_statement_sends_nothing(
    clean_db: neo4j.Driver, neo4j_settings: Neo4jSettings
) -> None:
    async def refusing(tx: Transaction) -> None:
        raise Refused

    async def nothing(tx: Transaction) -> str:
        return "nothing to do"

    async def main(db: Database) -> str:
        before = db.round_trips
        with pytest.raises(Refused):
            await db.write_transaction(OneStatement(refusing))
        answer = await db.write_transaction(OneStatement(nothing))
        assert db.round_trips == before
        return answer

    assert run_async(neo4j_settings, main) == "nothing to do"


def test_the_commit_waits_for_the_gate_and_a_closed_gate_writes_nothing(
    clean_db: neo4j.Driver, neo4j_settings: Neo4jSettings
) -> None:
    """The request's ``before_commit`` (its token's revocation check, running alongside) is awaited
    after the statement and before COMMIT; raising there rolls the statement back."""
    kept, dropped = str(uuid.uuid4()), str(uuid.uuid4())

    async def main(db: Database) -> list[str]:
        opened = asyncio.Event()
        waited: list[str] = []

        async def gate() -> None:
            waited.append("gate")
            await opened.wait()

        async def closed() -> None:
            raise Refused

        def creating(probe: str) -> OneStatement[None]:
            async def work(tx: Transaction) -> None:
                await tx.run(CREATE_PROBE, id=probe)
                waited.append("statement")

            return OneStatement(work)

        CONSISTENCY.set(Consistency(before_commit=gate))
        write = asyncio.ensure_future(db.write_transaction(creating(kept)))
        while "gate" not in waited:
            await asyncio.sleep(0.01)
        assert not write.done()  # held at the gate, after its statement
        assert await db.read(PROBE, id=kept) == []  # and not committed
        opened.set()
        await write
        CONSISTENCY.set(Consistency(before_commit=closed))
        with pytest.raises(Refused):
            await db.write_transaction(creating(dropped))
        return waited

    assert run_async(neo4j_settings, main) == ["statement", "gate", "statement"]
    assert count(clean_db, "MATCH (p:OneStatementProbe {id: $id}) RETURN count(p)", id=kept) == 1
    assert count(clean_db, "MATCH (p:OneStatementProbe {id: $id}) RETURN count(p)", id=dropped) == 0


def test_its_bookmark_lets_another_instance_read_the_write(
    clean_db: neo4j.Driver, neo4j_settings: Neo4jSettings
) -> None:
    probe = str(uuid.uuid4())

    async def main() -> tuple[list[str], list[dict[str, Any]]]:
        writer, reader = Database(neo4j_settings), Database(neo4j_settings)
        try:
            written = Consistency()
            CONSISTENCY.set(written)
            await writer.write_transaction(OneStatement(lambda tx: tx.run(CREATE_PROBE, id=probe)))
            CONSISTENCY.set(Consistency(after=tuple(written.written)))
            return written.written, await reader.read(PROBE, id=probe)
        finally:
            await writer.close()
            await reader.close()

    bookmarks, rows = asyncio.run(main())
    assert bookmarks  # the commit's, for the client to send back
    assert rows == [{"id": probe}]
