"""Reads through :class:`graph.db.Database` as auto-commit transactions: what the managed
transactions they replaced gave must still hold — a read sees what a write elsewhere committed
when it carries that write's bookmark (directly and over the routing scheme), a bookmark the
database never gave out is refused, the query timeout still ends a read on the server, and a read
whose connection drops while it runs is tried again (the driver retries managed transactions, not
auto-commit ones)."""

from __future__ import annotations

import asyncio
import dataclasses
import uuid

import neo4j
import pytest

from graph.db import BOOKMARK, CONSISTENCY, TIMED_OUT, Consistency, Database, Neo4jSettings
from graph.errors import DatabaseUnavailable, InvalidData

CREATE_PROBE = "CREATE (:ReadProbe {id: $id})"
# A read that takes a few seconds (long enough to drop its connection while it runs), and how to
# find its connection: the search text is split so that it does not find itself.
SLOW = "UNWIND range(1, 10000000) AS x WITH x WHERE x % 7 = 0 RETURN count(x) AS n, 'dropped-connection-probe' AS tag"
FIND = (
    "SHOW TRANSACTIONS YIELD connectionId, currentQuery "
    "WHERE currentQuery CONTAINS 'dropped-connection-' + 'probe' RETURN connectionId"
)
PROBE = "MATCH (p:ReadProbe {id: $id}) RETURN p.id AS id"


@pytest.mark.parametrize("scheme", ["bolt", "neo4j"])
def test_a_read_with_a_writes_bookmark_sees_the_write_made_by_another_instance(
    clean_db: neo4j.Driver, neo4j_settings: Neo4jSettings, scheme: str
) -> None:
    settings = dataclasses.replace(neo4j_settings, uri=neo4j_settings.uri.replace("bolt://", f"{scheme}://"))
    probe = str(uuid.uuid4())

    async def main() -> tuple[list[str], list[dict[str, object]]]:
        # Two drivers, as two instances have: neither sees the other's bookmark chain.
        writer, reader = Database(settings), Database(settings)
        try:
            written = Consistency()
            CONSISTENCY.set(written)
            await writer.write_transaction(lambda tx: tx.run(CREATE_PROBE, id=probe))
            CONSISTENCY.set(Consistency(after=tuple(written.written)))
            return written.written, await reader.read(PROBE, id=probe)
        finally:
            await writer.close()
            await reader.close()

    bookmarks, rows = asyncio.run(main())
    assert bookmarks  # the write's commit gave one, for the client to send back
    assert rows == [{"id": probe}]


def test_a_read_with_a_bookmark_the_database_never_gave_out_is_refused(
    clean_db: neo4j.Driver, neo4j_settings: Neo4jSettings
) -> None:
    async def main() -> None:
        db = Database(neo4j_settings)
        try:
            CONSISTENCY.set(Consistency(after=("FB:forged",)))
            await db.read("RETURN 1 AS one")
        finally:
            await db.close()

    # The bookmark reaches Neo4j with the auto-commit read, which refuses it: not retried, not a 5xx.
    with pytest.raises(InvalidData) as refused:
        asyncio.run(main())
    assert str(refused.value) == BOOKMARK


def test_a_read_longer_than_the_query_timeout_is_ended_by_neo4j(
    clean_db: neo4j.Driver, neo4j_settings: Neo4jSettings
) -> None:
    # A generous client-side bound (it is query timeout + connect timeout + 1 s), so that only the
    # timeout sent with the read can end it first.
    settings = dataclasses.replace(neo4j_settings, query_timeout=1.0, connect_timeout=30.0)
    endless = "UNWIND range(1, 4000000000) AS x WITH x WHERE x < 0 RETURN count(x) AS n"

    async def main() -> None:
        db = Database(settings)
        try:
            await db.read(endless)
        finally:
            await db.close()

    with pytest.raises(DatabaseUnavailable) as ended:
        asyncio.run(main())
    assert str(ended.value) == TIMED_OUT


class Relay:
    """A TCP relay to Neo4j whose open connections can be cut, as a network fault cuts them (the
    Neo4j behind it is the real one; nothing of the protocol is touched)."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.open: list[asyncio.StreamWriter] = []
        self.server: asyncio.Server | None = None

    async def start(self) -> int:
        self.server = await asyncio.start_server(self._relay, "127.0.0.1", 0)
        return int(self.server.sockets[0].getsockname()[1])

    async def _relay(self, client_in: asyncio.StreamReader, client_out: asyncio.StreamWriter) -> None:
        server_in, server_out = await asyncio.open_connection(*self.target)
        self.open += [client_out, server_out]
        await asyncio.gather(self._pipe(client_in, server_out), self._pipe(server_in, client_out))

    @staticmethod
    async def _pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
        try:
            while data := await source.read(65536):
                sink.write(data)
                await sink.drain()
        except OSError:
            pass  # the other direction was cut
        finally:
            sink.close()

    def cut(self) -> None:
        for writer in self.open:
            writer.transport.abort()
        self.open.clear()

    def close(self) -> None:
        self.cut()
        if self.server is not None:
            self.server.close()


def test_a_read_whose_connection_drops_while_it_runs_is_tried_again_and_answers(
    clean_db: neo4j.Driver, neo4j_settings: Neo4jSettings
) -> None:
    async def main() -> tuple[list[dict[str, object]], bool]:
        host, port = neo4j_settings.uri.removeprefix("bolt://").rsplit(":", 1)
        relay = Relay(host, int(port))
        relayed = dataclasses.replace(neo4j_settings, uri=f"bolt://127.0.0.1:{await relay.start()}")
        db = Database(relayed)
        auth = (neo4j_settings.user, neo4j_settings.password)
        try:
            read = asyncio.create_task(db.read(SLOW))
            async with neo4j.AsyncGraphDatabase.driver(neo4j_settings.uri, auth=auth) as admin:
                for _ in range(3000):  # until Neo4j runs the read (bounded: a minute of looking)
                    assert not read.done(), "the read ended before its connection could be cut"
                    if (await admin.execute_query(FIND)).records:
                        relay.cut()
                        return await read, True
                    await asyncio.sleep(0.02)
            return await read, False
        finally:
            relay.close()
            await db.close()

    rows, cut = asyncio.run(main())
    assert cut, "the read was never seen running"
    assert rows == [{"n": 1428571, "tag": "dropped-connection-probe"}]
