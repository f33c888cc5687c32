"""The learned suggestion model: what it learns from history, and how it splits a score into reasons."""

from __future__ import annotations

import datetime as dt
import math
import random

import pytest

from analysis import suggestions as scoring
from analysis.reasons import Words
from analysis.structure import STRUCTURE
from analysis.suggestions import DEFAULT_MODEL, SIGNALS, Context, Model, fit, fit_pairwise, score_learned, signals
from bench import replica
from bench.generate import generate
from graph.suggestions import Candidate, Subject

MADE_UP = Words("eine erfundene Geschichte", "a made-up history")


def history(seed: int) -> tuple[list[list[float]], list[int], list[int]]:
    """Candidates of 60 actors: partners were found among those sharing partners (signal 0), never more
    often among the well-connected (signal 9, which here goes *against* becoming a partner)."""
    rng = random.Random(seed)
    rows, labels, groups = [], [], []
    for actor in range(60):
        for _ in range(40):
            row = [0.0] * len(SIGNALS)
            row[0] = rng.random()
            row[9] = rng.random()
            partner = rng.random() < 0.05 + 0.6 * row[0] ** 2 * (1 - row[9])
            rows.append(row)
            labels.append(int(partner))
            groups.append(actor)
    return rows, labels, groups


def test_a_signal_that_predicted_new_partners_gets_weight_and_a_misleading_one_none() -> None:
    model = fit(*history(3), trained_on=MADE_UP)
    assert model.weight("SHARED_PARTNERS") > 1.0
    assert model.weight("WELL_CONNECTED") == 0.0  # no negative coefficients: a reason always speaks for
    assert all(c >= 0 for c in model.coefficients)
    assert model.trained_on == MADE_UP


def test_fitting_is_reproducible() -> None:
    assert fit(*history(3), trained_on=MADE_UP) == fit(*history(3), trained_on=MADE_UP)


def test_the_ranking_objective_learns_the_same_direction_and_a_calibrated_level() -> None:
    rows, labels, groups = history(3)
    model = fit_pairwise(rows, labels, groups, trained_on=MADE_UP)
    assert model.weight("SHARED_PARTNERS") > 1.0
    assert model.weight("WELL_CONNECTED") == 0.0
    assert model.trained_on == MADE_UP
    # the intercept is fitted as the pointwise model's is (positives and negatives weighing the same per actor)
    assert abs(model.intercept - fit(rows, labels, groups, trained_on=MADE_UP).intercept) < 0.3


def test_closeness_in_the_network_is_pagerank_on_a_log_scale_and_speaks_only_where_the_walk_arrives() -> None:
    subject = Subject("s", "Initiative", ("q",), (), None, False)
    context = Context(subject, frozenset({"q"}), frozenset(), frozenset(), {}, {}, dt.date(2024, 1, 1))

    def proximity(walk: float) -> float | None:
        candidate = Candidate("c", "C", "Initiative", (), (), None, None, (), walk=walk)
        found, _ = signals(candidate, context, learned=True)
        return next((s.value for s in found if s.kind == "NETWORK_PROXIMITY"), None)

    assert proximity(0.0) is None and proximity(1e-6) is None  # too far: no reason is given
    assert abs((proximity(0.1) or 0) - 0.8) < 1e-9 and abs((proximity(1e-3) or 0) - 0.4) < 1e-9
    found, _ = signals(Candidate("c", "C", "Initiative", (), (), None, None, (), walk=0.01), context, learned=True)
    [reason] = [s for s in found if s.kind == "NETWORK_PROXIMITY"]
    assert "Partner der Partner" in reason.words.de and "partners of partners" in reason.words.en


