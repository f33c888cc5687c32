"""Projects, the quarter councils' decisions on them, and who sits on those councils.

The model (migration 0008):

- ``(:Project {id, title, description, fund, programme, amountCents, start, end, status,
  stepStatuses, stepDates, actionFields, outcome, source, synthetic, version, …})``: the amount is
  kept in whole cents (Neo4j has no decimal type; euros with two decimals are exact in cents);
  the steps through the QM process are two parallel lists (status, day), oldest first.
- ``(p)-[:IN_QUARTER]->(:Quarter)``: one quarter, or several for a Netzwerkfonds project.
- ``(:Actor)-[:SPONSORS]->(p)``: the project sponsor (Projektträger), at most one.
- ``(:Actor)-[:PARTNER_IN {role}]->(p)``: partners, each with a role (partner, venue, co-funder…).
- ``(:CouncilDecision {id, date, body, votesFor, votesAgainst, abstentions, recommendation,
  note})-[:ON]->(p)`` and ``-[:OF_QUARTER]->(:Quarter)``: a Quartiersrat's or an Aktionsfondsjury's vote.
- ``(:Actor)-[:SITS_ON {id, body, since, until}]->(:Quarter)``: an organisation's seat on a council.

Filters are fixed query text with optional parameters (``$x IS NULL OR …``): nothing here is
assembled from input except the allow-listed sort keys of :data:`PROJECT_SORT`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Final, LiteralString, cast

from graph.convert import date_or_none, datetime_or_none
from graph.db import Database, Runner, Transaction
from graph.filters import Compiler
from graph.pagination import Page, SortField, order_by, seek

# The statuses in which the money is granted: what funding sums count.
FUNDED_STATUSES: Final = ("approved", "tendered", "awarded", "running", "finished")
# The statuses in which the sponsor and partners work together: what counts as a tie between them.
TIE_STATUSES: Final = ("awarded", "running", "finished")

_PROJECTION = """{v} {{.id, .title, .description, .fund, .programme, .amountCents, .status, .actionFields,
  .outcome, .source, .synthetic, .version,
  start: toString({v}.start), end: toString({v}.end),
  steps: [i IN range(0, size(coalesce({v}.stepStatuses, [])) - 1) |
    [{v}.stepStatuses[i], toString({v}.stepDates[i])]],
  quarters: [({v})-[:IN_QUARTER]->(q:Quarter) | q.slug],
  sponsor: head([(s:Actor)-[:SPONSORS]->({v}) | s.id]),
  partners: [(x:Actor)-[r:PARTNER_IN]->({v}) | [x.id, r.role]],
  createdAt: {v}.createdAt.epochMillis, updatedAt: {v}.updatedAt.epochMillis}}"""


def projection(v: str) -> LiteralString:
    return cast(LiteralString, _PROJECTION.format(v=v))


@dataclass(frozen=True)
class Step:
    """A step of a project through the QM process, with its day."""

    status: str
    date: dt.date


@dataclass(frozen=True)
class ProjectRecord:
    id: str
    title: str
    description: str | None
    fund: str
    programme: str | None
    amount_cents: int | None
    start: dt.date | None
    end: dt.date | None
    status: str
    steps: tuple[Step, ...]
    action_fields: tuple[str, ...]
    quarters: tuple[str, ...]  # slugs
    sponsor_id: str | None
    partners: tuple[tuple[str, str], ...]  # (actor id, role), ordered by actor id
    outcome: str | None
    source: str | None
    synthetic: bool
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int

    def snapshot(self) -> dict[str, Any]:
        """What the audit trail keeps of a project."""
        return {
            "title": self.title,
            "description": self.description,
            "fund": self.fund,
            "programme": self.programme,
            "amountCents": self.amount_cents,
            "start": self.start.isoformat() if self.start else None,
            "end": self.end.isoformat() if self.end else None,
            "status": self.status,
            "steps": [[s.status, s.date.isoformat()] for s in self.steps],
            "actionFields": list(self.action_fields),
            "quarters": sorted(self.quarters),
            "sponsor": self.sponsor_id,
            "partners": [list(p) for p in self.partners],
            "outcome": self.outcome,
            "source": self.source,
            "synthetic": self.synthetic,
        }


def record(p: dict[str, Any]) -> ProjectRecord:
    created = datetime_or_none(p.get("createdAt")) or dt.datetime.now(dt.UTC)
    return ProjectRecord(
        id=p["id"],
        title=p["title"],
        description=p.get("description"),
        fund=p["fund"],
        programme=p.get("programme"),
        amount_cents=p.get("amountCents"),
        start=date_or_none(p.get("start")),
        end=date_or_none(p.get("end")),
        status=p["status"],
        steps=tuple(Step(s, dt.date.fromisoformat(d)) for s, d in p.get("steps") or ()),
        action_fields=tuple(p.get("actionFields") or ()),
        quarters=tuple(sorted(p.get("quarters") or ())),
        sponsor_id=p.get("sponsor"),
        partners=tuple(sorted((a, r) for a, r in p.get("partners") or ())),
        outcome=p.get("outcome"),
        source=p.get("source"),
        synthetic=bool(p.get("synthetic")),
        created_at=created,
        updated_at=datetime_or_none(p.get("updatedAt")) or created,
        version=int(p.get("version") or 1),
    )


# ---- criteria ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProjectCriteria:
    """Which projects: every given condition holds (None: no condition)."""

    quarters: tuple[str, ...] | None = None
    funds: tuple[str, ...] | None = None
    statuses: tuple[str, ...] | None = None
    sponsor: str | None = None
    partner: str | None = None
    participant: str | None = None  # sponsor or partner
    action_fields: tuple[str, ...] | None = None  # any of them (generations already mapped)
    period_from: dt.date | None = None  # the project's period overlaps [from, to]
    period_to: dt.date | None = None
    synthetic: bool | None = None

    def params(self) -> dict[str, Any]:
        return {
            "pQuarters": list(self.quarters) if self.quarters is not None else None,
            "pFunds": list(self.funds) if self.funds is not None else None,
            "pStatuses": list(self.statuses) if self.statuses is not None else None,
            "pSponsor": self.sponsor,
            "pPartner": self.partner,
            "pParticipant": self.participant,
            "pFields": list(self.action_fields) if self.action_fields is not None else None,
            "pFrom": self.period_from,
            "pTo": self.period_to,
            "pSynthetic": self.synthetic,
        }


# A predicate on project `p` from the parameters of ProjectCriteria.params().
_WHERE: Final[LiteralString] = """
($pQuarters IS NULL OR EXISTS { (p)-[:IN_QUARTER]->(pq:Quarter) WHERE pq.slug IN $pQuarters })
AND ($pFunds IS NULL OR p.fund IN $pFunds)
AND ($pStatuses IS NULL OR p.status IN $pStatuses)
AND ($pSponsor IS NULL OR EXISTS { (:Actor {id: $pSponsor})-[:SPONSORS]->(p) })
AND ($pPartner IS NULL OR EXISTS { (:Actor {id: $pPartner})-[:PARTNER_IN]->(p) })
AND ($pParticipant IS NULL OR EXISTS { (:Actor {id: $pParticipant})-[:SPONSORS|PARTNER_IN]->(p) })
AND ($pFields IS NULL OR any(f IN coalesce(p.actionFields, []) WHERE f IN $pFields))
AND ($pFrom IS NULL OR p.end IS NULL OR p.end >= $pFrom)
AND ($pTo IS NULL OR p.start IS NULL OR p.start <= $pTo)
AND ($pSynthetic IS NULL OR p.synthetic = $pSynthetic)
"""

PROJECT_SORT: Final[dict[str, LiteralString]] = {
    # ISO dates sort as text; unknown starts sort first.
    "START": "coalesce(toString({v}.start), '')",
    "TITLE": "toLower({v}.title)",
    "AMOUNT": "coalesce({v}.amountCents, 0)",
}


def sort_field(name: str, descending: bool) -> SortField:
    return SortField(name, PROJECT_SORT[name], descending)


@dataclass(frozen=True)
class ProjectPage:
    total: int
    rows: list[tuple[ProjectRecord, list[Any]]]
    has_more: bool


# ---- reads ---------------------------------------------------------------------------------

BY_IDS: Final[LiteralString] = "MATCH (p:Project) WHERE p.id IN $ids RETURN " + projection("p") + " AS p"


async def by_ids(db: Runner, ids: Sequence[str]) -> dict[str, ProjectRecord]:
    return {r.id: r for r in (record(row["p"]) for row in await db.run(BY_IDS, ids=list(ids)))}


async def one(db: Runner, project_id: str) -> ProjectRecord | None:
    return (await by_ids(db, [project_id])).get(project_id)


async def page(db: Database, criteria: ProjectCriteria, page: Page) -> ProjectPage:
    """A page of the projects that match, with their total, in one query."""
    compiler = Compiler("s")
    after = seek(page, "p", compiler)
    keys = ", ".join(f.expression.format(v="p") for f in page.sort)
    query = cast(
        LiteralString,
        f"CALL () {{ MATCH (p:Project) WHERE {_WHERE} RETURN count(p) AS total }} "
        f"CALL (total) {{ MATCH (p:Project) WHERE {_WHERE} AND {after} "
        f"  WITH p ORDER BY {order_by(page.sort, 'p')} LIMIT $limit "
        f"  RETURN collect({{p: {projection('p')}, k: [{keys}]}}) AS rows }} "
        "RETURN total, rows",
    )
    [row] = await db.read(query, limit=page.first + 1, **criteria.params(), **compiler.params)
    rows = [(record(r["p"]), r["k"]) for r in row["rows"]]
    return ProjectPage(total=row["total"], rows=rows[: page.first], has_more=len(rows) > page.first)


# The relationship from an actor to the projects it takes part in, per role (None: either); the
# only text of the actors' page query that varies, chosen from this fixed list.
_ROLE_TIES: Final[dict[str | None, LiteralString]] = {
    "sponsor": "SPONSORS",
    "partner": "PARTNER_IN",
    None: "SPONSORS|PARTNER_IN",
}


async def pages_of_actors(
    db: Database, actor_ids: Sequence[str], role: str | None, criteria: ProjectCriteria, page: Page
) -> dict[str, ProjectPage]:
    """For each actor, the page of the projects it takes part in (as ``role``) that match, with
    their total: one query for all actors (an actor with none gets an empty page)."""
    tie = _ROLE_TIES[role]
    compiler = Compiler("s")
    after = seek(page, "p", compiler)
    keys = ", ".join(f.expression.format(v="p") for f in page.sort)
    # The actor's own tie stands for the criteria's sponsor/partner/participant of the same role.
    query = cast(
        LiteralString,
        "UNWIND $actors AS aid "
        f"CALL (aid) {{ MATCH (:Actor {{id: aid}})-[:{tie}]->(p:Project) WITH DISTINCT p WHERE {_WHERE} "
        "  RETURN count(p) AS total } "
        f"CALL (aid, total) {{ MATCH (:Actor {{id: aid}})-[:{tie}]->(p:Project) WITH DISTINCT p "
        f"  WHERE {_WHERE} AND {after} "
        f"  WITH p ORDER BY {order_by(page.sort, 'p')} LIMIT $limit "
        f"  RETURN collect({{p: {projection('p')}, k: [{keys}]}}) AS rows }} "
        "RETURN aid, total, rows",
    )
    found = await db.read(query, actors=list(actor_ids), limit=page.first + 1, **criteria.params(), **compiler.params)
    pages = {}
    for row in found:
        rows = [(record(r["p"]), r["k"]) for r in row["rows"]]
        pages[row["aid"]] = ProjectPage(total=row["total"], rows=rows[: page.first], has_more=len(rows) > page.first)
    return pages


@dataclass(frozen=True)
class FundingRow:
    """Projects of one quarter, fund and year (the year the project starts; None if unknown)."""

    quarter: str
    fund: str
    year: int | None
    projects: int
    amount_cents: int  # the sum of the amounts that are known
    without_amount: int  # projects counted whose amount is not recorded


# Sums per quarter, fund and year. A project in several quarters counts in each with its whole
# amount: how a Netzwerkfonds project's money is shared among its quarters is not recorded.
FUNDING: Final[LiteralString] = (
    "MATCH (p:Project)-[:IN_QUARTER]->(q:Quarter) WHERE "
    + _WHERE
    + """ AND ($pQuarters IS NULL OR q.slug IN $pQuarters)
