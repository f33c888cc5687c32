"""Long-lived helpers shared by all requests: the analysis cache, the worker processes and the
broker of live changes (core/broker.py).

Derived data is keyed by the network revision: every write bumps it in its own transaction
(:mod:`graph.revision`), whichever instance made it. Research metrics are the exception that
is served after a write, marked stale, while the background recomputes them (core/latest.py); the
suggestions' snapshot is rebuilt the same way but served only at the current revision.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

from core.broker import Broker
from core.catalogue import Catalogue
from core.latest import Latest
from graph.idempotency import Sweeper


class LruCache:
    """Least recently used entries out first, once their weights add up to more than ``size``
    (each entry weighs 1 unless :meth:`put` is told otherwise)."""

    def __init__(self, size: int = 32) -> None:
        self._items: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()
        self._size = size
        self._weight = 0
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Any | None:
        with self._lock:
            if key not in self._items:
                return None
            self._items.move_to_end(key)
            return self._items[key][0]

    def put(self, key: Hashable, value: Any, weight: int = 1) -> None:
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._weight -= old[1]
            self._items[key] = (value, weight)
            self._weight += weight
            while self._weight > self._size and len(self._items) > 1:
                _, (_, gone) = self._items.popitem(last=False)
                self._weight -= gone

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._weight = 0


class WorkerPool:
    """Worker processes for the all-pairs computations, started on first use."""

    def __init__(self, workers: int = 2) -> None:
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()

    def get(self) -> ProcessPoolExecutor | None:
        if self.workers < 2:
            return None
        with self._lock:
            if self._pool is None:
                # "spawn": the workers do not inherit the event loop, sockets or driver threads.
                self._pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"))
            return self._pool

    def shutdown(self) -> None:
        """Stop the workers and wait for them: pending work is cancelled, a running part ends first.
        Without the wait the process exits before the pool's queues are closed, and Python's
        multiprocessing resource tracker reports their five semaphores as leaked."""
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


T = TypeVar("T")


class OneProcess:
    """A worker process of its own for one long computation at a time (the suggestion model's refit,
    resolvers/refit.py), so that its CPU does not hold this process's GIL while requests are served.
    Started for each job ("spawn": no event loop, sockets or driver threads inherited) and gone when
    the job is done: a refit runs at most hourly, so nothing idles in memory between jobs. ``stop``
    (the app's shutdown) ends a running job's process at once; a job cancelled while it runs ends it too.

    The worker runs at a lower CPU priority (``nice``, 10 by default): a process of its own escapes the GIL,
    but on a busy machine without a spare core it still takes CPU time that requests wait for; niced, the
    kernel gives the serving process the CPU first and the background job what is left."""

    def __init__(self, nice: int = 10) -> None:
        self.nice = nice
        self._pool: ProcessPoolExecutor | None = None
        self._stopped = False
        self._lock = threading.Lock()

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        with self._lock:
            if self._stopped:
                raise RuntimeError("the worker process was stopped")
            pool = self._pool = ProcessPoolExecutor(
                1,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_lower_priority,
                initargs=(self.nice,),
            )
        finished = False
        try:
            result = await asyncio.wrap_future(pool.submit(fn, *args))
            finished = True
            return result
        finally:
            with self._lock:
                if self._pool is pool:
                    self._pool = None
            if finished:  # the worker waits for its next job: let it go (a join of a few milliseconds)
                await asyncio.to_thread(pool.shutdown, True)
            else:
                _end(pool)

    def stop(self) -> None:
        with self._lock:
            self._stopped = True
            pool, self._pool = self._pool, None
        if pool is not None:
            _end(pool)


def _lower_priority(nice: int) -> None:
    """In the worker process: yield the CPU to the serving process (where the system has ``os.nice``)."""
    if nice and hasattr(os, "nice"):
        os.nice(nice)


def _end(pool: ProcessPoolExecutor) -> None:
    """Shut ``pool`` down without waiting for its job: its processes are terminated and joined (Python
    3.11 has no public way to end a busy worker; 3.14's ``terminate_workers`` does this)."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join(timeout=10)


class JobStore:
    """Work that outlives its request (an import between its upload, review and apply), kept in
    this process for ``lifetime`` seconds after its last use, at most ``capacity`` at a time (the
    oldest go first). Each job belongs to the principal that made it: others do not find it."""

    def __init__(self, capacity: int = 32, lifetime: float = 3600.0) -> None:
        self.capacity = capacity
        self.lifetime = lifetime
        self._jobs: dict[str, tuple[str, float, object]] = {}
        self._lock = threading.Lock()

    def put(self, job_id: str, owner: str, job: object) -> None:
        with self._lock:
            self._expire()
            self._jobs[job_id] = (owner, time.monotonic(), job)
            while len(self._jobs) > self.capacity:
                del self._jobs[min(self._jobs, key=lambda k: self._jobs[k][1])]

    def get(self, job_id: str, owner: str) -> object | None:
        with self._lock:
            self._expire()
            found = self._jobs.get(job_id)
            if found is None or found[0] != owner:
                return None
            self._jobs[job_id] = (owner, time.monotonic(), found[2])
            return found[2]

    def _expire(self) -> None:
        now = time.monotonic()
        for k in [k for k, (_, at, _) in self._jobs.items() if now - at > self.lifetime]:
            del self._jobs[k]


# Rows (nodes plus ties) of the networks kept in memory: six of the Berlin-scale 10,000 actors
# and 50,000 cooperations.
NETWORK_ROWS = 6 * 60_000


@dataclass(frozen=True)
class Refit:
    """How the suggestion model is fitted on this deployment's own past year (resolvers/refit.py; the
    settings ``KIEZGRAPH_SUGGESTION_REFIT*``). None: analysis/learning.py's rule (a) decides (its
    ``MIN_POSITIVES`` and ``MAX_ACTORS``; core cannot import analysis/, so they are not repeated here)."""

    enabled: bool = True  # False: the shipped model always
    every: float = 3600.0  # after a write, at most one refit this often (a new day refits at once)
    min_positives: int | None = None  # fewer positive examples in the year: the shipped model serves
    actors: int | None = None  # at most this many actors' pools are fitted on (a seeded sample)


@dataclass
class Services:
    analysis: LruCache = field(default_factory=LruCache)
    # Networks as read, by selection and data revision (resolvers/networks.read), weighed by
    # their rows (nodes and ties): room for about six Berlin-scale networks (tens of MB each in
    # memory), or for every quarter's network many times over (a few thousand rows each; the
    # load test's rotation over 32 quarters missed nearly always when six entries were the limit).
    networks: LruCache = field(default_factory=lambda: LruCache(NETWORK_ROWS))
    # Research metrics per selection: the last complete result, recomputed in the background
    # after writes (core/latest.py); the delay debounces a burst of writes into one run.
    metrics: Latest = field(default_factory=Latest)
    # The whole network in memory for partner suggestions (analysis/candidates.py), one entry kept
    # by revision and rebuilt in the background after writes like the metrics (resolvers/suggestions.py).
    snapshots: Latest = field(default_factory=lambda: Latest(capacity=1))
    # The suggestion model fitted on this deployment's own past year from that snapshot (resolvers/refit.py),
    # one entry, refitted in the background when the day changes or (at most every refit.every seconds)
    # when the snapshot's revision moved.
    models: Latest = field(default_factory=lambda: Latest(capacity=1))
    refit: Refit = field(default_factory=Refit)
    fitter: OneProcess = field(default_factory=OneProcess)  # the refit's own process (stopped at shutdown)
    # Handover dossiers (HTML and PDF bytes) by quarter, revision, language, format and reader
    # kind: a dossier is the same document for the same revision, so a repeat costs nothing.
    dossiers: LruCache = field(default_factory=lambda: LruCache(16))
    workers: WorkerPool = field(default_factory=WorkerPool)
    # Deletes expired idempotency keys now and then, after keyed writes.
    key_sweeper: Sweeper = field(default_factory=Sweeper)
    # Called after a token is revoked here, so this instance's token cache forgets it at once
    # (every instance also learns of it from Neo4j: core/revocations.py).
    token_forgetters: list[Callable[[], None]] = field(default_factory=list)
    # Live changes: the poller and its subscribers (set by the app; None: no subscriptions).
    broker: Broker | None = None
    # Imports between upload and apply (resolvers/imports.py).
    jobs: JobStore = field(default_factory=JobStore)
    # The action-field catalogue and the known quarter slugs, shared by all requests (core/catalogue.py).
    catalogue: Catalogue = field(default_factory=Catalogue)
    # The wall clock (seconds since the epoch) that credentials end by, e.g. a long import's check of
    # its JWT's ``exp`` between batches (resolvers/imports.py); a test moves it past the end.
    clock: Callable[[], float] = time.time

    def forget_tokens(self) -> None:
        for forget in self.token_forgetters:
            forget()
