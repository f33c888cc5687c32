"""Settings from the environment: one declaration per setting, everything else derived from it.

:data:`DECLARED` lists each setting once — its variable, type, default, unit, meaning and group.
From it come :meth:`Settings.from_env` (parsing and checking), the defaults of
:class:`ServiceOptions` (and so the schema's limits and budgets), the epilog of ``kiezgraph
--help``, and the README's configuration table (``kiezgraph settings`` prints it; a test keeps
the README equal to it). The defaults work on a developer's machine.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Final

from analysis import learning
from core.access import Role
from core.services import Refit
from graph.db import Neo4jSettings
from kiezgraph.local_neo4j import PROJECT_DIR


class SettingsError(ValueError):
    pass


# ---- how values are read ------------------------------------------------------------------------

_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")


def _text(name: str, raw: str) -> str:
    return raw


def _whole(name: str, raw: str) -> int:
    try:
        return int(raw)
    except ValueError as exc:
        raise SettingsError(f"{name} must be a whole number") from exc


def _seconds(name: str, raw: str) -> float:
    try:
        value = float(raw)
    except ValueError as exc:
        raise SettingsError(f"{name} must be a number of seconds") from exc
    if not 0 < value < math.inf:
        raise SettingsError(f"{name} must be a positive number of seconds")
    return value


def _flag(name: str, raw: str) -> bool:
    """One reading of yes and no for every boolean setting."""
    if raw.strip().lower() in _TRUE:
        return True
    if raw.strip().lower() in _FALSE:
        return False
    raise SettingsError(f"{name} must be 1 or 0 (or true/false, yes/no, on/off)")


def _origins(name: str, raw: str) -> tuple[str, ...]:
    """Comma-separated origins (``https://map.example.org``): scheme, host and port, no path."""
    found = tuple(o.strip().rstrip("/") for o in raw.split(",") if o.strip())
    for origin in found:
        scheme, sep, rest = origin.partition("://")
        if origin != "*" and (scheme not in ("http", "https") or not sep or not rest or "/" in rest):
            raise SettingsError(f"{name}: {origin!r} is not an origin like https://map.example.org")
    return found


def _choice(*allowed: str) -> Callable[[str, str], str]:
    def read(name: str, raw: str) -> str:
        if raw.strip().lower() not in allowed:
            raise SettingsError(f"{name} must be one of {', '.join(allowed)}")
        return raw.strip().lower()

    return read


def _whole_seconds(name: str, raw: str) -> int:
    value = _whole(name, raw)
    if value < 0:
        raise SettingsError(f"{name} must be 0 or more seconds")
    return value


def _whole_megabytes(name: str, raw: str) -> int:
    value = _whole(name, raw)
    if value < 0:
        raise SettingsError(f"{name} must be 0 or more MiB")
    return value


def _path(name: str, raw: str) -> Path:
    return Path(raw)


def _file(name: str, raw: str) -> str:
    """The contents of the file the variable names."""
    try:
        return Path(raw).read_text()
    except OSError as exc:
        raise SettingsError(f"{name}: cannot read {raw}: {exc.strerror}") from exc


# ---- the declarations -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Setting:
    """One environment variable."""

    env: str
    attribute: str  # of Settings, or of ServiceOptions when `service` is true
    read: Callable[[str, str], Any]
    default: Any
    meaning: str
    group: str
    unit: str = ""
    service: bool = False  # part of ServiceOptions (how the HTTP service guards itself)
    secret_file: bool = False  # also read from the file named by <env>_FILE
    shown_default: str | None = None  # for the README, where the value itself says too little

    def parse(self, env: Mapping[str, str]) -> Any:
        raw = env.get(self.env)
        if not raw and self.secret_file and env.get(f"{self.env}_FILE"):
            return _file(f"{self.env}_FILE", env[f"{self.env}_FILE"]).strip()
        if raw is None or (raw == "" and self.default is None):
            return self.default
        return self.read(self.env, raw)

    @property
    def default_text(self) -> str:
        if self.shown_default is not None:
            return self.shown_default
        if self.default is None:
            return "–"
        if isinstance(self.default, bool):
            return "1" if self.default else "0"
        if isinstance(self.default, float) and self.default.is_integer():
            return str(int(self.default))
        return str(self.default)

    @property
    def name_text(self) -> str:
        return f"`{self.env}` (or `{self.env}_FILE`)" if self.secret_file else f"`{self.env}`"


_SERVER, _NEO4J, _LOCAL, _ACCESS, _LIMITS, _RUNTIME, _LIVE, _WEB = (
    "server",
    "Neo4j",
    "the local Neo4j",
    "access",
    "limits",
    "execution",
    "live changes",
    "browser clients",
)

DECLARED: Final[tuple[Setting, ...]] = (
    Setting("HOST", "host", _text, "127.0.0.1", "where the HTTP service listens: address", _SERVER),
    Setting("PORT", "port", _whole, 8000, "where the HTTP service listens: port", _SERVER),
    Setting(
        "NEO4J_URI",
        "neo4j_uri",
        _text,
        None,
        "use another Neo4j (see below)",
        _NEO4J,
        shown_default="unset: the local Neo4j",
    ),
    Setting("NEO4J_USER", "neo4j_user", _text, "neo4j", "user for `NEO4J_URI`", _NEO4J),
    Setting("NEO4J_PASSWORD", "neo4j_password", _text, None, "password for `NEO4J_URI`", _NEO4J, secret_file=True),
    Setting("NEO4J_DATABASE", "neo4j_database", _text, "neo4j", "database name", _NEO4J),
    Setting(
        "KIEZGRAPH_NEO4J_PORT",
        "local_neo4j_port",
        _whole,
        7687,
        "Bolt port of the local Neo4j (127.0.0.1 only)",
        _LOCAL,
    ),
    Setting(
        "KIEZGRAPH_NEO4J_HOME",
        "local_neo4j_home",
        _path,
        PROJECT_DIR / "run",
        "data, logs and password of the local Neo4j",
        _LOCAL,
        shown_default="neo4j-local/run",
    ),
    Setting("KIEZGRAPH_NEO4J_HEAP", "local_neo4j_heap", _text, "512m", "JVM heap of the local Neo4j", _LOCAL),
    Setting(
        "KIEZGRAPH_NEO4J_PAGECACHE", "local_neo4j_pagecache", _text, "256m", "page cache of the local Neo4j", _LOCAL
    ),
    Setting(
        "KIEZGRAPH_QUERY_TIMEOUT",
        "query_timeout",
        _seconds,
        Neo4jSettings.query_timeout,
        "the longest any one Neo4j transaction may take",
        _NEO4J,
        unit="s",
    ),
    Setting(
        "KIEZGRAPH_DEMO",
        "load_demo",
        _flag,
        True,
        "`make run` loads the synthetic demo network (`0`: skips it)",
        _SERVER,
    ),
    Setting(
        "KIEZGRAPH_PUBLIC_ACCESS",
        "public_access",
        _flag,
        True,
        "`0`: every request needs a token",
        _ACCESS,
        service=True,
    ),
    Setting(
        "KIEZGRAPH_INTROSPECTION",
        "introspection",
        _flag,
        True,
        "`0`: refuse introspection, no GraphiQL",
        _ACCESS,
        service=True,
    ),
    Setting(
        "KIEZGRAPH_SERVER_TIMING",
        "server_timing",
        _flag,
        False,
        "`1`: debug mode, each GraphQL answer says where its time went (`Server-Timing` header)",
        _RUNTIME,
        service=True,
    ),
    Setting(
        "KIEZGRAPH_JWT_SECRET",
        "jwt_secret",
        _text,
        None,
        "accept HS256 JWTs signed with this secret (32 bytes or more)",
        _ACCESS,
        service=True,
        secret_file=True,
    ),
    Setting(
        "KIEZGRAPH_JWT_PUBLIC_KEY_FILE",
        "jwt_public_key",
        _file,
        None,
        "accept RS256 JWTs verified with the PEM key in this file",
        _ACCESS,
        service=True,
    ),
    Setting(
        "KIEZGRAPH_RATE_LIMIT",
        "rate_per_minute",
        _whole,
        600,
        "requests per minute per token (bursts of a tenth; 0: off)",
        _LIMITS,
        unit="/min",
        service=True,
    ),
    Setting(
        "KIEZGRAPH_PUBLIC_RATE_LIMIT",
        "public_rate_per_minute",
        _whole,
        120,
        "requests per minute per client address without a token (0: off)",
        _LIMITS,
        unit="/min",
        service=True,
    ),
    Setting(
        "KIEZGRAPH_MAX_BODY_BYTES",
        "max_body_bytes",
        _whole,
        1_048_576,
        "largest request body",
        _LIMITS,
        unit="bytes",
        service=True,
    ),
    Setting(
        "KIEZGRAPH_MAX_UPLOAD_BYTES",
        "max_upload_bytes",
        _whole,
        20_971_520,
        "largest partner list sent to `createImport` (a multipart request; nothing else may be that large)",
        _LIMITS,
        unit="bytes",
        service=True,
    ),
    Setting(
        "KIEZGRAPH_MAX_DEPTH", "max_depth", _whole, 15, "deepest nesting of a GraphQL document", _LIMITS, service=True
    ),
    Setting(
        "KIEZGRAPH_MAX_ALIASES", "max_aliases", _whole, 30, "most aliases in a GraphQL document", _LIMITS, service=True
    ),
    Setting(
        "KIEZGRAPH_MAX_TOKENS", "max_tokens", _whole, 5000, "most tokens in a GraphQL document", _LIMITS, service=True
    ),
    # Cost budgets (schema/cost.py): the most objects one operation may ask for. Public: a page of
    # 100 actors with 100 partners each, two ego networks, or the whole network as `json`.
    # Researchers and managers: the whole network with typed nodes and edges. Admins: more.
    Setting(
        "KIEZGRAPH_COST_PUBLIC",
        "cost_public",
        _whole,
        25_000,
        "cost budget of an operation, public role",
        _LIMITS,
        unit="objects",
        service=True,
    ),
    Setting(
        "KIEZGRAPH_COST_RESEARCHER",
        "cost_researcher",
        _whole,
        100_000,
        "cost budget, researchers",
        _LIMITS,
        unit="objects",
        service=True,
    ),
    Setting(
        "KIEZGRAPH_COST_MANAGER",
        "cost_manager",
        _whole,
        100_000,
        "cost budget, managers",
        _LIMITS,
        unit="objects",
        service=True,
    ),
    Setting(
        "KIEZGRAPH_COST_ADMIN",
        "cost_admin",
        _whole,
        500_000,
        "cost budget, admins",
        _LIMITS,
        unit="objects",
        service=True,
    ),
    Setting(
        "KIEZGRAPH_REQUEST_TIMEOUT",
        "request_timeout",
        _seconds,
        20.0,
        "how long a query may run before it is stopped (`REQUEST_TIMEOUT`)",
        _LIMITS,
        unit="s",
        service=True,
    ),
    Setting(
        "KIEZGRAPH_EXECUTION_THREADS",
        "execution_threads",
        _whole,
        4,
        "threads that execute GraphQL operations off the event loop (0: on it)",
        _RUNTIME,
        service=True,
    ),
    Setting(
        "KIEZGRAPH_METRICS_WORKERS",
        "metrics_workers",
        _whole,
        2,
        "worker processes for betweenness and closeness",
        _RUNTIME,
        service=True,
    ),
    Setting(
        "KIEZGRAPH_METRICS_REFRESH_DELAY",
        "metrics_refresh_delay",
        _seconds,
        1.0,
        "after a write, how long metrics wait for further writes before they are recomputed in the background",
        _RUNTIME,
        unit="s",
        service=True,
    ),
    Setting(
        "KIEZGRAPH_SUGGESTION_REFIT",
        "suggestion_refit",
        _flag,
        Refit.enabled,
        "fit the suggestion model on this deployment's own past year in the background (`0`: the shipped model always)",
        _RUNTIME,
        service=True,
    ),
    Setting(
        "KIEZGRAPH_SUGGESTION_REFIT_SECONDS",
        "suggestion_refit_seconds",
        _seconds,
        Refit.every,
        "after writes, refit the suggestion model at most this often (a new day refits at once)",
        _RUNTIME,
        unit="s",
        service=True,
    ),
    Setting(
        "KIEZGRAPH_SUGGESTION_REFIT_MIN_POSITIVES",
        "suggestion_refit_min_positives",
        _whole,
        learning.MIN_POSITIVES,
        "fewer partners met in the past year (in their actor's candidates) than this: the shipped model serves",
        _RUNTIME,
        service=True,
    ),
    Setting(
        "KIEZGRAPH_SUGGESTION_REFIT_ACTORS",
        "suggestion_refit_actors",
        _whole,
        learning.MAX_ACTORS,
        "at most this many actors' candidate pools are fitted on (a seeded sample: bounds the CPU of a refit)",
        _RUNTIME,
        service=True,
    ),
    Setting(
        "KIEZGRAPH_CHANGE_POLL_INTERVAL",
        "change_poll_interval",
        _seconds,
        0.2,
        "how often an instance with subscribers reads new changes from Neo4j",
        _LIVE,
        unit="s",
        service=True,
    ),
    Setting(
        "KIEZGRAPH_SUBSCRIPTIONS_PER_CONNECTION",
        "subscriptions_per_connection",
        _whole,
        10,
        "most subscriptions on one WebSocket connection",
        _LIVE,
        service=True,
    ),
    Setting(
        "KIEZGRAPH_SUBSCRIPTIONS_PER_TOKEN",
        "subscriptions_per_token",
        _whole,
        50,
        "most subscriptions per token (without one: per client address) on one instance",
        _LIVE,
        service=True,
    ),
    Setting(
        "KIEZGRAPH_SUBSCRIPTION_BUFFER",
        "subscription_buffer",
        _whole,
        256,
        "commits waiting for a subscriber before it is dropped as too slow (close code 4413)",
        _LIVE,
        unit="commits",
        service=True,
    ),
    Setting(
        "KIEZGRAPH_WS_KEEPALIVE",
        "ws_keepalive",
        _seconds,
        15.0,
        "the server pings each WebSocket this often; no pong by the next ping closes it (4408)",
        _LIVE,
        unit="s",
        service=True,
    ),
    Setting(
        "KIEZGRAPH_CORS_ORIGINS",
        "cors_origins",
        _origins,
        (),
        "other origins whose pages may call the API and open its WebSocket (comma-separated)",
        _WEB,
        service=True,
        shown_default="none but the service's own",
    ),
    Setting(
        "KIEZGRAPH_CACHE_MAX_AGE",
        "cache_max_age",
        _whole_seconds,
        0,
        "how long caches may keep a public GET answer without asking again (its ETag is checked after)",
        _WEB,
        unit="s",
        service=True,
    ),
    Setting(
        "KIEZGRAPH_RESPONSE_CACHE_MB",
        "response_cache_mb",
        _whole_megabytes,
        64,
        "memory per process for answers to repeated queries, kept until the next write (0: off; "
        "benchmarks of distinct requests run with 0)",
        _WEB,
        unit="MiB",
        service=True,
    ),
    Setting(
        "KIEZGRAPH_PERSISTED_QUERIES",
        "persisted_queries",
        _choice("apq", "allowlist", "off"),
        "apq",
        "`apq`: Automatic Persisted Queries; `allowlist`: only the documents in the file below; `off`",
        _WEB,
        service=True,
    ),
    Setting(
        "KIEZGRAPH_PERSISTED_QUERIES_FILE",
        "persisted_queries_file",
        _path,
        None,
        "registered documents: a JSON object from SHA-256 hash to GraphQL document",
        _WEB,
        service=True,
    ),
)

_BY_ATTRIBUTE: Final = {s.attribute: s for s in DECLARED}


def _default(attribute: str) -> Any:
    return _BY_ATTRIBUTE[attribute].default


# ---- what the rest of the service reads ------------------------------------------------------------


@dataclass(frozen=True)
class ServiceOptions:
    """How the HTTP service guards itself: access, limits, rates (defaults from :data:`DECLARED`)."""

    public_access: bool = _default("public_access")
    introspection: bool = _default("introspection")
    server_timing: bool = _default("server_timing")
    jwt_secret: str | None = _default("jwt_secret")
    jwt_public_key: str | None = _default("jwt_public_key")
    token_cache_seconds: float = 10.0  # not a setting: how long a verified token is trusted on its own
    # not a setting: how often an instance reads the revocation counter (0: before every use of a
    # cached token, so a token revoked anywhere stops working everywhere at once)
    token_recheck_seconds: float = 0.0
    rate_per_minute: int = _default("rate_per_minute")
    public_rate_per_minute: int = _default("public_rate_per_minute")
    max_body_bytes: int = _default("max_body_bytes")
    max_upload_bytes: int = _default("max_upload_bytes")
    max_depth: int = _default("max_depth")
    max_aliases: int = _default("max_aliases")
    max_tokens: int = _default("max_tokens")
    cost_public: int = _default("cost_public")
    cost_researcher: int = _default("cost_researcher")
    cost_manager: int = _default("cost_manager")
    cost_admin: int = _default("cost_admin")
    request_timeout: float = _default("request_timeout")
    execution_threads: int = _default("execution_threads")
    metrics_workers: int = _default("metrics_workers")
    metrics_refresh_delay: float = _default("metrics_refresh_delay")
    suggestion_refit: bool = _default("suggestion_refit")
    suggestion_refit_seconds: float = _default("suggestion_refit_seconds")
    suggestion_refit_min_positives: int = _default("suggestion_refit_min_positives")
    suggestion_refit_actors: int = _default("suggestion_refit_actors")
    change_poll_interval: float = _default("change_poll_interval")
    subscriptions_per_connection: int = _default("subscriptions_per_connection")
    subscriptions_per_token: int = _default("subscriptions_per_token")
    subscription_buffer: int = _default("subscription_buffer")
    ws_keepalive: float = _default("ws_keepalive")
    cors_origins: tuple[str, ...] = _default("cors_origins")
    cache_max_age: int = _default("cache_max_age")
    response_cache_mb: int = _default("response_cache_mb")
    persisted_queries: str = _default("persisted_queries")
    persisted_queries_file: Path | None = None  # declared in DECLARED (its default: none)

    @property
    def budgets(self) -> dict[Role, int]:
        return {
            Role.PUBLIC: self.cost_public,
            Role.RESEARCHER: self.cost_researcher,
            Role.MANAGER: self.cost_manager,
            Role.ADMIN: self.cost_admin,
        }


DEFAULT_BUDGETS: Final[Mapping[Role, int]] = ServiceOptions().budgets


@dataclass(frozen=True)
class Settings:
    host: str = _default("host")
    port: int = _default("port")
    neo4j_uri: str | None = _default("neo4j_uri")
    neo4j_user: str = _default("neo4j_user")
    neo4j_password: str | None = _default("neo4j_password")
    neo4j_database: str = _default("neo4j_database")
    local_neo4j_port: int = _default("local_neo4j_port")
    local_neo4j_home: Path = _default("local_neo4j_home")  # noqa: RUF009 - a Path, evaluated once on purpose
    local_neo4j_heap: str = _default("local_neo4j_heap")
    local_neo4j_pagecache: str = _default("local_neo4j_pagecache")
    query_timeout: float = _default("query_timeout")
    load_demo: bool = _default("load_demo")
    options: ServiceOptions = field(default_factory=ServiceOptions)

    @property
    def uses_local_neo4j(self) -> bool:
        return self.neo4j_uri is None

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> Settings:
        values = {s.attribute: s.parse(env) for s in DECLARED}
        if values["neo4j_uri"] and values["neo4j_password"] is None:
            raise SettingsError("NEO4J_URI is set, so NEO4J_PASSWORD (or NEO4J_PASSWORD_FILE) is needed too")
        secret = values["jwt_secret"]
        if secret is not None and len(secret.encode()) < 32:
            # RFC 7518 §3.2: an HS256 key must be at least as long as the hash (256 bits).
            raise SettingsError("KIEZGRAPH_JWT_SECRET must be at least 32 bytes long")
        if values["persisted_queries"] == "allowlist" and values["persisted_queries_file"] is None:
            raise SettingsError("KIEZGRAPH_PERSISTED_QUERIES=allowlist needs KIEZGRAPH_PERSISTED_QUERIES_FILE")
        service = {s.attribute for s in DECLARED if s.service}
        options = ServiceOptions(**{k: v for k, v in values.items() if k in service})
        own = {f.name for f in fields(cls)}
        return cls(options=options, **{k: v for k, v in values.items() if k in own and k not in service})


# ---- the documentation derived from the declarations ------------------------------------------------


def markdown_table() -> str:
    """The README's configuration table."""
    rows = ["| variable | default | unit | meaning |", "|---|---|---|---|"]
    for s in DECLARED:
        default = s.default_text if " " in s.default_text or s.default is None else f"`{s.default_text}`"
        rows.append(f"| {s.name_text} | {default} | {s.unit} | {s.meaning} |")
    return "\n".join(rows) + "\n"


def help_epilog() -> str:
    """The settings for ``kiezgraph --help``, by group."""
    lines = ["settings (environment variables; `kiezgraph settings` prints them as a table):"]
    for group in dict.fromkeys(s.group for s in DECLARED):
        lines.append(f"  {group}:")
        for s in (s for s in DECLARED if s.group == group):
            unit = f" {s.unit}" if s.unit and s.default is not None else ""
            lines.append(f"    {s.env:<31} {s.meaning} [default: {s.default_text}{unit}]")
    return "\n".join(lines)
