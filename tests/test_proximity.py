"""Personalized PageRank by pushes on the read neighbourhood: close to the exact values, never above them."""

from __future__ import annotations

import random

import numpy as np

from analysis.proximity import personalized_pagerank, shared


def network(seed: int, n: int = 120, ties: int = 400) -> dict[str, tuple[str, ...]]:
    rng = random.Random(seed)
    around: dict[str, set[str]] = {f"a{i}": set() for i in range(n)}
    while sum(len(v) for v in around.values()) < 2 * ties:
        a, b = rng.sample(sorted(around), 2)
        around[a].add(b)
        around[b].add(a)
    return {a: tuple(sorted(v)) for a, v in around.items() if v}


def exact(around: dict[str, tuple[str, ...]], source: str, damping: float = 0.85) -> dict[str, float]:
    ids = sorted(around)
    index = {a: i for i, a in enumerate(ids)}
    step = np.zeros((len(ids), len(ids)))
    for a, partners in around.items():
        for b in partners:
            step[index[b], index[a]] = 1 / len(partners)
    restart = np.zeros(len(ids))
    restart[index[source]] = 1.0
    x = restart.copy()
    for _ in range(500):
        x = (1 - damping) * restart + damping * step @ x
    return dict(zip(ids, x, strict=True))


def test_pushes_agree_with_the_exact_personalized_pagerank() -> None:
    around = network(4)
    truth = exact(around, "a0")
    found = personalized_pagerank(around, "a0", tolerance=1e-9, max_rounds=500)
    assert found.residue < 1e-5
    assert max(abs(found.scores.get(a, 0.0) - v) for a, v in truth.items()) < 1e-5
    assert all(found.scores.get(a, 0.0) <= v + 1e-12 for a, v in truth.items())  # never more than the truth


def test_the_ranking_of_the_closest_actors_matches_the_exact_one() -> None:
    around = network(9)
    truth = exact(around, "a3")
    found = personalized_pagerank(around, "a3").scores
    top = sorted(truth, key=lambda a: -truth[a])[:10]
    assert sorted(found, key=lambda a: -found[a])[:10] == top


def test_a_walk_stops_where_the_known_neighbourhood_ends() -> None:
    # s – m – c, and c's partners were not read: c keeps what reaches it, nothing goes beyond it
    around = {"s": ("m",), "m": ("c", "s")}
    found = personalized_pagerank(around, "s", tolerance=1e-12, max_rounds=500).scores
    assert set(found) == {"s", "m", "c"}
    assert found["c"] > 0 and found["s"] > found["m"] > found["c"]


def test_shared_partners_are_the_sources_partners_tied_to_the_candidate() -> None:
    around = {"s": ("m1", "m2"), "m1": ("c", "s"), "m2": ("c", "d", "s")}
    assert shared(around, "s") == {"c": ["m1", "m2"], "d": ["m2"]}
