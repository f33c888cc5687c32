"""The composition root: Starlette routes, the GraphQL endpoint, health, and the lifespan.

A request travels: ``/graphql`` → :class:`GraphQLApp` (decodes the body strictly, builds the
per-request :class:`core.context.Context`, runs the operation in an execution lane under
the request's deadline) → ``schema/`` root field → ``resolvers/`` function → ``graph/`` query →
Neo4j, and back as records that ``schema/`` types wrap.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import sys
import time
import weakref
from collections.abc import AsyncIterator, Coroutine
from typing import Any, Final

import orjson
from cross_web import HTTPException  # what Strawberry's views raise for an unreadable request
from graphql import FieldNode, GraphQLError, OperationDefinitionNode, OperationType, parse
from starlette.applications import Starlette
from starlette.datastructures import UploadFile
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLRequestData, process_result
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL, GRAPHQL_WS_PROTOCOL
from strawberry.types import ExecutionResult
from strawberry.types.unset import UnsetType

from core import messages
from core import timing as timings
from core.access import PUBLIC, Principal
from core.broker import Broker
from core.context import Context
from core.latest import Latest
from core.revocations import Revocations
from core.services import Refit, Services, WorkerPool
from graph import migrations
from graph.db import CONSISTENCY, Consistency, Database, Neo4jSettings
from graph.errors import GraphError
from kiezgraph import caching, consistency, graphiql, live, persisted, wire
from kiezgraph.dossier import dossier_routes
from kiezgraph.exports import REVISION_HEADER, export_routes
from kiezgraph.lanes import HomeDatabase, Lanes, LoopThread
from kiezgraph.middleware.authentication import Authentication, Authenticator
from kiezgraph.middleware.body_limit import BodyLimit
from kiezgraph.middleware.rate_limit import RateLimit, SharedBudget
from kiezgraph.response_cache import Key, ResponseCache
from kiezgraph.settings import ServiceOptions, Settings
from kiezgraph.web import web_routes
from schema import Limits, build_schema, deadline
from schema.cost import estimate, too_costly

log = logging.getLogger("kiezgraph")
GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"


# HTTP statuses of refused requests, and the code their GraphQL-style body carries.
_HTTP_CODES = {
    400: "BAD_REQUEST",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    413: "PAYLOAD_TOO_LARGE",
    415: "UNSUPPORTED_MEDIA_TYPE",
}


# The operations a multipart request (and so a body above KIEZGRAPH_MAX_BODY_BYTES) may carry.
UPLOAD_FIELDS: Final = frozenset({"createImport", "__typename"})
ONLY_UPLOADS: Final = messages.Message(
    "multipart requests carry a file for createImport only; other requests are limited in size",
    "Mehrteilige Anfragen (multipart) tragen nur eine Datei für createImport; andere Anfragen sind in der Größe "
    "begrenzt",
)


def _only_uploads(data: dict[str, Any]) -> bool:
    """Whether a multipart request's operation is a mutation selecting ``createImport`` only."""
    query = data.get("query")
    if not isinstance(query, str):
        return False
    try:
        document = parse(query)
    except GraphQLError:
        return False
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    wanted = data.get("operationName")
    chosen = [o for o in operations if wanted is None or (o.name is not None and o.name.value == wanted)]
    if len(chosen) != 1 or chosen[0].operation is not OperationType.MUTATION:
        return False
    names = [f.name.value if isinstance(f, FieldNode) else "" for f in chosen[0].selection_set.selections]
    return "createImport" in names and set(names) <= UPLOAD_FIELDS


def _files(value: object) -> list[UploadFile]:
    """The uploaded files among a multipart request's variables."""
    if isinstance(value, UploadFile):
        return [value]
    if isinstance(value, dict):
        return [f for v in value.values() for f in _files(v)]
    if isinstance(value, list):
        return [f for v in value for f in _files(v)]
    return []


