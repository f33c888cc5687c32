"""Quarters (QM areas) and their sourced facts."""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import TYPE_CHECKING, Annotated

import strawberry

from core.context import Context
from graph.quarters import QuarterRecord
from resolvers import actors as actor_resolvers
from resolvers import cooperations as cooperation_resolvers
from resolvers import ids, quarters
from schema.enums import ActorType, MembershipRole
from schema.inputs import ActorFilter, ActorOrder, CooperationFilter, CooperationOrder
from schema.node import Node

if TYPE_CHECKING:
    from schema.actor import Actor, ActorConnection, ActorTypeCount
    from schema.cooperation import CooperationConnection

ActorConnectionRef = Annotated["ActorConnection", strawberry.lazy("schema.actor")]
ActorTypeCountRef = Annotated["ActorTypeCount", strawberry.lazy("schema.actor")]
CooperationConnectionRef = Annotated["CooperationConnection", strawberry.lazy("schema.cooperation")]
QuarterOrganisationRef = Annotated["QuarterOrganisation", strawberry.lazy("schema.quarter")]
ActorFilterArg = Annotated[ActorFilter | None, strawberry.argument(description="Which of the quarter's actors.")]


@strawberry.enum(description="Where a QM area stands in its life cycle.")
class QuarterStatus(Enum):
    ACTIVE = strawberry.enum_value("active", description="QM works in the area (funding may have a planned end).")
    ENDED = strawberry.enum_value("ended", description="QM has ended (Verstetigung done or funding stopped).")
    MERGED = strawberry.enum_value("merged", description="The area was merged into another one (see `mergedInto`).")


@strawberry.type(description="When QM started in an area, as precisely as the sources say.")
class QuarterStart:
    year: int = strawberry.field(description="Year the area was designated.")
    date: dt.date | None = strawberry.field(description="Exact date, where a source gives one.")
    note: str | None = strawberry.field(description="Qualification, e.g. when the QM team actually started work.")
    sources: list[str] = strawberry.field(description="URLs of the public sources for this fact.")


@strawberry.type(description="The area of a quarter in hectares.")
class AreaFact:
    hectares: float = strawberry.field(description="Area in hectares (ha).")
    sources: list[str] = strawberry.field(description="URLs of the public sources for this fact.")


@strawberry.type(description="The number of residents of a quarter, with the year the figure refers to.")
class ResidentsFact:
    count: int = strawberry.field(description="Residents (Einwohner*innen).")
    year: int | None = strawberry.field(description="Year the figure refers to.")
    sources: list[str] = strawberry.field(description="URLs of the public sources for this fact.")


@strawberry.type(
    description="An approximate landmark point in a quarter (not its centre); only where a source gives one."
)
class Landmark:
    latitude: float = strawberry.field(description="WGS 84 latitude in degrees.")
    longitude: float = strawberry.field(description="WGS 84 longitude in degrees.")
    source: str = strawberry.field(description="Where the point comes from.")


@strawberry.type(description="A merger of one QM area into another.")
class QuarterMerger:
    date: dt.date | None = strawberry.field(description="Day the merger took effect.")
    sources: list[str] = strawberry.field(description="URLs of the public sources for this fact.")
    quarter_id: strawberry.Private[str]

    @strawberry.field(description="The area it was merged into.")
    async def into(self, info: strawberry.Info[Context, None]) -> Quarter | None:
        record = await quarters.by_id(info.context, self.quarter_id)
        return Quarter.of(record) if record else None


