"""Which column holds what: header rows found where they are, in German or English.

Offices put a title above the table ("Partnerliste QM Rollberg, Stand 03/2024"), merge a group
header over several columns ("Ansprechperson" over "Name | Funktion | E-Mail | Telefon"), and
spell headers every way ("Handlungsfeld(er)", "E-Mail-Adresse", "PLZ"). The header row is
therefore searched among the first :data:`SCAN_ROWS` rows, alone or as two rows (group above,
detail below), and each header is looked up folded (:func:`exchange.vocabulary.label_key`).

A sheet is one of four kinds: **actors** (one row per actor; optionally a "Partner" column that
names partners), **cooperations** (two actor columns), **quarters** and **properties** (what
the XLSX export writes besides; recognised so that a re-imported export is read without
complaint, and skipped). Headers mean different things by kind: "Art" is an actor's type on an
actors sheet and the kind of cooperation on a cooperations sheet.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from exchange.messages import Code, Issue, Severity, column_letter, issue
from exchange.values import Raw, text
from exchange.vocabulary import _words, label_key

SCAN_ROWS: Final = 30


class SheetKind(StrEnum):
    ACTORS = "actors"
    COOPERATIONS = "cooperations"
    QUARTERS = "quarters"
    PROPERTIES = "properties"
    SKIP = "skip"


# Fields an actors sheet may have, each with the header the export writes (German, English) first.
ACTOR_HEADERS: Final[dict[str, tuple[str, ...]]] = {
    "ref": (
        "ID",
        "ID",
        "kiezgraph-ID",
        "Kennung",
        "Nr",
        "Nr.",
        "Nummer",
        "lfd. Nr.",
        "laufende Nummer",
        "Id",
        "Schlüssel",
    ),
    "name": (
        "Name",
        "Name",
        "Organisation",
        "Einrichtung",
        "Institution",
        "Akteur",
        "Akteurin",
        "Akteur*in",
        "Akteur:in",
        "Bezeichnung",
        "Name der Einrichtung",
        "Name der Organisation",
        "Organisationsname",
        "Einrichtung/Träger",
        "Label",
        "Actor",
        "Organisation name",
        "Partnerorganisation",
    ),
    "type": (
        "Typ",
        "Type",
        "Art",
        "Kategorie",
        "Akteurstyp",
        "Akteursart",
        "Organisationsform",
        "Sektor",
        "Art der Organisation",
        "Category",
        "Actor type",
    ),
    "institution_kind": ("Art der Einrichtung", "Institution kind", "Einrichtungsart", "Einrichtungstyp"),
    "legal_form": ("Rechtsform", "Legal form"),
    "ownership": ("Eigentümer", "Ownership", "Eigentumsform", "Eigentum"),
    "sector": ("Branche", "Sector", "Gewerbe", "Geschäftsfeld"),
    "operator": ("Träger", "Operator", "Trägerin", "Träger*in", "Betreiber"),
    "alt_names": (
        "Andere Namen",
        "Other names",
        "Alternativname",
        "Alternative Namen",
        "auch bekannt als",
        "Kurzname",
        "Abkürzung",
        "Alias",
        "Alternative names",
    ),
    "street": ("Straße", "Street", "Strasse", "Str.", "Straße und Hausnummer", "Straße, Nr.", "Straße/Hausnummer"),
    "house_number": ("Hausnummer", "House number", "Hausnr.", "Hnr."),
    "postal_code": ("PLZ", "Postal code", "Postleitzahl", "Zip", "Zip code", "Postcode"),
    "city": ("Ort", "City", "Stadt", "Wohnort"),
    "address": ("Adresse", "Address", "Anschrift", "Standort", "Postanschrift"),
    "latitude": ("Breitengrad", "Latitude", "Breite", "Lat", "geogr. Breite", "N"),
    "longitude": ("Längengrad", "Longitude", "Länge", "Lon", "Lng", "Long", "geogr. Länge", "E", "O"),
    "coordinates": ("Koordinaten", "Coordinates", "Geokoordinaten", "Lage", "GPS", "Geodaten"),
    "website": (
        "Webseite",
        "Website",
        "Internet",
        "Homepage",
        "URL",
        "Web",
        "Internetseite",
        "Internetadresse",
        "Webadresse",
        "Link",
    ),
    "action_fields": (
        "Handlungsfelder",
        "Action fields",
        "Handlungsfeld",
        "Handlungsfeld(er)",
        "Themenfeld",
        "Themenfelder",
        "Action field",
        "HF",
    ),
    "quarters": (
        "Quartiere",
        "Quarters",
        "Quartier",
        "QM-Gebiet",
        "QM-Gebiete",
        "Gebiet",
        "Kiez",
        "Quarter",
        "Quartiersmanagement",
        "QM",
    ),
    "since": ("seit", "since", "aktiv seit", "von", "ab", "Beginn", "Start", "Mitglied seit", "dabei seit"),
    "until": ("bis", "until", "aktiv bis", "Ende", "End", "bis einschließlich"),
    "tags": (
        "Schlagworte",
        "Tags",
        "Schlagwörter",
        "Stichworte",
        "Stichwörter",
        "Themen",
        "Schwerpunkte",
        "Schwerpunkt",
        "Keywords",
    ),
    "description": (
        "Beschreibung",
        "Description",
        "Angebot",
        "Angebote",
        "Tätigkeit",
        "Notiz",
        "Notizen",
        "Bemerkung",
        "Bemerkungen",
        "Anmerkung",
        "Anmerkungen",
        "Kommentar",
        "Hinweis",
        "Note",
        "Notes",
        "Info",
    ),
    "contact_name": (
        "Ansprechperson",
        "Contact person",
        "Ansprechpartner",
        "Ansprechpartnerin",
        "Ansprechpartner*in",
        "Ansprechpartner:in",
        "Ansprechpartner/in",
        "Kontaktperson",
        "Kontakt",
        "Contact",
        "Name Ansprechperson",
        "Ansprechperson Name",
    ),
    "contact_function": ("Funktion", "Function", "Position", "Rolle", "Role", "Stelle"),
    "contact_email": ("E-Mail", "Email", "Mail", "E-Mail-Adresse", "Emailadresse", "E-Mail Adresse", "Mailadresse"),
    "contact_phone": (
        "Telefon",
        "Phone",
        "Tel",
        "Tel.",
        "Telefonnummer",
        "Mobil",
        "Handy",
        "Fon",
        "Telephone",
        "Mobilnummer",
        "Rufnummer",
    ),
    "partners": (
        "Partner",
        "Partners",
        "Kooperationspartner",
        "Kooperationspartner*innen",
        "Kooperationspartner:innen",
        "Partnerinnen",
        "Kooperationen",
        "Zusammenarbeit mit",
        "arbeitet zusammen mit",
        "Netzwerkpartner",
    ),
    "kind": ("Art der Zusammenarbeit", "Kind of cooperation", "Kooperationsart", "Form der Zusammenarbeit"),
    "synthetic": ("fiktiv", "synthetic", "synthetisch", "Beispieldaten", "Testdaten"),
}

COOPERATION_HEADERS: Final[dict[str, tuple[str, ...]]] = {
    "ref": ("ID", "ID", "Kooperations-ID", "Nr", "Nr.", "Nummer", "lfd. Nr.", "Id"),
    "actor_a": (
        "Akteur A",
        "Actor A",
        "Akteur 1",
        "Partner A",
        "Partner 1",
        "Organisation A",
        "Organisation 1",
        "Einrichtung A",
        "Einrichtung 1",
        "Name A",
        "Name 1",
        "Actor 1",
        "Source",
        "Quelle",
        "Kooperationspartner 1",
        "Kooperationspartner A",
    ),
    "actor_b": (
        "Akteur B",
        "Actor B",
        "Akteur 2",
        "Partner B",
        "Partner 2",
        "Organisation B",
        "Organisation 2",
        "Einrichtung B",
        "Einrichtung 2",
        "Name B",
        "Name 2",
        "Actor 2",
        "Target",
        "Ziel",
        "Kooperationspartner 2",
        "Kooperationspartner B",
        "mit",
    ),
    "actor_a_id": ("ID A", "ID A", "ID 1", "Akteur A ID", "Akteur 1 ID", "Source Id", "Actor A ID"),
    "actor_b_id": ("ID B", "ID B", "ID 2", "Akteur B ID", "Akteur 2 ID", "Target Id", "Actor B ID"),
    # Gephi's edge table has "Type" (Undirected) and "Label"; our Gephi export writes the kind as the label.
    "kind": (
        "Art der Zusammenarbeit",
        "Kind of cooperation",
        "Art",
        "Typ",
        "Type",
        "Kooperationsart",
        "Form der Zusammenarbeit",
        "Kind",
        "Form",
        "Label",
    ),
    "since": ("seit", "since", "von", "ab", "Beginn", "Start", "Start date", "Startdatum"),
    "until": ("bis", "until", "Ende", "End", "End date", "Enddatum"),
    "action_fields": ACTOR_HEADERS["action_fields"],
    "intensity": (
        "Intensität",
        "Intensity",
        "Gewicht",
        "Weight",
        "Stärke",
        "Enge",
        "Intensität (1-3)",
        "Intensität (1–3)",
        "Strength",
    ),
    "note": (
        "Notiz",
        "Note",
        "Bemerkung",
        "Bemerkungen",
        "Beschreibung",
        "Description",
        "Anmerkung",
        "Kommentar",
        "Notizen",
        "Was",
    ),
    "synthetic": ACTOR_HEADERS["synthetic"],
}

# Headers the XLSX export writes on its other sheets (recognised, so those sheets are skipped quietly).
_QUARTER_SIGNS: Final = frozenset(
    label_key(h) for h in ("Slug", "Status", "Einwohner", "Residents", "Fläche (ha)", "Area (ha)", "Bezirk", "District")
)
_PROPERTY_SIGNS: Final = frozenset(label_key(h) for h in ("Eigenschaft", "Property", "Wert", "Value"))

# Words that stand over a group of columns, and what a detail header below them means there.
_GROUPS: Final[dict[str, dict[str, str]]] = {
    "contact": {"name": "contact_name", "vorname": "contact_name", "nachname": "contact_name"},
    "quarter": {"name": "quarters", "bezeichnung": "quarters"},
    "address": {},
    "coordinates": {},
    "period": {},
}
_GROUP_WORDS: Final[dict[str, str]] = {
    label_key(w): g
    for g, words in {
        "contact": (
            "Ansprechperson",
            "Ansprechpartner",
            "Ansprechpartnerin",
            "Ansprechpartner*in",
            "Ansprechpartner:in",
            "Ansprechpartner/in",
            "Kontakt",
            "Kontaktperson",
            "Contact",
            "Contact person",
        ),
        "quarter": ("Quartier", "Quartiere", "Quarter", "QM-Gebiet", "Gebiet", "Mitgliedschaft", "Membership"),
        "address": ("Adresse", "Anschrift", "Address", "Standort"),
        "coordinates": ("Koordinaten", "Geokoordinaten", "Coordinates", "Lage", "GPS"),
        "period": ("Zeitraum", "Dauer", "Period", "Laufzeit", "Zeit"),
    }.items()
    for w in words
}
# Fields that may stand in more than one column; the values are combined.
_REPEATABLE: Final = frozenset(
    {
        "type",
        "kind",
        "action_fields",
        "tags",
        "description",
        "partners",
        "note",
        "quarters",
        "since",
        "until",
        "contact_name",
        "contact_function",
        "contact_email",
        "contact_phone",
        "alt_names",
    }
)
# Fields that form groups (a membership; a contact person): a later column of the group starts a new one.
_GROUP_FIELDS: Final = {
    "quarters": "membership",
    "since": "membership",
    "until": "membership",
    "contact_name": "contact",
    "contact_function": "contact",
    "contact_email": "contact",
    "contact_phone": "contact",
}
# A sheet of names with a "Partner" column and nothing that describes the actors is a list of
# cooperations ("Akteur | Partner | Art der Zusammenarbeit"), not a list of actors.
_DESCRIPTIVE: Final = frozenset(
    {
        "type",
        "institution_kind",
        "legal_form",
        "ownership",
        "sector",
        "operator",
        "street",
        "postal_code",
        "city",
        "address",
        "latitude",
        "longitude",
        "coordinates",
        "website",
        "quarters",
        "contact_name",
        "contact_email",
        "contact_phone",
        "tags",
    }
)
_AS_COOPERATION: Final = {"name": "actor_a", "partners": "actor_b", "description": "note", "ref": "ref"}


def _lookup(headers: Mapping[str, tuple[str, ...]]) -> dict[str, str]:
    table: dict[str, str] = {}
    for field_name, labels in headers.items():
        for label in labels:
            table.setdefault(label_key(label), field_name)
    return table


_ACTOR_LOOKUP: Final = _lookup(ACTOR_HEADERS)
_COOPERATION_LOOKUP: Final = _lookup(COOPERATION_HEADERS)


def header_label(field_name: str, kind: SheetKind, language: str) -> str:
    """The header the export writes for a field."""
    table = COOPERATION_HEADERS if kind is SheetKind.COOPERATIONS else ACTOR_HEADERS
    german, english = table[field_name][:2]
    return german if language == "de" else english


@dataclass(frozen=True)
class Column:
    index: int  # 1-based, as Excel counts (A = 1)
    header: str  # as the file has it (group and detail joined with " / ")
    field: str | None  # None: not imported
    group: int = 0  # which membership or contact person a grouped field belongs to


@dataclass(frozen=True)
class Layout:
    kind: SheetKind
    header_rows: tuple[int, ...]  # 1-based row numbers
    columns: tuple[Column, ...]

    @property
    def first_data_row(self) -> int:
        return self.header_rows[-1] + 1

    def fields(self) -> set[str]:
        return {c.field for c in self.columns if c.field}

    @functools.cached_property
    def by_field(self) -> dict[str, list[Column]]:
        """Columns per field, in sheet order (looked up for every row, so built once)."""
        found: dict[str, list[Column]] = {}
        for c in self.columns:
            if c.field:
                found.setdefault(c.field, []).append(c)
        return found


@dataclass(frozen=True)
class _Label:
    text: str
    group: str | None  # a group word standing above
    number: int | None  # "E-Mail 2" → 2
    above: str | None = None  # the group header as the file writes it


_NUMBERED: Final = re.compile(r"^(.*?)[\s_-]*\(?(\d)\)?$")


def _parse_label(raw: str, group: str | None, above: str | None = None) -> _Label:
    m = _NUMBERED.match(raw)
    if m and m[1] and label_key(m[1]) and not re.search(r"\d$", m[1]):
        return _Label(raw, group, int(m[2]), above)
    return _Label(raw, group, None, above)


def _field(label: _Label, lookup: Mapping[str, str], overrides: Mapping[str, str]) -> str | None:
    key = label_key(label.text)
    if key in overrides:
        return overrides[key]
    if label.group and key in _GROUPS[label.group]:
        return _GROUPS[label.group][key]
    if key in lookup:
        return lookup[key]
    if label.number is not None:
        base = label_key(_NUMBERED.match(label.text)[1])  # type: ignore[index]  # matched when number is set
        if base in lookup:
            return lookup[base]
    # "Name Ansprechperson", "E-Mail (Kontakt)", "Quartier seit": a group word beside a detail.
    words = _words(label.text)
    for i, word in enumerate(words):
        group = _GROUP_WORDS.get(word)
        if group and len(words) > 1:
            rest = "".join(words[:i] + words[i + 1 :])
            rest = re.sub(r"\d+$", "", rest)
            if rest in _GROUPS[group]:
                return _GROUPS[group][rest]
            if rest in lookup:
                return lookup[rest]
    return None


def _cells(row: Sequence[Raw]) -> list[str]:
    return [text(v) or "" for v in row]


def _joined(upper: list[str], lower: list[str], spans: Sequence[tuple[int, int]]) -> list[_Label | None]:
    """Two header rows as one: a group word above (merged across, or standing over empty cells) and details below."""
    width = max(len(upper), len(lower))
    upper = upper + [""] * (width - len(upper))
    lower = lower + [""] * (width - len(lower))
    filled = list(upper)
    for start, end in spans:  # merged cells in the upper row: every covered column gets the value
        for c in range(start + 1, min(end + 1, width)):
            filled[c] = upper[start]
    current = ""
    for c in range(width):  # without merge information (ODS, CSV): a group word reaches right
        if upper[c]:
            current = upper[c] if label_key(upper[c]) in _GROUP_WORDS else ""
        elif current and lower[c]:
            filled[c] = current
    labels: list[_Label | None] = []
    for u, low in zip(filled, lower, strict=True):
        group = _GROUP_WORDS.get(label_key(u)) if u else None
        if u and low and u == low:  # one cell merged down over both header rows
            labels.append(_parse_label(u, None))
        elif u and low:
            labels.append(_parse_label(low, group, u) if group else None)
        elif u:
            labels.append(_parse_label(u, None))
        elif low:
            labels.append(_parse_label(low, None))
        else:
            labels.append(None)
    return labels


def _single(row: list[str]) -> list[_Label | None]:
    return [_parse_label(v, None) if v else None for v in row]


def _classify(labels: Sequence[_Label | None], overrides: Mapping[str, str]) -> tuple[SheetKind, int]:
    """The kind of sheet these headers describe, and how many columns it recognises."""
    keys = [label_key(lab.text) for lab in labels if lab]
    if sum(k in _PROPERTY_SIGNS for k in keys) >= 2 and len(keys) <= 3:
        return SheetKind.PROPERTIES, len(keys)
    cooperation = [_field(lab, _COOPERATION_LOOKUP, overrides) if lab else None for lab in labels]
    if "actor_a" in cooperation and "actor_b" in cooperation:
        return SheetKind.COOPERATIONS, _distinct(cooperation)
    if "slug" in keys and any(k in _QUARTER_SIGNS for k in keys if k != "slug"):
        return SheetKind.QUARTERS, len(keys)
    actor = [_field(lab, _ACTOR_LOOKUP, overrides) if lab else None for lab in labels]
    if "partners" in actor and ("name" in actor or "operator" in actor) and not _DESCRIPTIVE & set(actor):
        return SheetKind.COOPERATIONS, _distinct(actor)
    if "name" in actor or "operator" in actor:
        return SheetKind.ACTORS, _distinct(actor)
    return SheetKind.SKIP, 0


def _distinct(fields: Sequence[str | None]) -> int:
    """How many different things the headers name (a merged "Quartier" over three columns is one)."""
    return len({f for f in fields if f})


def _cooperation_field(label: _Label, overrides: Mapping[str, str]) -> str | None:
    found = _field(label, _COOPERATION_LOOKUP, overrides)
    if found is None:
        as_actor = _field(label, _ACTOR_LOOKUP, overrides)
        found = _AS_COOPERATION.get(as_actor or "") or ("actor_a" if as_actor == "operator" else None)
    return found


def detect(
    rows: Sequence[Sequence[Raw]],
    merged: Sequence[tuple[int, int, int, int]] = (),
    overrides: Mapping[str, str] | None = None,
    kind: SheetKind | None = None,
    header_row: int | None = None,
) -> tuple[SheetKind, list[int], list[_Label | None]] | None:
    """Find the header among the first rows: the row (or pair of rows) that recognises most columns.

    ``rows`` are the sheet's first rows from row 1; ``merged`` are merged ranges as 0-based
    ``(first_row, first_col, last_row, last_col)``. Returns the kind, the 1-based header rows
    and one label per column; ``None`` if no row looks like a header.
    """
    overrides = overrides or {}
    best: tuple[int, int, SheetKind, list[int], list[_Label | None]] | None = None
    candidates = range(len(rows)) if header_row is None else [header_row - 1]
    for r in candidates:
        if r >= len(rows):
            continue
        upper = _cells(rows[r])
        if not any(upper):
            continue
        options: list[tuple[list[int], list[_Label | None]]] = [([r + 1], _single(upper))]
        if r + 1 < len(rows) and any(_cells(rows[r + 1])):
            spans = [(c0, c1) for r0, c0, r1, c1 in merged if r0 == r and c1 > c0]
            options.append(([r + 1, r + 2], _joined(upper, _cells(rows[r + 1]), spans)))
        for header_rows, labels in options:
            found, score = _classify(labels, overrides)
            if kind is not None and found not in (kind, SheetKind.SKIP):
                found = kind
            if found is SheetKind.SKIP or (score < 2 and found in (SheetKind.ACTORS, SheetKind.COOPERATIONS)):
                continue
            # More recognised columns win; at equal count one header row beats two, and earlier beats later.
            rank = (score, -len(header_rows))
            if best is None or rank > (best[0], best[1]):
                best = (score, -len(header_rows), found, header_rows, labels)
    if best is None:
        return None
    return best[2], best[3], best[4]


def layout(
    kind: SheetKind, header_rows: list[int], labels: Sequence[_Label | None], overrides: Mapping[str, str], sheet: str
) -> tuple[Layout, list[Issue]]:
    """Columns with their fields, groups numbered; unknown and repeated columns reported."""
    if kind is SheetKind.COOPERATIONS:
        fields = [_cooperation_field(lab, overrides) if lab else None for lab in labels]
    else:
        fields = [_field(lab, _ACTOR_LOOKUP, overrides) if lab else None for lab in labels]
    if kind is SheetKind.ACTORS:
        fields = _actor_context(fields, labels)
    issues: list[Issue] = []
    columns: list[Column] = []
    first: dict[str, int] = {}
    groups = {"membership": 0, "contact": 0}
    seen_in_group: dict[str, set[str]] = {"membership": set(), "contact": set()}
    for i, (lab, f) in enumerate(zip(labels, fields, strict=True)):
        if lab is None:
            continue
        index = i + 1
        header = f"{lab.above} / {lab.text}" if lab.above else lab.text
        if f == "ignore":
            columns.append(Column(index, header, None))
            continue
        if f is None:
            if kind in (SheetKind.ACTORS, SheetKind.COOPERATIONS):
                issues.append(issue(Code.COLUMN_UNKNOWN, Severity.WARNING, sheet=sheet, column=index, header=lab.text))
            columns.append(Column(index, header, None))
            continue
        group = 0
        if kind is SheetKind.ACTORS and f in _GROUP_FIELDS:
            name = _GROUP_FIELDS[f]
            if lab.number is not None:
                group = lab.number
                groups[name] = max(groups[name], group)
            else:
                if groups[name] == 0 or f in seen_in_group[name]:
                    groups[name] += 1
                    seen_in_group[name] = set()
                group = groups[name]
            seen_in_group[name].add(f)
        elif f in first and f not in _REPEATABLE:
            issues.append(
                issue(
                    Code.COLUMN_TWICE,
                    Severity.WARNING,
                    sheet=sheet,
                    column=index,
                    header=lab.text,
                    first=column_letter(first[f]),
                )
            )
            columns.append(Column(index, header, None))
            continue
        first.setdefault(f, index)
        columns.append(Column(index, header, f, group))
    return Layout(kind, tuple(header_rows), tuple(columns)), issues


def _actor_context(fields: list[str | None], labels: Sequence[_Label | None]) -> list[str | None]:
    """Headers whose meaning depends on their neighbours on an actors sheet."""
    out = list(fields)
    has_name = "name" in out
    for i, f in enumerate(out):
        lab = labels[i]
        if lab is None:
            continue
        key = label_key(lab.text)
        # "Träger" is the name when nothing else is; beside a name column it is the operator.
        if f == "operator" and not has_name:
            out[i] = "name"
            has_name = True
        # "Nr." right of a street is the house number, elsewhere the row's own number.
        if key in ("nr", "nummer") and i > 0 and out[i - 1] == "street":
            out[i] = "house_number"
    return out
