"""Writing cooperations: add, update, end (history stays), delete (for mistakes)."""

from __future__ import annotations

import datetime as dt

from core import access as rules
from core.access import Rule
from core.context import Context
from graph import actors, cooperations
from graph.actors import ActorRecord
from graph.cooperations import CooperationPatch, CooperationRecord, NewCooperation
from graph.db import Transaction
from graph.ids import new_id
from graph.patch import KEEP
from resolvers import ids, texts
from resolvers.access import cooperation_write_error, role_error
from resolvers.commands import AddCooperation, DeleteCooperation, EndCooperation, UpdateCooperation, given
from resolvers.outcomes import Outcome, Refusal, RefusalCode, Rejected, invalid, not_found, stale
from resolvers.references import unknown_action_fields
from resolvers.validation import MAX_SHORT, MAX_TEXT, clean_text, intensity, period, text
from resolvers.writes import Call, change_record, record_change, run


def _overlaps(since: dt.date | None, until: dt.date | None, other: CooperationRecord) -> bool:
    return (since or dt.date.min) <= (other.until or dt.date.max) and (other.since or dt.date.min) <= (
        until or dt.date.max
    )


def _duplicate(existing: CooperationRecord) -> Refusal:
    return Refusal(
        RefusalCode.DUPLICATE_COOPERATION,
        texts.DUPLICATE_COOPERATION(),
        ("input",),
        {"existing": existing.id},
    )


async def add_cooperation(ctx: Context, data: AddCooperation) -> Outcome[CooperationRecord]:
    if len(data.actor_ids) != 2:
        return Outcome(errors=[invalid(texts.TWO_ACTORS(), "input", "actorIds")])
    errors: list[Refusal] = []
    locals_: list[str] = []
    for i, global_id in enumerate(data.actor_ids):
        local = ids.decode_as(global_id, "Actor")
        if local is None:
            errors.append(not_found("actor", global_id, "input", "actorIds", str(i)))
        else:
            locals_.append(local)
    if len(locals_) == 2 and locals_[0] == locals_[1]:
        errors.append(Refusal(RefusalCode.SELF_COOPERATION, texts.SELF_COOPERATION(), ("input", "actorIds")))
    errors += period(data.since, data.until, "input")
    errors += intensity(data.intensity, "input", "intensity")
    errors += text(data.description, MAX_TEXT, "input", "description")
    errors += text(data.source, MAX_SHORT, "input", "source")
    errors += await unknown_action_fields(ctx, data.action_fields, "input", "actionFields")
    if errors:
        return Outcome(errors=errors)
    a, b = locals_
    cooperation_id = new_id()
    new = NewCooperation(
        kind=data.kind,
        action_fields=tuple(dict.fromkeys(data.action_fields or ())),
        since=data.since,
        until=data.until,
        intensity=data.intensity,
        description=data.description,
        source=clean_text(data.source) if data.source else None,
        synthetic=data.synthetic,
    )

    written: dict[str, CooperationRecord] = {}

    ends: dict[str, ActorRecord] = {}

    async def work(tx: Transaction) -> str:
        # One statement: lock both actors, read what the checks need, and create the cooperation
        # with its audit record and revision (if both actors exist). The checks are decided here,
        # in their order, from what it read before the create; a refusal rolls it all back.
        after = cooperations.new_snapshot(a, b, new)
        entry = change_record(tx, ctx.principal, "Cooperation", cooperation_id, "create", None, after, actors=(a, b))
        added = await cooperations.add_recorded(tx, cooperation_id, a, b, new, entry)
        prepared = added.prepared
        for i, local in enumerate((a, b)):
            if local not in prepared.archived:
                raise Rejected(not_found("actor", data.actor_ids[i], "input", "actorIds", str(i)))
        refusal = cooperation_write_error(
            ctx.principal, rules.ADD_COOPERATION, prepared.ties.get(a, []), prepared.ties.get(b, [])
        )
        if refusal is not None:
            raise Rejected(refusal)
        for i, local in enumerate((a, b)):
            if prepared.archived[local]:
                raise Rejected(invalid(texts.ARCHIVED_TAKES_NONE(), "input", "actorIds", str(i)))
        for existing in prepared.between:
            if existing.kind == new.kind and _overlaps(data.since, data.until, existing):
                raise Rejected(_duplicate(existing))
        assert added.created is not None, "both actors exist"
        written[cooperation_id] = added.created
        ends.update(prepared.actors)  # unchanged by this write: the payload's actors need no read
        return cooperation_id

    async def then(receipt: str) -> CooperationRecord | None:
        # This call's own write as its transaction left it (what was committed); a replayed
        # key's receipt names the cooperation its first call created, read afresh.
        record = written.get(receipt)
        if record is None:
            return await _reload(ctx, receipt)
        ctx.loaders.forget_cooperation(receipt)
        ctx.loaders.cooperation_by_id.prime(receipt, record)
        for actor_id in ends:
            ctx.loaders.forget_actor(actor_id)
        ctx.loaders.prime_actors(ends.values())
        return record

    return await run(ctx, work, Call("addCooperation", data), then=then, one_statement=True)


