"""The import plan: per row, what would happen, and the decision a reviewer may change.

A plan is built from what was read (:func:`exchange.reading.read`) and what kiezgraph has
(:class:`~exchange.matching.ExistingActor`, :class:`~exchange.matching.ExistingCooperation`);
it writes nothing. Each actor row gets an :class:`ActorOutcome`:

====================  ==============================================  =====================
outcome               when                                            proposed decision
====================  ==============================================  =====================
``new``               no match anywhere                               create
``existing``          same id, or same name and type as one actor     merge into that actor
``possible_match``    similar name, same address, same name but       none: the reviewer
                      another type, or several actors of that name    decides
``duplicate_in_file`` same name as an earlier row                     merge into that row
``similar_in_file``   similar name to an earlier row                  none
``error``             the row cannot be read as it is                 skip (the only choice)
====================  ==============================================  =====================

Cooperations follow their two ends: an end is an existing actor (by id or name), a row of the
file (and then whatever that row's decision makes of it), or unknown. A cooperation that
kiezgraph already has — same two actors, same kind, overlapping time, as the mutations define
a duplicate — is ``exists``. :func:`review` applies a reviewer's decisions and works the
cooperations out again; the result is a plan too, so review can go round as often as needed.
"""

from __future__ import annotations

import functools
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum

from exchange.contacts import ContactPlan, Target
from exchange.matching import (
    FUZZY_CUTOFF,
    ActorIndex,
    Candidate,
    ExistingActor,
    ExistingCooperation,
    FileDuplicate,
    MatchReason,
    file_duplicates,
    overlaps,
)
from exchange.merging import ActorState, Merges, annotate
from exchange.messages import Code, Issue, Severity, issue
from exchange.model import (
    ActorRef,
    ActorRow,
    CooperationRow,
    ParsedFile,
    RowKey,
    SheetActor,
    SheetCooperation,
    SheetReport,
)
from graph.names import name_key

# Cooperations name the same actors again and again: fold each name once.
_key = functools.lru_cache(maxsize=65_536)(name_key)


class ActorOutcome(StrEnum):
    NEW = "new"
    EXISTING = "existing"
    POSSIBLE_MATCH = "possible_match"
    DUPLICATE_IN_FILE = "duplicate_in_file"
    SIMILAR_IN_FILE = "similar_in_file"
    ERROR = "error"


class CooperationOutcome(StrEnum):
    NEW = "new"
    EXISTS = "exists"  # kiezgraph has it already
    DUPLICATE_IN_FILE = "duplicate_in_file"  # an earlier row (or the partner's "Partner" column) has it
    UNKNOWN_PARTNER = "unknown_partner"
    PARTNER_NOT_IMPORTED = "partner_not_imported"  # an end's row is skipped, has errors, or awaits a decision
    ERROR = "error"


class DecisionKind(StrEnum):
    MERGE = "merge"  # into an existing actor, or into an earlier row of the file
    CREATE = "create"
    SKIP = "skip"


@dataclass(frozen=True, slots=True)
class Decision:
    kind: DecisionKind
    into_actor: str | None = None
    into_row: RowKey | None = None

    @classmethod
    def merge(cls, actor_id: str) -> Decision:
        return cls(DecisionKind.MERGE, into_actor=actor_id)

    @classmethod
    def merge_row(cls, row: RowKey) -> Decision:
        return cls(DecisionKind.MERGE, into_row=row)


CREATE = Decision(DecisionKind.CREATE)
SKIP = Decision(DecisionKind.SKIP)


@dataclass(frozen=True, slots=True)
class ActorStep:
    row: ActorRow
    outcome: ActorOutcome
    candidates: tuple[Candidate, ...] = ()
    duplicate_of: FileDuplicate | None = None
    decision: Decision | None = None  # None: waits for the reviewer

    @property
    def key(self) -> RowKey:
        return self.row.key


@dataclass(frozen=True, slots=True)
class End:
    """Where one end of a cooperation leads: an existing actor, a row of the file, or nowhere."""

    ref: ActorRef
    actor_id: str | None = None  # an existing actor (directly, or through the row's merge)
    row: RowKey | None = None  # a row of the file that names it


