"""Filter and ordering inputs for queries."""

from __future__ import annotations

import datetime as dt

import strawberry

from graph.criteria import DateRange, Near
from resolvers.filters import ActorQuery, CooperationQuery
from resolvers.ordering import SortKey
from resolvers.projects import ProjectQuery
from schema.enums import (
    ActorOrderField,
    ActorType,
    CooperationKind,
    CooperationOrderField,
    Fund,
    ProjectOrderField,
    ProjectStatus,
    SortDirection,
    value,
    values,
)


@strawberry.input(description="A range of dates; either end may be left open. Both ends are inclusive.")
class DateRangeInput:
    start: dt.date | None = strawberry.field(default=None, description="First day of the range.")
    end: dt.date | None = strawberry.field(default=None, description="Last day of the range.")

    def value(self) -> DateRange:
        return DateRange(self.start, self.end)


@strawberry.input(description="A circle around a point, for 'actors within 500 m of here'.")
class NearInput:
    latitude: float = strawberry.field(description="WGS 84 latitude of the centre, -90 to 90.")
    longitude: float = strawberry.field(description="WGS 84 longitude of the centre, -180 to 180.")
    within_metres: float = strawberry.field(description="Radius in metres (up to 100 km).")

    def value(self) -> Near:
        return Near(self.latitude, self.longitude, self.within_metres)


@strawberry.input(
    description="Which cooperations to include. All given conditions must hold; `and`, `or` and `not` nest. "
    "By default cooperations of archived actors are left out."
)
class CooperationFilter:
    kinds: list[CooperationKind] | None = strawberry.field(default=None, description="Any of these kinds.")
    action_fields: list[str] | None = strawberry.field(
        default=None,
        description="Any of these action-field keys (e.g. `bildung`); a key also matches the fields of other "
        "generations that map onto it.",
    )
    active_on: dt.date | None = strawberry.field(default=None, description="Active on this day.")
    active_during: DateRangeInput | None = strawberry.field(
        default=None, description="Active at some time within this range."
    )
    started: DateRangeInput | None = strawberry.field(default=None, description="Started within this range.")
    current: bool | None = strawberry.field(
        default=None, description="true: not ended as of today; false: ended before today."
    )
    quarters: list[str] | None = strawberry.field(
        default=None, description="Involving an actor active in one of these quarters (slugs)."
    )
    both_in_quarters: bool = strawberry.field(
        default=False, description="With `quarters`: both actors must be active in them, not just one."
    )
    actor_types: list[ActorType] | None = strawberry.field(
        default=None, description="Involving at least one actor of these types."
    )
    between_types: list[ActorType] | None = strawberry.field(
        default=None,
        description="Exactly two types: one actor of each, e.g. `[HOUSING_ASSOCIATION, INITIATIVE]`.",
    )
    min_intensity: int | None = strawberry.field(default=None, description="Intensity at least this (1–3).")
    synthetic: bool | None = strawberry.field(default=None, description="Only synthetic (true) or only real (false).")
    include_archived: bool = strawberry.field(
        default=False, description="Also cooperations whose actors are archived (top level only)."
    )
    and_: list[CooperationFilter] | None = strawberry.field(
        default=None, name="and", description="All of these filters must hold."
    )
    or_: list[CooperationFilter] | None = strawberry.field(
        default=None, name="or", description="At least one of these filters must hold."
    )
    not_: CooperationFilter | None = strawberry.field(
        default=None, name="not", description="This filter must not hold."
    )

    def query(self) -> CooperationQuery:
        """The filter as plain values (resolvers/filters.py validates it against the data)."""
        return CooperationQuery(
            kinds=values(self.kinds),
            action_fields=_tuple(self.action_fields),
            active_on=self.active_on,
            active_during=self.active_during.value() if self.active_during else None,
            started=self.started.value() if self.started else None,
            current=self.current,
            quarters=_tuple(self.quarters),
            both_in_quarters=self.both_in_quarters,
            actor_types=values(self.actor_types),
            between_types=values(self.between_types),
            min_intensity=self.min_intensity,
            synthetic=self.synthetic,
            include_archived=self.include_archived,
            all_of=tuple(f.query() for f in self.and_ or ()),
            any_of=tuple(f.query() for f in self.or_ or ()),
            none_of=self.not_.query() if self.not_ else None,
        )


