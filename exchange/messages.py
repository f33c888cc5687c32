"""Every message the import shows a person, in plain German and in English, in one catalogue.

A message is a :class:`Code` with named parameters; its text is looked up here and filled in
only when it is shown (:func:`text`), so a plan holds no language and can be shown in either.
Where a message names a place in the file, it is the place a person finds in Excel: the sheet,
the row number Excel shows (1-based, title and header rows counted) and the column letter with
its header.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final, Literal

Language = Literal["de", "en"]


class Severity(StrEnum):
    ERROR = "error"  # the row cannot be imported as it is
    WARNING = "warning"  # the row can be imported; something was read in a way worth checking
    NOTICE = "notice"  # about the file or a sheet, for information


class Code(StrEnum):
    # the file and its sheets
    FILE_UNREADABLE = "FILE_UNREADABLE"
    FILE_FORMAT_UNKNOWN = "FILE_FORMAT_UNKNOWN"
    SHEET_NOT_FOUND = "SHEET_NOT_FOUND"
    SHEET_NO_HEADER = "SHEET_NO_HEADER"
    SHEET_SKIPPED = "SHEET_SKIPPED"
    SHEET_HIDDEN = "SHEET_HIDDEN"
    COLUMN_UNKNOWN = "COLUMN_UNKNOWN"
    COLUMN_TWICE = "COLUMN_TWICE"
    NO_ACTORS = "NO_ACTORS"
    # mapping files
    MAPPING_UNREADABLE = "MAPPING_UNREADABLE"
    MAPPING_INVALID = "MAPPING_INVALID"
    # cells
    NAME_MISSING = "NAME_MISSING"
    NAME_TOO_LONG = "NAME_TOO_LONG"
    TYPE_MISSING = "TYPE_MISSING"
    TYPE_UNKNOWN = "TYPE_UNKNOWN"
    TYPE_INFERRED = "TYPE_INFERRED"
    TYPE_CONFLICT = "TYPE_CONFLICT"
    DATE_INVALID = "DATE_INVALID"
    DATE_AMBIGUOUS = "DATE_AMBIGUOUS"
    PERIOD_INVALID = "PERIOD_INVALID"
    NUMBER_INVALID = "NUMBER_INVALID"
    COORDINATES_INVALID = "COORDINATES_INVALID"
    COORDINATES_INCOMPLETE = "COORDINATES_INCOMPLETE"
    INTENSITY_INVALID = "INTENSITY_INVALID"
    ACTION_FIELD_UNKNOWN = "ACTION_FIELD_UNKNOWN"
    QUARTER_UNKNOWN = "QUARTER_UNKNOWN"
    KIND_UNKNOWN = "KIND_UNKNOWN"
    WEBSITE_INVALID = "WEBSITE_INVALID"
    EMAIL_INVALID = "EMAIL_INVALID"
    TEXT_TOO_LONG = "TEXT_TOO_LONG"
    PARTNER_MISSING = "PARTNER_MISSING"
    REPEATED_HEADER = "REPEATED_HEADER"
    # the plan
    DUPLICATE_NAME_IN_FILE = "DUPLICATE_NAME_IN_FILE"
    SIMILAR_NAME_IN_FILE = "SIMILAR_NAME_IN_FILE"
    PARTNER_UNKNOWN = "PARTNER_UNKNOWN"
    PARTNER_AMBIGUOUS = "PARTNER_AMBIGUOUS"
    PARTNER_NOT_IMPORTED = "PARTNER_NOT_IMPORTED"
    SELF_COOPERATION = "SELF_COOPERATION"
    DECISION_INVALID = "DECISION_INVALID"
    MERGE_ADDS = "MERGE_ADDS"
    MERGE_CONFLICT = "MERGE_CONFLICT"
    CONTACT_ADDS = "CONTACT_ADDS"
    CONTACT_CONFLICT = "CONTACT_CONFLICT"
    CONTACT_INVALID = "CONTACT_INVALID"
    CONTACT_NOT_ALLOWED = "CONTACT_NOT_ALLOWED"


# Code → (German, English). Parameters in braces; {cell} is "B7 (Typ)"-like, filled in by Issue.
CATALOGUE: Final[dict[Code, tuple[str, str]]] = {
    Code.FILE_UNREADABLE: (
        "Die Datei lässt sich nicht lesen: {reason}",
        "The file cannot be read: {reason}",
    ),
    Code.FILE_FORMAT_UNKNOWN: (
        "Dateiformat „{suffix}“ wird nicht unterstützt; bitte als XLSX, ODS oder CSV speichern.",
        "File format '{suffix}' is not supported; please save as XLSX, ODS or CSV.",
    ),
    Code.SHEET_NOT_FOUND: (
        "Tabellenblatt „{sheet}“ gibt es nicht; vorhanden: {sheets}.",
        "There is no sheet '{sheet}'; the file has: {sheets}.",
    ),
    Code.SHEET_NO_HEADER: (
        "Im Blatt „{sheet}“ ist keine Kopfzeile zu erkennen (gesucht in den ersten {rows} Zeilen, "
        "z. B. „Name“, „Typ“, „Quartier“); das Blatt wird übersprungen.",
        "No header row found on sheet '{sheet}' (looked at the first {rows} rows for e.g. 'Name', "
        "'Type', 'Quarter'); the sheet is skipped.",
    ),
    Code.SHEET_SKIPPED: (
        "Blatt „{sheet}“ ({kind}) wird nicht importiert.",
        "Sheet '{sheet}' ({kind}) is not imported.",
    ),
    Code.SHEET_HIDDEN: (
        "Ausgeblendetes Blatt „{sheet}“ wird übersprungen.",
        "Hidden sheet '{sheet}' is skipped.",
    ),
    Code.COLUMN_UNKNOWN: (
        "Spalte {cell} ist nicht bekannt und wird nicht importiert.",
        "Column {cell} is not recognised and is not imported.",
    ),
    Code.COLUMN_TWICE: (
        "Spalte {cell} ist schon in Spalte {first} erfasst und wird nicht importiert.",
        "Column {cell} repeats column {first} and is not imported.",
    ),
    Code.NO_ACTORS: (
        "Die Datei enthält kein Blatt mit Akteuren oder Kooperationen.",
        "The file has no sheet with actors or cooperations.",
    ),
    Code.MAPPING_UNREADABLE: (
        "Die Zuordnungsdatei lässt sich nicht lesen: {reason}",
        "The mapping file cannot be read: {reason}",
    ),
    Code.MAPPING_INVALID: (
        "Fehler in der Zuordnung bei „{where}“: {reason}",
        "Mapping error at '{where}': {reason}",
    ),
    Code.NAME_MISSING: (
        "Der Name fehlt ({cell}).",
        "The name is missing ({cell}).",
    ),
    Code.NAME_TOO_LONG: (
        "Der Name in {cell} ist länger als {limit} Zeichen.",
        "The name in {cell} is longer than {limit} characters.",
    ),
    Code.TYPE_MISSING: (
        "Der Typ fehlt ({cell}) und lässt sich aus dem Namen nicht erschließen; bitte z. B. "
        "„Schule“, „Verein“, „GmbH“ oder „Wohnungsbaugesellschaft“ eintragen.",
        "The type is missing ({cell}) and cannot be told from the name; please enter e.g. "
        "'school', 'association', 'company' or 'housing association'.",
    ),
    Code.TYPE_UNKNOWN: (
        "Typ „{value}“ in {cell} ist unbekannt; bekannt sind z. B. Schule, Kita, Verein, Initiative, "
        "GmbH, Genossenschaft (oder in der Zuordnungsdatei unter „types“ ergänzen).",
        "Type '{value}' in {cell} is unknown; known are e.g. school, Kita, association, initiative, "
        "company, cooperative (or add it under 'types' in the mapping file).",
    ),
    Code.TYPE_INFERRED: (
        "Typ fehlt in {cell}; aus dem Namen erschlossen: {type}. Bitte prüfen.",
        "Type missing in {cell}; taken from the name: {type}. Please check.",
    ),
    Code.TYPE_CONFLICT: (
        "„{value}“ in {cell} passt nicht zum Typ {type}; die Angabe wird nicht übernommen.",
        "'{value}' in {cell} does not fit type {type}; it is not imported.",
    ),
    Code.DATE_INVALID: (
        "„{value}“ in {cell} ist kein Datum (erwartet z. B. 31.12.2020, 2020-12-31, 12/2020 oder 2020).",
        "'{value}' in {cell} is not a date (expected e.g. 31.12.2020, 2020-12-31, 12/2020 or 2020).",
    ),
    Code.DATE_AMBIGUOUS: (
        "„{value}“ in {cell} kann Tag/Monat oder Monat/Tag sein; bitte als 31.12.2020 schreiben.",
        "'{value}' in {cell} could be day/month or month/day; please write it as 2020-12-31.",
    ),
    Code.PERIOD_INVALID: (
        "„bis“ ({until}) liegt vor „seit“ ({since}) in {cell}.",
        "'until' ({until}) lies before 'since' ({since}) in {cell}.",
    ),
    Code.NUMBER_INVALID: (
        "„{value}“ in {cell} ist keine Zahl.",
        "'{value}' in {cell} is not a number.",
    ),
    Code.COORDINATES_INVALID: (
        "Koordinaten in {cell} liegen außerhalb des Gültigen (Breite −90 bis 90, Länge −180 bis 180) "
        "oder sind nicht lesbar: „{value}“.",
        "Coordinates in {cell} are out of range (latitude −90 to 90, longitude −180 to 180) or unreadable: '{value}'.",
    ),
    Code.COORDINATES_INCOMPLETE: (
        "Nur eine Koordinate angegeben ({cell}); es braucht Breiten- und Längengrad. Ort wird nicht übernommen.",
        "Only one coordinate given ({cell}); both latitude and longitude are needed. Location not imported.",
    ),
    Code.INTENSITY_INVALID: (
        "Intensität „{value}“ in {cell} ist ungültig; erlaubt sind 1 (lose), 2 (regelmäßig), 3 (eng).",
        "Intensity '{value}' in {cell} is invalid; use 1 (loose), 2 (regular) or 3 (close).",
    ),
    Code.ACTION_FIELD_UNKNOWN: (
        "Handlungsfeld „{value}“ in {cell} ist unbekannt; bekannt sind: {known}.",
        "Action field '{value}' in {cell} is unknown; known are: {known}.",
    ),
    Code.QUARTER_UNKNOWN: (
        "Quartier „{value}“ in {cell} ist unbekannt{suggestion}; bekannt sind: {known}.",
        "Quarter '{value}' in {cell} is unknown{suggestion}; known are: {known}.",
    ),
    Code.KIND_UNKNOWN: (
        "Art der Zusammenarbeit „{value}“ in {cell} ist unbekannt; übernommen als „Sonstiges“, "
        "der Text steht in der Notiz.",
        "Kind of cooperation '{value}' in {cell} is unknown; imported as 'other', with the text in the note.",
    ),
    Code.WEBSITE_INVALID: (
        "„{value}“ in {cell} ist keine Webadresse; sie wird nicht übernommen.",
        "'{value}' in {cell} is not a web address; it is not imported.",
    ),
    Code.EMAIL_INVALID: (
        "„{value}“ in {cell} ist keine E-Mail-Adresse; sie wird nicht übernommen.",
        "'{value}' in {cell} is not an email address; it is not imported.",
    ),
    Code.TEXT_TOO_LONG: (
        "Der Text in {cell} ist länger als {limit} Zeichen.",
        "The text in {cell} is longer than {limit} characters.",
    ),
    Code.PARTNER_MISSING: (
        "Ein Partner der Kooperation fehlt ({cell}).",
        "One partner of the cooperation is missing ({cell}).",
    ),
    Code.REPEATED_HEADER: (
        "Zeile wiederholt die Kopfzeile und wird übersprungen.",
        "The row repeats the header row and is skipped.",
    ),
    Code.DUPLICATE_NAME_IN_FILE: (
        "Gleicher Name wie in {other}: „{name}“.",
        "Same name as {other}: '{name}'.",
    ),
    Code.SIMILAR_NAME_IN_FILE: (
        "Ähnlicher Name wie in {other}: „{name}“ (Ähnlichkeit {score} %).",
        "Name similar to {other}: '{name}' (similarity {score} %).",
    ),
    Code.PARTNER_UNKNOWN: (
        "Partner „{value}“ in {cell} ist weder in der Datei noch in kiezgraph zu finden.{hint}",
        "Partner '{value}' in {cell} is neither in the file nor in kiezgraph.{hint}",
    ),
    Code.PARTNER_AMBIGUOUS: (
        "Partner „{value}“ in {cell} passt auf mehrere Akteure: {candidates}.",
        "Partner '{value}' in {cell} matches several actors: {candidates}.",
    ),
    Code.PARTNER_NOT_IMPORTED: (
        "Partner „{value}“ ({other}) wird nicht importiert ({reason}).",
        "Partner '{value}' ({other}) is not imported ({reason}).",
    ),
    Code.SELF_COOPERATION: (
        "Beide Partner sind derselbe Akteur ({cell}).",
        "Both partners are the same actor ({cell}).",
    ),
    Code.DECISION_INVALID: (
        "Entscheidung für {other} ist nicht möglich: {reason}",
        "Decision for {other} is not possible: {reason}",
    ),
    Code.MERGE_ADDS: (
        "Wird beim vorhandenen Akteur {actor} ergänzt: {field} {value}.",
        "Added to the existing actor {actor}: {field} {value}.",
    ),
    Code.MERGE_CONFLICT: (
        "{field} weicht vom vorhandenen Akteur {actor} ab: in der Datei „{value}“, in kiezgraph „{existing}“. "
        "Es bleibt der vorhandene Wert; ändern Sie ihn bei Bedarf von Hand.",
        "{field} differs from the existing actor {actor}: '{value}' in the file, '{existing}' in kiezgraph. "
        "The existing value is kept; change it by hand if needed.",
    ),
    Code.CONTACT_ADDS: (
        "Kontaktperson wird hinzugefügt: {person}.",
        "Contact person added: {person}.",
    ),
    Code.CONTACT_CONFLICT: (
        "{field} der Kontaktperson {person} weicht von kiezgraph ab: in der Datei „{value}“, in kiezgraph "
        "„{existing}“. Es bleibt der vorhandene Wert; ändern Sie ihn bei Bedarf von Hand.",
        "{field} of contact person {person} differs from kiezgraph: '{value}' in the file, '{existing}' in "
        "kiezgraph. The existing value is kept; change it by hand if needed.",
    ),
    Code.CONTACT_INVALID: (
        "Die {number}. Kontaktperson der Zeile wird nicht importiert: {reason}.",
        "Contact person {number} of the row is not imported: {reason}.",
    ),
    Code.CONTACT_NOT_ALLOWED: (
        "{count} Kontaktperson(en) dieser Zeile werden nicht importiert: Ihr Zugang darf dem Akteur {actor} "
        "keine Kontaktpersonen hinzufügen (nur für Akteure mit aktueller Mitgliedschaft in Ihren aktiven "
        "Quartieren). Der Rest der Zeile wird importiert.",
        "{count} contact person(s) of this row are not imported: your token may not add contact persons to the "
        "actor {actor} (only to actors with a current membership in your active quarters). The rest of the row "
        "is imported.",
    ),
}

# Words that messages put into {reason}, {hint} and the like, in both languages.
PHRASES: Final[dict[str, tuple[str, str]]] = {
    "did_you_mean": (" Gemeint: „{name}“ ({other})?", " Did you mean '{name}' ({other})?"),
    "perhaps": (" (gemeint: „{name}“?)", " (did you mean '{name}'?)"),
    "row": ("Zeile {row}", "row {row}"),
    "sheet_row": ("„{sheet}“ Zeile {row}", "'{sheet}' row {row}"),
    "skipped": ("übersprungen", "skipped"),
    "has_errors": ("Zeile mit Fehlern", "row with errors"),
    "undecided": ("noch nicht entschieden", "not yet decided"),
    "only_skip": ("eine Zeile mit Fehlern kann nur übersprungen werden", "a row with errors can only be skipped"),
    "no_merge_for_cooperation": ("Kooperationen lassen sich nicht zusammenführen", "cooperations cannot be merged"),
    "unknown_row": ("diese Zeile gibt es im Plan nicht", "the plan has no such row"),
    "merge_needs_target": ("„zusammenführen“ braucht ein Ziel", "'merge' needs a target"),
    "merge_into_self": ("eine Zeile kann nicht in sich selbst aufgehen", "a row cannot be merged into itself"),
    "merge_into_actor_row": ("das Ziel muss eine Akteurszeile sein", "the target must be an actor row"),
    "kind_actors": ("Akteure", "actors"),
    "field_website": ("Website", "Website"),
    "field_address": ("Adresse", "Address"),
    "field_location": ("Koordinaten", "Coordinates"),
    "field_tags": ("Schlagworte", "Tags"),
    "field_action_fields": ("Handlungsfelder", "Action fields"),
    "field_quarter": ("Quartier", "Quarter"),
    "field_membership": ("Zeitraum im Quartier", "Period in the quarter"),
    "none": ("(leer)", "(empty)"),
    "field_contact_name": ("Der Name", "The name"),
    "field_contact_function": ("Die Funktion", "The function"),
    "field_contact_email": ("Die E-Mail-Adresse", "The e-mail address"),
    "field_contact_phone": ("Die Telefonnummer", "The phone number"),
    "contact_no_name": ("ohne Namen kann keine Kontaktperson angelegt werden", "a contact person needs a name"),
    "contact_name_invalid": ("der Name ist zu lang oder nicht lesbar", "the name is too long or unreadable"),
    "contact_function_invalid": ("die Funktion ist zu lang", "the function is too long"),
    "contact_email_invalid": ("die E-Mail-Adresse ist ungültig", "the e-mail address is not valid"),
    "contact_phone_invalid": (
        "eine Telefonnummer hat nur Ziffern, Leerzeichen und + ( ) / . -",
        "a phone number has digits, spaces and + ( ) / . - only",
    ),
    "kind_cooperations": ("Kooperationen", "cooperations"),
    "kind_quarters": ("Quartiere; Quartiere werden nicht importiert", "quarters; quarters are not imported"),
    "kind_properties": ("Eigenschaften des Exports", "export properties"),
    "kind_skip": ("laut Zuordnung übersprungen", "skipped by the mapping"),
}


def phrase(key: str, language: Language = "de", **params: object) -> str:
    german, english = PHRASES[key]
    return (german if language == "de" else english).format(**params)


def column_letter(index: int) -> str:
    """Excel's letter for a 1-based column index: 1 → A, 27 → AA."""
    letters = ""
    while index > 0:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


