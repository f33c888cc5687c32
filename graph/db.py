"""The one door to Neo4j: an async driver, the target database, timeouts, error mapping.

Every query of the service goes through :class:`Database`, which
- passes ``database_`` explicitly and routes reads as READ (so a cluster can serve them),
- sends each read as an auto-commit transaction (RUN and PULL: half the messages of a managed
  one) and retries it itself on a lost connection or a transient error, as reads may be repeated,
- puts a server-side timeout on every transaction and a client-side bound on every call,
- notices a Neo4j that stops answering (a paused or hung JVM) within seconds: when a call has
  waited ``stall_after``, it asks Neo4j a trivial question; no answer within ``probe_timeout``
  ends every call in flight with a coded error and makes new calls fail at once until a
  background probe hears from Neo4j again,
- tells a write that certainly changed nothing (:class:`DatabaseUnavailable`) from one whose
  commit was under way when the connection failed (:class:`OutcomeUnknown`),
- counts round trips (tests use the count to prove a request costs a bounded number of queries),
- maps neo4j driver exceptions onto :mod:`graph.errors`,
- chains every call with bookmarks, so that what one request wrote, the next one reads (causal
  consistency): within the instance through the driver's own bookmark manager (reads and, since
  they use it too, writes), across instances through the request's :class:`Consistency` — the
  bookmarks a client sent back (its reads wait until the database has caught up with them) and
  those of the request's commits (returned to the client). On one Neo4j server this costs
  nothing; on a cluster it is what makes a replica wait for the leader's commit.

What the driver does on failure (neo4j 6.x, ``neo4j/_async/work/session.py`` and
``io/_bolt/_base.py``): ``execute_write`` calls the work function and then commits; it retries the
whole function on retryable errors (``ServiceUnavailable``, ``SessionExpired``, transient server
errors) for ``max_transaction_retry_time``, but never after a connection broke while a COMMIT was
outstanding: that raises ``IncompleteCommit`` ("the data in an unknown state"). A cancelled call
(our own time bound) kills its connection, so an uncommitted transaction is rolled back by the
server; one cancelled after the work function returned may have committed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Collection, Coroutine
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, Final, Generic, LiteralString, Protocol, TypeVar

import neo4j
import neo4j.api
import neo4j.exceptions as n4e

from graph.errors import Conflict, DatabaseUnavailable, GraphError, InvalidData, OutcomeUnknown

log = logging.getLogger(__name__)

T = TypeVar("T")
Row = dict[str, Any]

# What clients read when the database fails them (English today; one place to translate).
GONE: Final = "Neo4j is not reachable"
STOPPED: Final = "Neo4j stopped answering"
SLOW: Final = "Neo4j did not answer in time"
TIMED_OUT: Final = "the query took longer than the configured timeout"
BUSY: Final = "Neo4j is temporarily unavailable"
CREDENTIALS: Final = "Neo4j refused the configured credentials"
DRIVER: Final = "the Neo4j driver failed"
COLLISION: Final = "the change collides with existing data"
REFUSED: Final = "the database refused the request"
BOOKMARK: Final = "a bookmark sent with the request (Kiezgraph-Bookmark) is not one this database gave out"
NOT_APPLIED: Final = "; nothing was changed, retry shortly"
UNKNOWN: Final = (
    " while the change was being committed: it may or may not have been applied. Read it again, or "
    "repeat the mutation with the same clientMutationId to get its result without applying it twice"
)

# How often the watchers look (seconds): at in-flight calls, and at a probe's progress.
_TICK: Final = 0.25
# A probe is a question any live Neo4j answers at once.
_PROBE: Final[LiteralString] = "RETURN 1"
# A read that failed on a lost connection or a transient error is tried again after each of these
# pauses (seconds): as often as the managed transactions it replaced retried within their second
# (max_transaction_retry_time), and all of it within the call's bound (_bounded).
_READ_RETRY_DELAYS: Final = (0.05, 0.25)


@dataclass(frozen=True)
class Neo4jSettings:
    """Where and how to reach Neo4j. Durations are in seconds."""

    uri: str
    user: str
    password: str
    database: str = "neo4j"
    query_timeout: float = 15.0
    connect_timeout: float = 1.0
    # A call that has waited this long makes the service ask Neo4j whether it is still there;
    stall_after: float = 1.0
    # a Neo4j that does not answer that within this long is taken to be gone. Generous: a Neo4j
    # busy with heavy reads on a starved two-core machine can take seconds to answer even
    # `RETURN 1`, and ending every call in flight on a false alarm costs more than waiting.
    probe_timeout: float = 5.0


@dataclass
class Consistency:
    """One request's bookmarks: ``after``, those its reads and writes must see (sent by the
    client); ``written``, those of its own commits (for the client to send with its next request,
    to whichever instance)."""

    after: tuple[str, ...] = ()
    written: list[str] = field(default_factory=list)
    manager: neo4j.AsyncBookmarkManager | None = None  # made on first use, from ``after``
    # Awaited before each of the request's commits: raises if the request may no longer write
    # (its token, taken from a cache while its revocation check ran alongside, was revoked;
    # kiezgraph/middleware/authentication.py). The raise rolls the transaction back.
    before_commit: Callable[[], Awaitable[None]] | None = None


# The current request's bookmarks (None: the instance's own chain only). Set by the app for each
# operation; lanes carry it to the driver's loop with each call (kiezgraph/lanes.py).
CONSISTENCY: ContextVar[Consistency | None] = ContextVar("kiezgraph_consistency", default=None)


async def _cleared_to_commit() -> None:
    """Wait for the current request's :attr:`Consistency.before_commit`, if it has one."""
    consistency = CONSISTENCY.get()
    if consistency is not None and consistency.before_commit is not None:
        await consistency.before_commit()