WITH q.slug AS quarter, p.fund AS fund, p.start.year AS year, p
RETURN quarter, fund, year, count(p) AS projects, sum(coalesce(p.amountCents, 0)) AS cents,
       count(p) - count(p.amountCents) AS withoutAmount
ORDER BY quarter, year, fund
"""
)


async def funding(db: Database, criteria: ProjectCriteria) -> list[FundingRow]:
    return [
        FundingRow(r["quarter"], r["fund"], r["year"], r["projects"], r["cents"], r["withoutAmount"])
        for r in await db.read(FUNDING, **criteria.params())
    ]


@dataclass(frozen=True)
class QuarterProjects:
    """A quarter's projects with their sponsors' names, and the funding per year and fund: what a
    handover dossier lists (issue 15 reuses it)."""

    quarter: str
    projects: tuple[tuple[ProjectRecord, str | None], ...]  # (project, sponsor name), by start then title
    funding: tuple[FundingRow, ...]  # granted projects only (FUNDED_STATUSES), by year then fund


# A quarter's projects, each with its sponsor's name, oldest first.
OF_QUARTER: Final[LiteralString] = (
    "MATCH (p:Project)-[:IN_QUARTER]->(:Quarter {slug: $slug}) "
    "WITH p ORDER BY coalesce(toString(p.start), ''), toLower(p.title), p.id "
    "RETURN " + projection("p") + " AS p, head([(s:Actor)-[:SPONSORS]->(p) | s.name]) AS sponsor"
)


async def of_quarter(db: Database, slug: str, *, synthetic: bool | None = None) -> QuarterProjects:
    """All projects of the quarter ``slug`` (any status) and its funding per year (granted ones)."""
    rows = await db.read(OF_QUARTER, slug=slug)
    listed = [(record(row["p"]), row["sponsor"]) for row in rows]
    projects = tuple((p, s) for p, s in listed if synthetic is None or p.synthetic == synthetic)
    sums = await funding(db, ProjectCriteria(quarters=(slug,), statuses=FUNDED_STATUSES, synthetic=synthetic))
    return QuarterProjects(slug, projects, tuple(sorted(sums, key=lambda f: (f.year or 0, f.fund))))


@dataclass(frozen=True)
class MultiQuarterSponsor:
    actor_id: str
    quarters: tuple[str, ...]
    projects: int


# Sponsors of projects in at least $min quarters (counted over the projects that match).
MULTI_QUARTER_SPONSORS: Final[LiteralString] = (
    "MATCH (a:Actor)-[:SPONSORS]->(p:Project)-[:IN_QUARTER]->(q:Quarter) WHERE "
    + _WHERE
    + """
