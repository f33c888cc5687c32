"""Exports for offices and Gephi: the XLSX round trip, German Excel and Gephi CSV (pure, no database)."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
import python_calamine

from analysis import formats
from exchange.model import ActorRef, Membership, SheetActor, SheetCooperation
from exchange.reading import read
from exchange.writing import ExportInfo, Language, from_network, write_xlsx
from graph.actors import MembershipRecord
from graph.networks import EdgeRow, NetworkData, NodeRow
from graph.quarters import QuarterRecord

D = dt.date
INFO = ExportInfo(revision=4711, exported_at=dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.UTC), selection="Rollberg")

ACTORS = [
    SheetActor(
        "Kita Sonnenschein e.V.",
        "Institution",
        ref="QWN0b3I6MQ",
        institution_kind="kita",
        street="Rollbergstraße 12",
        postal_code="12053",
        city="Berlin",
        location=(52.4772, 13.4322),
        website="https://kita-sonnenschein.example",
        action_fields=("bildung", "oeffentlicher-raum-2010er"),
        memberships=(
            Membership("rollberg", D(2012, 9, 1)),
            Membership("flughafenstrasse", D(2015, 1, 1), D(2020, 12, 31)),
        ),
        tags=("Sprachförderung", "Eltern"),
        description="Fiktive Kita.\nZweite Zeile.",
        synthetic=True,
    ),
    SheetActor(
        '=HYPERLINK("x") GmbH',
        "Company",
        ref="QWN0b3I6Mg",
        social_enterprise=True,
        sector="Druck",
        operator="Kiezwerk",
        alt_names=("Formel", "F."),
        memberships=(Membership("gropiusstadt", None, D(2020, 12, 31)),),
    ),
    SheetActor(
        "Wohnbau Hügel eG",
        "HousingAssociation",
        ref="QWN0b3I6Mw",
        ownership="cooperative",
        memberships=(Membership("rollberg", D(1999, 1, 1), D(2024, 6, 30)),),
    ),
    SheetActor(
        "Lesepaten Rollberg",
        "Initiative",
        ref="QWN0b3I6NA",
        legal_form="ev",
        action_fields=("nachbarschaft-gemeinwesen-integration", "klimaschutz-anpassung"),
    ),
    SheetActor("Stadtteilbibliothek", "Institution", ref="QWN0b3I6NQ", institution_kind="library"),
]
COOPERATIONS = [
    SheetCooperation(
        ActorRef("Kita Sonnenschein e.V.", "QWN0b3I6MQ"),
        ActorRef("Lesepaten Rollberg", "QWN0b3I6NA"),
        "project_partnership",
        D(2016, 9, 1),
        None,
        ("bildung",),
        3,
        "Lesen im Kiez",
        ref="Q29vcDox",
        synthetic=True,
    ),
    SheetCooperation(
        ActorRef("Wohnbau Hügel eG", "QWN0b3I6Mw"),
        ActorRef("Kita Sonnenschein e.V.", "QWN0b3I6MQ"),
        "space_provision",
        D(2010, 1, 1),
        D(2015, 12, 31),
        (),
        1,
        None,
        ref="Q29vcDoy",
    ),
    SheetCooperation(
        ActorRef("Stadtteilbibliothek", "QWN0b3I6NQ"),
        ActorRef("Lesepaten Rollberg", "QWN0b3I6NA"),
        "regular_exchange",
        None,
        None,
        ("bildung-ausbildung-jugend",),
        None,
        None,
        ref="Q29vcDoz",
    ),
]


@pytest.mark.parametrize("language", ["de", "en"])
def test_what_the_xlsx_writer_writes_the_reader_reads_back(language: Language) -> None:
    buffer = io.BytesIO()
    assert write_xlsx(buffer, ACTORS, COOPERATIONS, INFO, language=language) == (5, 3)
    buffer.seek(0)
    parsed = read(buffer, name="export.xlsx")
    assert [r.actor for r in parsed.actors] == ACTORS
    assert [c.cooperation for c in parsed.cooperations] == COOPERATIONS
    assert all(not r.issues for r in parsed.actors) and all(not c.issues for c in parsed.cooperations)
    # The quarters and properties sheets are recognised and skipped, nothing else is reported.
    assert {i.code.value for i in parsed.issues} == {"SHEET_SKIPPED"}


def test_the_workbook_states_its_revision_and_export_time_and_defuses_formulas() -> None:
    buffer = io.BytesIO()
    quarter = QuarterRecord(
        "q1",
        "rollberg",
        "Rollberg",
        (),
        "Neukölln",
        "Berlin",
        "active",
        1999,
        None,
        None,
        None,
        D(2027, 12, 31),
        28.84,
        5664,
        2015,
        None,
        ("https://example.org/rollberg",),
        None,
        None,
        None,
        None,
        (),
        (),
        False,
    )
    write_xlsx(buffer, ACTORS, COOPERATIONS, INFO, quarters=[quarter])
    buffer.seek(0)
    book = python_calamine.CalamineWorkbook.from_filelike(buffer)
    assert book.sheet_names == ["Akteure", "Kooperationen", "Quartiere", "Eigenschaften"]
    properties = {row[0]: row[1] for row in book.get_sheet_by_name("Eigenschaften").to_python()[1:]}
    assert properties["Datenstand (Revision)"] == 4711
    assert properties["Exportiert am (UTC)"] == "2026-03-01 09:30:00"
    assert properties["Enthält fiktive Beispieldaten"] == "ja"
    quarters = book.get_sheet_by_name("Quartiere").to_python()
    assert quarters[1][:4] == ["q1", "rollberg", "Rollberg", "active"]
    assert book.get_sheet_by_name("Akteure").to_python()[2][1] == '=HYPERLINK("x") GmbH'  # text, not a formula


def _network() -> NetworkData:
    nodes = [
        NodeRow(
            "n1",
            "Kita Sonnenschein",
            "Institution",
            ["rollberg"],
            ["bildung"],
            True,
            52.4772,
            13.4322,
            "2012-09-01",
            None,
        ),
        NodeRow("n2", "Lesepaten Rollberg", "Initiative", ["rollberg"], [], True, None, None, None, None),
    ]
    edges = [
        EdgeRow("e1", "n1", "n2", "project_partnership", "2016-09-01", None, 3, ["bildung"], True),
        EdgeRow("e2", "n2", "n1", "donation", "2014-01-01", "2015-12-31", None, [], True),
    ]
    return NetworkData(nodes, edges)


def test_network_rows_become_sheet_records_with_their_own_membership_periods() -> None:
    memberships = {"n1": [MembershipRecord("n1", "qid", "member", D(2012, 9, 1), None, None, None, None, ())]}
    actors, cooperations = from_network(
        _network(),
        actor_id=lambda i: f"A:{i}",
        edge_id=lambda i: f"C:{i}",
        memberships=memberships,
        quarter_slugs={"qid": "rollberg"},
    )
    assert actors[0].memberships == (Membership("rollberg", D(2012, 9, 1)),)
    assert actors[1].memberships == (Membership("rollberg"),)
    assert (actors[0].ref, actors[0].location) == ("A:n1", (52.4772, 13.4322))
    assert cooperations[1] == SheetCooperation(
        ActorRef("Lesepaten Rollberg", "A:n2"),
        ActorRef("Kita Sonnenschein", "A:n1"),
        "donation",
        D(2014, 1, 1),
        D(2015, 12, 31),
        (),
        None,
        ref="C:e2",
        synthetic=True,
    )


def _labelled(metrics: dict[str, dict[str, float | int | str]] | None = None) -> formats.Labelled:
    return formats.Labelled(
        _network(), lambda i: f"A:{i}", lambda i: f"C:{i}", {"n1": 2, "n2": 2}, "test", metrics=metrics or {}
    )


def test_csv_for_german_excel_has_bom_semicolons_and_decimal_commas() -> None:
    table = formats.nodes_csv(_labelled(), formats.GERMAN_EXCEL)
    assert table.startswith("\ufeffid;name;type;")
    rows = list(csv.reader(io.StringIO(table.lstrip("\ufeff")), delimiter=";"))
    assert rows[1][rows[0].index("latitude")] == "52,4772"
    # And the import reads it back (encoded as the export route sends it).
    parsed = read(io.BytesIO(table.encode("utf-8")), name="nodes.csv")
    assert [(r.actor.name, r.actor.location) for r in parsed.actors if r.actor] == [
        ("Kita Sonnenschein", (52.4772, 13.4322)),
        ("Lesepaten Rollberg", None),
    ]


def test_csv_with_gephi_column_names_and_metric_columns() -> None:
    nodes = list(
        csv.reader(
            io.StringIO(formats.nodes_csv(_labelled({"betweenness": {"n1": 0.5}}), formats.CsvStyle(gephi=True)))
        )
    )
    assert nodes[0][:3] == ["Id", "Label", "type"] and nodes[0][-1] == "betweenness"
    assert nodes[1][:2] == ["A:n1", "Kita Sonnenschein"] and nodes[1][-1] == "0.5"
    assert nodes[2][-1] == ""
    edges = list(csv.reader(io.StringIO(formats.edges_csv(_labelled(), formats.CsvStyle(gephi=True)))))
    assert edges[0][:6] == ["Source", "Target", "Type", "Id", "Label", "Weight"]
    assert edges[1][:6] == ["A:n1", "A:n2", "Undirected", "C:e1", "project_partnership", "3"]
    assert edges[2][5] == "1"  # an unknown intensity weighs 1


def test_parallel_cooperations_merge_into_one_weighted_tie() -> None:
    [merged] = formats.merge_parallel(_network().edges)
    assert merged.ids == ("e1", "e2")
    assert merged.weight == 4
    assert (merged.row.kind, merged.row.since, merged.row.until) == ("donation;project_partnership", "2014-01-01", None)
    edges = list(csv.reader(io.StringIO(formats.edges_csv(_labelled(), formats.CsvStyle(gephi=True), merge=True))))
    assert len(edges) == 2
    assert edges[1][3:6] == ["C:e1+C:e2", "donation;project_partnership", "4"]
    assert edges[1][-1] == "2"


def test_the_default_csv_is_unchanged_by_the_new_options() -> None:
    table = formats.edges_csv(_labelled())
    assert table.splitlines()[0] == "id,source,target,kind,since,until,intensity,actionFields,synthetic"
    assert table.splitlines()[1] == "C:e1,A:n1,A:n2,project_partnership,2016-09-01,,3,bildung,true"


def test_a_properties_table_accompanies_csv_exports() -> None:
    table = formats.properties_csv([("revision", 4711), ("exportedAt", "2026-03-01T09:30:00Z")], formats.GERMAN_EXCEL)
    assert table == "\ufeffproperty;value\r\nrevision;4711\r\nexportedAt;2026-03-01T09:30:00Z\r\n"


def test_metric_columns_on_request_in_the_workbook() -> None:
    buffer = io.BytesIO()
    write_xlsx(buffer, ACTORS[:2], [], INFO, metrics={"Grad": {"QWN0b3I6MQ": 7}, "Community": {"QWN0b3I6Mg": "2"}})
    buffer.seek(0)
    rows = python_calamine.CalamineWorkbook.from_filelike(buffer).get_sheet_by_name("Akteure").to_python()
    assert rows[0][-2:] == ["Grad", "Community"]
    assert rows[1][-2:] == [7, ""] and rows[2][-2:] == ["", "2"]
    buffer.seek(0)
    assert [r.actor for r in read(buffer, name="x.xlsx").actors] == ACTORS[:2]  # metric columns are not imported
