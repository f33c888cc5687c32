"""GraphiQL from the service's own files: ``/graphql`` in a browser, ``/graphiql/*`` its assets.

The assets are bundled at build time from npm (``make graphiql``: web/graphiql/, esbuild) into
``kiezgraph/static/graphiql/``; the page loads nothing from a CDN, so it works on an offline
office network. Subscriptions run in it over the WebSocket on ``/graphql``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

from starlette.responses import HTMLResponse
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

STATIC: Final = Path(__file__).with_name("static")
ASSETS: Final = STATIC / "graphiql"
NOT_BUILT: Final = (
    "<!doctype html><title>kiezgraph</title><p>GraphiQL's files are not built in this installation: "
    "run <code>make graphiql</code> (it bundles them from npm). The API at /graphql works without them.</p>"
)


def page() -> HTMLResponse:
    if not (ASSETS / "graphiql.js").is_file():
        return HTMLResponse(NOT_BUILT)
    return HTMLResponse((STATIC / "graphiql.html").read_text(encoding="utf-8"))


def assets() -> Mount:
    return Mount("/graphiql", StaticFiles(directory=ASSETS, check_dir=False), name="graphiql")
