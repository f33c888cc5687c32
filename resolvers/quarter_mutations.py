"""When a QM area ends: an admin sets the quarter's status and end date, names its successor (the
actor that carries the network on: a neighbourhood centre, the district's social-space
coordination, a housing association's social management), and shares or transfers the manager
rights with the successor's people.

Rights follow from the quarter's state (resolvers/access.py, rule 2): once a quarter has ended it
is read-only for managers, the successor's included; they still read its contact persons and
history. Transferring also takes the quarter out of the other manager tokens that hold it (a
token left with no quarter is revoked). Managers who sign in with a JWT carry their quarters in
the token's claims: a handover cannot take those back (the issuer must).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from core import access as rules
from core.context import Context
from graph import actors, persons, quarters, tokens
from graph.db import Transaction
from graph.quarters import QuarterRecord
from graph.tokens import IssuedToken, TokenRecord
from resolvers import ids, texts
from resolvers.access import role_error
from resolvers.commands import HandOverQuarter, SetQuarterStatus, given
from resolvers.outcomes import Outcome, Refusal, RefusalCode, Rejected, invalid, not_found
from resolvers.writes import Call, record_change, run

SETTABLE = ("active", "ended")
MODES = ("share", "transfer")
MAX_PEOPLE = 20


def _unknown_quarter(slug: str) -> Refusal:
    return Refusal(RefusalCode.UNKNOWN_QUARTER, texts.UNKNOWN_QUARTER(slug=slug), ("input", "quarter"), {"slug": slug})


async def _quarter(tx: Transaction, slug: str) -> QuarterRecord:
    found = await quarters.locked(tx, slug)
    if found is None:
        raise Rejected(_unknown_quarter(slug))
    return found


def _facts(q: QuarterRecord) -> dict[str, object]:
    """What the audit record keeps of a quarter's handover state."""
    return {
        "status": q.status,
        "endDate": q.end_date.isoformat() if q.end_date else None,
        "successor": q.successor_id,
    }


def _status_errors(data: SetQuarterStatus, today: dt.date) -> list[Refusal]:
    if data.status not in SETTABLE:
        return [invalid(texts.BAD_QUARTER_STATUS(), "input", "status")]
    if data.status == "ended" and data.end_date is None:
        return [invalid(texts.NEEDS_END(), "input", "endDate")]
    if data.status == "ended" and data.end_date is not None and data.end_date > today:
        return [invalid(texts.ENDS_AHEAD(), "input", "endDate")]
    return []


async def set_status(ctx: Context, data: SetQuarterStatus) -> Outcome[QuarterRecord]:
    """Set status and end date, and name (or remove) the successor: admins only."""
    refusal = role_error(ctx.principal, rules.SET_QUARTER_STATUS)
    if refusal is not None:
        return Outcome(errors=[refusal])
    errors = _status_errors(data, dt.date.today())
    successor: str | None = None
    if given(data.successor_id) and data.successor_id is not None:
        successor = ids.decode_as(data.successor_id, "Actor")
        if successor is None:
            errors.append(not_found("actor", data.successor_id, "input", "successorId"))
    if errors:
        return Outcome(errors=errors)
    slug = data.quarter.strip().lower()

    async def work(tx: Transaction) -> str:
        q = await _quarter(tx, slug)
        if q.status == "merged":
            raise Rejected(invalid(texts.QUARTER_MERGED(slug=slug), "input", "quarter"))
        start = q.start_date or dt.date(q.start_year, 1, 1)
        if data.end_date is not None and data.end_date < start:
            raise Rejected(
                Refusal(
                    RefusalCode.INVALID_DATE_RANGE,
                    texts.END_BEFORE_START(),
                    ("input", "endDate"),
                    {"since": start, "until": data.end_date},
                )
            )
        if successor is not None:
            actor = await actors.one(tx, successor)
            if actor is None:
                raise Rejected(not_found("actor", str(data.successor_id), "input", "successorId"))
            if actor.archived:
                raise Rejected(invalid(texts.SUCCESSOR_ARCHIVED(), "input", "successorId"))
        await quarters.set_status(tx, q.id, data.status, data.end_date)
        after = {"status": data.status, "endDate": data.end_date.isoformat() if data.end_date else None}
        if given(data.successor_id):
            await quarters.set_successor(tx, q.id, successor)
            after["successor"] = successor
        await record_change(tx, ctx.principal, "Quarter", q.id, "setStatus", _facts(q), {**_facts(q), **after})
        return q.id

    async def answer(quarter_id: str) -> QuarterRecord | None:
        return (await quarters.by_ids(ctx.db, [quarter_id])).get(quarter_id)

    outcome = await run(ctx, work, Call("setQuarterStatus", data), then=answer)
    ctx.services.forget_tokens()  # rights follow the quarter's state
    return outcome


