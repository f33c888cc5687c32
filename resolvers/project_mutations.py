"""Writing projects, council decisions and council seats.

A project moves through the QM process one step at a time (:data:`TRANSITIONS`); each step is
kept with its day. Every write checks the quarter rules 6 and 7 (resolvers/access.py), runs in
one transaction with its audit record, and changes nothing when refused.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Final

from core import access as rules
from core.context import Context
from graph import actors, projects
from graph.db import Runner, Transaction
from graph.ids import new_id
from graph.projects import (
    DecisionRecord,
    NewDecision,
    Participants,
    ProjectData,
    ProjectRecord,
    QuarterState,
    SeatRecord,
)
from resolvers import ids, texts
from resolvers.access import project_write_error, quarters_change_error, today
from resolvers.commands import (
    AddCouncilSeat,
    AdvanceProject,
    CreateProject,
    DeleteProject,
    EndCouncilSeat,
    ProjectPartner,
    RecordCouncilDecision,
    UpdateProject,
    given,
)
from resolvers.outcomes import Outcome, Refusal, RefusalCode, Rejected, invalid, not_found, stale
from resolvers.references import unknown_action_fields
from resolvers.validation import MAX_LIST, MAX_SHORT, MAX_TEXT, clean_text, name, period, text
from resolvers.writes import Call, record_change, run

# ---- the domain's rules ---------------------------------------------------------------------

QUARTER_FUNDS: Final = ("aktionsfonds", "projektfonds", "baufonds", "netzwerkfonds")
OTHER_PROGRAMME: Final = "other"
FUNDS: Final = (*QUARTER_FUNDS, OTHER_PROGRAMME)
# Where a project may go from each status. Aktionsfonds actions have no tender: the jury's
# approval leads straight to the action. Rejected, withdrawn and finished are final.
TRANSITIONS: Final[dict[str, tuple[str, ...]]] = {
    "idea": ("discussed", "rejected", "withdrawn"),
    "discussed": ("approved", "rejected", "withdrawn"),
    "approved": ("tendered", "running", "withdrawn"),
    "tendered": ("awarded", "withdrawn"),
    "awarded": ("running", "withdrawn"),
    "running": ("finished", "withdrawn"),
    "finished": (),
    "rejected": (),
    "withdrawn": (),
}
STATUSES: Final = tuple(TRANSITIONS)
NEEDS_SPONSOR: Final = frozenset({"awarded", "running", "finished"})
PARTNER_ROLES: Final = ("partner", "venue", "co_funder", "other")
BODIES: Final = ("quartiersrat", "aktionsfondsjury")
RECOMMENDATIONS: Final = ("approve", "reject", "revise")
MAX_AMOUNT: Final = Decimal("100000000")  # 100 million euros: far above any quarter fund

# The messages of this module are in resolvers/texts.py ("projects, councils and seats").


def _invalid_transition(current: str, wanted: str, fund: str) -> Refusal:
    allowed = list(TRANSITIONS.get(current, ()))
    if fund == "aktionsfonds":
        allowed = [s for s in allowed if s != "tendered"]
    else:
        allowed = [s for s in allowed if not (current == "approved" and s == "running")]
    message = texts.BAD_TRANSITION
    if wanted == "tendered" and fund == "aktionsfonds":
        message = texts.NO_TENDER
    elif current == "approved" and wanted == "running" and fund != "aktionsfonds":
        message = texts.TENDER_NEEDED
    allowed_text = ", ".join(allowed) if allowed else texts.FINAL_STATUS()
    return Refusal(
        RefusalCode.INVALID_TRANSITION,
        message(current=current, wanted=wanted, allowed=allowed_text),
        ("input", "status"),
        {"from": current, "to": wanted, "allowed": allowed},
    )


def _not_in_quarter(actor_id: str, quarters: Sequence[str], *path: str) -> Refusal:
    return Refusal(
        RefusalCode.ACTOR_NOT_IN_QUARTER,
        texts.NOT_IN_QUARTER(quarters=", ".join(quarters)),
        path,
        {"actor": ids.encode("Actor", actor_id), "quarters": list(quarters)},
    )


# ---- validation without the database ---------------------------------------------------------


def amount_cents(amount: Decimal | None, *path: str) -> tuple[int | None, list[Refusal]]:
    """Euros as whole cents, exactly; refusals for negative, fractional-cent or absurd amounts."""
    if amount is None:
        return None, []
    if not amount.is_finite():
        return None, [invalid(texts.CENTS(), *path)]
    if amount < 0:
        return None, [Refusal(RefusalCode.NEGATIVE_AMOUNT, texts.NEGATIVE_AMOUNT(), path, {"amount": str(amount)})]
    if amount > MAX_AMOUNT:
        return None, [invalid(texts.TOO_MUCH(limit=f"{MAX_AMOUNT:,}"), *path)]
    try:
        cents = (amount * 100).to_integral_exact()
    except InvalidOperation:
        return None, [invalid(texts.CENTS(), *path)]
    if cents != amount * 100:
        return None, [invalid(texts.CENTS(), *path)]
    return int(cents), []


def fund_errors(fund: str | None, programme: str | None, quarters: int, *path: str) -> list[Refusal]:
    if fund is None or fund not in FUNDS:
        return [
            Refusal(
                RefusalCode.UNKNOWN_FUND,
                texts.UNKNOWN_FUND(fund=fund, choices=", ".join(FUNDS)),
                (*path, "fund"),
                {"fund": fund},
            )
        ]
    if fund == OTHER_PROGRAMME and not (programme and clean_text(programme)):
        return [Refusal(RefusalCode.UNKNOWN_FUND, texts.NO_PROGRAMME(), (*path, "programme"), {"fund": fund})]
    if fund != OTHER_PROGRAMME and programme is not None:
        return [invalid(texts.PROGRAMME_FOR_QUARTER_FUND(), *path, "programme")]
    if quarters > 1 and fund not in ("netzwerkfonds", OTHER_PROGRAMME):
        return [invalid(texts.ONE_PROJECT_QUARTER(), *path, "quarters")]
    return []


def _partners(partners: Sequence[ProjectPartner], sponsor: str | None) -> tuple[list[tuple[str, str]], list[Refusal]]:
    """Partners as (local id, role), with refusals for bad ids, roles, and repeats."""
    errors: list[Refusal] = []
    rows: list[tuple[str, str]] = []
    if len(partners) > MAX_LIST:
        return [], [invalid(texts.AT_MOST(limit=MAX_LIST, what=texts.PARTNERS), "input", "partners")]
    for i, partner in enumerate(partners):
        local = ids.decode_as(partner.actor_id, "Actor")
        if local is None:
            errors.append(not_found("actor", partner.actor_id, "input", "partners", str(i), "actorId"))
        elif partner.role not in PARTNER_ROLES:
            errors.append(
                invalid(texts.ONE_OF(what=texts.PARTNER_ROLE, choices=", ".join(PARTNER_ROLES)), "input", "partners")
            )
        elif local == sponsor:
            errors.append(invalid(texts.SPONSOR_IS_PARTNER(), "input", "partners", str(i), "actorId"))
        elif any(local == r[0] for r in rows):
            errors.append(invalid(texts.PARTNER_TWICE(), "input", "partners", str(i), "actorId"))
        else:
            rows.append((local, partner.role))
    return rows, errors


# ---- facts from the database -----------------------------------------------------------------


async def _quarter_states(db: Runner, slugs: Sequence[str], *path: str) -> tuple[list[QuarterState], list[Refusal]]:
    """The quarters' states in the order given, and refusals for unknown slugs. Inside a write
    transaction ``db`` is the transaction: request loaders belong to another event loop."""
    found = await projects.quarter_states(db, slugs)
    states: list[QuarterState] = []
    errors: list[Refusal] = []
    for i, slug in enumerate(slugs):
        state = found.get(slug)
        if state is None:
            errors.append(
                Refusal(RefusalCode.UNKNOWN_QUARTER, texts.UNKNOWN_QUARTER(slug=slug), (*path, str(i)), {"slug": slug})
            )
        else:
            states.append(state)
    return states, errors


def _slugs(raw: Sequence[str]) -> list[str]:
    """Quarter slugs as typed, cleaned and each once (at most MAX_LIST are looked at: more is refused)."""
    return list(dict.fromkeys(s.strip().lower() for s in raw[: MAX_LIST + 1]))


async def _check_actors(
    tx: Transaction, quarters: Sequence[str], sponsor: str | None, partners: Sequence[tuple[str, str]]
) -> None:
    """Sponsor and partners exist, are live, and each has a membership (at any time) in one of
    the project's quarters."""
    wanted = ([sponsor] if sponsor else []) + [p[0] for p in partners]
    if not wanted:
        return
    present = await actors.lock(tx, wanted)
    ties = await actors.quarter_ties(tx, wanted)
    paths = ([("input", "sponsorId")] if sponsor else []) + [
        ("input", "partners", str(i), "actorId") for i in range(len(partners))
    ]
    errors: list[Refusal] = []
    for local, path in zip(wanted, paths, strict=True):
        if local not in present:
            errors.append(not_found("actor", ids.encode("Actor", local), *path))
        elif present[local]:
            errors.append(invalid(texts.ARCHIVED_NO_WORK(), *path))
        elif not any(t.quarter in quarters for t in ties.get(local, [])):
            errors.append(_not_in_quarter(local, quarters, *path))
    if errors:
        raise Rejected(*errors)


