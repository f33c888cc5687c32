"""GraphQL types of an import: the job, its plan row by row, the findings in German and English,
and the decisions a reviewer sends. The work is in resolvers/imports.py."""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum
from typing import Annotated

import strawberry

from core.messages import localized
from exchange.contacts import PlannedPerson
from exchange.matching import Candidate
from exchange.messages import Issue
from exchange.plan import ActorStep, CooperationStep, DecisionKind
from resolvers import ids
from resolvers.imports import Applied, ImportJob, JobStatus, RowDecision
from resolvers.outcomes import Outcome
from schema.user_errors import UserError, user_error

MAX_ROWS = 500


@strawberry.enum(description="Where an import stands.")
class ImportStatus(Enum):
    PLANNED = strawberry.enum_value("planned", description="Read and compared; waiting for decisions and apply.")
    APPLYING = strawberry.enum_value(
        "applying",
        description="Being checked and written after `applyImport` answered: poll `importJob` (see `progress`).",
    )
    APPLIED = strawberry.enum_value("applied", description="Written; `result` says what it did.")
    FAILED = strawberry.enum_value(
        "failed",
        description="The apply was refused (see `errors`; nothing was written: decide and apply again), or it "
        "stopped while writing (see `stopped`, and `errors` if it was refused between batches; apply again to "
        "finish it).",
    )


@strawberry.enum(description="A reviewer's decision on an actor row (or, with `cooperation`, a cooperation).")
class ImportDecisionKind(Enum):
    MERGE = strawberry.enum_value(
        "merge", description="The row is an actor kiezgraph has (`intoActor`) or another row (`intoRow`)."
    )
    CREATE = strawberry.enum_value("create", description="Create a new actor from the row.")
    SKIP = strawberry.enum_value("skip", description="Leave the row (or the cooperation) out.")


@strawberry.type(description="A finding about a cell, a row, a sheet or the file, in German and English.")
class ImportIssue:
    code: str = strawberry.field(description="What was found, as a stable code (e.g. `type_missing`).")
    severity: str = strawberry.field(description="`error` (the row is not imported), `warning` or `notice`.")
    sheet: str | None = strawberry.field(description="The sheet, as the file names it.")
    row: int | None = strawberry.field(description="The row number Excel shows.")
    column: str | None = strawberry.field(description="The column letter Excel shows (`B`).")
    header: str | None = strawberry.field(description="The column's header as the file has it.")
    message_de: str = strawberry.field(description="The finding in plain German.")
    message_en: str = strawberry.field(description="The finding in plain English.")

    @classmethod
    def of(cls, i: Issue) -> ImportIssue:
        cell = i.cell
        column = "".join(ch for ch in cell.split(" ")[0] if ch.isalpha()) if i.column is not None else None
        return cls(
            code=i.code.value,
            severity=i.severity.value,
            sheet=i.sheet,
            row=i.row,
            column=column or None,
            header=i.header,
            message_de=i.text("de"),
            message_en=i.text("en"),
        )


@strawberry.type(description="An existing actor a row may be, and why.")
class ImportCandidate:
    actor_id: strawberry.ID = strawberry.field(description="The actor's global id (to send as `intoActor`).")
    name: str = strawberry.field(description="The actor's name.")
    type: str = strawberry.field(description="The actor's type (`Institution`, `Initiative`, …).")
    reason: str = strawberry.field(
        description="`same_id`, `same_name` (equal after folding), `similar_name` or `same_address`."
    )
    score: int = strawberry.field(description="Similarity of the names, 0 to 100.")

    @classmethod
    def of(cls, c: Candidate) -> ImportCandidate:
        return cls(
            actor_id=strawberry.ID(ids.encode("Actor", c.actor_id)),
            name=c.name,
            type=c.type,
            reason=c.reason.value,
            score=c.score,
        )


@strawberry.type(
    description="A contact person (personal data) the apply adds to the actor a row becomes or is merged into, "
    "as `addContactPerson` would. Listed only where the importer may add contact persons to that actor."
)
class ImportContactPerson:
    name: str = strawberry.field(description="The person's name, as read.")
    function: str | None = strawberry.field(description="Their function (e.g. `Leitung`), as read.")
    email: str | None = strawberry.field(description="Their e-mail address, as read.")
    phone: str | None = strawberry.field(description="Their phone number, as read.")

    @classmethod
    def of(cls, p: PlannedPerson) -> ImportContactPerson:
        c = p.contact
        return cls(name=c.name or "", function=c.function, email=c.email, phone=c.phone)