class _Commit:
    """Whether a write transaction's work is done and the driver is committing it: the line
    between "nothing was written" and "the outcome is unknown"."""

    __slots__ = ("requested",)

    def __init__(self) -> None:
        self.requested = False


def _row(record: neo4j.Record) -> Row:
    # Record.data() walks every nested value to convert graph types; our queries return maps
    # and scalars only, so a shallow dict is the same thing at a third of the cost.
    return dict(zip(record.keys(), record, strict=True))


class Runner(Protocol):
    """What graph functions read with: a :class:`Database` (each query a read transaction of its
    own) or a :class:`Transaction` (the write transaction's own state, locks included). Functions
    that take a Runner serve both, so a mutation reads through the same code as a query."""

    async def run(self, query: LiteralString, **params: Any) -> list[Row]: ...


class Transaction:
    """A write transaction handed to :meth:`Database.write_transaction` work functions."""

    def __init__(self, tx: neo4j.AsyncManagedTransaction, db: Database) -> None:
        self._tx = tx
        self._db = db
        # The commit's position in the change feed, once a write has asked for it (graph.revision).
        self.revision: int | None = None

    async def run(self, query: LiteralString, **params: Any) -> list[Row]:
        self._db.round_trips += 1
        result = await self._tx.run(query, params)
        return [_row(record) for record in await result.fetch(2**31 - 1)]


class OneStatement(Generic[T]):
    """A work function for :meth:`Database.write_transaction` that sends exactly one statement
    (and may then decide from its rows, raising to roll it back). Marked so, its transaction is
    sent as the driver's ``execute_query`` sends one: BEGIN travels with the statement, one round
    trip less than BEGIN, then the statement. A second statement is refused (``RuntimeError``).

    The work may run more than once, like any work function (the driver retries the transaction
    on its transient errors); every run must send the same statement."""

    __slots__ = ("work",)

    def __init__(self, work: Callable[[Transaction], Awaitable[T]]) -> None:
        self.work = work

    def __call__(self, tx: Transaction) -> Awaitable[T]:
        return self.work(tx)


class _Deferred(Transaction):
    """The transaction a :class:`OneStatement` work sees: its one ``run`` hands the statement out
    and waits for the rows of the transaction that the driver sends with it."""

    def __init__(self, db: Database, loop: asyncio.AbstractEventLoop) -> None:
        self._db = db
        self.revision = None
        self.statement: asyncio.Future[tuple[LiteralString, dict[str, Any]]] = loop.create_future()
        self.rows: asyncio.Future[list[Row]] = loop.create_future()

    async def run(self, query: LiteralString, **params: Any) -> list[Row]:
        if self.statement.done():
            raise RuntimeError("a OneStatement write sent a second statement")
        self._db.round_trips += 1
        self.statement.set_result((query, params))
        return await self.rows


