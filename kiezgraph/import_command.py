"""``kiezgraph import FILE``: read a partner list, print its plan, and apply it with ``--apply``.

The command works on the database directly, as an administrator would (its audit records name
``cli:<user>``); the plan, the decisions and the apply are those of the GraphQL import
(resolvers/imports.py). Without ``--apply`` it is a dry run and writes nothing.
"""

from __future__ import annotations

import argparse
import getpass
import sys
import time
from pathlib import Path
from typing import TextIO

from core.access import Principal, Role
from core.context import Context
from exchange.mapping import MappingError, Options, load
from exchange.messages import Issue, Language
from exchange.plan import ActorOutcome, DecisionKind, ImportPlan
from exchange.sources import ReadError
from graph import migrations
from graph.db import Database
from resolvers import imports

_SHOWN = 20  # rows listed per kind of finding


def add_parser(commands: argparse._SubParsersAction) -> argparse.ArgumentParser:  # type: ignore[type-arg]
    p: argparse.ArgumentParser = commands.add_parser(
        "import",
        help="import a partner list (XLSX, ODS, CSV): print the plan; --apply writes it",
        description="Read a partner list, compare it with the network and print the plan. With --apply, "
        "write it (all or nothing). Rows that need a decision are listed; decide with --decide.",
    )
    p.add_argument("file", type=Path, help="the partner list (.xlsx, .xlsm, .xls, .ods, .csv)")
    p.add_argument("--quarter", help="the quarter (slug) of rows that name none, e.g. rollberg")
    p.add_argument("--sheet", help="read only this sheet")
    p.add_argument("--mapping", type=Path, help="a mapping file (YAML or JSON) for headers and labels")
    p.add_argument("--apply", action="store_true", help="write the plan (default: a dry run)")
    p.add_argument("--dry-run", action="store_true", help="only print the plan (the default)")
    p.add_argument(
        "--decide",
        action="append",
        default=[],
        metavar="ROW=DECISION",
        help="decide on a row: 'Partner!7=create', '=skip', '=merge:<actor id>' or '=row:Partner!5'; repeatable",
    )
    p.add_argument("--create-undecided", action="store_true", help="create every row still waiting for a decision")
    p.add_argument("--skip-undecided", action="store_true", help="skip every row still waiting for a decision")
    p.add_argument("--language", choices=["de", "en"], default="de", help="language of the messages (default de)")
    return p


class Bar:
    """A progress line on stderr: stage, rows done of total, rows per second, time left."""

    def __init__(self, out: TextIO | None = None) -> None:
        self.out = out or sys.stderr
        self.started: dict[str, float] = {}

    def __call__(self, stage: str, done: int, total: int) -> None:
        start = self.started.setdefault(stage, time.monotonic() - 1e-6)
        elapsed = time.monotonic() - start
        rate = done / elapsed if elapsed > 0 else 0.0
        left = (total - done) / rate if rate > 0 else 0.0
        width = 30
        filled = int(width * done / total) if total else width
        self.out.write(
            f"\r{stage:<13} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}"
            f"  {rate:,.0f} rows/s  ETA {left:.0f} s"
        )
        if done >= total:
            self.out.write("\n")
        self.out.flush()


def parse_decision(text: str) -> imports.RowDecision:
    """``Partner!7=create`` → a decision; ValueError with a plain message otherwise."""
    row, _, what = text.partition("=")
    sheet, _, number = row.rpartition("!")
    if not sheet or not number.isdigit() or not what:
        raise ValueError(f"--decide {text!r}: write ROW=DECISION, e.g. Partner!7=create")
    kind, _, target = what.partition(":")
    if kind in ("create", "skip") and not target:
        return imports.RowDecision(sheet, int(number), DecisionKind(kind))
    if kind == "merge" and target:
        return imports.RowDecision(sheet, int(number), DecisionKind.MERGE, into_actor=target)
    if kind == "row" and target:
        other_sheet, _, other = target.rpartition("!")
        if other.isdigit():
            return imports.RowDecision(
                sheet, int(number), DecisionKind.MERGE, into_sheet=other_sheet or sheet, into_row=int(other)
            )
    raise ValueError(f"--decide {text!r}: the decision is create, skip, merge:<actor id> or row:<Sheet!row>")


