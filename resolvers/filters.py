"""GraphQL filter inputs → validated :mod:`graph.criteria` (unknown slugs and keys are errors)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from core.context import Context
from graph.criteria import ActorCriteria, CooperationCriteria, DateRange, Near
from graph.names import query_tokens
from resolvers.errors import bad_input

if TYPE_CHECKING:
    from schema.inputs import ActorFilter, CooperationFilter, DateRangeInput

MAX_NEAR_METRES = 100_000
MAX_LIST = 200
MAX_DEPTH = 5


async def expand_action_fields(ctx: Context, keys: list[str]) -> tuple[str, ...]:
    """The keys plus the fields of other generations mapped onto or from them; unknown keys fail."""
    known = {f.key: f for f in await ctx.loaders.action_fields()}
    expanded: list[str] = []
    for key in keys:
        field = known.get(key.strip())
        if field is None:
            raise bad_input(f"unknown action field {key!r}; see `actionFields` for the keys")
        expanded += [field.key, *field.successors, *field.predecessors]
    return tuple(dict.fromkeys(expanded))


async def check_quarters(ctx: Context, slugs: list[str]) -> tuple[str, ...]:
    cleaned = [s.strip().lower() for s in slugs]
    found = await ctx.loaders.quarter_by_slug.load_many(cleaned)
    for slug, quarter in zip(cleaned, found, strict=True):
        if quarter is None:
            raise bad_input(f"unknown quarter {slug!r}; see `quarters` for the slugs")
    return tuple(cleaned)


def _range(r: DateRangeInput | None) -> DateRange | None:
    if r is None:
        return None
    if r.start and r.end and r.end < r.start:
        raise bad_input("a date range must not end before it starts")
    return DateRange(r.start, r.end)


def _limited(values: list[object] | None, what: str) -> None:
    if values is not None and len(values) > MAX_LIST:
        raise bad_input(f"at most {MAX_LIST} {what} per filter")


async def cooperation_criteria(
    ctx: Context, f: CooperationFilter | None, *, depth: int = 0, top: bool = True
) -> CooperationCriteria:
    if f is None:
        return CooperationCriteria()
    if depth > MAX_DEPTH:
        raise bad_input(f"filters nest at most {MAX_DEPTH} levels deep")
    for values, what in ((f.kinds, "kinds"), (f.action_fields, "action fields"), (f.quarters, "quarters")):
        _limited(values, what)  # type: ignore[arg-type]
    if f.between_types is not None and len(f.between_types) != 2:
        raise bad_input("`betweenTypes` takes exactly two actor types")
    if f.min_intensity is not None and not 1 <= f.min_intensity <= 3:
        raise bad_input("`minIntensity` must be 1, 2 or 3")
    today = dt.date.today()
    current = None
    if f.current is True:
        current = CooperationCriteria(active_during=DateRange(start=today))
    elif f.current is False:
        current = CooperationCriteria(none_of=CooperationCriteria(active_during=DateRange(start=today)))
    subs_and = [await cooperation_criteria(ctx, s, depth=depth + 1, top=False) for s in f.and_ or ()]
    return CooperationCriteria(
        kinds=tuple(k.value for k in f.kinds) if f.kinds is not None else None,
        action_fields=await expand_action_fields(ctx, f.action_fields) if f.action_fields is not None else None,
        active_on=f.active_on,
        active_during=_range(f.active_during),
        started=_range(f.started),
        quarters=await check_quarters(ctx, f.quarters) if f.quarters is not None else None,
        both_in_quarters=f.both_in_quarters,
        actor_types=tuple(t.value for t in f.actor_types) if f.actor_types is not None else None,
        type_pair=(f.between_types[0].value, f.between_types[1].value) if f.between_types else None,
        min_intensity=f.min_intensity,
        synthetic=f.synthetic,
        include_archived=f.include_archived and top,
        all_of=tuple(subs_and + ([current] if current else [])),
        any_of=tuple([await cooperation_criteria(ctx, s, depth=depth + 1, top=False) for s in f.or_ or ()]),
        none_of=await cooperation_criteria(ctx, f.not_, depth=depth + 1, top=False) if f.not_ else None,
    )


async def actor_criteria(ctx: Context, f: ActorFilter | None, *, depth: int = 0, top: bool = True) -> ActorCriteria:
    if f is None:
        return ActorCriteria()
    if depth > MAX_DEPTH:
        raise bad_input(f"filters nest at most {MAX_DEPTH} levels deep")
    for values, what in (
        (f.types, "types"),
        (f.quarters, "quarters"),
        (f.action_fields, "action fields"),
        (f.tags, "tags"),
    ):
        _limited(values, what)  # type: ignore[arg-type]
    tokens = None
    if f.text is not None:
        if len(f.text) > 200:
            raise bad_input("`text` is limited to 200 characters")
        # A cleared search box sends "" (or only spaces): no words, so no text condition.
        tokens = tuple(query_tokens(f.text)) or None
    near = None
    if f.near is not None:
        if not (-90 <= f.near.latitude <= 90 and -180 <= f.near.longitude <= 180):
            raise bad_input("`near` needs a latitude in [-90, 90] and a longitude in [-180, 180]")
        if not 0 <= f.near.within_metres <= MAX_NEAR_METRES:
            raise bad_input(f"`near.withinMetres` must be between 0 and {MAX_NEAR_METRES}")
        near = Near(f.near.latitude, f.near.longitude, f.near.within_metres)
    return ActorCriteria(
        types=tuple(t.value for t in f.types) if f.types is not None else None,
        quarters=await check_quarters(ctx, f.quarters) if f.quarters is not None else None,
        active_on=f.active_on,
        action_fields=await expand_action_fields(ctx, f.action_fields) if f.action_fields is not None else None,
        text_tokens=tokens,
        tags=tuple(t.strip() for t in f.tags) if f.tags is not None else None,
        has_cooperation=await cooperation_criteria(ctx, f.has_cooperation, depth=depth + 1, top=False)
        if f.has_cooperation is not None
        else None,
        lacks_cooperation=await cooperation_criteria(ctx, f.lacks_cooperation, depth=depth + 1, top=False)
        if f.lacks_cooperation is not None
        else None,
        near=near,
        synthetic=f.synthetic,
        include_archived=top and f.archived is not False,
        archived_only=top and f.archived is True,
        all_of=tuple([await actor_criteria(ctx, s, depth=depth + 1, top=False) for s in f.and_ or ()]),
        any_of=tuple([await actor_criteria(ctx, s, depth=depth + 1, top=False) for s in f.or_ or ()]),
        none_of=await actor_criteria(ctx, f.not_, depth=depth + 1, top=False) if f.not_ else None,
    )
