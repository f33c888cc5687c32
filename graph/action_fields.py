"""Action fields (Handlungsfelder) and the mapping between their generations."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, LiteralString

from graph.db import Database


@dataclass(frozen=True)
class ActionFieldRecord:
    id: str
    key: str
    name: str
    name_en: str
    era: str
    cross_cutting: bool
    successors: tuple[str, ...]
    predecessors: tuple[str, ...]


# All action fields with the keys they map to and from.
ALL: Final[LiteralString] = """
MATCH (f:ActionField)
RETURN f {.*, successors: [(f)-[:SUCCEEDED_BY]->(n) | n.key], predecessors: [(p)-[:SUCCEEDED_BY]->(f) | p.key]} AS f
ORDER BY f.era DESC, f.name
"""


async def all_fields(db: Database) -> list[ActionFieldRecord]:
    return [
        ActionFieldRecord(
            id=f["id"],
            key=f["key"],
            name=f["name"],
            name_en=f.get("nameEn") or f["name"],
            era=f["era"],
            cross_cutting=bool(f.get("crossCutting")),
            successors=tuple(sorted(f["successors"])),
            predecessors=tuple(sorted(f["predecessors"])),
        )
        for f in (row["f"] for row in await db.read(ALL))
    ]