async def _reload(ctx: Context, project_id: str) -> ProjectRecord | None:
    ctx.loaders.forget_project(project_id)
    return await ctx.loaders.project_by_id.load(project_id)


# ---- projects --------------------------------------------------------------------------------


async def create_project(ctx: Context, data: CreateProject) -> Outcome[ProjectRecord]:
    slugs = _slugs(data.quarters)
    errors: list[Refusal] = [] if slugs else [invalid(texts.NO_PROJECT_QUARTER(), "input", "quarters")]
    if len(slugs) > MAX_LIST:
        return Outcome(errors=[invalid(texts.AT_MOST(limit=MAX_LIST, what=texts.QUARTERS), "input", "quarters")])
    errors += name(data.title, "input", "title")
    errors += fund_errors(data.fund, data.programme, len(slugs), "input")
    cents, problems = amount_cents(data.amount, "input", "amount")
    errors += problems
    errors += period(data.start, data.end, "input")
    errors += text(data.description, MAX_TEXT, "input", "description")
    errors += text(data.outcome, MAX_TEXT, "input", "outcome")
    errors += text(data.source, MAX_SHORT, "input", "source")
    errors += text(data.programme, MAX_SHORT, "input", "programme")
    errors += await unknown_action_fields(ctx, data.action_fields, "input", "actionFields")
    sponsor = ids.decode_as(data.sponsor_id, "Actor") if data.sponsor_id else None
    if data.sponsor_id and sponsor is None:
        errors.append(not_found("actor", data.sponsor_id, "input", "sponsorId"))
    partners, problems = _partners(data.partners or (), sponsor)
    errors += problems
    states, problems = await _quarter_states(ctx.db, slugs, "input", "quarters")
    errors += problems
    if errors:
        return Outcome(errors=errors)
    refusal = quarters_change_error(ctx.principal, rules.CREATE_PROJECT, states)
    if refusal is not None:
        return Outcome(errors=[refusal])
    project_id = new_id()
    fields = ProjectData(
        title=clean_text(data.title),
        fund=data.fund,
        description=data.description,
        programme=clean_text(data.programme) if data.programme else None,
        amount_cents=cents,
        start=data.start,
        end=data.end,
        action_fields=tuple(dict.fromkeys(data.action_fields or ())),
        outcome=data.outcome,
        source=clean_text(data.source) if data.source else None,
    )
    who = Participants(tuple(slugs), sponsor, tuple(partners))
    day = data.status_date or today()

    async def work(tx: Transaction) -> str:
        await _check_actors(tx, slugs, sponsor, partners)
        await projects.create(tx, project_id, fields, who, "idea", day, synthetic=data.synthetic)
        created = await projects.one(tx, project_id)
        assert created is not None
        await record_change(tx, ctx.principal, "Project", project_id, "create", None, created.snapshot())
        return project_id

    return await run(ctx, work, Call("createProject", data), then=lambda created: _reload(ctx, created))