class GraphQLApp(GraphQL[Context, None]):
    """Strawberry's ASGI view with our context, strict decoding, lanes, a deadline and orjson; for GET
    queries an ETag (kiezgraph/caching.py); answers to repeated queries by revision
    (kiezgraph/response_cache.py); persisted queries (kiezgraph/persisted.py); subscriptions over
    WebSocket, authenticated in connection_init (kiezgraph/live.py)."""

    def __init__(self, db: Database, services: Services, options: ServiceOptions, authenticator: Authenticator) -> None:
        limits = Limits(
            options.max_depth, options.max_aliases, options.max_tokens, options.introspection, options.budgets
        )
        schema = build_schema(limits, server_timing=options.server_timing)
        self.graphql_schema = schema._schema  # graphql-core's schema, for cost estimates of subscriptions
        super().__init__(
            schema,
            graphql_ide="graphiql" if options.introspection else None,
            # Both protocols go through our handlers (kiezgraph/live.py), which hold subscriptions to
            # the cost budget, the allowlist and the credential's expiry.
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL, GRAPHQL_WS_PROTOCOL),
            # The legacy protocol's keep-alive (`ka` messages); graphql-transport-ws pings instead.
            keep_alive=True,
            keep_alive_interval=options.ws_keepalive,
            max_subscriptions_per_connection=options.subscriptions_per_connection,
            # Browsers do not apply CORS to WebSockets: the handshake's Origin is checked instead.
            allowed_origins=options.cors_origins,
            # Multipart requests (the GraphQL multipart request spec) carry createImport's file. Strawberry
            # keeps them off by default against cross-site requests riding on cookies; kiezgraph has no
            # cookies (a bearer token is a header a cross-site form cannot send), and only writers' tokens
            # may import.
            multipart_uploads_enabled=True,
        )
        self.graphql_transport_ws_handler_class = live.keep_alive(options.ws_keepalive)
        self.graphql_ws_handler_class = live.Legacy
        self.websocket_adapter_class = live.TextFrames
        self.db = db
        self.services = services
        self.authenticator = authenticator
        self.lanes = Lanes(options.execution_threads)
        weakref.finalize(self, self.lanes.stop)  # apps built without a lifespan (tests) stop theirs too
        self.request_timeout = options.request_timeout
        self.cache_max_age = options.cache_max_age
        self.budgets = options.budgets
        registered = persisted.load_manifest(options.persisted_queries_file) if options.persisted_queries_file else {}
        self.persisted = persisted.PersistedQueries(persisted.Mode(options.persisted_queries), registered)
        self.server_timing = options.server_timing
        self.cache = ResponseCache(options.response_cache_mb * 1024 * 1024)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope, receive)
        try:
            if scope.get("query_string"):
                self._check_query_string(scope["query_string"])
            response = await self._not_modified(request) or await self.run(request)
        except HTTPException as exc:
            # Strawberry answers these in plain text; clients get the same coded errors as elsewhere.
            response = self._refusal(request, exc.status_code, exc.reason)
        except persisted.Refused as exc:
            # Apollo's clients expect a missing persisted query as an ordinary GraphQL answer.
            status = 200 if exc.code == "PERSISTED_QUERY_NOT_FOUND" else 400
            response = self._refusal(request, status, exc.message, exc.code)
        await response(scope, receive, send)

    async def _not_modified(self, request: Request) -> Response | None:
        """For a GET query: its ETag (kept for the answer), or 304 if the client holds it already."""
        params = request.query_params
        if request.method != "GET" or ("query" not in params and "extensions" not in params):
            return None
        if consistency.HEADER.lower() in request.headers:
            # The revision here would be read before the bookmark is waited for (on a cluster,
            # perhaps from a replica behind the client's own write): no 304 for such a request.
            return None
        principal = principal_of(request)
        try:
            current = await self._revision()
        except GraphError:
            return None  # no ETag; the query itself meets the outage and says so
        tag = caching.etag(current, principal)
        if caching.matches(request.headers.get("if-none-match"), tag):
            return Response(status_code=304, headers=caching.headers(tag, principal, self.cache_max_age))
        state = request.scope.setdefault("state", {})
        state["etag"] = tag
        state["revision"] = current  # read after the request arrived: the response cache keys on it too
        return None

    async def _revision(self) -> int:
        """The network's revision from a read sent after the caller asked: the shared read that also
        checks cached tokens for revocation, so requests arriving together need one between them."""
        return await self.authenticator.fresh_revision()

    async def parse_http_body(self, request: Any) -> GraphQLRequestData | list[GraphQLRequestData]:
        data = await super().parse_http_body(request)
        for item in data if isinstance(data, list) else [data]:
            item.query = self.persisted.resolve(item.query, item.extensions)
        return data

    async def parse_multipart(self, request: Any) -> dict[str, str]:
        """A multipart request may be large (``KIEZGRAPH_MAX_UPLOAD_BYTES``, kiezgraph/middleware/
        body_limit.py) because it carries a partner list: so it must be a ``createImport`` and nothing
        else, one operation whose root fields are ``createImport`` (and ``__typename``) only."""
        data: Any = await super().parse_multipart(request)
        if not isinstance(data, dict) or not _only_uploads(data):
            for upload in _files(data):
                await upload.close()  # the spooled temporary file, now rather than when collected
            raise HTTPException(413, ONLY_UPLOADS().in_(messages.negotiate(request.headers.get("accept-language"))))
        return data

    def _refusal(self, request: Request, status: int, message: str, code: str | None = None) -> Response:
        code = code or _HTTP_CODES.get(status, "BAD_REQUEST")
        media_type = (
            GRAPHQL_RESPONSE_JSON if GRAPHQL_RESPONSE_JSON in request.headers.get("accept", "") else "application/json"
        )
        return Response(
            self.encode_json({"errors": [{"message": message, "extensions": {"code": code}}]}),
            status_code=status,
            media_type=media_type,
        )

    @staticmethod
    def _check_query_string(raw: bytes) -> None:
        try:
            wire.check_query_string(raw)
        except wire.MalformedRequest as exc:
            raise HTTPException(400, str(exc)) from exc

    def decode_json(self, data: str | bytes) -> object:
        try:
            return wire.decode(data)
        except wire.MalformedRequest as exc:
            raise HTTPException(400, str(exc)) from exc

    async def get_context(self, request: Any, response: Any) -> Context:
        if isinstance(request, WebSocket):
            # Who is asking is known after connection_init (on_ws_connect).
            context = Context.for_request(self.db, self.services, PUBLIC, request=request, response=response)
            context.client_address = request.client.host if request.client else None
            context.close_connection = request.close
            return context
        # GraphQL over HTTP: a client that accepts application/graphql-response+json gets that
        # media type, and HTTP status codes that say whether the request itself failed.
        accept = request.headers.get("accept", "") if request is not None else ""
        response.graphql_response_json = GRAPHQL_RESPONSE_JSON in accept
        response.etag = request.scope.get("state", {}).get("etag") if request is not None else None
        response.principal = principal_of(request)
        context = Context.for_request(self.db, self.services, principal_of(request), request=request, response=response)
        try:
            after = consistency.parse(
                request.headers.get(consistency.HEADER) if request is not None else None, context.language
            )
        except consistency.MalformedBookmark as exc:
            raise HTTPException(400, str(exc)) from exc
        # A token answered from the cache while its revocation check still runs: its writes wait for
        # the check before they commit (kiezgraph/middleware/authentication.py).
        before_commit = request.scope.get("state", {}).get("before_commit") if request is not None else None
        response.consistency = context.consistency = Consistency(after=after, before_commit=before_commit)
        return context

    def subscription_refusal(self, payload: dict[str, Any], principal: Principal) -> GraphQLError | None:
        """Why a WebSocket operation may not run: not registered (allowlist mode) or over the role's
        cost budget. Strawberry ignores an extension's result for subscriptions, so the handler asks
        here before the operation starts; depth and aliases are checked by validation as usual."""
        query = payload.get("query")
        if not isinstance(query, str):
            return None  # Strawberry refuses it itself
        try:
            self.persisted.check_allowed(query)
            document = parse(query)
        except persisted.Refused as exc:
            return GraphQLError(exc.message, extensions={"code": exc.code})
        except GraphQLError:
            return None  # a syntax error: Strawberry reports it with its code
        variables = payload.get("variables")
        operation = payload.get("operationName")
        cost = estimate(
            self.graphql_schema,
            document,
            variables if isinstance(variables, dict) else None,
            operation if isinstance(operation, str) else None,
        )
        budget = self.budgets[principal.role]
        return too_costly(cost, budget, principal.role) if cost is not None and cost > budget else None

    def should_render_graphql_ide(self, request: Any) -> bool:
        # A GET with only a persisted query's hash is a query, not a browser asking for GraphiQL.
        return super().should_render_graphql_ide(request) and request.query_params.get("extensions") is None

    async def render_graphql_ide(self, request: Request) -> Response:
        return graphiql.page()

    async def on_ws_connect(self, context: Context) -> UnsetType:
        context.principal = await live.principal_for(self.authenticator, context.connection_params)
        return UnsetType()  # connection_ack without a payload (the type is a singleton)

    async def execute_single(self, *args: Any, **kwargs: Any) -> ExecutionResult:
        context: Context = kwargs["context"] if "context" in kwargs else args[3]
        sub_response = kwargs["sub_response"] if "sub_response" in kwargs else args[2]
        start = time.perf_counter()
        key = await self._cache_key(
            kwargs["request"] if "request" in kwargs else args[0],
            kwargs["request_data"] if "request_data" in kwargs else args[5],
            context,
        )
        if key is not None and (body := self.cache.get(key)) is not None:
            if self.server_timing:
                took = (time.perf_counter() - start) * 1000
                sub_response.headers["Server-Timing"] = f'response-cache;desc="hit", total;dur={took:.2f}'
            return _from_cache(body)
        execution = self._encoded(
            self._within_deadline(super().execute_single(*args, **kwargs), context.language, context.consistency)
        )
        if not self.server_timing:
            result = await self.lanes.run(execution)
        else:
            # Debug mode: the request measures its phases and says so in a Server-Timing header.
            timing = timings.Timing()
            result = await self.lanes.run(self._measured(timing, execution))
            timing.add("total", time.perf_counter() - start)
            said = timing.header()
            sub_response.headers["Server-Timing"] = said + (', response-cache;desc="miss"' if key else "")
        encoded = getattr(result, "encoded", None)
        if key is not None and not result.errors and result.data is not None and isinstance(encoded, Encoded):
            self.cache.put(key, encoded.body)  # only whole answers: an error may pass (an outage, the deadline)
        return result

    async def _cache_key(self, request: Any, data: GraphQLRequestData, context: Context) -> Key | None:
        """The response cache's key for this request, or None if its answer may not come from the cache.

        A lookup needs the revision from a read sent after the request arrived (a write committed
        before must not be answered from an older entry). An answer may be *filed* under any
        revision read before its query started: it then holds that revision's writes (and perhaps
        later ones, which a request arriving later sees anyway). So when nothing is kept for the
        revision the last shared read found, a hit is unlikely: the query runs at once, without
        waiting for a read, and its answer is filed under that revision."""
        if not self.cache.enabled or not isinstance(request, Request) or context.consistency is None:
            return None
        if context.consistency.after or consistency.HEADER.lower() in request.headers:
            return None  # it waits for its bookmarks in the database (kiezgraph/consistency.py)
        if not data.query or not self.cache.cacheable(data.query, data.operation_name):
            return None  # before the read of the revision: a mutation has no use for it

        def key_at(revision: int) -> Key | None:
            return self.cache.key(
                revision, context.principal, data.query, data.operation_name, data.variables, context.language
            )

        current = request.scope.get("state", {}).get("revision")  # read for the ETag already
        if current is None:
            known = self.authenticator.revision  # from a read that came back before the query starts
            if known is not None and (guess := key_at(known)) is not None and not self.cache.holds(guess):
                return guess  # a miss: filed under `known`, looked up under it only by a later request
            try:
                current = await self._revision()
            except GraphError:
                return None  # the query itself meets the outage and says so
        return key_at(current)

    @staticmethod
    async def _measured(timing: timings.Timing, execution: Coroutine[Any, Any, ExecutionResult]) -> ExecutionResult:
        timings.CURRENT.set(timing)  # this lane task's own context, as the deadline's
        return await execution

    async def _encoded(self, execution: Coroutine[Any, Any, ExecutionResult]) -> ExecutionResult:
        # The answer is encoded here, in the lane, where encoding in slices lets the server's
        # loop take turns; process_result and encode_json then hand on what was made here.
        result = await execution
        with timings.phase("serialise"):
            response = Encoded(process_result(result))
            response.body = wire.encode(response)
        result.encoded = response  # type: ignore[attr-defined]  # carried to process_result below
        return result

    async def process_result(self, request: Any, result: Any) -> Any:
        encoded = getattr(result, "encoded", None)
        return encoded if encoded is not None else await super().process_result(request, result)

    async def _within_deadline(
        self,
        execution: Coroutine[Any, Any, ExecutionResult],
        language: messages.Language,
        bookmarks: Consistency | None = None,
    ) -> ExecutionResult:
        limit = deadline.Limit(self.request_timeout)
        deadline.CURRENT.set(limit)  # this task's own context: a lane runs each operation as a task
        messages.CURRENT.set(language)  # the words for people in this answer (Accept-Language)
        CONSISTENCY.set(bookmarks)  # the bookmarks its reads wait for, and where its commits' go
        try:
            async with asyncio.timeout(self.request_timeout) as limit.timeout:
                result = await execution
        except TimeoutError:
            if limit.timeout is None or not limit.timeout.expired():
                raise
            return ExecutionResult(data=None, errors=[limit.error()])
        # Stopped between fields: what was completed is not an answer.
        return ExecutionResult(data=None, errors=[limit.error()]) if limit.tripped else result

    def create_response(self, response_data: Any, sub_response: Any) -> Response:
        response = super().create_response(response_data, sub_response)
        if getattr(sub_response, "graphql_response_json", False) and isinstance(response_data, dict):
            errors = response_data.get("errors") or []
            if response_data.get("data") is None and errors and all(not e.get("path") for e in errors):
                # A request error (unparsable, invalid, or bad variables): nothing was executed.
                response = Response(self.encode_json({"errors": errors}), status_code=400)
                response.headers.raw.extend(sub_response.headers.raw)
            response.headers["content-type"] = f"{GRAPHQL_RESPONSE_JSON}; charset=utf-8"
        written = getattr(sub_response, "consistency", None)
        if written is not None and written.written:  # for the client's next request, to any instance
            response.headers[consistency.HEADER] = consistency.header(written.written)
        tag = getattr(sub_response, "etag", None)
        if tag and response.status_code == 200 and isinstance(response_data, dict) and not response_data.get("errors"):
            response.headers.update(caching.headers(tag, sub_response.principal, self.cache_max_age))
        return response

    def encode_json(self, data: object) -> bytes:
        return data.body if isinstance(data, Encoded) else orjson.dumps(data)


