"""Versioned, idempotent schema migrations, applied at start-up and by ``kiezgraph migrate``.

Each ``graph/migrations/NNNN_name.cypher`` file holds statements separated by ``;``, each
written so that running it twice changes nothing (``IF NOT EXISTS``). A ``(:Migration)`` node
records every version that ran, with its checksum, so a changed file after the fact is noticed.
"""

from __future__ import annotations

import hashlib
import re
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


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    statements: tuple[str, ...]
    checksum: str


class MigrationError(RuntimeError):
    pass


def load_migrations(directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    migrations = []
    for path in sorted(directory.glob("*.cypher")):
        match = re.fullmatch(r"(\d{4})_(\w+)\.cypher", path.name)
        if not match:
            raise MigrationError(f"migration file {path.name} is not named NNNN_name.cypher")
        text = path.read_text(encoding="utf-8")
        body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("//"))
        statements = tuple(s.strip() for s in body.split(";") if s.strip())
        checksum = hashlib.sha256(text.encode()).hexdigest()[:16]
        migrations.append(Migration(int(match[1]), match[2], statements, checksum))
    return migrations


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
        for statement in migration.statements:
            # Statements come from files in this package, never from input.
            await db.schema(cast(LiteralString, statement))
        await db.write(RECORD, version=migration.version, name=migration.name, checksum=migration.checksum)
        applied_now.append(migration.version)
    return applied_now


async def is_migrated(db: Database) -> bool:
    return LATEST_VERSION in await applied_versions(db)