WITH a, collect(DISTINCT q.slug) AS quarters, count(DISTINCT p) AS projects
WHERE size(quarters) >= $min
RETURN a.id AS id, quarters, projects ORDER BY size(quarters) DESC, a.sortName, a.id LIMIT $limit
"""
)


async def multi_quarter_sponsors(
    db: Database, criteria: ProjectCriteria, minimum: int, limit: int
) -> list[MultiQuarterSponsor]:
    rows = await db.read(MULTI_QUARTER_SPONSORS, min=minimum, limit=limit, **criteria.params())
    return [MultiQuarterSponsor(r["id"], tuple(sorted(r["quarters"])), r["projects"]) for r in rows]


@dataclass(frozen=True)
class UnrecordedPair:
    """Two actors who worked in the same projects but have no recorded cooperation."""

    a_id: str
    b_id: str
    project_ids: tuple[str, ...]


# Pairs of live actors who took part (as sponsor or partner) in the same projects and have no
# COOPERATES_WITH between them, in either direction, at any time.
UNRECORDED_PAIRS: Final[LiteralString] = (
    "MATCH (x:Actor)-[:SPONSORS|PARTNER_IN]->(p:Project)<-[:SPONSORS|PARTNER_IN]-(y:Actor) "
    "WHERE x.id < y.id AND x.archived = false AND y.archived = false AND "
    + _WHERE
    + """ AND NOT EXISTS { (x)-[:COOPERATES_WITH]-(y) }
