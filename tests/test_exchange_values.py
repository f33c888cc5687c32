"""Cell values as offices type them, the label vocabulary, and the message catalogue (pure, no database)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from exchange import values
from exchange.messages import CATALOGUE, Code, Severity, column_letter, issue
from exchange.values import ValueProblem
from exchange.vocabulary import (
    ACTOR_TYPES,
    COOPERATION_KINDS,
    INSTITUTION_KINDS,
    KIND_NAMES,
    LEGAL_FORMS,
    OWNERSHIPS,
    TYPE_NAMES,
    Vocabulary,
    guess_from_words,
)
from schema.enums import ActorType, CooperationKind, InstitutionKind, LegalForm, Ownership

D = dt.date


@pytest.mark.parametrize(
    "cell, first, last",
    [
        ("31.12.2020", D(2020, 12, 31), D(2020, 12, 31)),
        ("1.9.2012", D(2012, 9, 1), D(2012, 9, 1)),
        ("31.12.20", D(2020, 12, 31), D(2020, 12, 31)),
        ("01.01.98", D(1998, 1, 1), D(1998, 1, 1)),
        ("2020-12-31", D(2020, 12, 31), D(2020, 12, 31)),
        ("2020-12-31T00:00:00", D(2020, 12, 31), D(2020, 12, 31)),
        ("31.12.2020 00:00", D(2020, 12, 31), D(2020, 12, 31)),
        ("12/2020", D(2020, 12, 1), D(2020, 12, 31)),
        ("02.2024", D(2024, 2, 1), D(2024, 2, 29)),
        ("2020-02", D(2020, 2, 1), D(2020, 2, 29)),
        ("2020", D(2020, 1, 1), D(2020, 12, 31)),
        ("seit 2015", D(2015, 1, 1), D(2015, 12, 31)),
        ("Dez. 2020", D(2020, 12, 1), D(2020, 12, 31)),
        ("März 2019", D(2019, 3, 1), D(2019, 3, 31)),
        ("31/12/2020", D(2020, 12, 31), D(2020, 12, 31)),
        ("44196", D(2020, 12, 31), D(2020, 12, 31)),
        (44196, D(2020, 12, 31), D(2020, 12, 31)),
        (44196.75, D(2020, 12, 31), D(2020, 12, 31)),
        (2019, D(2019, 1, 1), D(2019, 12, 31)),
        (2019.0, D(2019, 1, 1), D(2019, 12, 31)),
        (D(2012, 9, 1), D(2012, 9, 1), D(2012, 9, 1)),
        (dt.datetime(2012, 9, 1, 14, 0), D(2012, 9, 1), D(2012, 9, 1)),
    ],
)
def test_dates_in_the_forms_offices_write(cell: values.Raw, first: dt.date, last: dt.date) -> None:
    assert values.date_span(cell) == values.Span(first, last)
    assert values.since(cell) == first
    assert values.until(cell) == last


@pytest.mark.parametrize("cell", ["", None, "   "])
def test_an_empty_date_cell_is_no_date(cell: values.Raw) -> None:
    assert values.date_span(cell) is None


@pytest.mark.parametrize(
    "cell, code",
    [
        ("31.02.2020", Code.DATE_INVALID),
        ("13/2020", Code.DATE_INVALID),
        ("bald", Code.DATE_INVALID),
        ("03/04/2020", Code.DATE_AMBIGUOUS),
        (5, Code.DATE_INVALID),
        (True, Code.DATE_INVALID),
        ("1850", Code.DATE_INVALID),
    ],
)
def test_impossible_or_ambiguous_dates_say_so(cell: values.Raw, code: Code) -> None:
    with pytest.raises(ValueProblem) as raised:
        values.date_span(cell)
    assert raised.value.code is code


@pytest.mark.parametrize(
    "cell, number",
    [
        ("52,4772", 52.4772),
        ("52.4772", 52.4772),
        (" 13,4322 ", 13.4322),
        ("1.234,5", 1234.5),
        ("1,234.5", 1234.5),
        (52.4772, 52.4772),
        (7, 7.0),
        ("−3,5", -3.5),
    ],
)
def test_decimal_commas_and_points(cell: values.Raw, number: float) -> None:
    assert values.decimal(cell) == pytest.approx(number)


@pytest.mark.parametrize(
    "cell", ["52,4772, 13,4322", "52.4772, 13.4322", "52,4772; 13,4322", "52,4772 13,4322", "52.4772,13.4322"]
)
def test_a_coordinate_pair_in_one_cell(cell: str) -> None:
    assert values.coordinate_pair(cell) == pytest.approx((52.4772, 13.4322))


@pytest.mark.parametrize("cell", ["52,4772", "152,1 13,4", "Rollberg"])
def test_a_coordinate_pair_needs_two_numbers_in_range(cell: str) -> None:
    with pytest.raises(ValueProblem):
        values.coordinate_pair(cell)


@pytest.mark.parametrize(
    "cell, level",
    [
        (1, 1),
        (3.0, 3),
        ("2", 2),
        ("lose", 1),
        ("Regelmäßig", 2),
        ("ENG", 3),
        ("2 (regelmäßig)", 2),
        ("close", 3),
    ],
)
def test_intensity_as_number_or_word(cell: values.Raw, level: int) -> None:
    assert values.intensity(cell) == level


@pytest.mark.parametrize("cell", [0, 4, 2.5, "sehr viel", "5"])
def test_intensity_outside_one_to_three_is_refused(cell: values.Raw) -> None:
    with pytest.raises(ValueProblem) as raised:
        values.intensity(cell)
    assert raised.value.code is Code.INTENSITY_INVALID


def test_text_is_trimmed_and_spaces_folded() -> None:
    assert values.text("  Kita\u00a0 Sonnenschein \n e.V. ") == "Kita Sonnenschein e.V."
    assert values.text(12049.0) == "12049"
    assert values.text("   ") is None


def test_lists_split_on_semicolons_breaks_and_commas() -> None:
    assert values.items("Kita A; Schule B\nVerein C, Laden D") == ["Kita A", "Schule B", "Verein C", "Laden D"]
    assert values.items("Müller, Schmidt & Partner; Laden D", commas=False) == ["Müller, Schmidt & Partner", "Laden D"]


def test_websites_emails_and_addresses() -> None:
    assert values.website("www.kita-sonnenschein.de") == "https://www.kita-sonnenschein.de"
    assert values.website("https://example.org/a?b=1") == "https://example.org/a?b=1"
    with pytest.raises(ValueProblem):
        values.website("bei Facebook")
    assert values.email("mailto:kita@example.org") == "kita@example.org"
    with pytest.raises(ValueProblem):
        values.email("keine Angabe")
    assert values.address("Rollbergstraße 12, 12053 Berlin") == values.Address("Rollbergstraße 12", "12053", "Berlin")
    assert values.address("Rollbergstraße 12") == values.Address("Rollbergstraße 12", None, None)


# Serials up to 2100 (before June 1905) would read as years, which in a date column they more likely are.
@given(st.dates(min_value=D(1906, 1, 1), max_value=D(2099, 12, 31)))
def test_every_day_reads_back_in_each_written_form(day: dt.date) -> None:
    serial = (day - D(1899, 12, 30)).days
    typed = [str(serial)] if serial >= 10_000 else []  # four digits typed are a year
    for written in (day.strftime("%d.%m.%Y"), day.isoformat(), serial, *typed, day):
        assert values.since(written) == day


# ---- vocabulary ----------------------------------------------------------------------------


def test_stored_values_agree_with_the_schema_enums() -> None:
    assert set(ACTOR_TYPES) == {t.value for t in ActorType}
    assert set(INSTITUTION_KINDS) == {k.value for k in InstitutionKind}
    assert set(LEGAL_FORMS) == {f.value for f in LegalForm}
    assert set(OWNERSHIPS) == {o.value for o in Ownership}
    assert set(COOPERATION_KINDS) == {k.value for k in CooperationKind}


@pytest.mark.parametrize(
    "label, actor_type, detail",
    [
        ("Schule", "Institution", "school"),
        ("Grundschule", "Institution", "school"),
        ("KITA", "Institution", "kita"),
        ("Bibliothek", "Institution", "library"),
        ("Jugendclub", "Institution", "youth_club"),
        ("Familienzentrum", "Institution", "family_centre"),
        ("Bezirksamt", "Institution", "district_office_department"),
        ("Kirche", "Institution", "religious_community"),
        ("Moschee", "Institution", "religious_community"),
        ("Ev. Kirchengemeinde", "Institution", "religious_community"),
        ("Verein", "Initiative", "ev"),
        ("e.V.", "Initiative", "ev"),
        ("e. V.", "Initiative", "ev"),
        ("Initiative", "Initiative", None),
        ("Elterngruppe", "Initiative", "informal_group"),
        ("Gewerbe", "Company", None),
        ("GmbH", "Company", None),
        ("gGmbH", "Company", None),
        ("Laden", "Company", None),
        ("Wohnungsbaugesellschaft", "HousingAssociation", None),
        ("Wohnungsbau-Gesellschaft", "HousingAssociation", None),
        ("Genossenschaft", "HousingAssociation", "cooperative"),
        ("Hausverwaltung", "HousingAssociation", None),
        ("HOUSING_ASSOCIATION", "HousingAssociation", None),
    ],
)
def test_german_type_labels_map_onto_the_four_types(label: str, actor_type: str, detail: str | None) -> None:
    guess = Vocabulary.from_seeds().type_of(label)
    assert guess is not None
    assert guess.type == actor_type
    assert (guess.institution_kind or guess.legal_form or guess.ownership) == detail


def test_every_label_the_export_writes_reads_back() -> None:
    vocab = Vocabulary.from_seeds()
    for language in ("de", "en"):
        for stored, label in TYPE_NAMES[language].items():
            guess = vocab.type_of(label)
            assert guess is not None and guess.type == stored, label
        for stored, label in KIND_NAMES[language].items():
            assert vocab.kind_of(label) == stored, label


@pytest.mark.parametrize(
    "name, actor_type",
    [
        ("Kita Sonnenschein e.V.", "Institution"),
        ("Stadtteilmütter Rollberg e. V.", "Initiative"),
        ("Kiezwerk gGmbH", "Company"),
        ("STADT UND LAND", "HousingAssociation"),
        ("Dammhof Immobilien AG", "Company"),
    ],
)
def test_a_name_can_tell_the_type(name: str, actor_type: str) -> None:
    guess = guess_from_words(name)
    assert guess is not None and guess.type == actor_type


def test_action_fields_by_key_or_name_in_both_generations() -> None:
    vocab = Vocabulary.from_seeds()
    assert vocab.action_fields_in("Bildung; Gesundheit und Bewegung") == (["bildung", "gesundheit-bewegung"], [])
    assert vocab.action_fields_in("Beteiligung, Vernetzung und Kooperation, Bildung")[0] == [
        "beteiligung-vernetzung-kooperation",
        "bildung",
    ]
    assert vocab.action_fields_in("Bildung, Ausbildung, Jugend") == (["bildung-ausbildung-jugend"], [])
    assert vocab.action_fields_in("Nachbarschaft (Gemeinwesen, Integration)") == (
        ["nachbarschaft-gemeinwesen-integration"],
        [],
    )
    assert vocab.action_fields_in("education; arbeit-wirtschaft") == (["bildung", "arbeit-wirtschaft"], [])
    assert vocab.action_fields_in("Klima, Quatsch") == (["klimaschutz-anpassung"], ["Quatsch"])
    # Both generations have a field named "Öffentlicher Raum": the vocabulary's era decides.
    assert vocab.action_field_of("Öffentlicher Raum") == "oeffentlicher-raum"
    assert vocab.with_overrides(era="2010s").action_field_of("Öffentlicher Raum") == "oeffentlicher-raum-2010er"


@pytest.mark.parametrize(
    "label, slug",
    [
        ("Rollberg", "rollberg"),
        ("Rollbergsiedlung", "rollberg"),
        ("QM Rollberg", "rollberg"),
        ("Flughafenstrasse", "flughafenstrasse"),
        ("weisse siedlung dammweg", "weisse-siedlung-dammweg"),
        ("High Deck Siedlung", "high-deck-siedlung"),
        ("Gropiusstadt (Lipschitzallee)", "gropiusstadt"),
        ("koernerpark", "koernerpark"),
    ],
)
def test_quarters_by_name_slug_or_alternative_name(label: str, slug: str) -> None:
    assert Vocabulary.from_seeds().quarter_of(label) == slug


# ---- messages ------------------------------------------------------------------------------


def test_every_code_has_a_german_and_an_english_text() -> None:
    assert set(CATALOGUE) == set(Code)
    for german, english in CATALOGUE.values():
        assert german and english and german != english


def test_a_message_names_the_cell_as_excel_shows_it() -> None:
    found = issue(Code.TYPE_UNKNOWN, Severity.ERROR, sheet="Partner", row=7, column=2, header="Art", value="Tante")
    assert found.cell == "B7 (Art)"
    assert found.text("de").startswith("Typ „Tante“ in B7 (Art) ist unbekannt")
    assert found.text("en").startswith("Type 'Tante' in B7 (Art) is unknown")
    assert [column_letter(i) for i in (1, 26, 27, 52, 703)] == ["A", "Z", "AA", "AZ", "AAA"]
