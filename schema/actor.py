"""Actors: the interface and its four types, their quarters, partners and connections."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated

import strawberry

from core.context import Context
from graph.actors import ActorRecord, MembershipRecord
from graph.quarters import QuarterRecord
from resolvers import action_fields, actors, ids, people
from resolvers.paging import Slice
from schema.action_field import ActionField
from schema.enums import ActorType, InstitutionKind, LegalForm, MembershipRole, Ownership
from schema.inputs import CooperationFilter, CooperationOrder
from schema.node import Node
from schema.pagination import PageInfo
from schema.quarter import Quarter

if TYPE_CHECKING:
    from graph.cooperations import Partner
    from schema.cooperation import Cooperation, CooperationConnection
    from schema.people import ContactPerson

CooperationRef = Annotated["Cooperation", strawberry.lazy("schema.cooperation")]
ContactPersonRef = Annotated["ContactPerson", strawberry.lazy("schema.people")]
CooperationConnectionRef = Annotated["CooperationConnection", strawberry.lazy("schema.cooperation")]

FirstArg = Annotated[int | None, strawberry.argument(description="Page size, 0 to 100 (default 20).")]
AfterArg = Annotated[
    str | None, strawberry.argument(description="Return items after this cursor (`pageInfo.endCursor`).")
]
CooperationFilterArg = Annotated[CooperationFilter | None, strawberry.argument(description="Which cooperations count.")]


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
    async def action_fields(self, info: strawberry.Info[Context, None]) -> list[ActionField]:
        return [ActionField.of(f) for f in await action_fields.by_keys(info.context, self.record.action_fields)]

    @strawberry.field(description="The quarters it is (or was) active in, with since/until and role.")
    async def quarters(
        self,
        info: strawberry.Info[Context, None],
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
        info: strawberry.Info[Context, None],
        filter: CooperationFilterArg = None,
        order_by: Annotated[
            list[CooperationOrder] | None, strawberry.argument(description="Sort keys (default: since, newest first).")
        ] = None,
        first: FirstArg = None,
        after: AfterArg = None,
    ) -> CooperationConnectionRef:
        from schema.cooperation import CooperationConnection

        page = await actors.cooperations_of(info.context, self.record, filter, order_by, first, after)
        return CooperationConnection.of(page)

    @strawberry.field(description="The actors it cooperates with, by name, each with the cooperations between them.")
    async def partners(
        self,
        info: strawberry.Info[Context, None],
        filter: CooperationFilterArg = None,
        first: FirstArg = None,
        after: AfterArg = None,
    ) -> PartnerConnection:
        return PartnerConnection.of(await actors.partners(info.context, self.record, filter, first, after))

    @strawberry.field(
        description="Its contact persons (personal data): null unless your token is an admin's or a manager's of "
        "one of its quarters."
    )
    async def contact_persons(self, info: strawberry.Info[Context, None]) -> list[ContactPersonRef] | None:
        from schema.people import ContactPerson

        found = await people.visible_for(info.context, self.record)
        return None if found is None else [ContactPerson.of(p) for p in found]

    @strawberry.field(description="Number of its cooperations (with actors that are not archived).")
    async def cooperation_count(self, info: strawberry.Info[Context, None]) -> int:
        return (await actors.counts(info.context, self.record))[0]

    @strawberry.field(description="Number of distinct actors it cooperates with (not archived).")
    async def partner_count(self, info: strawberry.Info[Context, None]) -> int:
        return (await actors.counts(info.context, self.record))[1]


def _common(r: ActorRecord) -> dict[str, object]:
    return {
        "id": strawberry.ID(ids.encode("Actor", r.id)),
        "type": ActorType(r.type),
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
    async def known_flats(self, info: strawberry.Info[Context, None]) -> int | None:
        rows = await actors.memberships(info.context, self.record)
        counts = [m.flats for m, _ in rows if m.flats is not None]
        return sum(counts) if counts else None


def actor_of(r: ActorRecord) -> Actor:
    """The GraphQL object for an actor record, of its concrete type."""
    common = _common(r)
    if r.type == "Institution":
        return Institution(**common, kind=InstitutionKind(r.institution_kind) if r.institution_kind else None)
    if r.type == "Initiative":
        return Initiative(**common, legal_form=LegalForm(r.legal_form) if r.legal_form else None)
    if r.type == "Company":
        return Company(**common, sector=r.sector, social_enterprise=r.social_enterprise)
    return HousingAssociation(**common, ownership=Ownership(r.ownership) if r.ownership else None)


ACTOR_TYPES: tuple[type, ...] = (Institution, Initiative, Company, HousingAssociation)


@strawberry.type(description="An actor in a connection.")
class ActorEdge:
    cursor: str = strawberry.field(description="Opaque cursor of this actor in the connection.")
    node: Actor = strawberry.field(description="The actor.")


@strawberry.type(description="A page of actors (Relay connection).")
class ActorConnection:
    edges: list[ActorEdge] = strawberry.field(description="The actors on this page, each with its cursor.")
    page_info: PageInfo = strawberry.field(description="Where this page stands.")
    total_count: int = strawberry.field(description="All actors that match, across all pages.")

    @strawberry.field(description="The actors on this page (shortcut for `edges { node }`).")
    def nodes(self) -> list[Actor]:
        return [edge.node for edge in self.edges]

    @classmethod
    def of(cls, page: Slice[ActorRecord]) -> ActorConnection:
        return cls(
            edges=[ActorEdge(cursor=c, node=actor_of(r)) for c, r in page.items],
            page_info=PageInfo.of(page),  # type: ignore[arg-type]
            total_count=page.total,
        )


@strawberry.type(description="A partner of an actor, with the cooperations between the two.")
class PartnerEdge:
    cursor: str = strawberry.field(description="Opaque cursor of this partner in the connection.")
    node: Actor = strawberry.field(description="The partner.")
    cooperations: list[CooperationRef] = strawberry.field(
        description="The cooperations between the two that match the filter, newest first."
    )
    cooperation: CooperationRef = strawberry.field(description="The most recent of `cooperations`.")


@strawberry.type(description="A page of partners (Relay connection).")
class PartnerConnection:
    edges: list[PartnerEdge] = strawberry.field(description="The partners on this page.")
    page_info: PageInfo = strawberry.field(description="Where this page stands.")
    total_count: int = strawberry.field(description="All partners that match, across all pages.")

    @classmethod
    def of(cls, page: Slice[Partner]) -> PartnerConnection:
        from schema.cooperation import Cooperation

        edges = []
        for cursor, partner in page.items:
            cooperations = [Cooperation.of(x) for x in partner.cooperations]
            edges.append(
                PartnerEdge(
                    cursor=cursor, node=actor_of(partner.actor), cooperations=cooperations, cooperation=cooperations[0]
                )
            )
        return cls(
            edges=edges,
            page_info=PageInfo.of(page),  # type: ignore[arg-type]
            total_count=page.total,
        )


@strawberry.type(description="How many actors of one type.")
class ActorTypeCount:
    type: ActorType = strawberry.field(description="The actor type.")
    count: int = strawberry.field(description="How many.")
