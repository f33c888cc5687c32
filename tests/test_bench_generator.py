"""The benchmark network generator is reproducible from its seed and plants its structure."""

from __future__ import annotations

from collections import Counter

from bench.generate import generate


def test_the_same_seed_gives_the_same_network() -> None:
    first, again, other = (
        generate(7, actors=300, cooperations=900),
        generate(7, actors=300, cooperations=900),
        generate(8, actors=300, cooperations=900),
    )
    assert first.actors == again.actors and first.cooperations == again.cooperations
    assert first.cooperations != other.cooperations


def test_sizes_and_planted_structure() -> None:
    net = generate(11, quarters=32, actors=2000, cooperations=8000)
    assert (len(net.quarters), len(net.actors), len(net.cooperations)) == (32, 2000, 8000)
    pairs = {frozenset((c["a"], c["b"])) for c in net.cooperations}
    assert len(pairs) == 8000 and all(len(p) == 2 for p in pairs)  # no duplicates, no self-ties
    community = {a["id"]: a["props"]["benchCommunity"] for a in net.actors}
    inside = sum(community[c["a"]] == community[c["b"]] for c in net.cooperations)
    assert 0.6 < inside / len(net.cooperations) < 0.8  # 70 % planted inside communities
    degrees = Counter([c["a"] for c in net.cooperations] + [c["b"] for c in net.cooperations])
    assert max(degrees.values()) > 5 * (2 * 8000 / 2000)  # heavy-tailed: hubs exist
    assert all(q["props"]["synthetic"] for q in net.quarters)
