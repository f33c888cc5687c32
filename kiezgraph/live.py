"""The WebSocket side of live changes: who is asking (in ``connection_init``) and keep-alive.

Subscriptions speak graphql-transport-ws (https://github.com/enisdenjo/graphql-ws/blob/master/PROTOCOL.md),
served by Strawberry's handler with our additions: before an operation starts, the view checks
it against the caller's cost budget and the allowlist of persisted queries (Strawberry's
pipeline does not apply an extension's refusal to subscriptions). The legacy graphql-ws
protocol (subscriptions-transport-ws) is offered too, through :class:`Legacy`, with the same
checks. The door's
middlewares apply to HTTP only, so a WebSocket authenticates in its first message: the
``connection_init`` payload carries ``{"Authorization": "Bearer <token>"}`` (or ``{"token":
"<token>"}``), checked by the same :class:`Authenticator` as HTTP. A bad credential closes the
connection with 4403.

Keep-alive: the protocol lets either side ping. The server pings every ``interval`` seconds
once the connection is acknowledged; a client that has not answered by the next ping is gone
(or too slow to matter) and its connection is closed with :data:`CLOSE_NO_PONG`, which frees its
subscriptions.

Expiry: a credential with an end (a JWT's ``exp``) gets a timer to that moment when the
connection is acknowledged; it then closes the connection with
:data:`core.broker.CLOSE_CREDENTIAL` (4403), writes or no writes. Revoked API tokens end the same
way through the broker (core/revocations.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Mapping
from typing import Any, Final

import orjson
from graphql import GraphQLError
from starlette.websockets import WebSocketDisconnect
from strawberry.asgi import ASGIWebSocketAdapter
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http.async_base_view import AsyncWebSocketAdapter
from strawberry.http.exceptions import WebSocketDisconnected
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import BaseGraphQLTransportWSHandler
from strawberry.subscriptions.protocols.graphql_transport_ws.types import (
    ConnectionInitMessage,
    ErrorMessage,
    PongMessage,
    SubscribeMessage,
)
from strawberry.subscriptions.protocols.graphql_ws.handlers import BaseGraphQLWSHandler
from strawberry.subscriptions.protocols.graphql_ws.types import ConnectionInitMessage as LegacyInitMessage
from strawberry.subscriptions.protocols.graphql_ws.types import ErrorMessage as LegacyError
from strawberry.subscriptions.protocols.graphql_ws.types import StartMessage

from core.access import Principal
from core.broker import CLOSE_CREDENTIAL, EXPIRED
from core.context import Context
from core.messages import localized
from graph.errors import GraphError
from kiezgraph.middleware.authentication import Authenticator, Unauthorized

CLOSE_NO_PONG: Final = 4408
NO_PONG: Final = "no pong to the server's ping: the connection is taken to be gone"


def credential(params: dict[str, Any] | None) -> str | None:
    """The ``Authorization`` value a ``connection_init`` payload carries, if any."""
    if not params:
        return None
    for key in ("Authorization", "authorization"):
        value = params.get(key)
        if isinstance(value, str):
            return value
    token = params.get("token")
    return f"Bearer {token}" if isinstance(token, str) and token else None


async def principal_for(authenticator: Authenticator, params: dict[str, Any] | None) -> Principal:
    """Who opens this connection; :class:`ConnectionRejectionError` (close 4403) if refused."""
    try:
        return await authenticator.principal(credential(params))
    except Unauthorized as exc:
        raise ConnectionRejectionError({"code": "UNAUTHENTICATED", "message": str(exc)}) from exc
    except GraphError as exc:
        raise ConnectionRejectionError({"code": exc.code, "message": str(exc)}) from exc


class Expiry:
    """A timer to the credential's end (a JWT's ``exp``), not a poll: nothing runs until then; it
    then closes the connection with :data:`CLOSE_CREDENTIAL`, which ends its subscriptions."""

    def __init__(self) -> None:
        self._timer: asyncio.TimerHandle | None = None
        self._closing: asyncio.Task[None] | None = None

    def start(self, context: Context, websocket: AsyncWebSocketAdapter) -> None:
        expires = context.principal.expires
        if expires is None or self._timer is not None:
            return
        reason = localized(EXPIRED(), context.language)
        delay = max(0.0, expires - time.time())
        self._timer = asyncio.get_running_loop().call_later(delay, self._expire, websocket, reason)

    def _expire(self, websocket: AsyncWebSocketAdapter, reason: str) -> None:
        self._closing = asyncio.create_task(_close(websocket, CLOSE_CREDENTIAL, reason))

    def cancel(self) -> None:
        if self._timer is not None:
            self._timer.cancel()


async def _close(websocket: AsyncWebSocketAdapter, code: int, reason: str) -> None:
    with contextlib.suppress(Exception):  # the connection may be closing meanwhile
        await websocket.close(code, reason)


def _refusal(view: object, context: Context, payload: object) -> GraphQLError | None:
    """Why the view refuses this operation (cost budget, allowlist), if it does."""
    refuse = getattr(view, "subscription_refusal", None)
    if refuse is None or not isinstance(payload, dict):
        return None
    error: GraphQLError | None = refuse(payload, context.principal)
    return error


class KeepAlive(BaseGraphQLTransportWSHandler[Context, None]):
    """Strawberry's graphql-transport-ws handler, with server pings and a pong deadline."""

    interval: float = 15.0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pinger: asyncio.Task[None] | None = None
        self._expiry = Expiry()
        self._awaiting_pong = False

    async def handle_connection_init(self, message: ConnectionInitMessage) -> None:
        await super().handle_connection_init(message)
        if self.connection_acknowledged and self._pinger is None:
            self._pinger = asyncio.create_task(self._ping())
            self._expiry.start(self.context, self.websocket)

    async def handle_subscribe(self, message: SubscribeMessage) -> None:
        # The cost budget and the allowlist of persisted queries hold over WebSocket too (the
        # view decides); an unacknowledged connection is left to Strawberry (it closes it).
        if self.connection_acknowledged:
            error = _refusal(self.view, self.context, message.get("payload"))
            if error is not None:
                await self.send_message(ErrorMessage(id=message["id"], type="error", payload=[error.formatted]))
                return
        await super().handle_subscribe(message)

    async def handle_pong(self, message: PongMessage) -> None:
        self._awaiting_pong = False

    async def _ping(self) -> None:
        with contextlib.suppress(Exception):  # the connection may be closing meanwhile
            while True:
                await asyncio.sleep(self.interval)
                if self._awaiting_pong:
                    await self.websocket.close(CLOSE_NO_PONG, NO_PONG)
                    return
                self._awaiting_pong = True
                await self.send_message({"type": "ping"})

    async def shutdown(self) -> None:
        if self._pinger is not None:
            self._pinger.cancel()
        self._expiry.cancel()
        await super().shutdown()


