"""The door of the HTTP service: three small ASGI middlewares, in the order they apply to every
route but the health checks and the map's files (``create_app`` adds them with Starlette's ``Middleware``):

1. :mod:`.body_limit` — a body larger than ``KIEZGRAPH_MAX_BODY_BYTES`` is 413, by its
   ``Content-Length`` at once, or counted as it streams;
2. :mod:`.authentication` — ``Authorization: Bearer …`` becomes a :class:`core.access.Principal`
   in ``scope["state"]["principal"]`` (401 for a bad credential; no credential is public);
3. :mod:`.rate_limit` — a token bucket per token, or per client address without one (429).

Each refusal is a JSON body shaped like a GraphQL error, with ``extensions.code``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from starlette.types import Scope, Send

from core.messages import localized, negotiate
from kiezgraph.web import ASSETS, PAGE_PATHS

# Health checks answer whatever the state of credentials, rates and bodies. The map's page and its files
# (kiezgraph/web.py) are the same for everyone and a first visit loads several: no credential, no budget.
OPEN_PATHS = ("/healthz", "/readyz", *sorted(PAGE_PATHS))
OPEN_PREFIXES = (ASSETS,)


def guarded(scope: Scope) -> bool:
    """Whether the door applies: HTTP requests to anything but the health checks and the map's files."""
    if scope["type"] != "http":
        return False
    path: str = scope["path"]
    return path not in OPEN_PATHS and not path.startswith(OPEN_PREFIXES)


async def refuse(
    send: Send,
    status: int,
    code: str,
    message: str,
    headers: Sequence[tuple[bytes, bytes]] = (),
    scope: Scope | None = None,
) -> None:
    """Answer with a GraphQL-shaped error; a :class:`core.messages.Text` is said in the language the
    request's ``Accept-Language`` asks for (the door runs before the GraphQL layer chooses one)."""
    if scope is not None:
        asked = next(
            (v.decode("latin-1") for k, v in scope.get("headers", []) if k.lower() == b"accept-language"), None
        )
        message = localized(message, negotiate(asked))
    body = json.dumps({"errors": [{"message": message, "extensions": {"code": code}}]}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
