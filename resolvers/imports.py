"""Importing a partner list: the plan against what kiezgraph has, and applying a reviewed plan.

:func:`plan` reads the file (``exchange.reading``), asks graph/ for the actors its rows may be
(same folded name, an id the sheet holds, a membership in one of its quarters) and the
cooperations among them, and builds the plan (``exchange.plan``). Nothing is written.

:func:`apply` builds the plan again against the database as it is now, takes the reviewer's
decisions (``exchange.plan.review``), and writes it (in one transaction, or in resumable batches
when long): the same validation as the mutations (names, web addresses, coordinates, periods,
texts), the same rules (a manager places new actors in their own active quarters only —
``createActor``'s rule — and records a cooperation only where one of its two actors is theirs —
``addCooperation``'s rule), one audit record per actor and cooperation created, and a revision
bump. Everything is checked before the first write, and any refusal writes nothing. A list of up
to :data:`graph.imports.BATCH` rows is written in one transaction (all or nothing); a longer one
in transactions of that many rows (one transaction for 60,000 rows exceeds Neo4j's transaction
memory), resumable: see :func:`_in_batches`.

Idempotent in two ways. The import key (a digest of the file, the options and the decisions,
or one the client chooses) is recorded with the result: applying the same import again answers
with that result and writes nothing. And a re-import of the same sheet under another key finds
its actors by name and its cooperations as existing, so it creates nothing twice either.

A row merged into an existing actor adds what it brings and the actor lacks (``exchange.merging``:
memberships, action fields, tags, a website, an address or coordinates where it has none) under
``updateActor``'s and ``setActorQuarters``' rules, with an ``update`` audit record; a value that
differs from the actor's is shown in the plan as a conflict and never overwritten (changing it
stays with ``updateActor``). Its cooperations from the file are added as well.
"""

from __future__ import annotations

import asyncio
import contextvars
import datetime as dt
import hashlib
import io
import json
import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, BinaryIO, Final

from core import access as rules
from core.access import Principal
from core.context import Context
from core.messages import Message, Text, localized, verbatim
from exchange.contacts import Target, plan_contacts
from exchange.mapping import Options
from exchange.matching import ExistingActor, ExistingCooperation
from exchange.merging import ActorState, Additions
from exchange.messages import Issue
from exchange.model import Contact, Membership, ParsedFile, RowKey, SheetActor
from exchange.plan import (
    ActorStep,
    CooperationOutcome,
    Decision,
    DecisionKind,
    End,
    ImportPlan,
    InvalidDecision,
    build,
    contact_targets,
    merge_targets,
    review,
    with_contacts,
    with_merges,
)
from exchange.reading import read
from exchange.sources import ReadError
from exchange.vocabulary import Vocabulary
from graph import actors, audit, imports, persons, quarters, revision, tokens
from graph.actors import ActorRecord, Address, Names, NewActor, NewMembership, QuarterTie, TypeFields
from graph.cooperations import NewCooperation
from graph.db import Database, Transaction
from graph.ids import derived_id, new_id
from graph.names import name_key
from graph.quarters import QuarterRecord
from resolvers import ids, texts
from resolvers.access import (
    actor_write_error,
    cooperation_write_error,
    memberships_change_error,
    placement_error,
    role_error,
)
from resolvers.outcomes import Outcome, Refusal, RefusalCode, invalid
from resolvers.people import contact_errors
from resolvers.validation import MAX_TEXT, clean_text, coordinates, intensity, name, period, strings, text, url
from resolvers.writes import run

Progress = Callable[[str, int, int], None]  # (stage, done, total)

# ---- messages (all user-facing text of this module, kept together for translation) ------------
UNDECIDED: Final = Message(
    "{n} row(s) await a decision (merge, create or skip): {rows}",
    "{n} Zeile(n) warten auf eine Entscheidung (zusammenführen, neu anlegen oder überspringen): {rows}",
)
BAD_DECISION: Final = Message("this decision cannot be taken: {reason}", "Diese Entscheidung geht nicht: {reason}")
UNKNOWN_MERGE_TARGET: Final = Message(
    "no live actor with id {id!r} to merge into", "Kein bestehender Akteur mit der ID {id!r} zum Zusammenführen"
)
FILE_ERRORS: Final = Message(
    "the file cannot be imported as it is: {reason}", "Die Datei lässt sich so nicht importieren: {reason}"
)
ROW_REFUSED: Final = Message("row {row}: {reason}", "Zeile {row}: {reason}")
IMPORT_RUNNING: Final = Message(
    "this import (the same file, options and decisions) is being applied right now by another request; nothing "
    "was written by this one — poll that one, or apply again when it has finished",
    "Dieser Import (gleiche Datei, Optionen und Entscheidungen) wird gerade von einer anderen Anfrage "
    "geschrieben; diese hat nichts geschrieben — verfolgen Sie die laufende, oder wenden Sie ihn nach deren "
    "Ende erneut an",
)
_SHOWN: Final = 10  # rows named in a message; the rest are counted


def _rows(keys: Sequence[RowKey]) -> str:
    shown = ", ".join(str(k) for k in keys[:_SHOWN])
    return shown + (f" and {len(keys) - _SHOWN} more" if len(keys) > _SHOWN else "")


# ---- the plan ---------------------------------------------------------------------------------


def read_file(source: str | Path | BinaryIO, options: Options | None = None, *, name: str | None = None) -> ParsedFile:
    """Read an uploaded or local file (pure; errors per row and column are in the result)."""
    return read(source, options, Vocabulary.from_seeds(), name=name)


def _local(ref: str | None) -> str | None:
    """A sheet's id cell as an actor id: the API's global id, or a plain id."""
    if not ref:
        return None
    return ids.decode_as(ref, "Actor") or ref


async def plan(db: Database, parsed: ParsedFile, principal: Principal | None = None) -> ImportPlan:
    """The plan of a read file against the actors and cooperations kiezgraph has now; with the
    ``principal`` that imports it, also the contact persons it adds (:func:`_with_contacts`)."""
    keys: set[str] = set()
    refs: set[str] = set()
    slugs: set[str] = set()
    for row in parsed.actors:
        if row.actor is not None:
            keys.add(name_key(row.actor.name))
            slugs.update(m.quarter for m in row.actor.memberships)
            if (local := _local(row.actor.ref)) is not None:
                refs.add(local)
    for c in parsed.cooperations:
        if c.cooperation is not None:
            for end in (c.cooperation.a, c.cooperation.b):
                if end.name:
                    keys.add(name_key(end.name))
                if (local := _local(end.id)) is not None:
                    refs.add(local)
    found = await imports.candidates(db, sorted(keys), sorted(refs), sorted(slugs))
    existing = [
        ExistingActor(c.id, c.name, c.type, c.quarters, c.street, c.postal_code, aliases=(ids.encode("Actor", c.id),))
        for c in found
    ]
    ties = await imports.cooperations_among(db, [c.id for c in found])
    cooperations = [ExistingCooperation(t.id, t.a, t.b, t.kind, t.since, t.until) for t in ties]
    return await _with_contacts(db, principal, await _with_merges(db, build(parsed, existing, cooperations)))


