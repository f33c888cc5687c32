"""The one door to Neo4j: an async driver, the target database, timeouts, error mapping.

Every query of the service goes through :class:`Database`, which
- passes ``database_`` explicitly and routes reads as READ (so a cluster can serve them),
- puts a server-side timeout on every transaction and a client-side bound on every call,
- counts round trips (tests use the count to prove a request costs a bounded number of queries),
- maps neo4j driver exceptions onto :mod:`graph.errors`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, LiteralString, TypeVar

import neo4j
import neo4j.exceptions as n4e

from graph.errors import Conflict, DatabaseUnavailable, GraphError, InvalidData

log = logging.getLogger(__name__)

T = TypeVar("T")
Row = dict[str, Any]


@dataclass(frozen=True)
class Neo4jSettings:
    """Where and how to reach Neo4j. Durations are in seconds."""

    uri: str
    user: str
    password: str
    database: str = "neo4j"
    query_timeout: float = 15.0
    connect_timeout: float = 1.0


def _row(record: neo4j.Record) -> Row:
    # Record.data() walks every nested value to convert graph types; our queries return maps
    # and scalars only, so a shallow dict is the same thing at a third of the cost.
    return dict(zip(record.keys(), record, strict=True))


class Transaction:
    """A write transaction handed to :meth:`Database.write_transaction` work functions."""

    def __init__(self, tx: neo4j.AsyncManagedTransaction, db: Database) -> None:
        self._tx = tx
        self._db = db

    async def run(self, query: LiteralString, **params: Any) -> list[Row]:
        self._db.round_trips += 1
        result = await self._tx.run(query, params)
        return [_row(record) for record in await result.fetch(2**31 - 1)]


class Database:
    """An open connection pool to one Neo4j database."""

    def __init__(self, settings: Neo4jSettings) -> None:
        self.settings = settings
        self.round_trips = 0
        # When a list, every query sent is appended (text, parameters, routing): benchmarks replay
        # a request's Cypher straight through the driver to measure its floor.
        self.trace: list[tuple[str, dict[str, Any], str]] | None = None
        # While Neo4j is unreachable, calls fail at once instead of each waiting for a timeout;
        # a background probe notices when it is back.
        self._down_since: float | None = None
        self._probe: asyncio.Task[None] | None = None
        self._driver = neo4j.AsyncGraphDatabase.driver(
            settings.uri,
            auth=(settings.user, settings.password),
            connection_timeout=settings.connect_timeout,
            connection_acquisition_timeout=settings.connect_timeout + settings.query_timeout,
            # Retry transient failures briefly; a database that stays away is reported, not waited for.
            max_transaction_retry_time=1.0,
            # Fail fast while the database is away instead of waiting for a pooled socket.
            liveness_check_timeout=30.0,
            notifications_min_severity="OFF",
        )

    async def close(self) -> None:
        if self._probe is not None:
            self._probe.cancel()
        await self._driver.close()

    @property
    def available(self) -> bool:
        return self._down_since is None

    def _fail_fast(self) -> None:
        if self._down_since is not None:
            raise DatabaseUnavailable(
                f"Neo4j is not reachable (for {time.monotonic() - self._down_since:.0f} s); retry shortly"
            )

    def _went_down(self) -> None:
        if self._down_since is None:
            self._down_since = time.monotonic()
            log.warning("Neo4j became unreachable; failing fast until it answers again")
        if self._probe is None or self._probe.done():
            self._probe = asyncio.get_running_loop().create_task(self._watch())

    async def _watch(self) -> None:
        while self._down_since is not None:
            await asyncio.sleep(0.5)
            try:
                await self._driver.execute_query("RETURN 1", database_=self.settings.database,
                                                  routing_=neo4j.RoutingControl.READ)
            except Exception:  # noqa: BLE001 - any failure means "still away"
                continue
            log.info("Neo4j answers again after %.1f s", time.monotonic() - self._down_since)
            self._down_since = None

    async def read(self, query: LiteralString, **params: Any) -> list[Row]:
        """Run one read query in its own transaction; rows as plain dicts."""
        return await self._execute(query, params, neo4j.RoutingControl.READ)

    async def write(self, query: LiteralString, **params: Any) -> list[Row]:
        """Run one write query in its own (retried on transient errors) transaction."""
        return await self._execute(query, params, neo4j.RoutingControl.WRITE)

    async def schema(self, query: LiteralString) -> None:
        """Run a schema command (constraints, indexes), which needs its own transaction."""
        await self._execute(query, {}, neo4j.RoutingControl.WRITE)

    async def implicit(self, query: LiteralString, **params: Any) -> None:
        """Run a query in an auto-commit transaction (needed by ``CALL … IN TRANSACTIONS``)."""
        self.round_trips += 1
        self._fail_fast()
        async with self._mapped_errors():
            async with self._driver.session(database=self.settings.database) as session:
                result = await self._bounded(session.run(query, params))
                await self._bounded(result.consume())

    async def write_transaction(self, work: Callable[[Transaction], Awaitable[T]]) -> T:
        """Run ``work`` in one write transaction: all of it commits, or none of it.

        An exception raised by ``work`` rolls the transaction back and propagates; the driver
        retries the whole function only on its transient errors (deadlocks, leader switches).
        """

        @neo4j.unit_of_work(timeout=self.settings.query_timeout)
        async def unit(tx: neo4j.AsyncManagedTransaction) -> T:
            return await work(Transaction(tx, self))

        self._fail_fast()
        async with self._mapped_errors():
            async with self._driver.session(database=self.settings.database) as session:
                return await self._bounded(session.execute_write(unit))

    async def ping(self, timeout: float = 1.0) -> None:
        """Raise :class:`DatabaseUnavailable` unless the database answers within ``timeout``."""
        async with self._mapped_errors():
            try:
                async with asyncio.timeout(timeout):
                    await self._driver.execute_query(
                        "RETURN 1", database_=self.settings.database, routing_=neo4j.RoutingControl.READ
                    )
            except TimeoutError as exc:
                raise DatabaseUnavailable("Neo4j did not answer in time") from exc
        self._down_since = None  # it answered: whatever the probe thinks, it is back

    async def _execute(
        self, query: LiteralString, params: Mapping[str, Any], routing: neo4j.RoutingControl
    ) -> list[Row]:
        self.round_trips += 1
        self._fail_fast()
        if self.trace is not None:
            self.trace.append((query, dict(params), str(routing.value)))
        async with self._mapped_errors():
            records, _, _ = await self._bounded(
                self._driver.execute_query(
                    neo4j.Query(query, timeout=self.settings.query_timeout),
                    params,
                    database_=self.settings.database,
                    routing_=routing,
                )
            )
        return [_row(record) for record in records]

    async def _bounded(self, call: Awaitable[T]) -> T:
        # The server-side timeout cannot fire when the server is gone; this bound always can.
        try:
            async with asyncio.timeout(self.settings.query_timeout + self.settings.connect_timeout + 1):
                return await call
        except TimeoutError as exc:
            raise DatabaseUnavailable("Neo4j did not answer in time") from exc

    @contextlib.asynccontextmanager
    async def _mapped_errors(self) -> AsyncIterator[None]:
        try:
            yield
        except GraphError:
            raise
        except n4e.ConstraintError as exc:
            raise Conflict("the change collides with existing data") from exc
        except (n4e.ServiceUnavailable, n4e.SessionExpired, OSError) as exc:
            self._went_down()
            raise DatabaseUnavailable("Neo4j is not reachable") from exc
        except n4e.AuthError as exc:
            raise DatabaseUnavailable("Neo4j refused the configured credentials") from exc
        except n4e.Neo4jError as exc:
            if exc.code and "TransactionTimedOut" in exc.code:
                raise DatabaseUnavailable("the query took longer than the configured timeout") from exc
            if isinstance(exc, n4e.TransientError) or (exc.code and "DatabaseUnavailable" in exc.code):
                raise DatabaseUnavailable("Neo4j is temporarily unavailable") from exc
            log.exception("Neo4j refused a query")
            raise InvalidData("the database refused the request") from exc
        except n4e.DriverError as exc:
            raise DatabaseUnavailable("the Neo4j driver failed") from exc
