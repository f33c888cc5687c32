"""The vocabulary shared by all requests: the action-field catalogue and which quarter slugs exist.

Both change a few times a year (a re-seed, a new QM area), yet nearly every filter, detail and
mutation needs them, so reading them per request cost W2, W3 and W5 of issue 16 one statement
each. This process keeps them in memory instead, under two rules that bound how stale they can be:

- **Everything expires after ``ttl`` seconds** (30 by default). Not every write of the catalogue
  or quarters is seen here by revision (the seeding at a server's start writes without one, and
  this memory does not follow the revision, which would cost a read per request), so a time
  bound is the one rule that holds for every writer: a renamed action field or a re-seed shows
  within ``ttl`` seconds on every instance.
- **A miss is never trusted**: a key or slug not in memory is looked up in Neo4j before anyone is
  told it does not exist, so a field or quarter added a moment ago is known at once; only a
  removal or a rename can be seen late, by at most ``ttl`` seconds.

The values are plain data, never futures, so one instance can serve requests on any event loop.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field

from graph.action_fields import ActionFieldRecord

DEFAULT_TTL = 30.0


@dataclass
class Catalogue:
    ttl: float = DEFAULT_TTL
    clock: Callable[[], float] = time.monotonic
    _fields: list[ActionFieldRecord] | None = field(default=None, init=False)
    _fields_at: float = field(default=0.0, init=False)
    _slugs: dict[str, float] = field(default_factory=dict, init=False)  # slug → when Neo4j confirmed it

    async def action_fields(
        self, read: Callable[[], Awaitable[list[ActionFieldRecord]]], require: Iterable[str] = ()
    ) -> list[ActionFieldRecord]:
        """The catalogue, read anew when older than ``ttl`` or when a ``require``\\ d key is not in it."""
        now = self.clock()
        fields = self._fields
        fresh = fields is not None and now - self._fields_at < self.ttl
        if fields is None or not fresh or not set(require) <= {f.key for f in fields}:
            fields = await read()
            self._fields, self._fields_at = fields, now
        return fields

    def known_slugs(self, slugs: Iterable[str]) -> set[str]:
        """Which of ``slugs`` Neo4j confirmed to exist less than ``ttl`` seconds ago."""
        now = self.clock()
        return {s for s in slugs if now - self._slugs.get(s, -self.ttl - 1.0) < self.ttl}

    def confirm_slugs(self, slugs: Iterable[str]) -> None:
        now = self.clock()
        for slug in slugs:
            self._slugs[slug] = now

    def forget(self) -> None:
        """Drop everything (after this process changes the catalogue or the quarters itself)."""
        self._fields = None
        self._slugs.clear()
