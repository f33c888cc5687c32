"""What a sheet says, as plain frozen records: actors, their memberships and contact persons, cooperations.

The reader produces these from rows; the XLSX writer writes them; so a written file read back
gives equal records (the round trip the tests check). Values are those the data model stores
(type ``Institution``, kind ``project_partnership``, action-field keys, quarter slugs), already
checked as far as that needs no database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from exchange.messages import Issue


@dataclass(frozen=True, order=True, slots=True)
class RowKey:
    """Where a record comes from: the sheet and the row number Excel shows."""

    sheet: str
    row: int

    def __str__(self) -> str:
        return f"{self.sheet}!{self.row}"


@dataclass(frozen=True, slots=True)
class Membership:
    quarter: str  # slug
    since: dt.date | None = None
    until: dt.date | None = None


@dataclass(frozen=True, slots=True)
class Contact:
    """A contact person (personal data: only imported for those who may see it; never exported)."""

    name: str | None = None
    function: str | None = None
    email: str | None = None
    phone: str | None = None


@dataclass(frozen=True, slots=True)
class SheetActor:
    name: str
    type: str | None  # None only on rows with an error
    ref: str | None = None  # the row's ID column: a kiezgraph id or the office's own number
    institution_kind: str | None = None
    legal_form: str | None = None
    ownership: str | None = None
    sector: str | None = None
    social_enterprise: bool | None = None
    operator: str | None = None  # "Träger": who runs it, as written
    alt_names: tuple[str, ...] = ()
    street: str | None = None
    postal_code: str | None = None
    city: str | None = None
    location: tuple[float, float] | None = None  # (latitude, longitude)
    website: str | None = None
    action_fields: tuple[str, ...] = ()
    memberships: tuple[Membership, ...] = ()
    tags: tuple[str, ...] = ()
    description: str | None = None
    contacts: tuple[Contact, ...] = ()
    synthetic: bool = False


@dataclass(frozen=True, slots=True)
class ActorRef:
    """One end of a cooperation as the sheet names it: by id, by name, or both."""

    name: str | None = None
    id: str | None = None

    def __str__(self) -> str:
        return self.name or self.id or ""


@dataclass(frozen=True, slots=True)
class SheetCooperation:
    a: ActorRef
    b: ActorRef
    kind: str = "other"
    since: dt.date | None = None
    until: dt.date | None = None
    action_fields: tuple[str, ...] = ()
    intensity: int | None = None
    note: str | None = None
    ref: str | None = None
    synthetic: bool = False


@dataclass(frozen=True, slots=True)
class ActorRow:
    """An actors-sheet row: the actor it describes (if it could be read) and what was found."""

    key: RowKey
    actor: SheetActor | None
    issues: tuple[Issue, ...] = ()
    name_column: int | None = None  # for messages that point at the name

    @property
    def ok(self) -> bool:
        """Whether the row can be imported: an actor with a name and a type, and no errors."""
        return self.actor is not None and self.actor.type is not None and not any(i.is_error for i in self.issues)


@dataclass(frozen=True, slots=True)
class CooperationRow:
    """A cooperation from a cooperations sheet, or from an actors sheet's "Partner" column."""

    key: RowKey
    cooperation: SheetCooperation | None
    issues: tuple[Issue, ...] = ()
    columns: tuple[int | None, int | None] = (None, None)  # where the two ends stand, for messages
    headers: tuple[str | None, str | None] = (None, None)
    from_partners: bool = False

    @property
    def ok(self) -> bool:
        return self.cooperation is not None and not any(i.is_error for i in self.issues)


@dataclass(frozen=True, slots=True)
class SheetReport:
    """What the reader made of a sheet."""

    name: str
    kind: str  # a headers.SheetKind value
    header_rows: tuple[int, ...]
    columns: tuple[tuple[str, str, str | None], ...]  # (letter, header, field or None)
    rows: int  # data rows read (empty rows not counted)


@dataclass(frozen=True, slots=True)
class ParsedFile:
    """Everything read from a file, before it is compared with the database."""

    actors: tuple[ActorRow, ...]
    cooperations: tuple[CooperationRow, ...]
    sheets: tuple[SheetReport, ...]
    issues: tuple[Issue, ...]  # about the file and its sheets (not about a row)
