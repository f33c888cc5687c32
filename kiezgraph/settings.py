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
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from kiezgraph.local_neo4j import PROJECT_DIR


class SettingsError(ValueError):
    pass


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
        return cls(
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