@strawberry.type(description="What the plan does with one actor row.")
class ImportActorRow:
    sheet: str = strawberry.field(description="The sheet.")
    row: int = strawberry.field(description="The row number Excel shows.")
    name: str | None = strawberry.field(description="The actor's name as read.")
    type: str | None = strawberry.field(description="The actor's type as read (null: not recognised).")
    outcome: str = strawberry.field(
        description="`new`, `existing`, `possible_match`, `duplicate_in_file`, `similar_in_file` or `error`."
    )
    decision: str | None = strawberry.field(description="`merge`, `create` or `skip`; null: waits for a decision.")
    into_actor: strawberry.ID | None = strawberry.field(description="For a merge: the existing actor.")
    into_row: str | None = strawberry.field(description="For a merge into another row: `Sheet!row`.")
    duplicate_of: str | None = strawberry.field(description="An earlier row with the same or a similar name.")
    candidates: list[ImportCandidate] = strawberry.field(description="Existing actors it may be, best first.")
    issues: list[ImportIssue] = strawberry.field(
        description="What was found in the row; for a row merged into an existing actor also what it adds to "
        "that actor (`MERGE_ADDS`) and, per field, where the file differs from it (`MERGE_CONFLICT`: the "
        "existing value is kept); and about its contact persons: added (`CONTACT_ADDS`), differing from a "
        "person the actor has (`CONTACT_CONFLICT`: kept), refused by `addContactPerson`'s checks "
        "(`CONTACT_INVALID`) or left out because the importer may not add contact persons to that actor "
        "(`CONTACT_NOT_ALLOWED`: the rest of the row is imported; the note shows none of their data)."
    )
    adds_contact_persons: list[ImportContactPerson] = strawberry.field(
        description="The contact persons the apply adds for this row (none where the actor already has a person "
        "of the same name or e-mail address, or where the importer may not add contact persons)."
    )

    @classmethod
    def of(
        cls, s: ActorStep, merge_findings: Sequence[Issue] = (), persons: Sequence[PlannedPerson] = ()
    ) -> ImportActorRow:
        a, d = s.row.actor, s.decision
        return cls(
            sheet=s.key.sheet,
            row=s.key.row,
            name=a.name if a else None,
            type=a.type if a else None,
            outcome=s.outcome.value,
            decision=d.kind.value if d else None,
            into_actor=strawberry.ID(ids.encode("Actor", d.into_actor)) if d and d.into_actor else None,
            into_row=str(d.into_row) if d and d.into_row else None,
            duplicate_of=str(s.duplicate_of.row) if s.duplicate_of else None,
            candidates=[ImportCandidate.of(c) for c in s.candidates],
            issues=[ImportIssue.of(i) for i in (*s.row.issues, *merge_findings)],
            adds_contact_persons=[ImportContactPerson.of(p) for p in persons],
        )


@strawberry.type(description="What the plan does with one cooperation.")
class ImportCooperationRow:
    sheet: str = strawberry.field(description="The sheet.")
    row: int = strawberry.field(description="The row number Excel shows.")
    index: int = strawberry.field(description="Which cooperation of the row (a `Partner` cell may name several).")
    a: str = strawberry.field(description="One actor, as the file names it.")
    b: str = strawberry.field(description="The other actor, as the file names it.")
    kind: str | None = strawberry.field(description="The kind of cooperation, as stored (`project_partnership`).")
    outcome: str = strawberry.field(
        description="`new`, `exists`, `duplicate_in_file`, `unknown_partner`, `partner_not_imported` or `error`."
    )
    skipped: bool = strawberry.field(description="Whether the reviewer left it out.")
    issues: list[ImportIssue] = strawberry.field(description="What was found about it.")

    @classmethod
    def of(cls, s: CooperationStep) -> ImportCooperationRow:
        c = s.row.cooperation
        return cls(
            sheet=s.key.sheet,
            row=s.key.row,
            index=s.index,
            a=str(c.a) if c else "",
            b=str(c.b) if c else "",
            kind=c.kind if c else None,
            outcome=s.outcome.value,
            skipped=s.skipped,
            issues=[ImportIssue.of(i) for i in (*s.row.issues, *s.issues)],
        )


