"""Event loops in threads of their own: execution lanes for GraphQL, and the driver's home.

Executing a large response is pure-Python CPU work (graphql-core completes each field in
~10 µs; 60,000 network objects take seconds), and so is decoding a large result from Neo4j.
Done on the server's event loop, either stalls every other connection, `/healthz` included.
So the server's loop only speaks HTTP:
- a lane (:class:`Lanes`) is a thread with its own event loop; the view hands each operation
  to the least busy lane and awaits the answer;
- the Neo4j driver lives on a loop of its own (its sockets and locks are bound to the loop that
  first uses them), and everyone — lanes, the health checks, the guard — reaches it through
  :class:`HomeDatabase`, which runs each coroutine method of :class:`graph.db.Database` there.
CPython's GIL still serialises the Python work, but it is handed over every few milliseconds
(:func:`sys.getswitchinterval`), which is what lets the server's loop breathe.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import inspect
import threading
import time
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar, cast

from core import timing as timings
from graph import db as graph_db
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


async def _carrying(consistency: graph_db.Consistency | None, call: Coroutine[Any, Any, T]) -> T:
    """``call`` with the request's bookmarks: a task on another loop does not see the caller's
    context variables."""
    graph_db.CONSISTENCY.set(consistency)
    return await call


class HomeDatabase:
    """A :class:`Database` usable from any thread: every coroutine method runs on its home loop.

    Other attributes (``settings``, ``round_trips``, ``trace``) are the database's own, read and
    written through. Work functions given to ``write_transaction`` run on the home loop as well;
    they use only the transaction they are handed (as they must: a DataLoader would read
    outside it).
    """

    def __init__(self, db: Database, home: asyncio.AbstractEventLoop) -> None:
        object.__setattr__(self, "_db", db)
        object.__setattr__(self, "_home", home)

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._db, name)
        if not inspect.iscoroutinefunction(attribute):
            return attribute

        @functools.wraps(attribute)
        async def at_home(*args: Any, **kwargs: Any) -> Any:
            timing = timings.CURRENT.get()
            call = _carrying(graph_db.CONSISTENCY.get(), attribute(*args, **kwargs))
            if timing is None:
                return await on_loop(self._home, call)
            start = time.perf_counter()
            try:
                return await on_loop(self._home, call)
            finally:
                timing.add("cypher", time.perf_counter() - start)
                timing.cypher_calls += 1

        # Kept on the instance, so that the next call finds it without coming here: every read
        # of every request asked for it, and wrapping anew cost a few microseconds each time.
        object.__setattr__(self, name, at_home)
        return at_home

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self._db, name, value)

    @classmethod
    def on(cls, db: Database, home: asyncio.AbstractEventLoop) -> Database:
        """``db``, run on ``home``; typed as the Database it stands in for."""
        return cast(Database, cls(db, home))


_new_event_loop: Callable[[], asyncio.AbstractEventLoop]
try:
    from uvloop import new_event_loop as _new_event_loop
except ImportError:  # pragma: no cover - a platform uvloop does not support (Windows)
    _new_event_loop = asyncio.new_event_loop


def new_loop() -> asyncio.AbstractEventLoop:
    """An event loop for a thread of ours, of the kind uvicorn gives the server's loop: uvloop
    where it is installed (``uvicorn[standard]`` brings it on Linux and macOS), else asyncio's.

    Every request crosses these loops (server → lane → driver → lane → server), and each
    crossing is a cross-thread wake-up, a task and a handful of callbacks; asyncio's pure-Python
    loop spent a fifth of a W2 request's Python calls on that bookkeeping (bench/RESULTS.md,
    "W2's per-request CPU: lanes on uvloop").
    """
    return _new_event_loop()


class LoopThread:
    """A daemon thread running an event loop until :meth:`stop`."""

    def __init__(self, name: str) -> None:
        self.loop = new_loop()
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
        with contextlib.suppress(RuntimeError):  # closed already
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
        self._lanes: list[LoopThread] = []
        self._lock = threading.Lock()

    def _started(self) -> list[LoopThread]:
        with self._lock:
            if not self._lanes:
                self._lanes = [LoopThread(f"kiezgraph-lane-{i}") for i in range(self.count)]
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