@dataclass(frozen=True, slots=True)
class CooperationStep:
    row: CooperationRow
    index: int  # a row may hold several cooperations (a "Partner" cell naming three)
    outcome: CooperationOutcome
    a: End | None = None
    b: End | None = None
    existing_id: str | None = None  # the cooperation kiezgraph has, for ``exists``
    duplicate_of: RowKey | None = None
    issues: tuple[Issue, ...] = ()  # found while planning (unknown partner, …)
    skipped: bool = False  # the reviewer chose to skip it

    @property
    def key(self) -> RowKey:
        return self.row.key


@dataclass(frozen=True, slots=True)
class _Known:
    """What the plan was compared with, kept so that :func:`review` can work cooperations out again."""

    index: ActorIndex
    cooperations: Mapping[frozenset[str], tuple[ExistingCooperation, ...]]


@dataclass(frozen=True, slots=True)
class ImportPlan:
    actors: tuple[ActorStep, ...]
    cooperations: tuple[CooperationStep, ...]
    sheets: tuple[SheetReport, ...]
    issues: tuple[Issue, ...]  # about the file and its sheets
    known: _Known = field(repr=False, compare=False)
    merges: Merges = field(default_factory=Merges)  # what rows merged into existing actors add (see with_merges)
    contacts: ContactPlan = field(default_factory=ContactPlan)  # contact persons added (see with_contacts)

    def actor(self, key: RowKey) -> ActorStep | None:
        return next((s for s in self.actors if s.key == key), None)

    def summary(self) -> dict[str, int]:
        """How many rows end how: ``actors.new``, ``cooperations.exists`` …, and ``undecided``."""
        counts: Counter[str] = Counter()
        counts.update(f"actors.{s.outcome}" for s in self.actors)
        counts.update(f"cooperations.{s.outcome}" for s in self.cooperations)
        counts["undecided"] = sum(s.decision is None for s in self.actors)
        if self.merges.additions:
            counts["merges.adding"] = len(self.merges.additions)
        if self.merges.conflicts:
            counts["merges.conflicts"] = self.merges.conflicts
        for code, name in (
            (Code.CONTACT_ADDS, "contacts.adding"),
            (Code.CONTACT_CONFLICT, "contacts.conflicts"),
            (Code.CONTACT_NOT_ALLOWED, "contacts.notAllowed"),
            (Code.CONTACT_INVALID, "contacts.invalid"),
        ):
            if n := self.contacts.count(code):
                counts[name] = n
        return dict(sorted(counts.items()))

    @property
    def undecided(self) -> tuple[RowKey, ...]:
        return tuple(s.key for s in self.actors if s.decision is None)


# ---- building -------------------------------------------------------------------------------


def _actor_step(row: ActorRow, index: ActorIndex, duplicate: FileDuplicate | None) -> ActorStep:
    if not row.ok or row.actor is None:
        return ActorStep(row, ActorOutcome.ERROR, decision=SKIP)
    actor = row.actor
    candidates = index.candidates(actor)
    by_id = [c for c in candidates if c.reason is MatchReason.SAME_ID]
    same_name = [c for c in candidates if c.reason is MatchReason.SAME_NAME]
    if by_id:
        return ActorStep(row, ActorOutcome.EXISTING, candidates, duplicate, Decision.merge(by_id[0].actor_id))
    if duplicate is not None and duplicate.reason is MatchReason.SAME_NAME:
        return ActorStep(row, ActorOutcome.DUPLICATE_IN_FILE, candidates, duplicate, Decision.merge_row(duplicate.row))
    if len(same_name) == 1 and same_name[0].type == actor.type:
        return ActorStep(row, ActorOutcome.EXISTING, candidates, duplicate, Decision.merge(same_name[0].actor_id))
    if candidates:
        return ActorStep(row, ActorOutcome.POSSIBLE_MATCH, candidates, duplicate, None)
    if duplicate is not None:
        return ActorStep(row, ActorOutcome.SIMILAR_IN_FILE, candidates, duplicate, None)
    return ActorStep(row, ActorOutcome.NEW, candidates, None, CREATE)


