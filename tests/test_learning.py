"""The per-deployment fit of the suggestion model (analysis/learning.py) on small constructed networks:
the history it learns from, that nothing after the window's start feeds a feature, the threshold below
which no model is fitted, and that the same network gives the same model."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np

from analysis import learning
from analysis.candidates import Snapshot
from analysis.structure import STRUCTURE
from graph.suggestions import SnapshotActor, SnapshotTie

DAY = dt.date(2025, 6, 1)
START = dt.date(2024, 6, 1)
OLD = dt.date(2020, 1, 1)
IN_WINDOW = dt.date(2024, 9, 1)


def actor(i: int, created: dt.date = OLD) -> SnapshotActor:
    return SnapshotActor(f"a{i:02d}", f"Akteur {i}", "ASSOCIATION", True, None, created, (("q", OLD, None),), ())


def tie(i: int, j: int, since: dt.date | None, until: dt.date | None = None) -> SnapshotTie:
    return SnapshotTie(f"a{i:02d}", f"a{j:02d}", since, until, None, ())


N = 40
ACTORS = [actor(i) for i in range(N)]
# Before the window: a ring with chords every fifth actor (so two- and three-step paths differ).
PAST = [tie(i, (i + 1) % N, OLD) for i in range(N)] + [tie(i, (i + 7) % N, OLD) for i in range(0, N, 5)]
# In the window: most new partners close a triangle (two steps away on START), a few are far away.
CLOSING = [tie(i, (i + 2) % N, IN_WINDOW) for i in range(0, N, 2)]
FAR = [tie(i, (i + 20) % N, IN_WINDOW) for i in range(1, N, 8)]


def snapshot(extra_actors: Sequence[SnapshotActor] = (), extra_ties: Sequence[SnapshotTie] = ()) -> Snapshot:
    return Snapshot([*ACTORS, *extra_actors], [*PAST, *CLOSING, *FAR, *extra_ties])


def test_the_history_is_the_year_before_the_day_with_pools_of_its_start() -> None:
    later = [tie(3, 30, dt.date(2025, 9, 1))]  # after the day: not in the window
    arrived = dt.date(2024, 10, 1)  # after the start: neither an example nor a label
    newcomer = SnapshotActor("a99", "Neu", "COMPANY", True, None, arrived, (("q", arrived, None),), ())
    h = learning.history(snapshot([newcomer], [*later, tie(99, 4, IN_WINDOW), tie(5, 6, None)]), DAY)
    assert (h.start, h.end) == (START, DAY)
    closing = {(f"a{i:02d}", f"a{(i + 2) % N:02d}") for i in range(0, N, 2)}
    for a, b in closing:
        assert b in h.formed[a] and a in h.formed[b]
    assert "a99" not in h.formed and "a30" not in h.formed.get("a03", ())
    assert sorted(h.pools) == sorted(h.formed)  # fewer than MAX_ACTORS: every actor that met someone new
    ids, rows = h.pools["a00"]
    assert "a01" not in ids and "a39" not in ids  # partners met by the start are not candidates ...
    assert "a02" in ids  # ... next year's partners are
    assert rows.shape == (len(ids), len(STRUCTURE))
    two_steps = rows[ids.index("a02"), STRUCTURE.index("TWO_STEPS")]
    assert two_steps == 1.0  # a00 – a01 – a02 on the start day
    assert h.positives == sum(len(h.formed[a] & set(ids)) for a, (ids, _) in h.pools.items()) > 0


def test_ties_after_the_start_change_no_feature_of_the_history() -> None:
    """Leakage: ties begun after the window's start may change who is an example and the labels, never a
    pool or a value in it (features are of the start day)."""
    plain = learning.history(snapshot(), DAY)
    busy = learning.history(
        snapshot(extra_ties=[tie(i, (i + 3) % N, dt.date(2024, 12, 1)) for i in range(0, N, 3)]), DAY
    )
    assert set(plain.pools) <= set(busy.pools) and busy.formed != plain.formed
    for a, (ids, rows) in plain.pools.items():
        other_ids, other_rows = busy.pools[a]
        assert other_ids == ids, a
        np.testing.assert_array_equal(other_rows, rows)


def test_too_few_positives_fit_nothing_and_say_how_many() -> None:
    fitted, reason = learning.learn(snapshot(), DAY)  # the threshold of the service: 200
    assert fitted is None
    # an actor elsewhere meets a10: neither is in the other's candidates, so that is no positive example
    elsewhere = [
        SnapshotActor(f"a{i}", f"Anderswo {i}", "COMPANY", True, None, OLD, (("r", OLD, None),), ()) for i in (50, 51)
    ]
    apart = snapshot(elsewhere, [tie(50, 51, OLD), tie(10, 50, IN_WINDOW)])
    met = sum(len(p) for p in apart.new_partners(START, DAY).values())
    assert reason.en.startswith(f"{met - 2} partners met between {START} and {DAY}, fewer than the 200")
    assert reason.de.startswith(f"{met - 2} zwischen {START:%d.%m.%Y} und {DAY:%d.%m.%Y} neu gewonnene Partner")
    assert reason.de.endswith("weniger als die 200 nötigen positiven Beispiele: es gilt das mitgelieferte Modell")
    # counted among those in their pools when the partners met could reach the threshold
    positives = learning.history(apart, DAY).positives
    fitted, reason = learning.learn(apart, DAY, min_positives=met)
    assert positives < met and fitted is None
    assert reason.en.startswith(f"{positives} partners met between {START} and {DAY} were in their actor's candidates")
    assert reason.de.startswith(f"{positives} der zwischen {START:%d.%m.%Y} und {DAY:%d.%m.%Y} neu gewonnenen")


def test_enough_history_fits_non_negative_coefficients_that_favour_closing_triangles() -> None:
    fitted, reason = learning.learn(snapshot(), DAY, min_positives=10)
    assert fitted is not None
    assert (fitted.start, fitted.end, fitted.actors) == (START, DAY, len(learning.history(snapshot(), DAY).pools))
    assert fitted.positives >= 10 and f"({fitted.positives} of them;" in reason.en
    assert f"wie die Kandidaten vom {START:%d.%m.%Y} von {fitted.actors} Akteuren" in reason.de
    assert set(fitted.coefficients) == set(STRUCTURE)
    assert all(c >= 0 for c in fitted.coefficients.values())
    # the partners met were mostly two steps away: what says "two steps" counts, what says "far" does not
    assert fitted.coefficients["TWO_STEPS"] + fitted.coefficients["RESOURCE_ALLOCATION"] > 0.5
    assert fitted.coefficients["THREE_STEPS"] < fitted.coefficients["TWO_STEPS"]


def test_the_same_network_and_day_give_the_same_fit() -> None:
    first = learning.learn(snapshot(), DAY, min_positives=10)
    again = learning.learn(snapshot(), DAY, min_positives=10)
    assert first == again and first[0] is not None


def test_the_actors_are_a_seeded_sample_when_too_many() -> None:
    h = learning.history(snapshot(), DAY, max_actors=5)
    assert len(h.pools) == 5 and h.gaining == len(h.formed) > 5
    assert sorted(learning.history(snapshot(), DAY, max_actors=5).pools) == sorted(h.pools)