WITH x, y, collect(DISTINCT p.id) AS projects
RETURN x.id AS a, y.id AS b, projects
ORDER BY size(projects) DESC, x.sortName, y.sortName, x.id, y.id LIMIT $limit
"""
)


async def unrecorded_pairs(db: Database, criteria: ProjectCriteria, limit: int) -> list[UnrecordedPair]:
    rows = await db.read(UNRECORDED_PAIRS, limit=limit, **criteria.params())
    return [UnrecordedPair(r["a"], r["b"], tuple(sorted(r["projects"]))) for r in rows]


# ---- council decisions and seats -----------------------------------------------------------


@dataclass(frozen=True)
class DecisionRecord:
    id: str
    project_id: str
    quarter: str  # slug of the quarter whose council decided
    date: dt.date
    body: str  # quartiersrat | aktionsfondsjury
    votes_for: int
    votes_against: int
    abstentions: int
    recommendation: str  # approve | reject | revise
    note: str | None
    synthetic: bool

    def snapshot(self) -> dict[str, Any]:
        return {
            "project": self.project_id,
            "quarter": self.quarter,
            "date": self.date.isoformat(),
            "body": self.body,
            "votesFor": self.votes_for,
            "votesAgainst": self.votes_against,
            "abstentions": self.abstentions,
            "recommendation": self.recommendation,
            "note": self.note,
            "synthetic": self.synthetic,
        }


_DECISION = """d {.id, .body, .votesFor, .votesAgainst, .abstentions, .recommendation, .note, .synthetic,
  date: toString(d.date), project: p.id, quarter: q.slug}"""

# The decisions on some projects, oldest first.
DECISIONS_OF: Final[LiteralString] = (
    "MATCH (q:Quarter)<-[:OF_QUARTER]-(d:CouncilDecision)-[:ON]->(p:Project) WHERE p.id IN $ids "
    "WITH p, q, d ORDER BY d.date, d.id RETURN " + _DECISION + " AS d"
)
DECISION: Final[LiteralString] = (
    "MATCH (q:Quarter)<-[:OF_QUARTER]-(d:CouncilDecision {id: $id})-[:ON]->(p:Project) RETURN " + _DECISION + " AS d"
)


def decision(d: dict[str, Any]) -> DecisionRecord:
    return DecisionRecord(
        id=d["id"],
        project_id=d["project"],
        quarter=d["quarter"],
        date=dt.date.fromisoformat(d["date"]),
        body=d["body"],
        votes_for=int(d["votesFor"]),
        votes_against=int(d["votesAgainst"]),
        abstentions=int(d["abstentions"]),
        recommendation=d["recommendation"],
        note=d.get("note"),
        synthetic=bool(d.get("synthetic")),
    )


async def decisions_of(db: Runner, ids: Sequence[str]) -> dict[str, list[DecisionRecord]]:
    found: dict[str, list[DecisionRecord]] = {i: [] for i in ids}
    for row in await db.run(DECISIONS_OF, ids=list(ids)):
        d = decision(row["d"])
        found[d.project_id].append(d)
    return found


async def one_decision(db: Runner, decision_id: str) -> DecisionRecord | None:
    rows = await db.run(DECISION, id=decision_id)
    return decision(rows[0]["d"]) if rows else None


@dataclass(frozen=True)
class SeatRecord:
    """An organisation's seat on a quarter's council (Quartiersrat or Aktionsfondsjury)."""

    id: str
    actor_id: str
    quarter: str
    body: str
    since: dt.date | None
    until: dt.date | None
    synthetic: bool

    def snapshot(self) -> dict[str, Any]:
        return {
            "actor": self.actor_id,
            "quarter": self.quarter,
            "body": self.body,
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None,
            "synthetic": self.synthetic,
        }


_SEAT = """s {.id, .body, .synthetic, since: toString(s.since), until: toString(s.until), actor: a.id,
  quarter: q.slug}"""

# The seats on a quarter's councils held on $day (all seats if $day is null), by since.
SEATS_OF_QUARTER: Final[LiteralString] = (
    "MATCH (a:Actor)-[s:SITS_ON]->(q:Quarter {slug: $slug}) "
    "WHERE $day IS NULL OR ((s.since IS NULL OR s.since <= $day) AND (s.until IS NULL OR s.until >= $day)) "
    "WITH a, s, q ORDER BY s.body, coalesce(toString(s.since), ''), a.sortName, s.id RETURN " + _SEAT + " AS s"
)
SEAT: Final[LiteralString] = "MATCH (a:Actor)-[s:SITS_ON {id: $id}]->(q:Quarter) RETURN " + _SEAT + " AS s"


def seat(s: dict[str, Any]) -> SeatRecord:
    return SeatRecord(
        id=s["id"],
        actor_id=s["actor"],
        quarter=s["quarter"],
        body=s["body"],
        since=date_or_none(s.get("since")),
        until=date_or_none(s.get("until")),
        synthetic=bool(s.get("synthetic")),
    )


async def seats_of_quarter(db: Runner, slug: str, day: dt.date | None) -> list[SeatRecord]:
    return [seat(row["s"]) for row in await db.run(SEATS_OF_QUARTER, slug=slug, day=day)]


async def one_seat(db: Runner, seat_id: str) -> SeatRecord | None:
    rows = await db.run(SEAT, id=seat_id)
    return seat(rows[0]["s"]) if rows else None


# ---- quarters as access control sees them ----------------------------------------------


@dataclass(frozen=True)
class QuarterState:
    """A quarter as access control sees it: its slug, status and end date."""

    slug: str
    status: str  # active | ended | merged
    end: dt.date | None

    def open(self, day: dt.date, ended: frozenset[str]) -> bool:
        """Whether its QM still runs on ``day`` (``ended``: the statuses that mean it has ended)."""
        return self.status not in ended and (self.end is None or self.end >= day)


QUARTER_STATES: Final[LiteralString] = (
    "MATCH (q:Quarter) WHERE q.slug IN $slugs RETURN q.slug AS slug, q.status AS status, toString(q.endDate) AS end"
)


async def quarter_states(db: Runner, slugs: Sequence[str]) -> dict[str, QuarterState]:
    """The state of the quarters with these slugs (unknown slugs are missing); inside a write
    transaction, as that transaction sees them."""
    rows = await db.run(QUARTER_STATES, slugs=list(slugs))
    return {r["slug"]: QuarterState(r["slug"], r["status"] or "active", date_or_none(r["end"])) for r in rows}


# ---- writes --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProjectData:
    """A project's own properties as a write sets them (all of them: creates and updates alike)."""

    title: str
    fund: str
    description: str | None = None
    programme: str | None = None
    amount_cents: int | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    action_fields: tuple[str, ...] = ()
    outcome: str | None = None
    source: str | None = None

    def props(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "fund": self.fund,
            "description": self.description,
            "programme": self.programme,
            "amountCents": self.amount_cents,
            "start": self.start,
            "end": self.end,
            "actionFields": list(self.action_fields),
            "outcome": self.outcome,
            "source": self.source,
        }


