"""Writing actors: create, update, archive, restore, set quarters, merge duplicates.

Each mutation validates what it can without the database, then runs in one write
transaction that checks permissions, writes, and appends its audit record; any refusal
inside it raises :class:`Rejected`, which rolls everything back.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import TypeVar

from core import access as rules
from core.access import Rule
from core.context import Context
from graph import actors, merging
from graph.actors import (
    TYPE_FIELDS,
    ActorPatch,
    ActorRecord,
    Address,
    Names,
    NewActor,
    NewMembership,
    QuarterTie,
    TypeFields,
)
from graph.db import Transaction
from graph.ids import new_id
from graph.names import name_key
from graph.patch import KEEP, Change
from graph.projects import QuarterState
from resolvers import commands, ids, texts
from resolvers.access import actor_write_error, memberships_change_error, placement_error, role_error
from resolvers.commands import (
    ActorState,
    CreateActor,
    Maybe,
    MergeActors,
    QuarterMembership,
    SetActorQuarters,
    UpdateActor,
    given,
)
from resolvers.outcomes import Outcome, Refusal, RefusalCode, Rejected, invalid, not_found, stale
from resolvers.references import quarters_not_in, unknown_action_fields, unknown_quarters
from resolvers.validation import MAX_TEXT, clean_text, coordinates, name, period, strings, text, url
from resolvers.writes import Call, change_record, record_change, run

T = TypeVar("T")


async def _membership_errors(
    ctx: Context, rows: Sequence[QuarterMembership] | None, *path: str, look_up: bool = True
) -> list[Refusal]:
    """What is wrong with the memberships asked for; ``look_up=False`` leaves out whether their
    quarters exist (no read), for a write whose statement checks that itself."""
    if not rows:
        return []
    slugs = [r.quarter.strip().lower() for r in rows]
    errors = await unknown_quarters(ctx, slugs, *path) if look_up else []
    seen: set[tuple[str, str]] = set()
    for i, (row, slug) in enumerate(zip(rows, slugs, strict=True)):
        if (slug, row.role) in seen:
            errors.append(invalid(texts.QUARTER_TWICE(slug=slug), *path, str(i)))
        seen.add((slug, row.role))
        errors += period(row.since, row.until, *path, str(i))
        errors += text(row.note, MAX_TEXT, *path, str(i), "note")
        errors += strings(row.sources, *path, str(i), "sources")
        if row.flats is not None and row.flats < 0:
            errors.append(invalid(texts.NEGATIVE_FLATS(), *path, str(i), "flats"))
    return errors


def _memberships(rows: Sequence[QuarterMembership]) -> list[NewMembership]:
    return [
        NewMembership(
            quarter=r.quarter.strip().lower(),
            role=r.role,
            since=r.since,
            until=r.until,
            flats=r.flats,
            note=r.note,
            sources=_cleaned(r.sources),
        )
        for r in rows
    ]


def _cleaned(values: Sequence[str] | None) -> tuple[str, ...]:
    return tuple(clean_text(v) for v in values or ())


def _keep(value: Maybe[T]) -> Change[T]:
    """An update field not sent stays as it is."""
    return KEEP if value is commands.UNSET else value


def _address(address: commands.Address | None) -> Address | None:
    return Address(address.street, address.postal_code, address.city) if address else None


def _location(location: commands.Location | None) -> tuple[float, float] | None:
    return (location.latitude, location.longitude) if location else None


def _type_field_errors(actor_type: str, data: CreateActor | UpdateActor) -> list[Refusal]:
    errors = []
    for field, (owner, _) in TYPE_FIELDS.items():
        value = getattr(data, field)
        if given(value) and value is not None and owner != actor_type:
            errors.append(invalid(texts.TYPE_FIELD(field=field, owner=owner), "input", field))
    return errors


def _names(primary: str, alternatives: Sequence[str]) -> Names:
    return Names(primary, _cleaned(alternatives))


async def _refuse_duplicate_name(tx: Transaction, primary: str, key: str, actor_id: str | None = None) -> None:
    """Refuse a name that another live actor already has as people see it (see graph/names.py)."""
    same = await actors.same_name(tx, key, exclude=[actor_id] if actor_id else [])
    if same:
        raise Rejected(_duplicate_name(primary, same))


def _duplicate_name(primary: str, same: list[str]) -> Refusal:
    return Refusal(
        RefusalCode.DUPLICATE_ACTOR, texts.DUPLICATE_ACTOR(name=primary), ("input", "name"), {"existing": same}
    )


async def _reload(ctx: Context, actor_id: str) -> ActorRecord | None:
    ctx.loaders.forget_actor(actor_id)
    return await ctx.loaders.actor_by_id.load(actor_id)


async def _written(ctx: Context, written: dict[str, ActorRecord], actor_id: str) -> ActorRecord | None:
    """The actor as this call's transaction left it (read there, after its last write: what was
    committed), or, for a receipt of an earlier call (a replayed key), as it is now."""
    record = written.get(actor_id)
    if record is None:
        return await _reload(ctx, actor_id)
    ctx.loaders.forget_actor(actor_id)
    ctx.loaders.prime_actors([record])
    return record


async def _current(tx: Transaction, actor_id: str) -> ActorRecord:
    found = await actors.one(tx, actor_id)
    assert found is not None, "locked in this transaction"
    return found


async def _locked(
    ctx: Context,
    tx: Transaction,
    actor_id: str,
    global_id: str,
    version: int | None,
    rule: Rule,
    what: str | None = None,
) -> tuple[ActorRecord, list[QuarterTie]]:
    """Lock the actor, check that it exists, that this principal may write it, and the version."""
    previous = await actors.bump(tx, actor_id)
    if previous is None:
        raise Rejected(not_found("actor", global_id, "input", "id"))
    ties = (await actors.quarter_ties(tx, [actor_id]))[actor_id]
    refusal = actor_write_error(ctx.principal, rule, ties, what)
    if refusal is not None:
        raise Rejected(refusal)
    if version is not None and previous != version:
        raise Rejected(stale(version, previous))
    return await _current(tx, actor_id), ties


async def _asked_ties(ctx: Context, rows: Sequence[QuarterMembership]) -> list[QuarterTie]:
    """The memberships an input asks for, with their quarters' state, for access decisions
    (after validation: every quarter is known)."""
    found = await ctx.loaders.quarter_by_slug.load_many([r.quarter.strip().lower() for r in rows])
    states = {q.slug: QuarterState(q.slug, q.status, q.end_date) for q in found if q is not None}
    assert len(states) == len({r.quarter.strip().lower() for r in rows}), "validated before"
    return _ties(rows, states)


def _ties(rows: Sequence[QuarterMembership], states: Mapping[str, QuarterState]) -> list[QuarterTie]:
    """The memberships an input asks for, with the state of their quarters (every one in ``states``)."""
    ties = []
    for row in rows:
        quarter = states[row.quarter.strip().lower()]
        ties.append(
            QuarterTie(
                actor_id="",
                quarter=quarter.slug,
                role=row.role,
                since=row.since,
                until=row.until,
                flats=row.flats,
                share_note=None,
                note=row.note,
                sources=tuple(clean_text(s) for s in row.sources or []),
                quarter_status=quarter.status,
                quarter_end=quarter.end,
            )
        )
    return ties


async def create_actor(ctx: Context, data: CreateActor) -> Outcome[ActorRecord]:
    slugs = [r.quarter.strip().lower() for r in data.quarters or []]
    refusal = role_error(ctx.principal, rules.CREATE_ACTOR)
    if refusal is not None:
        return Outcome(errors=[refusal])
    errors = name(data.name, "input", "name")
    errors += strings(data.alternative_names, "input", "alternativeNames")
    errors += text(data.description, MAX_TEXT, "input", "description")
    errors += url(data.website, "input", "website")
    errors += strings(data.tags, "input", "tags") + strings(data.sources, "input", "sources")
    if data.location is not None:
        errors += coordinates(data.location.latitude, data.location.longitude, "input", "location")
    errors += _type_field_errors(data.type, data)
    errors += await unknown_action_fields(ctx, data.action_fields, "input", "actionFields")
    # Whether the quarters exist, the create statement finds out itself (it reads their state for
    # the placement check, and refuses an unknown slug as validation does): a valid input costs no
    # read of its own for quarters not confirmed lately. A refused one names them all, as before.
    if errors or await _membership_errors(ctx, data.quarters, "input", "quarters", look_up=False):
        errors += await _membership_errors(ctx, data.quarters, "input", "quarters")
        return Outcome(errors=errors)

    actor_id = new_id()
    primary = clean_text(data.name)
    new = NewActor(
        type=data.type,
        names=_names(primary, data.alternative_names or ()),
        description=data.description,
        address=_address(data.address),
        location=_location(data.location),
        website=data.website.strip() if data.website else None,
        tags=_cleaned(data.tags),
        sources=_cleaned(data.sources),
        synthetic=data.synthetic,
        type_fields=TypeFields(
            data.institution_kind, data.legal_form, data.sector, data.social_enterprise, data.ownership
        ),
    )

    written: dict[str, ActorRecord] = {}
    fields = data.action_fields or ()

    async def work(tx: Transaction) -> str:
        # One statement: the duplicate-name check, the create with its audit record and revision
        # (none of them if the name is taken), and the asked quarters' state. The placement check
        # is decided here from that state; refusing rolls the create back with everything else.
        after = {**actors.new_snapshot(new, fields), "quarters": slugs}
        created = await actors.create_recorded(
            tx,
            actor_id,
            new,
            fields,
            _memberships(data.quarters or ()),
            None if data.allow_duplicate_name else name_key(primary),
            change_record(tx, ctx.principal, "Actor", actor_id, "create", None, after),
        )
        gone = quarters_not_in(slugs, created.quarters, "input", "quarters")  # unknown, or removed meanwhile
        if gone:
            raise Rejected(*gone)
        refusal = placement_error(ctx.principal, rules.CREATE_ACTOR, _ties(data.quarters or (), created.quarters))
        if refusal is not None:
            raise Rejected(refusal)
        if created.actor is None:
            raise Rejected(_duplicate_name(primary, created.same))
        written[actor_id] = created.actor
        return actor_id

    # A replayed key answers with the actor its first call created, not with this call's new id.
    return await run(
        ctx, work, Call("createActor", data), then=lambda created: _written(ctx, written, created), one_statement=True
    )


async def update_actor(ctx: Context, data: UpdateActor) -> Outcome[ActorRecord]:
    actor_id = ids.decode_as(data.id, "Actor")
    if actor_id is None:
        return Outcome(errors=[not_found("actor", data.id, "input", "id")])
    errors: list[Refusal] = []
    if given(data.name):
        errors += name(data.name or "", "input", "name")
    if given(data.alternative_names):
        errors += strings(data.alternative_names, "input", "alternativeNames")
    if given(data.description):
        errors += text(data.description, MAX_TEXT, "input", "description")
    if given(data.website):
        errors += url(data.website, "input", "website")
    if given(data.tags):
        errors += strings(data.tags, "input", "tags")
    if given(data.sources):
        errors += strings(data.sources, "input", "sources")
    if given(data.location) and data.location is not None:
        errors += coordinates(data.location.latitude, data.location.longitude, "input", "location")
    if given(data.action_fields):
        errors += await unknown_action_fields(ctx, data.action_fields, "input", "actionFields")
    if errors:
        return Outcome(errors=errors)

    async def work(tx: Transaction) -> None:
        current, _ = await _locked(ctx, tx, actor_id, data.id, data.version, rules.UPDATE_ACTOR)
        type_errors = _type_field_errors(current.type, data)
        if type_errors:
            raise Rejected(*type_errors)
        names: Change[Names] = KEEP
        if given(data.name) or given(data.alternative_names):
            primary = clean_text(data.name) if given(data.name) and data.name else current.name
            alts = data.alternative_names if given(data.alternative_names) else current.alt_names
            names = _names(primary, alts or ())
            # Only a new name as people see it is checked: "KITA X" → "Kita X e.V." is no new duplicate.
            if not data.allow_duplicate_name and name_key(primary) != name_key(current.name):
                await _refuse_duplicate_name(tx, primary, name_key(primary), actor_id)
        patch = ActorPatch(
            names=names,
            description=_keep(data.description),
            address=_address(data.address) if given(data.address) else KEEP,
            location=_location(data.location) if given(data.location) else KEEP,
            website=(data.website.strip() if data.website else None) if given(data.website) else KEEP,
            tags=_cleaned(data.tags) if given(data.tags) else KEEP,
            sources=_cleaned(data.sources) if given(data.sources) else KEEP,
            institution_kind=_keep(data.institution_kind),
            legal_form=_keep(data.legal_form),
            sector=_keep(data.sector),
            social_enterprise=_keep(data.social_enterprise),
            ownership=_keep(data.ownership),
        )
        await actors.update(tx, actor_id, patch)
        if given(data.action_fields):
            await actors.set_action_fields(tx, actor_id, data.action_fields or ())
        before, after = actors.diff(actors.snapshot(current), actors.snapshot(await _current(tx, actor_id)))
        await record_change(tx, ctx.principal, "Actor", actor_id, "update", before, after)

    return await run(ctx, work, Call("updateActor", data), then=lambda _: _reload(ctx, actor_id))


async def set_archived(ctx: Context, data: ActorState, archived: bool) -> Outcome[ActorRecord]:
    actor_id = ids.decode_as(data.id, "Actor")
    if actor_id is None:
        return Outcome(errors=[not_found("actor", data.id, "input", "id")])

    async def work(tx: Transaction) -> None:
        rule = rules.ARCHIVE_ACTOR if archived else rules.RESTORE_ACTOR
        current, _ = await _locked(ctx, tx, actor_id, data.id, data.version, rule)
        if current.archived != archived:
            await actors.set_archived(tx, actor_id, archived)
            await record_change(
                tx,
                ctx.principal,
                "Actor",
                actor_id,
                "archive" if archived else "restore",
                {"archived": current.archived},
                {"archived": archived},
            )

    call = Call("archiveActor" if archived else "restoreActor", data)
    return await run(ctx, work, call, then=lambda _: _reload(ctx, actor_id))


async def set_quarters(ctx: Context, data: SetActorQuarters) -> Outcome[ActorRecord]:
    actor_id = ids.decode_as(data.id, "Actor")
    if actor_id is None:
        return Outcome(errors=[not_found("actor", data.id, "input", "id")])
    errors = await _membership_errors(ctx, data.quarters, "input", "quarters")
    if errors:
        return Outcome(errors=errors)
    new_slugs = [r.quarter.strip().lower() for r in data.quarters]
    new = await _asked_ties(ctx, data.quarters)

    async def work(tx: Transaction) -> None:
        _, old = await _locked(
            ctx, tx, actor_id, data.id, data.version, rules.SET_ACTOR_QUARTERS, "changing this actor's quarters"
        )
        refusal = memberships_change_error(ctx.principal, rules.SET_ACTOR_QUARTERS, old, new)
        if refusal is not None:
            raise Rejected(refusal)
        # The input cannot carry a share note: a membership handed back unchanged keeps its own.
        notes = {t.content(): t.share_note for t in old if t.share_note is not None}
        rows = [
            dataclasses.replace(row, share_note=notes.get(tie.content()))
            for row, tie in zip(_memberships(data.quarters), new, strict=True)
        ]
        await actors.set_memberships(tx, actor_id, rows)
        await record_change(
            tx,
            ctx.principal,
            "Actor",
            actor_id,
            "set_quarters",
            {"quarters": sorted(t.quarter for t in old)},
            {"quarters": sorted(new_slugs)},
            quarters=sorted(t.quarter for t in old),
        )

    return await run(ctx, work, Call("setActorQuarters", data), then=lambda _: _reload(ctx, actor_id))


async def merge_actors(ctx: Context, data: MergeActors) -> Outcome[ActorRecord]:
    refusal = role_error(ctx.principal, rules.MERGE_ACTORS)
    if refusal is not None:
        return Outcome(errors=[refusal])
    survivor_id = ids.decode_as(data.survivor_id, "Actor")
    if survivor_id is None:
        return Outcome(errors=[not_found("actor", data.survivor_id, "input", "survivorId")])
    if not 1 <= len(data.duplicate_ids) <= 10:
        return Outcome(errors=[invalid(texts.MERGE_COUNT(), "input", "duplicateIds")])
    duplicates: list[tuple[str, str]] = []
    errors: list[Refusal] = []
    for i, global_id in enumerate(data.duplicate_ids):
        local = ids.decode_as(global_id, "Actor")
        if local is None:
            errors.append(not_found("actor", global_id, "input", "duplicateIds", str(i)))
        elif local == survivor_id:
            errors.append(invalid(texts.MERGE_ITSELF(), "input", "duplicateIds", str(i)))
        elif local in {d for d, _ in duplicates}:
            errors.append(invalid(texts.DUPLICATE_TWICE(), "input", "duplicateIds", str(i)))
        else:
            duplicates.append((local, global_id))
    if errors:
        return Outcome(errors=errors)

    async def work(tx: Transaction) -> list[dict[str, int]]:
        summaries = []
        survivor, _ = await _locked(
            ctx, tx, survivor_id, data.survivor_id, data.survivor_version, rules.MERGE_ACTORS, "merging"
        )
        before = actors.snapshot(survivor)
        for i, (local, global_id) in enumerate(duplicates):
            if await actors.bump(tx, local) is None:
                raise Rejected(not_found("actor", global_id, "input", "duplicateIds", str(i)))
            duplicate = await _current(tx, local)
            memberships = await actors.memberships(tx, [survivor_id, local])
            summary = await merging.merge(tx, survivor, duplicate, memberships)
            summaries.append(summary)
            for person in summary.moved_persons:  # by id only: personal data stays in the person's records
                await record_change(
                    tx,
                    ctx.principal,
                    "Person",
                    person,
                    "move",
                    {"actor": local},
                    {"actor": survivor_id},
                    actors=(survivor_id,),
                )
            await record_change(
                tx,
                ctx.principal,
                "Actor",
                local,
                "merged_away",
                actors.snapshot(duplicate),
                {"mergedInto": survivor_id},
                actors=(local, survivor_id),
            )
            survivor = await _current(tx, survivor_id)
        changed_before, changed_after = actors.diff(before, actors.snapshot(survivor))
        await record_change(
            tx,
            ctx.principal,
            "Actor",
            survivor_id,
            "merge",
            changed_before,
            {**changed_after, "merged": [d for d, _ in duplicates]},
        )
        return [dataclasses.asdict(s) for s in summaries]  # the receipt: JSON

    async def merged(_: list[dict[str, int]]) -> ActorRecord | None:
        for local, _global_id in duplicates:
            ctx.loaders.forget_actor(local)
        return await _reload(ctx, survivor_id)

    outcome = await run(ctx, work, Call("mergeActors", data), then=merged)
    if not outcome.errors:
        outcome.extra["summaries"] = [merging.MergeSummary(**s) for s in outcome.receipt]
    return outcome