@strawberry.input(
    description="Which actors to include. All given conditions must hold; `and`, `or` and `not` nest. "
    "Archived actors are left out unless `archived` says otherwise."
)
class ActorFilter:
    types: list[ActorType] | None = strawberry.field(default=None, description="Any of these types.")
    quarters: list[str] | None = strawberry.field(
        default=None, description="Active in one of these quarters (slugs, e.g. `rollberg`)."
    )
    active_on: dt.date | None = strawberry.field(
        default=None, description="Active (in one of `quarters`, if given) on this day."
    )
    action_fields: list[str] | None = strawberry.field(
        default=None, description="Working on any of these action fields (keys; generations are mapped)."
    )
    text: str | None = strawberry.field(
        default=None,
        description="Name search the way people type: case, accents, umlauts (ö, oe or o, either way round), "
        "ß/ss, legal forms (e.V., eV, gGmbH), und/&/+, hyphens and apostrophes do not matter; every word, or the "
        "beginning of a word, must occur in a name or alternative name. Blank text is no condition.",
    )
    tags: list[str] | None = strawberry.field(default=None, description="Carrying any of these tags.")
    has_cooperation: CooperationFilter | None = strawberry.field(
        default=None, description="Having at least one cooperation that matches this filter."
    )
    lacks_cooperation: CooperationFilter | None = strawberry.field(
        default=None, description="Having no cooperation that matches this filter (e.g. none on Bildung)."
    )
    near: NearInput | None = strawberry.field(
        default=None, description="Located within a distance of a point (actors without location never match)."
    )
    synthetic: bool | None = strawberry.field(default=None, description="Only synthetic (true) or only real (false).")
    archived: bool | None = strawberry.field(
        default=False,
        description="false (default): live actors only; true: archived ones only; null: both (top level only).",
    )
    and_: list[ActorFilter] | None = strawberry.field(default=None, name="and", description="All of these must hold.")
    or_: list[ActorFilter] | None = strawberry.field(
        default=None, name="or", description="At least one of these must hold."
    )
    not_: ActorFilter | None = strawberry.field(default=None, name="not", description="This filter must not hold.")

    def query(self) -> ActorQuery:
        """The filter as plain values (resolvers/filters.py validates it against the data)."""
        return ActorQuery(
            types=values(self.types),
            quarters=_tuple(self.quarters),
            active_on=self.active_on,
            action_fields=_tuple(self.action_fields),
            text=self.text,
            tags=_tuple(self.tags),
            has_cooperation=self.has_cooperation.query() if self.has_cooperation else None,
            lacks_cooperation=self.lacks_cooperation.query() if self.lacks_cooperation else None,
            near=self.near.value() if self.near else None,
            synthetic=self.synthetic,
            archived=self.archived,
            all_of=tuple(f.query() for f in self.and_ or ()),
            any_of=tuple(f.query() for f in self.or_ or ()),
            none_of=self.not_.query() if self.not_ else None,
        )


@strawberry.input(description="One key to sort actors by.")
class ActorOrder:
    field: ActorOrderField = strawberry.field(description="What to sort by.")
    direction: SortDirection = strawberry.field(default=SortDirection.ASC, description="Ascending or descending.")

    def key(self) -> SortKey:
        return SortKey(value(self.field), self.direction is SortDirection.DESC)


@strawberry.input(description="One key to sort cooperations by.")
class CooperationOrder:
    field: CooperationOrderField = strawberry.field(description="What to sort by.")
    direction: SortDirection = strawberry.field(default=SortDirection.DESC, description="Ascending or descending.")

    def key(self) -> SortKey:
        return SortKey(value(self.field), self.direction is SortDirection.DESC)


@strawberry.input(description="Which projects to include. All given conditions must hold.")
class ProjectFilter:
    quarters: list[str] | None = strawberry.field(
        default=None, description="In one of these quarters (slugs); a Netzwerkfonds project is in each of its own."
    )
    funds: list[Fund] | None = strawberry.field(default=None, description="Paid from one of these funds.")
    statuses: list[ProjectStatus] | None = strawberry.field(default=None, description="In one of these statuses.")
    sponsor_id: strawberry.ID | None = strawberry.field(default=None, description="Carried out by this sponsor.")
    partner_id: strawberry.ID | None = strawberry.field(default=None, description="With this actor as a partner.")
    participant_id: strawberry.ID | None = strawberry.field(
        default=None, description="With this actor as sponsor or partner."
    )
    action_fields: list[str] | None = strawberry.field(
        default=None, description="Serving any of these action fields (keys; both IHEK generations are mapped)."
    )
    period: DateRangeInput | None = strawberry.field(
        default=None, description="Running at some time within this range (projects without dates always match)."
    )
    synthetic: bool | None = strawberry.field(default=None, description="Only synthetic (true) or only real (false).")

    def query(self) -> ProjectQuery:
        return ProjectQuery(
            quarters=_tuple(self.quarters),
            funds=values(self.funds),
            statuses=values(self.statuses),
            sponsor_id=self.sponsor_id,
            partner_id=self.partner_id,
            participant_id=self.participant_id,
            action_fields=_tuple(self.action_fields),
            period_from=self.period.start if self.period else None,
            period_to=self.period.end if self.period else None,
            synthetic=self.synthetic,
        )


@strawberry.input(description="One key to sort projects by.")
class ProjectOrder:
    field: ProjectOrderField = strawberry.field(description="What to sort by.")
    direction: SortDirection = strawberry.field(default=SortDirection.DESC, description="Ascending or descending.")

    def key(self) -> SortKey:
        return SortKey(value(self.field), self.direction is SortDirection.DESC)


def _tuple(items: list[str] | None) -> tuple[str, ...] | None:
    return None if items is None else tuple(items)


def keys(order: list[ActorOrder] | list[CooperationOrder] | list[ProjectOrder] | None) -> tuple[SortKey, ...] | None:
    """Sort inputs as plain sort keys."""
    return None if order is None else tuple(o.key() for o in order)