class Encoded(dict[str, Any]):
    """A GraphQL response with its bytes, encoded in a lane."""

    body: bytes


def _from_cache(body: bytes) -> ExecutionResult:
    """An answer from the response cache as the view hands it on: the bytes as they were sent the
    first time (kept only without errors, so the dict the response is checked against is empty)."""
    response = Encoded()
    response.body = body
    result = ExecutionResult(data=None, errors=None)
    result.encoded = response  # type: ignore[attr-defined]  # carried to process_result
    return result


class Readiness:
    """Neo4j reachable and migrated; migrations run late if Neo4j was away at start-up.

    A positive answer holds for half a second, unless a query has found Neo4j gone meanwhile:
    under heavy queries Neo4j takes its time to answer a ping, and a load balancer that asks
    several times a second needs no fresher answer than that.
    """

    FRESH = 0.5  # seconds

    def __init__(self, db: Database) -> None:
        self.db = db
        self.migrated = False
        self._ready_until = 0.0

    async def ensure_migrated(self) -> None:
        if not self.migrated:
            await migrations.migrate(self.db)
            self.migrated = True

    async def check(self) -> tuple[bool, str]:
        if self.db.available and time.monotonic() < self._ready_until:
            return True, "ready"
        self._ready_until = 0.0
        try:
            await self.db.ping(timeout=1.0)
            await self.ensure_migrated()
        except GraphError as exc:
            return False, str(exc)
        except migrations.MigrationError as exc:
            return False, f"migrations failed: {exc}"
        self._ready_until = time.monotonic() + self.FRESH
        return True, "ready"


