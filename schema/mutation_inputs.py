"""Inputs of the mutations. In updates, an omitted field stays as it is and `null` clears it."""

from __future__ import annotations

import datetime as dt

import strawberry

from schema.enums import (
    ActorType,
    CooperationKind,
    InstitutionKind,
    LegalForm,
    MembershipRole,
    Ownership,
    TokenRole,
)


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


@strawberry.input(description="A point on the map (WGS 84).")
class LocationInput:
    latitude: float = strawberry.field(description="Latitude in degrees, -90 to 90.")
    longitude: float = strawberry.field(description="Longitude in degrees, -180 to 180.")


@strawberry.input(description="An actor's activity in a quarter.")
class QuarterMembershipInput:
    quarter: str = strawberry.field(description="The quarter's slug, e.g. `rollberg`.")
    since: dt.date | None = strawberry.field(default=None, description="Active in the quarter since.")
    until: dt.date | None = strawberry.field(default=None, description="Active in the quarter until (inclusive).")
    role: MembershipRole = strawberry.field(default=MembershipRole.MEMBER, description="The actor's role there.")
    flats: int | None = strawberry.field(default=None, description="Housing associations: flats owned there.")
    note: str | None = strawberry.field(default=None, description="A remark on this membership.")
    sources: list[str] | None = strawberry.field(default=None, description="How we know (URLs or references).")


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


@strawberry.input(description="Archive or restore an actor.")
class ActorStateInput(KeyedInput):
    id: strawberry.ID = strawberry.field(description="The actor's global id.")
    version: int | None = strawberry.field(default=None, description="If given, the version you read.")


@strawberry.input(description="Replace the quarters an actor is active in.")
class SetActorQuartersInput(KeyedInput):
    id: strawberry.ID = strawberry.field(description="The actor's global id.")
    quarters: list[QuarterMembershipInput] = strawberry.field(description="The complete new list.")
    version: int | None = strawberry.field(default=None, description="If given, the version you read.")


@strawberry.input(description="Merge duplicates into one actor.")
class MergeActorsInput(KeyedInput):
    survivor_id: strawberry.ID = strawberry.field(description="The actor that remains.")
    duplicate_ids: list[strawberry.ID] = strawberry.field(description="The actors merged into it (1 to 10).")
    survivor_version: int | None = strawberry.field(default=None, description="If given, the survivor's version.")


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


@strawberry.input(description="End a cooperation: it stays in the history with its `until` date.")
class EndCooperationInput(KeyedInput):
    id: strawberry.ID = strawberry.field(description="The cooperation's global id.")
    until: dt.date = strawberry.field(description="Last day of the cooperation.")
    version: int | None = strawberry.field(default=None, description="If given, the version you read.")


@strawberry.input(description="Delete a cooperation recorded by mistake (to end one, use `endCooperation`).")
class DeleteCooperationInput(KeyedInput):
    id: strawberry.ID = strawberry.field(description="The cooperation's global id.")


@strawberry.input(
    description="A contact person of an actor (personal data: visible to admins and the actor's managers)."
)
class AddContactPersonInput(KeyedInput):
    actor_id: strawberry.ID = strawberry.field(description="The actor the person speaks for.")
    name: str = strawberry.field(description="Full name.")
    function: str | None = strawberry.field(default=None, description="Function or role, e.g. `Kita-Leitung`.")
    email: str | None = strawberry.field(default=None, description="Email address.")
    phone: str | None = strawberry.field(default=None, description="Phone number.")


@strawberry.input(description="Changes to a contact person. Omitted fields stay; `null` clears a field.")
class UpdateContactPersonInput(KeyedInput):
    id: strawberry.ID = strawberry.field(description="The person's global id.")
    name: str | None = strawberry.field(default=strawberry.UNSET, description="Full name (cannot be cleared).")
    function: str | None = strawberry.field(default=strawberry.UNSET, description="Function or role.")
    email: str | None = strawberry.field(default=strawberry.UNSET, description="Email address.")
    phone: str | None = strawberry.field(default=strawberry.UNSET, description="Phone number.")


@strawberry.input(description="A contact person, by id.")
class PersonInput(KeyedInput):
    id: strawberry.ID = strawberry.field(description="The person's global id.")


@strawberry.input(description="A new API token.")
class CreateApiTokenInput:
    name: str = strawberry.field(description="Whose or what for, e.g. `QM Rollberg, laptop`.")
    role: TokenRole = strawberry.field(description="What the token may do.")
    quarters: list[str] | None = strawberry.field(default=None, description="Managers: the quarters they may write.")


@strawberry.input(description="An API token, by id.")
class RevokeApiTokenInput:
    id: str = strawberry.field(description="The token's id (the part after `kg_`).")
