"""The network as an igraph graph: actors as vertices, one edge per pair of partners.

Two actors may cooperate in several ways (a project partnership and a working group); for
structure they are one tie, whose weight is the sum of the cooperations' intensities (an
unassessed intensity counts 1). ``ties`` keeps the number of cooperations.
"""

from __future__ import annotations

from dataclasses import dataclass

import igraph

from graph.networks import NetworkData


@dataclass(frozen=True)
class Projection:
    ids: list[str]
    names: list[str]
    types: list[str]
    quarters: list[frozenset[str]]
    pairs: list[tuple[int, int]]  # distinct, i < j
    weights: list[float]  # per pair
    ties: int  # cooperations, several per pair possible

    @property
    def size(self) -> int:
        return len(self.ids)

    def graph(self) -> igraph.Graph:
        g = igraph.Graph(n=len(self.ids), edges=self.pairs, directed=False)
        g.es["weight"] = self.weights
        return g


def project(data: NetworkData) -> Projection:
    nodes = sorted(data.nodes, key=lambda n: n.id)  # a stable vertex order: reproducible results
    index = {n.id: i for i, n in enumerate(nodes)}
    weight: dict[tuple[int, int], float] = {}
    for e in data.edges:
        a, b = index.get(e.source), index.get(e.target)
        if a is None or b is None or a == b:
            continue
        pair = (a, b) if a < b else (b, a)
        weight[pair] = weight.get(pair, 0.0) + float(e.intensity or 1)
    pairs = sorted(weight)
    return Projection(
        ids=[n.id for n in nodes],
        names=[n.name for n in nodes],
        types=[n.type for n in nodes],
        quarters=[frozenset(n.quarters) for n in nodes],
        pairs=pairs,
        weights=[weight[p] for p in pairs],
        ties=len(data.edges),
    )