@strawberry.type(description="How many rows end one way (e.g. `actors.new`, `cooperations.exists`, `undecided`).")
class ImportCount:
    name: str = strawberry.field(
        description="`actors.<outcome>`, `cooperations.<outcome>`, `undecided`, `merges.adding` (existing actors "
        "that get something added), `merges.conflicts` (fields where the file differs from kiezgraph), "
        "`contacts.adding`, `contacts.conflicts`, `contacts.invalid` or `contacts.notAllowed` (rows whose contact "
        "persons are left out for want of the right)."
    )
    count: int = strawberry.field(description="How many.")


@strawberry.type(description="How far an apply has come.")
class ImportProgress:
    stage: str = strawberry.field(
        description="`planned`, `planning` (compared with the database again and checked), `writing`, `actors`, "
        "`merges` (additions to existing actors), `cooperations` or `applied`."
    )
    done: int = strawberry.field(description="Rows of this stage written.")
    total: int = strawberry.field(description="Rows of this stage to write.")
    rows_done: int = strawberry.field(description="Rows written so far, over all stages.")
    rows_total: int = strawberry.field(description="Rows the apply writes in all (0 until they are checked).")


@strawberry.type(description="What an applied import did.")
class ImportResult:
    key: str = strawberry.field(description="The import key: the same file, options and decisions give the same.")
    actors_created: int = strawberry.field(description="New actors.")
    actors_merged: int = strawberry.field(description="Rows that were actors kiezgraph had.")
    actors_updated: int = strawberry.field(
        description="Actors kiezgraph had that merged rows added to (memberships, action fields, tags, website, "
        "address: only what they lacked)."
    )
    actors_skipped: int = strawberry.field(description="Rows left out (skipped or with errors).")
    cooperations_created: int = strawberry.field(description="New cooperations.")
    cooperations_existing: int = strawberry.field(description="Cooperations kiezgraph (or the file) had already.")
    cooperations_skipped: int = strawberry.field(description="Cooperations left out.")
    contact_persons_created: int = strawberry.field(
        description="Contact persons added (each with its own audit record, erasable with `erasePerson`)."
    )
    replayed: bool = strawberry.field(description="True if this import had been applied before: nothing was written.")

    @classmethod
    def of(cls, r: Applied) -> ImportResult:
        return cls(
            key=r.key,
            actors_created=r.actors_created,
            actors_merged=r.actors_merged,
            actors_updated=r.actors_updated,
            actors_skipped=r.actors_skipped,
            cooperations_created=r.cooperations_created,
            cooperations_existing=r.cooperations_existing,
            cooperations_skipped=r.cooperations_skipped,
            contact_persons_created=r.contact_persons_created,
            replayed=r.replayed,
        )


First = Annotated[int, strawberry.argument(description=f"How many rows (at most {MAX_ROWS}).")]
Offset = Annotated[int, strawberry.argument(description="How many rows to pass over first.")]
Outcomes = Annotated[
    list[str] | None, strawberry.argument(description="Only rows with these outcomes (e.g. `possible_match`).")
]


def _window(first: int, offset: int) -> slice:
    return slice(max(offset, 0), max(offset, 0) + max(0, min(first, MAX_ROWS)))


