"""How often: a token bucket per API token or JWT subject, and per client address without one;
for tokens and JWT subjects also a budget per minute shared by every instance (:class:`SharedBudget`).
An empty bucket or a spent budget is 429 with ``Retry-After``.

The bucket lives in this process (it smooths bursts at no cost). The shared budget holds across
instances without a write per request: an instance claims a chunk of a key's minute from Neo4j
(graph/rate_windows.py: one small write per ``chunk`` requests, a twentieth of the limit) and
spends it locally, claiming the next chunk in the background when a quarter of the held one is
left (so a steady client's requests do not wait for a claim); once a minute's budget is claimed,
every instance refuses the key until the next minute, with no further writes. What an instance
claimed and did not spend is lost for that minute, so a client spread over N instances may be
refused up to N × 1.25 × chunk requests early.
Client addresses keep per-instance buckets only: public visitors are many and each makes few
requests, so a shared count would be a write for nearly every one of them.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass

from starlette.types import ASGIApp, Receive, Scope, Send

from core.access import PUBLIC, Principal
from core.messages import Message
from graph import rate_windows
from graph.db import Database
from graph.errors import GraphError
from kiezgraph.middleware import guarded, refuse

log = logging.getLogger(__name__)

TOO_MANY = Message(
    "too many requests; retry in {wait:.1f} s", "Zu viele Anfragen; bitte in {wait:.1f} s noch einmal versuchen"
)


@dataclass
class Bucket:
    tokens: float
    updated: float


class RateLimiter:
    """Token buckets: ``per_minute`` sustained, bursts of a tenth of that (at least 10)."""

    def __init__(self) -> None:
        self._buckets: dict[str, Bucket] = {}

    def take(self, key: str, per_minute: int) -> float | None:
        """None if allowed; otherwise the seconds to wait."""
        if per_minute <= 0:
            return None
        now = time.monotonic()
        capacity = max(10.0, per_minute / 10)
        rate = per_minute / 60.0
        bucket = self._buckets.get(key)
        if bucket is None:
            if len(self._buckets) > 100_000:
                self._buckets.clear()
            bucket = self._buckets[key] = Bucket(capacity, now)
        bucket.tokens = min(capacity, bucket.tokens + (now - bucket.updated) * rate)
        bucket.updated = now
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return None
        return (1 - bucket.tokens) / rate


@dataclass
class Held:
    """What this instance holds of a key's budget for one minute."""

    minute: int
    left: int = 0  # claimed and not yet spent
    spent_out: bool = False  # the minute's whole budget is claimed: refuse without asking again
    claiming: asyncio.Task[None] | None = None  # the claim under way (one at a time per key)


class SharedBudget:
    """Per key and minute, at most ``per_minute`` requests over all instances (see the module)."""

    CHUNKS = 20  # a claim takes a twentieth of the limit (at least 1)

    def __init__(self, db: Database) -> None:
        self.db = db
        self._held: dict[str, Held] = {}
        self._swept = 0  # the minute of this instance's last sweep of past windows
        self.claims = 0  # for tests and benchmarks: how many writes were made

    async def take(self, key: str, per_minute: int) -> float | None:
        """None if allowed; otherwise the seconds to the next minute."""
        now = time.time()
        minute = int(now // 60)
        held = self._held.get(key)
        if held is None or held.minute != minute:
            if len(self._held) > 100_000:
                self._held.clear()
            held = self._held[key] = Held(minute)
        if held.left <= 0 and not held.spent_out:
            # Concurrent requests of the key wait for one claim; a request that goes away leaves it running.
            await asyncio.shield(self._refill(key, held, per_minute))
            if held.left <= 0 and not held.spent_out:
                return None  # the claim failed (Neo4j away): the local bucket still limits
        if held.left <= 0:
            return (minute + 1) * 60 - now
        held.left -= 1
        ahead = max(1, per_minute // self.CHUNKS) // 4
        if ahead and held.left <= ahead and not held.spent_out:
            self._refill(key, held, per_minute)  # the next chunk, before a request has to wait for it
        return None

    def _refill(self, key: str, held: Held, per_minute: int) -> asyncio.Task[None]:
        if held.claiming is None:
            held.claiming = asyncio.create_task(self._claim_into(key, held, per_minute))
        return held.claiming

    async def _claim_into(self, key: str, held: Held, per_minute: int) -> None:
        try:
            granted = await self._claim(key, held.minute, per_minute)
        except GraphError as exc:
            log.warning("claiming rate budget failed: %s", exc)
        else:
            held.left += granted
            held.spent_out = granted == 0
        finally:
            held.claiming = None

    async def _claim(self, key: str, minute: int, per_minute: int) -> int:
        self.claims += 1
        if self._swept != minute:  # once a minute per instance: forget windows of past minutes
            self._swept = minute
            await rate_windows.sweep(self.db, minute - 1)
        return await rate_windows.claim(self.db, key, minute, per_minute, max(1, per_minute // self.CHUNKS))


class RateLimit:
    """Runs after :class:`~kiezgraph.middleware.authentication.Authentication`: it reads the principal."""

    def __init__(
        self, app: ASGIApp, per_minute: int, public_per_minute: int, shared: SharedBudget | None = None
    ) -> None:
        self.app = app
        self.per_minute = per_minute
        self.public_per_minute = public_per_minute
        self.limiter = RateLimiter()
        self.shared = shared

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not guarded(scope):
            await self.app(scope, receive, send)
            return
        principal: Principal = scope.get("state", {}).get("principal", PUBLIC)
        key = principal.token_id or f"ip:{(scope.get('client') or ('?', 0))[0]}"
        wait = self.limiter.take(key, self.per_minute if principal.token_id else self.public_per_minute)
        if wait is None and self.shared is not None and principal.token_id and self.per_minute > 0:
            wait = await self.shared.take(key, self.per_minute)
        if wait is not None:
            await refuse(
                send,
                429,
                "RATE_LIMITED",
                TOO_MANY(wait=wait),
                [(b"retry-after", str(max(1, round(wait))).encode())],
                scope,
            )
            return
        await self.app(scope, receive, send)