async def _locked(
    ctx: Context, tx: Transaction, local: str, global_id: str, version: int | None, rule: rules.Rule
) -> ProjectRecord:
    """The project, locked and its version bumped, if this principal may write it."""
    bumped = await projects.bump(tx, local)
    if bumped is None:
        raise Rejected(not_found("project", global_id, "input", "id"))
    previous, current = bumped
    states, _ = await _quarter_states(tx, current.quarters)
    refusal = project_write_error(ctx.principal, rule, states)
    if refusal is not None:
        raise Rejected(refusal)
    if version is not None and previous != version:
        raise Rejected(stale(version, previous))
    return current


async def update_project(ctx: Context, data: UpdateProject) -> Outcome[ProjectRecord]:
    local = ids.decode_as(data.id, "Project")
    if local is None:
        return Outcome(errors=[not_found("project", data.id, "input", "id")])
    errors: list[Refusal] = []
    if given(data.title):
        errors += name(data.title or "", "input", "title")
    if given(data.fund) and data.fund is None:
        errors.append(invalid(texts.FUND_KEPT(), "input", "fund"))
    cents, problems = amount_cents(data.amount if given(data.amount) else None, "input", "amount")
    errors += problems
    for value, limit, field in (
        (data.description, MAX_TEXT, "description"),
        (data.outcome, MAX_TEXT, "outcome"),
        (data.source, MAX_SHORT, "source"),
        (data.programme, MAX_SHORT, "programme"),
    ):
        if given(value):
            errors += text(value, limit, "input", field)
    if given(data.action_fields):
        errors += await unknown_action_fields(ctx, data.action_fields, "input", "actionFields")
    sponsor_given = given(data.sponsor_id)
    sponsor_ref = data.sponsor_id if given(data.sponsor_id) else None
    sponsor = ids.decode_as(sponsor_ref, "Actor") if sponsor_ref else None
    if sponsor_ref and sponsor is None:
        errors.append(not_found("actor", sponsor_ref, "input", "sponsorId"))
    new_slugs = _slugs(data.quarters or ()) if given(data.quarters) else None
    if new_slugs is not None and not new_slugs:
        errors.append(invalid(texts.NO_PROJECT_QUARTER(), "input", "quarters"))
    if new_slugs is not None and len(new_slugs) > MAX_LIST:
        return Outcome(errors=[invalid(texts.AT_MOST(limit=MAX_LIST, what=texts.QUARTERS), "input", "quarters")])
    new_states, problems = await _quarter_states(ctx.db, new_slugs or [], "input", "quarters")
    errors += problems
    if errors:
        return Outcome(errors=errors)

    async def work(tx: Transaction) -> None:
        current = await _locked(ctx, tx, local, data.id, data.version, rules.UPDATE_PROJECT)
        slugs = new_slugs if new_slugs is not None else list(current.quarters)
        if new_slugs is not None:
            changed = set(current.quarters) ^ set(new_slugs)
            old_states, _ = await _quarter_states(tx, [s for s in current.quarters if s in changed])
            refusal = quarters_change_error(
                ctx.principal, rules.UPDATE_PROJECT, [*old_states, *(q for q in new_states if q.slug in changed)]
            )
            if refusal is not None:
                raise Rejected(refusal)
        fund = data.fund if given(data.fund) and data.fund else current.fund
        programme = (clean_text(data.programme) if data.programme else None) if given(data.programme) else None
        if not given(data.programme) and fund == current.fund:
            programme = current.programme
        problems = fund_errors(fund, programme, len(slugs), "input")
        start = data.start if given(data.start) else current.start
        end = data.end if given(data.end) else current.end
        problems += period(start, end, "input")
        new_sponsor = sponsor if sponsor_given else current.sponsor_id
        if new_sponsor is None and current.status in NEEDS_SPONSOR:
            problems.append(invalid(texts.NEEDS_SPONSOR(status=current.status), "input", "sponsorId"))
        partners = (
            _partners(data.partners or (), new_sponsor)
            if given(data.partners)
            else ([p for p in current.partners if p[0] != new_sponsor], [])
        )
        problems += partners[1]
        if problems:
            raise Rejected(*problems)
        await _check_actors(tx, slugs, new_sponsor, partners[0])
        fields = ProjectData(
            title=clean_text(data.title) if given(data.title) and data.title else current.title,
            fund=fund,
            description=data.description if given(data.description) else current.description,
            programme=programme,
            amount_cents=cents if given(data.amount) else current.amount_cents,
            start=start,
            end=end,
            action_fields=(
                tuple(dict.fromkeys(data.action_fields or ())) if given(data.action_fields) else current.action_fields
            ),
            outcome=data.outcome if given(data.outcome) else current.outcome,
            source=(clean_text(data.source) if data.source else None) if given(data.source) else current.source,
        )
        await projects.update(tx, local, fields)
        await projects.set_participants(tx, local, Participants(tuple(slugs), new_sponsor, tuple(partners[0])))
        changed_record = await projects.one(tx, local)
        assert changed_record is not None
        before, after = actors.diff(current.snapshot(), changed_record.snapshot())
        await record_change(tx, ctx.principal, "Project", local, "update", before, after)

    return await run(ctx, work, Call("updateProject", data), then=lambda _: _reload(ctx, local))