async def _check_write(ctx: Context, tx: Transaction, a: str, b: str, rule: Rule) -> None:
    """Whether this principal may write a cooperation between ``a`` and ``b`` (access.py decides)."""
    ties = await actors.quarter_ties(tx, [a, b])
    refusal = cooperation_write_error(ctx.principal, rule, ties.get(a, []), ties.get(b, []))
    if refusal is not None:
        raise Rejected(refusal)


async def _reload(ctx: Context, cooperation_id: str) -> CooperationRecord | None:
    ctx.loaders.forget_cooperation(cooperation_id)
    return await ctx.loaders.cooperation_by_id.load(cooperation_id)


async def update_cooperation(ctx: Context, data: UpdateCooperation) -> Outcome[CooperationRecord]:
    local = ids.decode_as(data.id, "Cooperation")
    if local is None:
        return Outcome(errors=[not_found("cooperation", data.id, "input", "id")])
    errors: list[Refusal] = []
    if given(data.kind) and data.kind is None:
        errors.append(invalid(texts.KIND_KEPT(), "input", "kind"))
    if given(data.intensity):
        errors += intensity(data.intensity, "input", "intensity")
    if given(data.description):
        errors += text(data.description, MAX_TEXT, "input", "description")
    if given(data.source):
        errors += text(data.source, MAX_SHORT, "input", "source")
    if given(data.action_fields):
        errors += await unknown_action_fields(ctx, data.action_fields, "input", "actionFields")
    if errors:
        return Outcome(errors=errors)

    async def work(tx: Transaction) -> None:
        current = await _locked(ctx, tx, local, data.id, data.version, rules.UPDATE_COOPERATION)
        kind = data.kind if given(data.kind) and data.kind else current.kind
        since = data.since if given(data.since) else current.since
        until = data.until if given(data.until) else current.until
        problems = period(since, until, "input")
        if problems:
            raise Rejected(*problems)
        for other in await cooperations.between(tx, current.a_id, current.b_id):
            if other.id != current.id and other.kind == kind and _overlaps(since, until, other):
                raise Rejected(_duplicate(other))
        patch = CooperationPatch(
            kind=kind,
            since=since,
            until=until,
            action_fields=tuple(dict.fromkeys(data.action_fields or ())) if given(data.action_fields) else KEEP,
            intensity=data.intensity if given(data.intensity) else KEEP,
            description=data.description if given(data.description) else KEEP,
            source=(clean_text(data.source) if data.source else None) if given(data.source) else KEEP,
        )
        await cooperations.update(tx, local, patch)
        changed = await cooperations.one(tx, local)
        assert changed is not None
        before, after = actors.diff(current.snapshot(), changed.snapshot())
        await record_change(
            tx, ctx.principal, "Cooperation", local, "update", before, after, actors=(changed.a_id, changed.b_id)
        )

    return await run(ctx, work, Call("updateCooperation", data), then=lambda _: _reload(ctx, local))


async def _locked(
    ctx: Context, tx: Transaction, local: str, global_id: str, version: int | None, rule: Rule
) -> CooperationRecord:
    bumped = await cooperations.bump(tx, local)
    if bumped is None:
        raise Rejected(not_found("cooperation", global_id, "input", "id"))
    previous, current = bumped
    await _check_write(ctx, tx, current.a_id, current.b_id, rule)
    if version is not None and previous != version:
        raise Rejected(stale(version, previous))
    return current


async def end_cooperation(ctx: Context, data: EndCooperation) -> Outcome[CooperationRecord]:
    local = ids.decode_as(data.id, "Cooperation")
    if local is None:
        return Outcome(errors=[not_found("cooperation", data.id, "input", "id")])

    async def work(tx: Transaction) -> None:
        current = await _locked(ctx, tx, local, data.id, data.version, rules.END_COOPERATION)
        problems = period(current.since, data.until, "input")
        if problems:
            raise Rejected(*problems)
        await cooperations.update(tx, local, CooperationPatch(until=data.until))
        await record_change(
            tx,
            ctx.principal,
            "Cooperation",
            local,
            "end",
            {"until": current.until.isoformat() if current.until else None},
            {"until": data.until.isoformat()},
            actors=(current.a_id, current.b_id),
        )

    return await run(ctx, work, Call("endCooperation", data), then=lambda _: _reload(ctx, local))


async def delete_cooperation(ctx: Context, data: DeleteCooperation) -> Outcome[CooperationRecord]:
    refusal = role_error(ctx.principal, rules.DELETE_COOPERATION)
    if refusal is not None:
        return Outcome(errors=[refusal])
    local = ids.decode_as(data.id, "Cooperation")
    if local is None:
        return Outcome(errors=[not_found("cooperation", data.id, "input", "id")])

    deleted: list[CooperationRecord] = []  # the payload shows it as it was; a replay has nothing to show

    async def work(tx: Transaction) -> None:
        gone = await cooperations.delete(tx, local)
        if gone is None:
            raise Rejected(not_found("cooperation", data.id, "input", "id"))
        await record_change(
            tx, ctx.principal, "Cooperation", local, "delete", gone.snapshot(), None, actors=(gone.a_id, gone.b_id)
        )
        deleted[:] = [gone]

    async def as_it_was(_: None) -> CooperationRecord | None:
        ctx.loaders.forget_cooperation(local)
        return deleted[0] if deleted else None

    return await run(ctx, work, Call("deleteCooperation", data), then=as_it_was)
