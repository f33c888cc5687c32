"""What each mutation is asked to do, as plain values: the GraphQL edge converts its inputs into
these (``schema/mutation_inputs.py``, ``.command()``), so resolvers never see a GraphQL type.

Enumerations arrive as the strings Neo4j stores (``"Institution"``, ``"project_partnership"``).
In updates a field the client did not send is :data:`UNSET` (it stays as it is); ``None`` clears
it. Field names are those of the inputs: the idempotency fingerprint (resolvers/writes.py) is
computed from them, so a key stored before a deployment still matches its retry after it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from typing import Final, Literal, TypeAlias, TypeGuard, TypeVar

T = TypeVar("T")


class Unset(Enum):
    """The type of :data:`UNSET`: a field of an update the client did not send."""

    UNSET = "UNSET"


UNSET: Final = Unset.UNSET
Maybe: TypeAlias = T | Literal[Unset.UNSET]


def given(value: T | Literal[Unset.UNSET]) -> TypeGuard[T]:
    """Whether an update field was sent at all (``null`` counts: it clears the field)."""
    return value is not UNSET


@dataclass(frozen=True)
class Address:
    street: str | None = None
    postal_code: str | None = None
    city: str | None = None


@dataclass(frozen=True)
class Location:
    latitude: float
    longitude: float


@dataclass(frozen=True)
class QuarterMembership:
    quarter: str  # a slug, as the client wrote it
    role: str = "member"
    since: dt.date | None = None
    until: dt.date | None = None
    flats: int | None = None
    note: str | None = None
    sources: tuple[str, ...] | None = None


@dataclass(frozen=True)
class CreateActor:
    type: str
    name: str
    alternative_names: tuple[str, ...] | None = None
    description: str | None = None
    address: Address | None = None
    location: Location | None = None
    website: str | None = None
    action_fields: tuple[str, ...] | None = None
    quarters: tuple[QuarterMembership, ...] | None = None
    tags: tuple[str, ...] | None = None
    sources: tuple[str, ...] | None = None
    institution_kind: str | None = None
    legal_form: str | None = None
    sector: str | None = None
    social_enterprise: bool | None = None
    ownership: str | None = None
    synthetic: bool = False
    allow_duplicate_name: bool = False
    client_mutation_id: str | None = None


@dataclass(frozen=True)
class UpdateActor:
    id: str
    version: int
    name: Maybe[str | None] = UNSET
    alternative_names: Maybe[tuple[str, ...] | None] = UNSET
    description: Maybe[str | None] = UNSET
    address: Maybe[Address | None] = UNSET
    location: Maybe[Location | None] = UNSET
    website: Maybe[str | None] = UNSET
    action_fields: Maybe[tuple[str, ...] | None] = UNSET
    tags: Maybe[tuple[str, ...] | None] = UNSET
    sources: Maybe[tuple[str, ...] | None] = UNSET
    institution_kind: Maybe[str | None] = UNSET
    legal_form: Maybe[str | None] = UNSET
    sector: Maybe[str | None] = UNSET
    social_enterprise: Maybe[bool | None] = UNSET
    ownership: Maybe[str | None] = UNSET
    allow_duplicate_name: bool = False
    client_mutation_id: str | None = None


@dataclass(frozen=True)
class ActorState:
    """Archive or restore."""

    id: str
    version: int | None = None
    client_mutation_id: str | None = None


@dataclass(frozen=True)
class SetActorQuarters:
    id: str
    quarters: tuple[QuarterMembership, ...]
    version: int | None = None
    client_mutation_id: str | None = None


@dataclass(frozen=True)
class MergeActors:
    survivor_id: str
    duplicate_ids: tuple[str, ...]
    survivor_version: int | None = None
    client_mutation_id: str | None = None


@dataclass(frozen=True)
class AddCooperation:
    actor_ids: tuple[str, ...]
    kind: str
    action_fields: tuple[str, ...] | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    intensity: int | None = None
    description: str | None = None
    source: str | None = None
    synthetic: bool = False
    client_mutation_id: str | None = None


@dataclass(frozen=True)
class UpdateCooperation:
    id: str
    version: int
    kind: Maybe[str | None] = UNSET
    action_fields: Maybe[tuple[str, ...] | None] = UNSET
    since: Maybe[dt.date | None] = UNSET
    until: Maybe[dt.date | None] = UNSET
    intensity: Maybe[int | None] = UNSET
    description: Maybe[str | None] = UNSET
    source: Maybe[str | None] = UNSET
    client_mutation_id: str | None = None


@dataclass(frozen=True)
class EndCooperation:
    id: str
    until: dt.date
    version: int | None = None
    client_mutation_id: str | None = None


@dataclass(frozen=True)
class DeleteCooperation:
    id: str
    client_mutation_id: str | None = None


@dataclass(frozen=True)
class ProjectPartner:
    actor_id: str
    role: str = "partner"


@dataclass(frozen=True)
class CreateProject:
    title: str
    fund: str
    quarters: tuple[str, ...]
    programme: str | None = None
    description: str | None = None
    amount: Decimal | None = None  # euros
    start: dt.date | None = None
    end: dt.date | None = None
    action_fields: tuple[str, ...] | None = None
    sponsor_id: str | None = None
    partners: tuple[ProjectPartner, ...] | None = None
    status: str = "idea"
    status_date: dt.date | None = None  # default: today
    outcome: str | None = None
    source: str | None = None
    synthetic: bool = False
    client_mutation_id: str | None = None


@dataclass(frozen=True)
class UpdateProject:
    id: str
    version: int
    title: Maybe[str | None] = UNSET
    fund: Maybe[str | None] = UNSET
    programme: Maybe[str | None] = UNSET
    description: Maybe[str | None] = UNSET
    amount: Maybe[Decimal | None] = UNSET
    start: Maybe[dt.date | None] = UNSET
    end: Maybe[dt.date | None] = UNSET
    action_fields: Maybe[tuple[str, ...] | None] = UNSET
    quarters: Maybe[tuple[str, ...] | None] = UNSET
    sponsor_id: Maybe[str | None] = UNSET
    partners: Maybe[tuple[ProjectPartner, ...] | None] = UNSET
    outcome: Maybe[str | None] = UNSET
    source: Maybe[str | None] = UNSET
    client_mutation_id: str | None = None


@dataclass(frozen=True)
class AdvanceProject:
    id: str
    status: str
    date: dt.date
    version: int | None = None
    client_mutation_id: str | None = None


@dataclass(frozen=True)
class DeleteProject:
    id: str
    version: int | None = None
    client_mutation_id: str | None = None


@dataclass(frozen=True)
class RecordCouncilDecision:
    project_id: str
    quarter: str
    date: dt.date
    body: str
    votes_for: int
    votes_against: int
    abstentions: int
    recommendation: str
    note: str | None = None
    synthetic: bool = False
    client_mutation_id: str | None = None


@dataclass(frozen=True)
class AddCouncilSeat:
    actor_id: str
    quarter: str
    body: str = "quartiersrat"
    since: dt.date | None = None
    until: dt.date | None = None
    synthetic: bool = False
    client_mutation_id: str | None = None


@dataclass(frozen=True)
class EndCouncilSeat:
    id: str
    until: dt.date
    client_mutation_id: str | None = None


@dataclass(frozen=True)
class AddContactPerson:
    actor_id: str
    name: str
    function: str | None = None
    email: str | None = None
    phone: str | None = None
    client_mutation_id: str | None = None


@dataclass(frozen=True)
class UpdateContactPerson:
    id: str
    name: Maybe[str | None] = UNSET
    function: Maybe[str | None] = UNSET
    email: Maybe[str | None] = UNSET
    phone: Maybe[str | None] = UNSET
    client_mutation_id: str | None = None


@dataclass(frozen=True)
class PersonRef:
    """A contact person, by id (remove, erase)."""

    id: str
    client_mutation_id: str | None = None


@dataclass(frozen=True)
class CreateApiToken:
    name: str
    role: str
    quarters: tuple[str, ...] | None = None


@dataclass(frozen=True)
class RevokeApiToken:
    id: str


@dataclass(frozen=True)
class SetQuarterStatus:
    quarter: str  # a slug
    status: str  # active | ended
    end_date: dt.date | None = None
    successor_id: Maybe[str | None] = UNSET  # a global Actor id; None removes the successor
    client_mutation_id: str | None = None


@dataclass(frozen=True)
class HandOverQuarter:
    quarter: str  # a slug
    mode: str  # share | transfer
    person_ids: tuple[str, ...] = ()  # global Person ids of the successor's contact persons
