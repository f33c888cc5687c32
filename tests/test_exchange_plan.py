"""The import plan: duplicates in the file, matches with existing actors, cooperations, review (pure, no database)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from exchange.matching import ActorIndex, ExistingActor, ExistingCooperation, MatchReason, file_duplicates
from exchange.messages import Code
from exchange.model import (
    ActorRef,
    ActorRow,
    CooperationRow,
    Membership,
    ParsedFile,
    RowKey,
    SheetActor,
    SheetCooperation,
)
from exchange.plan import (
    CREATE,
    SKIP,
    ActorOutcome,
    CooperationOutcome,
    Decision,
    ImportPlan,
    InvalidDecision,
    build,
    review,
)
from exchange.reading import read
from tests.office_sheets import partner_list_xlsx

S = "Partner"


def actor_row(
    row: int, name: str, actor_type: str = "Initiative", quarters: tuple[str, ...] = ("rollberg",), **more: object
) -> ActorRow:
    actor = SheetActor(name, actor_type, memberships=tuple(Membership(q) for q in quarters), **more)  # type: ignore[arg-type]
    return ActorRow(RowKey(S, row), actor)


def tie(row: int, a: str, b: str, kind: str = "project_partnership", **more: object) -> CooperationRow:
    return CooperationRow(
        RowKey("Kooperationen", row),
        SheetCooperation(ActorRef(a), ActorRef(b), kind, **more),  # type: ignore[arg-type]
        columns=(1, 2),
        headers=("Akteur A", "Akteur B"),
    )


def parsed(actors: list[ActorRow], cooperations: list[CooperationRow] = ()) -> ParsedFile:  # type: ignore[assignment]
    return ParsedFile(tuple(actors), tuple(cooperations), (), ())


def outcome(plan: ImportPlan, row: int) -> ActorOutcome:
    step = plan.actor(RowKey(S, row))
    assert step is not None
    return step.outcome


# ---- duplicates inside the file -------------------------------------------------------------


def test_same_name_after_folding_is_a_duplicate_of_the_first_row() -> None:
    rows = [
        actor_row(2, "Kita Sonnenschein e.V.", "Institution"),
        actor_row(3, "KITA Sonnenschein", "Institution"),
        actor_row(4, "Stadtteilmütter Rollberg"),
        actor_row(5, "Stadtteilmuetter Rollberg e. V."),
    ]
    found = file_duplicates(rows)
    assert {k.row: (d.row.row, d.reason, d.score) for k, d in found.items()} == {
        3: (2, MatchReason.SAME_NAME, 100),
        5: (4, MatchReason.SAME_NAME, 100),
    }


def test_similar_names_are_duplicates_with_their_score() -> None:
    rows = [
        actor_row(2, "Nachbarschaftsgarten Lindenhof"),
        actor_row(3, "Nachbarschaftsgarten Lindenhoff"),
        actor_row(4, "Nachbarschaftsgarten Sonnenhof"),
    ]
    found = file_duplicates(rows)
    assert list(found) == [RowKey(S, 3)]
    assert found[RowKey(S, 3)].reason is MatchReason.SIMILAR_NAME
    assert 88 <= found[RowKey(S, 3)].score < 100


def test_fuzzy_matching_stays_within_quarter_and_type_and_numbers_must_agree() -> None:
    rows = [
        actor_row(2, "Nachbarschaftsgarten Lindenhof", quarters=("rollberg",)),
        actor_row(3, "Nachbarschaftsgarten Lindenhoff", quarters=("rixdorf",)),
        actor_row(4, "Nachbarschaftsgarten Lindenhoff", "Company", quarters=("rollberg",)),
        actor_row(5, "14. Grundschule", "Institution"),
        actor_row(6, "15. Grundschule", "Institution"),
    ]
    assert file_duplicates(rows) == {}


def test_a_row_without_a_quarter_is_compared_with_every_earlier_row_of_its_type() -> None:
    rows = [
        actor_row(2, "Nachbarschaftsgarten Lindenhof", quarters=("rollberg",)),
        actor_row(3, "Nachbarschaftsgarten Lindenhoff", quarters=()),
    ]
    assert file_duplicates(rows)[RowKey(S, 3)].row == RowKey(S, 2)


# ---- matching existing actors --------------------------------------------------------------

EXISTING = [
    ExistingActor("a1", "Kita Sonnenschein e.V.", "Institution", ("rollberg",), "Rollbergstraße 12", "12053"),
    ExistingActor("a2", "Lesepaten im Feld", "Initiative", ("rollberg",), aliases=("QWN0b3I6YTI",)),
    ExistingActor("a3", "Nachbarschaftsgarten Lindenhof", "Initiative", ("rollberg",)),
    ExistingActor("a4", "Familienzentrum am Feld", "Institution", ("rixdorf",), "Feldstr. 3"),
    ExistingActor("a5", "Mieterbeirat Hügel", "Initiative", ("rollberg",)),
    ExistingActor("a6", "Mieterbeirat Hügel", "Initiative", ("rixdorf",)),
]


def test_the_four_reasons_to_match_an_existing_actor() -> None:
    index = ActorIndex(EXISTING)
    by_id = index.candidates(SheetActor("Lesepaten", "Initiative", ref="QWN0b3I6YTI"))
    assert [(c.actor_id, c.reason) for c in by_id] == [("a2", MatchReason.SAME_ID)]
    by_name = index.candidates(SheetActor("KITA Sonnenschein", "Institution"))
    assert [(c.actor_id, c.reason, c.score) for c in by_name] == [("a1", MatchReason.SAME_NAME, 100)]
    similar = index.candidates(
        SheetActor("Nachbarschaftsgarten Lindenhoff", "Initiative", memberships=(Membership("rollberg"),))
    )
    assert [(c.actor_id, c.reason) for c in similar] == [("a3", MatchReason.SIMILAR_NAME)]
    assert 88 <= similar[0].score < 100
    address = index.candidates(
        SheetActor("FZ am Feld", "Institution", street="Feldstraße 3", memberships=(Membership("rixdorf"),))
    )
    assert [(c.actor_id, c.reason) for c in address] == [("a4", MatchReason.SAME_ADDRESS)]


def test_similar_names_in_another_quarter_are_not_compared() -> None:
    index = ActorIndex(EXISTING)
    elsewhere = SheetActor("Nachbarschaftsgarten Lindenhoff", "Initiative", memberships=(Membership("rixdorf"),))
    assert index.candidates(elsewhere) == ()


def test_plan_outcomes_and_proposed_decisions() -> None:
    rows = [
        actor_row(2, "Kita Sonnenschein", "Institution"),  # same name, same type, one actor → existing
        actor_row(3, "Kita Sonnenschein", "Initiative"),  # same name as a1 but another type → possible
        actor_row(4, "Nachbarschaftsgarten Lindenhoff"),  # similar to a3 → possible
        actor_row(5, "Mieterbeirat Hügel"),  # two actors of that name → possible
        actor_row(6, "Lesecafé am Hang"),  # new
        actor_row(7, "Lesecafe am Hang"),  # same name as row 6 → duplicate in file
        actor_row(8, "Lesecafé am Hange"),  # similar to row 6 → similar in file
        ActorRow(RowKey(S, 9), None, ()),  # a row with errors
    ]
    plan = build(parsed(rows), EXISTING)
    assert [outcome(plan, r) for r in range(2, 10)] == [
        ActorOutcome.EXISTING,
        ActorOutcome.POSSIBLE_MATCH,
        ActorOutcome.POSSIBLE_MATCH,
        ActorOutcome.POSSIBLE_MATCH,
        ActorOutcome.NEW,
        ActorOutcome.DUPLICATE_IN_FILE,
        ActorOutcome.SIMILAR_IN_FILE,
        ActorOutcome.ERROR,
    ]
    decisions = {s.key.row: s.decision for s in plan.actors}
    assert decisions == {
        2: Decision.merge("a1"),
        3: None,
        4: None,
        5: None,
        6: CREATE,
        7: Decision.merge_row(RowKey(S, 6)),
        8: None,
        9: SKIP,
    }
    assert plan.undecided == (RowKey(S, 3), RowKey(S, 4), RowKey(S, 5), RowKey(S, 8))
    assert plan.summary()["undecided"] == 4


# ---- cooperations --------------------------------------------------------------------------


def test_cooperation_outcomes() -> None:
    actors = [
        actor_row(2, "Kita Sonnenschein", "Institution"),
        actor_row(3, "Lesecafé am Hang"),
        actor_row(4, "Nachbarschaftsgarten Lindenhof"),
    ]
    ties = [
        tie(2, "Kita Sonnenschein", "Lesepaten im Feld", since=dt.date(2019, 1, 1)),  # a1–a2: kiezgraph has it
        tie(3, "Kita Sonnenschein", "Lesepaten im Feld", "donation"),  # another kind → new
        tie(4, "Lesecafé am Hang", "Kita Sonnenschein e. V."),  # new row with an existing actor
        tie(5, "Kita Sonnenschein e.V.", "Lesecafe am Hang"),  # the same pair and kind again → duplicate in file
        tie(6, "Lesecafé am Hang", "Förderverein Unbekannt"),  # unknown partner
        tie(7, "Kita Sonnenschein", "KITA SONNENSCHEIN"),  # the same actor twice
        tie(8, "Lesecafé am Hang", "Lesepaten im Feld", since=dt.date(2010, 1, 1), until=dt.date(2012, 12, 31)),
        tie(9, "Lesecafé am Hang", "Lesepaten im Feld", since=dt.date(2015, 1, 1)),  # same pair, later period → new
    ]
    existing = [ExistingCooperation("c1", "a2", "a1", "project_partnership", dt.date(2018, 1, 1), None)]
    plan = build(parsed(actors, ties), EXISTING, existing)
    outcomes = [(s.key.row, s.outcome) for s in plan.cooperations]
    assert outcomes == [
        (2, CooperationOutcome.EXISTS),
        (3, CooperationOutcome.NEW),
        (4, CooperationOutcome.NEW),
        (5, CooperationOutcome.DUPLICATE_IN_FILE),
        (6, CooperationOutcome.UNKNOWN_PARTNER),
        (7, CooperationOutcome.ERROR),
        (8, CooperationOutcome.NEW),
        (9, CooperationOutcome.NEW),
    ]
    assert plan.cooperations[0].existing_id == "c1"
    assert plan.cooperations[3].duplicate_of == RowKey("Kooperationen", 4)
    [unknown] = plan.cooperations[4].issues
    assert unknown.code is Code.PARTNER_UNKNOWN
    assert unknown.cell == "B6 (Akteur B)"
    assert "Förderverein Unbekannt" in unknown.text("de")
    assert plan.cooperations[5].issues[0].code is Code.SELF_COOPERATION


def test_a_partner_whose_row_has_errors_is_named_as_such() -> None:
    broken = ActorRow(RowKey(S, 3), SheetActor("Lesecafé am Hang", None), ())
    plan = build(
        parsed(
            [actor_row(2, "Kita Sonnenschein", "Institution"), broken],
            [tie(2, "Kita Sonnenschein", "Lesecafé am Hang")],
        ),
        EXISTING,
    )
    assert plan.actor(RowKey(S, 3)).outcome is ActorOutcome.ERROR  # type: ignore[union-attr]
    [step] = plan.cooperations
    assert step.outcome is CooperationOutcome.PARTNER_NOT_IMPORTED
    assert (
        step.issues[0].text("de") == "Partner „Lesecafé am Hang“ („Partner“ Zeile 3) wird nicht importiert "
        "(Zeile mit Fehlern)."
    )


def test_an_unknown_partner_gets_a_hint_when_a_similar_actor_exists() -> None:
    plan = build(
        parsed([actor_row(2, "Lesecafé am Hang")], [tie(2, "Lesecafé am Hang", "Lesepaten im Felde")]), EXISTING
    )
    [found] = plan.cooperations[0].issues
    assert "Gemeint: „Lesepaten im Feld“" in found.text("de")
    assert "Did you mean 'Lesepaten im Feld'" in found.text("en")


def test_review_changes_decisions_and_works_the_cooperations_out_again() -> None:
    actors = [actor_row(2, "Nachbarschaftsgarten Lindenhoff"), actor_row(3, "Lesecafé am Hang")]
    ties = [
        tie(2, "Nachbarschaftsgarten Lindenhoff", "Lesepaten im Feld"),
        tie(3, "Nachbarschaftsgarten Lindenhoff", "Lesecafé am Hang"),
    ]
    existing = [ExistingCooperation("c9", "a3", "a2", "project_partnership")]
    plan = build(parsed(actors, ties), EXISTING, existing)
    assert [s.outcome for s in plan.cooperations] == [CooperationOutcome.PARTNER_NOT_IMPORTED] * 2
    assert plan.cooperations[0].issues[0].text("en").endswith("(not yet decided).")
    merged = review(plan, {RowKey(S, 2): Decision.merge("a3")})
    assert [s.outcome for s in merged.cooperations] == [CooperationOutcome.EXISTS, CooperationOutcome.NEW]
    created = review(merged, {RowKey(S, 2): CREATE})
    assert [s.outcome for s in created.cooperations] == [CooperationOutcome.NEW, CooperationOutcome.NEW]
    skipped = review(created, {RowKey(S, 3): SKIP}, {(RowKey("Kooperationen", 2), 0): SKIP})
    assert skipped.cooperations[0].skipped
    assert skipped.cooperations[1].outcome is CooperationOutcome.PARTNER_NOT_IMPORTED
    assert skipped.undecided == ()


def test_impossible_decisions_are_refused_with_reasons() -> None:
    plan = build(parsed([actor_row(2, "Lesecafé am Hang"), ActorRow(RowKey(S, 3), None, ())]), EXISTING)
    with pytest.raises(InvalidDecision) as raised:
        review(
            plan,
            {
                RowKey(S, 3): CREATE,
                RowKey(S, 2): Decision.merge_row(RowKey(S, 2)),
                RowKey(S, 99): SKIP,
                RowKey(S, 2 + 0): Decision(Decision.merge("x").kind),
            },
        )
    texts = [i.text("en") for i in raised.value.issues]
    assert any("row with errors can only be skipped" in t for t in texts)
    assert any("no such row" in t for t in texts)
    assert any("needs a target" in t for t in texts)


def test_the_office_sheet_as_a_whole(tmp_path: Path) -> None:
    plan = build(
        read(partner_list_xlsx(tmp_path / "liste.xlsx")),
        [ExistingActor("g1", "Grundschule am Hang", "Institution", ("flughafenstrasse",))],
    )
    assert plan.summary() == {
        "actors.duplicate_in_file": 1,
        "actors.error": 2,
        "actors.existing": 1,
        "actors.new": 3,
        "cooperations.new": 4,
        "cooperations.unknown_partner": 1,
        "undecided": 0,
    }
    school = plan.actor(RowKey(S, 8))
    assert school is not None and school.decision == Decision.merge("g1")
    # The school's cooperations lead to the existing actor through its row's decision.
    sheet_tie = next(s for s in plan.cooperations if s.key == RowKey("Kooperationen", 2))
    assert sheet_tie.b is not None and sheet_tie.b.row == RowKey(S, 8)
