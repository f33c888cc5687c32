"""Settings from the environment, with defaults that work on a developer's machine.

| variable                  | default                 | meaning                                            |
|---------------------------|-------------------------|----------------------------------------------------|
| HOST / PORT               | 127.0.0.1 / 8000        | where the HTTP service listens                     |
| NEO4J_URI                 | (unset: local Neo4j)    | any other Neo4j (server, Aura, cluster)            |
| NEO4J_USER                | neo4j                   | user for NEO4J_URI                                 |
| NEO4J_PASSWORD[_FILE]     | —                       | password for NEO4J_URI (or a file holding it)      |
| NEO4J_DATABASE            | neo4j                   | database name                                      |
| KIEZGRAPH_NEO4J_PORT      | 7687                    | Bolt port of the local Neo4j                       |
| KIEZGRAPH_NEO4J_HOME      | neo4j-local/run         | data, logs and password of the local Neo4j         |
| KIEZGRAPH_NEO4J_HEAP      | 512m                    | JVM heap of the local Neo4j                        |
| KIEZGRAPH_NEO4J_PAGECACHE | 256m                    | page cache of the local Neo4j                      |
| KIEZGRAPH_QUERY_TIMEOUT   | 15                      | seconds any one Neo4j transaction may take         |
| KIEZGRAPH_DEMO            | 1                       | `make run` loads the synthetic demo network        |
| KIEZGRAPH_PUBLIC_ACCESS   | 1                       | `0`: every request needs a token                   |
| KIEZGRAPH_INTROSPECTION   | 1                       | `0`: schema introspection is refused               |
| KIEZGRAPH_JWT_SECRET[_FILE] | —                     | accept HS256 JWTs signed with this secret          |
| KIEZGRAPH_JWT_PUBLIC_KEY_FILE | —                   | accept RS256 JWTs verified with this PEM key       |
| KIEZGRAPH_RATE_LIMIT      | 600                     | requests per minute per token (burst: a tenth)     |
| KIEZGRAPH_PUBLIC_RATE_LIMIT | 120                   | requests per minute per client address, no token   |
| KIEZGRAPH_MAX_BODY_BYTES  | 1048576                 | largest request body                               |
| KIEZGRAPH_MAX_DEPTH / _MAX_ALIASES / _MAX_TOKENS | 15 / 30 / 5000 | GraphQL document limits         |
| KIEZGRAPH_COST_PUBLIC / _RESEARCHER / _MANAGER / _ADMIN | 25000 / 100000 / 100000 / 500000 | most objects one operation may ask for, per role |
| KIEZGRAPH_REQUEST_TIMEOUT | 20                      | seconds a GraphQL query may run before it is stopped |
| KIEZGRAPH_EXECUTION_THREADS | 4                     | threads that execute GraphQL operations            |
| KIEZGRAPH_METRICS_WORKERS | 2                       | processes for betweenness and closeness            |
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from core.access import Role
from kiezgraph.local_neo4j import PROJECT_DIR
from schema import DEFAULT_BUDGETS


class SettingsError(ValueError):
    pass


@dataclass(frozen=True)
class ServiceOptions:
    """How the HTTP service guards itself: access, limits, rates."""

    public_access: bool = True
    introspection: bool = True
    jwt_secret: str | None = None
    jwt_public_key: str | None = None
    token_cache_seconds: float = 10.0
    rate_per_minute: int = 600
    public_rate_per_minute: int = 120
    max_body_bytes: int = 1_048_576
    max_depth: int = 15
    max_aliases: int = 30
    max_tokens: int = 5000
    # Cost budgets (schema/cost.py): the most objects one operation may ask for, per role.
    cost_public: int = DEFAULT_BUDGETS[Role.PUBLIC]
    cost_researcher: int = DEFAULT_BUDGETS[Role.RESEARCHER]
    cost_manager: int = DEFAULT_BUDGETS[Role.MANAGER]
    cost_admin: int = DEFAULT_BUDGETS[Role.ADMIN]
    request_timeout: float = 20.0  # seconds
    execution_threads: int = 4
    metrics_workers: int = 2


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 8000
    neo4j_uri: str | None = None
    neo4j_user: str = "neo4j"
    neo4j_password: str | None = None
    neo4j_database: str = "neo4j"
    local_neo4j_port: int = 7687
    local_neo4j_home: Path = PROJECT_DIR / "run"
    local_neo4j_heap: str = "512m"
    local_neo4j_pagecache: str = "256m"
    query_timeout: float = 15.0
    load_demo: bool = True
    options: ServiceOptions = ServiceOptions()

    @property
    def uses_local_neo4j(self) -> bool:
        return self.neo4j_uri is None

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> Settings:
        def integer(name: str, default: int) -> int:
            try:
                return int(env.get(name, default))
            except ValueError as exc:
                raise SettingsError(f"{name} must be a whole number") from exc

        password = env.get("NEO4J_PASSWORD")
        if password is None and env.get("NEO4J_PASSWORD_FILE"):
            password = Path(env["NEO4J_PASSWORD_FILE"]).read_text().strip()
        uri = env.get("NEO4J_URI") or None
        if uri and password is None:
            raise SettingsError("NEO4J_URI is set, so NEO4J_PASSWORD (or NEO4J_PASSWORD_FILE) is needed too")
        try:
            timeout = float(env.get("KIEZGRAPH_QUERY_TIMEOUT", 15.0))
        except ValueError as exc:
            raise SettingsError("KIEZGRAPH_QUERY_TIMEOUT must be a number of seconds") from exc
        try:
            request_timeout = float(env.get("KIEZGRAPH_REQUEST_TIMEOUT", 20.0))
        except ValueError as exc:
            raise SettingsError("KIEZGRAPH_REQUEST_TIMEOUT must be a number of seconds") from exc
        if not 0 < request_timeout < float("inf"):
            raise SettingsError("KIEZGRAPH_REQUEST_TIMEOUT must be a positive number of seconds")

        def flag(name: str, default: bool) -> bool:
            return env.get(name, "1" if default else "0").lower() not in ("0", "false", "no", "off")

        def secret(name: str) -> str | None:
            if env.get(name):
                return env[name]
            if env.get(f"{name}_FILE"):
                return Path(env[f"{name}_FILE"]).read_text().strip()
            return None

        public_key = None
        if env.get("KIEZGRAPH_JWT_PUBLIC_KEY_FILE"):
            public_key = Path(env["KIEZGRAPH_JWT_PUBLIC_KEY_FILE"]).read_text()
        jwt_secret = secret("KIEZGRAPH_JWT_SECRET")
        if jwt_secret is not None and len(jwt_secret.encode()) < 32:
            # RFC 7518 §3.2: an HS256 key must be at least as long as the hash (256 bits).
            raise SettingsError("KIEZGRAPH_JWT_SECRET must be at least 32 bytes long")
        options = ServiceOptions(
            public_access=flag("KIEZGRAPH_PUBLIC_ACCESS", True),
            introspection=flag("KIEZGRAPH_INTROSPECTION", True),
            jwt_secret=jwt_secret,
            jwt_public_key=public_key,
            rate_per_minute=integer("KIEZGRAPH_RATE_LIMIT", 600),
            public_rate_per_minute=integer("KIEZGRAPH_PUBLIC_RATE_LIMIT", 120),
            max_body_bytes=integer("KIEZGRAPH_MAX_BODY_BYTES", 1_048_576),
            max_depth=integer("KIEZGRAPH_MAX_DEPTH", 15),
            max_aliases=integer("KIEZGRAPH_MAX_ALIASES", 30),
            max_tokens=integer("KIEZGRAPH_MAX_TOKENS", 5000),
            cost_public=integer("KIEZGRAPH_COST_PUBLIC", ServiceOptions.cost_public),
            cost_researcher=integer("KIEZGRAPH_COST_RESEARCHER", ServiceOptions.cost_researcher),
            cost_manager=integer("KIEZGRAPH_COST_MANAGER", ServiceOptions.cost_manager),
            cost_admin=integer("KIEZGRAPH_COST_ADMIN", ServiceOptions.cost_admin),
            request_timeout=request_timeout,
            execution_threads=integer("KIEZGRAPH_EXECUTION_THREADS", 4),
            metrics_workers=integer("KIEZGRAPH_METRICS_WORKERS", 2),
        )
        return cls(
            options=options,
            host=env.get("HOST", "127.0.0.1"),
            port=integer("PORT", 8000),
            neo4j_uri=uri,
            neo4j_user=env.get("NEO4J_USER", "neo4j"),
            neo4j_password=password,
            neo4j_database=env.get("NEO4J_DATABASE", "neo4j"),
            local_neo4j_port=integer("KIEZGRAPH_NEO4J_PORT", 7687),
            local_neo4j_home=Path(env.get("KIEZGRAPH_NEO4J_HOME", PROJECT_DIR / "run")),
            local_neo4j_heap=env.get("KIEZGRAPH_NEO4J_HEAP", "512m"),
            local_neo4j_pagecache=env.get("KIEZGRAPH_NEO4J_PAGECACHE", "256m"),
            query_timeout=timeout,
            load_demo=env.get("KIEZGRAPH_DEMO", "1") not in ("0", "false", "no"),
        )
