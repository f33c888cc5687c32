"""The last complete result of slow derived data (research metrics), kept per key and refreshed
in the background after writes, so that readers never wait for a recomputation.

An :class:`Entry` is a value with the network revision it holds for and when it was computed.
Readers take the entry as it is (:meth:`Latest.get`) and say whether it is stale (the network
has moved on since); :meth:`Latest.refresh` asks for a recomputation in the background, and
several requests in a burst (a spreadsheet's worth of writes, or many readers of a stale entry)
give **one** recomputation: it starts ``delay`` seconds after the last write that asked for it
(``push=True``), and a request that comes while one is running gives one more run after it.
:meth:`Latest.now` computes at once and waits (a reader asking for fresh numbers, or the first
reader of a key), joining a computation of the same key already under way instead of starting a
second one.

The work itself is a function given by the caller (resolvers/networks.py), which reads the
network and computes on it: core/ knows neither graph/'s networks nor analysis/. Given the
entry it has (``None`` for none), it returns the new one: recomputed, or the old value moved on
to the current revision when no write since touched its selection (``computed_at`` unchanged).

Entries are per process (each instance and each worker keeps its own and recomputes on its own:
see README "Workers, instances and clusters"). Background work runs as tasks on the event loop
that asked for it (an execution lane lives as long as the app); :meth:`close` cancels them.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import datetime as dt
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Entry:
    value: Any
    revision: int  # the network state the value holds for
    computed_at: dt.datetime  # when it was computed (UTC)


Work = Callable[[Entry | None], Awaitable[Entry | None]]


@dataclass
class _Slot:
    entry: Entry | None = None
    work: Work | None = None  # how to recompute it (the last one given)
    due: float = 0.0  # monotonic time the next background run may start
    task: asyncio.Task[None] | None = None
    loop: asyncio.AbstractEventLoop | None = None
    again: bool = False  # asked for while a run was under way: one more run after it
    running: Future[Entry] | None = None  # a computation under way, for readers who wait


class Latest:
    def __init__(self, delay: float = 1.0, capacity: int = 32) -> None:
        self.delay = delay
        self.capacity = capacity
        self.runs = 0  # values computed (tests and benchmarks count them)
        self._slots: OrderedDict[Hashable, _Slot] = OrderedDict()
        self._lock = threading.Lock()  # lanes are threads: slots are shared between their loops

    def get(self, key: Hashable) -> Entry | None:
        with self._lock:
            slot = self._slots.get(key)
            if slot is None:
                return None
            self._slots.move_to_end(key)
            return slot.entry

    def put(self, key: Hashable, entry: Entry) -> None:
        """Keep ``entry`` for ``key`` unless a newer one is kept (a value brought up to date by the caller
        itself, such as the suggestions' snapshot caught up by the change feed)."""
        self._store(key, entry)

    def pending(self, key: Hashable) -> bool:
        """Whether a recomputation of ``key`` is waiting or under way."""
        with self._lock:
            slot = self._slots.get(key)
            return slot is not None and slot.task is not None and not slot.task.done()

    def keys(self) -> list[Hashable]:
        with self._lock:
            return list(self._slots)

    async def now(self, key: Hashable, work: Work) -> Entry:
        """Compute ``key`` now and wait for it (or for the computation already under way)."""
        with self._lock:
            slot = self._slot(key)
            slot.work = work
            running = slot.running
            if running is None:
                running = slot.running = Future()
                mine = True
            else:
                mine = False
        if not mine:
            return await asyncio.wrap_future(running)
        try:
            entry = await work(None)
            assert entry is not None  # asked without an entry: the work always computes
            self._store(key, entry)
            running.set_result(entry)
            return entry
        except BaseException as exc:
            running.set_exception(exc)
            raise
        finally:
            with self._lock:
                slot.running = None

    def start(self, key: Hashable, work: Work) -> None:
        """Have ``key`` computed in the background if nothing is kept or under way for it yet (a
        reader that does not wait: it is served otherwise meanwhile), ``delay`` seconds from now."""
        with self._lock:
            slot = self._slot(key)
            slot.work = work
            if slot.entry is not None or slot.running is not None:
                return
        self.refresh(key, work)

    def refresh(self, key: Hashable, work: Work | None = None, *, push: bool = False) -> None:
        """Recompute ``key`` in the background, ``delay`` seconds from now; ``push``: from now
        even if a run is already waiting (a write: more may follow in the same burst)."""
        with self._lock:
            slot = self._slots.get(key)
            if slot is None:
                return  # never asked for: nothing to keep up to date
            slot.work = work or slot.work
            if slot.work is None:
                return
            waiting = slot.task is not None and not slot.task.done()
            if waiting and slot.running is not None:
                slot.again = True  # running now: once more after it, on the data as it is then
                return
            if waiting:
                if push:
                    slot.due = time.monotonic() + self.delay
                return
            slot.due = time.monotonic() + self.delay
            slot.loop = asyncio.get_running_loop()
            # A context of its own: it outlives the request that asked (its deadline, its timing).
            slot.task = slot.loop.create_task(self._run(key, slot), context=contextvars.Context())

    def refresh_all(self) -> None:
        """After a write: every key kept here, in the background (each decides what it touched)."""
        for key in self.keys():
            self.refresh(key, push=True)

    async def _run(self, key: Hashable, slot: _Slot) -> None:
        while True:
            while (wait := slot.due - time.monotonic()) > 0:
                await asyncio.sleep(wait)
            while True:  # a reader computing it right now goes first; the work then finds little to do
                with self._lock:
                    other = slot.running
                    if other is None:
                        running: Future[Entry] = Future()
                        slot.running = running
                        work, entry, slot.again = slot.work, slot.entry, False
                        break
                with contextlib.suppress(Exception):
                    await asyncio.wrap_future(other)
            try:
                found = await work(entry) if work is not None else None
                if found is not None:
                    self._store(key, found)
                if found or entry:
                    running.set_result(found or entry)  # type: ignore[arg-type]  # one of them is set
                else:
                    running.cancel()
            except Exception as exc:  # the old entry stays; the next write or reader tries again
                log.warning("recomputing %r in the background failed: %s", key, exc)
                running.set_exception(exc)
                running.exception()  # retrieved: no "never retrieved" warning
            finally:
                with self._lock:
                    slot.running = None
            with self._lock:
                if not slot.again:
                    return
                slot.due = time.monotonic() + self.delay

    def _slot(self, key: Hashable) -> _Slot:
        slot = self._slots.get(key)
        if slot is None:
            slot = self._slots[key] = _Slot()
            while len(self._slots) > self.capacity:
                _, old = self._slots.popitem(last=False)
                if old.task is not None and old.loop is not None:
                    with contextlib.suppress(RuntimeError):
                        old.loop.call_soon_threadsafe(old.task.cancel)
        self._slots.move_to_end(key)
        return slot

    def _store(self, key: Hashable, entry: Entry) -> None:
        with self._lock:
            slot = self._slot(key)
            if slot.entry is None or entry.value is not slot.entry.value:
                self.runs += 1  # computed (an entry moved on to a newer revision is not)
            if slot.entry is None or entry.revision >= slot.entry.revision:
                slot.entry = entry

    def clear(self) -> None:
        with self._lock:
            slots = list(self._slots.values())
            self._slots.clear()
        self._cancel(slots)

    def close(self) -> None:
        self.clear()

    @staticmethod
    def _cancel(slots: list[_Slot]) -> None:
        for slot in slots:
            if slot.task is not None and slot.loop is not None and not slot.task.done():
                with contextlib.suppress(RuntimeError):  # its loop is closed already
                    slot.loop.call_soon_threadsafe(slot.task.cancel)
