"""0006: recompute every stored name key with the symmetric folding of :mod:`graph.names`.

Actors and quarters written before carry ``searchKey``/``nameKey``/``sortName`` from the old
folding, under which "Schöneberger" did not find "Schoeneberger" and "Stadtteilmuetter" was no
duplicate of "Stadtteilmütter". Recomputing them here lets a database upgraded in place answer
like a fresh one. Pages of ids in id order (keyset, no skipping), keys computed in Python, written
back with ``UNWIND``; running it again writes the same values. It also indexes ``nameKey``,
which the duplicate check looks up on every create and rename.
"""

from __future__ import annotations

from typing import Any, Final, LiteralString

from graph.db import Database
from graph.names import name_key, search_key, sort_key

BATCH_SIZE: Final = 1000

# The duplicate check looks actors up by their name as people see it.
NAME_KEY_INDEX: Final[LiteralString] = "CREATE INDEX actor_name_key IF NOT EXISTS FOR (a:Actor) ON (a.nameKey)"

# The next page of actors after an id, with the names their keys are made of.
ACTOR_PAGE: Final[LiteralString] = """
MATCH (a:Actor) WHERE a.id > $after
RETURN a.id AS id, coalesce(a.name, '') AS name, coalesce(a.altNames, []) AS altNames
ORDER BY a.id LIMIT $limit
"""
# Store one page of actors' recomputed keys.
SET_ACTOR_KEYS: Final[LiteralString] = """
UNWIND $rows AS row
MATCH (a:Actor {id: row.id})
SET a.searchKey = row.searchKey, a.nameKey = row.nameKey, a.sortName = row.sortName
"""
# The next page of quarters after an id, with their names.
QUARTER_PAGE: Final[LiteralString] = """
MATCH (q:Quarter) WHERE q.id > $after
RETURN q.id AS id, coalesce(q.name, '') AS name, coalesce(q.altNames, []) AS altNames
ORDER BY q.id LIMIT $limit
"""
# Store one page of quarters' recomputed keys (quarters have no duplicate check, so no nameKey).
SET_QUARTER_KEYS: Final[LiteralString] = """
UNWIND $rows AS row
MATCH (q:Quarter {id: row.id})
SET q.searchKey = row.searchKey, q.sortName = row.sortName
"""


def actor_keys(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "searchKey": search_key([row["name"], *row["altNames"]]),
        "nameKey": name_key(row["name"]),
        "sortName": sort_key(row["name"]),
    }


def quarter_keys(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "searchKey": search_key([row["name"], *row["altNames"]]),
        "sortName": sort_key(row["name"]),
    }


async def apply(db: Database, *, batch_size: int = BATCH_SIZE) -> None:
    await db.schema(NAME_KEY_INDEX)
    for page, store, keys in ((ACTOR_PAGE, SET_ACTOR_KEYS, actor_keys), (QUARTER_PAGE, SET_QUARTER_KEYS, quarter_keys)):
        after = ""
        while rows := await db.read(page, after=after, limit=batch_size):
            await db.write(store, rows=[keys(row) for row in rows])
            after = rows[-1]["id"]