def test_a_model_names_its_signals_and_refuses_what_it_cannot_explain() -> None:
    model = Model.from_named({"TWO_STEPS": 1.0, "PPR_RANK": 2.0}, -1.0, MADE_UP, start=dt.date(2024, 1, 1))
    assert model.signals == ("PPR_RANK", "TWO_STEPS")  # in the order of SIGNALS + STRUCTURE
    assert (model.weight("PPR_RANK"), model.weight("SHARED_PARTNERS")) == (2.0, 0.0)
    assert (model.kind, model.start, model.actors) == ("deployment", dt.date(2024, 1, 1), None)
    assert model.structural and not Model.from_named({"SHARED_PARTNERS": 1.0}, 0.0, MADE_UP).structural
    bad_ones = (
        ({"TWO_STEPS": -0.1}, "≥ 0"),
        ({"NOT_A_SIGNAL": 1.0}, "unknown"),
        ({"PPR_RANK": float("nan")}, "finite"),
    )
    for bad, why in bad_ones:
        with pytest.raises(ValueError, match=why):
            Model.from_named(bad, 0.0, MADE_UP)
    assert set(DEFAULT_MODEL.signals) == {*SIGNALS, *STRUCTURE} and DEFAULT_MODEL.kind == "shipped"


def test_a_structure_only_model_explains_shared_partners_in_its_own_words() -> None:
    """A per-deployment model without SHARED_PARTNERS still names the shared partners (resource allocation's
    words), gives one reason for the one fact, and splits the score exactly by coefficient·value."""
    subject = Subject("s", "Initiative", ("q",), (), None, False)
    values = dict.fromkeys(STRUCTURE, 0.0) | {"RESOURCE_ALLOCATION": 0.4, "TWO_STEPS": 1.0, "PPR_RANK": 1 / 3}
    context = Context(
        subject, frozenset(), frozenset(), frozenset(), {}, {}, dt.date(2024, 1, 1), {}, {"c": list(values.values())}
    )
    shared = (("m1", "Schule am Rollberg", 2), ("m2", "Kita Sonnenschein", 3))
    candidate = Candidate("c", "C", "Initiative", (), (), None, None, shared, walk=0.01, degree=4)
    model = Model.from_named({"RESOURCE_ALLOCATION": 1.5, "TWO_STEPS": 0.5, "PPR_RANK": 0.9}, -2.0, MADE_UP)
    found = score_learned(candidate, context, model)
    assert found.score == pytest.approx(1 / (1 + math.exp(-(-2.0 + 1.5 * 0.4 + 0.5 + 0.9 / 3))), rel=1e-12)
    partners, closeness = found.reasons
    assert partners.kind == "RESOURCE_ALLOCATION"
    assert partners.text == "shared partners who have few partners of their own: Schule am Rollberg, Kita Sonnenschein"
    assert partners.text_de == (
        "gemeinsame Partner mit wenigen eigenen Partnern: Schule am Rollberg, Kita Sonnenschein"
    )
    parts = dict(partners.signals)
    assert list(parts) == ["RESOURCE_ALLOCATION", "TWO_STEPS"]  # strongest first
    assert parts["RESOURCE_ALLOCATION"] / parts["TWO_STEPS"] == pytest.approx((1.5 * 0.4) / 0.5, rel=1e-12)
    assert sum(parts.values()) == pytest.approx(partners.contribution, rel=1e-12)
    assert closeness.kind == "PPR_RANK" and closeness.text_de == "Platz 3 unter den im Netzwerk nächsten Akteuren"
    assert closeness.text == "number 3 among the actors closest in the network"
    total = 1.5 * 0.4 + 0.5 + 0.9 / 3
    assert partners.contribution == pytest.approx(found.score * (0.6 + 0.5) / total, rel=1e-12)
    assert partners.contribution + closeness.contribution == pytest.approx(found.score, rel=1e-12)


def test_the_ranking_orders_by_the_same_score_the_reasons_explain() -> None:
    """The ranking scores every candidate without preparing words (structural part as a dot product);
    the shown score and its reasons must be that same score."""
    network = generate(seed=17, quarters=4, actors=240, cooperations=1100)
    day = replica.Day(network, dt.date(2025, 1, 1), None)
    checked = 0
    for actor in network.actor_ids()[:30]:
        candidates, context = replica.pool(day, actor)
        for c in candidates:
            explained = scoring.score_learned(c, context, DEFAULT_MODEL)
            assert scoring._learned_value(c, context, DEFAULT_MODEL) == pytest.approx(explained.score, rel=1e-12)
            checked += bool(context.structure.get(c.id))
    assert checked > 100  # structural signals were there to be scored
