"""Inputs of the mutations. In updates, an omitted field stays as it is and `null` clears it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from enum import Enum
from typing import TypeVar

import strawberry
from strawberry.types.unset import UnsetType

from resolvers import commands
from resolvers.commands import Maybe
from schema.enums import (
    ActorType,
    CooperationKind,
    CouncilBody,
    CouncilRecommendation,
    Fund,
    HandoverMode,
    InstitutionKind,
    LegalForm,
    MembershipRole,
    Ownership,
    PartnerRole,
    ProjectStatus,
    QuarterStatus,
    TokenRole,
    value,
)

T = TypeVar("T")
R = TypeVar("R")


def _maybe(given: T) -> Maybe[T]:
    """An update field as resolvers take it: :data:`commands.UNSET` where the client sent none."""
    return commands.UNSET if isinstance(given, UnsetType) else given


def _maybe_as(given: T | None, convert: Callable[[T], R]) -> Maybe[R | None]:
    """:func:`_maybe` of an update field, converted where it holds a value."""
    if isinstance(given, UnsetType):
        return commands.UNSET
    return None if given is None else convert(given)


def _tuple(items: list[T] | None) -> tuple[T, ...] | None:
    return None if items is None else tuple(items)


def _maybe_tuple(items: list[T] | None) -> Maybe[tuple[T, ...] | None]:
    return _maybe_as(items, tuple)


def _enum(member: Enum | None) -> str | None:
    return None if member is None else value(member)


@strawberry.input(description="What every mutation input shares.")
class KeyedInput:
    client_mutation_id: str | None = strawberry.field(
        default=None,
        description="An idempotency key of your choice (1 to 128 characters; a UUID is a good choice), echoed in "
        "the payload. Sent again with the same input within 24 hours, the mutation is not applied a second time: "
        "the answer is the first call's result (the object as it is now). Send it when a retry must not write "
        "twice, e.g. after an `OUTCOME_UNKNOWN` error. The same key with another input is refused "
        "(`IDEMPOTENCY_KEY_REUSED`). Keys are per token.",
    )


@strawberry.input(description="A postal address.")
class AddressInput:
    street: str | None = strawberry.field(default=None, description="Street and number.")
    postal_code: str | None = strawberry.field(default=None, description="Postal code (PLZ).")
    city: str | None = strawberry.field(default=None, description="City.")

    def value(self) -> commands.Address:
        return commands.Address(self.street, self.postal_code, self.city)


@strawberry.input(description="A point on the map (WGS 84).")
class LocationInput:
    latitude: float = strawberry.field(description="Latitude in degrees, -90 to 90.")
    longitude: float = strawberry.field(description="Longitude in degrees, -180 to 180.")

    def value(self) -> commands.Location:
        return commands.Location(self.latitude, self.longitude)


@strawberry.input(description="An actor's activity in a quarter.")
class QuarterMembershipInput:
    quarter: str = strawberry.field(description="The quarter's slug, e.g. `rollberg`.")
    since: dt.date | None = strawberry.field(default=None, description="Active in the quarter since.")
    until: dt.date | None = strawberry.field(default=None, description="Active in the quarter until (inclusive).")
    role: MembershipRole = strawberry.field(default=MembershipRole.MEMBER, description="The actor's role there.")
    flats: int | None = strawberry.field(default=None, description="Housing associations: flats owned there.")
    note: str | None = strawberry.field(default=None, description="A remark on this membership.")
    sources: list[str] | None = strawberry.field(default=None, description="How we know (URLs or references).")

    def value(self) -> commands.QuarterMembership:
        return commands.QuarterMembership(
            quarter=self.quarter,
            role=value(self.role),
            since=self.since,
            until=self.until,
            flats=self.flats,
            note=self.note,
            sources=_tuple(self.sources),
        )


@strawberry.input(description="A new actor.")
class CreateActorInput(KeyedInput):
    type: ActorType = strawberry.field(description="Institution, initiative, company or housing association.")
    name: str = strawberry.field(description="The actor's name, e.g. `Kita Sonnenschein e.V.`.")
    alternative_names: list[str] | None = strawberry.field(default=None, description="Other names in use.")
    description: str | None = strawberry.field(default=None, description="What the actor does.")
    address: AddressInput | None = strawberry.field(default=None, description="Postal address.")
    location: LocationInput | None = strawberry.field(default=None, description="Where it is on the map.")
    website: str | None = strawberry.field(default=None, description="Website (http or https URL).")
    action_fields: list[str] | None = strawberry.field(default=None, description="Action-field keys it works on.")
    quarters: list[QuarterMembershipInput] | None = strawberry.field(
        default=None, description="Quarters it is active in."
    )
    tags: list[str] | None = strawberry.field(default=None, description="Free tags, e.g. `sprachförderung`.")
    sources: list[str] | None = strawberry.field(default=None, description="How we know about it.")
    institution_kind: InstitutionKind | None = strawberry.field(default=None, description="Institutions only.")
    legal_form: LegalForm | None = strawberry.field(default=None, description="Initiatives only.")
    sector: str | None = strawberry.field(default=None, description="Companies only: line of business.")
    social_enterprise: bool | None = strawberry.field(default=None, description="Companies only.")
    ownership: Ownership | None = strawberry.field(default=None, description="Housing associations only.")
    synthetic: bool = strawberry.field(default=False, description="Mark as fictional test or demo data.")
    allow_duplicate_name: bool = strawberry.field(
        default=False,
        description="Create it even if a live actor already has the same name as people see it "
        "(e.g. `KITA Sonnenschein` vs `Kita Sonnenschein e.V.`).",
    )

    def command(self) -> commands.CreateActor:
        return commands.CreateActor(
            type=value(self.type),
            name=self.name,
            alternative_names=_tuple(self.alternative_names),
            description=self.description,
            address=self.address.value() if self.address else None,
            location=self.location.value() if self.location else None,
            website=self.website,
            action_fields=_tuple(self.action_fields),
            quarters=None if self.quarters is None else tuple(q.value() for q in self.quarters),
            tags=_tuple(self.tags),
            sources=_tuple(self.sources),
            institution_kind=_enum(self.institution_kind),
            legal_form=_enum(self.legal_form),
            sector=self.sector,
            social_enterprise=self.social_enterprise,
            ownership=_enum(self.ownership),
            synthetic=self.synthetic,
            allow_duplicate_name=self.allow_duplicate_name,
            client_mutation_id=self.client_mutation_id,
        )


@strawberry.input(description="Changes to an actor. Omitted fields stay; `null` clears a field.")
class UpdateActorInput(KeyedInput):
    id: strawberry.ID = strawberry.field(description="The actor's global id.")
    version: int = strawberry.field(description="The version you read; a stale one is refused.")
    name: str | None = strawberry.field(default=strawberry.UNSET, description="New name (cannot be cleared).")
    alternative_names: list[str] | None = strawberry.field(default=strawberry.UNSET, description="Other names.")
    description: str | None = strawberry.field(default=strawberry.UNSET, description="What the actor does.")
    address: AddressInput | None = strawberry.field(default=strawberry.UNSET, description="Postal address.")
    location: LocationInput | None = strawberry.field(default=strawberry.UNSET, description="Map location.")
    website: str | None = strawberry.field(default=strawberry.UNSET, description="Website URL.")
    action_fields: list[str] | None = strawberry.field(
        default=strawberry.UNSET, description="Action-field keys (replaces the list)."
    )
    tags: list[str] | None = strawberry.field(default=strawberry.UNSET, description="Tags (replaces the list).")
    sources: list[str] | None = strawberry.field(default=strawberry.UNSET, description="Sources (replaces the list).")
    institution_kind: InstitutionKind | None = strawberry.field(default=strawberry.UNSET, description="Institutions.")
    legal_form: LegalForm | None = strawberry.field(default=strawberry.UNSET, description="Initiatives.")
    sector: str | None = strawberry.field(default=strawberry.UNSET, description="Companies.")
    social_enterprise: bool | None = strawberry.field(default=strawberry.UNSET, description="Companies.")
    ownership: Ownership | None = strawberry.field(default=strawberry.UNSET, description="Housing associations.")
    allow_duplicate_name: bool = strawberry.field(
        default=False,
        description="Rename it even if another live actor already has the new name as people see it.",
    )

    def command(self) -> commands.UpdateActor:
        return commands.UpdateActor(
            id=self.id,
            version=self.version,
            name=_maybe(self.name),
            alternative_names=_maybe_tuple(self.alternative_names),
            description=_maybe(self.description),
            address=_maybe_as(self.address, AddressInput.value),
            location=_maybe_as(self.location, LocationInput.value),
            website=_maybe(self.website),
            action_fields=_maybe_tuple(self.action_fields),
            tags=_maybe_tuple(self.tags),
            sources=_maybe_tuple(self.sources),
            institution_kind=_maybe_as(self.institution_kind, value),
            legal_form=_maybe_as(self.legal_form, value),
            sector=_maybe(self.sector),
            social_enterprise=_maybe(self.social_enterprise),
            ownership=_maybe_as(self.ownership, value),
            allow_duplicate_name=self.allow_duplicate_name,
            client_mutation_id=self.client_mutation_id,
        )


@strawberry.input(description="Archive or restore an actor.")
class ActorStateInput(KeyedInput):
    id: strawberry.ID = strawberry.field(description="The actor's global id.")
    version: int | None = strawberry.field(default=None, description="If given, the version you read.")

    def command(self) -> commands.ActorState:
        return commands.ActorState(self.id, self.version, self.client_mutation_id)


@strawberry.input(description="Replace the quarters an actor is active in.")
class SetActorQuartersInput(KeyedInput):
    id: strawberry.ID = strawberry.field(description="The actor's global id.")
    quarters: list[QuarterMembershipInput] = strawberry.field(description="The complete new list.")
    version: int | None = strawberry.field(default=None, description="If given, the version you read.")

    def command(self) -> commands.SetActorQuarters:
        return commands.SetActorQuarters(
            self.id, tuple(q.value() for q in self.quarters), self.version, self.client_mutation_id
        )


@strawberry.input(description="Merge duplicates into one actor.")
class MergeActorsInput(KeyedInput):
    survivor_id: strawberry.ID = strawberry.field(description="The actor that remains.")
    duplicate_ids: list[strawberry.ID] = strawberry.field(description="The actors merged into it (1 to 10).")
    survivor_version: int | None = strawberry.field(default=None, description="If given, the survivor's version.")

    def command(self) -> commands.MergeActors:
        return commands.MergeActors(
            self.survivor_id, tuple(self.duplicate_ids), self.survivor_version, self.client_mutation_id
        )


@strawberry.input(description="A new cooperation between two actors.")
class AddCooperationInput(KeyedInput):
    actor_ids: list[strawberry.ID] = strawberry.field(description="The two actors (order does not matter).")
    kind: CooperationKind = strawberry.field(description="What the cooperation consists of.")
    action_fields: list[str] | None = strawberry.field(default=None, description="Action-field keys it serves.")
    since: dt.date | None = strawberry.field(default=None, description="Start (if known).")
    until: dt.date | None = strawberry.field(default=None, description="End, if it has ended (inclusive).")
    intensity: int | None = strawberry.field(default=None, description="1 loose, 2 regular, 3 close.")
    description: str | None = strawberry.field(default=None, description="What they do together.")
    source: str | None = strawberry.field(default=None, description="How we know (a meeting, a report, a URL).")
    synthetic: bool = strawberry.field(default=False, description="Mark as fictional test or demo data.")

    def command(self) -> commands.AddCooperation:
        return commands.AddCooperation(
            actor_ids=tuple(self.actor_ids),
            kind=value(self.kind),
            action_fields=_tuple(self.action_fields),
            since=self.since,
            until=self.until,
            intensity=self.intensity,
            description=self.description,
            source=self.source,
            synthetic=self.synthetic,
            client_mutation_id=self.client_mutation_id,
        )


@strawberry.input(description="Changes to a cooperation. Omitted fields stay; `null` clears a field.")
class UpdateCooperationInput(KeyedInput):
    id: strawberry.ID = strawberry.field(description="The cooperation's global id.")
    version: int = strawberry.field(description="The version you read; a stale one is refused.")
    kind: CooperationKind | None = strawberry.field(default=strawberry.UNSET, description="Kind (cannot be cleared).")
    action_fields: list[str] | None = strawberry.field(default=strawberry.UNSET, description="Action-field keys.")
    since: dt.date | None = strawberry.field(default=strawberry.UNSET, description="Start.")
    until: dt.date | None = strawberry.field(default=strawberry.UNSET, description="End (inclusive).")
    intensity: int | None = strawberry.field(default=strawberry.UNSET, description="1 to 3.")
    description: str | None = strawberry.field(default=strawberry.UNSET, description="What they do together.")
    source: str | None = strawberry.field(default=strawberry.UNSET, description="How we know.")

    def command(self) -> commands.UpdateCooperation:
        return commands.UpdateCooperation(
            id=self.id,
            version=self.version,
            kind=_maybe_as(self.kind, value),
            action_fields=_maybe_tuple(self.action_fields),
            since=_maybe(self.since),
            until=_maybe(self.until),
            intensity=_maybe(self.intensity),
            description=_maybe(self.description),
            source=_maybe(self.source),
            client_mutation_id=self.client_mutation_id,
        )


@strawberry.input(description="End a cooperation: it stays in the history with its `until` date.")
class EndCooperationInput(KeyedInput):
    id: strawberry.ID = strawberry.field(description="The cooperation's global id.")
    until: dt.date = strawberry.field(description="Last day of the cooperation.")
    version: int | None = strawberry.field(default=None, description="If given, the version you read.")

    def command(self) -> commands.EndCooperation:
        return commands.EndCooperation(self.id, self.until, self.version, self.client_mutation_id)


@strawberry.input(description="Delete a cooperation recorded by mistake (to end one, use `endCooperation`).")
class DeleteCooperationInput(KeyedInput):
    id: strawberry.ID = strawberry.field(description="The cooperation's global id.")

    def command(self) -> commands.DeleteCooperation:
        return commands.DeleteCooperation(self.id, self.client_mutation_id)


@strawberry.input(
    description="A contact person of an actor (personal data: visible to admins and the actor's managers)."
)
class AddContactPersonInput(KeyedInput):
    actor_id: strawberry.ID = strawberry.field(description="The actor the person speaks for.")
    name: str = strawberry.field(description="Full name.")
    function: str | None = strawberry.field(default=None, description="Function or role, e.g. `Kita-Leitung`.")
    email: str | None = strawberry.field(default=None, description="Email address.")
    phone: str | None = strawberry.field(default=None, description="Phone number.")

    def command(self) -> commands.AddContactPerson:
        return commands.AddContactPerson(
            self.actor_id, self.name, self.function, self.email, self.phone, self.client_mutation_id
        )


@strawberry.input(description="Changes to a contact person. Omitted fields stay; `null` clears a field.")
class UpdateContactPersonInput(KeyedInput):
    id: strawberry.ID = strawberry.field(description="The person's global id.")
    name: str | None = strawberry.field(default=strawberry.UNSET, description="Full name (cannot be cleared).")
    function: str | None = strawberry.field(default=strawberry.UNSET, description="Function or role.")
    email: str | None = strawberry.field(default=strawberry.UNSET, description="Email address.")
    phone: str | None = strawberry.field(default=strawberry.UNSET, description="Phone number.")

    def command(self) -> commands.UpdateContactPerson:
        return commands.UpdateContactPerson(
            self.id,
            _maybe(self.name),
            _maybe(self.function),
            _maybe(self.email),
            _maybe(self.phone),
            self.client_mutation_id,
        )


@strawberry.input(description="A contact person, by id.")
class PersonInput(KeyedInput):
    id: strawberry.ID = strawberry.field(description="The person's global id.")

    def command(self) -> commands.PersonRef:
        return commands.PersonRef(self.id, self.client_mutation_id)


@strawberry.input(description="A partner of a project and its role.")
class ProjectPartnerInput:
    actor_id: strawberry.ID = strawberry.field(description="The partner's global id.")
    role: PartnerRole = strawberry.field(default=PartnerRole.PARTNER, description="What it contributes.")

    def value(self) -> commands.ProjectPartner:
        return commands.ProjectPartner(self.actor_id, value(self.role))


def _partners(items: list[ProjectPartnerInput] | None) -> tuple[commands.ProjectPartner, ...] | None:
    return None if items is None else tuple(p.value() for p in items)


@strawberry.input(
    description="A new project. It starts as an idea (on `statusDate`); `advanceProject` moves it through the process."
)
class CreateProjectInput(KeyedInput):
    title: str = strawberry.field(description="Title, e.g. `Sprachcafé im Kiez`.")
    fund: Fund = strawberry.field(description="What pays for it.")
    quarters: list[str] = strawberry.field(
        description="Its quarters (slugs); several only for Netzwerkfonds projects or other programmes."
    )
    programme: str | None = strawberry.field(
        default=None, description="For `OTHER_PROGRAMME`: the programme's name (required then, refused otherwise)."
    )
    description: str | None = strawberry.field(default=None, description="What the project does.")
    amount_granted: Decimal | None = strawberry.field(
        default=None, description="Amount granted in euros, at most two decimals, not negative."
    )
    start: dt.date | None = strawberry.field(default=None, description="First day of its period.")
    end: dt.date | None = strawberry.field(default=None, description="Last day of its period.")
    action_fields: list[str] | None = strawberry.field(
        default=None, description="Action-field keys it serves (either IHEK generation)."
    )
    sponsor_id: strawberry.ID | None = strawberry.field(
        default=None, description="The sponsor (Projektträger), if already known; it must be in one of the quarters."
    )
    partners: list[ProjectPartnerInput] | None = strawberry.field(
        default=None, description="Partners with their roles; each must be in one of the quarters."
    )
    status_date: dt.date | None = strawberry.field(default=None, description="The day of the idea (default: today).")
    outcome: str | None = strawberry.field(default=None, description="Notes on what came of it.")
    source: str | None = strawberry.field(default=None, description="How we know (a report, a URL).")
    synthetic: bool = strawberry.field(default=False, description="Mark as fictional test or demo data.")

    def command(self) -> commands.CreateProject:
        return commands.CreateProject(
            title=self.title,
            fund=value(self.fund),
            quarters=tuple(self.quarters),
            programme=self.programme,
            description=self.description,
            amount=self.amount_granted,
            start=self.start,
            end=self.end,
            action_fields=_tuple(self.action_fields),
            sponsor_id=self.sponsor_id,
            partners=_partners(self.partners),
            status_date=self.status_date,
            outcome=self.outcome,
            source=self.source,
            synthetic=self.synthetic,
            client_mutation_id=self.client_mutation_id,
        )


@strawberry.input(description="Changes to a project. Omitted fields stay; `null` clears a field; lists are replaced.")
class UpdateProjectInput(KeyedInput):
    id: strawberry.ID = strawberry.field(description="The project's global id.")
    version: int = strawberry.field(description="The version you read; a stale one is refused.")
    title: str | None = strawberry.field(default=strawberry.UNSET, description="Title (cannot be cleared).")
    fund: Fund | None = strawberry.field(default=strawberry.UNSET, description="Fund (cannot be cleared).")
    programme: str | None = strawberry.field(default=strawberry.UNSET, description="Other programme's name.")
    description: str | None = strawberry.field(default=strawberry.UNSET, description="What the project does.")
    amount_granted: Decimal | None = strawberry.field(default=strawberry.UNSET, description="Euros granted.")
    start: dt.date | None = strawberry.field(default=strawberry.UNSET, description="First day of its period.")
    end: dt.date | None = strawberry.field(default=strawberry.UNSET, description="Last day of its period.")
    action_fields: list[str] | None = strawberry.field(default=strawberry.UNSET, description="Action-field keys.")
    quarters: list[str] | None = strawberry.field(
        default=strawberry.UNSET, description="Its quarters (a manager adds or removes only their own)."
    )
    sponsor_id: strawberry.ID | None = strawberry.field(default=strawberry.UNSET, description="The sponsor.")
    partners: list[ProjectPartnerInput] | None = strawberry.field(
        default=strawberry.UNSET, description="All partners (replaces the list)."
    )
    outcome: str | None = strawberry.field(default=strawberry.UNSET, description="Notes on what came of it.")
    source: str | None = strawberry.field(default=strawberry.UNSET, description="How we know.")

    def command(self) -> commands.UpdateProject:
        return commands.UpdateProject(
            id=self.id,
            version=self.version,
            title=_maybe(self.title),
            fund=_maybe_as(self.fund, value),
            programme=_maybe(self.programme),
            description=_maybe(self.description),
            amount=_maybe(self.amount_granted),
            start=_maybe(self.start),
            end=_maybe(self.end),
            action_fields=_maybe_tuple(self.action_fields),
            quarters=_maybe_tuple(self.quarters),
            sponsor_id=_maybe(self.sponsor_id),
            partners=_maybe_as(self.partners, lambda items: tuple(p.value() for p in items)),
            outcome=_maybe(self.outcome),
            source=_maybe(self.source),
            client_mutation_id=self.client_mutation_id,
        )


@strawberry.input(description="Move a project to its next status, on a day.")
class AdvanceProjectInput(KeyedInput):
    id: strawberry.ID = strawberry.field(description="The project's global id.")
    status: ProjectStatus = strawberry.field(description="The status it reaches.")
    date: dt.date = strawberry.field(description="The day it reached it (not before the previous step).")
    version: int | None = strawberry.field(default=None, description="If given, the version you read.")

    def command(self) -> commands.AdvanceProject:
        return commands.AdvanceProject(self.id, value(self.status), self.date, self.version, self.client_mutation_id)


@strawberry.input(
    description="Delete a project recorded by mistake: only an idea no council has decided on (to stop a "
    "project, withdraw it with `advanceProject`)."
)
class DeleteProjectInput(KeyedInput):
    id: strawberry.ID = strawberry.field(description="The project's global id.")
    version: int | None = strawberry.field(default=None, description="If given, the version you read.")

    def command(self) -> commands.DeleteProject:
        return commands.DeleteProject(self.id, self.version, self.client_mutation_id)


@strawberry.input(description="A council's vote on a project.")
class RecordCouncilDecisionInput(KeyedInput):
    project_id: strawberry.ID = strawberry.field(description="The project's global id.")
    quarter: str = strawberry.field(description="The quarter whose council voted (one of the project's).")
    date: dt.date = strawberry.field(description="The day of the vote.")
    body: CouncilBody = strawberry.field(default=CouncilBody.QUARTIERSRAT, description="Which council.")
    votes_for: int = strawberry.field(description="Votes in favour.")
    votes_against: int = strawberry.field(default=0, description="Votes against.")
    abstentions: int = strawberry.field(default=0, description="Abstentions.")
    recommendation: CouncilRecommendation = strawberry.field(description="What the council recommended.")
    note: str | None = strawberry.field(default=None, description="A remark, e.g. conditions attached.")
    synthetic: bool = strawberry.field(default=False, description="Mark as fictional test or demo data.")

    def command(self) -> commands.RecordCouncilDecision:
        return commands.RecordCouncilDecision(
            project_id=self.project_id,
            quarter=self.quarter,
            date=self.date,
            body=value(self.body),
            votes_for=self.votes_for,
            votes_against=self.votes_against,
            abstentions=self.abstentions,
            recommendation=value(self.recommendation),
            note=self.note,
            synthetic=self.synthetic,
            client_mutation_id=self.client_mutation_id,
        )


@strawberry.input(description="An organisation's seat on a quarter's council.")
class AddCouncilSeatInput(KeyedInput):
    actor_id: strawberry.ID = strawberry.field(description="The organisation (it must be in the quarter).")
    quarter: str = strawberry.field(description="The quarter's slug.")
    body: CouncilBody = strawberry.field(default=CouncilBody.QUARTIERSRAT, description="Which council.")
    since: dt.date | None = strawberry.field(default=None, description="Holds the seat since.")
    until: dt.date | None = strawberry.field(default=None, description="Holds it until (inclusive).")
    synthetic: bool = strawberry.field(default=False, description="Mark as fictional test or demo data.")

    def command(self) -> commands.AddCouncilSeat:
        return commands.AddCouncilSeat(
            self.actor_id,
            self.quarter,
            value(self.body),
            self.since,
            self.until,
            self.synthetic,
            self.client_mutation_id,
        )


@strawberry.input(description="End a council seat: it stays in the history with its `until` date.")
class EndCouncilSeatInput(KeyedInput):
    id: strawberry.ID = strawberry.field(description="The seat's global id.")
    until: dt.date = strawberry.field(description="Last day of the seat.")

    def command(self) -> commands.EndCouncilSeat:
        return commands.EndCouncilSeat(self.id, self.until, self.client_mutation_id)


@strawberry.input(description="A new API token.")
class CreateApiTokenInput:
    name: str = strawberry.field(description="Whose or what for, e.g. `QM Rollberg, laptop`.")
    role: TokenRole = strawberry.field(description="What the token may do.")
    quarters: list[str] | None = strawberry.field(default=None, description="Managers: the quarters they may write.")

    def command(self) -> commands.CreateApiToken:
        return commands.CreateApiToken(self.name, value(self.role), _tuple(self.quarters))


@strawberry.input(description="An API token, by id.")
class RevokeApiTokenInput:
    id: str = strawberry.field(description="The token's id (the part after `kg_`).")

    def command(self) -> commands.RevokeApiToken:
        return commands.RevokeApiToken(self.id)


@strawberry.input(
    description="Set a quarter's status and end date, and name the successor that carries its network on."
)
class SetQuarterStatusInput:
    quarter: str = strawberry.field(description="The quarter's slug, e.g. `rollberg`.")
    status: QuarterStatus = strawberry.field(
        description="ACTIVE or ENDED. An ended quarter is read-only for everyone but admins."
    )
    end_date: dt.date | None = strawberry.field(
        default=None,
        description="Last day of QM in the area: required for ENDED (today or earlier); for ACTIVE the planned end "
        "(managers keep their rights until that day has passed).",
    )
    successor_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET,
        description="The actor that carries the network on (a neighbourhood centre, the district's social-space "
        "coordination, a housing association's social management); null removes it, omitted keeps it.",
    )
    client_mutation_id: str | None = strawberry.field(
        default=None, description="Idempotency key: a retry with the same key and input applies the change once."
    )

    def command(self) -> commands.SetQuarterStatus:
        return commands.SetQuarterStatus(
            quarter=self.quarter,
            status=value(self.status),
            end_date=self.end_date,
            successor_id=_maybe_as(self.successor_id, str),
            client_mutation_id=self.client_mutation_id,
        )


@strawberry.input(description="Share or transfer a quarter's manager rights with the people of its successor.")
class HandOverQuarterInput:
    quarter: str = strawberry.field(description="The quarter's slug; it must have a successor (setQuarterStatus).")
    mode: HandoverMode = strawberry.field(description="Share the rights, or transfer them.")
    person_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list,
        description="Contact persons of the successor who get a manager token each; none: one token for the successor.",
    )

    def command(self) -> commands.HandOverQuarter:
        return commands.HandOverQuarter(
            quarter=self.quarter, mode=value(self.mode), person_ids=tuple(str(i) for i in self.person_ids)
        )
