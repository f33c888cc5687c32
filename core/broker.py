"""The broker: one poller per instance reads new commits from Neo4j and hands them to this
instance's subscribers.

Neo4j is the only source of truth. Every committed write carries a revision (graph.revision) on
its audit records (graph.audit); the poller reads the records after the last revision it has
seen, commit by commit, and offers each commit to every subscriber interested in one of its
records. A second instance on the same database polls the same records, so a write made
through one instance reaches subscribers of all of them, and a restart loses nothing: a client
resumes with the last revision it received (resolvers/changes.py catches it up from the feed).

The poller runs while the instance has subscribers; an idle poll is one small read (the current
revision, and the revocation counter with it). What waits for a subscriber is bounded: a
subscriber with more than ``buffer`` commits waiting is ended as too slow (:data:`CLOSE_SLOW`)
instead of holding memory without limit. A token revoked anywhere, or narrowed by a handover,
ends its subscriptions here as soon as this instance notices (core/revocations.py: at the next
poll at the latest), with :data:`CLOSE_CREDENTIAL`; a JWT's subscriptions end at its expiry in
the same way (kiezgraph/live.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

from core.messages import Message, Text
from core.revocations import Revocations, token_key
from graph import actors, changes, cooperations, revision, tokens
from graph.actors import ActorRecord
from graph.changes import FeedRecord
from graph.cooperations import CooperationRecord
from graph.db import Database
from graph.errors import GraphError
from graph.tokens import TokenChange

log = logging.getLogger(__name__)

# WebSocket close codes (the private range 4000-4999), and their reasons (one place to translate;
# a close reason has at most 123 bytes).
CLOSE_SLOW: Final = 4413
# The credential no longer admits the connection: revoked, narrowed by a handover, or expired. The
# graphql-ws client retries on it (with fresh connectionParams): a narrowed token gets back in with
# its new rights, a revoked or expired one is refused at connection_init with the same code.
CLOSE_CREDENTIAL: Final = 4403
SLOW: Final = Message(
    "slow consumer: more than {n} commits were waiting; reconnect and resume from your last revision",
    "zu langsam: mehr als {n} Commits warteten; neu verbinden und ab der letzten Revision fortsetzen",
)
REVOKED: Final = Message("the token was revoked", "der Zugang wurde widerrufen")
NARROWED: Final = Message(
    "the token's quarters changed; reconnect to go on with its rights",
    "die Quartiere des Zugangs haben sich geändert; neu verbinden",
)
EXPIRED: Final = Message("the token expired", "der Zugang ist abgelaufen")
TOO_MANY: Final = Message(
    "at most {n} subscriptions per token (without one: per client address) on one instance",
    "höchstens {n} Abonnements je Zugang (ohne Zugang: je Client-Adresse) auf einer Instanz",
)

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

    def __init__(self, code: int, reason: Text) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


class TooManySubscriptions(Exception):
    """More subscriptions than one key may hold; ``reason`` says so in either language."""

    def __init__(self, reason: Text) -> None:
        super().__init__(reason)
        self.reason = reason


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
            self.end(SubscriptionEnded(CLOSE_SLOW, SLOW(n=self._buffer)))
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
        revocations: Revocations | None = None,
    ) -> None:
        self.db = db
        self.interval = interval
        self.buffer = buffer
        self.per_key = per_key
        self.revocations = revocations
        if revocations is not None:
            revocations.listeners.append(self.credentials_changed)
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
        if self.revocations is not None and self.revocations.is_revoked(key):
            # Revoked after the connection was authenticated, noticed before this subscription began.
            raise SubscriptionEnded(CLOSE_CREDENTIAL, REVOKED())
        if self._per_key[key] >= self.per_key:
            raise TooManySubscriptions(TOO_MANY(n=self.per_key))
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
        if self.revocations is None:
            upto = await revision.current(self.db)
        else:
            upto, token_counter = await tokens.counters(self.db)
            await self.revocations.check(token_counter)
        while upto > self.position:
            page = await changes.page(
                self.db, self.position, _COMMITS_PER_READ, entities=changes.FEED_ENTITIES, upto=upto
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
            for subscriber in list(self._subscribers):
                subscriber.offer(commit)

    def credentials_changed(self, changed: Sequence[TokenChange]) -> None:
        """End the subscriptions of tokens revoked or narrowed anywhere (core/revocations.py)."""
        for c in changed:
            self.end_key(token_key(c.id), SubscriptionEnded(CLOSE_CREDENTIAL, REVOKED() if c.revoked else NARROWED()))

    async def close(self) -> None:
        for subscriber in list(self._subscribers):
            self.leave(subscriber)
        if self._poller is not None:
            self._poller.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._poller