@dataclass(frozen=True)
class Participants:
    """Where a project is and who carries it out."""

    quarters: tuple[str, ...]  # slugs
    sponsor: str | None = None
    partners: tuple[tuple[str, str], ...] = field(default_factory=tuple)  # (actor id, role)


CREATE: Final[LiteralString] = """
CREATE (p:Project {id: $id})
SET p += $props, p.status = $status, p.stepStatuses = [$status], p.stepDates = [$day],
    p.synthetic = $synthetic, p.createdAt = datetime(), p.updatedAt = p.createdAt, p.version = 1
"""

# Replace where a project is and who carries it out.
SET_PARTICIPANTS: Final[LiteralString] = """
MATCH (p:Project {id: $id})
CALL (p) { OPTIONAL MATCH (p)-[r:IN_QUARTER]->() DELETE r }
CALL (p) { OPTIONAL MATCH ()-[r:SPONSORS|PARTNER_IN]->(p) DELETE r }
CALL (p) { UNWIND $quarters AS slug MATCH (q:Quarter {slug: slug}) CREATE (p)-[:IN_QUARTER]->(q) }
CALL (p) { UNWIND CASE WHEN $sponsor IS NULL THEN [] ELSE [$sponsor] END AS sid
           MATCH (s:Actor {id: sid}) CREATE (s)-[:SPONSORS]->(p) }
CALL (p) { UNWIND $partners AS row MATCH (a:Actor {id: row[0]}) CREATE (a)-[:PARTNER_IN {role: row[1]}]->(p) }
"""

