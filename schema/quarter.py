"""Quarters (QM areas) and their sourced facts."""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import TYPE_CHECKING

import strawberry

from graph.quarters import QuarterRecord
from resolvers import ids, quarters
from schema.node import Node

if TYPE_CHECKING:
    from resolvers.context import Context


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


@strawberry.type(description="An approximate landmark point in a quarter (not its centre); only where a source gives one.")
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

    @strawberry.field(description="The areas that were merged into this one (Rixdorf: Ganghoferstraße, Richardplatz Süd).")
    async def merged_from(self, info: strawberry.Info[Context, None]) -> list[Quarter]:
        records = await quarters.many_by_id(info.context, self.record.merged_from_ids)
        return [Quarter.of(r) for r in sorted(records, key=lambda r: r.name)]