def transition_error(current: ProjectRecord, wanted: str, day: dt.date) -> Refusal | None:
    """Why a project may not take the step to ``wanted`` on ``day``; None if it may."""
    allowed = TRANSITIONS.get(current.status, ())
    aktionsfonds = current.fund == "aktionsfonds"
    if (
        wanted not in allowed
        or (aktionsfonds and wanted == "tendered")
        or (not aktionsfonds and current.status == "approved" and wanted == "running")
    ):
        return _invalid_transition(current.status, wanted, current.fund)
    if wanted in NEEDS_SPONSOR and current.sponsor_id is None:
        return Refusal(
            RefusalCode.INVALID_TRANSITION,
            texts.NEEDS_SPONSOR(status=wanted),
            ("input", "status"),
            {"from": current.status, "to": wanted, "allowed": list(allowed)},
        )
    previous = current.steps[-1].date if current.steps else None
    if previous is not None and day < previous:
        return Refusal(
            RefusalCode.INVALID_DATE_RANGE,
            texts.STEP_BEFORE(previous=previous.isoformat()),
            ("input", "date"),
            {"since": previous, "until": day},
        )
    return None


async def advance_project(ctx: Context, data: AdvanceProject) -> Outcome[ProjectRecord]:
    local = ids.decode_as(data.id, "Project")
    if local is None:
        return Outcome(errors=[not_found("project", data.id, "input", "id")])
    if data.status not in STATUSES:
        return Outcome(errors=[invalid(texts.UNKNOWN_STATUS(status=data.status), "input", "status")])

    async def work(tx: Transaction) -> None:
        current = await _locked(ctx, tx, local, data.id, data.version, rules.ADVANCE_PROJECT)
        refusal = transition_error(current, data.status, data.date)
        if refusal is not None:
            raise Rejected(refusal)
        await projects.advance(tx, local, data.status, data.date)
        await record_change(
            tx,
            ctx.principal,
            "Project",
            local,
            "advance",
            {"status": current.status},
            {"status": data.status, "date": data.date.isoformat()},
        )

    return await run(ctx, work, Call("advanceProject", data), then=lambda _: _reload(ctx, local))