class _Noting(neo4j.api.AsyncBookmarkManager):
    """A bookmark manager that passes everything on to ``inner`` and notes the bookmarks of the
    commit it was given for (``execute_query`` hands its session's bookmarks to nobody else)."""

    def __init__(self, inner: neo4j.AsyncBookmarkManager) -> None:
        self.inner = inner
        self.new: tuple[str, ...] = ()

    async def update_bookmarks(self, previous_bookmarks: Collection[str], new_bookmarks: Collection[str]) -> None:
        self.new = tuple(new_bookmarks)
        await self.inner.update_bookmarks(previous_bookmarks, new_bookmarks)

    async def get_bookmarks(self) -> Collection[str]:
        bookmarks: Collection[str] = await self.inner.get_bookmarks()
        return bookmarks


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
        # Calls waiting for Neo4j: their deadlines (which the stall watch can bring forward) and
        # when each began (event-loop time); the last time a probe was answered.
        self._in_flight: dict[asyncio.Timeout, float] = {}
        self._stall_watch: asyncio.Task[None] | None = None
        self._answered_at = float("-inf")
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
        for task in (self._probe, self._stall_watch):
            if task is not None:
                task.cancel()
        await self._driver.close()

    def _bookmarks(self) -> neo4j.AsyncBookmarkManager:
        """Which bookmarks a call waits for and adds to: the request's own (when the client sent
        some), otherwise the instance's (the driver's manager for execute_query, shared here with
        the write sessions so that a mutation's read-back sees its commit on a cluster too)."""
        consistency = CONSISTENCY.get()
        if consistency is None or not consistency.after:
            return self._driver.execute_query_bookmark_manager
        if consistency.manager is None:
            consistency.manager = neo4j.AsyncGraphDatabase.bookmark_manager(
                initial_bookmarks=neo4j.Bookmarks.from_raw_values(consistency.after)
            )
        return consistency.manager

    async def _written(self, session: neo4j.AsyncSession) -> None:
        consistency = CONSISTENCY.get()
        if consistency is not None:
            consistency.written = sorted((await session.last_bookmarks()).raw_values)

    @property
    def available(self) -> bool:
        return self._down_since is None

    def _fail_fast(self) -> None:
        if self._down_since is not None:
            raise DatabaseUnavailable(f"{GONE} (for {time.monotonic() - self._down_since:.0f} s){NOT_APPLIED}")

    def _went_down(self) -> None:
        if self._down_since is None:
            self._down_since = time.monotonic()
            log.warning("Neo4j became unreachable; failing fast until it answers again")
        if not _alive_here(self._probe):
            self._probe = asyncio.get_running_loop().create_task(self._watch())

    async def _watch(self) -> None:
        while self._down_since is not None:
            await asyncio.sleep(0.5)
            if await self._answers(self.settings.probe_timeout):
                log.info("Neo4j answers again after %.1f s", time.monotonic() - self._down_since)
                self._down_since = None

    async def _answers(self, budget: float) -> bool:
        """Whether Neo4j answers a trivial query within ``budget`` seconds.

        Only time this process spent listening counts: if the event loop itself was blocked (a
        long computation, a starved CPU), the answer may be waiting unread, and that is not
        Neo4j's silence.
        """
        loop = asyncio.get_running_loop()
        probe = loop.create_task(
            self._driver.execute_query(_PROBE, database_=self.settings.database, routing_=neo4j.RoutingControl.READ)
        )
        waited = 0.0
        try:
            while waited < budget:
                before = loop.time()
                done, _ = await asyncio.wait({probe}, timeout=_TICK)
                if done:
                    if probe.exception() is None:
                        self._answered_at = before
                        return True
                    return False
                waited += min(loop.time() - before, 2 * _TICK)
            return False
        finally:
            if not probe.done():
                probe.cancel()  # the driver kills the probe's connection
                with contextlib.suppress(BaseException):
                    await probe

    def _watch_stalls(self) -> None:
        if not _alive_here(self._stall_watch):
            self._stall_watch = asyncio.get_running_loop().create_task(self._stalls())

    async def _stalls(self) -> None:
        """While calls are in flight: if one has waited ``stall_after`` and Neo4j has not answered
        a probe for as long, probe it; if it stays silent, end every call in flight now."""
        loop = asyncio.get_running_loop()
        stall_after = self.settings.stall_after
        while self._in_flight:
            await asyncio.sleep(_TICK)
            oldest = min(self._in_flight.values(), default=loop.time())
            now = loop.time()
            if now - oldest < stall_after or now - self._answered_at < stall_after:
                continue
            if await self._answers(self.settings.probe_timeout):
                continue
            self._went_down()
            log.warning("Neo4j did not answer a probe; ending %d calls in flight", len(self._in_flight))
            for deadline in list(self._in_flight):
                if not deadline.expired():
                    deadline.reschedule(loop.time())

    async def read(self, query: LiteralString, **params: Any) -> list[Row]:
        """Run one read query in its own transaction; rows as plain dicts."""
        return await self._execute(query, params, neo4j.RoutingControl.READ)

    async def run(self, query: LiteralString, **params: Any) -> list[Row]:
        """:meth:`read`, under the name :class:`Runner` gives it."""
        return await self._execute(query, params, neo4j.RoutingControl.READ)

    async def write(self, query: LiteralString, **params: Any) -> list[Row]:
        """Run one write query in its own (retried on transient errors) transaction, its BEGIN
        sent with it (:class:`OneStatement`)."""
        if self.trace is not None:
            self.trace.append((query, dict(params), str(neo4j.RoutingControl.WRITE.value)))
        return await self.write_transaction(OneStatement(lambda tx: tx.run(query, **params)))

    async def schema(self, query: LiteralString) -> None:
        """Run a schema command (constraints, indexes), which needs its own transaction."""
        await self._execute(query, {}, neo4j.RoutingControl.WRITE)

    async def implicit(self, query: LiteralString, **params: Any) -> None:
        """Run a query in an auto-commit transaction (needed by ``CALL … IN TRANSACTIONS``).

        The server commits as it goes, so a failure here may leave part of it applied: it is
        reported as :class:`OutcomeUnknown` unless the database was known to be away beforehand.
        """
        self.round_trips += 1
        self._fail_fast()
        commit = _Commit()
        commit.requested = True

        async def attempt() -> None:
            await _cleared_to_commit()  # the server commits as it goes: before anything is sent
            async with self._driver.session(
                database=self.settings.database, bookmark_manager=self._bookmarks()
            ) as session:
                result = await session.run(query, params)
                await result.consume()
            await self._written(session)

        async with self._mapped_errors(commit):
            await self._bounded(attempt(), commit)

    async def write_transaction(self, work: Callable[[Transaction], Awaitable[T]]) -> T:
        """Run ``work`` in one write transaction: all of it commits, or none of it.

        An exception raised by ``work`` rolls the transaction back and propagates; the driver
        retries the whole function only on its transient errors (deadlocks, leader switches).
        A failure raises :class:`DatabaseUnavailable` if the transaction cannot have committed,
        :class:`OutcomeUnknown` if it failed while committing.
        """
        if isinstance(work, OneStatement):
            return await self._one_statement(work.work)
        commit = _Commit()

        @neo4j.unit_of_work(timeout=self.settings.query_timeout)
        async def unit(tx: neo4j.AsyncManagedTransaction) -> T:
            # Once any attempt has sent COMMIT, a later failure cannot prove that nothing was
            # applied: the driver also retries a COMMIT the server answered with a transient
            # failure (a Neo4j shutting down can do that after writing), so the flag stays set.
            result = await work(Transaction(tx, self))
            await _cleared_to_commit()
            commit.requested = True  # the driver sends COMMIT as soon as this returns
            return result

        async def attempt() -> T:
            async with self._driver.session(
                database=self.settings.database, bookmark_manager=self._bookmarks()
            ) as session:
                result = await session.execute_write(unit)
            await self._written(session)
            return result

        self._fail_fast()
        async with self._mapped_errors(commit):
            return await self._bounded(attempt(), commit)

    async def _one_statement(self, work: Callable[[Transaction], Awaitable[T]]) -> T:
        """:meth:`write_transaction` for a :class:`OneStatement` work: the work runs until its
        statement, which goes out through the driver's ``execute_query`` (public; it pipelines
        BEGIN with the first statement), and its rows come back to the work inside the
        transaction (``execute_query``'s result transformer), which decides, waits for
        ``before_commit`` and returns; COMMIT follows. What fails maps as in write_transaction."""
        self._fail_fast()
        loop = asyncio.get_running_loop()
        commit = _Commit()
        runs: list[asyncio.Future[T]] = []

        async def started() -> tuple[_Deferred, asyncio.Future[T]]:
            tx = _Deferred(self, loop)
            task = asyncio.ensure_future(work(tx), loop=loop)
            runs.append(task)
            either: set[asyncio.Future[Any]] = {tx.statement, task}
            await asyncio.wait(either, return_when=asyncio.FIRST_COMPLETED)
            return tx, task

        try:
            first, task = await started()
            if not first.statement.done():
                return task.result()  # nothing to send: the work returned (or raised) before a statement
            query, params = first.statement.result()
            pending = [(first, task)]

            async def in_transaction(result: neo4j.AsyncResult) -> T:
                rows = [_row(record) for record in await result.fetch(2**31 - 1)]
                if pending:
                    tx, running = pending.pop()
                else:  # the driver retries the transaction: the work again, from its start
                    tx, running = await started()
                    if not tx.statement.done() or tx.statement.result()[0] != query:
                        raise RuntimeError("a OneStatement write sent another statement when run again")
                tx.rows.set_result(rows)
                result_value = await running
                await _cleared_to_commit()
                commit.requested = True  # the driver sends COMMIT as soon as this returns
                return result_value

            bookmarks = _Noting(self._bookmarks())

            async def attempt() -> T:
                value = await self._driver.execute_query(
                    neo4j.Query(query, timeout=self.settings.query_timeout),
                    params,
                    routing_=neo4j.RoutingControl.WRITE,
                    database_=self.settings.database,
                    bookmark_manager_=bookmarks,
                    result_transformer_=in_transaction,
                )
                consistency = CONSISTENCY.get()
                if consistency is not None:
                    consistency.written = sorted(bookmarks.new)
                return value

            async with self._mapped_errors(commit):
                return await self._bounded(attempt(), commit)
        finally:
            for running in runs:  # a run left waiting for rows that will not come
                if not running.done():
                    running.cancel()

    async def ping(self, timeout: float = 1.0) -> None:
        """Raise :class:`DatabaseUnavailable` unless the database answers within ``timeout``."""
        async with self._mapped_errors():
            try:
                async with asyncio.timeout(timeout):
                    await self._driver.execute_query(
                        _PROBE, database_=self.settings.database, routing_=neo4j.RoutingControl.READ
                    )
            except TimeoutError as exc:
                raise DatabaseUnavailable(SLOW) from exc
        self._down_since = None  # it answered: whatever the probe thinks, it is back

    async def _execute(self, query: LiteralString, params: dict[str, Any], routing: neo4j.RoutingControl) -> list[Row]:
        self.round_trips += 1
        self._fail_fast()
        if self.trace is not None:
            self.trace.append((query, dict(params), str(routing.value)))
        async with self._mapped_errors():
            if routing is neo4j.RoutingControl.READ:
                read = neo4j.Query(query, timeout=self.settings.query_timeout)
                return await self._bounded(self._auto_read(read, params))
            records, _, _ = await self._bounded(
                self._driver.execute_query(
                    neo4j.Query(query, timeout=self.settings.query_timeout),
                    params,
                    database_=self.settings.database,
                    routing_=routing,
                    bookmark_manager_=self._bookmarks(),
                )
            )
        return [_row(record) for record in records]

    async def _auto_read(self, query: neo4j.Query, params: dict[str, Any]) -> list[Row]:
        """One read as an auto-commit transaction: RUN and PULL in one round trip, where the
        managed transaction of ``execute_query`` takes two (BEGIN, RUN, PULL, then COMMIT).

        The session reads (routed to a reader under ``neo4j://``) with the bookmarks of
        :meth:`_bookmarks` and adds its own to them, as ``execute_query`` did, and the query
        carries the server-side timeout. The driver does not retry auto-commit transactions (it
        cannot know that a query only reads); a read is safe to repeat, so one that failed on a
        lost connection or a transient error is retried here, after each pause of
        :data:`_READ_RETRY_DELAYS`, unless Neo4j is known to be away.
        """
        retries = iter(_READ_RETRY_DELAYS)
        while True:
            try:
                async with self._driver.session(
                    database=self.settings.database,
                    default_access_mode=neo4j.READ_ACCESS,
                    bookmark_manager=self._bookmarks(),
                    fetch_size=-1,  # every row in one PULL: the caller wants them all anyway
                ) as session:
                    result = await session.run(query, params)
                    return [_row(record) for record in await result.fetch(2**31 - 1)]
            except (n4e.Neo4jError, n4e.DriverError) as exc:
                delay = next(retries, None)
                if delay is None or not exc.is_retryable() or self._down_since is not None:
                    raise
                log.info("retrying a read after %s", type(exc).__name__)
                await asyncio.sleep(delay)

    async def _bounded(self, call: Coroutine[Any, Any, T], commit: _Commit | None = None) -> T:
        # The server-side timeout cannot fire when the server is gone; this bound always can,
        # and the stall watch brings it forward when Neo4j stops answering.
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(self.settings.query_timeout + self.settings.connect_timeout + 1) as deadline:
                self._in_flight[deadline] = loop.time()
                self._watch_stalls()
                try:
                    return await call
                finally:
                    del self._in_flight[deadline]
        except TimeoutError as exc:
            reason = STOPPED if self._down_since is not None else SLOW
            if commit is not None and commit.requested:
                raise OutcomeUnknown(reason + UNKNOWN) from exc
            raise DatabaseUnavailable(reason + NOT_APPLIED) from exc

    @contextlib.asynccontextmanager
    async def _mapped_errors(self, commit: _Commit | None = None) -> AsyncIterator[None]:
        try:
            yield
        except GraphError:
            raise
        except n4e.ConstraintError as exc:  # refused by the server: rolled back, whenever it came
            raise Conflict(COLLISION) from exc
        except (n4e.DriverError, n4e.Neo4jError, OSError) as exc:
            if isinstance(exc, (n4e.ServiceUnavailable, n4e.SessionExpired, OSError)):
                self._went_down()
            if commit is not None and commit.requested:
                # IncompleteCommit says so outright; any other failure once COMMIT was due is no
                # proof that it was not applied either.
                raise OutcomeUnknown((STOPPED if self._down_since else GONE) + UNKNOWN) from exc
            raise self._mapped(exc) from exc

    def _mapped(self, exc: Exception) -> GraphError:
        """The error for a call that failed before anything could be committed."""
        if isinstance(exc, (n4e.ServiceUnavailable, n4e.SessionExpired, OSError)):
            return DatabaseUnavailable(GONE + NOT_APPLIED)
        if isinstance(exc, n4e.AuthError):
            return DatabaseUnavailable(CREDENTIALS)
        if isinstance(exc, n4e.Neo4jError):
            if exc.code and "InvalidBookmark" in exc.code:
                return InvalidData(BOOKMARK)
            if exc.code and "TransactionTimedOut" in exc.code:
                return DatabaseUnavailable(TIMED_OUT)
            if isinstance(exc, n4e.TransientError) or (exc.code and "DatabaseUnavailable" in exc.code):
                return DatabaseUnavailable(BUSY + NOT_APPLIED)
            log.error("Neo4j refused a query", exc_info=exc)
            return InvalidData(REFUSED)
        return DatabaseUnavailable(DRIVER)


def _alive_here(task: asyncio.Task[None] | None) -> bool:
    """Whether ``task`` still runs on the current event loop (tests run apps on several loops)."""
    return task is not None and not task.done() and task.get_loop() is asyncio.get_running_loop()