@dataclass(frozen=True, slots=True)
class Issue:
    """A finding about a cell, a row, a sheet or the file, shown in either language."""

    code: Code
    severity: Severity
    sheet: str | None = None
    row: int | None = None  # as Excel shows it: 1-based, title and header rows counted
    column: int | None = None  # 1-based
    header: str | None = None  # the column's header text as the file has it
    params: tuple[tuple[str, str], ...] = ()

    @property
    def cell(self) -> str:
        """The place a person finds in Excel: ``B7 (Typ)``, or the column alone for sheet findings."""
        if self.column is None:
            return phrase("row", row=self.row) if self.row is not None else ""
        where = column_letter(self.column) + (str(self.row) if self.row is not None else "")
        return f"{where} ({self.header})" if self.header else where

    def text(self, language: Language = "de") -> str:
        german, english = CATALOGUE[self.code]
        template = german if language == "de" else english
        values = dict(self.params)
        values.setdefault("cell", self.cell if language == "de" else self._cell_en())
        values.setdefault("sheet", self.sheet or "")
        # Parameters that are themselves words are stored as keys and put in the language here.
        if "other_row" in values:
            values["other"] = phrase(
                "sheet_row", language, sheet=values.get("other_sheet", ""), row=values["other_row"]
            )
        if "reason_key" in values:
            values["reason"] = phrase(values["reason_key"], language)
        if "field_key" in values:
            values["field"] = phrase(values["field_key"], language)
        if values.get("existing") == "":
            values["existing"] = phrase("none", language)
        if "kind_key" in values:
            values["kind"] = phrase(values["kind_key"], language)
        values.setdefault("hint", "")
        values["suggestion"] = phrase("perhaps", language, name=values["suggest"]) if "suggest" in values else ""
        if "hint_name" in values:
            other = phrase("sheet_row", language, sheet=values.get("hint_sheet", ""), row=values.get("hint_row", ""))
            values["hint"] = (
                phrase("did_you_mean", language, name=values["hint_name"], other=other)
                if values.get("hint_row")
                else phrase("did_you_mean", language, name=values["hint_name"], other="kiezgraph")
            )
        return template.format(**values)

    def _cell_en(self) -> str:
        if self.column is None and self.row is not None:
            return phrase("row", "en", row=self.row)
        return self.cell

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR


def issue(
    code: Code,
    severity: Severity,
    *,
    sheet: str | None = None,
    row: int | None = None,
    column: int | None = None,
    header: str | None = None,
    **params: object,
) -> Issue:
    """An :class:`Issue` with its parameters as text (so that plans stay hashable and printable)."""
    return Issue(code, severity, sheet, row, column, header, tuple((k, str(v)) for k, v in params.items()))