async def delete_project(ctx: Context, data: DeleteProject) -> Outcome[ProjectRecord]:
    """Delete a project recorded by mistake: only while it is an idea on which no council has
    decided. Later a project is withdrawn, so that funds, steps and decisions stay on record."""
    local = ids.decode_as(data.id, "Project")
    if local is None:
        return Outcome(errors=[not_found("project", data.id, "input", "id")])
    deleted: list[ProjectRecord] = []  # the payload shows it as it was; a replay has nothing to show

    async def work(tx: Transaction) -> None:
        current = await _locked(ctx, tx, local, data.id, data.version, rules.DELETE_PROJECT)
        decided = (await projects.decisions_of(tx, [local])).get(local, [])
        if current.status != "idea" or decided:
            status = "decided on" if decided and current.status == "idea" else current.status
            raise Rejected(
                Refusal(
                    RefusalCode.INVALID_TRANSITION,
                    texts.ONLY_IDEAS_DELETED(status=status),
                    ("input", "id"),
                    {"from": current.status, "to": "deleted", "allowed": list(TRANSITIONS[current.status])},
                )
            )
        await projects.delete(tx, local)
        await record_change(tx, ctx.principal, "Project", local, "delete", current.snapshot(), None)
        deleted[:] = [current]

    async def as_it_was(_: None) -> ProjectRecord | None:
        ctx.loaders.forget_project(local)
        return deleted[0] if deleted else None

    return await run(ctx, work, Call("deleteProject", data), then=as_it_was)


