"""Missing links: the pairs in a network whose cooperation would most connect it.

Two kinds of gap are looked for, in this order of weight:
- separate components: a tie between two groups with no path between them connects every
  actor of one with every actor of the other; the gain is the share of all pairs of actors
  that become reachable;
- weakly tied communities inside a component: a tie across two communities (Leiden, seeded)
  adds most where the two are large and have few ties between them.
For each gap the pair proposed is the best-connected actor of each side, preferring pairs that
share an action field (a common theme to start from).
"""

from __future__ import annotations

import random
import threading
from collections import Counter
from dataclasses import dataclass
from itertools import combinations

import igraph

from analysis.metrics import RESOLUTION, SEED, _ranked_labels
from analysis.projection import Projection
from analysis.texts import say

_lock = threading.Lock()


@dataclass(frozen=True)
class MissingLink:
    a: int  # vertex indices in the projection
    b: int
    score: float
    joins_components: bool
    reasons: tuple[str, ...]


def _best_pair(
    p: Projection, g: igraph.Graph, left: list[int], right: list[int], fields: list[frozenset[str]]
) -> tuple[int, int]:
    degree = g.degree()
    top_left = sorted(left, key=lambda v: (-degree[v], p.ids[v]))[:8]
    top_right = sorted(right, key=lambda v: (-degree[v], p.ids[v]))[:8]
    return max(
        ((a, b) for a in top_left for b in top_right),
        key=lambda ab: (
            len(fields[ab[0]] & fields[ab[1]]) > 0,
            degree[ab[0]] + degree[ab[1]],
            p.ids[ab[0]] < p.ids[ab[1]],
        ),
    )


def _side(members: list[int], language: str) -> str:
    return say("ALONE", language) if len(members) == 1 else say("GROUP", language, n=len(members))


def find(p: Projection, fields: list[frozenset[str]], first: int, language: str = "en") -> list[MissingLink]:
    n = p.size
    if n < 2:
        return []
    g = p.graph()
    pairs_total = n * (n - 1) / 2
    components = [c for c in g.connected_components() if c]
    components.sort(key=lambda c: (-len(c), min(p.ids[v] for v in c)))
    links: list[MissingLink] = []
    for left, right in combinations(components[:12], 2):
        a, b = _best_pair(p, g, left, right, fields)
        gain = len(left) * len(right) / pairs_total
        reasons = [say("JOINS", language, left=_side(left, language), right=_side(right, language))]
        shared = fields[a] & fields[b]
        if shared:
            reasons.append(say("BOTH_WORK_ON", language, fields=", ".join(sorted(shared))))
        links.append(MissingLink(a, b, gain, True, tuple(reasons)))

    with _lock:
        igraph.set_random_number_generator(random.Random(SEED))
        try:
            membership = g.community_leiden(
                objective_function="modularity", resolution=RESOLUTION, n_iterations=-1
            ).membership
        finally:
            igraph.set_random_number_generator(random)
    labels = _ranked_labels(membership)
    members: dict[int, list[int]] = {}
    for v, c in enumerate(labels):
        members.setdefault(c, []).append(v)
    between = Counter(
        (min(labels[x], labels[y]), max(labels[x], labels[y])) for x, y in p.pairs if labels[x] != labels[y]
    )
    component_of = g.connected_components().membership
    big = [c for c, vs in sorted(members.items()) if len(vs) >= 2][:15]
    for c1, c2 in combinations(big, 2):
        left, right = members[c1], members[c2]
        if component_of[left[0]] != component_of[right[0]]:
            continue  # already proposed as a component join
        ties = between.get((c1, c2), 0)
        gain = len(left) * len(right) / (ties + 1) / pairs_total / 4  # below any component join
        a, b = _best_pair(p, g, left, right, fields)
        if g.are_adjacent(a, b):
            continue
        untied = "COMMUNITIES_UNTIED" if ties == 0 else "COMMUNITIES_ONE_TIE" if ties == 1 else "COMMUNITIES_FEW_TIES"
        reasons = [say(untied, language, left=len(left), right=len(right), ties=ties)]
        shared = fields[a] & fields[b]
        if shared:
            reasons.append(say("BOTH_WORK_ON", language, fields=", ".join(sorted(shared))))
        links.append(MissingLink(a, b, gain, False, tuple(reasons)))
    links.sort(key=lambda link: (-link.score, p.ids[link.a], p.ids[link.b]))
    return links[:first]
