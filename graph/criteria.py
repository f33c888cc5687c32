"""What a caller may ask of actors and cooperations: plain, validated filter values.

Resolvers build these from GraphQL inputs (checking slugs and action-field keys); the graph
layer compiles them to Cypher (:mod:`graph.filters`). They carry values, never query text.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

ACTOR_TYPES: tuple[str, ...] = ("Institution", "Initiative", "Company", "HousingAssociation")


@dataclass(frozen=True)
class DateRange:
    start: dt.date | None = None  # inclusive
    end: dt.date | None = None  # inclusive


@dataclass(frozen=True)
class Near:
    latitude: float
    longitude: float
    metres: float


@dataclass(frozen=True)
class CooperationCriteria:
    ids: tuple[str, ...] | None = None
    kinds: tuple[str, ...] | None = None
    action_fields: tuple[str, ...] | None = None  # keys, already expanded across generations
    active_on: dt.date | None = None
    active_during: DateRange | None = None  # the cooperation's period overlaps the range
    started: DateRange | None = None
    quarters: tuple[str, ...] | None = None  # slugs: an actor active in one of them
    both_in_quarters: bool = False  # both actors in those quarters, not just one
    actor_types: tuple[str, ...] | None = None  # either actor has one of these types
    type_pair: tuple[str, str] | None = None  # one actor of each type
    min_intensity: int | None = None
    synthetic: bool | None = None
    include_archived: bool = False  # cooperations of archived actors
    all_of: tuple[CooperationCriteria, ...] = ()
    any_of: tuple[CooperationCriteria, ...] = ()
    none_of: CooperationCriteria | None = None


@dataclass(frozen=True)
class ActorCriteria:
    ids: tuple[str, ...] | None = None
    types: tuple[str, ...] | None = None
    quarters: tuple[str, ...] | None = None  # slugs: active in one of them (on `active_on` if given)
    active_on: dt.date | None = None
    action_fields: tuple[str, ...] | None = None
    text_tokens: tuple[str, ...] | None = None  # every token occurs in a name (see graph.names)
    tags: tuple[str, ...] | None = None
    has_cooperation: CooperationCriteria | None = None
    lacks_cooperation: CooperationCriteria | None = None
    near: Near | None = None
    synthetic: bool | None = None
    include_archived: bool = False
    archived_only: bool = False
    all_of: tuple[ActorCriteria, ...] = ()
    any_of: tuple[ActorCriteria, ...] = ()
    none_of: ActorCriteria | None = None