# ---- council decisions -----------------------------------------------------------------------


async def record_decision(ctx: Context, data: RecordCouncilDecision) -> Outcome[DecisionRecord]:
    project_local = ids.decode_as(data.project_id, "Project")
    errors: list[Refusal] = []
    if project_local is None:
        errors.append(not_found("project", data.project_id, "input", "projectId"))
    if data.body not in BODIES:
        errors.append(invalid(texts.ONE_OF(what=texts.COUNCIL, choices=", ".join(BODIES)), "input", "body"))
    if data.recommendation not in RECOMMENDATIONS:
        errors.append(
            invalid(
                texts.ONE_OF(what=texts.RECOMMENDATION, choices=", ".join(RECOMMENDATIONS)), "input", "recommendation"
            )
        )
    for value, field in (
        (data.votes_for, "votesFor"),
        (data.votes_against, "votesAgainst"),
        (data.abstentions, "abstentions"),
    ):
        if value < 0:
            errors.append(invalid(texts.NEGATIVE_VOTES(), "input", field))
    errors += text(data.note, MAX_TEXT, "input", "note")
    states, problems = await _quarter_states(ctx.db, _slugs([data.quarter]), "input", "quarter")
    errors += [Refusal(p.code, p.message, ("input", "quarter"), p.details) for p in problems]
    if errors or project_local is None:
        return Outcome(errors=errors)
    decision_id = new_id()
    new = NewDecision(
        quarter=states[0].slug,
        date=data.date,
        body=data.body,
        votes_for=data.votes_for,
        votes_against=data.votes_against,
        abstentions=data.abstentions,
        recommendation=data.recommendation,
        note=data.note,
        synthetic=data.synthetic,
    )

    async def work(tx: Transaction) -> str:
        bumped = await projects.bump(tx, project_local)  # locks the project while its decision is added
        if bumped is None:
            raise Rejected(not_found("project", data.project_id, "input", "projectId"))
        _, project = bumped
        project_states, _ = await _quarter_states(tx, project.quarters)
        refusal = project_write_error(ctx.principal, rules.RECORD_COUNCIL_DECISION, project_states) or (
            quarters_change_error(ctx.principal, rules.RECORD_COUNCIL_DECISION, states)
        )
        if refusal is not None:
            raise Rejected(refusal)
        if new.quarter not in project.quarters:
            raise Rejected(invalid(texts.NOT_ITS_QUARTER(quarters=", ".join(project.quarters)), "input", "quarter"))
        if new.body == "aktionsfondsjury" and project.fund != "aktionsfonds":
            raise Rejected(invalid(texts.JURY_ONLY_AKTIONSFONDS(), "input", "body"))
        await projects.create_decision(tx, decision_id, project_local, new)
        created = await projects.one_decision(tx, decision_id)
        assert created is not None
        await record_change(tx, ctx.principal, "CouncilDecision", decision_id, "create", None, created.snapshot())
        return decision_id

    async def reread(created: str) -> DecisionRecord | None:
        ctx.loaders.forget_project(project_local)
        return await projects.one_decision(ctx.db, created)

    return await run(ctx, work, Call("recordCouncilDecision", data), then=reread)