@strawberry.type(
    description="A Quartiersmanagement (QM) area: a quarter funded by the programme 'Sozialer Zusammenhalt', "
    "with its public facts, each tied to its source."
)
class Quarter(Node):
    slug: str = strawberry.field(description="Stable, URL-safe key, e.g. `rollberg`.")
    name: str = strawberry.field(description="Official name of the QM area.")
    alternative_names: list[str] = strawberry.field(description="Other names in use, e.g. `Rollbergsiedlung`.")
    district: str = strawberry.field(description="Berlin district (Bezirk), e.g. Neukölln.")
    city: str = strawberry.field(description="City.")
    status: QuarterStatus = strawberry.field(description="Whether QM is active, ended, or merged into another area.")
    start: QuarterStart = strawberry.field(description="When QM started in the area.")
    end_date: dt.date | None = strawberry.field(description="Last day of QM in this area, for ended or merged areas.")
    planned_end_date: dt.date | None = strawberry.field(
        description="Planned end of funding for active areas (19 of Berlin's 32 end on 2027-12-31)."
    )
    area: AreaFact | None = strawberry.field(description="Area in hectares, where a source gives it.")
    residents: ResidentsFact | None = strawberry.field(description="Residents, where a source gives them.")
    landmark: Landmark | None = strawberry.field(description="An approximate landmark point, where one is known.")
    note: str | None = strawberry.field(description="Remarks on the area's facts or history.")
    sources: list[str] = strawberry.field(description="URLs of all public sources for this area's facts.")
    merger: QuarterMerger | None = strawberry.field(description="The merger into another area, if any.")
    synthetic: bool = strawberry.field(description="True for fictional test or demo data, false for real areas.")
    record: strawberry.Private[QuarterRecord]

    @classmethod
    def of(cls, r: QuarterRecord) -> Quarter:
        sources = list(r.sources)
        return cls(
            id=strawberry.ID(ids.encode("Quarter", r.id)),
            slug=r.slug,
            name=r.name,
            alternative_names=list(r.alt_names),
            district=r.district,
            city=r.city,
            status=QuarterStatus(r.status),
            start=QuarterStart(year=r.start_year, date=r.start_date, note=r.start_note, sources=sources),
            end_date=r.end_date,
            planned_end_date=r.planned_end_date,
            area=AreaFact(hectares=r.area_ha, sources=sources) if r.area_ha is not None else None,
            residents=(
                ResidentsFact(count=r.residents, year=r.residents_year, sources=sources)
                if r.residents is not None
                else None
            ),
            landmark=(
                Landmark(latitude=r.landmark[0], longitude=r.landmark[1], source=r.landmark_source or "")
                if r.landmark
                else None
            ),
            note=r.note,
            sources=sources,
            merger=(
                QuarterMerger(date=r.merger_date, sources=list(r.merger_sources), quarter_id=r.merged_into_id)
                if r.merged_into_id
                else None
            ),
            synthetic=r.synthetic,
            record=r,
        )

    @strawberry.field(description="The area this one was merged into (shortcut for `merger.into`).")
    async def merged_into(self, info: strawberry.Info[Context, None]) -> Quarter | None:
        if self.record.merged_into_id is None:
            return None
        record = await quarters.by_id(info.context, self.record.merged_into_id)
        return Quarter.of(record) if record else None

    @strawberry.field(description="Actors active in this quarter (at any time; filter with `activeOn`).")
    async def actors(
        self,
        info: strawberry.Info[Context, None],
        filter: ActorFilterArg = None,
        order_by: Annotated[
            list[ActorOrder] | None,
            strawberry.argument(description="Sort keys (default: name)."),
        ] = None,
        first: Annotated[int | None, strawberry.argument(description="Page size, 0 to 100 (default 20).")] = None,
        after: Annotated[str | None, strawberry.argument(description="Items after this cursor.")] = None,
    ) -> ActorConnectionRef:
        from schema.actor import ActorConnection

        page = await actor_resolvers.search(
            info.context, filter, order_by, first, after, extra=quarters.in_quarter(self.record)
        )
        return ActorConnection.of(page)

    @strawberry.field(description="Cooperations with at least one actor active in this quarter.")
    async def cooperations(
        self,
        info: strawberry.Info[Context, None],
        filter: Annotated[
            CooperationFilter | None,
            strawberry.argument(description="Which cooperations."),
        ] = None,
        order_by: Annotated[
            list[CooperationOrder] | None,
            strawberry.argument(description="Sort keys (default: since, newest first)."),
        ] = None,
        first: Annotated[int | None, strawberry.argument(description="Page size, 0 to 100 (default 20).")] = None,
        after: Annotated[str | None, strawberry.argument(description="Items after this cursor.")] = None,
    ) -> CooperationConnectionRef:
        from schema.cooperation import CooperationConnection

        page = await cooperation_resolvers.search(
            info.context, filter, order_by, first, after, extra=quarters.cooperations_in_quarter(self.record)
        )
        return CooperationConnection.of(page)

    @strawberry.field(description="How many live actors of each type are active in this quarter.")
    async def actor_counts(self, info: strawberry.Info[Context, None]) -> list[ActorTypeCountRef]:
        from schema.actor import ActorTypeCount

        counts = await quarters.actor_counts_by_type(info.context, self.record)
        return [ActorTypeCount(type=t, count=counts.get(t.value, 0)) for t in ActorType]

    @strawberry.field(description="Its QM Träger and documented housing owners, each with sources.")
    async def key_organisations(self, info: strawberry.Info[Context, None]) -> list[QuarterOrganisationRef]:
        from schema.actor import actor_of

        return [
            QuarterOrganisation(
                actor=actor_of(a),
                role=MembershipRole(m.role),
                until=m.until,
                flats=m.flats,
                share_note=m.share_note,
                note=m.note,
                sources=list(m.sources),
            )
            for a, m in await quarters.key_organisations(info.context, self.record)
        ]

    @strawberry.field(
        description="The areas that were merged into this one (Rixdorf: Ganghoferstraße, Richardplatz Süd)."
    )
    async def merged_from(self, info: strawberry.Info[Context, None]) -> list[Quarter]:
        records = await quarters.many_by_id(info.context, self.record.merged_from_ids)
        return [Quarter.of(r) for r in sorted(records, key=lambda r: r.name)]


@strawberry.type(description="An organisation with a documented role in a quarter: its QM Träger or a housing owner.")
class QuarterOrganisation:
    actor: Annotated[Actor, strawberry.lazy("schema.actor")] = strawberry.field(description="The organisation.")
    role: MembershipRole = strawberry.field(description="QM Träger or housing owner.")
    until: dt.date | None = strawberry.field(description="Until when, if the role has ended.")
    flats: int | None = strawberry.field(description="Housing owners: flats in the quarter, where a source says.")
    share_note: str | None = strawberry.field(description="Housing owners: their share, as the source puts it.")
    note: str | None = strawberry.field(description="A remark, e.g. on the kind of source.")
    sources: list[str] = strawberry.field(description="URLs of the public sources for this role.")