async def _with_merges(db: Database, p: ImportPlan) -> ImportPlan:
    """The plan with what rows merged into existing actors add to them, and where they differ."""
    wanted = sorted({actor_id for _, _, actor_id in merge_targets(p)})
    found = await imports.merge_states(db, wanted) if wanted else []
    states = {
        t.id: ActorState(
            t.id,
            t.name,
            t.website,
            t.street,
            t.postal_code,
            t.city,
            t.located,
            t.tags,
            t.action_fields,
            tuple(Membership(q, since, until) for q, since, until in t.memberships),
        )
        for t in found
    }
    return with_merges(p, states)


_CONTACT_PROBLEMS: Final = {"name": "contact_name_invalid", "function": "contact_function_invalid"}


def _contact_problem(c: Contact) -> str | None:
    """Why addContactPerson would refuse this person (a phrase key of exchange/messages.py), or None."""
    if not (c.name or "").strip():
        return "contact_no_name"
    errors = contact_errors({"name": c.name, "function": c.function, "email": c.email, "phone": c.phone})
    if not errors:
        return None
    field_name = errors[0].path[-1] if errors[0].path else "name"
    return _CONTACT_PROBLEMS.get(str(field_name), f"contact_{field_name}_invalid")


async def _with_contacts(db: Database, principal: Principal | None, p: ImportPlan) -> ImportPlan:
    """The plan with the contact persons its rows add (``exchange.contacts``): checked as
    addContactPerson checks them, only where ``principal`` may add contact persons to the actor
    (addContactPerson's rule; others are left out with a note), and never a second person of the
    same folded name or e-mail address. Without a principal the plan says nothing of persons."""
    if principal is None:
        return p
    targets = contact_targets(p)
    if not targets:
        return p
    existing_ids = sorted({t.actor_id for t in targets if t.actor_id is not None})
    have = await persons.of_actors(db, existing_ids) if existing_ids else {}
    existing = {i: [Contact(r.name, r.function, r.email, r.phone) for r in rs] for i, rs in have.items()}
    ties = await actors.quarter_ties(db, existing_ids) if existing_ids else {}
    steps = {s.key: s for s in p.actors}

    def asked(t: Target) -> list[NewMembership]:
        """A new actor's memberships: those the row that creates it asks for."""
        creator = steps[t.created_by].row.actor if t.created_by in steps else None
        return [
            NewMembership(quarter=m.quarter, since=m.since, until=m.until) for m in (creator or t.actor).memberships
        ]

    slugs = sorted({m.quarter for t in targets if t.actor_id is None for m in asked(t)})
    found = await quarters.by_slugs(db, slugs) if slugs else {}

    def allowed(t: Target) -> bool:
        # A new actor's placement itself is createActor's rule, checked on apply.
        own = ties.get(t.actor_id, []) if t.actor_id is not None else _ties(found, asked(t))
        return actor_write_error(principal, rules.ADD_CONTACT_PERSON, own) is None

    return with_contacts(p, plan_contacts(targets, existing, allowed=allowed, problem=_contact_problem))


# ---- decisions --------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowDecision:
    """A reviewer's decision on one row (``sheet``!``row``): merge into an actor or a row, create, skip.
    ``cooperation`` (the n-th cooperation of the row, from 0) makes it a decision on a cooperation
    (skip only)."""

    sheet: str
    row: int
    kind: DecisionKind
    into_actor: str | None = None  # a global or plain actor id
    into_sheet: str | None = None
    into_row: int | None = None
    cooperation: int | None = None


async def reviewed(
    db: Database, p: ImportPlan, decisions: Sequence[RowDecision], principal: Principal | None = None
) -> ImportPlan:
    """The plan with the decisions taken (and what its merges and contact persons add worked out
    again under them); :class:`InvalidDecision` names those it cannot take."""
    if not decisions:
        return p
    return await _with_contacts(db, principal, await _with_merges(db, _taken(p, decisions)))


def _taken(p: ImportPlan, decisions: Sequence[RowDecision]) -> ImportPlan:
    """The plan with the decisions taken, without asking the database (merges not worked out)."""
    on_actors: dict[RowKey, Decision] = {}
    on_cooperations: dict[tuple[RowKey, int], Decision] = {}
    for d in decisions:
        key = RowKey(d.sheet, d.row)
        target = RowKey(d.into_sheet or d.sheet, d.into_row) if d.into_row is not None else None
        decision = Decision(d.kind, into_actor=_local(d.into_actor), into_row=target)
        if d.cooperation is not None:
            on_cooperations[(key, d.cooperation)] = decision
        else:
            on_actors[key] = decision
    return review(p, on_actors, on_cooperations) if decisions else p


def said(issue: Issue) -> Text:
    """A file's issue (exchange/messages.py says it in both languages) as a refusal's message."""
    return verbatim(issue.text("en"), issue.text("de"))


def decision_refusals(error: InvalidDecision) -> list[Refusal]:
    return [invalid(BAD_DECISION(reason=said(i)), "decisions", f"{i.sheet}!{i.row}") for i in error.issues]


