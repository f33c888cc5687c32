"""The handover dossier's content: everything the printed document shows, gathered as plain
values from the same functions the API answers with (so its numbers are the API's).

The dossier is dated by the data, not by the clock: its day is the day of the network's last
change (the revision's day; for a quarter that ended before, its end date), so asked again at
the same revision it is the same document. Contact persons are in it only for those allowed to
read them (``core.access.DOSSIER_CONTACTS``), and its missing links only for those who may ask the
``missingLinks`` query (``core.access.MISSING_LINKS``): the dossier tells no reader more than the API would.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass

from analysis import change as change_analysis
from analysis import metrics as metric_analysis
from analysis import missing_links as gaps
from analysis.dossier import (
    Contact,
    Dossier,
    FieldRow,
    KeyActor,
    Link,
    RiskRow,
)
from analysis.projection import project
from core import access as rules
from core.access import Role
from core.context import Context
from graph import projects, revision
from graph.networks import NetworkData
from graph.quarters import QuarterRecord
from resolvers import handover
from resolvers.handover import AtRiskResult, ChangeResult

CHANGE_YEARS = 3  # the change table compares the dossier's day with the day this many years before
KEY_ACTORS = 10
MISSING_LINKS = 5
MAX_CONTACTS = 200


@dataclass(frozen=True)
class Gathered:
    """What the dossier is built from (kept for tests that compare it with the API)."""

    dossier: Dossier
    at_risk: AtRiskResult
    change: ChangeResult


def may_see_people(ctx: Context, slug: str) -> bool:
    """The rule for the dossier's contacts: admins; managers of this quarter (ended ones too)."""
    p = ctx.principal
    if not rules.DOSSIER_CONTACTS.allows(p.role):
        return False
    return p.role is Role.ADMIN or slug in p.quarters


def may_see_links(ctx: Context) -> bool:
    """The rule for the dossier's missing links: the same as for the ``missingLinks`` query."""
    return rules.MISSING_LINKS.allows(ctx.principal.role)


def audience(ctx: Context, slug: str) -> str:
    """Which of the dossier's three versions the reader gets: ``people`` (contacts and missing
    links), ``links`` (missing links, no contacts) or ``public`` (neither)."""
    if may_see_people(ctx, slug):
        return "people"
    return "links" if may_see_links(ctx) else "public"


async def edition(ctx: Context, slug: str) -> tuple[str, int, dt.date, str]:
    """What makes one dossier the same document as another: quarter, revision (with its day),
    and the reader's audience. Callers add language and format to cache by it."""
    current, revision_day = await revision.state(ctx.db)
    slug = slug.strip().lower()
    return slug, current, revision_day or dt.date.today(), audience(ctx, slug)


def _day(revision_day: dt.date | None, end: dt.date | None) -> dt.date:
    day = revision_day or dt.date.today()  # no write yet: nothing to be reproducible against
    return min(day, end) if end is not None else day


def _years(first: int, day: dt.date) -> list[dt.date]:
    return [dt.date(y, 12, 31) for y in range(first, day.year)] + [day]


def _without(data: NetworkData, removed: set[str]) -> NetworkData:
    nodes = [n for n in data.nodes if n.id not in removed]
    edges = [e for e in data.edges if e.source not in removed and e.target not in removed]
    return NetworkData(nodes, edges)