def build(
    parsed: ParsedFile,
    existing: Iterable[ExistingActor] = (),
    existing_cooperations: Iterable[ExistingCooperation] = (),
    *,
    cutoff: int = FUZZY_CUTOFF,
) -> ImportPlan:
    """The plan for a file read with :func:`exchange.reading.read` against what kiezgraph has."""
    index = ActorIndex(existing, cutoff)
    pairs: dict[frozenset[str], list[ExistingCooperation]] = defaultdict(list)
    for c in existing_cooperations:
        pairs[frozenset((c.a_id, c.b_id))].append(c)
    known = _Known(index, {k: tuple(v) for k, v in pairs.items()})
    duplicates = file_duplicates(parsed.actors, cutoff)
    actors = tuple(_actor_step(r, index, duplicates.get(r.key)) for r in parsed.actors)
    steps = _cooperation_steps(parsed.cooperations, actors, known, skipped=frozenset())
    return ImportPlan(actors, steps, parsed.sheets, parsed.issues, known)


# ---- cooperations ---------------------------------------------------------------------------


@dataclass
class _Rows:
    """The file's actor rows as cooperations look them up: by the sheet's id, by name, by key."""

    steps: dict[RowKey, ActorStep]
    by_ref: dict[str, RowKey]
    by_name: dict[str, list[RowKey]]

    @classmethod
    def of(cls, actors: Sequence[ActorStep]) -> _Rows:
        by_ref: dict[str, RowKey] = {}
        by_name: dict[str, list[RowKey]] = defaultdict(list)
        for s in actors:
            if s.row.actor is not None:
                if s.row.actor.ref:
                    by_ref.setdefault(s.row.actor.ref, s.key)
                if s.row.actor.name:
                    by_name[_key(s.row.actor.name)].append(s.key)
        return cls({s.key: s for s in actors}, by_ref, dict(by_name))

    def follow(self, key: RowKey) -> tuple[ActorStep, str | None]:
        """The row a row's decision leads to (merged rows to their target), and why it is not imported."""
        seen: set[RowKey] = set()
        step = self.steps[key]
        while step.decision is not None and step.decision.into_row is not None and step.key not in seen:
            seen.add(step.key)
            step = self.steps[step.decision.into_row]
        if step.outcome is ActorOutcome.ERROR:
            return step, "has_errors"
        if step.decision is None:
            return step, "undecided"
        if step.decision.kind is DecisionKind.SKIP:
            return step, "skipped"
        return step, None


def _resolve(ref: ActorRef, rows: _Rows, known: _Known) -> tuple[End | None, list[str]]:
    """The end a reference names, or the names it might mean when it is ambiguous."""
    for ident in (ref.id, ref.name):
        if ident and ident in rows.by_ref:
            return End(ref, row=rows.by_ref[ident]), []
        if ident and (actor := known.index.get(ident)) is not None:
            return End(ref, actor_id=actor.id), []
    if ref.name:
        in_file = rows.by_name.get(_key(ref.name), [])
        distinct = {rows.follow(k)[0].key for k in in_file}
        if len(distinct) == 1:
            return End(ref, row=next(iter(distinct))), []
        if len(distinct) > 1:
            return None, [str(k) for k in sorted(distinct)]
        named = known.index.named(ref.name)
        if len(named) == 1:
            return End(ref, actor_id=named[0].id), []
        if len(named) > 1:
            return None, [f"{a.name} ({a.id})" for a in named]
    return None, []


def _target(end: End, rows: _Rows) -> tuple[str | None, str | None, RowKey | None]:
    """(actor id or row identity, reason not imported, the row) for an end under the current decisions."""
    if end.row is None:
        return end.actor_id, None, None
    step, reason = rows.follow(end.row)
    if reason:
        return None, reason, step.key
    assert step.decision is not None
    if step.decision.kind is DecisionKind.MERGE and step.decision.into_actor:
        return step.decision.into_actor, None, step.key
    return f"row:{step.key}", None, step.key


def _unknown(c: CooperationRow, side: int, ref: ActorRef, known: _Known, ambiguous: list[str]) -> Issue:
    column, header = c.columns[side], c.headers[side]
    if ambiguous:
        return issue(
            Code.PARTNER_AMBIGUOUS,
            Severity.ERROR,
            sheet=c.key.sheet,
            row=c.key.row,
            column=column,
            header=header,
            value=ref,
            candidates="; ".join(ambiguous),
        )
    hint = known.index.closest(str(ref)) if ref.name else None
    extra = {"hint_name": hint.name} if hint else {}
    return issue(
        Code.PARTNER_UNKNOWN,
        Severity.ERROR,
        sheet=c.key.sheet,
        row=c.key.row,
        column=column,
        header=header,
        value=ref,
        **extra,
    )