@dataclass(frozen=True)
class Handover:
    quarter: QuarterRecord
    issued: list[IssuedToken]  # one per person (or one for the successor), secrets shown once
    withdrawn: list[TokenRecord]  # tokens the quarter was taken from (transfer)


async def hand_over(ctx: Context, data: HandOverQuarter) -> Outcome[Handover]:
    """Give the successor's people manager tokens for the quarter; with ``transfer``, take the
    quarter from every other manager token that holds it. One transaction, audited."""
    refusal = role_error(ctx.principal, rules.HAND_OVER_QUARTER)
    if refusal is not None:
        return Outcome(errors=[refusal])
    errors: list[Refusal] = []
    if data.mode not in MODES:
        errors.append(invalid(texts.BAD_MODE(), "input", "mode"))
    if len(data.person_ids) > MAX_PEOPLE:
        errors.append(invalid(texts.TOO_MANY_PEOPLE(limit=MAX_PEOPLE), "input", "personIds"))
    people: list[str] = []
    for i, global_id in enumerate(dict.fromkeys(data.person_ids)):
        local = ids.decode_as(global_id, "Person")
        if local is None:
            errors.append(not_found("person", global_id, "input", "personIds", str(i)))
        else:
            people.append(local)
    if errors:
        return Outcome(errors=errors)
    slug = data.quarter.strip().lower()

    async def work(tx: Transaction) -> Handover:
        q = await _quarter(tx, slug)
        if q.successor_id is None:
            raise Rejected(invalid(texts.NO_SUCCESSOR(slug=slug), "input", "quarter"))
        successor = await actors.one(tx, q.successor_id)
        assert successor is not None, "SUCCEEDED_BY points at an existing actor"
        names: list[str] = []
        for i, person_id in enumerate(people):
            person = await persons.by_id(tx, person_id)
            if person is None:
                raise Rejected(not_found("person", ids.encode("Person", person_id), "input", "personIds", str(i)))
            if person.actor_id != successor.id:
                raise Rejected(invalid(texts.NOT_SUCCESSORS(name=successor.name), "input", "personIds", str(i)))
            # The token's name points at the person by id, never by name: erasing the person
            # (GDPR) leaves no name behind in the token list.
            names.append(f"handover {slug} to {successor.name} (person {ids.encode('Person', person_id)})")
        holders = await tokens.holders(tx, slug)
        issued = [
            await tokens.create(tx, name, "manager", [slug])
            for name in names or [f"handover {slug} to {successor.name}"]
        ]
        withdrawn: list[TokenRecord] = []
        if data.mode == "transfer":
            withdrawn = await tokens.withdraw(tx, slug, [t.id for t in holders])
        await record_change(
            tx,
            ctx.principal,
            "Quarter",
            q.id,
            "handOver",
            {"managers": [t.id for t in holders]},
            {
                "mode": data.mode,
                "successor": successor.id,
                "issued": [t.record.id for t in issued],
                "withdrawn": [t.id for t in withdrawn],
            },
        )
        return Handover(q, issued, withdrawn)

    outcome = await run(ctx, work)  # no idempotency key: the receipt would hold the new secrets
    ctx.services.forget_tokens()
    return outcome
