"""What a row merged into an existing actor adds to it, and where the two disagree.

A row decided "merge into X" (or found as X) may know more than kiezgraph does: a quarter X is
not yet a member of, action fields and tags X lacks, a website or an address where X has none.
:func:`annotate` works that out for every merge target of a plan against X's current state
(:class:`ActorState`, read by graph/): the additions (:class:`Additions`, which the apply writes)
and, per row and field, a finding — ``MERGE_ADDS`` for what is added, ``MERGE_CONFLICT`` where the
file says something else than kiezgraph. A conflict never overwrites: the existing value stays
and the reviewer decides by hand. Several rows merged into the same actor (a duplicate in the
file merged into a row that is X) add in file order, each seeing what the ones before it add.

Pure: no database, no GraphQL. Re-importing a file whose additions were applied finds nothing to
add, so a second apply writes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from exchange.messages import Code, Issue, Severity, issue
from exchange.model import Membership, RowKey, SheetActor


@dataclass(frozen=True, slots=True)
class ActorState:
    """An existing actor as far as a merge compares with it."""

    id: str
    name: str
    website: str | None = None
    street: str | None = None
    postal_code: str | None = None
    city: str | None = None
    located: bool = False
    tags: tuple[str, ...] = ()
    action_fields: tuple[str, ...] = ()
    memberships: tuple[Membership, ...] = ()  # every role; quarter slugs


@dataclass(frozen=True, slots=True)
class Additions:
    """What the apply adds to one existing actor (empty fields: nothing)."""

    actor_id: str
    rows: tuple[RowKey, ...]
    website: str | None = None
    address: tuple[str | None, str | None, str | None] | None = None  # street, postal code, city
    location: tuple[float, float] | None = None
    tags: tuple[str, ...] = ()
    action_fields: tuple[str, ...] = ()
    memberships: tuple[Membership, ...] = ()

    @property
    def empty(self) -> bool:
        return not (
            self.website or self.address or self.location or self.tags or self.action_fields or self.memberships
        )


@dataclass(frozen=True, slots=True)
class Merges:
    """Per merge target what is added, and per row what it finds (additions and conflicts)."""

    additions: tuple[Additions, ...] = ()
    findings: Mapping[RowKey, tuple[Issue, ...]] = field(default_factory=dict)

    def of(self, key: RowKey) -> tuple[Issue, ...]:
        return self.findings.get(key, ())

    @property
    def conflicts(self) -> int:
        return sum(1 for found in self.findings.values() for i in found if i.code is Code.MERGE_CONFLICT)


def _folded(value: str | None) -> str:
    return " ".join((value or "").split()).casefold()


def _site(value: str | None) -> str:
    """A web address as people mean it: scheme, ``www.`` and a trailing slash do not matter."""
    v = _folded(value)
    for prefix in ("https://", "http://"):
        v = v.removeprefix(prefix)
    return v.removeprefix("www.").rstrip("/")


def _date(d: dt.date | None) -> str:
    return d.isoformat() if d else "…"


def _period(m: Membership) -> str:
    return f"{m.quarter} ({_date(m.since)} – {_date(m.until)})"


@dataclass
class _Merge:
    """One target's state as the rows merged into it change it, and what they add."""

    state: ActorState
    rows: list[RowKey] = field(default_factory=list)
    website: str | None = None
    address: tuple[str | None, str | None, str | None] | None = None
    location: tuple[float, float] | None = None
    tags: list[str] = field(default_factory=list)
    action_fields: list[str] = field(default_factory=list)
    memberships: list[Membership] = field(default_factory=list)

    def additions(self) -> Additions:
        return Additions(
            self.state.id,
            tuple(self.rows),
            self.website,
            self.address,
            self.location,
            tuple(self.tags),
            tuple(self.action_fields),
            tuple(self.memberships),
        )

    def take(self, key: RowKey, row: SheetActor) -> list[Issue]:
        """Compare one row with the target (as earlier rows left it); what it adds and where it differs."""
        self.rows.append(key)
        found: list[Issue] = []
        s = self.state

        def note(code: Code, field_key: str, value: str, existing: str | None = None) -> None:
            severity = Severity.WARNING if code is Code.MERGE_CONFLICT else Severity.NOTICE
            found.append(
                issue(
                    code,
                    severity,
                    sheet=key.sheet,
                    row=key.row,
                    actor=s.name,
                    field_key=field_key,
                    value=value,
                    existing=existing or "",
                )
            )

        website = self.website or s.website
        if row.website and not website:
            self.website = row.website.strip()
            note(Code.MERGE_ADDS, "field_website", self.website)
        elif row.website and _site(row.website) != _site(website):
            note(Code.MERGE_CONFLICT, "field_website", row.website, website or "")
        self._address(row, note)
        if row.location and not s.located and self.location is None:
            self.location = row.location
            note(Code.MERGE_ADDS, "field_location", f"{row.location[0]}, {row.location[1]}")
        tags = [t for t in dict.fromkeys(row.tags) if t not in s.tags and t not in self.tags]
        if tags:
            self.tags += tags
            note(Code.MERGE_ADDS, "field_tags", ", ".join(tags))
        fields = [
            f for f in dict.fromkeys(row.action_fields) if f not in s.action_fields and f not in self.action_fields
        ]
        if fields:
            self.action_fields += fields
            note(Code.MERGE_ADDS, "field_action_fields", ", ".join(fields))
        for m in row.memberships:
            held = [h for h in (*s.memberships, *self.memberships) if h.quarter == m.quarter]
            if not held:
                self.memberships.append(m)
                note(Code.MERGE_ADDS, "field_quarter", _period(m))
            elif not any((h.since, h.until) == (m.since, m.until) for h in held):
                note(Code.MERGE_CONFLICT, "field_membership", _period(m), "; ".join(_period(h) for h in held))
        return found

    def _address(self, row: SheetActor, note: Callable[..., None]) -> None:
        given = (row.street, row.postal_code, row.city)
        if not any(given):
            return
        s = self.state
        have = self.address or (s.street, s.postal_code, s.city)
        if not any(have):
            self.address = given
            note(Code.MERGE_ADDS, "field_address", _address_text(given))
        elif any(g and h and _folded(g) != _folded(h) for g, h in zip(given, have, strict=True)):
            note(Code.MERGE_CONFLICT, "field_address", _address_text(given), _address_text(have))


def _address_text(parts: Sequence[str | None]) -> str:
    street, postal_code, city = parts
    place = " ".join(p for p in (postal_code, city) if p)
    return ", ".join(p for p in (street, place) if p)


def annotate(targets: Sequence[tuple[RowKey, SheetActor, str]], states: Mapping[str, ActorState]) -> Merges:
    """Additions and findings for rows merged into existing actors: ``targets`` are (row, what it
    says, the actor it goes into) in file order; an actor missing from ``states`` (gone, or a
    decision naming no live actor, which the apply refuses) gets nothing."""
    merges: dict[str, _Merge] = {}
    findings: dict[RowKey, list[Issue]] = defaultdict(list)
    for key, row, actor_id in targets:
        state = states.get(actor_id)
        if state is None:
            continue
        merge = merges.setdefault(actor_id, _Merge(state))
        findings[key] += merge.take(key, row)
    additions = tuple(a for m in merges.values() if not (a := m.additions()).empty)
    return Merges(additions, {k: tuple(v) for k, v in findings.items() if v})
