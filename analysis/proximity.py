"""Closeness in the network: personalized PageRank from one actor, approximated locally by pushes.

Personalized PageRank (PPR) from actor *s* is where a walker ends up who starts at *s*, at each
step goes on to a partner chosen uniformly with probability ``damping`` (0.85) and otherwise jumps
back to *s*. It is the strongest plain baseline for partner suggestions in bench/RESULTS.md; the
learned model uses it as a signal, so the model starts from it and can only add to it.

Computed per request, from what graph/ read around the actor (its partners, their partners and —
bounded — partners of those), with the bookkeeping of the *push* method of Andersen, Chung and
Lang ("Local graph partitioning using PageRank vectors", FOCS 2006): every actor holds an estimate
``p`` and a residue ``r`` (mass not yet placed); pushing an actor moves ``(1 - damping)·r`` into its
estimate and spreads ``damping·r`` evenly over its partners' residues. Here every actor with a
residue pushes at once in each round (numpy does a round in one pass over the read ties; pushing
one actor at a time in Python took 50–200 ms for hubs of the Berlin-scale network). Starting from
``r[s] = 1``, rounds go on until the residue left is below ``tolerance`` or after ``max_rounds``.
What the approximation gives up, and why that is acceptable for ranking candidates:

- every estimate is at most the true PPR; the mass still unplaced at the end (``residue``, at most
  ``damping^rounds``) is what all estimates together miss;
- the walk knows only the ties graph/ read: an actor whose partners were not read (beyond the
  bounded neighbourhood) keeps ``(1 - damping)`` of what reaches it as its estimate and passes
  nothing on — walks that leave the neighbourhood are cut, so an actor four or more steps away
  gets no closeness;
- the work is bounded: at most ``max_rounds`` passes over the read ties.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

DAMPING = 0.85
TOLERANCE = 1e-7
MAX_ROUNDS = 100


@dataclass(frozen=True)
class Proximity:
    scores: dict[str, float]  # actor → approximate PPR from the source (the source itself included)
    residue: float  # mass not placed when the rounds stopped (0 would be exact on the read ties)
    rounds: int


@dataclass(frozen=True)
class Ties:
    """The read ties as arrays, built once per neighbourhood and walked at any damping: ``ids[0]`` is the
    source, edge ``k`` goes from ``frm[k]`` to ``to[k]`` with ``weight[k]`` = 1/(partners of ``frm[k]``)."""

    ids: list[str]
    frm: np.ndarray
    to: np.ndarray
    weight: np.ndarray


def ties(around: Mapping[str, Sequence[str]], source: str) -> Ties:
    """``around`` (actor → its partners) as :class:`Ties` from ``source`` (the edges in ``around``'s order)."""
    ids = [source, *sorted(set(around) - {source})]
    index = {a: i for i, a in enumerate(ids)}
    owners: list[int] = []
    counts: list[int] = []
    flat: list[str] = []
    for u, partners in around.items():
        if partners:
            owners.append(index[u])
            counts.append(len(partners))
            flat.extend(partners)
    for v in dict.fromkeys(itertools.filterfalse(index.__contains__, flat)):  # ends of the read ties, first seen first
        index[v] = len(ids)
        ids.append(v)
    sizes = np.array(counts, dtype=np.int64)
    frm = np.repeat(np.array(owners, dtype=np.int64), sizes)
    to = np.fromiter(map(index.__getitem__, flat), dtype=np.int64, count=len(flat))
    return Ties(ids, frm, to, np.repeat(1.0 / sizes, sizes) if len(sizes) else np.zeros(0))


def personalized_pagerank(
    around: Mapping[str, Sequence[str]] | Ties,
    source: str,
    damping: float = DAMPING,
    tolerance: float = TOLERANCE,
    max_rounds: int = MAX_ROUNDS,
) -> Proximity:
    """Approximate PPR from ``source`` on the ties in ``around`` (actor → its partners; actors missing from
    it are ends of the known neighbourhood: they keep what reaches them and pass nothing on), or on
    :class:`Ties` built from it (to walk the same neighbourhood at two dampings without reading it twice)."""
    read = around if isinstance(around, Ties) else ties(around, source)
    ids, frm, to, weight = read.ids, read.frm, read.to, read.weight
    estimate: np.ndarray = np.zeros(len(ids))
    residue: np.ndarray = np.zeros(len(ids))
    residue[0] = 1.0
    rounds = 0
    while rounds < max_rounds and residue.sum() > tolerance:
        estimate += (1 - damping) * residue
        residue = damping * np.bincount(to, weights=weight * residue[frm], minlength=len(ids))
        rounds += 1
    placed = np.flatnonzero(estimate > 0)
    scores = dict(zip([ids[i] for i in placed.tolist()], estimate[placed].tolist(), strict=True))
    return Proximity(scores, float(residue.sum()), rounds)


def shared(around: Mapping[str, Sequence[str]], source: str) -> dict[str, list[str]]:
    """Candidate → the source's partners it is tied to (for the shared-partners signal and its reason)."""
    out: dict[str, list[str]] = {}
    for m in sorted(around.get(source, ())):
        for c in around.get(m, ()):
            if c != source:
                out.setdefault(c, []).append(m)
    return out
