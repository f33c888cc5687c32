"""The composition root: Starlette routes, the GraphQL endpoint, health, and the lifespan.

A request travels: ``/graphql`` → :class:`GraphQLApp` (builds the per-request
:class:`resolvers.context.Context`) → ``schema/`` root field → ``resolvers/`` function →
``graph/`` query → Neo4j, and back as records that ``schema/`` types wrap.
"""

from __future__ import annotations

import contextlib
import gc
import logging
from collections.abc import AsyncIterator
from typing import Any

import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from strawberry.asgi import GraphQL

from graph import migrations
from graph.db import Database, Neo4jSettings
from graph.errors import GraphError
from kiezgraph.exports import export_routes
from kiezgraph.guard import ASGIApp, Authenticator, Guard
from kiezgraph.settings import ServiceOptions
from kiezgraph.web import WithWeb, web_app
from resolvers.context import Context
from resolvers.access import PUBLIC, Principal
from resolvers.services import Services, WorkerPool
from schema import Limits, build_schema

log = logging.getLogger("kiezgraph")
GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"


class GraphQLApp(GraphQL[Context, None]):
    """Strawberry's ASGI view with our context and orjson encoding."""

    def __init__(self, db: Database, services: Services, options: ServiceOptions) -> None:
        limits = Limits(options.max_depth, options.max_aliases, options.max_tokens, options.introspection)
        super().__init__(build_schema(limits), graphql_ide="graphiql" if options.introspection else None)
        self.db = db
        self.services = services

    async def get_context(self, request: Any, response: Any) -> Context:
        # GraphQL over HTTP: a client that accepts application/graphql-response+json gets that
        # media type, and HTTP status codes that say whether the request itself failed.
        accept = request.headers.get("accept", "") if request is not None else ""
        response.graphql_response_json = GRAPHQL_RESPONSE_JSON in accept
        return Context.for_request(self.db, self.services, principal_of(request), request=request, response=response)

    def create_response(self, response_data: Any, sub_response: Any) -> Response:
        response = super().create_response(response_data, sub_response)
        if getattr(sub_response, "graphql_response_json", False) and isinstance(response_data, dict):
            errors = response_data.get("errors") or []
            if response_data.get("data") is None and errors and all(not e.get("path") for e in errors):
                # A request error (unparsable, invalid, or bad variables): nothing was executed.
                response = Response(self.encode_json({"errors": errors}), status_code=400)
                response.headers.raw.extend(sub_response.headers.raw)
            response.headers["content-type"] = f"{GRAPHQL_RESPONSE_JSON}; charset=utf-8"
        return response

    def encode_json(self, data: object) -> bytes:
        return orjson.dumps(data)


class Readiness:
    """Neo4j reachable and migrated; migrations run late if Neo4j was away at start-up."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.migrated = False

    async def ensure_migrated(self) -> None:
        if not self.migrated:
            await migrations.migrate(self.db)
            self.migrated = True

    async def check(self) -> tuple[bool, str]:
        try:
            await self.db.ping(timeout=1.0)
            await self.ensure_migrated()
        except GraphError as exc:
            return False, str(exc)
        except migrations.MigrationError as exc:
            return False, f"migrations failed: {exc}"
        return True, "ready"


def app_from_env() -> ASGIApp:
    """For ``uvicorn --factory kiezgraph.app:app_from_env`` against a Neo4j named by NEO4J_URI."""
    from kiezgraph.settings import Settings

    settings = Settings.from_env()
    # The driver logs every retried transaction; the service reports outages itself.
    logging.getLogger("neo4j").setLevel(logging.ERROR)
    if settings.neo4j_uri is None or settings.neo4j_password is None:
        raise RuntimeError("app_from_env needs NEO4J_URI and NEO4J_PASSWORD; `kiezgraph serve` runs a local Neo4j")
    return create_app(
        Neo4jSettings(settings.neo4j_uri, settings.neo4j_user, settings.neo4j_password, settings.neo4j_database,
                      query_timeout=settings.query_timeout),
        settings.options,
    )


def _tune_gc() -> None:
    # A large response allocates ~10^5 short-lived objects; with CPython's default threshold
    # (700) that triggers hundreds of collections per request, and the older generations'
    # sweeps show up as p95 spikes. Objects alive at start-up are frozen out of the sweeps.
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)


def principal_of(request: Any) -> Principal:
    """Who is asking, as the guard found out (public if the request did not pass the guard)."""
    return request.scope.get("state", {}).get("principal", PUBLIC) if request is not None else PUBLIC


def create_app(neo4j: Neo4jSettings, options: ServiceOptions = ServiceOptions()) -> ASGIApp:
    _tune_gc()
    db = Database(neo4j)
    services = Services(workers=WorkerPool(options.metrics_workers))
    readiness = Readiness(db)
    graphql = GraphQLApp(db, services, options)
    authenticator = Authenticator(db, options)
    services.token_forgetters.append(authenticator.forget)

    async def healthz(_: Request) -> Response:
        return JSONResponse({"status": "alive"})

    async def readyz(_: Request) -> Response:
        ready, reason = await readiness.check()
        return JSONResponse({"status": "ready" if ready else "unavailable", "reason": reason},
                            status_code=200 if ready else 503)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        ready, reason = await readiness.check()
        if not ready:
            log.warning("starting without a ready database (%s); /readyz reports 503 until it is", reason)
        try:
            yield
        finally:
            services.workers.shutdown()
            await db.close()

    app = Starlette(
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            *export_routes(lambda request: Context.for_request(db, services, principal_of(request), request=request)),
        ],
        lifespan=lifespan,
    )
    app.state.db = db
    app.state.services = services
    app.state.readiness = readiness
    app.state.authenticator = authenticator
    guarded = Guard(app, authenticator, options)
    guarded.state = app.state  # type: ignore[attr-defined]  # tests reach the app's state through it
    return WithWeb(guarded, web_app())