def app_from_env() -> Starlette:
    """For ``uvicorn --factory kiezgraph.app:app_from_env`` against a Neo4j named by NEO4J_URI."""
    settings = Settings.from_env()
    # The driver logs every retried transaction; the service reports outages itself.
    logging.getLogger("neo4j").setLevel(logging.ERROR)
    if settings.neo4j_uri is None or settings.neo4j_password is None:
        raise RuntimeError("app_from_env needs NEO4J_URI and NEO4J_PASSWORD; `kiezgraph serve` runs a local Neo4j")
    return create_app(
        Neo4jSettings(
            settings.neo4j_uri,
            settings.neo4j_user,
            settings.neo4j_password,
            settings.neo4j_database,
            query_timeout=settings.query_timeout,
        ),
        settings.options,
    )


def _tune_gc() -> None:
    # A large response allocates ~10^5 short-lived objects; with CPython's default threshold
    # (700) that triggers hundreds of collections per request. Objects alive at start-up are
    # frozen out of the sweeps. A collection holds the GIL, so every thread — the health
    # checks' event loop too — waits it out: the pause grows with the young generations, whose
    # size the thresholds set. At (50,000, 20, 20) a middle-generation sweep under whole-network
    # queries took 400–900 ms; at (20,000, 3, 100) sweeps stay under 100 ms and the oldest
    # generation is swept rarely (bench/RESULTS.md, "Health checks under heavy queries").
    gc.freeze()
    gc.set_threshold(20_000, 3, 100)
    # The server's loop shares the GIL with the lanes and the driver's loop; a thread that wants
    # it waits up to one switch interval each time (CPython's default: 5 ms). At 1 ms the
    # health checks' p95 under heavy queries fell from ~110 ms to ~30 ms.
    sys.setswitchinterval(0.001)


