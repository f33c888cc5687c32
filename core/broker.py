"""The broker: one poller per instance reads new commits from Neo4j and hands them to this
instance's subscribers.

Neo4j is the only source of truth. Every committed write carries a revision (graph.revision) on
its audit records (graph.audit); the poller reads the records after the last revision it has
seen, commit by commit, and offers each commit to every subscriber interested in one of its
records. A second instance on the same database polls the same records, so a write made
through one instance reaches subscribers of all of them, and a restart loses nothing: a client
resumes with the last revision it received (resolvers/changes.py catches it up from the feed).

The poller runs while the instance has subscribers; an idle poll is one small read (the current
revision). What waits for a subscriber is bounded: a subscriber with more than ``buffer``
commits waiting is ended as too slow (:data:`CLOSE_SLOW`) instead of holding memory without
limit. A token revoked anywhere ends its subscriptions here when the revocation's record
arrives (:data:`CLOSE_REVOKED`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Final

from graph import actors, changes, cooperations, revision
from graph.actors import ActorRecord
from graph.changes import FeedRecord
from graph.cooperations import CooperationRecord
from graph.db import Database
from graph.errors import GraphError

log = logging.getLogger(__name__)

# WebSocket close codes (the private range 4000-4999), and their reasons (one place to translate).
CLOSE_SLOW: Final = 4413
CLOSE_REVOKED: Final = 4403
SLOW: Final = (
    "slow consumer: more than {n} commits were waiting to be sent; reconnect and resume "
    "from the last revision you received"
)
REVOKED: Final = "the token was revoked"
TOO_MANY: Final = "at most {n} subscriptions per token (without one: per client address) on one instance"

# How many commits one poll reads at most before handing them on (it reads on at once if more wait).
_COMMITS_PER_READ: Final = 200


@dataclass(frozen=True)
class Interest:
    """What a subscriber wants: records of these entities, in this quarter, about this actor."""

    entities: frozenset[str]
    quarter: str | None = None
    actor: str | None = None

    def matches(self, r: FeedRecord) -> bool:
        if r.entity not in self.entities:
            return False
        if self.quarter is not None and self.quarter not in r.quarters and r.entity != "Network":
            return False
        return self.actor is None or r.entity_id == self.actor or self.actor in r.actors


@dataclass(frozen=True)
class Commit:
    """One commit's records, with the actors and cooperations they name as read right after it."""

    revision: int
    records: tuple[FeedRecord, ...]
    actors: Mapping[str, ActorRecord] = field(default_factory=dict)
    cooperations: Mapping[str, CooperationRecord] = field(default_factory=dict)


