"""Contact persons: personal data, visible and writable only where the principal may, and
erasable everywhere (GDPR Art. 17) including the audit trail's payloads.

A person's data is kept in two places only: the ``:Person`` node and the audit records about
that person (``entity: 'Person'``, ``entityId``: its id). Records about actors, cooperations and
merges refer to persons by id, never by their data. Erasure therefore deletes the node and
strips the personal fields from the person's own records, found by id; it reads and changes no
other record, and it refuses ids that do not name a person.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

from core import access as rules
from core.access import Role, Rule
from core.context import Context
from graph import actors, audit, persons
from graph.actors import ActorRecord
from graph.db import Transaction
from graph.ids import new_id
from graph.persons import PersonRecord
from resolvers import ids, texts
from resolvers.access import actor_write_error, may_read_personal, role_error
from resolvers.commands import AddContactPerson, PersonRef, UpdateContactPerson, given
from resolvers.outcomes import Outcome, Refusal, RefusalCode, Rejected, invalid, not_found
from resolvers.validation import MAX_SHORT, clean_text, name, text
from resolvers.writes import Call, record_change, run

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^[0-9+()/ .\-]{3,40}$")


@dataclass(frozen=True)
class Erasure:
    person_id: str
    fields: tuple[str, ...]
    audit_records_scrubbed: int


async def visible_for(ctx: Context, actor: ActorRecord) -> list[PersonRecord] | None:
    """The actor's contact persons, or None if this principal may not see them."""
    ties = []
    if ctx.principal.role is Role.MANAGER:  # only a manager's right depends on the actor's quarters
        ties = await ctx.loaders.quarter_ties.load(actor.id) or []
    if not may_read_personal(ctx.principal, rules.CONTACT_PERSONS, ties):
        return None
    return await ctx.loaders.persons.load(actor.id) or []


def contact_errors(values: dict[str, Any]) -> list[Refusal]:
    """What addContactPerson refuses in these values (also the import's check of each person)."""
    errors: list[Refusal] = []
    if "name" in values:
        errors += name(values["name"] or "", "input", "name")
    for field in ("function", "email", "phone"):
        errors += text(values.get(field), MAX_SHORT, "input", field)
    if values.get("email") and not _EMAIL.match(values["email"]):
        errors.append(invalid(texts.NOT_AN_EMAIL(), "input", "email"))
    if values.get("phone") and not _PHONE.match(values["phone"]):
        errors.append(invalid(texts.BAD_PHONE(), "input", "phone"))
    return errors


async def _may_write(ctx: Context, tx: Transaction, actor_id: str, rule: Rule) -> None:
    ties = (await actors.quarter_ties(tx, [actor_id])).get(actor_id, [])
    refusal = actor_write_error(ctx.principal, rule, ties)
    if refusal is not None:
        raise Rejected(refusal)


async def _answer(ctx: Context, person_id: str, written: list[PersonRecord]) -> PersonRecord | None:
    """The person as this call wrote it; for a replayed key, as the person is now."""
    return written[-1] if written else await persons.one(ctx.db, person_id)


async def add(ctx: Context, data: AddContactPerson) -> Outcome[PersonRecord]:
    actor_id = ids.decode_as(data.actor_id, "Actor")
    if actor_id is None:
        return Outcome(errors=[not_found("actor", data.actor_id, "input", "actorId")])
    values = {"name": data.name, "function": data.function, "email": data.email, "phone": data.phone}
    errors = contact_errors(values)
    if errors:
        return Outcome(errors=errors)
    props = {k: clean_text(v) for k, v in values.items() if v is not None}

    written: list[PersonRecord] = []

    async def work(tx: Transaction) -> str:
        if not await actors.versions(tx, [actor_id]):
            raise Rejected(not_found("actor", data.actor_id, "input", "actorId"))
        await _may_write(ctx, tx, actor_id, rules.ADD_CONTACT_PERSON)
        person = await persons.create(tx, new_id(), actor_id, props)
        await record_change(
            tx,
            ctx.principal,
            "Person",
            person.id,
            "create",
            None,
            {**person.personal_data(), "actor": actor_id},
            actors=(actor_id,),
        )
        written[:] = [person]
        return person.id

    return await run(ctx, work, Call("addContactPerson", data), then=lambda pid: _answer(ctx, pid, written))


