"""Request bodies up to a limit: a larger ``Content-Length`` is refused at once; a body without
one (or with a wrong one) is counted as it streams, and the app gets the buffered copy
(GraphQL requests are small).

A multipart request (``multipart/form-data``: the GraphQL multipart request spec, which only
``createImport`` uses, for a partner list) may be as large as ``upload_bytes``; the GraphQL view
refuses any multipart request that is not a ``createImport`` (kiezgraph/app.py), so every other
request keeps the small limit."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core.messages import Message as Words  # starlette calls its ASGI messages Message
from kiezgraph.middleware import guarded, refuse

TOO_LARGE = Words("request bodies are limited to {limit} bytes", "Anfragen haben höchstens {limit} Bytes")


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
        multipart = headers.get(b"content-type", "").lower().startswith("multipart/form-data")
        limit = self.upload_bytes if multipart and scope.get("method") == "POST" else self.max_bytes
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