class SubscriptionEnded(Exception):
    """The broker ended a subscription; ``code`` is the WebSocket close code to end it with."""

    def __init__(self, code: int, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


class TooManySubscriptions(Exception):
    pass


class Subscriber:
    """One subscription's mailbox: commits in revision order, or the reason it was ended."""

    def __init__(self, key: str, interest: Interest, start: int, buffer: int) -> None:
        self.key = key
        self.interest = interest
        self.start = start  # the broker's position when it joined: live commits come after it
        self._buffer = buffer
        self._queue: asyncio.Queue[Commit | SubscriptionEnded] = asyncio.Queue()
        self.ended: SubscriptionEnded | None = None

    def offer(self, commit: Commit) -> None:
        if self.ended is not None or not any(self.interest.matches(r) for r in commit.records):
            return
        if self._queue.qsize() >= self._buffer:
            self.end(SubscriptionEnded(CLOSE_SLOW, SLOW.format(n=self._buffer)))
            return
        self._queue.put_nowait(commit)

    def end(self, why: SubscriptionEnded) -> None:
        if self.ended is None:
            self.ended = why
            while not self._queue.empty():  # what waited is not sent: the client resumes instead
                self._queue.get_nowait()
            self._queue.put_nowait(why)

    async def next(self) -> Commit:
        item = await self._queue.get()
        if isinstance(item, SubscriptionEnded):
            raise item
        return item


class Broker:
    def __init__(
        self,
        db: Database,
        *,
        interval: float = 0.2,
        buffer: int = 256,
        per_key: int = 50,
        on_revoked: Callable[[], None] | None = None,
    ) -> None:
        self.db = db
        self.interval = interval
        self.buffer = buffer
        self.per_key = per_key
        self.on_revoked = on_revoked
        self.position = 0  # the last revision handed on
        self._subscribers: set[Subscriber] = set()
        self._per_key: Counter[str] = Counter()
        self._poller: asyncio.Task[None] | None = None
        self._starting: asyncio.Lock | None = None
        self.polls = 0  # for tests and benchmarks: how many polls ran

    @property
    def subscribers(self) -> int:
        return len(self._subscribers)

    async def subscribe(self, key: str, interest: Interest) -> Subscriber:
        """Join; live commits after :attr:`Subscriber.start` arrive in its mailbox."""
        if self._per_key[key] >= self.per_key:
            raise TooManySubscriptions(TOO_MANY.format(n=self.per_key))
        self._per_key[key] += 1
        try:
            await self._ensure_polling()
        except BaseException:
            self._release(key)
            raise
        subscriber = Subscriber(key, interest, self.position, self.buffer)
        self._subscribers.add(subscriber)
        return subscriber

    def leave(self, subscriber: Subscriber) -> None:
        if subscriber in self._subscribers:
            self._subscribers.discard(subscriber)
            self._release(subscriber.key)
        if not self._subscribers and self._poller is not None:
            self._poller.cancel()  # nobody listens: no polling (the next subscriber starts it again)
            self._poller = None

    def end_key(self, key: str, why: SubscriptionEnded) -> None:
        for subscriber in [s for s in self._subscribers if s.key == key]:
            subscriber.end(why)

    def _release(self, key: str) -> None:
        self._per_key[key] -= 1
        if self._per_key[key] <= 0:
            del self._per_key[key]

    async def _ensure_polling(self) -> None:
        if self._starting is None:
            self._starting = asyncio.Lock()
        async with self._starting:
            if self._poller is not None and not self._poller.done():
                return
            # Subscribers catch up from the feed to this position; the poller goes on from it.
            self.position = await revision.current(self.db)
            self._poller = asyncio.get_running_loop().create_task(self._poll_forever())

    async def _poll_forever(self) -> None:
        while True:
            await asyncio.sleep(self.interval)
            try:
                await self.poll()
            except GraphError as exc:  # Neo4j away: subscribers wait; the next poll tries again
                log.warning("reading changes failed: %s", exc)
            except Exception:  # a bug must not stop live changes for everyone
                log.exception("the change poller failed")

    async def poll(self) -> None:
        """Hand on every commit after :attr:`position` (the idle case is one small read)."""
        self.polls += 1
        upto = await revision.current(self.db)
        while upto > self.position:
            page = await changes.page(
                self.db, self.position, _COMMITS_PER_READ, entities=changes.SERVICE_ENTITIES, upto=upto
            )
            await self._hand_on(page.records)
            self.position = page.next
            if not page.has_more:
                break

    async def _hand_on(self, records: list[FeedRecord]) -> None:
        if not records:
            return
        actor_ids = {r.entity_id for r in records if r.entity == "Actor"}
        tie_ids = {r.entity_id for r in records if r.entity == "Cooperation"}
        # Read once for all subscribers (each then resolves the fields it asked for itself).
        found_actors = await actors.by_ids(self.db, sorted(actor_ids)) if actor_ids else {}
        found_ties = await cooperations.by_ids(self.db, sorted(tie_ids)) if tie_ids else {}
        by_revision: dict[int, list[FeedRecord]] = {}
        for r in records:
            by_revision.setdefault(r.revision, []).append(r)
        for number, group in by_revision.items():
            commit = Commit(number, tuple(group), found_actors, found_ties)
            self._revocations(commit)
            for subscriber in list(self._subscribers):
                subscriber.offer(commit)

    def _revocations(self, commit: Commit) -> None:
        for r in commit.records:
            if r.entity == "ApiToken" and r.operation == "revoke":
                if self.on_revoked is not None:
                    self.on_revoked()  # this instance's token cache forgets it at once
                self.end_key(f"token:{r.entity_id}", SubscriptionEnded(CLOSE_REVOKED, REVOKED))

    async def close(self) -> None:
        for subscriber in list(self._subscribers):
            self.leave(subscriber)
        if self._poller is not None:
            self._poller.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._poller
