"""The door of the HTTP service: body size, who is asking, and how often.

In this order, for every route but the health checks:
1. a body larger than ``max_body_bytes`` is refused with 413 (counted as it streams, so a wrong
   ``Content-Length`` does not help);
2. ``Authorization: Bearer …`` is resolved to a :class:`Principal` — an API token
   (``kg_<id>_<secret>``, checked against its stored hash, cached for a few seconds) or a JWT
   signed with the configured key. A malformed, unknown, revoked or expired credential is 401;
   no credential is the public role, or 401 if public access is off;
3. each token (or, without one, each client address) has a token bucket; an empty bucket is 429
   with ``Retry-After``.
The principal travels in ``scope["state"]["principal"]`` to the GraphQL context.
"""

from __future__ import annotations

import json
import time
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any

import jwt

from core.access import PUBLIC, Principal, Role
from graph import tokens
from graph.db import Database
from graph.errors import GraphError
from kiezgraph.settings import ServiceOptions

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

OPEN_PATHS = ("/healthz", "/readyz")


class Unauthorized(Exception):
    pass


class Authenticator:
    def __init__(self, db: Database, options: ServiceOptions) -> None:
        self.db = db
        self.options = options
        self._cache: dict[str, tuple[float, Principal]] = {}

    async def principal(self, authorization: str | None) -> Principal:
        if not authorization:
            if not self.options.public_access:
                raise Unauthorized("this service needs a token: send Authorization: Bearer <token>")
            return PUBLIC
        scheme, _, credential = authorization.partition(" ")
        credential = credential.strip()
        if scheme.lower() != "bearer" or not credential:
            raise Unauthorized("use Authorization: Bearer <token>")
        if credential.startswith(f"{tokens.PREFIX}_"):
            return await self._api_token(credential)
        return self._jwt(credential)

    def forget(self) -> None:
        self._cache.clear()

    async def _api_token(self, credential: str) -> Principal:
        now = time.monotonic()
        cached = self._cache.get(credential)
        if cached and cached[0] > now:
            return cached[1]
        record = await tokens.verify(self.db, credential)
        if record is None:
            raise Unauthorized("the token is unknown or revoked")
        principal = Principal(Role(record.role), frozenset(record.quarters), f"token:{record.id}")
        if len(self._cache) > 10_000:
            self._cache.clear()
        self._cache[credential] = (now + self.options.token_cache_seconds, principal)
        return principal

    def _jwt(self, credential: str) -> Principal:
        key, algorithm = (
            (self.options.jwt_secret, "HS256") if self.options.jwt_secret else (self.options.jwt_public_key, "RS256")
        )
        if key is None:
            raise Unauthorized("the token is not an API token, and JWTs are not configured")
        try:
            claims = jwt.decode(credential, key, algorithms=[algorithm], options={"require": ["exp", "sub", "role"]})
            role = Role(claims["role"])
        except (jwt.PyJWTError, ValueError) as exc:
            raise Unauthorized(f"the JWT is not valid: {type(exc).__name__}") from exc
        quarters = claims.get("quarters") or []
        if not isinstance(quarters, list) or not all(isinstance(q, str) for q in quarters):
            raise Unauthorized("the JWT's quarters claim must be a list of slugs")
        if role is Role.PUBLIC:
            raise Unauthorized("a JWT cannot carry the public role")
        return Principal(role, frozenset(quarters), f"jwt:{claims['sub']}")


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


async def _reply(send: Send, status: int, code: str, message: str, headers: list[tuple[bytes, bytes]] = ()) -> None:
    body = json.dumps({"errors": [{"message": message, "extensions": {"code": code}}]}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()), *headers],
        }
    )
    await send({"type": "http.response.body", "body": body})


class Guard:
    def __init__(self, app: ASGIApp, authenticator: Authenticator, options: ServiceOptions) -> None:
        self.app = app
        self.authenticator = authenticator
        self.options = options
        self.limiter = RateLimiter()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in OPEN_PATHS:
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        limit = self.options.max_body_bytes
        declared = headers.get("content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await _reply(send, 413, "PAYLOAD_TOO_LARGE", f"request bodies are limited to {limit} bytes")
            return
        try:
            principal = await self.authenticator.principal(headers.get("authorization"))
        except Unauthorized as exc:
            await _reply(send, 401, "UNAUTHENTICATED", str(exc), [(b"www-authenticate", b'Bearer realm="kiezgraph"')])
            return
        except GraphError as exc:
            await _reply(send, 503, exc.code, str(exc))
            return
        key = principal.token_id or f"ip:{(scope.get('client') or ('?', 0))[0]}"
        per_minute = self.options.rate_per_minute if principal.token_id else self.options.public_rate_per_minute
        wait = self.limiter.take(key, per_minute)
        if wait is not None:
            await _reply(
                send,
                429,
                "RATE_LIMITED",
                f"too many requests; retry in {wait:.1f} s",
                [(b"retry-after", str(max(1, round(wait))).encode())],
            )
            return
        scope.setdefault("state", {})["principal"] = principal
        # Read the body here, counting as it streams (a missing or wrong Content-Length does not
        # help), and hand the app the buffered copy: GraphQL requests are small.
        body = bytearray()
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                await self.app(scope, receive, send)  # a disconnect: let the app see it
                return
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > limit:
                await _reply(send, 413, "PAYLOAD_TOO_LARGE", f"request bodies are limited to {limit} bytes")
                return
        delivered = False

        async def replay() -> Message:
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": bytes(body), "more_body": False}
            return await receive()

        await self.app(scope, replay, send)
