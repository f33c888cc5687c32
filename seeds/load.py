"""Loads the seeds: reference data (quarters, action fields, real organisations) and the demo."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graph import seeding
from graph.db import Database
from graph.ids import seed_id
from graph.names import name_key, search_key, sort_key
from seeds import demo
from seeds.action_fields import ACTION_FIELDS
from seeds.quarters import LANDMARK_NOTE, LINKS, ORGANISATIONS, QUARTERS


@dataclass(frozen=True)
class DemoSummary:
    actors: int
    cooperations: int
    projects: int = 0


def _quarter_row(q: Any) -> dict[str, Any]:
    names = [q.name, *q.alt_names]
    props = {
        "slug": q.slug,
        "name": q.name,
        "altNames": list(q.alt_names),
        "searchKey": search_key(names),
        "sortName": sort_key(q.name),
        "district": q.district,
        "city": q.city,
        "status": q.status,
        "startYear": q.start_year,
        "startDate": q.start_date,
        "startNote": q.start_note,
        "endDate": q.end_date,
        "plannedEndDate": q.planned_end_date,
        "areaHa": q.area_ha,
        "residents": q.residents,
        "residentsYear": q.residents_year,
        "note": q.note,
        "sources": list(q.sources),
        "landmarkSource": LANDMARK_NOTE if q.landmark else None,
        "synthetic": False,
    }
    lat, lon = q.landmark if q.landmark else (None, None)
    return {"id": seed_id("quarter", q.slug), "props": props, "lat": lat, "lon": lon}


def _actor_props(name: str, alt_names: list[str], synthetic: bool, **extra: Any) -> dict[str, Any]:
    return {
        "name": name,
        "altNames": alt_names,
        "searchKey": search_key([name, *alt_names]),
        "nameKey": name_key(name),
        "sortName": sort_key(name),
        "synthetic": synthetic,
        "tags": [],
        **{key: value for key, value in extra.items() if value is not None},
    }


async def load_reference(db: Database) -> None:
    """Quarters with their facts and sources, action fields, and the real organisations."""
    await seeding.upsert(db, seeding.UPSERT_QUARTERS, [_quarter_row(q) for q in QUARTERS])
    mergers = [
        {"slug": q.slug, "into": q.merged_into, "date": q.merger_date, "sources": list(q.merger_sources)}
        for q in QUARTERS
        if q.merged_into
    ]
    await seeding.upsert(db, seeding.UPSERT_MERGERS, mergers)
    fields = [
        {
            "id": seed_id("action-field", f.key),
            "props": {"key": f.key, "name": f.name, "nameEn": f.name_en, "era": f.era, "crossCutting": f.cross_cutting},
        }
        for f in ACTION_FIELDS
    ]
    await seeding.upsert(db, seeding.UPSERT_ACTION_FIELDS, fields)
    successions = [{"old": f.key, "new": new} for f in ACTION_FIELDS for new in f.successors]
    await seeding.upsert(db, seeding.UPSERT_ACTION_FIELD_SUCCESSIONS, successions)
    organisations = [
        {
            "id": seed_id("actor", o.key),
            "type": o.type,
            "lat": None,
            "lon": None,
            "props": _actor_props(
                o.name, list(o.alt_names), False, sources=list(o.sources), ownership=o.ownership, sector=o.sector
            ),
        }
        for o in ORGANISATIONS
    ]
    await seeding.upsert(db, seeding.UPSERT_ACTORS, organisations)
    links = [
        {
            "actor": seed_id("actor", link.organisation),
            "quarter": link.quarter,
            "role": link.role,
            "props": {
                "sources": list(link.sources),
                "until": link.until,
                "shareNote": link.share_note,
                "flats": link.flats,
                "note": link.note,
            },
        }
        for link in LINKS
    ]
    await seeding.upsert(db, seeding.UPSERT_MEMBERSHIPS, links)


async def load_demo(db: Database) -> DemoSummary:
    """The synthetic demo network (needs the reference data for its quarters and fields)."""
    actors = []
    for a in demo.ACTORS:
        lat, lon = a.location if a.location else (None, None)
        props = _actor_props(
            a.name,
            [],
            True,
            description=a.description,
            institutionKind=a.kind,
            legalForm=a.legal_form,
            sector=a.sector,
            socialEnterprise=a.social_enterprise,
            ownership=a.ownership,
            sources=["synthetic demo data"],
        )
        props["tags"] = list(a.tags)
        actors.append({"id": seed_id("demo-actor", a.key), "type": a.type, "lat": lat, "lon": lon, "props": props})
    await seeding.upsert(db, seeding.UPSERT_ACTORS, actors)
    memberships = [
        {
            "actor": seed_id("demo-actor", a.key),
            "quarter": quarter,
            "role": "member",
            "props": {"since": a.since, "sources": ["synthetic demo data"]},
        }
        for a in demo.ACTORS
        for quarter in a.quarters
    ]
    await seeding.upsert(db, seeding.UPSERT_MEMBERSHIPS, memberships)
    fields = [{"actor": seed_id("demo-actor", a.key), "field": f} for a in demo.ACTORS for f in a.action_fields]
    await seeding.upsert(db, seeding.UPSERT_ACTOR_FIELDS, fields)
    cooperations = [
        {
            "id": seed_id("demo-cooperation", f"{c.a}~{c.b}"),
            "a": seed_id("demo-actor", c.a),
            "b": seed_id("demo-actor", c.b),
            "props": {
                "kind": c.kind,
                "actionFields": list(c.action_fields),
                "since": c.since,
                "until": c.until,
                "intensity": c.intensity,
                "description": c.description,
                "source": "synthetic demo data",
                "synthetic": True,
            },
        }
        for c in demo.COOPERATIONS
    ]
    await seeding.upsert(db, seeding.UPSERT_COOPERATIONS, cooperations)
    await _load_demo_projects(db)
    return DemoSummary(actors=len(actors), cooperations=len(cooperations), projects=len(demo.PROJECTS))


async def _load_demo_projects(db: Database) -> None:
    """The synthetic projects, their council decisions, and the demo organisations' council seats."""
    source = "synthetic demo data"
    projects = [
        {
            "id": seed_id("demo-project", p.key),
            "quarters": list(p.quarters),
            "sponsor": seed_id("demo-actor", p.sponsor) if p.sponsor else None,
            "partners": [[seed_id("demo-actor", a), role] for a, role in p.partners],
            "props": {
                "title": p.title,
                "fund": p.fund,
                "description": p.description,
                "amountCents": p.amount_cents,
                "start": p.start,
                "end": p.end,
                "status": p.steps[-1][0],
                "stepStatuses": [s for s, _ in p.steps],
                "stepDates": [d for _, d in p.steps],
                "actionFields": list(p.action_fields),
                "outcome": p.outcome,
                "source": source,
                "synthetic": True,
            },
        }
        for p in demo.PROJECTS
    ]
    await seeding.create_missing_projects(db, projects)
    decisions = [
        {
            "id": seed_id("demo-decision", f"{p.key}~{d.quarter}~{d.date.isoformat()}"),
            "project": seed_id("demo-project", p.key),
            "quarter": d.quarter,
            "props": {
                "date": d.date,
                "body": d.body,
                "votesFor": d.votes[0],
                "votesAgainst": d.votes[1],
                "abstentions": d.votes[2],
                "recommendation": d.recommendation,
                "note": None,
                "synthetic": True,
            },
        }
        for p in demo.PROJECTS
        for d in p.decisions
    ]
    await seeding.upsert(db, seeding.UPSERT_DECISIONS, decisions)
    seats = [
        {
            "id": seed_id("demo-seat", f"{actor}~{quarter}~{body}"),
            "actor": seed_id("demo-actor", actor),
            "quarter": quarter,
            "props": {"body": body, "since": since, "until": None, "synthetic": True},
        }
        for actor, quarter, body, since in demo.COUNCIL_SEATS
    ]
    await seeding.upsert(db, seeding.UPSERT_SEATS, seats)


async def remove_demo(db: Database) -> DemoSummary:
    projects = await seeding.remove_synthetic_projects(db)
    actors, cooperations = await seeding.remove_synthetic(db)
    return DemoSummary(actors=actors, cooperations=cooperations, projects=projects)
