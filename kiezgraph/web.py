"""The network map: the page built from ``web/`` (by ``make run`` / ``make test``) at ``/`` and ``/embed``,
its scripts, styles and fonts under ``/assets/``.

The page is static: everything it shows comes from the public GraphQL API, as for any other frontend.
Its routes are open (``kiezgraph.middleware.OPEN_PATHS`` and ``OPEN_PREFIXES``): the files are the same
for everyone, so they need no credential and must not use up a client's request budget (a first visit
loads several files).
"""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send

WEB_DIST = Path(__file__).resolve().parents[1] / "web" / "dist"
PAGE_PATHS = frozenset({"/", "/embed", "/map", "/index.html"})
ASSETS = "/assets/"

# The page loads only its own files and talks only to this service. The layout runs in a worker made
# from a blob (graphology's ForceAtlas2 worker); exports are drawn into data:/blob: images.
_CSP = (
    "default-src 'self'; script-src 'self'; worker-src 'self' blob:; style-src 'self'; "
    "img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors {ancestors}"
)
_NOT_BUILT = """<!doctype html><html lang="de"><meta charset="utf-8"><title>kiezgraph</title>
<body style="font-family:sans-serif;max-width:40em;margin:4em auto">
<h1>Die Karte ist noch nicht gebaut</h1>
<p><code>make run</code> baut sie (aus <code>web/</code>, mit Node.js) und startet den Dienst.
Die GraphQL-API läuft trotzdem: <a href="/graphql">/graphql</a>.</p>
<p lang="en">The map has not been built yet: <code>make run</code> builds it (from <code>web/</code>, with
Node.js). The GraphQL API works regardless: <a href="/graphql">/graphql</a>.</p></body></html>"""


def web_routes(dist: Path = WEB_DIST) -> list[BaseRoute]:
    """The page at each of ``PAGE_PATHS`` and its files under ``/assets``."""

    async def page(request: Request) -> Response:
        if request.url.path in ("/map", "/index.html"):
            return RedirectResponse("/", status_code=308)
        index = dist / "index.html"
        if not index.is_file():
            return HTMLResponse(_NOT_BUILT, status_code=503)
        # Embedded on QM websites (read-only), so any site may frame /embed; the full page only itself.
        ancestors = "*" if request.url.path == "/embed" else "'self'"
        return FileResponse(
            index,
            headers={
                "Cache-Control": "no-cache",
                "Content-Security-Policy": _CSP.format(ancestors=ancestors),
                "X-Content-Type-Options": "nosniff",
                "Referrer-Policy": "same-origin",
            },
        )

    files = StaticFiles(directory=dist / "assets", check_dir=False)

    async def assets(scope: Scope, receive: Receive, send: Send) -> None:
        if not (dist / "assets").is_dir():  # not built yet: a plain 404, not StaticFiles' error
            await Response("not built", status_code=404)(scope, receive, send)
            return
        await files(scope, receive, send)

    return [*(Route(path, page) for path in sorted(PAGE_PATHS)), Mount("/assets", app=assets)]
