"""Quarters (QM areas): their facts with sources, mergers, and lookups by id and slug."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final, LiteralString

from graph.convert import date_or_none
from graph.db import Database, Transaction


@dataclass(frozen=True)
class QuarterRecord:
    id: str
    slug: str
    name: str
    alt_names: tuple[str, ...]
    district: str
    city: str
    status: str  # active | ended | merged
    start_year: int
    start_date: dt.date | None
    start_note: str | None
    end_date: dt.date | None
    planned_end_date: dt.date | None
    area_ha: float | None
    residents: int | None
    residents_year: int | None
    note: str | None
    sources: tuple[str, ...]
    landmark: tuple[float, float] | None
    landmark_source: str | None
    merged_into_id: str | None
    merger_date: dt.date | None
    merger_sources: tuple[str, ...]
    merged_from_ids: tuple[str, ...]
    synthetic: bool
    successor_id: str | None = None  # the actor that carries the network on after the QM (an admin names it)


# The projection every quarter query returns (one row per quarter, facts and merger links).
_PROJECTION: Final[LiteralString] = """
OPTIONAL MATCH (q)-[m:MERGED_INTO]->(into:Quarter)
RETURN q {.*, landmark: null,
          lat: q.landmark.latitude, lon: q.landmark.longitude,
          mergedIntoId: into.id, mergerDate: m.date, mergerSources: m.sources,
          mergedFromIds: [(src:Quarter)-[:MERGED_INTO]->(q) | src.id],
          successorId: head([(q)-[:SUCCEEDED_BY]->(s:Actor) | s.id])} AS q
"""

# The same quarter projection as an expression over ``q`` (no MATCH of its own), for queries
# that return quarters beside other rows (an actor's memberships).
PROJECTION_EXPRESSION: Final[LiteralString] = """q {.*, landmark: null,
  lat: q.landmark.latitude, lon: q.landmark.longitude,
  mergedIntoId: head([(q)-[:MERGED_INTO]->(into:Quarter) | into.id]),
  mergerDate: head([(q)-[m:MERGED_INTO]->(:Quarter) | m.date]),
  mergerSources: head([(q)-[m:MERGED_INTO]->(:Quarter) | m.sources]),
  mergedFromIds: [(src:Quarter)-[:MERGED_INTO]->(q) | src.id]}"""

# All quarters, by name.
ALL: Final[LiteralString] = "MATCH (q:Quarter)" + _PROJECTION + " ORDER BY q.sortName, q.id"
# Quarters by id, for batched loading.
BY_IDS: Final[LiteralString] = "MATCH (q:Quarter) WHERE q.id IN $ids" + _PROJECTION
# One quarter by slug inside a write transaction, locked against concurrent handovers.
LOCK_BY_SLUG: Final[LiteralString] = (
    "MATCH (q:Quarter {slug: $slug}) SET q._lock = true REMOVE q._lock WITH q" + _PROJECTION
)
# An admin sets a quarter's status and end date (the QM ends, or is extended).
SET_STATUS: Final[LiteralString] = "MATCH (q:Quarter {id: $id}) SET q.status = $status, q.endDate = $endDate"
# The successor: at most one actor per quarter; naming another replaces it, null removes it.
SET_SUCCESSOR: Final[LiteralString] = """
MATCH (q:Quarter {id: $id})
OPTIONAL MATCH (q)-[old:SUCCEEDED_BY]->(:Actor)
DELETE old
WITH DISTINCT q
OPTIONAL MATCH (s:Actor {id: $successor})
FOREACH (_ IN CASE WHEN s IS NULL THEN [] ELSE [1] END | MERGE (q)-[:SUCCEEDED_BY]->(s))
"""
# The QM office and its Träger in a quarter on a day: actors with a current qm_operator membership.
QM_ACTORS: Final[LiteralString] = """
MATCH (a:Actor)-[m:ACTIVE_IN {role: 'qm_operator'}]->(:Quarter {slug: $slug})
WHERE (m.since IS NULL OR m.since <= $day) AND (m.until IS NULL OR m.until >= $day)
RETURN collect(DISTINCT a.id) AS ids
"""
# Quarters by slug, for batched loading.
BY_SLUGS: Final[LiteralString] = "MATCH (q:Quarter) WHERE q.slug IN $slugs" + _PROJECTION


def _record(row: dict[str, Any]) -> QuarterRecord:
    return record(row["q"])


def record(q: dict[str, Any]) -> QuarterRecord:
    """A quarter from :data:`PROJECTION_EXPRESSION` (or the projection of the queries here)."""
    return QuarterRecord(
        id=q["id"],
        slug=q["slug"],
        name=q["name"],
        alt_names=tuple(q.get("altNames") or ()),
        district=q["district"],
        city=q.get("city") or "Berlin",
        status=q["status"],
        start_year=q["startYear"],
        start_date=date_or_none(q.get("startDate")),
        start_note=q.get("startNote"),
        end_date=date_or_none(q.get("endDate")),
        planned_end_date=date_or_none(q.get("plannedEndDate")),
        area_ha=q.get("areaHa"),
        residents=q.get("residents"),
        residents_year=q.get("residentsYear"),
        note=q.get("note"),
        sources=tuple(q.get("sources") or ()),
        landmark=(q["lat"], q["lon"]) if q.get("lat") is not None else None,
        landmark_source=q.get("landmarkSource"),
        merged_into_id=q.get("mergedIntoId"),
        merger_date=date_or_none(q.get("mergerDate")),
        merger_sources=tuple(q.get("mergerSources") or ()),
        merged_from_ids=tuple(sorted(q.get("mergedFromIds") or ())),
        synthetic=bool(q.get("synthetic")),
        successor_id=q.get("successorId"),
    )


async def all_quarters(db: Database) -> list[QuarterRecord]:
    return [_record(row) for row in await db.read(ALL)]


async def by_ids(db: Database, ids: Sequence[str]) -> dict[str, QuarterRecord]:
    records = (_record(row) for row in await db.read(BY_IDS, ids=list(ids)))
    return {r.id: r for r in records}


async def by_slugs(db: Database, slugs: Sequence[str]) -> dict[str, QuarterRecord]:
    records = (_record(row) for row in await db.read(BY_SLUGS, slugs=list(slugs)))
    return {r.slug: r for r in records}


async def locked(tx: Transaction, slug: str) -> QuarterRecord | None:
    """The quarter, write-locked for the rest of the transaction (two handovers never interleave)."""
    rows = await tx.run(LOCK_BY_SLUG, slug=slug)
    return _record(rows[0]) if rows else None


async def set_status(tx: Transaction, quarter_id: str, status: str, end_date: dt.date | None) -> None:
    await tx.run(SET_STATUS, id=quarter_id, status=status, endDate=end_date)


async def set_successor(tx: Transaction, quarter_id: str, actor_id: str | None) -> None:
    await tx.run(SET_SUCCESSOR, id=quarter_id, successor=actor_id)


async def qm_actor_ids(db: Database, slug: str, day: dt.date) -> list[str]:
    [row] = await db.read(QM_ACTORS, slug=slug, day=day)
    return sorted(row["ids"])