def print_plan(plan: ImportPlan, language: Language, out: TextIO) -> None:
    """The summary, then rows with errors, rows waiting for a decision, and cooperations not imported."""
    for key, value in plan.summary().items():
        out.write(f"  {key:<36} {value}\n")
    for i in plan.issues:
        out.write(f"  ! {i.text(language)}\n")
    errors = [(str(s.key), i) for s in plan.actors for i in s.row.issues if i.is_error]
    errors += [(str(c.key), i) for c in plan.cooperations for i in (*c.row.issues, *c.issues) if i.is_error]
    _issues(out, "Errors", errors, language)
    waiting = [s for s in plan.actors if s.decision is None]
    if waiting:
        out.write(f"\nWaiting for a decision ({len(waiting)}; --decide ROW=create|skip|merge:<id>|row:<Sheet!row>):\n")
        for s in waiting[:_SHOWN]:
            name = s.row.actor.name if s.row.actor else ""
            maybe = [f"{c.name} [{c.actor_id}] ({c.reason}, {c.score})" for c in s.candidates]
            if s.duplicate_of is not None:
                maybe.append(f"row {s.duplicate_of.row} {s.duplicate_of.name} ({s.duplicate_of.score})")
            out.write(f"  {s.key} {name}: {s.outcome.value}; maybe {'; '.join(maybe)}\n")
        if len(waiting) > _SHOWN:
            out.write(f"  … and {len(waiting) - _SHOWN} more\n")
    merged = [s for s in plan.actors if s.outcome is ActorOutcome.EXISTING]
    if merged:
        out.write(f"\nAlready in kiezgraph ({len(merged)}, merged into the existing actor):\n")
        for s in merged[:_SHOWN]:
            out.write(f"  {s.key} {s.row.actor.name if s.row.actor else ''}\n")
    findings = [(str(key), i) for key, found in plan.merges.findings.items() for i in found]
    _issues(out, "Added to existing actors, and conflicts (the existing value is kept)", findings, language)
    people = [(str(key), i) for key, found in plan.contacts.findings.items() for i in found]
    _issues(out, "Contact persons", people, language)


def _issues(out: TextIO, title: str, found: list[tuple[str, Issue]], language: Language) -> None:
    """A titled list of row notes, the first :data:`_SHOWN` of them, the rest counted."""
    if not found:
        return
    out.write(f"\n{title} ({len(found)}):\n")
    for key, i in found[:_SHOWN]:
        out.write(f"  {key}: {i.text(language)}\n")
    if len(found) > _SHOWN:
        out.write(f"  … and {len(found) - _SHOWN} more\n")


def _decisions(args: argparse.Namespace, plan: ImportPlan) -> list[imports.RowDecision]:
    decided = [parse_decision(d) for d in args.decide]
    named = {(d.sheet, d.row) for d in decided}
    bulk = DecisionKind.CREATE if args.create_undecided else DecisionKind.SKIP if args.skip_undecided else None
    if bulk is not None:
        decided += [
            imports.RowDecision(s.key.sheet, s.key.row, bulk)
            for s in plan.actors
            if s.decision is None and (s.key.sheet, s.key.row) not in named
        ]
    return decided


async def run(db: Database, args: argparse.Namespace, out: TextIO | None = None) -> int:
    """The command's work; the exit code (0 done, 1 refused or unreadable, 2 waiting for decisions)."""
    out = out or sys.stdout
    language: Language = args.language
    try:
        options = load(args.mapping) if args.mapping else Options()
        options = options.merged(Options(quarter=args.quarter.lower() if args.quarter else None, sheet=args.sheet))
        started = time.monotonic()
        parsed = imports.read_file(args.file, options)
    except (MappingError, ReadError) as exc:
        out.write(f"kiezgraph import: {exc}\n")
        return 1
    if any(i.is_error for i in parsed.issues):
        for i in parsed.issues:
            out.write(f"kiezgraph import: {i.text(language)}\n")
        return 1
    rows = len(parsed.actors) + len(parsed.cooperations)
    read_s = time.monotonic() - started
    out.write(f"{args.file.name}: {rows} rows read in {read_s:.1f} s ({rows / max(read_s, 1e-6):,.0f} rows/s)\n")
    await migrations.migrate(db)
    # The command acts as an administrator (its audit records name the user running it).
    principal = Principal(Role.ADMIN, token_id=f"cli:{getpass.getuser()}")
    try:
        first = await imports.plan(db, parsed, principal)
        decisions = _decisions(args, first)
        plan = await imports.reviewed(db, first, decisions, principal)
    except ValueError as exc:  # a --decide the command or the plan cannot take
        out.write(f"kiezgraph import: {exc}\n")
        return 1
    print_plan(plan, language, out)
    if not args.apply or args.dry_run:
        out.write("\nDry run: nothing was written. Add --apply to import.\n")
        return 2 if plan.undecided else 0
    if plan.undecided:
        out.write("\nNothing was written: decide on the rows above (or --create-undecided / --skip-undecided).\n")
        return 2
    ctx = Context.for_request(db, principal=principal)
    digest = imports.digest(args.file.read_bytes())
    key = imports.import_key(digest, options, decisions)
    started = time.monotonic()
    outcome = await imports.apply(ctx, parsed, decisions, key=key, file=args.file.name, progress=Bar())
    if outcome.errors or outcome.value is None:
        out.write("\nNothing was written:\n")
        for e in outcome.errors[:_SHOWN]:
            out.write(f"  {e.message}\n")
        return 1
    r = outcome.value
    took = time.monotonic() - started
    if r.replayed:
        out.write("\nThis import was applied before; nothing was written again.\n")
    out.write(
        f"\nImported in {took:.1f} s: {r.actors_created} actors created, {r.actors_merged} merged into existing "
        f"ones, {r.actors_skipped} skipped; {r.cooperations_created} cooperations created, "
        f"{r.cooperations_existing} existed already, {r.cooperations_skipped} skipped; "
        f"{r.contact_persons_created} contact persons added. Import key {r.key[:12]}.\n"
    )
    return 0
