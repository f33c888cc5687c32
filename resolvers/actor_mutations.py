"""Writing actors: create, update, archive, restore, set quarters, merge duplicates.

Each mutation validates what it can without the database, then runs in one write
transaction that checks permissions, writes, and appends its audit record; any refusal
inside it raises :class:`Rejected`, which rolls everything back.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from core.context import Context
from graph import actors, audit, merging
from graph.actors import ActorRecord, QuarterTie
from graph.db import Transaction
from graph.ids import new_id
from graph.names import name_key, search_key, sort_key
from resolvers import ids
from resolvers.access import (
    WRITER_ROLES,
    actor_write_error,
    admin_error,
    memberships_change_error,
    placement_error,
    role_error,
)
from resolvers.outcomes import Outcome, Rejected, UserError, invalid, not_found, stale
from resolvers.references import unknown_action_fields, unknown_quarters
from resolvers.validation import MAX_TEXT, clean_text, coordinates, given, name, period, strings, text, url
from resolvers.writes import Call, record_change, run

if TYPE_CHECKING:
    from schema.mutation_inputs import (
        ActorStateInput,
        CreateActorInput,
        MergeActorsInput,
        QuarterMembershipInput,
        SetActorQuartersInput,
        UpdateActorInput,
    )

# Fields that belong to one actor type only.
TYPE_FIELDS = {
    "institution_kind": ("Institution", "institutionKind"),
    "legal_form": ("Initiative", "legalForm"),
    "sector": ("Company", "sector"),
    "social_enterprise": ("Company", "socialEnterprise"),
    "ownership": ("HousingAssociation", "ownership"),
}


async def _membership_errors(ctx: Context, rows: list[QuarterMembershipInput] | None, *path: str) -> list[UserError]:
    if not rows:
        return []
    slugs = [r.quarter.strip().lower() for r in rows]
    errors = await unknown_quarters(ctx, slugs, *path)
    seen: set[tuple[str, str]] = set()
    for i, (row, slug) in enumerate(zip(rows, slugs, strict=True)):
        if (slug, row.role.value) in seen:
            errors.append(invalid(f"quarter {slug!r} is listed twice with the same role", *path, str(i)))
        seen.add((slug, row.role.value))
        errors += period(row.since, row.until, *path, str(i))
        errors += text(row.note, MAX_TEXT, *path, str(i), "note")
        errors += strings(row.sources, *path, str(i), "sources")
        if row.flats is not None and row.flats < 0:
            errors.append(invalid("flats cannot be negative", *path, str(i), "flats"))
    return errors


def _membership_rows(rows: list[QuarterMembershipInput]) -> list[dict[str, Any]]:
    return [
        {
            "quarter": r.quarter.strip().lower(),
            "props": {
                "role": r.role.value,
                "since": r.since,
                "until": r.until,
                "flats": r.flats,
                "note": r.note,
                "sources": [clean_text(s) for s in r.sources or []],
            },
        }
        for r in rows
    ]


def _type_field_errors(actor_type: str, values: dict[str, Any]) -> list[UserError]:
    errors = []
    for field, (owner, _) in TYPE_FIELDS.items():
        value = values.get(field)
        if given(value) and value is not None and owner != actor_type:
            errors.append(invalid(f"`{field}` applies to {owner} actors only", "input", field))
    return errors


def _names(primary: str, alternatives: list[str]) -> dict[str, Any]:
    alts = [n for n in dict.fromkeys(clean_text(a) for a in alternatives) if n and n != primary]
    return {
        "name": primary,
        "altNames": alts,
        "searchKey": search_key([primary, *alts]),
        "nameKey": name_key(primary),
        "sortName": sort_key(primary),
    }


def _enum_value(value: Any) -> Any:
    return value.value if hasattr(value, "value") else value


async def _refuse_duplicate_name(tx: Transaction, primary: str, key: str, actor_id: str | None = None) -> None:
    """Refuse a name that another live actor already has as people see it (see graph/names.py)."""
    same = await actors.same_name(tx, key, exclude=[actor_id] if actor_id else [])
    if same:
        raise Rejected(
            UserError(
                "DUPLICATE_ACTOR",
                f"an actor named like {primary!r} exists already; merge, rename, or set allowDuplicateName",
                ("input", "name"),
                {"existing": same},
            )
        )


async def _reload(ctx: Context, actor_id: str) -> ActorRecord | None:
    ctx.loaders.forget_actor(actor_id)
    return await ctx.loaders.actor_by_id.load(actor_id)


async def _current(tx: Transaction, actor_id: str) -> ActorRecord:
    [row] = await tx.run(actors.BY_IDS, ids=[actor_id])
    return actors.record(row["a"])


async def _locked(
    ctx: Context, tx: Transaction, actor_id: str, global_id: str, version: int | None, what: str
) -> tuple[ActorRecord, list[QuarterTie]]:
    """Lock the actor, check that it exists, that this principal may write it, and the version."""
    previous = await actors.bump(tx, actor_id)
    if previous is None:
        raise Rejected(not_found("actor", global_id, "input", "id"))
    ties = (await actors.quarter_ties_in(tx, [actor_id]))[actor_id]
    refusal = actor_write_error(ctx.principal, ties, what)
    if refusal is not None:
        raise Rejected(refusal)
    if version is not None and previous != version:
        raise Rejected(stale(version, previous))
    return await _current(tx, actor_id), ties


async def _asked_ties(ctx: Context, rows: list[QuarterMembershipInput]) -> list[QuarterTie]:
    """The memberships an input asks for, with their quarters' state, for access decisions
    (after validation: every quarter is known)."""
    found = await ctx.loaders.quarter_by_slug.load_many([r.quarter.strip().lower() for r in rows])
    ties = []
    for row, quarter in zip(rows, found, strict=True):
        assert quarter is not None, "validated before"
        ties.append(
            QuarterTie(
                actor_id="",
                quarter=quarter.slug,
                role=row.role.value,
                since=row.since,
                until=row.until,
                flats=row.flats,
                share_note=None,
                note=row.note,
                sources=tuple(clean_text(s) for s in row.sources or []),
                quarter_status=quarter.status,
                quarter_end=quarter.end_date,
            )
        )
    return ties


async def create_actor(ctx: Context, data: CreateActorInput) -> Outcome[ActorRecord]:
    slugs = [r.quarter.strip().lower() for r in data.quarters or []]
    refusal = role_error(ctx.principal, WRITER_ROLES, "creating an actor")
    if refusal is not None:
        return Outcome(errors=[refusal])
    errors = name(data.name, "input", "name")
    errors += strings(data.alternative_names, "input", "alternativeNames")
    errors += text(data.description, MAX_TEXT, "input", "description")
    errors += url(data.website, "input", "website")
    errors += strings(data.tags, "input", "tags") + strings(data.sources, "input", "sources")
    if data.location is not None:
        errors += coordinates(data.location.latitude, data.location.longitude, "input", "location")
    errors += _type_field_errors(data.type.value, {f: getattr(data, f) for f in TYPE_FIELDS})
    errors += await unknown_action_fields(ctx, data.action_fields, "input", "actionFields")
    errors += await _membership_errors(ctx, data.quarters, "input", "quarters")
    if errors:
        return Outcome(errors=errors)
    refusal = placement_error(ctx.principal, await _asked_ties(ctx, data.quarters or []), "creating an actor")
    if refusal is not None:
        return Outcome(errors=[refusal])

    actor_id = new_id()
    primary = clean_text(data.name)
    props: dict[str, Any] = {
        **_names(primary, data.alternative_names or []),
        "description": data.description,
        "street": data.address.street if data.address else None,
        "postalCode": data.address.postal_code if data.address else None,
        "city": data.address.city if data.address else None,
        "website": data.website.strip() if data.website else None,
        "tags": [clean_text(t) for t in data.tags or []],
        "sources": [clean_text(s) for s in data.sources or []],
        "synthetic": data.synthetic,
    }
    for field, (_, prop) in TYPE_FIELDS.items():
        props[prop] = _enum_value(getattr(data, field))
    location = (data.location.latitude, data.location.longitude) if data.location else None

    async def work(tx: Transaction) -> str:
        if not data.allow_duplicate_name:
            await _refuse_duplicate_name(tx, primary, props["nameKey"])
        await actors.create(tx, actor_id, data.type.value, props, location)
        await actors.set_action_fields(tx, actor_id, data.action_fields or [])
        await actors.set_memberships(tx, actor_id, _membership_rows(data.quarters or []))
        created = await _current(tx, actor_id)
        await record_change(
            tx, ctx.principal, "Actor", actor_id, "create", None, {**actors.snapshot(created), "quarters": slugs}
        )
        return actor_id

    # A replayed key answers with the actor its first call created, not with this call's new id.
    return await run(ctx, work, Call("createActor", data), then=lambda created: _reload(ctx, created))


async def update_actor(ctx: Context, data: UpdateActorInput) -> Outcome[ActorRecord]:
    actor_id = ids.decode_as(data.id, "Actor")
    if actor_id is None:
        return Outcome(errors=[not_found("actor", data.id, "input", "id")])
    errors: list[UserError] = []
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
        current, _ = await _locked(ctx, tx, actor_id, data.id, data.version, "changing this actor")
        type_errors = _type_field_errors(current.type, {f: getattr(data, f) for f in TYPE_FIELDS})
        if type_errors:
            raise Rejected(*type_errors)
        props: dict[str, Any] = {}
        if given(data.name) or given(data.alternative_names):
            primary = clean_text(data.name) if given(data.name) and data.name else current.name
            alts = data.alternative_names if given(data.alternative_names) else list(current.alt_names)
            props.update(_names(primary, alts or []))
            # Only a new name as people see it is checked: "KITA X" → "Kita X e.V." is no new duplicate.
            if not data.allow_duplicate_name and props["nameKey"] != name_key(current.name):
                await _refuse_duplicate_name(tx, primary, props["nameKey"], actor_id)
        if given(data.description):
            props["description"] = data.description
        if given(data.website):
            props["website"] = data.website.strip() if data.website else None
        if given(data.tags):
            props["tags"] = [clean_text(t) for t in data.tags or []]
        if given(data.sources):
            props["sources"] = [clean_text(s) for s in data.sources or []]
        if given(data.address):
            address = data.address
            props.update(
                {
                    "street": address.street if address else None,
                    "postalCode": address.postal_code if address else None,
                    "city": address.city if address else None,
                }
            )
        for field, (_, prop) in TYPE_FIELDS.items():
            if given(getattr(data, field)):
                props[prop] = _enum_value(getattr(data, field))
        set_location = given(data.location)
        location = (data.location.latitude, data.location.longitude) if set_location and data.location else None
        await actors.update(tx, actor_id, props, location, set_location)
        if given(data.action_fields):
            await actors.set_action_fields(tx, actor_id, data.action_fields or [])
        before, after = actors.diff(actors.snapshot(current), actors.snapshot(await _current(tx, actor_id)))
        await record_change(tx, ctx.principal, "Actor", actor_id, "update", before, after)

    return await run(ctx, work, Call("updateActor", data), then=lambda _: _reload(ctx, actor_id))


async def set_archived(ctx: Context, data: ActorStateInput, archived: bool) -> Outcome[ActorRecord]:
    actor_id = ids.decode_as(data.id, "Actor")
    if actor_id is None:
        return Outcome(errors=[not_found("actor", data.id, "input", "id")])

    async def work(tx: Transaction) -> None:
        what = "archiving this actor" if archived else "restoring this actor"
        current, _ = await _locked(ctx, tx, actor_id, data.id, data.version, what)
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


async def set_quarters(ctx: Context, data: SetActorQuartersInput) -> Outcome[ActorRecord]:
    actor_id = ids.decode_as(data.id, "Actor")
    if actor_id is None:
        return Outcome(errors=[not_found("actor", data.id, "input", "id")])
    errors = await _membership_errors(ctx, data.quarters, "input", "quarters")
    if errors:
        return Outcome(errors=errors)
    new_slugs = [r.quarter.strip().lower() for r in data.quarters]
    new = await _asked_ties(ctx, data.quarters)

    async def work(tx: Transaction) -> None:
        _, old = await _locked(ctx, tx, actor_id, data.id, data.version, "changing this actor's quarters")
        refusal = memberships_change_error(ctx.principal, old, new)
        if refusal is not None:
            raise Rejected(refusal)
        rows = _membership_rows(data.quarters)
        # The input cannot carry a share note: a membership handed back unchanged keeps its own.
        notes = {t.content(): t.share_note for t in old if t.share_note is not None}
        for row, tie in zip(rows, new, strict=True):
            if tie.content() in notes:
                row["props"]["shareNote"] = notes[tie.content()]
        await actors.set_memberships(tx, actor_id, rows)
        await record_change(
            tx,
            ctx.principal,
            "Actor",
            actor_id,
            "set_quarters",
            {"quarters": sorted(t.quarter for t in old)},
            {"quarters": sorted(new_slugs)},
        )

    return await run(ctx, work, Call("setActorQuarters", data), then=lambda _: _reload(ctx, actor_id))


async def merge_actors(ctx: Context, data: MergeActorsInput) -> Outcome[ActorRecord]:
    refusal = admin_error(ctx.principal, "merging actors")
    if refusal is not None:
        return Outcome(errors=[refusal])
    survivor_id = ids.decode_as(data.survivor_id, "Actor")
    if survivor_id is None:
        return Outcome(errors=[not_found("actor", data.survivor_id, "input", "survivorId")])
    if not 1 <= len(data.duplicate_ids) <= 10:
        return Outcome(errors=[invalid("merge 1 to 10 duplicates at a time", "input", "duplicateIds")])
    duplicates: list[tuple[str, str]] = []
    errors: list[UserError] = []
    for i, global_id in enumerate(data.duplicate_ids):
        local = ids.decode_as(global_id, "Actor")
        if local is None:
            errors.append(not_found("actor", global_id, "input", "duplicateIds", str(i)))
        elif local == survivor_id:
            errors.append(invalid("an actor cannot be merged into itself", "input", "duplicateIds", str(i)))
        elif local in {d for d, _ in duplicates}:
            errors.append(invalid("a duplicate is listed twice", "input", "duplicateIds", str(i)))
        else:
            duplicates.append((local, global_id))
    if errors:
        return Outcome(errors=errors)

    async def work(tx: Transaction) -> list[dict[str, int]]:
        summaries = []
        survivor, _ = await _locked(ctx, tx, survivor_id, data.survivor_id, data.survivor_version, "merging")
        before = actors.snapshot(survivor)
        for i, (local, global_id) in enumerate(duplicates):
            if await actors.bump(tx, local) is None:
                raise Rejected(not_found("actor", global_id, "input", "duplicateIds", str(i)))
            duplicate = await _current(tx, local)
            member_rows = await tx.run(actors.MEMBERSHIPS, ids=[survivor_id, local])
            memberships: dict[str, list[actors.MembershipRecord]] = {}
            for m in member_rows:
                memberships.setdefault(m["id"], []).append(actors.membership(m["id"], m["quarter"], m["m"]))
            summary = await merging.merge(tx, survivor, duplicate, memberships)
            summaries.append(summary)
            for person in summary.moved_persons:  # by id only: personal data stays in the person's records
                await audit.write(
                    tx,
                    ctx.principal.label,
                    ctx.principal.role.value,
                    "Person",
                    person,
                    "move",
                    {"actor": local},
                    {"actor": survivor_id},
                )
            await audit.write(
                tx,
                ctx.principal.label,
                ctx.principal.role.value,
                "Actor",
                local,
                "merged_away",
                actors.snapshot(duplicate),
                {"mergedInto": survivor_id},
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
        for local, _ in duplicates:
            ctx.loaders.forget_actor(local)
        return await _reload(ctx, survivor_id)

    outcome = await run(ctx, work, Call("mergeActors", data), then=merged)
    if not outcome.errors:
        outcome.extra["summaries"] = [merging.MergeSummary(**s) for s in outcome.receipt]
    return outcome
