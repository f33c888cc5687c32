"""Structural signals on the read neighbourhood: what a path of two or three steps, a hub and a
short walk give a candidate (analysis/structure.py)."""

from __future__ import annotations

import math

import pytest

from analysis.structure import STRUCTURE, features

# s — m — x — y, and s — h, a hub h tied to many leaves; z is unreachable
AROUND: dict[str, tuple[str, ...]] = {
    "s": ("h", "m"),
    "m": ("s", "x"),
    "x": ("m", "y"),
    "y": ("x",),
    "h": ("s", *(f"leaf{i}" for i in range(9))),
}


def column(name: str, values: list[float]) -> float:
    return values[STRUCTURE.index(name)]


def test_two_and_three_steps_are_told_apart_and_the_unreachable_gets_nothing() -> None:
    out = features(AROUND, "s", ["x", "y", "z"], {"x": 2, "y": 1, "z": 0})
    assert column("TWO_STEPS", out["x"]) == 1.0 and column("THREE_STEPS", out["x"]) == 0.0
    assert column("TWO_STEPS", out["y"]) == 0.0 and column("THREE_STEPS", out["y"]) == 1.0
    assert out["z"] == [0.0] * len(STRUCTURE)


def test_a_partner_shared_through_a_small_actor_counts_more_than_one_through_a_hub() -> None:
    out = features(AROUND, "s", ["x", "leaf0"], {"x": 2, "leaf0": 1})
    # resource allocation: 1/degree of the shared partner — m has 2 partners, h has 10
    assert column("RESOURCE_ALLOCATION", out["x"]) == pytest.approx(1 - math.exp(-1 / 2))
    assert column("RESOURCE_ALLOCATION", out["leaf0"]) == pytest.approx(1 - math.exp(-1 / 10))
    assert column("PPR_085", out["x"]) > column("PPR_085", out["leaf0"])
    assert column("PPR_RANK", out["x"]) == 1.0 and column("PPR_RANK", out["leaf0"]) == 0.5


def test_short_walks_favour_the_near_more_than_long_walks_do() -> None:
    out = features(AROUND, "s", ["x", "y"], {"x": 2, "y": 1})
    short_gap = column("PPR_050", out["x"]) - column("PPR_050", out["y"])
    long_gap = column("PPR_085", out["x"]) - column("PPR_085", out["y"])
    assert short_gap > long_gap > 0


def test_popularity_grows_with_degree_and_stops_at_one() -> None:
    out = features(AROUND, "s", ["x", "y"], {"x": 2, "y": 500})
    assert column("POPULARITY", out["x"]) == pytest.approx(math.log(3) / math.log(65))
    assert column("POPULARITY", out["y"]) == 1.0
