"""The WebSocket side of live changes: who is asking (in ``connection_init``) and keep-alive.

Subscriptions speak graphql-transport-ws (https://github.com/enisdenjo/graphql-ws/blob/master/PROTOCOL.md),
served by Strawberry's handler with our additions: before an operation starts, the view checks
it against the caller's cost budget and the allowlist of persisted queries (Strawberry's
pipeline does not apply an extension's refusal to subscriptions). The legacy graphql-ws
protocol is not offered: it would bypass those checks. The door's
middlewares apply to HTTP only, so a WebSocket authenticates in its first message: the
``connection_init`` payload carries ``{"Authorization": "Bearer <token>"}`` (or ``{"token":
"<token>"}``), checked by the same :class:`Authenticator` as HTTP. A bad credential closes the
connection with 4403.

Keep-alive: the protocol lets either side ping. The server pings every ``interval`` seconds
once the connection is acknowledged; a client that has not answered by the next ping is gone
(or too slow to matter) and its connection is closed with :data:`CLOSE_NO_PONG`, which frees its
subscriptions.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Mapping
from typing import Any, Final

import orjson
from starlette.websockets import WebSocketDisconnect
from strawberry.asgi import ASGIWebSocketAdapter
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http.exceptions import WebSocketDisconnected
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import BaseGraphQLTransportWSHandler
from strawberry.subscriptions.protocols.graphql_transport_ws.types import (
    ConnectionInitMessage,
    ErrorMessage,
    PongMessage,
    SubscribeMessage,
)

from core.access import Principal
from core.context import Context
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


class KeepAlive(BaseGraphQLTransportWSHandler[Context, None]):
    """Strawberry's graphql-transport-ws handler, with server pings and a pong deadline."""

    interval: float = 15.0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pinger: asyncio.Task[None] | None = None
        self._awaiting_pong = False

    async def handle_connection_init(self, message: ConnectionInitMessage) -> None:
        await super().handle_connection_init(message)
        if self.connection_acknowledged and self._pinger is None:
            self._pinger = asyncio.create_task(self._ping())

    async def handle_subscribe(self, message: SubscribeMessage) -> None:
        # The cost budget and the allowlist of persisted queries hold over WebSocket too (the
        # view decides); an unacknowledged connection is left to Strawberry (it closes it).
        refusal = getattr(self.view, "subscription_refusal", None)
        payload = message.get("payload")
        if self.connection_acknowledged and refusal is not None and isinstance(payload, dict):
            error = refusal(payload, self.context.principal)
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
        await super().shutdown()


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
