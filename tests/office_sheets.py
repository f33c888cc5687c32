"""Sheets as QM offices write them, made by the tests themselves (fictional actors only).

- :func:`partner_list_xlsx`: an Excel partner list with a title row, a two-row header with merged
  group cells ("Ansprechperson", "Quartier"), empty rows, trailing spaces, "e.V." spelt three
  ways, umlauts written out, a row without a type, dates in three formats, and a second sheet of
  cooperations naming a partner that does not exist.
- :func:`ods`: a minimal OpenDocument spreadsheet written by hand (the format is a zip of XML,
  ISO/IEC 26300); spanned cells as LibreOffice writes them.
- :func:`german_excel_csv`: "CSV (Trennzeichen-getrennt)" as German Excel saves it: ``;``,
  Windows-1252, decimal commas, dates ``31.12.2020``.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Sequence
from pathlib import Path
from xml.sax.saxutils import escape

import xlsxwriter

Cell = str | int | float | dt.date | None

TITLE = "Partnerliste QM Rollberg – Stand 03/2024 (fiktive Beispieldaten)"

# Rows below the two header rows (row 5 on): Name, Art, Ansprechperson (Name, Funktion, E-Mail, Telefon),
# Quartier (Name, seit, bis), Handlungsfeld(er), Breitengrad, Längengrad, Partner.
ACTOR_ROWS: list[list[Cell]] = [
    [
        "Kita Sonnenschein e.V.  ",
        "Kita",
        "Erika Beispiel",
        "Leitung",
        "kita@sonnenschein.example",
        "030 1234567",
        "Rollbergsiedlung",
        "01.09.2012",
        None,
        "Bildung",
        "52,4772",
        "13,4322",
        "Grundschule am Hang; Lesepaten Rollberg",
    ],
    [],  # an empty row in the middle
    [
        "KITA Sonnenschein e. V.",
        "Kita",
        None,
        None,
        "keine Angabe",
        None,
        "Rollberg",
        dt.date(2012, 9, 1),
        None,
        "Bildung; Gesundheit und Bewegung",
        None,
        None,
        None,
    ],
    [
        " Grundschule am Hang",
        "Grundschule",
        "Max Muster",
        "Schulsozialarbeit",
        None,
        None,
        "Flughafenstraße",
        "09/2015",
        "31.12.2020",
        "Bildung, Ausbildung, Jugend",
        52.4801,
        13.4299,
        None,
    ],
    [
        "Stadtteilmuetter Rollberg eV",
        None,
        None,
        None,
        None,
        None,
        "Rollberg",
        2019,
        None,
        "Nachbarschaft und Integration",
        None,
        None,
        None,
    ],
    [
        "Lesepaten Rollberg",
        "Elterngruppe",
        None,
        None,
        None,
        None,
        "Rollberg",
        "2016",
        None,
        "Bildung",
        None,
        None,
        None,
    ],
    [
        "Nachbarschaftsgarten Lindenhof",
        None,
        None,
        None,
        None,
        None,
        "Rollberg",
        None,
        None,
        "Öffentlicher Raum; Klimaschutz und -anpassung",
        None,
        None,
        None,
    ],
    [
        "Wohnbau Hügel",
        "Wohnungsbaugesellschaft",
        None,
        None,
        None,
        None,
        "Rollberg",
        "2001",
        "2000",
        "Quatsch",
        None,
        None,
        None,
    ],
]
COOPERATION_ROWS: list[list[Cell]] = [
    ["Kita Sonnenschein", "Grundschule am Hang", "Projektpartnerschaft", "01.09.2016", None, "eng", "Sprachförderung"],
    ["Stadtteilmütter Rollberg e.V.", "Kita Sonnenschein e.V.", "regelmäßiger Austausch", "2019", None, "2", None],
    ["Kita Sonnenschein", "Förderverein Unbekannt e.V.", "Spende", "2020-05-01", None, "lose", None],
]


def partner_list_xlsx(path: Path) -> Path:
    book = xlsxwriter.Workbook(str(path))
    bold = book.add_format({"bold": True})
    date = book.add_format({"num_format": "dd.mm.yyyy"})
    ws = book.add_worksheet("Partner")
    ws.write("A1", TITLE, bold)
    ws.merge_range("A3:A4", "Name", bold)
    ws.merge_range("B3:B4", "Art", bold)
    ws.merge_range("C3:F3", "Ansprechperson", bold)
    ws.write_row("C4", ["Name", "Funktion", "E-Mail", "Telefon"], bold)
    ws.merge_range("G3:I3", "Quartier", bold)
    ws.write_row("G4", ["Name", "seit ", "bis"], bold)
    ws.merge_range("J3:J4", "Handlungsfeld(er)", bold)
    ws.merge_range("K3:K4", "Breitengrad", bold)
    ws.merge_range("L3:L4", "Längengrad", bold)
    ws.merge_range("M3:M4", "Partner", bold)
    for offset, row in enumerate(ACTOR_ROWS):
        for col, value in enumerate(row):
            if isinstance(value, dt.date):
                ws.write_datetime(4 + offset, col, dt.datetime.combine(value, dt.time()), date)
            elif value is not None:
                ws.write(4 + offset, col, value)
    ws2 = book.add_worksheet("Kooperationen")
    ws2.write_row("A1", ["Akteur A", "Akteur B", "Art der Zusammenarbeit", "seit", "bis", "Intensität", "Notiz"], bold)
    for offset, row in enumerate(COOPERATION_ROWS):
        ws2.write_row(1 + offset, 0, row)
    notes = book.add_worksheet("Hinweise")
    notes.write("A1", "Diese Liste pflegt das QM-Büro. Bitte nicht weitergeben.")
    book.close()
    return path


def _ods_cell(value: Cell, span: int = 1) -> str:
    spanned = f' table:number-columns-spanned="{span}"' if span > 1 else ""
    if value is None:
        return f"<table:table-cell{spanned}/>"
    if isinstance(value, dt.date):
        return (
            f'<table:table-cell{spanned} office:value-type="date" office:date-value="{value.isoformat()}">'
            f"<text:p>{value.strftime('%d.%m.%Y')}</text:p></table:table-cell>"
        )
    if isinstance(value, int | float):
        return (
            f'<table:table-cell{spanned} office:value-type="float" office:value="{value}">'
            f"<text:p>{value}</text:p></table:table-cell>"
        )
    return f'<table:table-cell{spanned} office:value-type="string"><text:p>{escape(value)}</text:p></table:table-cell>'


def ods(path: Path, sheets: dict[str, Sequence[Sequence[Cell | tuple[Cell, int]]]]) -> Path:
    """An ODS file; a cell given as ``(value, n)`` spans n columns (followed by covered cells)."""
    tables = []
    for name, rows in sheets.items():
        xml_rows = []
        for row in rows:
            cells = []
            for cell in row:
                if isinstance(cell, tuple):
                    value, span = cell
                    cells.append(_ods_cell(value, span) + "<table:covered-table-cell/>" * (span - 1))
                else:
                    cells.append(_ods_cell(cell))
            xml_rows.append(f"<table:table-row>{''.join(cells) or '<table:table-cell/>'}</table:table-row>")
        tables.append(f'<table:table table:name="{escape(name)}">{"".join(xml_rows)}</table:table>')
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f"<office:body><office:spreadsheet>{''.join(tables)}</office:spreadsheet></office:body>"
        "</office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        # The mimetype entry comes first and uncompressed (OpenDocument 1.2, part 3, section 3.3).
        archive.writestr(
            zipfile.ZipInfo("mimetype"),
            "application/vnd.oasis.opendocument.spreadsheet",
            compress_type=zipfile.ZIP_STORED,
        )
        archive.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
    return path


GERMAN_EXCEL_CSV = (
    "Akteursliste Flughafenstraße;;;;;;\r\n"
    ";;;;;;\r\n"
    "Name;Typ;Straße;PLZ;Breitengrad;Längengrad;Quartier;seit;Handlungsfelder\r\n"
    "Familienzentrum Flughafenstraße;Familienzentrum;Flughafenstraße 21;12053;52,4805;13,4380;"
    "Flughafenstraße;01.03.2010;Bildung\r\n"
    "Bäckerei Müller;Laden;Flughafenstr. 3;12053;52,4810;13,4301;Flughafenstraße;2014;"
    "Arbeit und Wirtschaft\r\n"
    '"Nachbarschaftstreff ""Flughafen""";Verein;;;;;Flughafenstraße;31.12.2015;Nachbarschaft\r\n'
    ";;;;;;\r\n"
    "Moscheeverein Ömer;Moschee;;;;;Flughafenstraße;;\r\n"
)


def german_excel_csv(path: Path) -> Path:
    path.write_bytes(GERMAN_EXCEL_CSV.encode("cp1252"))
    return path
