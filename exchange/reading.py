"""From a file to records: every sheet's header found, every row read into an actor or cooperations.

:func:`read` streams the rows of each sheet once and keeps only the compact records
(:mod:`exchange.model`) with what it found about each row. What a row cannot be read as is an
:class:`~exchange.messages.Issue` pointing at the cell — an *error* when the row cannot be
imported as it stands (no name, an unknown quarter, an impossible date), a *warning* when the
row can be imported and something was left out or guessed (an invalid e-mail address, a type
taken from the name).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import BinaryIO, Final, TypeVar

from exchange import values
from exchange.headers import SCAN_ROWS, Column, Layout, SheetKind, detect, layout
from exchange.mapping import Options
from exchange.messages import Code, Issue, Severity, column_letter, issue
from exchange.model import (
    ActorRef,
    ActorRow,
    Contact,
    CooperationRow,
    Membership,
    ParsedFile,
    RowKey,
    SheetActor,
    SheetCooperation,
    SheetReport,
)
from exchange.sources import Sheet, open_workbook
from exchange.values import Raw, ValueProblem
from exchange.vocabulary import (
    KIND_NOISE,
    TypeGuess,
    Vocabulary,
    guess_from_words,
    institution_kind_of,
    label_key,
    legal_form_of,
    ownership_of,
)

MAX_NAME: Final = 200  # as the mutations allow (resolvers/validation.py)
MAX_TEXT: Final = 5000
_PERIOD_IN_CELL: Final = re.compile(r"^(?P<name>.*?)\s*\((?P<period>[^()]*)\)\s*$")
_PERIOD_SPLIT: Final = re.compile(r"\s*(?:–|—|\s-\s|\sbis\s|(?<=\d{4})-(?=\d{4}$))\s*")
T = TypeVar("T")
_Parser = Callable[[Raw], T | None]


@dataclass
class _Row:
    """One data row while it is read: its cells by column, and the findings."""

    sheet: str
    number: int
    cells: list[Raw]
    issues: list[Issue] = field(default_factory=list)

    def raw(self, column: Column) -> Raw:
        i = column.index - 1
        return self.cells[i] if i < len(self.cells) else None

    def find(self, code: Code, severity: Severity, column: Column | None, **params: object) -> None:
        self.issues.append(
            issue(
                code,
                severity,
                sheet=self.sheet,
                row=self.number,
                column=column.index if column else None,
                header=column.header if column else None,
                **params,
            )
        )

    def read(self, column: Column, parse: _Parser[T], severity: Severity = Severity.ERROR) -> T | None:
        try:
            return parse(self.raw(column))
        except ValueProblem as problem:
            self.find(problem.code, severity, column, **problem.params)
            return None


def read(
    source: str | Path | BinaryIO,
    options: Options | None = None,
    vocabulary: Vocabulary | None = None,
    *,
    name: str | None = None,
) -> ParsedFile:
    """Read every sheet of a workbook or CSV file (or the one ``options.sheet`` names)."""
    options = options or Options()
    vocab = options.vocabulary(vocabulary or Vocabulary.from_seeds())
    actors: list[ActorRow] = []
    cooperations: list[CooperationRow] = []
    reports: list[SheetReport] = []
    file_issues: list[Issue] = []
    with open_workbook(source, name) as book:
        names = [s.name for s in book.sheets]
        if options.sheet is not None and options.sheet not in names:
            file_issues.append(
                issue(Code.SHEET_NOT_FOUND, Severity.ERROR, sheet=options.sheet, sheets=", ".join(names))
            )
        for sheet in book.sheets:
            if options.sheet is not None and sheet.name != options.sheet:
                continue
            if sheet.hidden and options.sheet is None and sheet.name not in options.sheets:
                file_issues.append(issue(Code.SHEET_HIDDEN, Severity.NOTICE, sheet=sheet.name))
                continue
            _read_sheet(sheet, options, vocab, actors, cooperations, reports, file_issues)
    if not actors and not cooperations and not any(i.is_error for i in file_issues):
        file_issues.append(issue(Code.NO_ACTORS, Severity.ERROR))
    return ParsedFile(tuple(actors), tuple(cooperations), tuple(reports), tuple(file_issues))


def _read_sheet(
    sheet: Sheet,
    options: Options,
    vocab: Vocabulary,
    actors: list[ActorRow],
    cooperations: list[CooperationRow],
    reports: list[SheetReport],
    file_issues: list[Issue],
) -> None:
    rows = sheet.rows()
    head: list[list[Raw]] = []
    for row in rows:
        head.append(row)
        if len(head) >= SCAN_ROWS:
            break
    forced = options.sheets.get(sheet.name)
    if forced is SheetKind.SKIP:
        file_issues.append(issue(Code.SHEET_SKIPPED, Severity.NOTICE, sheet=sheet.name, kind_key="kind_skip"))
        return
    found = detect(head, (), options.columns, forced, options.header_row)
    if found is None:
        if any(values.text(v) for row in head for v in row):
            file_issues.append(issue(Code.SHEET_NO_HEADER, Severity.NOTICE, sheet=sheet.name, rows=SCAN_ROWS))
        return
    kind, header_rows, labels = found
    if kind in (SheetKind.QUARTERS, SheetKind.PROPERTIES):
        file_issues.append(issue(Code.SHEET_SKIPPED, Severity.NOTICE, sheet=sheet.name, kind_key=f"kind_{kind}"))
        return
    shape, column_issues = layout(kind, header_rows, labels, options.columns, sheet.name)
    file_issues.extend(column_issues)
    header_texts = [values.text(v) for v in head[shape.header_rows[-1] - 1]]
    head_start = head[shape.header_rows[-1] - 1][:1]  # a cheap first check for repeated header rows
    count = 0
    for number, cells in _numbered(head, rows, shape.first_data_row):
        if not any(values.text(v) for v in cells):
            continue
        current = _Row(sheet.name, number, cells)
        if cells[:1] == head_start and [values.text(v) for v in cells[: len(header_texts)]] == header_texts:
            current.find(Code.REPEATED_HEADER, Severity.NOTICE, None)
            file_issues.extend(current.issues)
            continue
        count += 1
        if kind is SheetKind.ACTORS:
            actor_row, partner_rows = _actor(current, shape, vocab, options)
            actors.append(actor_row)
            cooperations.extend(partner_rows)
        else:
            cooperations.extend(_cooperations(current, shape, vocab))
    reports.append(
        SheetReport(
            sheet.name,
            kind.value,
            shape.header_rows,
            tuple((column_letter(c.index), c.header, c.field) for c in shape.columns),
            count,
        )
    )


def _numbered(head: list[list[Raw]], rest: Iterator[list[Raw]], first: int) -> Iterator[tuple[int, list[Raw]]]:
    number = 0
    for row in head:
        number += 1
        if number >= first:
            yield number, row
    for row in rest:
        number += 1
        if number >= first:
            yield number, row


def _columns(shape: Layout, name: str) -> list[Column]:
    return shape.by_field.get(name, [])


def _first(shape: Layout, name: str) -> Column | None:
    found = shape.by_field.get(name)
    return found[0] if found else None


# ---- actors --------------------------------------------------------------------------------


def _actor(row: _Row, shape: Layout, vocab: Vocabulary, options: Options) -> tuple[ActorRow, list[CooperationRow]]:
    key = RowKey(row.sheet, row.number)
    name_col = _first(shape, "name")
    name = values.text(row.raw(name_col)) if name_col else None
    if name is None:
        row.find(Code.NAME_MISSING, Severity.ERROR, name_col)
    elif len(name) > MAX_NAME:
        row.find(Code.NAME_TOO_LONG, Severity.ERROR, name_col, limit=MAX_NAME)
    guess = _type(row, shape, vocab, name)
    street, postal_code, city = _address(row, shape)
    actor = SheetActor(
        name=name or "",
        type=guess.type if guess else None,
        ref=_text(row, shape, "ref"),
        institution_kind=guess.institution_kind if guess else None,
        legal_form=guess.legal_form if guess else None,
        ownership=guess.ownership if guess else None,
        sector=_text(row, shape, "sector"),
        social_enterprise=guess.social_enterprise if guess else None,
        operator=_text(row, shape, "operator"),
        alt_names=tuple(dict.fromkeys(v for c in _columns(shape, "alt_names") for v in values.items(row.raw(c)))),
        street=street,
        postal_code=postal_code,
        city=city,
        location=_location(row, shape),
        website=_read_first(row, shape, "website", values.website, Severity.WARNING),
        action_fields=_action_fields(row, shape, vocab),
        memberships=_memberships(row, shape, vocab, options),
        tags=tuple(dict.fromkeys(v for c in _columns(shape, "tags") for v in values.items(row.raw(c)))),
        description=_long_text(row, shape, "description"),
        contacts=_contacts(row, shape),
        synthetic=bool(_read_first(row, shape, "synthetic", values.flag, Severity.WARNING)),
    )
    partners = _partners(row, shape, vocab, actor) if name else []
    # A row with a name keeps its record even when it has errors: cooperations that name it then
    # say "not imported (row with errors)" rather than "unknown partner".
    readable = name is not None and len(name) <= MAX_NAME
    return ActorRow(key, actor if readable else None, tuple(row.issues), name_col.index if name_col else None), partners


def _text(row: _Row, shape: Layout, name: str) -> str | None:
    column = _first(shape, name)
    return values.text(row.raw(column)) if column else None


def _long_text(row: _Row, shape: Layout, name: str) -> str | None:
    parts = [t for c in _columns(shape, name) if (t := values.paragraphs(row.raw(c)))]
    joined = "\n".join(parts) or None
    if joined and len(joined) > MAX_TEXT:
        row.find(Code.TEXT_TOO_LONG, Severity.ERROR, _first(shape, name), limit=MAX_TEXT)
    return joined


def _read_first(row: _Row, shape: Layout, name: str, parse: _Parser[T], severity: Severity) -> T | None:
    for column in _columns(shape, name):
        value = row.read(column, parse, severity)
        if value is not None:
            return value
    return None


def _type(row: _Row, shape: Layout, vocab: Vocabulary, name: str | None) -> TypeGuess | None:
    """The type from the type columns (several may say something); else from the name, with a warning."""
    guess: TypeGuess | None = None
    type_columns = _columns(shape, "type")
    for column in type_columns:
        label = values.text(row.raw(column))
        if label is None:
            continue
        found = vocab.type_of(label)
        if found is None:
            row.find(Code.TYPE_UNKNOWN, Severity.ERROR, column, value=label)
        elif guess is None:
            guess = found
        elif found.type == guess.type:
            guess = _fill(guess, found)
    if guess is None and not any(i.code is Code.TYPE_UNKNOWN for i in row.issues):
        kind_column = _first(shape, "institution_kind")
        label = values.text(row.raw(kind_column)) if kind_column else None
        if label and (kind := institution_kind_of(label)):
            guess = TypeGuess("Institution", institution_kind=kind)
        if guess is None and name:
            inferred = guess_from_words(name)
            if inferred:
                guess = inferred
                row.find(
                    Code.TYPE_INFERRED,
                    Severity.WARNING,
                    type_columns[0] if type_columns else None,
                    type=inferred.label(),
                )
        if guess is None:
            row.find(Code.TYPE_MISSING, Severity.ERROR, type_columns[0] if type_columns else _first(shape, "name"))
    if guess is not None:
        guess = _details(row, shape, guess)
    return guess


def _fill(base: TypeGuess, more: TypeGuess) -> TypeGuess:
    return TypeGuess(
        base.type,
        base.institution_kind or more.institution_kind,
        base.legal_form or more.legal_form,
        base.ownership or more.ownership,
        base.social_enterprise if base.social_enterprise is not None else more.social_enterprise,
    )


def _details(row: _Row, shape: Layout, guess: TypeGuess) -> TypeGuess:
    """Institution kind, legal form and ownership columns, where they fit the type."""
    details = {
        "institution_kind": (institution_kind_of, "Institution"),
        "legal_form": (legal_form_of, "Initiative"),
        "ownership": (ownership_of, "HousingAssociation"),
    }
    for name, (lookup, fits) in details.items():
        for column in _columns(shape, name):
            label = values.text(row.raw(column))
            if label is None:
                continue
            value = lookup(label)
            if value is not None and guess.type == fits:
                guess = _with_detail(guess, name, value)
            elif name == "legal_form" and value == "ggmbh" and guess.type == "Company":
                guess = replace(guess, social_enterprise=True)
            else:
                row.find(Code.TYPE_CONFLICT, Severity.WARNING, column, value=label, type=guess.type)
    return guess


def _with_detail(guess: TypeGuess, name: str, value: str) -> TypeGuess:
    if name == "institution_kind":
        return replace(guess, institution_kind=value)
    if name == "legal_form":
        return replace(guess, legal_form=value)
    return replace(guess, ownership=value)


def _address(row: _Row, shape: Layout) -> tuple[str | None, str | None, str | None]:
    street = _text(row, shape, "street")
    number = _text(row, shape, "house_number")
    if street and number:
        street = f"{street} {number}"
    postal_code = _text(row, shape, "postal_code")
    city = _text(row, shape, "city")
    for column in _columns(shape, "address"):
        whole = values.address(row.raw(column))
        if whole:
            street = street or whole.street
            postal_code = postal_code or whole.postal_code
            city = city or whole.city
    return street, postal_code, city


def _location(row: _Row, shape: Layout) -> tuple[float, float] | None:
    lat_col, lon_col = _first(shape, "latitude"), _first(shape, "longitude")
    lat = row.read(lat_col, lambda v: values.coordinate(v, 90), Severity.WARNING) if lat_col else None
    lon = row.read(lon_col, lambda v: values.coordinate(v, 180), Severity.WARNING) if lon_col else None
    if lat is not None and lon is not None:
        return lat, lon
    if (lat is None) != (lon is None):
        row.find(Code.COORDINATES_INCOMPLETE, Severity.WARNING, lat_col if lat is not None else lon_col)
    return _read_first(row, shape, "coordinates", values.coordinate_pair, Severity.WARNING)


def _action_fields(row: _Row, shape: Layout, vocab: Vocabulary) -> tuple[str, ...]:
    found: list[str] = []
    for column in _columns(shape, "action_fields"):
        cell = values.text(row.raw(column)) if not isinstance(row.raw(column), str) else row.raw(column)
        if not cell:
            continue
        keys, unknown = vocab.action_fields_in(str(cell))
        found += keys
        for part in unknown:
            row.find(Code.ACTION_FIELD_UNKNOWN, Severity.ERROR, column, value=part, known=vocab.known_action_fields())
    return tuple(dict.fromkeys(found))


def _period(row: _Row, since_col: Column | None, until_col: Column | None) -> tuple[dt.date | None, dt.date | None]:
    since = row.read(since_col, values.since) if since_col else None
    until = row.read(until_col, values.until) if until_col else None
    if since and until and until < since:
        row.find(
            Code.PERIOD_INVALID,
            Severity.ERROR,
            until_col,
            since=since.strftime("%d.%m.%Y"),
            until=until.strftime("%d.%m.%Y"),
        )
    return since, until


def quarter_and_period(cell: str) -> tuple[str, dt.date | None, dt.date | None] | None:
    """``Rollberg (seit 01.01.2015)``, ``Rollberg (2015–2020)``, ``Rollberg (bis 2020)``: name and period.

    ``None`` if the parentheses hold no period (``Gropiusstadt (Lipschitzallee)`` is a name).
    """
    m = _PERIOD_IN_CELL.match(cell)
    if not m:
        return None
    period = m["period"].strip()
    try:
        lowered = period.lower()
        if lowered.startswith(("seit ", "ab ", "since ", "from ")):
            return m["name"], values.since(period.split(" ", 1)[1]), None
        if lowered.startswith(("bis ", "until ", "to ")):
            return m["name"], None, values.until(period.split(" ", 1)[1])
        parts = _PERIOD_SPLIT.split(period)
        if len(parts) == 2:
            return m["name"], values.since(parts[0]) if parts[0] else None, values.until(parts[1]) if parts[1] else None
    except ValueProblem:
        return None
    return None


def _memberships(row: _Row, shape: Layout, vocab: Vocabulary, options: Options) -> tuple[Membership, ...]:
    groups = sorted({c.group for c in shape.columns if c.field in ("quarters", "since", "until")})
    memberships: list[Membership] = []
    default_period: tuple[dt.date | None, dt.date | None] = (None, None)
    for group in groups:
        in_group = [c for c in shape.columns if c.group == group]
        quarter_col = next((c for c in in_group if c.field == "quarters"), None)
        since, until = _period(
            row,
            next((c for c in in_group if c.field == "since"), None),
            next((c for c in in_group if c.field == "until"), None),
        )
        if group == groups[0]:
            default_period = (since, until)
        raw = row.raw(quarter_col) if quarter_col else None
        for item in values.items(raw if isinstance(raw, str) else values.text(raw)):
            name, own_since, own_until = item, since, until
            if parsed := quarter_and_period(item):
                name, own_since, own_until = parsed[0], parsed[1] or since, parsed[2] or until
                if own_since and own_until and own_until < own_since:
                    row.find(
                        Code.PERIOD_INVALID,
                        Severity.ERROR,
                        quarter_col,
                        since=own_since.strftime("%d.%m.%Y"),
                        until=own_until.strftime("%d.%m.%Y"),
                    )
            slug = vocab.quarter_of(name)
            if slug is None:
                near = vocab.closest_quarter(name)
                row.find(
                    Code.QUARTER_UNKNOWN,
                    Severity.ERROR,
                    quarter_col,
                    value=name,
                    known=vocab.known_quarters(),
                    **({"suggest": near} if near else {}),
                )
            else:
                memberships.append(Membership(slug, own_since, own_until))
    if not memberships and options.quarter:
        memberships.append(Membership(options.quarter, *default_period))
    unique: dict[tuple[str, dt.date | None, dt.date | None], Membership] = {}
    for m in memberships:
        unique.setdefault((m.quarter, m.since, m.until), m)
    return tuple(unique.values())


def _contacts(row: _Row, shape: Layout) -> tuple[Contact, ...]:
    groups = sorted({c.group for c in shape.columns if c.field and c.field.startswith("contact_")})
    contacts: list[Contact] = []
    for group in groups:

        def cell(name: str, parse: _Parser[str] = values.text, g: int = group) -> str | None:
            column = next((c for c in shape.columns if c.group == g and c.field == name), None)
            return row.read(column, parse, Severity.WARNING) if column else None

        contact = Contact(
            cell("contact_name"),
            cell("contact_function"),
            cell("contact_email", values.email),
            cell("contact_phone", values.phone),
        )
        if any((contact.name, contact.function, contact.email, contact.phone)):
            contacts.append(contact)
    return tuple(contacts)


def _partners(row: _Row, shape: Layout, vocab: Vocabulary, actor: SheetActor) -> list[CooperationRow]:
    """A "Partner" column on an actors sheet: one cooperation per partner named."""
    kind, note = _kind(row, _columns(shape, "kind"), vocab)
    found: list[CooperationRow] = []
    for column in _columns(shape, "partners"):
        for partner in values.items(row.raw(column)):
            cooperation = SheetCooperation(
                ActorRef(name=actor.name, id=actor.ref),
                ActorRef(name=partner),
                kind,
                note=note,
                synthetic=actor.synthetic,
            )
            name_col = _first(shape, "name")
            found.append(
                CooperationRow(
                    RowKey(row.sheet, row.number),
                    cooperation,
                    (),
                    (name_col.index if name_col else None, column.index),
                    (None, column.header),
                    from_partners=True,
                )
            )
    return found


# ---- cooperations --------------------------------------------------------------------------


def _kind(row: _Row, columns: list[Column], vocab: Vocabulary) -> tuple[str, str | None]:
    """The kind from the first kind column that says one (Gephi's "Type: Undirected" says none)."""
    for column in columns:
        label = values.text(row.raw(column))
        if label is None or label_key(label) in KIND_NOISE:
            continue
        kind = vocab.kind_of(label)
        if kind is None:
            row.find(Code.KIND_UNKNOWN, Severity.WARNING, column, value=label)
            return "other", label
        return kind, None
    return "other", None


def _ends(row: _Row, shape: Layout, side: str) -> tuple[list[ActorRef], Column | None]:
    name_col, id_col = _first(shape, f"actor_{side}"), _first(shape, f"actor_{side}_id")
    ident = values.text(row.raw(id_col)) if id_col else None
    raw = row.raw(name_col) if name_col else None
    names = values.items(raw, commas=False) if side == "b" else [n for n in [values.text(raw)] if n]
    if not names:
        return ([ActorRef(id=ident)] if ident else []), name_col or id_col
    return [ActorRef(name=n, id=ident if len(names) == 1 else None) for n in names], name_col or id_col


def _cooperations(row: _Row, shape: Layout, vocab: Vocabulary) -> list[CooperationRow]:
    key = RowKey(row.sheet, row.number)
    a_refs, a_col = _ends(row, shape, "a")
    b_refs, b_col = _ends(row, shape, "b")
    if not a_refs:
        row.find(Code.PARTNER_MISSING, Severity.ERROR, a_col)
    if not b_refs:
        row.find(Code.PARTNER_MISSING, Severity.ERROR, b_col)
    kind, kind_note = _kind(row, _columns(shape, "kind"), vocab)
    since, until = _period(row, _first(shape, "since"), _first(shape, "until"))
    intensity = _read_first(row, shape, "intensity", values.intensity, Severity.ERROR)
    note = "\n".join(t for t in (kind_note, _long_text(row, shape, "note")) if t) or None
    fields = _action_fields(row, shape, vocab)
    ref = _text(row, shape, "ref")
    synthetic = bool(_read_first(row, shape, "synthetic", values.flag, Severity.WARNING))
    columns = (a_col.index if a_col else None, b_col.index if b_col else None)
    headers = (a_col.header if a_col else None, b_col.header if b_col else None)
    if not a_refs or not b_refs:
        return [CooperationRow(key, None, tuple(row.issues), columns, headers)]
    return [
        CooperationRow(
            key,
            SheetCooperation(a, b, kind, since, until, fields, intensity, note, ref, synthetic),
            tuple(row.issues),
            columns,
            headers,
        )
        for a in a_refs
        for b in b_refs
    ]
