"""Execution lanes: event loops in threads of their own that run GraphQL operations.

Executing a large response is pure-Python CPU work (graphql-core completes each field in
~10 µs; 60,000 network objects take seconds). Done on the server's event loop it stalls every
other connection, `/healthz` included. A lane is a thread with its own event loop; the view
hands each operation to the least busy lane and awaits the answer, so the server's loop stays
free to accept and answer. CPython's GIL still serialises the Python work, but it is handed
over every few milliseconds (:func:`sys.getswitchinterval`), which is what lets the server's
loop breathe.

The Neo4j driver belongs to the server's loop (its sockets and locks are bound to it), so
resolvers running in a lane reach the database through :class:`HomeDatabase`, which runs each
coroutine method of :class:`graph.db.Database` on the loop that owns the driver.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar, cast

from graph.db import Database

T = TypeVar("T")


async def on_loop(loop: asyncio.AbstractEventLoop, coroutine: Coroutine[Any, Any, T]) -> T:
    """Run ``coroutine`` on ``loop`` and await its result from the running loop.

    Cancelling the caller cancels the coroutine on ``loop`` too (``run_coroutine_threadsafe``
    chains the cancellation), so a stopped request stops its database work.
    """
    if asyncio.get_running_loop() is loop:
        return await coroutine
    return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(coroutine, loop))


class HomeDatabase:
    """A :class:`Database` as seen from a lane: every coroutine method runs on the home loop.

    Other attributes (``settings``, ``round_trips``, ``available``) are the database's own.
    Work functions given to ``write_transaction`` run on the home loop as well; they use only
    the transaction they are handed (as they must: a DataLoader would read outside it).
    """

    def __init__(self, db: Database, home: asyncio.AbstractEventLoop) -> None:
        self._db = db
        self._home = home

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._db, name)
        if not inspect.iscoroutinefunction(attribute):
            return attribute

        @functools.wraps(attribute)
        async def at_home(*args: Any, **kwargs: Any) -> Any:
            return await on_loop(self._home, attribute(*args, **kwargs))

        return at_home

    @classmethod
    def for_running_loop(cls, db: Database) -> Database:
        """``db`` usable from any lane; typed as a Database, which it stands in for."""
        return cast(Database, cls(db, asyncio.get_running_loop()))


class _Lane:
    def __init__(self, name: str) -> None:
        self.loop = asyncio.new_event_loop()
        self.busy = 0
        self.thread = threading.Thread(target=self._run, name=name, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        try:
            self.loop.run_forever()
        finally:
            pending = asyncio.all_tasks(self.loop)
            for task in pending:
                task.cancel()
            if pending:
                self.loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
            self.loop.run_until_complete(self.loop.shutdown_default_executor())
            self.loop.close()

    def stop(self) -> None:
        if not self.loop.is_closed():
            self.loop.call_soon_threadsafe(self.loop.stop)
        if threading.current_thread() is not self.thread:
            self.thread.join(timeout=10)


class Lanes:
    """A few lanes, started on first use; ``run`` places a coroutine on the least busy one.

    With no lanes (``count`` 0) coroutines run on the caller's loop, as before lanes existed:
    the benchmark compares both.
    """

    def __init__(self, count: int = 4) -> None:
        self.count = max(0, count)
        self._lanes: list[_Lane] = []
        self._lock = threading.Lock()

    def _started(self) -> list[_Lane]:
        with self._lock:
            if not self._lanes:
                self._lanes = [_Lane(f"kiezgraph-lane-{i}") for i in range(self.count)]
            return self._lanes

    async def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        if self.count == 0:
            return await coroutine
        lane = min(self._started(), key=lambda candidate: candidate.busy)
        lane.busy += 1
        try:
            return await on_loop(lane.loop, coroutine)
        finally:
            lane.busy -= 1

    @property
    def busy(self) -> int:
        """Operations running now, over all lanes."""
        return sum(lane.busy for lane in self._lanes)

    def stop(self) -> None:
        with self._lock:
            lanes, self._lanes = self._lanes, []
        for lane in lanes:
            lane.stop()
