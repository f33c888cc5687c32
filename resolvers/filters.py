"""Filters as clients state them (:class:`ActorQuery`, :class:`CooperationQuery`, plain values the
GraphQL edge builds from its inputs) → validated :mod:`graph.criteria` (unknown slugs and keys
are errors)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from core.context import Context
from core.messages import Message
from graph.criteria import ActorCriteria, CooperationCriteria, DateRange, Near
from graph.names import query_tokens
from resolvers import texts
from resolvers.errors import bad_input

MAX_NEAR_METRES = 100_000
MAX_TEXT = 200
MAX_LIST = 200
MAX_DEPTH = 5


@dataclass(frozen=True)
class CooperationQuery:
    """Which cooperations: every condition given must hold; ``all_of``, ``any_of``, ``none_of`` nest."""

    kinds: tuple[str, ...] | None = None
    action_fields: tuple[str, ...] | None = None  # keys, as given (other generations are added)
    active_on: dt.date | None = None
    active_during: DateRange | None = None
    started: DateRange | None = None
    current: bool | None = None  # True: not ended as of today; False: ended before today
    quarters: tuple[str, ...] | None = None
    both_in_quarters: bool = False
    actor_types: tuple[str, ...] | None = None
    between_types: tuple[str, ...] | None = None  # must be two
    min_intensity: int | None = None
    synthetic: bool | None = None
    include_archived: bool = False  # top level only
    all_of: tuple[CooperationQuery, ...] = ()
    any_of: tuple[CooperationQuery, ...] = ()
    none_of: CooperationQuery | None = None


@dataclass(frozen=True)
class ActorQuery:
    """Which actors: every condition given must hold; ``all_of``, ``any_of``, ``none_of`` nest."""

    types: tuple[str, ...] | None = None
    quarters: tuple[str, ...] | None = None
    active_on: dt.date | None = None
    action_fields: tuple[str, ...] | None = None
    text: str | None = None
    tags: tuple[str, ...] | None = None
    has_cooperation: CooperationQuery | None = None
    lacks_cooperation: CooperationQuery | None = None
    near: Near | None = None
    synthetic: bool | None = None
    archived: bool | None = False  # False: live only; True: archived only; None: both (top level only)
    all_of: tuple[ActorQuery, ...] = ()
    any_of: tuple[ActorQuery, ...] = ()
    none_of: ActorQuery | None = None


async def expand_action_fields(ctx: Context, keys: Sequence[str]) -> tuple[str, ...]:
    """The keys plus the fields of other generations mapped onto or from them; unknown keys fail."""
    known = {f.key: f for f in await ctx.loaders.action_fields(require=[k.strip() for k in keys])}
    expanded: list[str] = []
    for key in keys:
        field = known.get(key.strip())
        if field is None:
            raise bad_input(texts.UNKNOWN_ACTION_FIELD_KEY(key=key))
        expanded += [field.key, *field.successors, *field.predecessors]
    return tuple(dict.fromkeys(expanded))


async def check_quarters(ctx: Context, slugs: Sequence[str]) -> tuple[str, ...]:
    cleaned = [s.strip().lower() for s in slugs]
    known = await ctx.loaders.known_quarters(cleaned)
    for slug in cleaned:
        if slug not in known:
            raise bad_input(texts.UNKNOWN_QUARTER_SLUG(slug=slug))
    return tuple(cleaned)


def _range(r: DateRange | None) -> DateRange | None:
    if r is not None and r.start and r.end and r.end < r.start:
        raise bad_input(texts.RANGE_BACKWARDS())
    return r


def _limited(values: Sequence[object] | None, what: Message) -> None:
    if values is not None and len(values) > MAX_LIST:
        raise bad_input(texts.FILTER_LIST(limit=MAX_LIST, what=what))


async def cooperation_criteria(
    ctx: Context, f: CooperationQuery | None, *, depth: int = 0, top: bool = True
) -> CooperationCriteria:
    if f is None:
        return CooperationCriteria()
    if depth > MAX_DEPTH:
        raise bad_input(texts.FILTER_DEPTH(limit=MAX_DEPTH))
    for values, what in ((f.kinds, texts.KINDS), (f.action_fields, texts.ACTION_FIELDS), (f.quarters, texts.QUARTERS)):
        _limited(values, what)
    if f.between_types is not None and len(f.between_types) != 2:
        raise bad_input(texts.BETWEEN_TYPES())
    if f.min_intensity is not None and not 1 <= f.min_intensity <= 3:
        raise bad_input(texts.MIN_INTENSITY())
    today = dt.date.today()
    current = None
    if f.current is True:
        current = CooperationCriteria(active_during=DateRange(start=today))
    elif f.current is False:
        current = CooperationCriteria(none_of=CooperationCriteria(active_during=DateRange(start=today)))
    subs_and = [await cooperation_criteria(ctx, s, depth=depth + 1, top=False) for s in f.all_of]
    return CooperationCriteria(
        kinds=f.kinds,
        action_fields=await expand_action_fields(ctx, f.action_fields) if f.action_fields is not None else None,
        active_on=f.active_on,
        active_during=_range(f.active_during),
        started=_range(f.started),
        quarters=await check_quarters(ctx, f.quarters) if f.quarters is not None else None,
        both_in_quarters=f.both_in_quarters,
        actor_types=f.actor_types,
        type_pair=(f.between_types[0], f.between_types[1]) if f.between_types else None,
        min_intensity=f.min_intensity,
        synthetic=f.synthetic,
        include_archived=f.include_archived and top,
        all_of=tuple(subs_and + ([current] if current else [])),
        any_of=tuple([await cooperation_criteria(ctx, s, depth=depth + 1, top=False) for s in f.any_of]),
        none_of=await cooperation_criteria(ctx, f.none_of, depth=depth + 1, top=False) if f.none_of else None,
    )


async def actor_criteria(ctx: Context, f: ActorQuery | None, *, depth: int = 0, top: bool = True) -> ActorCriteria:
    if f is None:
        return ActorCriteria()
    if depth > MAX_DEPTH:
        raise bad_input(texts.FILTER_DEPTH(limit=MAX_DEPTH))
    for values, what in (
        (f.types, texts.TYPES),
        (f.quarters, texts.QUARTERS),
        (f.action_fields, texts.ACTION_FIELDS),
        (f.tags, texts.TAGS),
    ):
        _limited(values, what)
    tokens = None
    if f.text is not None:
        if len(f.text) > MAX_TEXT:
            raise bad_input(texts.FILTER_TEXT(limit=MAX_TEXT))
        # A cleared search box sends "" (or only spaces): no words, so no text condition.
        tokens = tuple(query_tokens(f.text)) or None
    near = None
    if f.near is not None:
        if not (-90 <= f.near.latitude <= 90 and -180 <= f.near.longitude <= 180):
            raise bad_input(texts.NEAR_POINT())
        if not 0 <= f.near.metres <= MAX_NEAR_METRES:
            raise bad_input(texts.BETWEEN(name="near.withinMetres", low=0, high=MAX_NEAR_METRES))
        near = f.near
    return ActorCriteria(
        types=f.types,
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
        all_of=tuple([await actor_criteria(ctx, s, depth=depth + 1, top=False) for s in f.all_of]),
        any_of=tuple([await actor_criteria(ctx, s, depth=depth + 1, top=False) for s in f.any_of]),
        none_of=await actor_criteria(ctx, f.none_of, depth=depth + 1, top=False) if f.none_of else None,
    )
