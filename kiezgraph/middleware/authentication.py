"""Who is asking: ``Authorization: Bearer …`` resolved to a :class:`core.access.Principal`.

An API token (``kg_<id>_<secret>``) is checked against its stored hash and cached for a few
seconds; each use of the cache compares the revocation counter in Neo4j with the one this
instance last saw (core/revocations.py: one small read sent after the request arrived, shared by
the requests that arrive together, or at most every ``recheck_seconds``), and the tokens changed
since are dropped from it, so a token revoked on one instance stops working on every other at once
(or within that time).

Over HTTP that read runs *alongside* the request instead of before it (it would otherwise be a
round trip of its own ahead of every request's work): the request goes on with the cached
principal, and nothing it does leaves the service before the check is done — its writes wait
for the check before they commit (``Consistency.before_commit``, graph/db.py), and its answer
waits for it before the first byte is sent. If the check finds the token revoked, the writes roll
back and the answer is 401; if it finds the token changed but live (a handover took a quarter
from it), the request is run again, from its recorded body, as the token now stands. A request
that starts after a revocation has committed therefore never sees it admitted, as before. A JWT is
verified with the configured key, its ``exp`` included, on every request. A malformed, unknown,
revoked or expired credential is 401; no credential is the public role, or 401 if public access
is off. The principal travels in ``scope["state"]["principal"]`` to the GraphQL context and
the rate limit.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import time
from collections.abc import Sequence
from typing import cast

import jwt
from starlette.types import ASGIApp, Receive, Scope, Send
from starlette.types import Message as AsgiMessage

from core.access import PUBLIC, Principal, Role
from core.messages import Message
from core.revocations import Revocations, token_key
from graph import tokens
from graph.db import Database
from graph.errors import GraphError
from kiezgraph.middleware import guarded, refuse

# Messages, in one place for translation.
NEEDS_TOKEN = Message(
    "this service needs a token: send Authorization: Bearer <token>",
    "Dieser Dienst braucht einen Zugangsschlüssel: Authorization: Bearer <Schlüssel> senden",
)()
USE_BEARER = Message("use Authorization: Bearer <token>", "Bitte Authorization: Bearer <Schlüssel> verwenden")()
UNKNOWN = Message("the token is unknown or revoked", "Dieser Zugangsschlüssel ist unbekannt oder wurde widerrufen")()
NO_JWT = Message(
    "the token is not an API token, and JWTs are not configured",
    "Dieser Zugangsschlüssel ist kein API-Schlüssel, und JWTs sind nicht eingerichtet",
)()
BAD_JWT = Message("the JWT is not valid: {reason}", "Das JWT ist nicht gültig: {reason}")
BAD_QUARTERS = Message(
    "the JWT's quarters claim must be a list of slugs", "Die Angabe „quarters“ im JWT muss eine Liste von Kürzeln sein"
)()
PUBLIC_JWT = Message("a JWT cannot carry the public role", "Ein JWT kann nicht die öffentliche Rolle tragen")()


class Unauthorized(Exception):
    pass


class Authenticator:
    def __init__(
        self,
        db: Database,
        *,
        public_access: bool,
        jwt_secret: str | None,
        jwt_public_key: str | None,
        cache_seconds: float,
        recheck_seconds: float = 0.0,
        revocations: Revocations | None = None,
    ) -> None:
        self.db = db
        self.revocations = revocations or Revocations(db)
        self.revocations.listeners.append(self._changed)
        self.public_access = public_access
        self.jwt_secret = jwt_secret
        self.jwt_public_key = jwt_public_key
        self.cache_seconds = cache_seconds
        self.recheck_seconds = recheck_seconds
        self._cache: dict[str, tuple[float, Principal]] = {}
        self._checked_until = 0.0
        # The revocation check not yet sent, which requests arriving now share, and the one sent
        # last (see _revocations_seen); both are tasks of the loop that made them.
        self._next_check: asyncio.Task[int] | None = None
        self._last_check: asyncio.Task[int] | None = None
        # The network's revision as the last shared read that came back found it (None before one).
        self.revision: int | None = None

    async def principal(self, authorization: str | None) -> Principal:
        if not authorization:
            if not self.public_access:
                raise Unauthorized(NEEDS_TOKEN)
            return PUBLIC
        scheme, _, credential = authorization.partition(" ")
        credential = credential.strip()
        if scheme.lower() != "bearer" or not credential:
            raise Unauthorized(USE_BEARER)
        if credential.startswith(f"{tokens.PREFIX}_"):
            return await self._api_token(credential)
        return self._jwt(credential)

    async def admit(self, authorization: str | None) -> tuple[Principal, asyncio.Task[Principal] | None]:
        """The principal, and for an API token answered from the cache the check that confirms it:
        a task returning the principal as the token stands after the revocation check (raising
        :class:`Unauthorized` if it was revoked). The caller may act on the principal meanwhile,
        but must let nothing out — no commit, no answer — before the task is done."""
        scheme, _, credential = (authorization or "").partition(" ")
        credential = credential.strip()
        if scheme.lower() == "bearer" and credential.startswith(f"{tokens.PREFIX}_"):
            cached = self._cache.get(credential)
            now = time.monotonic()
            if cached and cached[0] > now and self.revocations.seen is not None:
                if now < self._checked_until:
                    return cached[1], None  # checked recently enough (recheck_seconds): no check due
                return cached[1], asyncio.ensure_future(self._api_token(credential))
        return await self.principal(authorization), None

    def forget(self) -> None:
        self._cache.clear()

    def _changed(self, changed: Sequence[tokens.TokenChange]) -> None:
        gone = {token_key(c.id) for c in changed}
        for credential in [k for k, (_, p) in self._cache.items() if p.token_id in gone]:
            del self._cache[credential]

    async def _revocations_seen(self) -> None:
        """Act on tokens revoked anywhere since the last look (one small read of the counter, at
        most once per ``recheck_seconds``; 0: for every use of the cache)."""
        if time.monotonic() < self._checked_until:
            return
        await self.fresh_revision()

    async def fresh_revision(self) -> int:
        """The network's revision from a read sent after this call, having acted on the token
        changes that read found.

        What a request needs is a read of the counters sent after it arrived: that one sees every
        revocation (and every write) committed before. Requests arriving together share one such
        read: while a check is on its way, the requests that arrive meanwhile wait for the next one,
        which is sent when it returns (one in flight, one gathering). Under concurrent requests that
        is a fraction of a read per request instead of one each, and none is answered from a read
        sent before it arrived. The revocation check of a cached token and the response cache
        (kiezgraph/response_cache.py) share it: the cache costs no round trip of its own."""
        check = self._next_check
        if check is None or check.get_loop() is not asyncio.get_running_loop():
            check = self._next_check = asyncio.ensure_future(self._check_after(self._last_check))
        return await asyncio.shield(check)  # a request that goes away leaves the shared check running

    async def _check_after(self, previous: asyncio.Task[int] | None) -> int:
        if previous is not None and previous.get_loop() is asyncio.get_running_loop():
            with contextlib.suppress(Exception):  # its own waiters hear of its failure
                await asyncio.shield(previous)
        # From here on the read is sent: requests that arrive now need the next check.
        current = asyncio.current_task()
        if self._next_check is current:
            self._next_check = None
        self._last_check = cast(asyncio.Task[int], current)
        network = await self.revocations.refresh()
        self._checked_until = time.monotonic() + self.recheck_seconds
        self.revision = network
        return network

    async def _api_token(self, credential: str) -> Principal:
        cached = self._cache.get(credential)
        if cached and cached[0] > time.monotonic():
            await self._revocations_seen()
            cached = self._cache.get(credential)
            if cached:
                return cached[1]
        now = time.monotonic()
        if self.revocations.seen is None:  # once: the counter the cache is filled under
            await self.revocations.check()
            self._checked_until = time.monotonic() + self.recheck_seconds
        record = await tokens.verify(self.db, credential)
        if record is None:
            raise Unauthorized(UNKNOWN)
        principal = Principal(Role(record.role), frozenset(record.quarters), f"token:{record.id}")
        if len(self._cache) > 10_000:
            self._cache.clear()
        self._cache[credential] = (now + self.cache_seconds, principal)
        return principal

    def _jwt(self, credential: str) -> Principal:
        key, algorithm = (self.jwt_secret, "HS256") if self.jwt_secret else (self.jwt_public_key, "RS256")
        if key is None:
            raise Unauthorized(NO_JWT)
        try:
            claims = jwt.decode(credential, key, algorithms=[algorithm], options={"require": ["exp", "sub", "role"]})
            role = Role(claims["role"])
        except (jwt.PyJWTError, ValueError) as exc:
            raise Unauthorized(BAD_JWT(reason=type(exc).__name__)) from exc
        quarters = claims.get("quarters") or []
        if not isinstance(quarters, list) or not all(isinstance(q, str) for q in quarters):
            raise Unauthorized(BAD_QUARTERS)
        if role is Role.PUBLIC:
            raise Unauthorized(PUBLIC_JWT)
        return Principal(role, frozenset(quarters), f"jwt:{claims['sub']}", expires=float(claims["exp"]))


class Authentication:
    def __init__(self, app: ASGIApp, authenticator: Authenticator) -> None:
        self.app = app
        self.authenticator = authenticator

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not guarded(scope):
            await self.app(scope, receive, send)
            return
        authorization = next(
            (v.decode("latin-1") for k, v in scope.get("headers", []) if k.lower() == b"authorization"), None
        )
        try:
            principal, confirming = await self.authenticator.admit(authorization)
        except (Unauthorized, GraphError) as exc:
            await _refused(exc, scope, send)
            return
        scope.setdefault("state", {})["principal"] = principal
        if confirming is None:
            await self.app(scope, receive, send)
        else:
            await self._confirmed(scope, receive, send, principal, confirming)

    async def _confirmed(
        self, scope: Scope, receive: Receive, send: Send, principal: Principal, confirming: asyncio.Task[Principal]
    ) -> None:
        """Run the request while ``confirming`` checks its cached principal (see the module)."""
        verdict: concurrent.futures.Future[Principal] = concurrent.futures.Future()
        confirming.add_done_callback(lambda task: _settle(task, verdict))

        async def before_commit() -> None:
            # Runs on the driver's loop: the verdict is a thread-safe future, shielded so that a
            # cancelled write does not cancel it for the answer.
            if await asyncio.shield(asyncio.wrap_future(verdict)) != principal:
                raise Unauthorized(UNKNOWN)

        scope["state"]["before_commit"] = before_commit
        received: list[AsgiMessage] = []

        async def recording() -> AsgiMessage:
            message = await receive()
            received.append(message)
            return message

        async def gated(message: AsgiMessage) -> None:
            with contextlib.suppress(Unauthorized, GraphError):
                if await asyncio.shield(confirming) == principal:
                    await send(message)
            # Otherwise the answer is dropped: it was made for a principal that no longer stands.

        await self.app(scope, recording, gated)
        try:
            stands = await asyncio.shield(confirming)
        except (Unauthorized, GraphError) as exc:
            await _refused(exc, scope, send)
            return
        if stands == principal:
            return
        # The token is live but changed (fewer quarters): the request again, as it now stands.
        scope["state"]["principal"] = stands
        del scope["state"]["before_commit"]
        replay = iter(received)

        async def replaying() -> AsgiMessage:
            message = next(replay, None)
            return message if message is not None else await receive()

        await self.app(scope, replaying, send)


def _settle(task: asyncio.Task[Principal], verdict: concurrent.futures.Future[Principal]) -> None:
    if task.cancelled():
        verdict.cancel()
    elif (exc := task.exception()) is not None:
        verdict.set_exception(exc)
    else:
        verdict.set_result(task.result())


async def _refused(exc: Exception, scope: Scope, send: Send) -> None:
    if isinstance(exc, Unauthorized):
        said = exc.args[0] if exc.args else str(exc)  # a Text: said in the request's language
        await refuse(send, 401, "UNAUTHENTICATED", said, [(b"www-authenticate", b'Bearer realm="kiezgraph"')], scope)
    else:
        await refuse(send, 503, getattr(exc, "code", "DATABASE_UNAVAILABLE"), str(exc))