def _cooperation_steps(
    rows_in: Sequence[CooperationRow],
    actors: Sequence[ActorStep],
    known: _Known,
    skipped: frozenset[tuple[RowKey, int]],
) -> tuple[CooperationStep, ...]:
    rows = _Rows.of(actors)
    seen: dict[tuple[frozenset[str], str], list[tuple[SheetCooperation, RowKey]]] = defaultdict(list)
    steps: list[CooperationStep] = []
    per_row: Counter[RowKey] = Counter()
    for c in rows_in:
        n = per_row[c.key]
        per_row[c.key] += 1
        if (c.key, n) in skipped:
            steps.append(CooperationStep(c, n, CooperationOutcome.NEW, skipped=True))
            continue
        if not c.ok or c.cooperation is None:
            steps.append(CooperationStep(c, n, CooperationOutcome.ERROR))
            continue
        steps.append(_cooperation(c, n, c.cooperation, rows, known, seen))
    return tuple(steps)


def _cooperation(
    c: CooperationRow,
    n: int,
    coop: SheetCooperation,
    rows: _Rows,
    known: _Known,
    seen: dict[tuple[frozenset[str], str], list[tuple[SheetCooperation, RowKey]]],
) -> CooperationStep:
    ends: list[End | None] = []
    found: list[Issue] = []
    for side, ref in enumerate((coop.a, coop.b)):
        end, ambiguous = _resolve(ref, rows, known)
        ends.append(end)
        if end is None:
            found.append(_unknown(c, side, ref, known, ambiguous))
    a, b = ends
    if a is None or b is None:
        return CooperationStep(c, n, CooperationOutcome.UNKNOWN_PARTNER, a, b, issues=tuple(found))
    targets = [_target(a, rows), _target(b, rows)]
    for (_, reason, row), end in zip(targets, (a, b), strict=True):
        if reason is not None and row is not None:
            found.append(
                issue(
                    Code.PARTNER_NOT_IMPORTED,
                    Severity.WARNING,
                    sheet=c.key.sheet,
                    row=c.key.row,
                    value=end.ref,
                    other_sheet=row.sheet,
                    other_row=row.row,
                    reason_key=reason,
                )
            )
    if found:
        return CooperationStep(c, n, CooperationOutcome.PARTNER_NOT_IMPORTED, a, b, issues=tuple(found))
    ta, tb = targets[0][0], targets[1][0]
    assert ta is not None and tb is not None
    if ta == tb:
        self_issue = issue(
            Code.SELF_COOPERATION,
            Severity.ERROR,
            sheet=c.key.sheet,
            row=c.key.row,
            column=c.columns[1],
            header=c.headers[1],
        )
        return CooperationStep(c, n, CooperationOutcome.ERROR, a, b, issues=(self_issue,))
    pair = frozenset((ta, tb))
    for other in known.cooperations.get(pair, ()):
        if other.kind == coop.kind and overlaps(coop.since, coop.until, other.since, other.until):
            return CooperationStep(c, n, CooperationOutcome.EXISTS, a, b, existing_id=other.id)
    for other_coop, other_key in seen[(pair, coop.kind)]:
        if overlaps(coop.since, coop.until, other_coop.since, other_coop.until):
            return CooperationStep(c, n, CooperationOutcome.DUPLICATE_IN_FILE, a, b, duplicate_of=other_key)
    seen[(pair, coop.kind)].append((coop, c.key))
    return CooperationStep(c, n, CooperationOutcome.NEW, a, b)


# ---- merges into existing actors ---------------------------------------------------------


def merge_targets(plan: ImportPlan) -> list[tuple[RowKey, SheetActor, str]]:
    """(row, what it says, the existing actor it goes into) for every row whose decision — directly
    or through the rows it is merged into — ends in an existing actor, in file order."""
    rows = _Rows.of(plan.actors)
    found: list[tuple[RowKey, SheetActor, str]] = []
    for s in plan.actors:
        if s.row.actor is None or s.decision is None or s.decision.kind is not DecisionKind.MERGE:
            continue
        step, reason = rows.follow(s.key)
        if reason is None and step.decision is not None and step.decision.into_actor:
            found.append((s.key, s.row.actor, step.decision.into_actor))
    return found


