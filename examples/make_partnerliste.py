"""Write ``examples/partnerliste-beispiel.xlsx``: a QM office's partner list as offices keep them.

Every actor in it is **fictional** (the sheet says so in its title and in a "fiktiv" column);
some are spelt differently from the demo network's fictional actors ("KITA Sonnenschein" for
"Kita Sonnenschein e.V."), so that a plan against a database with the demo network shows
matches. No cooperation between real organisations appears, only quarters are real.

Run ``python -m examples.make_partnerliste`` to write it again.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import xlsxwriter

TARGET = Path(__file__).with_name("partnerliste-beispiel.xlsx")
TITLE = "Partnerliste QM Rollberg – fiktive Beispieldaten für kiezgraph (keine echten Organisationen)"

# Name, Art, Ansprechperson (Name, Funktion, E-Mail, Telefon), Quartier (Name, seit, bis), Handlungsfeld(er),
# Adresse, Webseite, fiktiv
ACTORS: list[list[object]] = [
    [
        "KITA Sonnenschein",
        "Kita",
        "Erika Beispiel",
        "Leitung",
        "leitung@kita-sonnenschein.example",
        "030 000000",
        "Rollberg",
        dt.date(2012, 8, 1),
        None,
        "Bildung",
        "Hügelweg 1, 12053 Berlin",
        "www.kita-sonnenschein.example",
        "ja",
    ],
    [
        "Grundschule am Hang",
        "Grundschule",
        "Max Muster",
        "Schulsozialarbeit",
        None,
        None,
        "Rollberg",
        "09/2005",
        None,
        "Bildung; Gesundheit und Bewegung",
        "Am Hang 5, 12053 Berlin",
        None,
        "ja",
    ],
    [
        "Lesecafé Hügel e. V.",
        "Verein",
        None,
        None,
        "post@lesecafe.example",
        None,
        "Rollbergsiedlung",
        "2021",
        None,
        "Bildung; Nachbarschaft und Integration",
        None,
        None,
        "ja",
    ],
    [],
    [
        "Sprachbrücke Rollberg",
        "Initiative",
        "Ada Probe",
        "Koordination",
        None,
        None,
        "Rollberg",
        "01.03.2022",
        None,
        "Bildung",
        None,
        None,
        "ja",
    ],
    [
        "Werkstatt Hügelholz GmbH",
        "Gewerbe",
        None,
        None,
        None,
        None,
        "Rollberg",
        "2018",
        "31.12.2023",
        "Arbeit und Wirtschaft",
        "Werkhof 3, 12053 Berlin",
        None,
        "ja",
    ],
]
# Akteur A, Akteur B, Art der Zusammenarbeit, seit, bis, Intensität, Notiz
COOPERATIONS: list[list[object]] = [
    [
        "KITA Sonnenschein",
        "Sprachbrücke Rollberg",
        "Projektpartnerschaft",
        "03/2022",
        None,
        "eng",
        "Sprachförderung für Vorschulkinder (fiktiv)",
    ],
    ["Lesecafé Hügel e.V.", "Grundschule am Hang", "regelmäßiger Austausch", "2021", None, "regelmäßig", None],
    ["Werkstatt Hügelholz GmbH", "Grundschule am Hang", "Spende", "2019", "2023", "lose", "Bastelholz (fiktiv)"],
]


def write(target: Path = TARGET) -> Path:
    book = xlsxwriter.Workbook(str(target))
    bold = book.add_format({"bold": True, "bg_color": "#E8EEF4", "border": 1})
    title = book.add_format({"bold": True, "font_size": 13})
    date = book.add_format({"num_format": "dd.mm.yyyy"})
    ws = book.add_worksheet("Partner")
    ws.write("A1", TITLE, title)
    for cell, text in (
        ("A3:A4", "Name"),
        ("B3:B4", "Art"),
        ("J3:J4", "Handlungsfeld(er)"),
        ("K3:K4", "Adresse"),
        ("L3:L4", "Webseite"),
        ("M3:M4", "fiktiv"),
    ):
        ws.merge_range(cell, text, bold)
    ws.merge_range("C3:F3", "Ansprechperson", bold)
    ws.write_row("C4", ["Name", "Funktion", "E-Mail", "Telefon"], bold)
    ws.merge_range("G3:I3", "Quartier", bold)
    ws.write_row("G4", ["Name", "seit", "bis"], bold)
    for i, row in enumerate(ACTORS):
        for j, value in enumerate(row):
            if isinstance(value, dt.date):
                ws.write_datetime(4 + i, j, dt.datetime.combine(value, dt.time()), date)
            elif value is not None:
                ws.write(4 + i, j, value)
    ws.set_column("A:A", 28)
    ws.set_column("C:F", 18)
    ws.set_column("J:L", 30)
    coop = book.add_worksheet("Kooperationen")
    coop.write_row("A1", ["Akteur A", "Akteur B", "Art der Zusammenarbeit", "seit", "bis", "Intensität", "Notiz"], bold)
    for i, row in enumerate(COOPERATIONS):
        coop.write_row(1 + i, 0, row)
    coop.set_column("A:C", 28)
    book.close()
    return target


if __name__ == "__main__":
    print(write())
