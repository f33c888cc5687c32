"""At-risk ties: what of a quarter's network hangs on a single actor or tie, above all on the QM
office and its Träger, which leave when the QM ends (the Verstetigung question).

On the projection of the network (one tie per pair of partners, analysis/projection.py):

- **cut vertices** (articulation points): actors whose removal splits their component; for each,
  the actors that would be cut off from the largest remaining part;
- **bridges**: ties whose removal splits their component; for each, the smaller side;
- **without the QM**: the network with the QM actors removed: the actors left with no partner
  at all (*isolated*) and those left outside the largest remaining part (*cut off*);
- **action fields**: per field, the cooperations recorded on it and how many of them involve a
  QM actor; a field whose every cooperation does loses its last cooperation with the QM.

Everything is ordered by fixed keys (ids, sizes), so the same network gives the same answer.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass

import igraph

from analysis.projection import Projection, project
from graph.networks import NetworkData


@dataclass(frozen=True)
class CutVertex:
    id: str
    qm: bool  # the actor is (part of) the QM office or its Träger
    cut_off: tuple[str, ...]  # actors separated from the largest remaining part without it


@dataclass(frozen=True)
class Bridge:
    a: str
    b: str
    qm: bool  # one end is a QM actor
    cut_off: tuple[str, ...]  # the smaller side once the tie is gone


@dataclass(frozen=True)
class FieldRisk:
    field: str  # action-field key
    cooperations: int
    through_qm: int  # of those, the ones with a QM actor at one end

    @property
    def lost_without_qm(self) -> bool:
        return self.cooperations > 0 and self.through_qm == self.cooperations


@dataclass(frozen=True)
class AtRisk:
    qm_ids: tuple[str, ...]
    actors: int
    components: int
    components_without_qm: int
    cut_vertices: tuple[CutVertex, ...]
    bridges: tuple[Bridge, ...]
    isolated_without_qm: tuple[str, ...]
    cut_off_without_qm: tuple[str, ...]
    fields: tuple[FieldRisk, ...]

    @property
    def fields_lost_without_qm(self) -> tuple[FieldRisk, ...]:
        return tuple(f for f in self.fields if f.lost_without_qm)


def _largest(membership: Sequence[int]) -> int | None:
    """The label of the largest part (ties broken by the lowest label: reproducible)."""
    sizes = Counter(membership)
    return min(sizes, key=lambda c: (-sizes[c], c)) if sizes else None


def _outside_largest(g: igraph.Graph, removed: Collection[int], p: Projection) -> tuple[str, ...]:
    """Ids of the actors outside the largest part once ``removed`` vertices are gone."""
    keep = [v for v in range(g.vcount()) if v not in removed]
    if not keep:
        return ()
    membership = g.induced_subgraph(keep).connected_components().membership
    largest = _largest(membership)
    return tuple(sorted(p.ids[keep[i]] for i, c in enumerate(membership) if c != largest))


def _cut_off(g: igraph.Graph, qm: set[int], p: Projection) -> tuple[str, ...]:
    """Actors in the largest part today that would be outside it without the QM actors (those
    already outside, e.g. without any tie, are not put at risk by the QM's end)."""
    if not qm:
        return ()
    before = set(_outside_largest(g, set(), p))
    return tuple(i for i in _outside_largest(g, qm, p) if i not in before)


def _cut_vertices(g: igraph.Graph, p: Projection, qm: set[int]) -> list[CutVertex]:
    found = []
    for v in sorted(g.articulation_points()):
        rest = sorted(w for w in g.subcomponent(v) if w != v)  # the order induced_subgraph keeps
        membership = g.induced_subgraph(rest).connected_components().membership
        largest = _largest(membership)
        cut_off = tuple(sorted(p.ids[rest[i]] for i, c in enumerate(membership) if c != largest))
        found.append(CutVertex(p.ids[v], v in qm, cut_off))
    return sorted(found, key=lambda c: (not c.qm, -len(c.cut_off), c.id))


def _bridges(g: igraph.Graph, p: Projection, qm: set[int]) -> list[Bridge]:
    found = []
    for e in g.bridges():
        a, b = g.es[e].tuple
        without = g.copy()
        without.delete_edges([e])
        side_a, side_b = without.subcomponent(a), without.subcomponent(b)
        small = side_a if (len(side_a), min(side_a)) < (len(side_b), min(side_b)) else side_b
        x, y = sorted((p.ids[a], p.ids[b]))
        found.append(Bridge(x, y, a in qm or b in qm, tuple(sorted(p.ids[w] for w in small))))
    return sorted(found, key=lambda br: (not br.qm, -len(br.cut_off), br.a, br.b))


def _fields(data: NetworkData, qm_ids: set[str]) -> list[FieldRisk]:
    total: Counter[str] = Counter()
    through: Counter[str] = Counter()
    for e in data.edges:
        for key in set(e.action_fields or ()):
            total[key] += 1
            if e.source in qm_ids or e.target in qm_ids:
                through[key] += 1
    risks = [FieldRisk(k, total[k], through[k]) for k in total]
    return sorted(risks, key=lambda f: (not f.lost_without_qm, -f.through_qm, f.field))


def analyse(data: NetworkData, qm_ids: Collection[str]) -> AtRisk:
    """The at-risk analysis of a network (usually one quarter's, on one day)."""
    p = project(data)
    g = p.graph()
    index = {i: v for v, i in enumerate(p.ids)}
    qm = {index[i] for i in qm_ids if i in index}
    qm_present = {p.ids[v] for v in qm}
    degrees_without = g.copy()
    degrees_without.delete_edges([e.index for e in g.es if e.tuple[0] in qm or e.tuple[1] in qm])
    isolated = tuple(
        sorted(
            p.ids[v] for v in range(g.vcount()) if v not in qm and g.degree(v) > 0 and degrees_without.degree(v) == 0
        )
    )
    keep = [v for v in range(g.vcount()) if v not in qm]
    return AtRisk(
        qm_ids=tuple(sorted(qm_present)),
        actors=g.vcount(),
        components=len(g.connected_components()) if g.vcount() else 0,
        components_without_qm=len(g.induced_subgraph(keep).connected_components()) if keep else 0,
        cut_vertices=tuple(_cut_vertices(g, p, qm)),
        bridges=tuple(_bridges(g, p, qm)),
        isolated_without_qm=isolated,
        cut_off_without_qm=_cut_off(g, qm, p),
        fields=tuple(_fields(data, qm_present)),
    )