def import_key(content_digest: str, options: Options, decisions: Sequence[RowDecision]) -> str:
    """The same file, read the same way, with the same decisions: the same key."""
    canonical = json.dumps(
        [
            content_digest,
            options.quarter,
            options.sheet,
            sorted(json.dumps(d.__dict__, default=str, sort_keys=True) for d in decisions),
        ],
        sort_keys=True,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


# ---- applying ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Applied:
    """What an applied import did (also what a second apply of the same key answers)."""

    key: str
    actors_created: int
    actors_merged: int
    actors_skipped: int
    cooperations_created: int
    cooperations_existing: int
    cooperations_skipped: int
    actor_ids: dict[str, str] = field(default_factory=dict)  # "Sheet!row" → actor id (created or merged into)
    replayed: bool = False
    actors_updated: int = 0  # existing actors rows were merged into that got something added
    contact_persons_created: int = 0

    def as_json(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k != "replayed"}


@dataclass(frozen=True)
class _Writes:
    actors: list[imports.ImportedActor]
    cooperations: list[imports.ImportedCooperation]
    targets: dict[RowKey, str]  # every imported row → the actor it became or was merged into
    merged: int
    skipped: int
    cooperations_existing: int
    cooperations_skipped: int
    asked: dict[str, list[NewMembership]]  # new actor id → its memberships (for the rules)
    rows: dict[str, RowKey]  # new actor id → the row that creates it
    merges: list[imports.MergeWrite] = field(default_factory=list)  # additions to existing actors
    merge_rows: dict[str, RowKey] = field(default_factory=dict)  # existing actor id → the (first) row merged into it
    persons: dict[str, list[imports.ImportedPerson]] = field(default_factory=dict)  # by the actor they are for

    @property
    def existing(self) -> list[str]:
        """Existing actors the import writes to (additions, contact persons), in a stable order:
        the rows of the ``merges`` stage."""
        new = {a.id for a in self.actors}
        return list(dict.fromkeys([*(m.actor_id for m in self.merges), *(i for i in self.persons if i not in new)]))

    @property
    def person_count(self) -> int:
        return sum(len(ps) for ps in self.persons.values())


def _target(step: ActorStep, steps: Mapping[RowKey, ActorStep], created: Mapping[RowKey, str]) -> str | None:
    seen: set[RowKey] = set()
    while step.decision is not None and step.decision.into_row is not None and step.key not in seen:
        seen.add(step.key)
        step = steps[step.decision.into_row]
    if step.decision is None or step.decision.kind is DecisionKind.SKIP:
        return None
    if step.decision.kind is DecisionKind.MERGE:
        return step.decision.into_actor
    return created.get(step.key)


def _new_actor(a: SheetActor, file: str) -> NewActor:
    return NewActor(
        type=a.type or "",
        names=Names(a.name.strip(), tuple(n.strip() for n in a.alt_names)),
        description=a.description,
        address=Address(a.street, a.postal_code, a.city) if (a.street or a.postal_code or a.city) else None,
        location=a.location,
        website=a.website,
        tags=tuple(a.tags),
        sources=(f"import: {file}",) if file else (),
        synthetic=a.synthetic,
        type_fields=TypeFields(a.institution_kind, a.legal_form, a.sector, a.social_enterprise, a.ownership),
    )


def _actor_errors(a: SheetActor, key: RowKey) -> list[Refusal]:
    where = ("rows", str(key))
    errors = name(a.name, *where, "name")
    errors += strings(a.alt_names, *where, "alternativeNames")
    errors += text(a.description, MAX_TEXT, *where, "description")
    return errors + _detail_errors(a.website, a.tags, a.location, a.memberships, where)


def _writes(p: ImportPlan, file: str, key: str) -> tuple[_Writes, list[Refusal]]:
    steps = {s.key: s for s in p.actors}
    created: dict[RowKey, str] = {}
    new: list[imports.ImportedActor] = []
    asked: dict[str, list[NewMembership]] = {}
    errors: list[Refusal] = []
    merged = skipped = 0
    for s in p.actors:
        if s.decision is None or s.decision.kind is DecisionKind.SKIP or s.row.actor is None:
            skipped += 1
            continue
        if s.decision.kind is DecisionKind.MERGE:
            merged += 1
            continue
        a = s.row.actor
        errors += _actor_errors(a, s.key)
        actor_id = derived_id(f"import:{key}", str(s.key))
        created[s.key] = actor_id
        memberships = [NewMembership(quarter=m.quarter, since=m.since, until=m.until) for m in a.memberships]
        asked[actor_id] = memberships
        new.append(imports.ImportedActor(actor_id, _new_actor(a, file), tuple(memberships), tuple(a.action_fields)))
    targets = {k: t for k, s in steps.items() if (t := _target(s, steps, created)) is not None}
    cooperations: list[imports.ImportedCooperation] = []
    existing = skipped_ties = 0
    for c in p.cooperations:
        if c.outcome is CooperationOutcome.EXISTS or c.outcome is CooperationOutcome.DUPLICATE_IN_FILE:
            existing += 1
            continue
        if c.skipped or c.outcome is not CooperationOutcome.NEW or c.row.cooperation is None:
            skipped_ties += 1
            continue
        a_id, b_id = _end(c.a, targets), _end(c.b, targets)
        if a_id is None or b_id is None:
            skipped_ties += 1
            continue
        coop = c.row.cooperation
        where = ("rows", str(c.key), "cooperations", str(c.index))
        errors += period(coop.since, coop.until, *where)
        errors += intensity(coop.intensity, *where, "intensity")
        errors += text(coop.note, MAX_TEXT, *where, "note")
        cooperations.append(
            imports.ImportedCooperation(
                derived_id(f"import:{key}", f"{c.key}#{c.index}"),
                a_id,
                b_id,
                NewCooperation(
                    kind=coop.kind,
                    action_fields=tuple(dict.fromkeys(coop.action_fields)),
                    since=coop.since,
                    until=coop.until,
                    intensity=coop.intensity,
                    description=coop.note,
                    source=f"import: {file}" if file else None,
                    synthetic=coop.synthetic,
                ),
            )
        )
    rows = {actor_id: k for k, actor_id in created.items()}
    merges = [_merge_write(a) for a in p.merges.additions]
    for adds in p.merges.additions:
        errors += _addition_errors(adds)
    merge_rows = {adds.actor_id: adds.rows[0] for adds in p.merges.additions}
    people: dict[str, list[imports.ImportedPerson]] = {}
    for person in p.contacts.persons:
        owner = person.actor_id or (created.get(person.created_by) if person.created_by else None)
        if owner is None:  # its row is not written after all
            continue
        one = person.contact
        values = {"name": one.name, "function": one.function, "email": one.email, "phone": one.phone}
        errors += [_at(e, person.key) for e in contact_errors(values)]
        props = {k: clean_text(v) for k, v in values.items() if v is not None}
        pid = derived_id(f"import:{key}", f"{person.key}~person{person.index}")
        people.setdefault(owner, []).append(imports.ImportedPerson(pid, owner, props))
    written = _Writes(
        new, cooperations, targets, merged, skipped, existing, skipped_ties, asked, rows, merges, merge_rows, people
    )
    return written, errors


def _merge_write(a: Additions) -> imports.MergeWrite:
    return imports.MergeWrite(
        a.actor_id,
        website=a.website,
        address=Address(*a.address) if a.address else None,
        location=a.location,
        tags=a.tags,
        action_fields=a.action_fields,
        memberships=tuple(NewMembership(quarter=m.quarter, since=m.since, until=m.until) for m in a.memberships),
    )


def _addition_errors(a: Additions) -> list[Refusal]:
    """What updateActor and setActorQuarters would check of the values a merge adds."""
    return _detail_errors(a.website, a.tags, a.location, a.memberships, ("rows", str(a.rows[0])))


def _detail_errors(
    website: str | None,
    tags: Sequence[str],
    location: tuple[float, float] | None,
    memberships: Sequence[Membership],
    where: tuple[str, ...],
) -> list[Refusal]:
    """The checks a new row and a merge's additions share: website, tags, location, membership dates."""
    errors = url(website, *where, "website")
    errors += strings(tags, *where, "tags")
    if location is not None:
        errors += coordinates(location[0], location[1], *where, "location")
    for i, m in enumerate(memberships):
        errors += period(m.since, m.until, *where, "quarters", str(i))
    return errors


def _end(end: End | None, targets: Mapping[RowKey, str]) -> str | None:
    if end is None:
        return None
    if end.row is not None:
        return targets.get(end.row)
    return end.actor_id


def _ties(found: Mapping[str, QuarterRecord], memberships: Sequence[NewMembership]) -> list[QuarterTie]:
    """A new actor's memberships as the rules see them (as createActor asks for them)."""
    ties = []
    for m in memberships:
        q = found.get(m.quarter)
        if q is not None:
            ties.append(QuarterTie("", q.slug, m.role, m.since, m.until, None, None, None, (), q.status, q.end_date))
    return ties


async def _rights(db: Database, principal: Principal, w: _Writes) -> list[Refusal]:
    """createActor's and addCooperation's rules for every actor and cooperation the import writes."""
    slugs = {m.quarter for ms in w.asked.values() for m in ms}
    slugs |= {m.quarter for mw in w.merges for m in mw.memberships}
    quarter_rows = await quarters.by_slugs(db, sorted(slugs))
    errors = [
        Refusal(RefusalCode.UNKNOWN_QUARTER, texts.UNKNOWN_QUARTER(slug=slug), ("rows",), {"slug": slug})
        for slug in sorted(slugs - set(quarter_rows))
    ]
    asked: dict[str, list[QuarterTie]] = {}
    for actor_id, memberships in w.asked.items():
        asked[actor_id] = _ties(quarter_rows, memberships)
        refusal = placement_error(principal, rules.CREATE_ACTOR, asked[actor_id])
        if refusal is not None:
            errors.append(_at(refusal, w.rows[actor_id]))
    existing_ids = sorted({i for c in w.cooperations for i in (c.a, c.b) if i not in asked} | set(w.merge_rows))
    known = await actors.quarter_ties(db, existing_ids) if existing_ids else {}
    for mw in w.merges:
        refusal = _merge_rights(principal, mw, known.get(mw.actor_id, []), quarter_rows)
        if refusal is not None:
            errors.append(_at(refusal, w.merge_rows[mw.actor_id]))
    for c in w.cooperations:
        a_ties = asked.get(c.a) or known.get(c.a, [])
        b_ties = asked.get(c.b) or known.get(c.b, [])
        refusal = cooperation_write_error(principal, rules.ADD_COOPERATION, a_ties, b_ties)
        if refusal is not None:
            errors.append(refusal)
    return errors


def _merge_rights(
    principal: Principal, mw: imports.MergeWrite, ties: list[QuarterTie], found: Mapping[str, QuarterRecord]
) -> Refusal | None:
    """updateActor's rule for added fields, setActorQuarters' rules for added memberships (a
    manager adds memberships only in their own active quarters, to actors they may write)."""
    if mw.website or mw.address or mw.location or mw.tags or mw.action_fields:
        refusal = actor_write_error(principal, rules.UPDATE_ACTOR, ties)
        if refusal is not None:
            return refusal
    if mw.memberships:
        refusal = actor_write_error(principal, rules.SET_ACTOR_QUARTERS, ties, "changing this actor's quarters")
        if refusal is None:
            refusal = memberships_change_error(
                principal, rules.SET_ACTOR_QUARTERS, ties, [*ties, *_ties(found, mw.memberships)]
            )
        return refusal
    return None


def _at(refusal: Refusal, key: RowKey) -> Refusal:
    return Refusal(refusal.code, ROW_REFUSED(row=key, reason=refusal.message), ("rows", str(key)))


async def _merge_targets(db: Database, w: _Writes, p: ImportPlan) -> list[Refusal]:
    """Every actor a row is merged into must exist and be live (a reviewer may name any id)."""
    wanted = {
        s.decision.into_actor: s.key
        for s in p.actors
        if s.decision is not None and s.decision.kind is DecisionKind.MERGE and s.decision.into_actor
    }
    if not wanted:
        return []
    live = {c.id for c in await imports.candidates(db, [], sorted(wanted), [])}
    return [
        invalid(UNKNOWN_MERGE_TARGET(id=ids.encode("Actor", i)), "decisions", str(k))
        for i, k in wanted.items()
        if i not in live
    ]


def _chunks(items: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


async def apply(
    ctx: Context,
    parsed: ParsedFile,
    decisions: Sequence[RowDecision],
    *,
    key: str,
    file: str,
    progress: Progress | None = None,
    prepared: Callable[[int], None] | None = None,
    checkpoint: Callable[[], Awaitable[None]] | None = None,
) -> Outcome[Applied]:
    """Apply a reviewed import all-or-nothing; see the module's docstring. ``prepared`` hears how
    many rows will be written once everything is checked, before the first write; ``checkpoint``
    is awaited then and after every batch (the job saves its status)."""
    refusal = role_error(ctx.principal, rules.APPLY_IMPORT)
    if refusal is not None:
        return Outcome(errors=[refusal])
    if any(i.is_error for i in parsed.issues):
        reasons = [i for i in parsed.issues if i.is_error]
        reason = verbatim("; ".join(i.text("en") for i in reasons), "; ".join(i.text("de") for i in reasons))
        return Outcome(errors=[invalid(FILE_ERRORS(reason=reason), "file")])
    try:
        p = await reviewed(ctx.db, await plan(ctx.db, parsed, ctx.principal), decisions, ctx.principal)
    except InvalidDecision as error:
        return Outcome(errors=decision_refusals(error))
    if p.undecided:
        return Outcome(errors=[invalid(UNDECIDED(n=len(p.undecided), rows=_rows(p.undecided)), "decisions")])
    w, errors = _writes(p, file, key)
    errors += await _merge_targets(ctx.db, w, p)
    if not errors:
        errors += await _rights(ctx.db, ctx.principal, w)
    if errors:
        return Outcome(errors=errors)

    result = Applied(
        key,
        actors_created=len(w.actors),
        actors_merged=w.merged,
        actors_skipped=w.skipped,
        cooperations_created=len(w.cooperations),
        cooperations_existing=w.cooperations_existing,
        cooperations_skipped=w.cooperations_skipped,
        actor_ids={str(k): ids.encode("Actor", v) for k, v in w.targets.items()},
        actors_updated=len(w.merges),
        contact_persons_created=w.person_count,
    )

    rows = len(w.actors) + len(w.existing) + len(w.cooperations)
    if prepared is not None:
        prepared(rows)
    if checkpoint is not None:
        await checkpoint()
    # Two applies of the same import at once (two requests, two instances): only the lease's owner writes.
    owner = new_id()
    if not await ctx.db.write_transaction(lambda tx: imports.lease(tx, key, owner)):
        return Outcome(errors=[Refusal(RefusalCode.IMPORT_RUNNING, IMPORT_RUNNING(), ("id",), {"key": key})])
    try:
        if rows <= imports.BATCH:
            return await _at_once(ctx, w, key, file, result, progress)
        return await _in_batches(ctx, w, key, file, result, progress, owner, checkpoint)
    finally:
        await _release(ctx, key, owner)


async def _release(ctx: Context, key: str, owner: str) -> None:
    """Give the lease back; if that fails (the database gone), it expires on its own."""
    try:
        await ctx.db.write_transaction(lambda tx: imports.release(tx, key, owner))
    except Exception:
        log.warning("the lease on import %s was not given back; it expires", key[:12])


async def _at_once(
    ctx: Context, w: _Writes, key: str, file: str, result: Applied, progress: Progress | None
) -> Outcome[Applied]:
    """A list of up to one batch: everything in one transaction, all or nothing."""

    async def work(tx: Transaction) -> dict[str, Any]:
        before = await imports.claim(tx, key, ctx.principal.label, file)
        if before is not None:
            return {**before, "replayed": True}
        await _actor_batch(ctx, tx, w.actors, w.persons)
        await _existing_batch(ctx, tx, w.existing, w)
        _report(progress, "actors", len(w.actors), len(w.actors))
        await _cooperation_batch(ctx, tx, w.cooperations)
        _report(progress, "cooperations", len(w.cooperations), len(w.cooperations))
        await revision.stamp(tx)
        await imports.settle(tx, key, result.as_json())
        return result.as_json()

    outcome = await run(ctx, work)
    if outcome.errors:
        return Outcome(errors=outcome.errors)
    assert outcome.value is not None
    return Outcome(value=Applied(**outcome.value))


async def _in_batches(
    ctx: Context,
    w: _Writes,
    key: str,
    file: str,
    result: Applied,
    progress: Progress | None,
    owner: str,
    checkpoint: Callable[[], Awaitable[None]] | None = None,
) -> Outcome[Applied]:
    """A longer list in transactions of :data:`graph.imports.BATCH` rows (one transaction for all
    would hold the whole list in Neo4j's transaction memory). Each batch writes its rows with
    their audit records and a revision, or nothing; a failed run leaves the import ``applying``,
    and running the same import again (the same key) skips what exists — its ids derive from the
    key and the row — and writes the rest."""
    before = await ctx.db.write_transaction(lambda tx: imports.claim(tx, key, ctx.principal.label, file))
    if before is not None:
        return Outcome(value=Applied(**{**before, "replayed": True}))
    for stage, rows, write in (
        ("actors", w.actors, lambda c, tx, b: _actor_batch(c, tx, b, w.persons)),
        ("merges", w.existing, lambda c, tx, b: _existing_batch(c, tx, b, w)),
        ("cooperations", w.cooperations, _cooperation_batch),
    ):
        done = 0
        for batch in _chunks(rows, imports.BATCH):
            gone = await _credential_gone(ctx)
            if gone is not None:
                return Outcome(errors=[Refusal(RefusalCode.FORBIDDEN, gone)])
            if not await ctx.db.write_transaction(lambda tx: imports.lease(tx, key, owner)):  # extended per batch
                return Outcome(errors=[Refusal(RefusalCode.IMPORT_RUNNING, IMPORT_RUNNING(), ("id",), {"key": key})])

            async def work(tx: Transaction, batch: Sequence[Any] = batch, write: Any = write) -> None:
                await write(ctx, tx, batch)
                await revision.stamp(tx)  # a batch with nothing left to write is a revision too

            await ctx.db.write_transaction(work)
            done += len(batch)
            _report(progress, stage, done, len(rows))
            if checkpoint is not None:
                await checkpoint()
    await ctx.db.write_transaction(lambda tx: imports.settle(tx, key, result.as_json()))
    return Outcome(value=result)


CREDENTIAL_GONE: Final = Message(
    "the token that started this import was revoked, or lost quarters, while it was written; it stopped",
    "Der Token, der diesen Import gestartet hat, wurde während des Schreibens widerrufen oder hat Quartiere "
    "verloren; der Import wurde angehalten",
)
CREDENTIAL_EXPIRED: Final = Message(
    "the token that started this import expired while it was written; it stopped",
    "Der Token, der diesen Import gestartet hat, ist während des Schreibens abgelaufen; der Import wurde angehalten",
)


async def _credential_gone(ctx: Context) -> Text | None:
    """Before each batch of a long apply: why the credential that asked for it no longer admits it,
    or None while it does. A JWT (or any credential with an end) must not have reached its ``exp``;
    an API token must still be live and hold the quarters it held then (a revocation or handover
    during a minute-long import stops it). The batches written so far stay. JWTs carry their rights
    in themselves: nothing of them is stored to look up, so their end is all there is to check."""
    if ctx.principal.expires is not None and ctx.services.clock() >= ctx.principal.expires:
        return CREDENTIAL_EXPIRED()  # as HTTP refuses it from then on (PyJWT: expired at exp)
    kind, _, token_id = (ctx.principal.token_id or "").partition(":")
    if kind != "token":
        return None
    now = await tokens.by_id(ctx.db, token_id)
    if now is None:  # tokens are revoked, never deleted: this principal was not made from one (a script)
        return None
    if now.revoked_at is None and ctx.principal.quarters <= set(now.quarters):
        return None
    return CREDENTIAL_GONE()


def _report(progress: Progress | None, stage: str, done: int, total: int) -> None:
    if progress is not None:
        progress(stage, done, total)


async def _actor_batch(
    ctx: Context,
    tx: Transaction,
    batch: Sequence[imports.ImportedActor],
    people: Mapping[str, Sequence[imports.ImportedPerson]],
) -> None:
    """New actors with their audit records, in one statement (ids written before are skipped),
    and their contact persons in the same transaction."""
    who = ctx.principal
    entries = [audit.Entry("Actor", a.id, "create", None, _actor_snapshot(a), actors=[a.id]) for a in batch]
    await imports.create_actors(tx, batch, audit.rows(entries), who.label, who.role.value)
    await _person_batch(ctx, tx, [p for a in batch for p in people.get(a.id, ())])


async def _existing_batch(ctx: Context, tx: Transaction, batch: Sequence[str], w: _Writes) -> None:
    """What rows add to these existing actors, and the contact persons they bring, in one transaction."""
    wanted = set(batch)
    await _merge_batch(ctx, tx, [m for m in w.merges if m.actor_id in wanted])
    await _person_batch(ctx, tx, [p for actor_id in batch for p in w.persons.get(actor_id, ())])


async def _person_batch(ctx: Context, tx: Transaction, batch: Sequence[imports.ImportedPerson]) -> None:
    """Contact persons as addContactPerson writes them: each with the person's own ``create``
    record (its data and the actor), which erasure finds by the person's id and scrubs."""
    if not batch:
        return
    who = ctx.principal
    entries = [
        audit.Entry("Person", p.id, "create", None, {**p.props, "actor": p.actor_id}, actors=[p.actor_id])
        for p in batch
    ]
    await imports.create_persons(tx, batch, audit.rows(entries), who.label, who.role.value)


def _actor_snapshot(a: imports.ImportedActor) -> dict[str, Any]:
    """What the audit trail keeps of a new actor (``actors.snapshot`` of the record as written, with
    its quarters), from what is written rather than read back: the import writes exactly this."""
    n = a.actor
    props = n.names.props()
    address = n.address or Address()
    record = ActorRecord(
        id=a.id,
        type=n.type,
        name=props["name"],
        alt_names=tuple(props["altNames"]),
        description=n.description,
        street=address.street,
        postal_code=address.postal_code,
        city=address.city,
        location=n.location,
        website=n.website,
        tags=tuple(n.tags),
        action_fields=tuple(sorted(set(a.action_fields))),
        sources=tuple(n.sources),
        synthetic=n.synthetic,
        archived=False,
        archived_at=None,
        created_at=_NOW,
        updated_at=_NOW,
        version=1,
        institution_kind=n.type_fields.institution_kind,
        legal_form=n.type_fields.legal_form,
        sector=n.type_fields.sector,
        social_enterprise=n.type_fields.social_enterprise,
        ownership=n.type_fields.ownership,
    )
    return {**actors.snapshot(record), "quarters": [m.quarter for m in a.memberships]}


_NOW: Final = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)  # not part of a snapshot


async def _merge_batch(ctx: Context, tx: Transaction, batch: Sequence[imports.MergeWrite]) -> None:
    """Additions to existing actors, each with an ``update`` audit record of what changed (a batch
    run again after a failure finds nothing left to add and records nothing)."""
    if not batch:
        return
    who = ctx.principal
    wanted = [m.actor_id for m in batch]
    before = await _snapshots(tx, wanted)
    await imports.merge_into(tx, batch)
    after = await _snapshots(tx, wanted)
    entries = []
    for actor_id in wanted:
        old, new = actors.diff(before[actor_id], after[actor_id])
        if old != new:
            entries.append(audit.Entry("Actor", actor_id, "update", old, new, actors=[actor_id]))
    if entries:
        await audit.write_many(tx, who.label, who.role.value, entries)


async def _snapshots(tx: Transaction, wanted: Sequence[str]) -> dict[str, dict[str, Any]]:
    """What the audit trail keeps of these actors, with their quarters (as set_quarters records them)."""
    records = await actors.by_ids(tx, wanted)
    ties = await actors.quarter_ties(tx, wanted)
    return {
        i: {**actors.snapshot(records[i]), "quarters": sorted(t.quarter for t in ties.get(i, []))}
        for i in wanted
        if i in records
    }


async def _cooperation_batch(ctx: Context, tx: Transaction, batch: Sequence[imports.ImportedCooperation]) -> None:
    """New cooperations with their audit records, in one statement (ids written before are skipped)."""
    who = ctx.principal
    entries = [audit.Entry("Cooperation", c.id, "create", None, _snapshot(c), actors=[c.a, c.b]) for c in batch]
    await imports.create_cooperations(tx, batch, audit.rows(entries), who.label, who.role.value)


def _snapshot(c: imports.ImportedCooperation) -> dict[str, Any]:
    """What the audit trail keeps of a cooperation (as ``CooperationRecord.snapshot``)."""
    n = c.cooperation
    return {
        "actors": sorted([c.a, c.b]),
        "kind": n.kind,
        "actionFields": list(n.action_fields),
        "since": n.since.isoformat() if n.since else None,
        "until": n.until.isoformat() if n.until else None,
        "intensity": n.intensity,
        "description": n.description,
        "source": n.source,
        "synthetic": n.synthetic,
    }


# ---- import jobs (the GraphQL way: upload, review, apply, and a status to poll) -----------------

MAX_DECISIONS: Final = 20_000
NO_JOB: Final = Message(
    "no import with id {id!r} (imports are kept for an hour after their last use, for their creator only)",
    "Kein Import mit der ID {id!r} (Importe bleiben eine Stunde nach der letzten Verwendung erhalten, nur für "
    "die Person, die sie angelegt hat)",
)
NOT_A_FILE: Final = Message(
    "`file` must be a file sent as a multipart request (GraphQL multipart request spec)",
    "„file“ muss eine Datei sein, gesendet als Multipart-Anfrage (GraphQL multipart request spec)",
)
BUSY: Final = Message(
    "this import is being applied or was applied already; start a new import for another file",
    "Dieser Import wird gerade übernommen oder wurde schon übernommen; für eine andere Datei bitte einen neuen "
    "Import beginnen",
)
TOO_MANY: Final = Message("at most {limit} decisions per request", "Höchstens {limit} Entscheidungen je Anfrage")
STOPPED: Final = Message(
    "the apply stopped before it finished ({reason}); whole batches written so far stay, and applying this "
    "import again writes the rest and nothing twice",
    "Das Schreiben wurde vor dem Ende abgebrochen ({reason}); bereits geschriebene ganze Stapel bleiben, und "
    "ein erneutes Anwenden dieses Imports schreibt den Rest und nichts doppelt",
)
SERVICE_STOPPED: Final = Message("the service stopped", "der Dienst wurde beendet")
INSTANCE_GONE: Final = Message(
    "the instance running it saved no progress for ten minutes and is taken to have stopped",
    "die ausführende Instanz hat zehn Minuten lang keinen Fortschritt gespeichert und gilt als beendet",
)
log = logging.getLogger(__name__)


class JobStatus(StrEnum):
    PLANNED = "planned"  # read and compared; waiting for decisions and apply
    APPLYING = "applying"
    APPLIED = "applied"
    FAILED = "failed"  # the apply was refused or failed; decide again and apply again


@dataclass
class ImportJob:
    """One upload on its way in: the file as read, its plan, the decisions so far, and where it stands."""

    id: str
    file: str
    digest: str
    options: Options
    parsed: ParsedFile
    plan: ImportPlan
    decisions: list[RowDecision] = field(default_factory=list)
    status: JobStatus = JobStatus.PLANNED
    stage: str = "planned"
    done: int = 0
    total: int = 0
    result: Applied | None = None
    errors: list[Refusal] = field(default_factory=list)
    rows_total: int = 0  # rows the apply writes (actors, additions to existing ones, cooperations)
    stopped: str | None = None  # why a running apply stopped before it finished
    task: asyncio.Task[None] | None = field(default=None, repr=False)  # the apply, running after its request
    _stages: dict[str, int] = field(default_factory=dict, repr=False)
    # Read from Neo4j on an instance that does not hold the upload: the plan's counts only (no rows).
    stored_summary: dict[str, int] | None = None

    def progress(self, stage: str, done: int, total: int) -> None:
        self.stage, self.done, self.total = stage, done, total
        self._stages[stage] = done

    def prepared(self, rows: int) -> None:
        self.stage, self.rows_total = "writing", rows

    @property
    def rows_done(self) -> int:
        return sum(self._stages.values())


async def create_job(
    ctx: Context, content: object, file: str, quarter: str | None, sheet: str | None
) -> Outcome[ImportJob]:
    """Read an uploaded file and plan it (nothing is written); the job is kept for review and apply."""
    refusal = role_error(ctx.principal, rules.CREATE_IMPORT)
    if refusal is not None:
        return Outcome(errors=[refusal])
    if not isinstance(content, bytes):
        return Outcome(errors=[invalid(NOT_A_FILE(), "file")])
    options = Options(quarter=quarter.strip().lower() if quarter else None, sheet=sheet)
    try:
        parsed = await asyncio.to_thread(read_file, io.BytesIO(content), options, name=file)
    except ReadError as error:
        return Outcome(errors=[invalid(said(error.issue), "file")])
    job = ImportJob(new_id(), file, digest(content), options, parsed, await plan(ctx.db, parsed, ctx.principal))
    ctx.services.jobs.put(job.id, ctx.principal.label, job)
    await _save(ctx, job, tidy=True)
    return Outcome(value=job)


def find_job(ctx: Context, job_id: str) -> ImportJob | None:
    found = ctx.services.jobs.get(job_id, ctx.principal.label)
    return found if isinstance(found, ImportJob) else None


async def review_job(ctx: Context, job_id: str, decisions: Sequence[RowDecision]) -> Outcome[ImportJob]:
    """Take decisions (added to earlier ones; a later decision on a row replaces an earlier one)."""
    refusal = role_error(ctx.principal, rules.REVIEW_IMPORT)
    if refusal is not None:
        return Outcome(errors=[refusal])
    job = find_job(ctx, job_id)
    if job is None:
        return Outcome(errors=[invalid(NO_JOB(id=job_id), "id")])
    if job.status in (JobStatus.APPLYING, JobStatus.APPLIED):
        return Outcome(errors=[invalid(BUSY(), "id")])
    if len(decisions) > MAX_DECISIONS:
        return Outcome(errors=[invalid(TOO_MANY(limit=MAX_DECISIONS), "decisions")])
    merged = _merged(job.decisions, decisions)
    try:
        new_plan = await reviewed(ctx.db, await plan(ctx.db, job.parsed, ctx.principal), merged, ctx.principal)
    except InvalidDecision as error:
        return Outcome(errors=decision_refusals(error))
    job.decisions, job.plan = merged, new_plan
    await _save(ctx, job)
    return Outcome(value=job)


def _merged(before: Sequence[RowDecision], after: Sequence[RowDecision]) -> list[RowDecision]:
    by_row = {(d.sheet, d.row, d.cooperation): d for d in before}
    by_row.update({(d.sheet, d.row, d.cooperation): d for d in after})
    return list(by_row.values())


def _same(a: Sequence[RowDecision], b: Sequence[RowDecision]) -> bool:
    """Whether two lists of decisions decide the same rows the same way (in any order)."""
    return {(d.sheet, d.row, d.cooperation): d for d in a} == {(d.sheet, d.row, d.cooperation): d for d in b}


async def apply_job(ctx: Context, job_id: str, decisions: Sequence[RowDecision]) -> Outcome[ImportJob]:
    """Take the last decisions and start the apply; it runs after the answer (:func:`_apply_job`),
    and the job reports its status and progress to ``importJob`` meanwhile.

    What the kept plan can tell without the database is refused at once (a decision the plan
    cannot take, rows still waiting for one); everything else — the plan again against the
    database as it is then, the rules, the writes — happens in the job, whose refusals the job
    reports (status ``failed``, with ``errors``)."""
    refusal = role_error(ctx.principal, rules.APPLY_IMPORT)
    if refusal is not None:
        return Outcome(errors=[refusal])
    job = find_job(ctx, job_id)
    if job is None:
        return Outcome(errors=[invalid(NO_JOB(id=job_id), "id")])
    if job.status is JobStatus.APPLIED:
        return Outcome(value=job)
    if job.status is JobStatus.APPLYING:
        # Asked again while it runs (a retry, a second tab): the running job, to follow; new
        # decisions cannot join a running apply.
        unchanged = len(decisions) <= MAX_DECISIONS and _same(_merged(job.decisions, decisions), job.decisions)
        return Outcome(value=job) if unchanged else Outcome(errors=[invalid(BUSY(), "id")])
    if len(decisions) > MAX_DECISIONS:
        return Outcome(errors=[invalid(TOO_MANY(limit=MAX_DECISIONS), "decisions")])
    merged = _merged(job.decisions, decisions)
    try:
        taken = _taken(job.plan, decisions)
    except InvalidDecision as error:
        return Outcome(errors=decision_refusals(error))
    job.decisions, job.plan = merged, taken
    if taken.undecided:
        errors = [invalid(UNDECIDED(n=len(taken.undecided), rows=_rows(taken.undecided)), "decisions")]
        job.status, job.errors = JobStatus.FAILED, errors
        await _save(ctx, job)
        return Outcome(errors=errors)
    job.status, job.errors, job.stopped, job.stage, job.result = JobStatus.APPLYING, [], None, "planning", None
    job.done = job.total = job.rows_total = 0
    job._stages.clear()
    key = import_key(job.digest, job.options, job.decisions)
    # A context of its own: the request's (its loaders, its response, its deadline) ends with the answer.
    own = Context.for_request(ctx.db, ctx.services, ctx.principal)
    await _save(ctx, job)
    job.task = asyncio.get_running_loop().create_task(_apply_job(own, job, key), context=contextvars.Context())
    return Outcome(value=job)


async def _apply_job(ctx: Context, job: ImportJob, key: str) -> None:
    """The apply of a job, after its request. A refusal leaves the job ``failed`` with its errors
    (nothing written). A failure while writing (the database gone, the process stopping) leaves
    the batches written so far; ``stopped`` says so, and applying the same import again — the same
    file and decisions give the same import key — writes the rest and nothing twice."""
    try:
        outcome = await apply(
            ctx,
            job.parsed,
            job.decisions,
            key=key,
            file=job.file,
            progress=job.progress,
            prepared=job.prepared,
            checkpoint=lambda: _save(ctx, job),
        )
    except asyncio.CancelledError:
        job.status, job.stopped = JobStatus.FAILED, STOPPED(reason=SERVICE_STOPPED)
        await _save(ctx, job)
        raise
    except Exception as error:
        log.exception("import %s stopped", job.id)
        job.status, job.stopped = JobStatus.FAILED, STOPPED(reason=type(error).__name__)
        await _save(ctx, job)
        return
    if outcome.errors or outcome.value is None:
        job.status, job.errors = JobStatus.FAILED, outcome.errors
        if outcome.errors and job.rows_done:  # refused between batches (a credential gone, the lease lost)
            job.stopped = STOPPED(reason=outcome.errors[0].message)
    else:
        job.status, job.result, job.stage = JobStatus.APPLIED, outcome.value, "applied"
    await _save(ctx, job)


# ---- the status in Neo4j, for every instance -------------------------------------------------------
# The upload and its plan stay in the process that read them (review and apply go there); the status —
# where it stands, rows done of rows total, the result, refusals, why it stopped — is saved in Neo4j
# whenever it changes and after every batch, so that `importJob` answers on any instance.


def _said(text: str) -> dict[str, str]:
    """A text in both languages, for JSON (a plain string is the same in both)."""
    return {"en": text, "de": localized(text, "de")}


def _unsaid(said: dict[str, str]) -> Text:
    """The text back, as it was said in each language."""
    return verbatim(said["en"], said["de"])


def _status(job: ImportJob, principal: str) -> dict[str, Any]:
    errors = [
        {"code": e.code.value, "message": _said(e.message), "path": list(e.path or ()), "details": e.details}
        for e in job.errors
    ]
    result = {**job.result.as_json(), "replayed": job.result.replayed} if job.result else None
    summary = job.stored_summary if job.stored_summary is not None else job.plan.summary()
    return {
        "principal": principal,
        "file": job.file,
        "status": job.status.value,
        "stage": job.stage,
        "done": job.done,
        "total": job.total,
        "rowsDone": job.rows_done,
        "rowsTotal": job.rows_total,
        "summary": json.dumps(summary),
        "result": json.dumps(result) if result else None,
        "errors": json.dumps(errors, default=str),
        "stopped": json.dumps(_said(job.stopped)) if job.stopped else None,
    }


async def _save(ctx: Context, job: ImportJob, *, tidy: bool = False) -> None:
    """Save the job's status; a failure to do so is logged, never the job's failure (the writes
    themselves would fail with the database gone, and say so)."""
    status = _status(job, ctx.principal.label)
    try:
        await ctx.db.write_transaction(lambda tx: imports.save_job(tx, job.id, status, tidy=tidy))
    except Exception:
        log.warning("the status of import %s was not saved", job.id, exc_info=True)


def _restored(s: dict[str, Any]) -> ImportJob:
    """A job as another instance saved it: its status, progress, result, refusals and counts (its
    plan's rows stay with the upload, on the instance that read it)."""
    parsed = ParsedFile((), (), (), ())
    job = ImportJob(s["id"], s["file"], "", Options(), parsed, build(parsed), status=JobStatus(s["status"]))
    job.stage, job.done, job.total, job.rows_total = s["stage"], s["done"], s["total"], s["rowsTotal"]
    job._stages["saved"] = s["rowsDone"]
    job.stored_summary = json.loads(s["summary"])
    job.result = Applied(**json.loads(s["result"])) if s.get("result") else None
    job.errors = [
        Refusal(RefusalCode(e["code"]), _unsaid(e["message"]), tuple(e["path"]) or None, e["details"])
        for e in json.loads(s["errors"])
    ]
    job.stopped = _unsaid(json.loads(s["stopped"])) if s.get("stopped") else None
    if job.status is JobStatus.APPLYING and s.get("silent"):
        # The instance running it stopped (a crash, a restart) without saying so; its lease has expired.
        job.status, job.stopped = JobStatus.FAILED, STOPPED(reason=INSTANCE_GONE)
    return job


async def job_status(ctx: Context, job_id: str) -> ImportJob | None:
    """The job with its plan on the instance that holds it; its saved status on any other one."""
    job = find_job(ctx, job_id)
    if job is not None:
        return job
    saved = await imports.stored_job(ctx.db, job_id, ctx.principal.label)
    return _restored(saved) if saved else None
