"""Long-lived helpers shared by all requests: the analysis cache, the worker processes and the
broker of live changes (core/broker.py).

Derived data (the igraph projection, metrics) is cached per selection and per network
revision: every write bumps the revision in its own transaction (:mod:`graph.revision`), so
a cached value is never served after a write, whichever instance made it.
"""

from __future__ import annotations

import multiprocessing
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from core.broker import Broker
from graph.idempotency import Sweeper


class LruCache:
    def __init__(self, size: int = 32) -> None:
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Any | None:
        with self._lock:
            if key not in self._items:
                return None
            self._items.move_to_end(key)
            return self._items[key]

    def put(self, key: Hashable, value: Any) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


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
        with self._lock:
            if self._pool is not None:
                self._pool.shutdown(wait=False, cancel_futures=True)
                self._pool = None


@dataclass
class Services:
    analysis: LruCache = field(default_factory=LruCache)
    # Handover dossiers (HTML and PDF bytes) by quarter, revision, language, format and reader
    # kind: a dossier is the same document for the same revision, so a repeat costs nothing.
    dossiers: LruCache = field(default_factory=lambda: LruCache(16))
    workers: WorkerPool = field(default_factory=WorkerPool)
    # Deletes expired idempotency keys now and then, after keyed writes.
    key_sweeper: Sweeper = field(default_factory=Sweeper)
    # Called after a token is revoked so this instance stops accepting it at once (other
    # instances stop when their short token cache expires).
    token_forgetters: list[Callable[[], None]] = field(default_factory=list)
    # Live changes: the poller and its subscribers (set by the app; None: no subscriptions).
    broker: Broker | None = None

    def forget_tokens(self) -> None:
        for forget in self.token_forgetters:
            forget()