@strawberry.type(description="An uploaded partner list on its way in: its plan, decisions, status and result.")
class Import:
    job: strawberry.Private[ImportJob]

    @strawberry.field(description="The import's id (for `reviewImport`, `applyImport` and `importJob`).")
    def id(self) -> strawberry.ID:
        return strawberry.ID(self.job.id)

    @strawberry.field(description="The file's name as uploaded.")
    def file_name(self) -> str:
        return self.job.file

    @strawberry.field(description="Where the import stands.")
    def status(self) -> ImportStatus:
        return ImportStatus(self.job.status.value)

    @strawberry.field(description="How far an apply has come (poll `importJob` while the status is `APPLYING`).")
    def progress(self) -> ImportProgress:
        j = self.job
        return ImportProgress(stage=j.stage, done=j.done, total=j.total, rows_done=j.rows_done, rows_total=j.rows_total)

    @strawberry.field(
        description="Why the last apply stopped before it finished (the database failed, the service stopped, "
        "the token that started it was revoked or expired); "
        "whole batches written stay, and applying the import again writes the rest and nothing twice. Null otherwise."
    )
    def stopped(self) -> str | None:
        return localized(self.job.stopped) if self.job.stopped is not None else None

    @strawberry.field(description="How many rows end how; `undecided` counts rows waiting for a decision.")
    def summary(self) -> list[ImportCount]:
        j = self.job
        counts = j.stored_summary if j.stored_summary is not None else j.plan.summary()
        return [ImportCount(name=k, count=v) for k, v in counts.items()]

    @strawberry.field(
        description="Findings about the file and its sheets (not about a row); empty on another instance, "
        "as `actorRows`."
    )
    def file_issues(self) -> list[ImportIssue]:
        return [ImportIssue.of(i) for i in self.job.plan.issues]

    @strawberry.field(
        description="The plan's actor rows, in file order. Empty when `importJob` is answered by another instance "
        "than the one the file was uploaded to (it has the status, progress, result and `summary`, saved in Neo4j; "
        "review and apply go to the instance that holds the upload)."
    )
    def actor_rows(self, first: First = 100, offset: Offset = 0, outcomes: Outcomes = None) -> list[ImportActorRow]:
        rows = [s for s in self.job.plan.actors if outcomes is None or s.outcome.value in outcomes]
        merges, contacts = self.job.plan.merges, self.job.plan.contacts
        return [
            ImportActorRow.of(s, (*merges.of(s.key), *contacts.of(s.key)), contacts.adding(s.key))
            for s in rows[_window(first, offset)]
        ]

    @strawberry.field(description="The plan's cooperations, in file order (empty on another instance, as `actorRows`).")
    def cooperation_rows(
        self, first: First = 100, offset: Offset = 0, outcomes: Outcomes = None
    ) -> list[ImportCooperationRow]:
        rows = [s for s in self.job.plan.cooperations if outcomes is None or s.outcome.value in outcomes]
        return [ImportCooperationRow.of(s) for s in rows[_window(first, offset)]]

    @strawberry.field(description="What the apply did; null until it is applied.")
    def result(self) -> ImportResult | None:
        return ImportResult.of(self.job.result) if self.job.result else None

    @strawberry.field(description="Why the last apply was refused; empty otherwise.")
    def errors(self) -> list[UserError]:
        return [user_error(e) for e in self.job.errors]


@strawberry.input(description="A decision on one row of the plan.")
class ImportDecisionInput:
    sheet: str = strawberry.field(description="The row's sheet.")
    row: int = strawberry.field(description="The row number Excel shows.")
    decision: ImportDecisionKind = strawberry.field(description="Merge, create or skip.")
    into_actor: strawberry.ID | None = strawberry.field(
        default=None, description="For a merge into an existing actor: its id (from `candidates`)."
    )
    into_sheet: str | None = strawberry.field(
        default=None, description="For a merge into another row: its sheet (default: the same)."
    )
    into_row: int | None = strawberry.field(default=None, description="For a merge into another row: its number.")
    cooperation: int | None = strawberry.field(
        default=None, description="Decide on the row's n-th cooperation (from 0) instead: `skip` only."
    )

    def command(self) -> RowDecision:
        return RowDecision(
            self.sheet,
            self.row,
            DecisionKind(str(self.decision.value)),
            self.into_actor,
            self.into_sheet,
            self.into_row,
            self.cooperation,
        )


@strawberry.type(description="An import after a mutation, or why the mutation was refused.")
class ImportPayload:
    import_: Import | None = strawberry.field(name="import", description="The import; null if the request was refused.")
    errors: list[UserError] = strawberry.field(description="Why it was refused; empty on success.")

    @classmethod
    def of(cls, outcome: Outcome[ImportJob]) -> ImportPayload:
        job = outcome.value if not outcome.errors else None
        return cls(import_=Import(job=job) if job else None, errors=[user_error(e) for e in outcome.errors])


__all__ = ["Import", "ImportDecisionInput", "ImportPayload", "JobStatus"]