# Lock a project and bump its version; the previous version and its state.
BUMP: Final[LiteralString] = (
    "MATCH (p:Project {id: $id}) SET p.version = p.version + 1, p.updatedAt = datetime() "
    "RETURN p.version - 1 AS previous, " + projection("p") + " AS p"
)
UPDATE: Final[LiteralString] = "MATCH (p:Project {id: $id}) SET p += $props"
# A step through the process: the new status, appended to the steps with its day.
ADVANCE: Final[LiteralString] = """
MATCH (p:Project {id: $id})
SET p.status = $status, p.stepStatuses = p.stepStatuses + [$status], p.stepDates = p.stepDates + [$day]
"""

CREATE_DECISION: Final[LiteralString] = """
MATCH (p:Project {id: $project}), (q:Quarter {slug: $quarter})
CREATE (d:CouncilDecision {id: $id})-[:ON]->(p)
CREATE (d)-[:OF_QUARTER]->(q)
SET d += $props, d.createdAt = datetime()
"""

CREATE_SEAT: Final[LiteralString] = """
MATCH (a:Actor {id: $actor}), (q:Quarter {slug: $quarter})
CREATE (a)-[s:SITS_ON {id: $id}]->(q)
SET s += $props, s.createdAt = datetime()
"""
END_SEAT: Final[LiteralString] = "MATCH ()-[s:SITS_ON {id: $id}]->() SET s.until = $until"
# Seats of an actor on a quarter's body, for overlap checks.
SEATS_OF: Final[LiteralString] = (
    "MATCH (a:Actor {id: $actor})-[s:SITS_ON {body: $body}]->(q:Quarter {slug: $quarter}) RETURN " + _SEAT + " AS s"
)


