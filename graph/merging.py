"""Merging duplicate actors: everything the duplicate had moves to the survivor.

Cooperations move (a cooperation of the same kind with the same partner over an overlapping
time is combined with the survivor's instead), memberships and action fields are united, the
duplicate's names become alternative names, and the duplicate stays as a ``:MergedActor``
tombstone with all its properties, so its old id still leads to the survivor. A cooperation
between the two cannot survive (it would be a self-tie); its data is kept on the tombstone.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any, Final, LiteralString

from graph import actors, persons
from graph.actors import ActorRecord, MembershipRecord
from graph.cooperations import CooperationRecord, projection_of
from graph.cooperations import record as cooperation_record
from graph.db import Transaction
from graph.names import search_key

COOPERATIONS_OF: Final[LiteralString] = (
    "MATCH (a:Actor {id: $id})-[c:COOPERATES_WITH]-(p:Actor) RETURN " + projection_of("c") + " AS c, p.id AS partner"
)

# Re-create cooperations on the survivor (Neo4j cannot re-point a relationship), ids kept.
MOVE_COOPERATIONS: Final[LiteralString] = """
UNWIND $rows AS row
MATCH ()-[old:COOPERATES_WITH {id: row.id}]->()
WITH row, old, properties(old) AS props
DELETE old
WITH row, props
MATCH (s:Actor {id: $survivor}), (p:Actor {id: row.partner})
CREATE (s)-[c:COOPERATES_WITH]->(p)
SET c = props, c.version = props.version + 1, c.updatedAt = datetime()
"""

# Fold a duplicate's cooperation into the survivor's matching one.
COMBINE_COOPERATIONS: Final[LiteralString] = """
UNWIND $rows AS row
MATCH ()-[keep:COOPERATES_WITH {id: row.keep}]->()
SET keep += row.props, keep.version = keep.version + 1, keep.updatedAt = datetime()
WITH row
MATCH ()-[gone:COOPERATES_WITH {id: row.gone}]->()
DELETE gone
"""

DELETE_COOPERATIONS: Final[LiteralString] = """
UNWIND $ids AS id
MATCH ()-[c:COOPERATES_WITH {id: id}]->()
DELETE c
"""

# The duplicate becomes a tombstone that points at the survivor; older tombstones follow.
TOMBSTONE: Final[LiteralString] = """
MATCH (d:Actor {id: $duplicate})
OPTIONAL MATCH (d)-[r]-()
DELETE r
WITH DISTINCT d
REMOVE d:Actor:Institution:Initiative:Company:HousingAssociation
SET d:MergedActor, d.mergedInto = $survivor, d.mergedAt = datetime(), d.originalType = $type,
    d.droppedCooperations = $dropped, d.combinedCooperations = $combined
