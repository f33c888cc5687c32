"""Versioned, idempotent migrations, applied at start-up and by ``kiezgraph migrate``.

A migration is a file in ``graph/migrations/`` named ``NNNN_name`` with one of two endings:

- ``.cypher``: statements separated by ``;``, each written so that running it twice changes
  nothing (``IF NOT EXISTS``);
- ``.py``: a module with ``async def apply(db: Database) -> None``, for what Cypher alone cannot
  do, such as recomputing stored keys with Python code (``graph.names``). It must be idempotent
  too: it may run again if the process stops before the version is recorded.

A ``(:Migration)`` node records every version that ran, with the checksum of its file, so a file
changed after the fact is noticed; a change is a new migration.
"""

from __future__ import annotations

import hashlib
import importlib.util
import inspect
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import LiteralString, cast

from graph.db import Database

MIGRATIONS_DIR = Path(__file__).with_name("migrations")

# The record of applied migrations must itself be unique per version.
ENSURE_LEDGER: LiteralString = (
    "CREATE CONSTRAINT migration_version IF NOT EXISTS FOR (m:Migration) REQUIRE m.version IS UNIQUE"
)
# Which versions ran, with their checksums.
APPLIED: LiteralString = "MATCH (m:Migration) RETURN m.version AS version, m.checksum AS checksum"
# Mark a version as applied (MERGE: two instances starting together record it once).
RECORD: LiteralString = """
MERGE (m:Migration {version: $version})
ON CREATE SET m.name = $name, m.checksum = $checksum, m.appliedAt = datetime()
"""


# A Python migration's entry point: ``apply(db)`` (keyword options with defaults are allowed).
Apply = Callable[..., Awaitable[None]]


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    statements: tuple[str, ...]
    checksum: str
    apply: Apply | None = None  # Python migrations only

    async def run(self, db: Database) -> None:
        for statement in self.statements:
            # Statements come from files in this package, never from input.
            await db.schema(cast(LiteralString, statement))
        if self.apply is not None:
            await self.apply(db)


class MigrationError(RuntimeError):
    pass


def _cypher(path: Path, version: int, name: str, text: str, checksum: str) -> Migration:
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("//"))
    statements = tuple(s.strip() for s in body.split(";") if s.strip())
    return Migration(version, name, statements, checksum)


def _python(path: Path, version: int, name: str, text: str, checksum: str) -> Migration:
    # Not importable by name (a module name cannot start with a digit, and this folder shares
    # its name with this module), so it is loaded from its file.
    spec = importlib.util.spec_from_file_location(f"graph._migration_{version:04d}_{name}", path)
    if spec is None or spec.loader is None:
        raise MigrationError(f"migration {path.name} cannot be loaded")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    apply = getattr(module, "apply", None)
    if not inspect.iscoroutinefunction(apply):
        raise MigrationError(f"migration {path.name} has no `async def apply(db)`")
    return Migration(version, name, (), checksum, apply)


_LOADERS = {"cypher": _cypher, "py": _python}


def load_migrations(directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    """Every migration in ``directory``, by version; a misnamed file or a doubled version is an error."""
    migrations: dict[int, Migration] = {}
    for path in sorted(p for p in directory.iterdir() if p.suffix in (".cypher", ".py")):
        match = re.fullmatch(r"(\d{4})_(\w+)\.(cypher|py)", path.name)
        if not match:
            raise MigrationError(f"migration file {path.name} is not named NNNN_name.cypher or NNNN_name.py")
        version = int(match[1])
        if version in migrations:
            raise MigrationError(f"two migrations have version {version}")
        text = path.read_text(encoding="utf-8")
        checksum = hashlib.sha256(text.encode()).hexdigest()[:16]
        migrations[version] = _LOADERS[match[3]](path, version, match[2], text, checksum)
    return [migrations[v] for v in sorted(migrations)]


LATEST_VERSION = max(m.version for m in load_migrations())


async def applied_versions(db: Database) -> dict[int, str]:
    return {row["version"]: row["checksum"] for row in await db.read(APPLIED)}


async def migrate(db: Database) -> list[int]:
    """Apply every migration not yet recorded; returns the versions applied now."""
    await db.schema(ENSURE_LEDGER)
    done = await applied_versions(db)
    applied_now = []
    for migration in load_migrations():
        if migration.version in done:
            if done[migration.version] != migration.checksum:
                raise MigrationError(
                    f"migration {migration.version} changed after it was applied; add a new one instead"
                )
            continue
        await migration.run(db)
        await db.write(RECORD, version=migration.version, name=migration.name, checksum=migration.checksum)
        applied_now.append(migration.version)
    return applied_now


async def is_migrated(db: Database) -> bool:
    return LATEST_VERSION in await applied_versions(db)
