"""Writing actors: create, update, archive, restore, set quarters, merge duplicates.

Each mutation validates what it can without the database, then runs in one write
transaction; any refusal inside it raises :class:`Rejected`, which rolls everything back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import strawberry

from graph import actors, merging, revision
from graph.actors import ActorRecord
from graph.db import Transaction
from graph.ids import new_id
from graph.names import name_key, search_key, sort_key
from resolvers import ids
from resolvers.context import Context
from resolvers.references import unknown_action_fields, unknown_quarters
from resolvers.outcomes import Outcome, Rejected, UserError, invalid, not_found, stale
from resolvers.validation import MAX_TEXT, clean_text, coordinates, name, period, strings, text, url

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


def _given(value: Any) -> bool:
    return value is not strawberry.UNSET


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
            "slug": r.quarter.strip().lower(),
            "props": {"role": r.role.value, "since": r.since, "until": r.until, "flats": r.flats,
                      "note": r.note, "sources": [clean_text(s) for s in r.sources or []]},
        }
        for r in rows
    ]


def _type_field_errors(actor_type: str, values: dict[str, Any]) -> list[UserError]:
    errors = []
    for field, (owner, _) in TYPE_FIELDS.items():
        value = values.get(field)
        if _given(value) and value is not None and owner != actor_type:
            errors.append(invalid(f"`{field}` applies to {owner} actors only", "input", field))
    return errors


def _names(primary: str, alternatives: list[str]) -> dict[str, Any]:
    alts = [n for n in dict.fromkeys(clean_text(a) for a in alternatives) if n and n != primary]
    return {"name": primary, "altNames": alts, "searchKey": search_key([primary, *alts]),
            "nameKey": name_key(primary), "sortName": sort_key(primary)}


def _enum_value(value: Any) -> Any:
    return value.value if hasattr(value, "value") else value


async def _reload(ctx: Context, actor_id: str) -> ActorRecord | None:
    ctx.loaders.forget_actor(actor_id)
    return await ctx.loaders.actor_by_id.load(actor_id)


async def create_actor(ctx: Context, data: CreateActorInput) -> Outcome[ActorRecord]:
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

    async def work(tx: Transaction) -> None:
        if not data.allow_duplicate_name:
            same = await actors.same_name(tx, props["nameKey"])
            if same:
                raise Rejected(UserError(
                    "DUPLICATE_ACTOR",
                    f"an actor named like {primary!r} exists already; merge, rename, or set allowDuplicateName",
                    ("input", "name"),
                    {"existing": same},
                ))
        await actors.create(tx, actor_id, data.type.value, props, location)
        await actors.set_action_fields(tx, actor_id, data.action_fields or [])
        await actors.set_memberships(tx, actor_id, _membership_rows(data.quarters or []))
        await revision.bump(tx)

    try:
        await ctx.db.write_transaction(work)
    except Rejected as rejected:
        return Outcome(errors=rejected.errors)
    return Outcome(value=await _reload(ctx, actor_id))


async def update_actor(ctx: Context, data: UpdateActorInput) -> Outcome[ActorRecord]:
    actor_id = ids.decode_as(data.id, "Actor")
    if actor_id is None:
        return Outcome(errors=[not_found("actor", data.id, "input", "id")])
    errors: list[UserError] = []
    if _given(data.name):
        errors += name(data.name or "", "input", "name")
    if _given(data.alternative_names):
        errors += strings(data.alternative_names, "input", "alternativeNames")
    if _given(data.description):
        errors += text(data.description, MAX_TEXT, "input", "description")
    if _given(data.website):
        errors += url(data.website, "input", "website")
    if _given(data.tags):
        errors += strings(data.tags, "input", "tags")
    if _given(data.sources):
        errors += strings(data.sources, "input", "sources")
    if _given(data.location) and data.location is not None:
        errors += coordinates(data.location.latitude, data.location.longitude, "input", "location")
    if _given(data.action_fields):
        errors += await unknown_action_fields(ctx, data.action_fields, "input", "actionFields")
    if errors:
        return Outcome(errors=errors)

    async def work(tx: Transaction) -> None:
        previous = await actors.bump(tx, actor_id)
        if previous is None:
            raise Rejected(not_found("actor", data.id, "input", "id"))
        if previous != data.version:
            raise Rejected(stale(data.version, previous))
        [row] = await tx.run(actors.BY_IDS, ids=[actor_id])
        current = actors.record(row["a"])
        type_errors = _type_field_errors(current.type, {f: getattr(data, f) for f in TYPE_FIELDS})
        if type_errors:
            raise Rejected(*type_errors)
        props: dict[str, Any] = {}
        if _given(data.name) or _given(data.alternative_names):
            primary = clean_text(data.name) if _given(data.name) and data.name else current.name
            alts = data.alternative_names if _given(data.alternative_names) else list(current.alt_names)
            props.update(_names(primary, alts or []))
        if _given(data.description):
            props["description"] = data.description
        if _given(data.website):
            props["website"] = data.website.strip() if data.website else None
        if _given(data.tags):
            props["tags"] = [clean_text(t) for t in data.tags or []]
        if _given(data.sources):
            props["sources"] = [clean_text(s) for s in data.sources or []]
        if _given(data.address):
            address = data.address
            props.update({"street": address.street if address else None,
                          "postalCode": address.postal_code if address else None,
                          "city": address.city if address else None})
        for field, (_, prop) in TYPE_FIELDS.items():
            if _given(getattr(data, field)):
                props[prop] = _enum_value(getattr(data, field))
        set_location = _given(data.location)
        location = (data.location.latitude, data.location.longitude) if set_location and data.location else None
        await actors.update(tx, actor_id, props, location, set_location)
        if _given(data.action_fields):
            await actors.set_action_fields(tx, actor_id, data.action_fields or [])
        await revision.bump(tx)

    try:
        await ctx.db.write_transaction(work)
    except Rejected as rejected:
        return Outcome(errors=rejected.errors)
    return Outcome(value=await _reload(ctx, actor_id))


async def _locked(tx: Transaction, actor_id: str, global_id: str, version: int | None) -> ActorRecord:
    previous = await actors.bump(tx, actor_id)
    if previous is None:
        raise Rejected(not_found("actor", global_id, "input", "id"))
    if version is not None and previous != version:
        raise Rejected(stale(version, previous))
    [row] = await tx.run(actors.BY_IDS, ids=[actor_id])
    return actors.record(row["a"])


async def set_archived(ctx: Context, data: ActorStateInput, archived: bool) -> Outcome[ActorRecord]:
    actor_id = ids.decode_as(data.id, "Actor")
    if actor_id is None:
        return Outcome(errors=[not_found("actor", data.id, "input", "id")])

    async def work(tx: Transaction) -> None:
        current = await _locked(tx, actor_id, data.id, data.version)
        if current.archived != archived:
            await actors.set_archived(tx, actor_id, archived)
            await revision.bump(tx)

    try:
        await ctx.db.write_transaction(work)
    except Rejected as rejected:
        return Outcome(errors=rejected.errors)
    return Outcome(value=await _reload(ctx, actor_id))


async def set_quarters(ctx: Context, data: SetActorQuartersInput) -> Outcome[ActorRecord]:
    actor_id = ids.decode_as(data.id, "Actor")
    if actor_id is None:
        return Outcome(errors=[not_found("actor", data.id, "input", "id")])
    errors = await _membership_errors(ctx, data.quarters, "input", "quarters")
    if errors:
        return Outcome(errors=errors)

    async def work(tx: Transaction) -> None:
        await _locked(tx, actor_id, data.id, data.version)
        await actors.set_memberships(tx, actor_id, _membership_rows(data.quarters))
        await revision.bump(tx)

    try:
        await ctx.db.write_transaction(work)
    except Rejected as rejected:
        return Outcome(errors=rejected.errors)
    return Outcome(value=await _reload(ctx, actor_id))


async def merge_actors(ctx: Context, data: MergeActorsInput) -> Outcome[ActorRecord]:
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
    summaries: list[merging.MergeSummary] = []

    async def work(tx: Transaction) -> None:
        survivor = await _locked(tx, survivor_id, data.survivor_id, data.survivor_version)
        for i, (local, global_id) in enumerate(duplicates):
            if await actors.bump(tx, local) is None:
                raise Rejected(not_found("actor", global_id, "input", "duplicateIds", str(i)))
            [row] = await tx.run(actors.BY_IDS, ids=[local])
            duplicate = actors.record(row["a"])
            member_rows = await tx.run(actors.MEMBERSHIPS, ids=[survivor_id, local])
            memberships: dict[str, list[actors.MembershipRecord]] = {}
            for m in member_rows:
                memberships.setdefault(m["id"], []).append(actors.membership(m["id"], m["quarter"], m["m"]))
            summaries.append(await merging.merge(tx, survivor, duplicate, memberships))
            [row] = await tx.run(actors.BY_IDS, ids=[survivor_id])
            survivor = actors.record(row["a"])
        await revision.bump(tx)

    try:
        await ctx.db.write_transaction(work)
    except Rejected as rejected:
        return Outcome(errors=rejected.errors)
    for local, _ in duplicates:
        ctx.loaders.forget_actor(local)
    outcome: Outcome[ActorRecord] = Outcome(value=await _reload(ctx, survivor_id))
    outcome.extra["summaries"] = summaries
    return outcome