def principal_of(request: Any) -> Principal:
    """Who is asking, as authentication found out (public if the request did not pass it)."""
    return request.scope.get("state", {}).get("principal", PUBLIC) if request is not None else PUBLIC


def create_app(neo4j: Neo4jSettings, options: ServiceOptions | None = None) -> Starlette:
    options = options or ServiceOptions()
    _tune_gc()
    # The driver gets a loop of its own: decoding large results there leaves the server's loop
    # free; every user of the database reaches it through HomeDatabase.
    driver_loop = LoopThread("kiezgraph-neo4j")
    db = HomeDatabase.on(Database(neo4j), driver_loop.loop)
    services = Services(
        workers=WorkerPool(options.metrics_workers),
        metrics=Latest(options.metrics_refresh_delay),
        snapshots=Latest(options.metrics_refresh_delay, capacity=1),
        models=Latest(options.metrics_refresh_delay, capacity=1),
        refit=Refit(
            options.suggestion_refit,
            options.suggestion_refit_seconds,
            options.suggestion_refit_min_positives,
            options.suggestion_refit_actors,
        ),
    )
    readiness = Readiness(db)
    # One way to learn of revoked tokens, for HTTP (the authenticator) and subscriptions (the broker).
    revocations = Revocations(db)
    authenticator = Authenticator(
        db,
        public_access=options.public_access,
        jwt_secret=options.jwt_secret,
        jwt_public_key=options.jwt_public_key,
        cache_seconds=options.token_cache_seconds,
        recheck_seconds=options.token_recheck_seconds,
        revocations=revocations,
    )
    services.token_forgetters.append(authenticator.forget)
    services.broker = Broker(
        db,
        interval=options.change_poll_interval,
        buffer=options.subscription_buffer,
        per_key=options.subscriptions_per_token,
        revocations=revocations,
    )
    graphql = GraphQLApp(db, services, options, authenticator)

    async def healthz(_: Request) -> Response:
        return JSONResponse({"status": "alive"})

    async def readyz(_: Request) -> Response:
        ready, reason = await readiness.check()
        return JSONResponse(
            {"status": "ready" if ready else "unavailable", "reason": reason}, status_code=200 if ready else 503
        )

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        ready, reason = await readiness.check()
        if not ready:
            log.warning("starting without a ready database (%s); /readyz reports 503 until it is", reason)
        try:
            yield
        finally:
            if services.broker is not None:
                await services.broker.close()
            services.metrics.close()
            services.snapshots.close()
            services.models.close()
            services.fitter.stop()
            services.workers.shutdown()
            graphql.lanes.stop()
            await db.close()
            driver_loop.stop()

    app = Starlette(
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql),
            graphiql.assets(),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            *export_routes(lambda request: Context.for_request(db, services, principal_of(request), request=request)),
            *web_routes(),
            *dossier_routes(lambda request: Context.for_request(db, services, principal_of(request), request=request)),
        ],
        # The door, in the order it applies (kiezgraph/middleware): cross-origin rules, who, how often, body size.
        middleware=[
            # First, so that preflights are answered before credentials or rates are asked for.
            Middleware(
                CORSMiddleware,
                allow_origins=list(options.cors_origins),
                allow_methods=["GET", "POST", "OPTIONS"],
                allow_headers=["Authorization", "Content-Type", "Accept", "If-None-Match", consistency.HEADER],
                expose_headers=["ETag", REVISION_HEADER, "Retry-After", consistency.HEADER],
                max_age=600,
            ),
            Middleware(Authentication, authenticator=authenticator),
            Middleware(
                RateLimit,
                per_minute=options.rate_per_minute,
                public_per_minute=options.public_rate_per_minute,
                shared=SharedBudget(db),
            ),
            # Last: the upload limit depends on who asks, and no body is read for a refused caller.
            Middleware(BodyLimit, max_bytes=options.max_body_bytes, upload_bytes=options.max_upload_bytes),
        ],
        lifespan=lifespan,
    )
    app.state.db = db
    app.state.lanes = graphql.lanes
    app.state.services = services
    app.state.readiness = readiness
    app.state.authenticator = authenticator
    app.state.response_cache = graphql.cache
    weakref.finalize(app, driver_loop.stop)  # apps built without a lifespan (tests) stop it too
    return app
