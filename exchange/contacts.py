"""Which contact persons of a sheet's rows an import adds, and what it tells the reviewer per row.

A row's contact person columns ("Ansprechperson", "Funktion", "E-Mail", "Telefon") become contact
persons of the actor the row becomes or is merged into, with the semantics of
``addContactPerson``: the same checks (a person the mutation would refuse is left out, with a note
saying why), the same right (who may not add contact persons to that actor gets the row's persons
left out with one note that shows none of their data; the rest of the row is imported).

A person is added only if the actor has no contact person with the same folded name or e-mail
address (nor does an earlier row of the file add one). A person found that way is never changed:
where the file says something else (another e-mail address, phone number or function), the plan
shows a conflict, and the existing value stays.

Pure: the caller (resolvers/imports.py) gives the existing persons, the right and the checks.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from exchange.messages import Code, Issue, Severity, issue
from exchange.model import Contact, RowKey, SheetActor

_FIELDS = ("name", "function", "email", "phone")


@dataclass(frozen=True, slots=True)
class Target:
    """Where a row's persons go: an existing actor (``actor_id``) or the row that creates one."""

    key: RowKey  # the row the persons come from
    actor: SheetActor
    actor_id: str | None = None  # an existing actor
    created_by: RowKey | None = None  # the row whose new actor it is (itself, or the row it is merged into)
    label: str = ""  # the actor's name, for messages

    @property
    def ident(self) -> str:
        return self.actor_id if self.actor_id is not None else f"row:{self.created_by}"


@dataclass(frozen=True, slots=True)
class PlannedPerson:
    """A contact person the apply creates: the n-th person of a row, for an actor."""

    key: RowKey
    index: int
    contact: Contact
    actor_id: str | None  # an existing actor; None: the new actor of ``created_by``
    created_by: RowKey | None


@dataclass(frozen=True, slots=True)
class ContactPlan:
    persons: tuple[PlannedPerson, ...] = ()
    findings: Mapping[RowKey, tuple[Issue, ...]] = field(default_factory=dict)

    def of(self, key: RowKey) -> tuple[Issue, ...]:
        return self.findings.get(key, ())

    def adding(self, key: RowKey) -> tuple[PlannedPerson, ...]:
        return tuple(p for p in self.persons if p.key == key)

    def count(self, code: Code) -> int:
        return sum(1 for found in self.findings.values() for i in found if i.code is code)


def folded(value: str | None) -> str:
    return " ".join((value or "").split()).casefold()


def describe(c: Contact) -> str:
    """``Erika Beispiel (Leitung), leitung@…, 030 …`` for the plan's notes."""
    head = c.name or ""
    if c.function:
        head = f"{head} ({c.function})" if head else c.function
    return ", ".join(p for p in (head, c.email, c.phone) if p)


def _same(a: Contact, b: Contact) -> bool:
    return bool(
        (a.name and b.name and folded(a.name) == folded(b.name))
        or (a.email and b.email and folded(a.email) == folded(b.email))
    )


def plan_contacts(
    targets: Sequence[Target],
    existing: Mapping[str, Sequence[Contact]],
    *,
    allowed: Callable[[Target], bool],
    problem: Callable[[Contact], str | None],
) -> ContactPlan:
    """Persons to add and per-row notes, for ``targets`` in file order. ``existing``: the persons
    each existing actor has; ``allowed``: whether the importer may add persons to a target's actor;
    ``problem``: why ``addContactPerson`` would refuse a person (a phrase key), or None."""
    persons: list[PlannedPerson] = []
    findings: dict[RowKey, list[Issue]] = defaultdict(list)
    known: dict[str, list[Contact]] = {}
    for t in targets:
        contacts = t.actor.contacts
        if not contacts:
            continue
        where: dict[str, Any] = {"sheet": t.key.sheet, "row": t.key.row}
        if not allowed(t):
            # No names, no addresses: who may not add them may not be shown what kiezgraph has either.
            findings[t.key].append(
                issue(Code.CONTACT_NOT_ALLOWED, Severity.WARNING, **where, count=len(contacts), actor=t.label)
            )
            continue
        have = known.setdefault(t.ident, list(existing.get(t.actor_id or "", ())))
        for n, c in enumerate(contacts):
            reason = problem(c)
            if reason is not None:
                findings[t.key].append(
                    issue(Code.CONTACT_INVALID, Severity.WARNING, **where, number=n + 1, reason_key=reason)
                )
                continue
            match = next((h for h in have if _same(h, c)), None)
            if match is None:
                have.append(c)
                persons.append(PlannedPerson(t.key, n, c, t.actor_id, t.created_by))
                findings[t.key].append(issue(Code.CONTACT_ADDS, Severity.NOTICE, **where, person=describe(c)))
                continue
            for f in _FIELDS:
                mine, theirs = getattr(c, f), getattr(match, f)
                if mine and folded(mine) != folded(theirs):
                    findings[t.key].append(
                        issue(
                            Code.CONTACT_CONFLICT,
                            Severity.WARNING,
                            **where,
                            field_key=f"field_contact_{f}",
                            person=match.name or match.email or "",
                            value=mine,
                            existing=theirs or "",
                        )
                    )
    return ContactPlan(tuple(persons), {k: tuple(v) for k, v in findings.items()})
