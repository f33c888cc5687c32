"""The object types that reference each other, in one module: the Relay ``Node`` interface,
actors (the interface and its four types), quarters and their facts, cooperations, action
fields, contact persons, and their connections.

Every other module of schema/ imports from here, at module level; this module imports only
enums, inputs and the connection plumbing below it. Each type wraps a record from graph/ and
resolves its fields through resolvers/.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, TypedDict

import strawberry

from core import access as rules
from core.context import Context
from graph.action_fields import ActionFieldRecord
from graph.actors import ActorRecord, MembershipRecord
from graph.actors import record as actor_record
from graph.cooperations import CooperationRecord, Partner
from graph.persons import PersonRecord
from graph.projects import DecisionRecord, FundingRow, ProjectRecord, SeatRecord
from graph.quarters import QuarterRecord
from resolvers import action_fields, actors, cooperations, ids, people, projects, quarters
from resolvers.paging import Slice
from schema.connections import After, Connection, Edge, First, Noun, connection, edge
from schema.enums import (
    ActionFieldEra,
    ActorType,
    CooperationKind,
    CouncilBody,
    CouncilRecommendation,
    Fund,
    InstitutionKind,
    LegalForm,
    MembershipRole,
    Ownership,
    PartnerRole,
    ProjectRole,
    ProjectStatus,
    QuarterStatus,
    value,
)
from schema.inputs import (
    ActorFilter,
    ActorOrder,
    CooperationFilter,
    CooperationOrder,
    ProjectFilter,
    ProjectOrder,
    keys,
)
from schema.permissions import described
from schema.selection import connection_needs, partner_needs_of, total_needed

Info = strawberry.Info[Context, None]


@strawberry.interface(description="An object with a stable, opaque global id, fetchable with `node(id:)`.")
class Node:
    id: strawberry.ID = strawberry.field(
        description="Global id: opaque, stable across restarts and restores; pass it to `node(id:)`."
    )


@strawberry.type(
    description="An action field (Handlungsfeld) of the integrated action concepts (IHEK): the themes QM "
    "work is planned and funded by. Older IHEKs used other fields; `successors` maps them onto today's."
)
class ActionField(Node):
    key: str = strawberry.field(description="Stable key used in filters and inputs, e.g. `bildung`.")
    name: str = strawberry.field(description="German name as used in IHEKs, e.g. `Bildung`.")
    name_en: str = strawberry.field(description="English name.")
    era: ActionFieldEra = strawberry.field(description="The generation of IHEKs that uses this field.")
    cross_cutting: bool = strawberry.field(
        description="A cross-cutting theme (Querschnittsthema) rather than a field of its own."
    )
    record: strawberry.Private[ActionFieldRecord]

    @classmethod
    def of(cls, r: ActionFieldRecord) -> ActionField:
        return cls(
            id=strawberry.ID(ids.encode("ActionField", r.id)),
            key=r.key,
            name=r.name,
            name_en=r.name_en,
            era=ActionFieldEra(r.era),
            cross_cutting=r.cross_cutting,
            record=r,
        )

    @strawberry.field(description="The current fields this older one maps onto (empty where none took it over).")
    async def successors(self, info: Info) -> list[ActionField]:
        return [ActionField.of(r) for r in await action_fields.by_keys(info.context, self.record.successors)]

    @strawberry.field(description="The older fields that map onto this one.")
    async def predecessors(self, info: Info) -> list[ActionField]:
        return [ActionField.of(r) for r in await action_fields.by_keys(info.context, self.record.predecessors)]


@strawberry.type(
    description="A contact person of an actor. Personal data (GDPR): visible only to admins and to managers of "
    "the actor's quarters, never in exports; `erasePerson` removes it everywhere."
)
class ContactPerson:
    id: strawberry.ID = strawberry.field(description="Global id.")
    name: str = strawberry.field(description="Full name.")
    function: str | None = strawberry.field(description="Function or role, e.g. `Kita-Leitung`.")
    email: str | None = strawberry.field(description="Email address.")
    phone: str | None = strawberry.field(description="Phone number.")
    created_at: dt.datetime = strawberry.field(description="When it was recorded.")
    updated_at: dt.datetime = strawberry.field(description="When it was last changed.")

    @classmethod
    def of(cls, p: PersonRecord) -> ContactPerson:
        return cls(
            id=strawberry.ID(ids.encode("Person", p.id)),
            name=p.name,
            function=p.function,
            email=p.email,
            phone=p.phone,
            created_at=p.created_at,
            updated_at=p.updated_at,
        )


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
    async def into(self, info: Info) -> Quarter | None:
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
    async def merged_into(self, info: Info) -> Quarter | None:
        if self.record.merged_into_id is None:
            return None
        record = await quarters.by_id(info.context, self.record.merged_into_id)
        return Quarter.of(record) if record else None

    @strawberry.field(
        description="The actor that carries the quarter's network on after its QM (named by an admin with "
        "`setQuarterStatus`), if any."
    )
    async def successor(self, info: Info) -> Actor | None:
        if self.record.successor_id is None:
            return None
        found = await info.context.loaders.actor_by_id.load(self.record.successor_id)
        return actor_of(found) if found else None

    @strawberry.field(description="Actors active in this quarter (at any time; filter with `activeOn`).")
    async def actors(
        self,
        info: Info,
        filter: Annotated[ActorFilter | None, strawberry.argument(description="Which of the quarter's actors.")] = None,
        order_by: Annotated[
            list[ActorOrder] | None,
            strawberry.argument(description="Sort keys (default: name)."),
        ] = None,
        first: First = None,
        after: After = None,
    ) -> ActorConnection:
        columns, total = connection_needs(info)
        page = await actors.search(
            info.context,
            filter.query() if filter else None,
            keys(order_by),
            first,
            after,
            extra=quarters.in_quarter(self.record),
            columns=columns,
            total=total,
        )
        return ActorConnection.of(page, actor_of)

    @strawberry.field(description="Cooperations with at least one actor active in this quarter.")
    async def cooperations(
        self,
        info: Info,
        filter: Annotated[
            CooperationFilter | None,
            strawberry.argument(description="Which cooperations."),
        ] = None,
        order_by: Annotated[
            list[CooperationOrder] | None,
            strawberry.argument(description="Sort keys (default: since, newest first)."),
        ] = None,
        first: First = None,
        after: After = None,
    ) -> CooperationConnection:
        page = await cooperations.search(
            info.context,
            filter.query() if filter else None,
            keys(order_by),
            first,
            after,
            extra=quarters.cooperations_in_quarter(self.record),
            total=total_needed(info),
        )
        return CooperationConnection.of(page, Cooperation.of)

    @strawberry.field(description="How many live actors of each type are active in this quarter.")
    async def actor_counts(self, info: Info) -> list[ActorTypeCount]:
        counts = await quarters.actor_counts_by_type(info.context, self.record)
        return [ActorTypeCount(type=t, count=counts.get(value(t), 0)) for t in ActorType]

    @strawberry.field(description="Its QM Träger and documented housing owners, each with sources.")
    async def key_organisations(self, info: Info) -> list[QuarterOrganisation]:
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
    async def merged_from(self, info: Info) -> list[Quarter]:
        records = await quarters.many_by_id(info.context, self.record.merged_from_ids)
        return [Quarter.of(r) for r in sorted(records, key=lambda r: r.name)]

    @strawberry.field(description="Projects in this quarter (a Netzwerkfonds project is in each of its quarters).")
    async def projects(
        self,
        info: Info,
        filter: Annotated[ProjectFilter | None, strawberry.argument(description="Which of its projects.")] = None,
        order_by: Annotated[
            list[ProjectOrder] | None, strawberry.argument(description="Sort keys (default: start, newest first).")
        ] = None,
        first: First = None,
        after: After = None,
    ) -> ProjectConnection:
        found = await projects.search(
            info.context, filter.query() if filter else None, keys(order_by), first, after, quarter=self.record.slug
        )
        return ProjectConnection.of(found, Project.of)

    @strawberry.field(
        description="Funding of the quarter's granted projects (approved or later, not withdrawn or rejected) per "
        "year and fund: sums and counts. A Netzwerkfonds project counts here with its whole amount."
    )
    async def project_funding(
        self,
        info: Info,
        synthetic: Annotated[
            bool | None, strawberry.argument(description="Only synthetic (true) or only real (false) projects.")
        ] = None,
    ) -> list[FundingSum]:
        found = await projects.quarter_projects(info.context, self.record.slug, synthetic)
        return [FundingSum.of(row) for row in found.funding]

    @strawberry.field(
        description="Organisations with a seat on the quarter's Quartiersrat or Aktionsfondsjury. Only "
        "organisations are recorded; the people on a council are personal data and are not kept here."
    )
    async def council_seats(
        self,
        info: Info,
        on: Annotated[
            dt.date | None, strawberry.argument(description="Seats held on this day (default: all, past ones too).")
        ] = None,
    ) -> list[CouncilSeat]:
        return [CouncilSeat.of(r) for r in await projects.seats(info.context, self.record.slug, on)]


@strawberry.type(description="An organisation with a documented role in a quarter: its QM Träger or a housing owner.")
class QuarterOrganisation:
    actor: Actor = strawberry.field(description="The organisation.")
    role: MembershipRole = strawberry.field(description="QM Träger or housing owner.")
    until: dt.date | None = strawberry.field(description="Until when, if the role has ended.")
    flats: int | None = strawberry.field(description="Housing owners: flats in the quarter, where a source says.")
    share_note: str | None = strawberry.field(description="Housing owners: their share, as the source puts it.")
    note: str | None = strawberry.field(description="A remark, e.g. on the kind of source.")
    sources: list[str] = strawberry.field(description="URLs of the public sources for this role.")


@strawberry.type(description="A postal address.")
class Address:
    street: str | None = strawberry.field(description="Street and number.")
    postal_code: str | None = strawberry.field(description="Postal code (PLZ).")
    city: str | None = strawberry.field(description="City.")


@strawberry.type(description="A point on the map (WGS 84).")
class GeoPoint:
    latitude: float = strawberry.field(description="Latitude in degrees.")
    longitude: float = strawberry.field(description="Longitude in degrees.")


@strawberry.type(description="An actor's activity in a quarter, with its time span and role.")
class ActorQuarter:
    quarter: Quarter = strawberry.field(description="The quarter.")
    role: MembershipRole = strawberry.field(description="Member, QM Träger, or housing owner.")
    since: dt.date | None = strawberry.field(description="Active there since (if known).")
    until: dt.date | None = strawberry.field(description="Active there until (inclusive), if it has ended.")
    flats: int | None = strawberry.field(description="Housing associations: flats owned in the quarter, if known.")
    share_note: str | None = strawberry.field(description="Housing associations: share of the flats, as documented.")
    note: str | None = strawberry.field(description="A remark on this membership.")
    sources: list[str] = strawberry.field(description="How we know (URLs or references).")

    @classmethod
    def of(cls, m: MembershipRecord, q: QuarterRecord) -> ActorQuarter:
        return cls(
            quarter=Quarter.of(q),
            role=MembershipRole(m.role),
            since=m.since,
            until=m.until,
            flats=m.flats,
            share_note=m.share_note,
            note=m.note,
            sources=list(m.sources),
        )


@strawberry.interface(
    description="A stakeholder of a quarter's network: an institution, initiative, company or housing association."
)
class Actor(Node):
    type: ActorType = strawberry.field(description="Which of the four kinds of actor this is.")
    name: str = strawberry.field(description="Name.")
    alternative_names: list[str] = strawberry.field(
        description="Other names in use, including those of duplicates merged into this actor."
    )
    description: str | None = strawberry.field(description="What the actor does.")
    address: Address | None = strawberry.field(description="Postal address, if known.")
    location: GeoPoint | None = strawberry.field(description="Where it is on the map, if known.")
    website: str | None = strawberry.field(description="Website.")
    tags: list[str] = strawberry.field(description="Free tags.")
    sources: list[str] = strawberry.field(description="How we know about this actor (URLs or references).")
    synthetic: bool = strawberry.field(
        description="True for fictional test or demo data (never a real organisation); false for real actors."
    )
    archived: bool = strawberry.field(
        description="Archived actors are left out of default queries but keep their history."
    )
    archived_at: dt.datetime | None = strawberry.field(description="When it was archived.")
    created_at: dt.datetime = strawberry.field(description="When it was recorded.")
    updated_at: dt.datetime = strawberry.field(description="When it was last changed.")
    version: int = strawberry.field(description="Increases with every change; send it back with `updateActor`.")
    record: strawberry.Private[ActorRecord]

    @strawberry.field(description="The action fields it works on.")
    async def action_fields(self, info: Info) -> list[ActionField]:
        return [ActionField.of(f) for f in await action_fields.by_keys(info.context, self.record.action_fields)]

    @strawberry.field(description="The quarters it is (or was) active in, with since/until and role.")
    async def quarters(
        self,
        info: Info,
        as_of: Annotated[
            dt.date | None, strawberry.argument(description="Only memberships active on this day.")
        ] = None,
    ) -> list[ActorQuarter]:
        rows = await actors.memberships(info.context, self.record)
        return [
            ActorQuarter.of(m, q)
            for m, q in rows
            if as_of is None or ((m.since is None or m.since <= as_of) and (m.until is None or m.until >= as_of))
        ]

    @strawberry.field(description="Its cooperations, newest first unless ordered otherwise.")
    async def cooperations(
        self,
        info: Info,
        filter: Annotated[
            CooperationFilter | None, strawberry.argument(description="Which cooperations count.")
        ] = None,
        order_by: Annotated[
            list[CooperationOrder] | None, strawberry.argument(description="Sort keys (default: since, newest first).")
        ] = None,
        first: First = None,
        after: After = None,
    ) -> CooperationConnection:
        page = await actors.cooperations_of(
            info.context, self.record, filter.query() if filter else None, keys(order_by), first, after
        )
        return CooperationConnection.of(page, Cooperation.of)

    @strawberry.field(description="The actors it cooperates with, by name, each with the cooperations between them.")
    async def partners(
        self,
        info: Info,
        filter: Annotated[
            CooperationFilter | None, strawberry.argument(description="Which cooperations count.")
        ] = None,
        first: First = None,
        after: After = None,
    ) -> PartnerConnection:
        columns, ties = partner_needs_of(info, self)
        query = filter.query() if filter else None
        return partner_connection(await actors.partners(info.context, self.record, query, first, after, columns, ties))

    @strawberry.field(
        description=described(rules.CONTACT_PERSONS, "Its contact persons (personal data); null for any other token.")
    )
    async def contact_persons(self, info: Info) -> list[ContactPerson] | None:
        found = await people.visible_for(info.context, self.record)
        return None if found is None else [ContactPerson.of(p) for p in found]

    @strawberry.field(description="Number of its cooperations (with actors that are not archived).")
    async def cooperation_count(self, info: Info) -> int:
        return (await actors.counts(info.context, self.record))[0]

    @strawberry.field(description="Number of distinct actors it cooperates with (not archived).")
    async def partner_count(self, info: Info) -> int:
        return (await actors.counts(info.context, self.record))[1]

    @strawberry.field(description="Projects it takes part in, as sponsor, as partner, or either.")
    async def projects(
        self,
        info: Info,
        role: Annotated[ProjectRole, strawberry.argument(description="As sponsor, partner, or either.")] = (
            ProjectRole.ANY
        ),
        filter: Annotated[ProjectFilter | None, strawberry.argument(description="Which of its projects.")] = None,
        first: First = None,
        after: After = None,
    ) -> ProjectConnection:
        query = filter.query() if filter else None
        found = await projects.of_actor(info.context, self.record.id, query, first, after, value(role))
        return ProjectConnection.of(found, Project.of)


class _ActorFields(TypedDict):
    """The fields every actor type shares, typed for the constructors of the four."""

    id: strawberry.ID
    type: ActorType
    name: str
    alternative_names: list[str]
    description: str | None
    address: Address | None
    location: GeoPoint | None
    website: str | None
    tags: list[str]
    sources: list[str]
    synthetic: bool
    archived: bool
    archived_at: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int
    record: ActorRecord


# Global ids of actors by local id: the same few thousand actors are answered again and again
# (a page of 50 actors with 10 partners each encoded ~470 ids per request, a sixth of building
# its partners). Bounded; emptied when full.
_ACTOR_IDS: dict[str, strawberry.ID] = {}
_MOST_ACTOR_IDS = 100_000


def actor_global_id(local_id: str) -> strawberry.ID:
    """``ids.encode("Actor", local_id)``, remembered."""
    found = _ACTOR_IDS.get(local_id)
    if found is None:
        if len(_ACTOR_IDS) >= _MOST_ACTOR_IDS:
            _ACTOR_IDS.clear()
        found = _ACTOR_IDS[local_id] = strawberry.ID(ids.encode("Actor", local_id))
    return found


# The actor types by their stored values: a dict lookup where calling the enum searches its members.
_ACTOR_TYPE: dict[str, ActorType] = {value(t): t for t in ActorType}


def _common(r: ActorRecord) -> _ActorFields:
    return {
        "id": actor_global_id(r.id),
        "type": _ACTOR_TYPE.get(r.type) or ActorType(r.type),
        "name": r.name,
        "alternative_names": list(r.alt_names),
        "description": r.description,
        "address": Address(street=r.street, postal_code=r.postal_code, city=r.city)
        if (r.street or r.postal_code or r.city)
        else None,
        "location": GeoPoint(latitude=r.location[0], longitude=r.location[1]) if r.location else None,
        "website": r.website,
        "tags": list(r.tags),
        "sources": list(r.sources),
        "synthetic": r.synthetic,
        "archived": r.archived,
        "archived_at": r.archived_at,
        "created_at": r.created_at,
        "updated_at": r.updated_at,
        "version": r.version,
        "record": r,
    }


@strawberry.type(description="A public or church institution: school, Kita, library, youth club, district office...")
class Institution(Actor):
    kind: InstitutionKind | None = strawberry.field(description="What kind of institution it is.")


@strawberry.type(description="A resident initiative, association (e.V.), parents' group or informal group.")
class Initiative(Actor):
    legal_form: LegalForm | None = strawberry.field(description="Its legal form (e.V., informal group...).")


@strawberry.type(description="A local business, social enterprise (gGmbH), or QM Träger company.")
class Company(Actor):
    sector: str | None = strawberry.field(description="Line of business.")
    social_enterprise: bool | None = strawberry.field(description="Whether it is a social enterprise.")


@strawberry.type(
    description="A housing company or owner: municipal (e.g. STADT UND LAND), cooperative (e.g. EVM Berlin eG) "
    "or private. Its flats per quarter are on `quarters`, where known."
)
class HousingAssociation(Actor):
    ownership: Ownership | None = strawberry.field(description="Municipal, cooperative, private...")

    @strawberry.field(description="Flats it owns across the quarters where a source gives the number.")
    async def known_flats(self, info: Info) -> int | None:
        rows = await actors.memberships(info.context, self.record)
        counts = [m.flats for m, _ in rows if m.flats is not None]
        return sum(counts) if counts else None


def actor_of(r: ActorRecord) -> Actor:
    """The GraphQL object for an actor record, of its concrete type."""
    if not r.columns:  # id, name and type alone: a page of partners' names (issue 16, W1)
        return _bare_actor(r)
    common = _common(r)
    if r.type == "Institution":
        return Institution(**common, kind=InstitutionKind(r.institution_kind) if r.institution_kind else None)
    if r.type == "Initiative":
        return Initiative(**common, legal_form=LegalForm(r.legal_form) if r.legal_form else None)
    if r.type == "Company":
        return Company(**common, sector=r.sector, social_enterprise=r.social_enterprise)
    return HousingAssociation(**common, ownership=Ownership(r.ownership) if r.ownership else None)


ACTOR_TYPES: tuple[type, ...] = (Institution, Initiative, Company, HousingAssociation)

# The classes by stored type, and the fields of each type's own that a record of no optional
# column leaves empty.
_ACTOR_CLASS: dict[str, tuple[type[Actor], dict[str, None]]] = {
    "Institution": (Institution, {"kind": None}),
    "Initiative": (Initiative, {"legal_form": None}),
    "Company": (Company, {"sector": None, "social_enterprise": None}),
}
_HOUSING: tuple[type[Actor], dict[str, None]] = (HousingAssociation, {"ownership": None})


def _bare_values(r: ActorRecord) -> dict[str, Any]:
    """The fields :func:`actor_of` gives an actor of a record of no optional column (its other
    fields hold the empty values of :func:`graph.actors.record`)."""
    own = (_ACTOR_CLASS.get(r.type) or _HOUSING)[1]
    return {
        "id": actor_global_id(r.id),
        "type": _ACTOR_TYPE.get(r.type) or ActorType(r.type),
        "name": r.name,
        "alternative_names": [],
        "description": None,
        "address": None,
        "location": None,
        "website": None,
        "tags": [],
        "sources": [],
        "synthetic": r.synthetic,
        "archived": r.archived,
        "archived_at": r.archived_at,
        "created_at": r.created_at,
        "updated_at": r.updated_at,
        "version": r.version,
        "record": r,
        **own,
    }


def _bare_template(cls: type[Actor], own: dict[str, None]) -> dict[str, Any]:
    """The attributes of an actor of ``cls`` built from an empty record of no optional column, by
    its own constructor (what :func:`_bare_actor` copies; it then sets id, type, name and record)."""
    empty = actor_record({"id": "", "type": cls.__name__, "name": ""}, frozenset())
    return dict(vars(cls(**_bare_values(empty))))


def _rest(r: ActorRecord) -> tuple[Any, ...]:
    """The fields of an actor that a bare record fills with the empty values, and a template copies."""
    return (r.synthetic, r.archived, r.archived_at, r.created_at, r.updated_at, r.version)


_BARE_REST = _rest(actor_record({"id": "", "type": "", "name": ""}, frozenset()))
_BARE_TEMPLATES: dict[str, tuple[type[Actor], dict[str, Any]]] = {
    name: (cls, _bare_template(cls, own))
    for name, (cls, own) in {**_ACTOR_CLASS, "HousingAssociation": _HOUSING}.items()
}


def _bare_actor(r: ActorRecord) -> Actor:
    """:func:`actor_of` for a record of id, name and type alone: the same object, copied from a
    template built by the class's constructor instead of calling it with its 19 fields (a page of
    50 actors builds ~470 such partners per request). The lists (alternative names, tags,
    sources) are the template's own empty ones, shared: nothing appends to an actor's lists."""
    found = _BARE_TEMPLATES.get(r.type)
    if found is None or _rest(r) != _BARE_REST:  # another type, or a record not made by graph.actors.record
        cls = (_ACTOR_CLASS.get(r.type) or _HOUSING)[0]
        return cls(**_bare_values(r))
    cls, template = found
    actor = object.__new__(cls)
    actor.__dict__.update(template)
    actor.id = actor_global_id(r.id)
    actor.type = _ACTOR_TYPE[r.type]
    actor.name = r.name
    actor.record = r
    return actor


@strawberry.type(description="How many actors of one type.")
class ActorTypeCount:
    type: ActorType = strawberry.field(description="The actor type.")
    count: int = strawberry.field(description="How many.")


@strawberry.type(
    description="A cooperation between two actors. It has no direction: it is stored once and found from "
    "either side. Ending one sets `until` and keeps it in the history."
)
class Cooperation(Node):
    kind: CooperationKind = strawberry.field(description="What the cooperation consists of.")
    since: dt.date | None = strawberry.field(description="Start, if known.")
    until: dt.date | None = strawberry.field(description="End (inclusive), if it has ended.")
    intensity: int | None = strawberry.field(description="1 loose, 2 regular, 3 close; null if not assessed.")
    description: str | None = strawberry.field(description="What the two do together.")
    source: str | None = strawberry.field(description="How we know (a meeting, a report, a URL).")
    synthetic: bool = strawberry.field(description="True for fictional test or demo data.")
    created_at: dt.datetime = strawberry.field(description="When it was recorded.")
    updated_at: dt.datetime = strawberry.field(description="When it was last changed.")
    version: int = strawberry.field(description="Increases with every change; send it back with updates.")
    record: strawberry.Private[CooperationRecord]

    @classmethod
    def of(cls, r: CooperationRecord) -> Cooperation:
        return cls(
            id=strawberry.ID(ids.encode("Cooperation", r.id)),
            kind=CooperationKind(r.kind),
            since=r.since,
            until=r.until,
            intensity=r.intensity,
            description=r.description,
            source=r.source,
            synthetic=r.synthetic,
            created_at=r.created_at,
            updated_at=r.updated_at,
            version=r.version,
            record=r,
        )

    @strawberry.field(description="Whether it is active on a day (default: today).")
    def active(
        self, on: Annotated[dt.date | None, strawberry.argument(description="The day (default: today).")] = None
    ) -> bool:
        day = on or dt.date.today()
        return (self.since is None or self.since <= day) and (self.until is None or self.until >= day)

    @strawberry.field(description="The action fields it serves.")
    async def action_fields(self, info: Info) -> list[ActionField]:
        return [ActionField.of(f) for f in await action_fields.by_keys(info.context, self.record.action_fields)]

    @strawberry.field(description="The two actors, by name.")
    async def actors(self, info: Info) -> list[Actor]:
        return [actor_of(a) for a in await cooperations.actors_of(info.context, self.record)]


# ---- projects, council decisions and seats ---------------------------------------------------


@strawberry.type(description="A step of a project through the QM process, with its day.")
class ProjectStep:
    status: ProjectStatus = strawberry.field(description="The status reached.")
    date: dt.date = strawberry.field(description="The day it was reached.")


@strawberry.type(description="A partner of a project and what it contributes.")
class ProjectPartner:
    role: PartnerRole = strawberry.field(description="What the partner contributes.")
    actor_id: strawberry.Private[str]

    @strawberry.field(description="The partner.")
    async def actor(self, info: Info) -> Actor | None:
        found = await info.context.loaders.actor_by_id.load(self.actor_id)
        return actor_of(found) if found else None


@strawberry.type(
    description="A QM project: an idea that went through the Quartiersrat and the administration, paid from a "
    "quarter fund or another programme, carried out by a sponsor (Projektträger) with partners."
)
class Project(Node):
    title: str = strawberry.field(description="Title.")
    description: str | None = strawberry.field(description="What the project does.")
    fund: Fund = strawberry.field(description="What pays for it.")
    programme: str | None = strawberry.field(description="The other programme's name, for `OTHER_PROGRAMME`.")
    amount_granted: Decimal | None = strawberry.field(
        description='Amount granted in euros, exact to the cent (a decimal as a string, e.g. `"12500.00"`); '
        "null if not recorded."
    )
    start: dt.date | None = strawberry.field(description="First day of the project's period, if known.")
    end: dt.date | None = strawberry.field(description="Last day of the project's period, if known.")
    status: ProjectStatus = strawberry.field(description="Where it stands in the QM process.")
    steps: list[ProjectStep] = strawberry.field(description="Every step so far with its day, oldest first.")
    quarter_slugs: list[str] = strawberry.field(description="Slugs of its quarters.")
    outcome: str | None = strawberry.field(description="Notes on what came of it.")
    source: str | None = strawberry.field(description="How we know (a report, a URL); real projects need one.")
    synthetic: bool = strawberry.field(description="True for fictional test or demo data.")
    created_at: dt.datetime = strawberry.field(description="When it was recorded.")
    updated_at: dt.datetime = strawberry.field(description="When it was last changed.")
    version: int = strawberry.field(description="Increases with every change; send it back with updates.")
    record: strawberry.Private[ProjectRecord]

    @classmethod
    def of(cls, r: ProjectRecord) -> Project:
        return cls(
            id=strawberry.ID(ids.encode("Project", r.id)),
            title=r.title,
            description=r.description,
            fund=Fund(r.fund),
            programme=r.programme,
            amount_granted=None if r.amount_cents is None else Decimal(r.amount_cents).scaleb(-2),
            start=r.start,
            end=r.end,
            status=ProjectStatus(r.status),
            steps=[ProjectStep(status=ProjectStatus(s.status), date=s.date) for s in r.steps],
            quarter_slugs=list(r.quarters),
            outcome=r.outcome,
            source=r.source,
            synthetic=r.synthetic,
            created_at=r.created_at,
            updated_at=r.updated_at,
            version=r.version,
            record=r,
        )

    @strawberry.field(description="Its quarters (several for a Netzwerkfonds project).")
    async def quarters(self, info: Info) -> list[Quarter]:
        found = await info.context.loaders.quarter_by_slug.load_many(list(self.record.quarters))
        return [Quarter.of(q) for q in found if q is not None]

    @strawberry.field(description="The project sponsor (Projektträger), once one is named.")
    async def sponsor(self, info: Info) -> Actor | None:
        if self.record.sponsor_id is None:
            return None
        found = await info.context.loaders.actor_by_id.load(self.record.sponsor_id)
        return actor_of(found) if found else None

    @strawberry.field(description="Its partners, each with its role.")
    def partners(self) -> list[ProjectPartner]:
        return [ProjectPartner(role=PartnerRole(role), actor_id=a) for a, role in self.record.partners]

    @strawberry.field(description="The action fields (Handlungsfelder) it serves, of either IHEK generation.")
    async def action_fields(self, info: Info) -> list[ActionField]:
        return [ActionField.of(f) for f in await action_fields.by_keys(info.context, self.record.action_fields)]

    @strawberry.field(description="The councils' decisions on it, oldest first.")
    async def decisions(self, info: Info) -> list[CouncilDecision]:
        return [CouncilDecision.of(d) for d in await projects.decisions(info.context, self.record)]


@strawberry.type(description="A vote of a quarter's Quartiersrat or Aktionsfondsjury on a project.")
class CouncilDecision:
    id: strawberry.ID = strawberry.field(description="Global id.")
    date: dt.date = strawberry.field(description="The day of the vote.")
    body: CouncilBody = strawberry.field(description="Which council voted.")
    quarter_slug: str = strawberry.field(description="The slug of the quarter whose council voted.")
    votes_for: int = strawberry.field(description="Votes in favour.")
    votes_against: int = strawberry.field(description="Votes against.")
    abstentions: int = strawberry.field(description="Abstentions.")
    recommendation: CouncilRecommendation = strawberry.field(description="What the council recommended.")
    note: str | None = strawberry.field(description="A remark, e.g. conditions attached.")
    synthetic: bool = strawberry.field(description="True for fictional test or demo data.")
    project_id: strawberry.Private[str]

    @classmethod
    def of(cls, d: DecisionRecord) -> CouncilDecision:
        return cls(
            id=strawberry.ID(ids.encode("CouncilDecision", d.id)),
            date=d.date,
            body=CouncilBody(d.body),
            quarter_slug=d.quarter,
            votes_for=d.votes_for,
            votes_against=d.votes_against,
            abstentions=d.abstentions,
            recommendation=CouncilRecommendation(d.recommendation),
            note=d.note,
            synthetic=d.synthetic,
            project_id=d.project_id,
        )

    @strawberry.field(description="The project decided on.")
    async def project(self, info: Info) -> Project | None:
        found = await info.context.loaders.project_by_id.load(self.project_id)
        return Project.of(found) if found else None


@strawberry.type(description="An organisation's seat on a quarter's Quartiersrat or Aktionsfondsjury.")
class CouncilSeat:
    id: strawberry.ID = strawberry.field(description="Global id.")
    body: CouncilBody = strawberry.field(description="Which council.")
    quarter_slug: str = strawberry.field(description="The quarter's slug.")
    since: dt.date | None = strawberry.field(description="Holds the seat since (if known).")
    until: dt.date | None = strawberry.field(description="Held it until (inclusive), if it has ended.")
    synthetic: bool = strawberry.field(description="True for fictional test or demo data.")
    actor_id: strawberry.Private[str]

    @classmethod
    def of(cls, r: SeatRecord) -> CouncilSeat:
        return cls(
            id=strawberry.ID(ids.encode("CouncilSeat", r.id)),
            body=CouncilBody(r.body),
            quarter_slug=r.quarter,
            since=r.since,
            until=r.until,
            synthetic=r.synthetic,
            actor_id=r.actor_id,
        )

    @strawberry.field(description="The organisation.")
    async def actor(self, info: Info) -> Actor | None:
        found = await info.context.loaders.actor_by_id.load(self.actor_id)
        return actor_of(found) if found else None


@strawberry.type(description="Projects of one quarter, fund and year: how many, and the sum granted.")
class FundingSum:
    quarter_slug: str = strawberry.field(description="The quarter's slug.")
    fund: Fund = strawberry.field(description="The fund.")
    year: int | None = strawberry.field(description="The year the projects start; null for unknown starts.")
    projects: int = strawberry.field(description="How many projects.")
    amount: Decimal = strawberry.field(description="Sum of their amounts in euros (exact), of those that are known.")
    without_amount: int = strawberry.field(description="Projects counted whose amount is not recorded.")

    @classmethod
    def of(cls, r: FundingRow) -> FundingSum:
        return cls(
            quarter_slug=r.quarter,
            fund=Fund(r.fund),
            year=r.year,
            projects=r.projects,
            amount=Decimal(r.amount_cents).scaleb(-2),
            without_amount=r.without_amount,
        )


# ---- connections ------------------------------------------------------------------------------

ACTORS = Noun("actor", "actors", "An actor in a connection.", "The actors on this page, each with its cursor.")
COOPERATIONS = Noun("cooperation", "cooperations", "A cooperation in a connection.")
PROJECTS = Noun("project", "projects", "A project in a connection.")
PARTNERS = Noun("partner", "partners", "A partner of an actor, with the cooperations between the two.")


@edge(ACTORS)
class ActorEdge(Edge[Actor]):
    pass


@connection(ACTORS, ActorEdge)
class ActorConnection(Connection[Actor]):
    pass


@edge(COOPERATIONS)
class CooperationEdge(Edge[Cooperation]):
    pass


@connection(COOPERATIONS, CooperationEdge)
class CooperationConnection(Connection[Cooperation]):
    pass


@edge(PARTNERS)
class PartnerEdge(Edge[Actor]):
    # Built into objects only when asked for (and read only then: schema/selection.py).
    ties: strawberry.Private[tuple[CooperationRecord, ...]]

    @strawberry.field(description="The cooperations between the two that match the filter, newest first.")
    def cooperations(self) -> list[Cooperation]:
        return [Cooperation.of(c) for c in self.ties]

    @strawberry.field(description="The most recent of `cooperations`.")
    def cooperation(self) -> Cooperation:
        return Cooperation.of(self.ties[0])


@connection(PARTNERS, PartnerEdge, nodes=False)
class PartnerConnection(Connection[Actor]):
    pass


def partner_connection(page: Slice[Partner]) -> PartnerConnection:
    edges = []
    for cursor, partner in page.items:
        edges.append(PartnerEdge(key=cursor, node=actor_of(partner.actor), ties=partner.cooperations))
    return PartnerConnection.page(page, edges)


@edge(PROJECTS)
class ProjectEdge(Edge[Project]):
    pass


@connection(PROJECTS, ProjectEdge)
class ProjectConnection(Connection[Project]):
    pass
