"""XLSX exports a successor organisation opens in Excel or LibreOffice without editing.

One sheet each for actors, cooperations and quarters, and a properties sheet with the data
revision and the export time; headers in German or English. Written with XlsxWriter in its
constant-memory mode (each row goes to disk as it is written), with real date cells, frozen
header rows, filters, and drop-down lists for type and kind (as a hint: other labels are
allowed, since the reader knows many).

What the writer writes, :func:`exchange.reading.read` reads back to the same records: the
headers are the first labels the reader knows for each field (``exchange/headers.py``), types
and kinds are written with labels the vocabulary reads, memberships as
``Rollberg (seit 01.09.2012); Flughafenstraße (2015–2020)``, action fields by name (by key
where two generations share a name). Contact persons are personal data and are never written.

Inputs are the plain records of :mod:`exchange.model`; :func:`from_network` builds them from the
rows the network exports already read (``graph.networks.NetworkData``), with memberships and
addresses from graph records where the caller has them.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Final, Literal

import xlsxwriter

from exchange.headers import SheetKind, header_label
from exchange.model import ActorRef, Membership, SheetActor, SheetCooperation
from exchange.vocabulary import (
    INSTITUTION_KIND_NAMES,
    KIND_NAMES,
    LEGAL_FORM_NAMES,
    OWNERSHIP_NAMES,
    TYPE_NAMES,
    Vocabulary,
)
from graph.actors import ActorRecord, MembershipRecord
from graph.networks import NetworkData
from graph.quarters import QuarterRecord

Language = Literal["de", "en"]

ACTOR_COLUMNS: Final = (
    "ref",
    "name",
    "type",
    "institution_kind",
    "legal_form",
    "ownership",
    "sector",
    "operator",
    "alt_names",
    "street",
    "postal_code",
    "city",
    "latitude",
    "longitude",
    "website",
    "action_fields",
    "quarters",
    "tags",
    "description",
    "synthetic",
)
COOPERATION_COLUMNS: Final = (
    "ref",
    "actor_a",
    "actor_a_id",
    "actor_b",
    "actor_b_id",
    "kind",
    "since",
    "until",
    "action_fields",
    "intensity",
    "note",
    "synthetic",
)
CONTACT_COLUMNS: Final = ("contact_name", "contact_function", "contact_email", "contact_phone")
SHEET_NAMES: Final = {
    "de": {
        "actors": "Akteure",
        "cooperations": "Kooperationen",
        "quarters": "Quartiere",
        "properties": "Eigenschaften",
    },
    "en": {"actors": "Actors", "cooperations": "Cooperations", "quarters": "Quarters", "properties": "Properties"},
}
_QUARTER_HEADERS: Final = {
    "de": (
        "ID",
        "Slug",
        "Name",
        "Status",
        "Beginn",
        "Ende",
        "geplantes Ende",
        "Bezirk",
        "aufgegangen in",
        "Einwohner",
        "Einwohner (Jahr)",
        "Fläche (ha)",
        "Quellen",
    ),
    "en": (
        "ID",
        "Slug",
        "Name",
        "Status",
        "Start",
        "End",
        "Planned end",
        "District",
        "Merged into",
        "Residents",
        "Residents (year)",
        "Area (ha)",
        "Sources",
    ),
}
_PROPERTY_LABELS: Final = {
    "de": {
        "title": "Eigenschaft",
        "value": "Wert",
        "source": "Quelle",
        "revision": "Datenstand (Revision)",
        "exported_at": "Exportiert am (UTC)",
        "selection": "Auswahl",
        "actors": "Akteure",
        "cooperations": "Kooperationen",
        "synthetic": "Enthält fiktive Beispieldaten",
        "yes": "ja",
        "no": "nein",
    },
    "en": {
        "title": "Property",
        "value": "Value",
        "source": "Source",
        "revision": "Data revision",
        "exported_at": "Exported at (UTC)",
        "selection": "Selection",
        "actors": "Actors",
        "cooperations": "Cooperations",
        "synthetic": "Contains fictional demo data",
        "yes": "yes",
        "no": "no",
    },
}
_DATE_FORMATS: Final = {"de": "dd.mm.yyyy", "en": "yyyy-mm-dd"}
_YES: Final = {"de": "ja", "en": "yes"}
_SEPARATOR: Final = "; "


@dataclass(frozen=True)
class ExportInfo:
    """What every export states about itself."""

    revision: int  # graph/revision.py: the network's write counter when it was read
    exported_at: dt.datetime
    selection: str = ""  # e.g. "quarter rollberg", "whole network"


def _day(value: dt.date | None, language: Language) -> str:
    if value is None:
        return ""
    return value.strftime("%d.%m.%Y") if language == "de" else value.isoformat()


def membership_label(m: Membership, name: str, language: Language) -> str:
    """``Rollberg (seit 01.09.2012)``; the reader parses it back (:func:`exchange.reading.quarter_and_period`)."""
    if m.since and m.until:
        return f"{name} ({_day(m.since, language)}–{_day(m.until, language)})"
    if m.since:
        return f"{name} ({'seit' if language == 'de' else 'since'} {_day(m.since, language)})"
    if m.until:
        return f"{name} ({'bis' if language == 'de' else 'until'} {_day(m.until, language)})"
    return name


class _Labels:
    """Stored values as the export writes them, in one language."""

    def __init__(self, vocabulary: Vocabulary, language: Language) -> None:
        self.language = language
        self.quarters = {q.slug: q.name for q in vocabulary.quarters}
        shared = Counter(f.name for f in vocabulary.action_fields)
        # A name two generations share ("Öffentlicher Raum") is written as the key, which reads back exactly.
        self.fields = {
            f.key: (f.key if shared[f.name] > 1 else (f.name if language == "de" else f.name_en))
            for f in vocabulary.action_fields
        }

    def action_fields(self, keys: Iterable[str]) -> str:
        return _SEPARATOR.join(self.fields.get(k, k) for k in keys)

    def memberships(self, memberships: Iterable[Membership]) -> str:
        return _SEPARATOR.join(
            membership_label(m, self.quarters.get(m.quarter, m.quarter), self.language) for m in memberships
        )


def _actor_cells(a: SheetActor, labels: _Labels, language: Language) -> dict[str, Any]:
    return {
        "ref": a.ref,
        "name": a.name,
        "type": TYPE_NAMES[language].get(a.type or "", a.type),
        "institution_kind": INSTITUTION_KIND_NAMES[language].get(a.institution_kind or ""),
        "legal_form": LEGAL_FORM_NAMES[language].get(a.legal_form or "")
        or ("gGmbH" if a.type == "Company" and a.social_enterprise else None),
        "ownership": OWNERSHIP_NAMES[language].get(a.ownership or ""),
        "sector": a.sector,
        "operator": a.operator,
        "alt_names": _SEPARATOR.join(a.alt_names),
        "street": a.street,
        "postal_code": a.postal_code,
        "city": a.city,
        "latitude": a.location[0] if a.location else None,
        "longitude": a.location[1] if a.location else None,
        "website": a.website,
        "action_fields": labels.action_fields(a.action_fields),
        "quarters": labels.memberships(a.memberships),
        "tags": _SEPARATOR.join(a.tags),
        "description": a.description,
        "synthetic": _YES[language] if a.synthetic else None,
    }


def _cooperation_cells(c: SheetCooperation, labels: _Labels, language: Language) -> dict[str, Any]:
    return {
        "ref": c.ref,
        "actor_a": c.a.name,
        "actor_a_id": c.a.id,
        "actor_b": c.b.name,
        "actor_b_id": c.b.id,
        "kind": KIND_NAMES[language].get(c.kind, c.kind),
        "since": c.since,
        "until": c.until,
        "action_fields": labels.action_fields(c.action_fields),
        "intensity": c.intensity,
        "note": c.note,
        "synthetic": _YES[language] if c.synthetic else None,
    }


def _contact_cells(a: SheetActor, column: str) -> str | None:
    attribute = column.removeprefix("contact_")
    values = [getattr(c, attribute) or "" for c in a.contacts]
    return _SEPARATOR.join(values) if any(values) else None


class _Sheet:
    """One worksheet written row by row, with the formats every sheet shares."""

    def __init__(
        self, book: xlsxwriter.Workbook, name: str, headers: Sequence[str], widths: Sequence[int], language: Language
    ) -> None:
        self.ws = book.add_worksheet(name)
        self.date = book.add_format({"num_format": _DATE_FORMATS[language]})
        self.wrap = book.add_format({"text_wrap": False})
        bold = book.add_format({"bold": True, "bg_color": "#E8EEF4", "bottom": 1})
        for i, width in enumerate(widths):
            self.ws.set_column(i, i, width)
        self.ws.freeze_panes(1, 0)
        self.ws.write_row(0, 0, list(headers), bold)
        self.rows = 0
        self.width = len(headers)

    def write(self, cells: Sequence[Any]) -> None:
        self.rows += 1
        for col, value in enumerate(cells):
            if value is None or value == "":
                continue
            if isinstance(value, dt.date):
                self.ws.write_datetime(self.rows, col, dt.datetime.combine(value, dt.time()), self.date)
            elif isinstance(value, bool):
                self.ws.write_boolean(self.rows, col, value)
            elif isinstance(value, int | float):
                self.ws.write_number(self.rows, col, value)
            else:
                # Text is text: a name starting with "=" must not become a formula (CSV/XLSX injection).
                self.ws.write_string(self.rows, col, str(value))

    def finish(self, choices: Mapping[int, Sequence[str]] = {}) -> None:
        self.ws.autofilter(0, 0, max(self.rows, 1), self.width - 1)
        for col, options in choices.items():
            # A drop-down as a hint, not a rule: other labels are accepted (the reader knows many).
            self.ws.data_validation(
                1,
                col,
                1_048_575,
                col,
                {"validate": "list", "source": list(options), "error_type": "information", "show_error": False},
            )


def write_xlsx(
    target: str | Path | BinaryIO,
    actors: Iterable[SheetActor],
    cooperations: Iterable[SheetCooperation],
    info: ExportInfo,
    *,
    quarters: Sequence[QuarterRecord] = (),
    language: Language = "de",
    vocabulary: Vocabulary | None = None,
    metrics: Mapping[str, Mapping[str, float | int | str]] | None = None,
    contacts: bool = False,
) -> tuple[int, int]:
    """Write the workbook; returns how many actors and cooperations it holds.

    ``contacts`` adds the contact person columns (name, function, e-mail, phone; several persons
    joined by "; "). Contact persons are personal data: the caller decides whose it may write
    (the export route: admins, and managers for the actors of their quarters) and leaves the
    others' ``SheetActor.contacts`` empty.

    ``metrics`` adds columns to the actors sheet: column header → actor ref → value (e.g.
    ``{"Grad": degrees, "Betweenness": …}``), on request only.
    """
    vocab = vocabulary or Vocabulary.from_seeds()
    labels = _Labels(vocab, language)
    names = SHEET_NAMES[language]
    metrics = metrics or {}
    # Constant memory writes rows straight to temporary files; a file-like target gets the finished zip.
    book = xlsxwriter.Workbook(
        target, {"constant_memory": True, "in_memory": False, "default_date_format": _DATE_FORMATS[language]}
    )
    try:
        extra = CONTACT_COLUMNS if contacts else ()
        actor_headers = [header_label(f, SheetKind.ACTORS, language) for f in (*ACTOR_COLUMNS, *extra)] + list(metrics)
        sheet = _Sheet(
            book,
            names["actors"],
            actor_headers,
            [24, 36, 18, 20, 16, 16, 16, 20, 20, 26, 8, 12, 11, 11, 28, 36, 36, 24, 40, 8]
            + [24] * len(extra)
            + [12] * len(metrics),
            language,
        )
        synthetic = False
        for a in actors:
            cells = _actor_cells(a, labels, language)
            synthetic = synthetic or a.synthetic
            people = [_contact_cells(a, f) for f in extra]
            sheet.write([cells[f] for f in ACTOR_COLUMNS] + people + [metrics[m].get(a.ref or "") for m in metrics])
        sheet.finish({ACTOR_COLUMNS.index("type"): list(TYPE_NAMES[language].values())})
        actor_count = sheet.rows
        sheet = _Sheet(
            book,
            names["cooperations"],
            [header_label(f, SheetKind.COOPERATIONS, language) for f in COOPERATION_COLUMNS],
            [24, 32, 24, 32, 24, 22, 11, 11, 36, 10, 40, 8],
            language,
        )
        for c in cooperations:
            cells = _cooperation_cells(c, labels, language)
            synthetic = synthetic or c.synthetic
            sheet.write([cells[f] for f in COOPERATION_COLUMNS])
        sheet.finish({COOPERATION_COLUMNS.index("kind"): list(KIND_NAMES[language].values())})
        cooperation_count = sheet.rows
        _quarters_sheet(book, names["quarters"], quarters, language)
        _properties_sheet(book, names["properties"], info, language, actor_count, cooperation_count, synthetic)
    finally:
        book.close()
    return actor_count, cooperation_count


def _quarters_sheet(
    book: xlsxwriter.Workbook, name: str, quarters: Sequence[QuarterRecord], language: Language
) -> None:
    slugs = {q.id: q.slug for q in quarters}
    sheet = _Sheet(
        book, name, _QUARTER_HEADERS[language], [24, 24, 30, 10, 11, 11, 14, 14, 18, 10, 10, 10, 60], language
    )
    for q in quarters:
        sheet.write(
            [
                q.id,
                q.slug,
                q.name,
                q.status,
                q.start_date or q.start_year,
                q.end_date,
                q.planned_end_date,
                q.district,
                slugs.get(q.merged_into_id or "", q.merged_into_id),
                q.residents,
                q.residents_year,
                q.area_ha,
                _SEPARATOR.join(q.sources),
            ]
        )
    sheet.finish()


def _properties_sheet(
    book: xlsxwriter.Workbook,
    name: str,
    info: ExportInfo,
    language: Language,
    actors: int,
    cooperations: int,
    synthetic: bool,
) -> None:
    words = _PROPERTY_LABELS[language]
    sheet = _Sheet(book, name, [words["title"], words["value"]], [32, 60], language)
    stamp = info.exported_at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")
    for key, value in (
        ("source", "kiezgraph"),
        ("revision", info.revision),
        ("exported_at", stamp),
        ("selection", info.selection),
        ("actors", actors),
        ("cooperations", cooperations),
        ("synthetic", words["yes"] if synthetic else words["no"]),
    ):
        sheet.write([words[key], value])


# ---- from the rows the network exports read ------------------------------------------------


def from_network(
    data: NetworkData,
    *,
    actor_id: Callable[[str], str] = str,
    edge_id: Callable[[str], str] = str,
    records: Mapping[str, ActorRecord] | None = None,
    memberships: Mapping[str, Sequence[MembershipRecord]] | None = None,
    quarter_slugs: Mapping[str, str] | None = None,
) -> tuple[list[SheetActor], list[SheetCooperation]]:
    """Actors and cooperations to write, from a network read for export.

    ``NetworkData`` carries each actor's current quarters and first/last membership dates; where
    the caller passes ``memberships`` (graph/actors.py's records, by actor id, with quarter slugs
    by quarter id) each membership keeps its own period, and ``records`` add address, website,
    tags, description and type details. ``actor_id``/``edge_id`` turn local ids into the ids the
    sheet shows (the API's global ids), as the other exports do.
    """
    records = records or {}
    memberships = memberships or {}
    slugs = quarter_slugs or {}
    names = {n.id: n.name for n in data.nodes}
    actors: list[SheetActor] = []
    for n in data.nodes:
        rec = records.get(n.id)
        if n.id in memberships:
            ms = tuple(Membership(slugs.get(m.quarter_id, m.quarter_id), m.since, m.until) for m in memberships[n.id])
        else:
            ms = tuple(Membership(q) for q in n.quarters)
        location = (n.latitude, n.longitude) if n.latitude is not None and n.longitude is not None else None
        actors.append(
            SheetActor(
                name=n.name,
                type=n.type,
                ref=actor_id(n.id),
                action_fields=tuple(sorted(n.action_fields)),
                memberships=ms,
                location=location,
                synthetic=n.synthetic,
                institution_kind=rec.institution_kind if rec else None,
                legal_form=rec.legal_form if rec else None,
                ownership=rec.ownership if rec else None,
                sector=rec.sector if rec else None,
                social_enterprise=rec.social_enterprise if rec else None,
                alt_names=rec.alt_names if rec else (),
                street=rec.street if rec else None,
                postal_code=rec.postal_code if rec else None,
                city=rec.city if rec else None,
                website=rec.website if rec else None,
                tags=rec.tags if rec else (),
                description=rec.description if rec else None,
            )
        )
    cooperations = [
        SheetCooperation(
            ActorRef(names.get(e.source), actor_id(e.source)),
            ActorRef(names.get(e.target), actor_id(e.target)),
            e.kind,
            dt.date.fromisoformat(e.since) if e.since else None,
            dt.date.fromisoformat(e.until) if e.until else None,
            tuple(e.action_fields),
            e.intensity,
            ref=edge_id(e.id),
            synthetic=e.synthetic,
        )
        for e in data.edges
    ]
    return actors, cooperations
