"""Reading sheets as offices write them: XLSX with merged two-row headers, ODS, German Excel CSV (pure, no database)."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
import xlsxwriter

from exchange.mapping import MappingError, Options, load
from exchange.messages import Code, Severity
from exchange.model import ActorRef, Contact, Membership, ParsedFile, RowKey
from exchange.reading import quarter_and_period, read
from exchange.sources import ReadError, sniff_delimiter
from tests.office_sheets import GERMAN_EXCEL_CSV, german_excel_csv, ods, partner_list_xlsx

D = dt.date


def codes(parsed: ParsedFile, key: RowKey) -> dict[Code, Severity]:
    row = next(r for r in parsed.actors if r.key == key)
    return {i.code: i.severity for i in row.issues}


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> ParsedFile:
    return read(partner_list_xlsx(tmp_path_factory.mktemp("sheets") / "partnerliste.xlsx"))


def test_the_header_is_found_below_the_title_across_merged_group_cells(office: ParsedFile) -> None:
    sheet = next(s for s in office.sheets if s.name == "Partner")
    assert sheet.header_rows == (3, 4)
    fields = {letter: f for letter, _, f in sheet.columns}
    assert fields == {
        "A": "name",
        "B": "type",
        "C": "contact_name",
        "D": "contact_function",
        "E": "contact_email",
        "F": "contact_phone",
        "G": "quarters",
        "H": "since",
        "I": "until",
        "J": "action_fields",
        "K": "latitude",
        "L": "longitude",
        "M": "partners",
    }
    assert sheet.rows == 7  # the empty row is not counted


def test_rows_keep_the_numbers_excel_shows(office: ParsedFile) -> None:
    assert [r.key.row for r in office.actors] == [5, 7, 8, 9, 10, 11, 12]


def test_a_messy_row_reads_clean(office: ParsedFile) -> None:
    kita = office.actors[0].actor
    assert kita is not None
    assert kita.name == "Kita Sonnenschein e.V."  # trailing spaces gone
    assert (kita.type, kita.institution_kind) == ("Institution", "kita")
    assert kita.location == pytest.approx((52.4772, 13.4322))  # decimal commas
    assert kita.memberships == (Membership("rollberg", D(2012, 9, 1)),)  # "Rollbergsiedlung" is Rollberg
    assert kita.contacts == (Contact("Erika Beispiel", "Leitung", "kita@sonnenschein.example", "030 1234567"),)
    school = office.actors[2].actor
    assert school is not None and school.name == "Grundschule am Hang"
    # "09/2015" starts on the first of the month; "31.12.2020" ends that day; the 2010s field is kept.
    assert school.memberships == (Membership("flughafenstrasse", D(2015, 9, 1), D(2020, 12, 31)),)
    assert school.action_fields == ("bildung-ausbildung-jugend",)


def test_dates_in_three_formats_read_alike(office: ParsedFile) -> None:
    firsts = [r.actor.memberships[0].since for r in office.actors[:5] if r.actor]
    # a date cell, "01.09.2012", "09/2015", the number 2019, "2016"
    assert firsts == [D(2012, 9, 1), D(2012, 9, 1), D(2015, 9, 1), D(2019, 1, 1), D(2016, 1, 1)]


def test_a_missing_type_is_taken_from_the_name_with_a_warning_or_refused(office: ParsedFile) -> None:
    muetter = office.actors[3]
    assert muetter.actor is not None and muetter.actor.type == "Initiative" and muetter.actor.legal_form == "ev"
    assert codes(office, muetter.key) == {Code.TYPE_INFERRED: Severity.WARNING}
    garden = office.actors[5]
    assert garden.actor is not None and garden.actor.type is None and not garden.ok
    assert codes(office, garden.key) == {Code.TYPE_MISSING: Severity.ERROR}
    message = garden.issues[0]
    assert (message.row, message.column) == (11, 2)
    assert message.text("de").startswith("Der Typ fehlt (B11 (Art))")
    assert message.text("en").startswith("The type is missing (B11 (Art))")


def test_a_mistyped_quarter_is_an_error_that_suggests_the_quarter_meant() -> None:
    rows: list[list[object]] = [["Name", "Typ", "Quartier"], ["Kita A", "Kita", "Rolberg"], ["Kita B", "Kita", "Mars"]]
    parsed = read(_book({"Liste": rows}), name="l.xlsx")
    typo, nowhere = (r.issues[0] for r in parsed.actors)
    assert typo.code is Code.QUARTER_UNKNOWN and not parsed.actors[0].ok
    assert typo.text("de").startswith("Quartier „Rolberg“ in C2 (Quartier) ist unbekannt (gemeint: „Rollberg“?)")
    assert "(did you mean 'Rollberg'?)" in typo.text("en")
    assert "gemeint" not in nowhere.text("de")


def test_wrong_cells_are_errors_with_their_place(office: ParsedFile) -> None:
    housing = office.actors[6]
    assert not housing.ok
    found = {(i.code, i.column) for i in housing.issues}
    assert found == {(Code.ACTION_FIELD_UNKNOWN, 10), (Code.PERIOD_INVALID, 9)}
    invalid_mail = office.actors[1]
    assert invalid_mail.ok  # an address that is none is left out, with a warning
    assert codes(office, invalid_mail.key) == {Code.EMAIL_INVALID: Severity.WARNING}


def test_cooperations_from_their_sheet_and_from_the_partner_column(office: ParsedFile) -> None:
    sheet_rows = [c for c in office.cooperations if not c.from_partners]
    assert [c.key for c in sheet_rows] == [RowKey("Kooperationen", n) for n in (2, 3, 4)]
    first = sheet_rows[0].cooperation
    assert first is not None
    assert (first.a, first.b, first.kind, first.since, first.intensity, first.note) == (
        ActorRef("Kita Sonnenschein"),
        ActorRef("Grundschule am Hang"),
        "project_partnership",
        D(2016, 9, 1),
        3,
        "Sprachförderung",
    )
    partners = [c for c in office.cooperations if c.from_partners]
    assert [(c.key.row, c.cooperation.b.name) for c in partners if c.cooperation] == [
        (5, "Grundschule am Hang"),
        (5, "Lesepaten Rollberg"),
    ]


def test_sheets_without_a_table_are_skipped_with_a_notice(office: ParsedFile) -> None:
    skipped = [i for i in office.issues if i.code is Code.SHEET_NO_HEADER]
    assert [i.sheet for i in skipped] == ["Hinweise"]
    assert skipped[0].severity is Severity.NOTICE


def test_german_excel_csv_in_windows_1252_with_semicolons(tmp_path: Path) -> None:
    parsed = read(german_excel_csv(tmp_path / "akteure.csv"))
    names = [r.actor.name for r in parsed.actors if r.actor]
    assert names == [
        "Familienzentrum Flughafenstraße",
        "Bäckerei Müller",
        'Nachbarschaftstreff "Flughafen"',
        "Moscheeverein Ömer",
    ]
    assert [r.key.row for r in parsed.actors] == [4, 5, 6, 8]
    bakery = parsed.actors[1].actor
    assert bakery is not None
    assert (bakery.type, bakery.street, bakery.postal_code) == ("Company", "Flughafenstr. 3", "12053")
    assert bakery.location == pytest.approx((52.4810, 13.4301))
    assert bakery.action_fields == ("arbeit-wirtschaft",)
    mosque = parsed.actors[3].actor
    assert mosque is not None and mosque.institution_kind == "religious_community"
    assert all(r.ok for r in parsed.actors)


@pytest.mark.parametrize("encoding, bom", [("utf-8", b"\xef\xbb\xbf"), ("utf-8", b""), ("cp1252", b"")])
def test_csv_encodings_are_recognised(tmp_path: Path, encoding: str, bom: bytes) -> None:
    path = tmp_path / "liste.csv"
    path.write_bytes(bom + GERMAN_EXCEL_CSV.encode(encoding))
    parsed = read(path)
    assert parsed.actors[1].actor is not None and parsed.actors[1].actor.name == "Bäckerei Müller"


def test_utf8_csv_with_commas_and_a_stray_windows_byte(tmp_path: Path) -> None:
    text = 'Name,Typ,Quartier\r\nKita Löwenzahn,Kita,Körnerpark\r\n"Stadtteilladen, Café",Laden,Rixdorf\r\n'
    path = tmp_path / "liste.csv"
    path.write_bytes(text.encode("utf-8") + "Bäckerei,Laden,Rixdorf\r\n".encode("cp1252"))
    parsed = read(path)
    assert [r.actor.name for r in parsed.actors if r.actor] == ["Kita Löwenzahn", "Stadtteilladen, Café", "Bäckerei"]
    assert [r.actor.memberships[0].quarter for r in parsed.actors if r.actor] == ["koernerpark", "rixdorf", "rixdorf"]


def test_the_delimiter_is_sniffed_despite_decimal_commas() -> None:
    assert sniff_delimiter("Name;Breite;Länge\nA;52,1;13,2\nB;52,3;13,4\n") == ";"
    assert sniff_delimiter("Name,Breite,Länge\nA,52.1,13.2\nB,52.3,13.4\n") == ","
    assert sniff_delimiter("Name\tTyp\nA\tKita\nB\tVerein\n") == "\t"


def test_ods_with_spanned_group_header(tmp_path: Path) -> None:
    path = ods(
        tmp_path / "liste.ods",
        {
            "Akteure": [
                ["Akteure im QM-Gebiet (fiktiv)"],
                [],
                ["Name", "Typ", ("Quartier", 3), "E-Mail"],
                [None, None, "Name", "seit", "bis", None],
                ["Jugendclub Feldweg", "Jugendclub", "Rixdorf", D(2015, 1, 1), None, "jc@example.org"],
                [],
                ["Verein Nachbarn e.V.", "e.V.", "Rixdorf", "2018", "12/2022", None],
            ],
        },
    )
    parsed = read(path)
    assert parsed.sheets[0].header_rows == (3, 4)
    assert [(r.key.row, r.actor.name, r.actor.memberships) for r in parsed.actors if r.actor] == [
        (5, "Jugendclub Feldweg", (Membership("rixdorf", D(2015, 1, 1)),)),
        (7, "Verein Nachbarn e.V.", (Membership("rixdorf", D(2018, 1, 1), D(2022, 12, 31)),)),
    ]
    assert parsed.actors[0].actor is not None
    assert parsed.actors[0].actor.contacts == (Contact(email="jc@example.org"),)


def _book(
    sheets: dict[str, list[list[object]]], *, start: str = "A1", hidden: str | None = None, merges: list[str] = ()
) -> io.BytesIO:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    for name, rows in sheets.items():
        ws = book.add_worksheet(name)
        row0, col0 = xlsxwriter.utility.xl_cell_to_rowcol(start)
        for i, row in enumerate(rows):
            ws.write_row(row0 + i, col0, row)
        for merge in merges:
            first = merge.split(":")[0]
            r, c = xlsxwriter.utility.xl_cell_to_rowcol(first)
            ws.merge_range(merge, rows[r - row0][c - col0])
        if name == hidden:
            ws.hide()
    book.close()
    buffer.seek(0)
    return buffer


def test_a_table_that_starts_at_b3_keeps_excel_row_numbers_and_letters() -> None:
    parsed = read(
        _book({"Liste": [["Name", "Typ", "Quartier"], ["Kita Am Hang", "Tante", "Rollberg"]]}, start="B3"),
        name="liste.xlsx",
    )
    [problem] = parsed.actors[0].issues
    assert (problem.code, problem.row, problem.cell) == (Code.TYPE_UNKNOWN, 4, "C4 (Typ)")


def test_a_quarter_merged_down_over_several_actors_belongs_to_each() -> None:
    rows: list[list[object]] = [
        ["Name", "Typ", "Quartier"],
        ["Kita A", "Kita", "Rixdorf"],
        ["Schule B", "Schule", ""],
        ["Verein C", "Verein", ""],
    ]
    parsed = read(_book({"Liste": rows}, merges=["C2:C4"]), name="liste.xlsx")
    assert [r.actor.memberships for r in parsed.actors if r.actor] == [(Membership("rixdorf"),)] * 3


def test_hidden_sheets_are_skipped_and_a_named_sheet_is_read_alone() -> None:
    sheets: dict[str, list[list[object]]] = {
        "Sichtbar": [["Name", "Typ"], ["Kita A", "Kita"]],
        "Versteckt": [["Name", "Typ"], ["Laden B", "Laden"]],
    }
    parsed = read(_book(sheets, hidden="Versteckt"), name="liste.xlsx")
    assert [r.actor.name for r in parsed.actors if r.actor] == ["Kita A"]
    assert [i.code for i in parsed.issues] == [Code.SHEET_HIDDEN]
    only = read(_book(sheets, hidden="Versteckt"), Options(sheet="Versteckt"), name="liste.xlsx")
    assert [r.actor.name for r in only.actors if r.actor] == ["Laden B"]
    missing = read(_book(sheets), Options(sheet="Tabelle9"), name="liste.xlsx")
    assert missing.issues[0].code is Code.SHEET_NOT_FOUND


def test_a_list_of_names_and_partners_is_a_list_of_cooperations() -> None:
    rows: list[list[object]] = [
        ["Akteur", "Partner", "Art der Zusammenarbeit"],
        ["Kita A", "Schule B; Verein C", "Projekt"],
    ]
    parsed = read(_book({"Netz": rows}), name="netz.xlsx")
    assert parsed.sheets[0].kind == "cooperations"
    assert [
        (c.cooperation.a.name, c.cooperation.b.name, c.cooperation.kind) for c in parsed.cooperations if c.cooperation
    ] == [("Kita A", "Schule B", "project_partnership"), ("Kita A", "Verein C", "project_partnership")]


def test_gephi_tables_read_as_actors_and_cooperations(tmp_path: Path) -> None:
    nodes = tmp_path / "nodes.csv"
    nodes.write_text("Id,Label,type\nn1,Kita A,INSTITUTION\nn2,Verein B,INITIATIVE\n", encoding="utf-8")
    edges = tmp_path / "edges.csv"
    edges.write_text(
        "Source,Target,Type,Id,Label,Weight\nn1,n2,Undirected,e1,PROJECT_PARTNERSHIP,2\n", encoding="utf-8"
    )
    actors = read(nodes)
    assert [(r.actor.ref, r.actor.name, r.actor.type) for r in actors.actors if r.actor] == [
        ("n1", "Kita A", "Institution"),
        ("n2", "Verein B", "Initiative"),
    ]
    ties = read(edges)
    [tie] = [c.cooperation for c in ties.cooperations]
    assert tie is not None and (tie.a.name, tie.b.name, tie.kind, tie.intensity, tie.ref) == (
        "n1",
        "n2",
        "project_partnership",
        2,
        "e1",
    )


def test_a_mapping_file_overrides_columns_types_and_quarters(tmp_path: Path) -> None:
    mapping = tmp_path / "zuordnung.yaml"
    mapping.write_text(
        "# QM Rollberg: unsere Spalten\n"
        "columns:\n  Einrichtung: name\n  Kategorie: type\n  Kiez: quarters\n  intern: ignore\n"
        "types:\n  Stadtteilmütter: Initiative\n"
        "  Seniorentreff: {type: Institution, institution_kind: neighbourhood_centre}\n"
        "quarters:\n  Rollberg-Kiez: rollberg\n"
        "action_fields:\n  Sprachförderung: bildung\n",
        encoding="utf-8",
    )
    options = load(mapping)
    rows: list[list[object]] = [
        ["Einrichtung", "Kategorie", "Kiez", "Handlungsfeld", "intern"],
        ["Mütter im Kiez", "Stadtteilmütter", "Rollberg-Kiez", "Sprachförderung", "x"],
        ["Treff 60+", "Seniorentreff", "Rollberg-Kiez", "", ""],
    ]
    parsed = read(_book({"Tabelle1": rows}), options, name="t.xlsx")
    assert not parsed.issues
    first, second = (r.actor for r in parsed.actors)
    assert first is not None and second is not None
    assert (first.type, first.memberships, first.action_fields) == (
        "Initiative",
        (Membership("rollberg"),),
        ("bildung",),
    )
    assert (second.type, second.institution_kind) == ("Institution", "neighbourhood_centre")


def test_a_default_quarter_for_rows_that_name_none() -> None:
    rows: list[list[object]] = [["Name", "Typ", "seit"], ["Kita A", "Kita", "2019"]]
    parsed = read(_book({"Liste": rows}), Options(quarter="rollberg"), name="l.xlsx")
    assert parsed.actors[0].actor is not None
    assert parsed.actors[0].actor.memberships == (Membership("rollberg", D(2019, 1, 1)),)


@pytest.mark.parametrize(
    "content, where",
    [
        ("columns:\n  Name: nom\n", "columns: Name"),
        ("types:\n  yes: Initiative\n", "types: True"),
        ("quarters:\n  Kiez: atlantis\n", "quarters: Kiez"),
        ("spalten:\n  Name: name\n", "spalten"),
    ],
)
def test_a_wrong_mapping_says_where(tmp_path: Path, content: str, where: str) -> None:
    mapping = tmp_path / "m.yaml"
    mapping.write_text(content, encoding="utf-8")
    from exchange.vocabulary import Vocabulary  # noqa: PLC0415

    with pytest.raises(MappingError) as raised:
        load(mapping, Vocabulary.from_seeds())
    assert f"'{where}'" in raised.value.issue.text("en")


def test_unreadable_files_raise_a_read_error(tmp_path: Path) -> None:
    broken = tmp_path / "kaputt.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(ReadError) as raised:
        read(broken)
    assert raised.value.issue.code is Code.FILE_UNREADABLE
    with pytest.raises(ReadError):
        read(tmp_path / "fehlt.xlsx")
    huge = tmp_path / "daten.csv"
    huge.write_bytes(b'Name;Typ\r\n"' + b"x" * 200_000 + b'";Kita\r\n')  # beyond csv's field limit
    with pytest.raises(ReadError):
        read(huge)


def test_control_characters_never_reach_a_name(tmp_path: Path) -> None:
    path = tmp_path / "daten.csv"
    path.write_bytes(b"Name;Typ\r\nKita\x00 Am\x07 Hang;Kita\r\n")
    assert read(path).actors[0].actor.name == "Kita Am Hang"  # type: ignore[union-attr]
    with pytest.raises(ReadError) as unknown:
        read(tmp_path / "bild.png")
    assert unknown.value.issue.code in (Code.FILE_FORMAT_UNKNOWN, Code.FILE_UNREADABLE)


@pytest.mark.parametrize(
    "cell, expected",
    [
        ("Rollberg (seit 01.09.2012)", ("Rollberg", D(2012, 9, 1), None)),
        ("Rollberg (2015–2020)", ("Rollberg", D(2015, 1, 1), D(2020, 12, 31))),
        ("Rollberg (2015-01-01–2020-06-30)", ("Rollberg", D(2015, 1, 1), D(2020, 6, 30))),
        ("Rollberg (bis 2020)", ("Rollberg", None, D(2020, 12, 31))),
        ("Rollberg (since 2012-09-01)", ("Rollberg", D(2012, 9, 1), None)),
        ("Gropiusstadt (Lipschitzallee)", None),
    ],
)
def test_a_quarter_cell_may_carry_its_period(cell: str, expected: tuple[str, D | None, D | None] | None) -> None:
    assert quarter_and_period(cell) == expected


def test_arguments_override_the_mapping_file(tmp_path: Path) -> None:
    mapping = tmp_path / "m.json"
    mapping.write_text(
        '{"quarter": "rollberg", "sheet": "Tabelle1", "quarters": {"Kiez": "rollberg"}}', encoding="utf-8"
    )
    merged = load(mapping).merged(Options(quarter="rixdorf", quarters={"Dorf": "rixdorf"}))
    assert (merged.quarter, merged.sheet) == ("rixdorf", "Tabelle1")
    assert merged.quarters == {"Kiez": "rollberg", "Dorf": "rixdorf"}
