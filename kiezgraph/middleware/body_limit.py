"""Request bodies up to a limit: a larger ``Content-Length`` is refused at once; a body without
one (or with a wrong one) is counted as it streams, and the app gets the buffered copy
(GraphQL requests are small).

A multipart request (``multipart/form-data``: the GraphQL multipart request spec, which only
``createImport`` uses, for a partner list) from a manager or admin may be as large as
``upload_bytes``; the GraphQL view refuses any multipart request that is not a ``createImport``
(kiezgraph/app.py), so every other request keeps the small limit. This middleware runs after
authentication and rate limiting, so nobody's large body is read before the door knows who sent it."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core import access as rules
from core.access import PUBLIC
from core.messages import Message as Words  # starlette calls its ASGI messages Message
from kiezgraph.middleware import guarded, refuse

GRAPHQL_PATH = "/graphql"
TOO_LARGE = Words("request bodies are limited to {limit} bytes", "Anfragen haben höchstens {limit} Bytes")


def may_upload(scope: Scope) -> bool:
    """Whether a request may carry a partner list: a POST to the GraphQL endpoint with exactly one
    ``Content-Type``, which is ``multipart/form-data`` (not merely beginning with it: a JSON body
    must not borrow the larger limit), from a principal allowed to ``createImport`` (the door has
    already asked who it is, so an anonymous large body is refused before it is read)."""
    if scope.get("method") != "POST" or scope.get("path") != GRAPHQL_PATH:
        return False
    types = [v.decode("latin-1") for k, v in scope.get("headers", []) if k.lower() == b"content-type"]
    if len(types) != 1 or types[0].split(";", 1)[0].strip().lower() != "multipart/form-data":
        return False
    principal = scope.get("state", {}).get("principal", PUBLIC)
    return rules.CREATE_IMPORT.allows(principal.role)


class BodyLimit:
    def __init__(self, app: ASGIApp, max_bytes: int, upload_bytes: int | None = None) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.upload_bytes = max(upload_bytes or max_bytes, max_bytes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not guarded(scope):
            await self.app(scope, receive, send)
            return
        headers = {k.lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        limit = self.upload_bytes if may_upload(scope) else self.max_bytes
        declared = headers.get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await self._refuse(send, scope, limit)
            return
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
                await self._refuse(send, scope, limit)
                return
        delivered = False

        async def replay() -> Message:
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": bytes(body), "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _refuse(self, send: Send, scope: Scope, limit: int) -> None:
        await refuse(send, 413, "PAYLOAD_TOO_LARGE", TOO_LARGE(limit=limit), scope=scope)