async def gather(ctx: Context, slug: str) -> Gathered:
    q = await handover.quarter(ctx, slug)
    current, revision_day = await revision.state(ctx.db)
    day = _day(revision_day, q.end_date)
    risk = await handover.at_risk(ctx, q.slug, day, None)
    start = max(dt.date(day.year - CHANGE_YEARS, day.month, min(day.day, 28)), dt.date(q.start_year, 1, 1))
    changed = await handover.change(ctx, q.slug, start, day) if start < day else None
    history = await handover.network_on(ctx, q, None)
    data = risk.network
    qm = set(risk.analysis.qm_ids)

    def compute() -> tuple[metric_analysis.Metrics, list[change_analysis.Snapshot], list[gaps.MissingLink], list[str]]:
        p = project(data)
        found = metric_analysis.compute(p)
        series = change_analysis.series(history, _years(q.start_year, day))
        rest = project(_without(data, qm))
        fields = {n.id: frozenset(n.action_fields) for n in data.nodes}
        return found, series, gaps.find(rest, [fields[i] for i in rest.ids], MISSING_LINKS), rest.ids

    found, series, links, rest_ids = await asyncio.to_thread(compute)
    names = {n.id: n.name for n in data.nodes}
    field_names = {f.key: (f.name, f.name_en) for f in await ctx.loaders.action_fields()}
    successor = await ctx.loaders.actor_by_id.load(q.successor_id) if q.successor_id else None
    people = may_see_people(ctx, q.slug)
    dossier = Dossier(
        quarter=q,
        revision=current,
        day=day,
        synthetic=any(n.synthetic for n in data.nodes),
        network=data,
        qm_ids=tuple(sorted(qm)),
        metrics=found.network,
        key_actors=_key_actors(found, names),
        communities=_communities(found, names),
        fields=_fields(data, field_names),
        risk=_risk(risk, names, field_names),
        change=changed.change if changed else None,
        series=series,
        missing_links=[Link(names[rest_ids[m.a]], names[rest_ids[m.b]], m.reasons) for m in links]
        if may_see_links(ctx)
        else None,
        successor=successor.name if successor else None,
        contacts=await _contacts(ctx, list(dict.fromkeys([*([successor.id] if successor else []), *names])))
        if people
        else None,
        names=names,
        projects=await projects.of_quarter(ctx.db, q.slug),
    )
    return Gathered(dossier, risk, changed) if changed else Gathered(dossier, risk, _empty(q, day))


def _empty(q: QuarterRecord, day: dt.date) -> ChangeResult:
    empty = change_analysis.compare(NetworkData([], []), NetworkData([], []), day, day)
    return ChangeResult(q, empty)


def _key_actors(found: metric_analysis.Metrics, names: dict[str, str]) -> list[KeyActor]:
    ranked = sorted(found.actors, key=lambda a: (-a.betweenness, -a.degree, a.id))[:KEY_ACTORS]
    return [KeyActor(names[a.id], a.degree, a.betweenness, a.community, a.broker_roles) for a in ranked]


def _communities(found: metric_analysis.Metrics, names: dict[str, str]) -> list[list[str]]:
    groups: dict[int, list[str]] = {}
    for a in found.actors:
        groups.setdefault(a.community, []).append(names[a.id])
    return [sorted(groups[c]) for c in sorted(groups) if len(groups[c]) > 1]


def _fields(data: NetworkData, field_names: dict[str, tuple[str, str]]) -> list[FieldRow]:
    actors: dict[str, list[str]] = {}
    for n in data.nodes:
        for key in n.action_fields:
            actors.setdefault(key, []).append(n.name)
    ties: dict[str, int] = {}
    for e in data.edges:
        for key in set(e.action_fields or ()):
            ties[key] = ties.get(key, 0) + 1
    keys = sorted(set(actors) | set(ties), key=lambda k: (-len(actors.get(k, [])), k))
    return [FieldRow(field_names.get(k, (k, k)), sorted(actors.get(k, [])), ties.get(k, 0)) for k in keys]


def _risk(r: AtRiskResult, names: dict[str, str], field_names: dict[str, tuple[str, str]]) -> RiskRow:
    a = r.analysis
    return RiskRow(
        qm=[names[i] for i in a.qm_ids],
        cut_vertices=[(names[c.id], c.qm, [names[i] for i in c.cut_off]) for c in a.cut_vertices],
        bridges=[(names[b.a], names[b.b], b.qm, len(b.cut_off)) for b in a.bridges],
        bridge_ids={(b.a, b.b) for b in a.bridges},
        isolated=[names[i] for i in a.isolated_without_qm],
        cut_off=[names[i] for i in a.cut_off_without_qm],
        fields_lost=[field_names.get(f.field, (f.field, f.field)) for f in a.fields_lost_without_qm],
        components=a.components,
        components_without_qm=a.components_without_qm,
    )


async def _contacts(ctx: Context, actor_ids: list[str]) -> list[Contact]:
    found = await ctx.loaders.persons.load_many(actor_ids)
    actors = await ctx.loaders.actor_by_id.load_many(actor_ids)
    contacts = [
        Contact(actor.name, p.name, p.function, p.email, p.phone)
        for actor, persons in zip(actors, found, strict=True)
        if actor is not None
        for p in persons or []
    ]
    return contacts[:MAX_CONTACTS]
