"""How often: a token bucket per API token or JWT subject, and per client address without one.
An empty bucket is 429 with ``Retry-After``."""

from __future__ import annotations

import time
from dataclasses import dataclass

from starlette.types import ASGIApp, Receive, Scope, Send

from core.access import PUBLIC, Principal
from core.messages import Message
from kiezgraph.middleware import guarded, refuse

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


class RateLimit:
    """Runs after :class:`~kiezgraph.middleware.authentication.Authentication`: it reads the principal."""

    def __init__(self, app: ASGIApp, per_minute: int, public_per_minute: int) -> None:
        self.app = app
        self.per_minute = per_minute
        self.public_per_minute = public_per_minute
        self.limiter = RateLimiter()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not guarded(scope):
            await self.app(scope, receive, send)
            return
        principal: Principal = scope.get("state", {}).get("principal", PUBLIC)
        key = principal.token_id or f"ip:{(scope.get('client') or ('?', 0))[0]}"
        wait = self.limiter.take(key, self.per_minute if principal.token_id else self.public_per_minute)
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
