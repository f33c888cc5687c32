"""Closeness in the network: personalized PageRank from one actor, approximated locally by pushes.

Personalized PageRank (PPR) from actor *s* is where a walker ends up who starts at *s*, at each
step goes on to a partner chosen uniformly with probability ``damping`` (0.85) and otherwise jumps
back to *s*. It is the strongest plain baseline for partner suggestions in bench/RESULTS.md; the
learned model uses it as a signal, so the model starts from it and can only add to it.

Computed per request, from what graph/ read around the actor (its partners, their partners and —
bounded — partners of those), by the *push* method of Andersen, Chung and Lang ("Local graph
partitioning using PageRank vectors", FOCS 2006): every actor holds an estimate ``p`` and a residue
``r`` (mass not yet placed); pushing an actor moves ``(1 - damping)·r`` into its estimate and spreads
``damping·r`` evenly over its partners' residues. Starting from ``r[s] = 1``, actors are pushed while
their residue exceeds ``epsilon`` times their number of partners. What the approximation gives up,
and why that is acceptable for ranking candidates two to four steps away:

- every estimate is at most the true PPR, and by less than ``epsilon``·(partners) per actor;
- the walk knows only the ties graph/ read: an actor whose partners were not read (beyond the
  bounded neighbourhood) keeps the mass that reaches it as its estimate (``(1 - damping)`` of it)
  and does not pass it on — walks of four steps and more that leave the neighbourhood are cut;
- the work is bounded by ``max_pushes``; the residue left when it is reached is reported.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

DAMPING = 0.85
EPSILON = 1e-7
MAX_PUSHES = 50_000


@dataclass(frozen=True)
class Proximity:
    scores: dict[str, float]  # actor → approximate PPR from the source (the source itself included)
    residue: float  # mass not placed when the pushes stopped (0 would be exact on the read ties)
    pushes: int


def personalized_pagerank(
    around: Mapping[str, Sequence[str]],
    source: str,
    damping: float = DAMPING,
    epsilon: float = EPSILON,
    max_pushes: int = MAX_PUSHES,
) -> Proximity:
    """Approximate PPR from ``source`` on the ties in ``around`` (actor → its partners; actors missing from
    it are ends of the known neighbourhood: they keep what reaches them and pass nothing on)."""
    estimate: dict[str, float] = {}
    residue: dict[str, float] = {source: 1.0}
    queue: deque[str] = deque([source])
    queued = {source}
    pushes = 0
    while queue and pushes < max_pushes:
        u = queue.popleft()
        queued.discard(u)
        mass = residue.pop(u, 0.0)
        if mass <= 0.0:
            continue
        pushes += 1
        partners = around.get(u)
        if not partners:  # an end of the neighbourhood, or an actor without ties: the walk stops here
            estimate[u] = estimate.get(u, 0.0) + (1 - damping) * mass
            continue
        estimate[u] = estimate.get(u, 0.0) + (1 - damping) * mass
        share = damping * mass / len(partners)
        for v in partners:
            r = residue.get(v, 0.0) + share
            residue[v] = r
            if v not in queued and r > epsilon * max(1, len(around.get(v) or ())):
                queue.append(v)
                queued.add(v)
    return Proximity(estimate, sum(residue.values()), pushes)


def shared(around: Mapping[str, Sequence[str]], source: str) -> dict[str, list[str]]:
    """Candidate → the source's partners it is tied to (for the shared-partners signal and its reason)."""
    out: dict[str, list[str]] = {}
    for m in sorted(around.get(source, ())):
        for c in around.get(m, ()):
            if c != source:
                out.setdefault(c, []).append(m)
    return out
