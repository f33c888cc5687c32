"""The README's example sheet: fictional, up to date with its script, and clean to import (pure, no database)."""

from __future__ import annotations

from pathlib import Path

from examples import make_partnerliste
from exchange.mapping import load
from exchange.matching import ExistingActor
from exchange.plan import ActorOutcome, CooperationOutcome, build
from exchange.reading import read
from exchange.vocabulary import Vocabulary
from seeds.demo import ACTORS as DEMO

EXAMPLES = Path(__file__).parent.parent / "examples"


def test_the_shipped_sheet_is_what_its_script_writes(tmp_path: Path) -> None:
    shipped = read(EXAMPLES / "partnerliste-beispiel.xlsx")
    fresh = read(make_partnerliste.write(tmp_path / "neu.xlsx"))
    assert [r.actor for r in shipped.actors] == [r.actor for r in fresh.actors]
    assert [c.cooperation for c in shipped.cooperations] == [c.cooperation for c in fresh.cooperations]


def test_the_example_is_fictional_and_reads_without_a_problem() -> None:
    parsed = read(EXAMPLES / "partnerliste-beispiel.xlsx")
    assert len(parsed.actors) == 5 and len(parsed.cooperations) == 3
    assert not parsed.issues
    assert all(r.ok and not r.issues and r.actor and r.actor.synthetic for r in parsed.actors)
    assert all(c.ok and not c.issues for c in parsed.cooperations)


def test_against_the_demo_network_the_plan_finds_the_demo_actors() -> None:
    existing = [ExistingActor(a.key, a.name, a.type, a.quarters) for a in DEMO]
    plan = build(read(EXAMPLES / "partnerliste-beispiel.xlsx"), existing)
    outcomes = {s.row.actor.name: s.outcome for s in plan.actors if s.row.actor}
    assert outcomes == {
        "KITA Sonnenschein": ActorOutcome.EXISTING,
        "Grundschule am Hang": ActorOutcome.EXISTING,
        "Lesecafé Hügel e. V.": ActorOutcome.NEW,
        "Sprachbrücke Rollberg": ActorOutcome.NEW,
        "Werkstatt Hügelholz GmbH": ActorOutcome.NEW,
    }
    assert [s.outcome for s in plan.cooperations] == [CooperationOutcome.NEW] * 3


def test_the_example_mapping_loads() -> None:
    options = load(EXAMPLES / "zuordnung-beispiel.yaml", Vocabulary.from_seeds())
    assert options.quarter == "rollberg"
    assert options.types["Seniorentreff"].institution_kind == "neighbourhood_centre"