WITH d
MATCH (older:MergedActor {mergedInto: $duplicate})
SET older.mergedInto = $survivor
"""


@dataclass(frozen=True)
class MergeSummary:
    moved_cooperations: int
    combined_cooperations: int
    dropped_cooperations: int
    memberships: int
    moved_persons: tuple[str, ...] = ()  # ids of the contact persons that moved to the survivor


def _overlap(a: CooperationRecord, b: CooperationRecord) -> bool:
    return (a.since or dt.date.min) <= (b.until or dt.date.max) and (b.since or dt.date.min) <= (a.until or dt.date.max)


def _combined(keep: CooperationRecord, gone: CooperationRecord) -> dict[str, Any]:
    def earliest(x: dt.date | None, y: dt.date | None) -> dt.date | None:
        return None if x is None or y is None else min(x, y)

    def latest(x: dt.date | None, y: dt.date | None) -> dt.date | None:
        return None if x is None or y is None else max(x, y)

    texts = [t for t in (keep.description, gone.description) if t]
    sources = [t for t in (keep.source, gone.source) if t]
    return {
        "actionFields": sorted(set(keep.action_fields) | set(gone.action_fields)),
        "since": earliest(keep.since, gone.since),
        "until": latest(keep.until, gone.until),
        "intensity": max(keep.intensity or 0, gone.intensity or 0) or None,
        "description": "\n\n".join(dict.fromkeys(texts)) or None,
        "source": "; ".join(dict.fromkeys(sources)) or None,
    }


def _snapshot(c: CooperationRecord) -> dict[str, Any]:
    return {
        "id": c.id,
        "kind": c.kind,
        "actionFields": list(c.action_fields),
        "since": c.since.isoformat() if c.since else None,
        "until": c.until.isoformat() if c.until else None,
        "intensity": c.intensity,
        "description": c.description,
        "source": c.source,
    }


def _merged_memberships(rows: list[MembershipRecord]) -> list[dict[str, Any]]:
    by_key: dict[tuple[str, str], dict[str, Any]] = {}
    for m in rows:
        key = (m.quarter_id, m.role)
        props = {
            "role": m.role,
            "since": m.since,
            "until": m.until,
            "flats": m.flats,
            "shareNote": m.share_note,
            "note": m.note,
            "sources": list(m.sources),
        }
        if key not in by_key:
            by_key[key] = props
            continue
        kept = by_key[key]
        kept["since"] = None if kept["since"] is None or m.since is None else min(kept["since"], m.since)
        kept["until"] = None if kept["until"] is None or m.until is None else max(kept["until"], m.until)
        kept["sources"] = list(dict.fromkeys(kept["sources"] + list(m.sources)))
        for field in ("flats", "shareNote", "note"):
            kept[field] = kept[field] if kept[field] is not None else props[field]
    return [{"quarter": q, "props": p} for (q, _), p in by_key.items()]


async def merge(
    tx: Transaction,
    survivor: ActorRecord,
    duplicate: ActorRecord,
    memberships: dict[str, list[MembershipRecord]],
) -> MergeSummary:
    theirs = [(cooperation_record(r["c"]), r["partner"]) for r in await tx.run(COOPERATIONS_OF, id=duplicate.id)]
    ours = [(cooperation_record(r["c"]), r["partner"]) for r in await tx.run(COOPERATIONS_OF, id=survivor.id)]
    dropped = [c for c, partner in theirs if partner == survivor.id]
    move, combine = [], []
    for c, partner in theirs:
        if partner == survivor.id:
            continue
        match = next((k for k, p in ours if p == partner and k.kind == c.kind and _overlap(k, c)), None)
        if match is None:
            move.append({"id": c.id, "partner": partner})
        else:
            combine.append({"keep": match.id, "gone": c.id, "props": _combined(match, c)})
    await tx.run(DELETE_COOPERATIONS, ids=[c.id for c in dropped])
    await tx.run(COMBINE_COOPERATIONS, rows=combine)
    await tx.run(MOVE_COOPERATIONS, rows=move, survivor=survivor.id)

    united = _merged_memberships(memberships.get(survivor.id, []) + memberships.get(duplicate.id, []))
    await actors.set_membership_rows(tx, survivor.id, united)
    await actors.set_action_fields(tx, survivor.id, sorted(set(survivor.action_fields) | set(duplicate.action_fields)))

    names = [
        n for n in dict.fromkeys([*survivor.alt_names, duplicate.name, *duplicate.alt_names]) if n != survivor.name
    ]
    props: dict[str, Any] = {
        "altNames": names,
        "searchKey": search_key([survivor.name, *names]),
        "tags": list(dict.fromkeys([*survivor.tags, *duplicate.tags])),
        "sources": list(dict.fromkeys([*survivor.sources, *duplicate.sources])),
    }
    for field, mine, other in (
        ("description", survivor.description, duplicate.description),
        ("street", survivor.street, duplicate.street),
        ("postalCode", survivor.postal_code, duplicate.postal_code),
        ("city", survivor.city, duplicate.city),
        ("website", survivor.website, duplicate.website),
    ):
        if mine is None and other is not None:
            props[field] = other
    location = survivor.location or duplicate.location
    await actors.set_props(tx, survivor.id, props, location, set_location=survivor.location is None)
    moved_persons = await persons.move(tx, duplicate.id, survivor.id)
    await tx.run(
        TOMBSTONE,
        duplicate=duplicate.id,
        survivor=survivor.id,
        type=duplicate.type,
        dropped=json.dumps([_snapshot(c) for c in dropped], ensure_ascii=False),
        combined=json.dumps({row["gone"]: row["keep"] for row in combine}),
    )
    return MergeSummary(len(move), len(combine), len(dropped), len(united), tuple(moved_persons))