async def _existing(ctx: Context, tx: Transaction, global_id: str, rule: Rule) -> PersonRecord:
    local = ids.decode_as(global_id, "Person")
    person = await persons.by_id(tx, local) if local else None
    if person is None:
        raise Rejected(not_found("contact person", global_id, "input", "id"))
    await _may_write(ctx, tx, person.actor_id, rule)
    return person


async def update(ctx: Context, data: UpdateContactPerson) -> Outcome[PersonRecord]:
    values = {f: getattr(data, f) for f in ("name", "function", "email", "phone") if given(getattr(data, f))}
    if "name" in values and values["name"] is None:
        return Outcome(errors=[Refusal(RefusalCode.EMPTY_NAME, texts.EMPTY_NAME(), ("input", "name"))])
    errors = contact_errors(values)
    if errors:
        return Outcome(errors=errors)

    written: list[PersonRecord] = []

    async def work(tx: Transaction) -> str:
        person = await _existing(ctx, tx, data.id, rules.UPDATE_CONTACT_PERSON)
        props = {k: clean_text(v) if v is not None else None for k, v in values.items()}
        changed = await persons.update(tx, person.id, props)
        before, after = actors.diff(person.personal_data(), changed.personal_data())
        await record_change(tx, ctx.principal, "Person", person.id, "update", before, after, actors=(person.actor_id,))
        written[:] = [changed]
        return changed.id

    return await run(ctx, work, Call("updateContactPerson", data), then=lambda pid: _answer(ctx, pid, written))


async def remove(ctx: Context, data: PersonRef) -> Outcome[PersonRecord]:
    removed: list[PersonRecord] = []  # shown as it was; a replayed key keeps no personal data to show

    async def work(tx: Transaction) -> str:
        person = await _existing(ctx, tx, data.id, rules.REMOVE_CONTACT_PERSON)
        await persons.delete(tx, person.id)
        await record_change(
            tx, ctx.principal, "Person", person.id, "delete", person.personal_data(), None, actors=(person.actor_id,)
        )
        removed[:] = [person]
        return person.id

    async def as_it_was(_: str) -> PersonRecord | None:
        return removed[-1] if removed else None

    return await run(ctx, work, Call("removeContactPerson", data), then=as_it_was)


async def erase(ctx: Context, data: PersonRef) -> Outcome[Erasure]:
    refusal = role_error(ctx.principal, rules.ERASE_PERSON)
    if refusal is not None:
        return Outcome(errors=[refusal])
    local = ids.decode_as(data.id, "Person")
    if local is None:  # an actor's id, anything not issued for a person
        return Outcome(errors=[not_found("person", data.id, "input", "id")])

    async def work(tx: Transaction) -> dict[str, Any]:
        # Personal data lives in the person's node and its own audit records only (graph.audit
        # says why), so both are found by the person's id and nothing else is looked at.
        person = await persons.by_id(tx, local)
        scrubbed, in_records = await audit.erase_fields(tx, local, frozenset(persons.FIELDS))
        if person is None and not scrubbed:  # no such person, or nothing of it left to erase
            raise Rejected(not_found("person", data.id, "input", "id"))
        await persons.delete(tx, local)
        fields = tuple(sorted(set(person.personal_data() if person else ()) | in_records))
        # The erasure itself is recorded, without any of the erased data.
        await record_change(
            tx,
            ctx.principal,
            "Person",
            local,
            "erase",
            None,
            {"erasedFields": list(fields)},
            actors=(person.actor_id,) if person else (),
        )
        return asdict(Erasure(local, fields, scrubbed))  # the receipt: JSON, field names and counts only

    async def report(receipt: dict[str, Any]) -> Erasure:
        return Erasure(**{**receipt, "fields": tuple(receipt["fields"])})

    return await run(ctx, work, Call("erasePerson", data), then=report)