async def create(
    tx: Transaction,
    project_id: str,
    data: ProjectData,
    who: Participants,
    status: str,
    day: dt.date,
    *,
    synthetic: bool = False,
) -> None:
    await tx.run(CREATE, id=project_id, props=data.props(), status=status, day=day, synthetic=synthetic)
    await set_participants(tx, project_id, who)


async def set_participants(tx: Transaction, project_id: str, who: Participants) -> None:
    await tx.run(
        SET_PARTICIPANTS,
        id=project_id,
        quarters=list(who.quarters),
        sponsor=who.sponsor,
        partners=[list(p) for p in who.partners],
    )


async def bump(tx: Transaction, project_id: str) -> tuple[int, ProjectRecord] | None:
    rows = await tx.run(BUMP, id=project_id)
    return (rows[0]["previous"], record(rows[0]["p"])) if rows else None


# A project recorded by mistake goes with its ties to quarters, sponsor and partners (the caller
# has checked that no council decided on it; decisions are kept records, never deleted with it).
DELETE: Final[LiteralString] = "MATCH (p:Project {id: $id}) DETACH DELETE p"


async def delete(tx: Transaction, project_id: str) -> None:
    await tx.run(DELETE, id=project_id)


async def update(tx: Transaction, project_id: str, data: ProjectData) -> None:
    await tx.run(UPDATE, id=project_id, props=data.props())


async def advance(tx: Transaction, project_id: str, status: str, day: dt.date) -> None:
    await tx.run(ADVANCE, id=project_id, status=status, day=day)


@dataclass(frozen=True)
class NewDecision:
    quarter: str
    date: dt.date
    body: str
    votes_for: int
    votes_against: int
    abstentions: int
    recommendation: str
    note: str | None = None
    synthetic: bool = False

    def props(self) -> dict[str, Any]:
        return {
            "date": self.date,
            "body": self.body,
            "votesFor": self.votes_for,
            "votesAgainst": self.votes_against,
            "abstentions": self.abstentions,
            "recommendation": self.recommendation,
            "note": self.note,
            "synthetic": self.synthetic,
        }


async def create_decision(tx: Transaction, decision_id: str, project_id: str, new: NewDecision) -> None:
    await tx.run(CREATE_DECISION, id=decision_id, project=project_id, quarter=new.quarter, props=new.props())


async def create_seat(
    tx: Transaction,
    seat_id: str,
    actor_id: str,
    quarter: str,
    body: str,
    since: dt.date | None,
    until: dt.date | None,
    *,
    synthetic: bool = False,
) -> None:
    props = {"body": body, "since": since, "until": until, "synthetic": synthetic}
    await tx.run(CREATE_SEAT, id=seat_id, actor=actor_id, quarter=quarter, props=props)


async def seats_of(tx: Transaction, actor_id: str, quarter: str, body: str) -> list[SeatRecord]:
    return [seat(row["s"]) for row in await tx.run(SEATS_OF, actor=actor_id, quarter=quarter, body=body)]


async def end_seat(tx: Transaction, seat_id: str, until: dt.date) -> None:
    await tx.run(END_SEAT, id=seat_id, until=until)
