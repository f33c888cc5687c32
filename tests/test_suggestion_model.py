"""The learned suggestion model: what it learns from history, and how it splits a score into reasons."""

from __future__ import annotations

import datetime as dt
import random

from analysis.suggestions import SIGNALS, Context, fit, fit_pairwise, signals
from graph.suggestions import Candidate, Subject


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
    model = fit(*history(3), trained_on="a made-up history")
    assert model.weight("SHARED_PARTNERS") > 1.0
    assert model.weight("WELL_CONNECTED") == 0.0  # no negative coefficients: a reason always speaks for
    assert all(c >= 0 for c in model.coefficients)
    assert model.trained_on == "a made-up history"


def test_fitting_is_reproducible() -> None:
    assert fit(*history(3), trained_on="x") == fit(*history(3), trained_on="x")


def test_the_ranking_objective_learns_the_same_direction_and_a_calibrated_level() -> None:
    rows, labels, groups = history(3)
    model = fit_pairwise(rows, labels, groups, trained_on="a made-up history")
    assert model.weight("SHARED_PARTNERS") > 1.0
    assert model.weight("WELL_CONNECTED") == 0.0
    assert model.trained_on == "a made-up history"
    # the intercept is fitted as the pointwise model's is (positives and negatives weighing the same per actor)
    assert abs(model.intercept - fit(rows, labels, groups, trained_on="x").intercept) < 0.3


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