# ---- council seats ---------------------------------------------------------------------------


def _overlaps(since: dt.date | None, until: dt.date | None, other: SeatRecord) -> bool:
    return (since or dt.date.min) <= (other.until or dt.date.max) and (other.since or dt.date.min) <= (
        until or dt.date.max
    )


async def add_seat(ctx: Context, data: AddCouncilSeat) -> Outcome[SeatRecord]:
    actor_local = ids.decode_as(data.actor_id, "Actor")
    errors: list[Refusal] = []
    if actor_local is None:
        errors.append(not_found("actor", data.actor_id, "input", "actorId"))
    if data.body not in BODIES:
        errors.append(invalid(texts.ONE_OF(what=texts.COUNCIL, choices=", ".join(BODIES)), "input", "body"))
    errors += period(data.since, data.until, "input")
    states, problems = await _quarter_states(ctx.db, _slugs([data.quarter]), "input", "quarter")
    errors += [Refusal(p.code, p.message, ("input", "quarter"), p.details) for p in problems]
    if errors or actor_local is None:
        return Outcome(errors=errors)
    refusal = quarters_change_error(ctx.principal, rules.ADD_COUNCIL_SEAT, states)
    if refusal is not None:
        return Outcome(errors=[refusal])
    slug = states[0].slug
    seat_id = new_id()

    async def work(tx: Transaction) -> str:
        present = await actors.lock(tx, [actor_local])
        if actor_local not in present:
            raise Rejected(not_found("actor", data.actor_id, "input", "actorId"))
        ties = (await actors.quarter_ties(tx, [actor_local])).get(actor_local, [])
        if not any(t.quarter == slug for t in ties):
            raise Rejected(_not_in_quarter(actor_local, [slug], "input", "actorId"))
        for other in await projects.seats_of(tx, actor_local, slug, data.body):
            if _overlaps(data.since, data.until, other):
                raise Rejected(invalid(texts.SEAT_TWICE(), "input"))
        await projects.create_seat(
            tx, seat_id, actor_local, slug, data.body, data.since, data.until, synthetic=data.synthetic
        )
        created = await projects.one_seat(tx, seat_id)
        assert created is not None
        await record_change(tx, ctx.principal, "CouncilSeat", seat_id, "create", None, created.snapshot())
        return seat_id

    return await run(ctx, work, Call("addCouncilSeat", data), then=lambda created: projects.one_seat(ctx.db, created))


async def end_seat(ctx: Context, data: EndCouncilSeat) -> Outcome[SeatRecord]:
    local = ids.decode_as(data.id, "CouncilSeat")
    if local is None:
        return Outcome(errors=[not_found("council seat", data.id, "input", "id")])

    async def work(tx: Transaction) -> None:
        current = await projects.one_seat(tx, local)
        if current is None:
            raise Rejected(not_found("council seat", data.id, "input", "id"))
        states, _ = await _quarter_states(tx, [current.quarter])
        refusal = quarters_change_error(ctx.principal, rules.END_COUNCIL_SEAT, states)
        if refusal is not None:
            raise Rejected(refusal)
        problems = period(current.since, data.until, "input")
        if problems:
            raise Rejected(*problems)
        await projects.end_seat(tx, local, data.until)
        await record_change(
            tx,
            ctx.principal,
            "CouncilSeat",
            local,
            "end",
            {"until": current.until.isoformat() if current.until else None},
            {"until": data.until.isoformat()},
        )

    return await run(ctx, work, Call("endCouncilSeat", data), then=lambda _: projects.one_seat(ctx.db, local))