def with_merges(plan: ImportPlan, states: Mapping[str, ActorState]) -> ImportPlan:
    """The plan with what its merges add to the existing actors (``states``: their current data)."""
    return replace(plan, merges=annotate(merge_targets(plan), states))


def contact_targets(plan: ImportPlan) -> list[Target]:
    """Every row with contact persons whose decision ends in a new actor or an existing one, in
    file order, with where its persons go."""
    rows = _Rows.of(plan.actors)
    found: list[Target] = []
    for s in plan.actors:
        if s.row.actor is None or not s.row.actor.contacts or s.decision is None:
            continue
        step, reason = rows.follow(s.key)
        if reason is not None or step.decision is None or step.row.actor is None:
            continue
        label = step.row.actor.name
        if step.decision.kind is DecisionKind.MERGE and step.decision.into_actor:
            found.append(Target(s.key, s.row.actor, actor_id=step.decision.into_actor, label=label))
        elif step.decision.kind is DecisionKind.CREATE:
            found.append(Target(s.key, s.row.actor, created_by=step.key, label=label))
    return found


def with_contacts(plan: ImportPlan, contacts: ContactPlan) -> ImportPlan:
    """The plan with the contact persons it adds (worked out by :func:`exchange.contacts.plan_contacts`)."""
    return replace(plan, contacts=contacts)


# ---- review ---------------------------------------------------------------------------------


class InvalidDecision(ValueError):
    """A decision the plan cannot take; ``issues`` say which and why, in either language."""

    def __init__(self, issues: Sequence[Issue]) -> None:
        super().__init__("; ".join(i.text("en") for i in issues))
        self.issues = tuple(issues)


def _refusal(key: RowKey, reason: str) -> Issue:
    return issue(
        Code.DECISION_INVALID,
        Severity.ERROR,
        sheet=key.sheet,
        row=key.row,
        other_sheet=key.sheet,
        other_row=key.row,
        reason_key=reason,
    )


def review(
    plan: ImportPlan,
    decisions: Mapping[RowKey, Decision],
    cooperation_decisions: Mapping[tuple[RowKey, int], Decision] | None = None,
) -> ImportPlan:
    """The plan with a reviewer's decisions on actor rows (and skips of cooperations) taken.

    Merging into an existing actor may name any id (phase 2's apply checks it exists and may be
    written); merging into a row must name an actor row that is not itself being skipped. A row
    with errors can only be skipped. Cooperations are worked out again under the new decisions.
    """
    steps = {s.key: s for s in plan.actors}
    problems: list[Issue] = []
    for key, decision in decisions.items():
        step = steps.get(key)
        if step is None:
            problems.append(_refusal(key, "unknown_row"))
        elif step.outcome is ActorOutcome.ERROR and decision.kind is not DecisionKind.SKIP:
            problems.append(_refusal(key, "only_skip"))
        elif decision.kind is DecisionKind.MERGE and not (decision.into_actor or decision.into_row):
            problems.append(_refusal(key, "merge_needs_target"))
        elif decision.into_row is not None and decision.into_row == key:
            problems.append(_refusal(key, "merge_into_self"))
        elif decision.into_row is not None and decision.into_row not in steps:
            problems.append(_refusal(key, "merge_into_actor_row"))
    cooperation_keys = {(s.key, s.index) for s in plan.cooperations}
    for (key, n), decision in (cooperation_decisions or {}).items():
        if (key, n) not in cooperation_keys:
            problems.append(_refusal(key, "unknown_row"))
        elif decision.kind is DecisionKind.MERGE:
            problems.append(_refusal(key, "no_merge_for_cooperation"))
    if problems:
        raise InvalidDecision(problems)
    actors = tuple(replace(s, decision=decisions.get(s.key, s.decision)) for s in plan.actors)
    skipped = frozenset(k for k, d in (cooperation_decisions or {}).items() if d.kind is DecisionKind.SKIP)
    skipped |= frozenset(
        (s.key, s.index)
        for s in plan.cooperations
        if s.skipped and (s.key, s.index) not in (cooperation_decisions or {})
    )
    rows = tuple(s.row for s in plan.cooperations)
    cooperations = _cooperation_steps(rows, actors, plan.known, skipped)
    return replace(plan, actors=actors, cooperations=cooperations, merges=Merges(), contacts=ContactPlan())