class Legacy(BaseGraphQLWSHandler[Context, None]):
    """Strawberry's handler of the legacy graphql-ws protocol (subscriptions-transport-ws), with the
    same cost budget, allowlist and expiry as :class:`KeepAlive`. Its keep-alive is the protocol's
    own: the server sends ``ka`` every ``interval`` seconds (the view's setting); the protocol has
    no answer to it, so a vanished client is found by the WebSocket's own ping (uvicorn's, every
    20 s) instead of a pong."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._expiry = Expiry()

    async def handle_connection_init(self, message: LegacyInitMessage) -> None:
        await super().handle_connection_init(message)
        if self.connection_acknowledged:
            self._expiry.start(self.context, self.websocket)

    async def handle_start(self, message: StartMessage) -> None:
        if self.connection_acknowledged:
            error = _refusal(self.view, self.context, message.get("payload"))
            if error is not None:
                await self.send_message(LegacyError(type="error", id=message["id"], payload=error.formatted))
                return
        await super().handle_start(message)

    async def cleanup(self) -> None:
        self._expiry.cancel()
        await super().cleanup()


class TextFrames(ASGIWebSocketAdapter):
    """Sends every message as a text frame: graphql-transport-ws messages are JSON text, and
    browsers hand binary frames to the client as Blobs, which it cannot parse."""

    async def send_json(self, message: Mapping[str, object]) -> None:
        try:
            await self.ws.send_text(orjson.dumps(message).decode())
        except WebSocketDisconnect as exc:
            raise WebSocketDisconnected from exc


def keep_alive(interval: float) -> type[KeepAlive]:
    """The handler class with this ping interval (Strawberry builds one handler per connection)."""
    return type("KeepAliveHandler", (KeepAlive,), {"interval": interval})
