"""Structural signals for partner suggestions that need no attributes, from the neighbourhood one
query reads (graph/suggestions.py ``NEIGHBOURHOOD``: the actor, its partners, up to ``EXPAND`` actors
two steps away, each with its partners of the day).

Kept apart from analysis/suggestions.py (the signals with reasons) and from the pool construction, so
that each can move on its own. Each value is in [0, 1], 0 where it does not apply:

- ``PPR_085`` / ``PPR_050``: personalized PageRank from the actor with continuation 0.85 (long walks)
  and 0.5 (short walks, close to the actor), on a log scale 1 + log10(p)/5 clipped to [0, 1];
- ``PPR_RANK``: 1/(1 + rank) of the candidate among the candidates by PageRank (0.85), so the
  walk's own order is a signal, not only its level;
- ``RESOURCE_ALLOCATION``: 1 − e^(−RA), RA = Σ over shared partners of 1/degree (Zhou, Lü & Zhang 2009);
- ``PATHS_3``: walks of length three actor → partner → x → candidate, each weighted by 1/degree of
  its middle steps (a degree-normalised Katz term), 1 − e^(−3·w);
- ``TWO_STEPS`` / ``THREE_STEPS``: 1 if the candidate's shortest path in the read ties is two or three;
- ``POPULARITY``: ln(1 + degree)/ln(65), at most 1 (preferential attachment).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence

import numpy as np

from analysis import proximity

STRUCTURE: tuple[str, ...] = (
    "PPR_085",
    "PPR_050",
    "PPR_RANK",
    "RESOURCE_ALLOCATION",
    "PATHS_3",
    "TWO_STEPS",
    "THREE_STEPS",
    "POPULARITY",
)
DECADES = 5.0


def _log_scale(p: float) -> float:
    return min(1.0, max(0.0, 1 + math.log10(p) / DECADES)) if p > 0 else 0.0


def _paths(around: Mapping[str, Sequence[str]], source: str) -> tuple[dict[str, float], dict[str, float]]:
    """Degree-weighted walks of two and of three steps from ``source`` through the read ties."""
    two: dict[str, float] = {}
    for m in around.get(source, ()):
        partners = around.get(m, ())
        for x in partners:
            if x != source:
                two[x] = two.get(x, 0.0) + 1.0 / len(partners)
    three: dict[str, float] = {}
    for x, w in two.items():
        partners = around.get(x, ())
        for c in partners:
            if c != source:
                three[c] = three.get(c, 0.0) + w / len(partners)
    return two, three


def features(
    around: Mapping[str, Sequence[str]],
    source: str,
    candidates: Sequence[str],
    degrees: Mapping[str, int],
    long_walk: Mapping[str, float] | None = None,
    read: proximity.Ties | None = None,
) -> dict[str, list[float]]:
    """Candidate → its STRUCTURE values, computed on the read neighbourhood. ``long_walk``: the PageRank at
    0.85 from ``source`` on ``around`` if the caller has it already (only the candidates' values are read);
    ``read``: ``around`` as proximity.Ties if the caller built them already (for that PageRank)."""
    walked = around if read is None else read
    if long_walk is None:
        long_walk = proximity.personalized_pagerank(walked, source, damping=0.85).scores
    short_walk = proximity.personalized_pagerank(walked, source, damping=0.5).scores
    by_walk = sorted((c for c in candidates if long_walk.get(c, 0.0) > 0), key=lambda c: (-long_walk[c], c))
    rank = {c: i for i, c in enumerate(by_walk)}
    two, three = _paths(around, source)
    first = set(around.get(source, ()))
    out: dict[str, list[float]] = {}
    for c in candidates:
        p_long, p_short = long_walk.get(c, 0.0), short_walk.get(c, 0.0)
        out[c] = _values(c, degrees.get(c, 0), p_long, p_short, two.get(c, 0.0), three.get(c, 0.0), rank.get(c), first)
    return out


def _popularity(degree: int) -> float:
    return min(1.0, math.log1p(degree) / math.log(65))


class Lazy(Mapping[str, list[float]]):
    """What :func:`features` gives for a pool, each candidate's values computed when asked for (the ranking asks
    for the few it scores exactly; a pool holds about a thousand), by the same arithmetic as :func:`features`.
    :meth:`bounds` gives, for the whole pool at once in numpy, values at least as large (numpy's log and exp
    may differ from the math module's in the last bit; the ranking's bound has a margin far above that)."""

    def __init__(
        self,
        members: Collection[str],
        degree_of: Callable[[str], int],
        long_walk: Mapping[str, float],
        short_walk: Mapping[str, float],
        paths: tuple[dict[str, float], dict[str, float]],
        rank: dict[str, int],
        first: set[str],
    ):
        self.members, self.degree_of = members, degree_of
        self.long_walk, self.short_walk, self.paths, self.rank, self.first = long_walk, short_walk, paths, rank, first
        self._made: dict[str, list[float]] = {}

    def __getitem__(self, c: str) -> list[float]:
        found = self._made.get(c)
        if found is None:
            if c not in self.members:
                raise KeyError(c)
            two, three = self.paths
            found = self._made[c] = _values(
                c,
                self.degree_of(c),
                self.long_walk.get(c, 0.0),
                self.short_walk.get(c, 0.0),
                two.get(c, 0.0),
                three.get(c, 0.0),
                self.rank.get(c),
                self.first,
            )
        return found

    def __len__(self) -> int:
        return len(self.members)

    def __iter__(self) -> Iterator[str]:
        return iter(self.members)

    def bounds(self, ids: Sequence[str], degrees: np.ndarray) -> np.ndarray:
        """An array (len(ids) × len(STRUCTURE)) of values each at least the candidate's own (``ids``: members of
        the pool, ``degrees``: their degrees)."""
        two, three = self.paths
        long_walk, short_walk, rank = self.long_walk, self.short_walk, self.rank
        n = len(ids)

        def column(found: Mapping[str, float], missing: float) -> np.ndarray:
            return np.fromiter(map(found.get, ids, itertools.repeat(missing, n)), dtype=float, count=n)

        p_long, p_short, ra, walks3 = (
            column(long_walk, 0.0),
            column(short_walk, 0.0),
            column(two, 0.0),
            column(three, 0.0),
        )
        at = column(rank, -1)
        with np.errstate(divide="ignore"):
            out = np.column_stack(
                [
                    np.clip(1 + np.log10(p_long) / DECADES, 0.0, 1.0),
                    np.clip(1 + np.log10(p_short) / DECADES, 0.0, 1.0),
                    np.where(at >= 0, 1.0 / (1 + at), 0.0),
                    1 - np.exp(-ra),
                    1 - np.exp(-3 * walks3),
                    (ra > 0).astype(float),
                    ((ra <= 0) & (walks3 > 0)).astype(float),  # "not a partner" left out: at least the value
                    np.minimum(1.0, np.log1p(degrees.astype(float)) / math.log(65)),
                ]
            )
        return np.asarray(out)


def _values(
    c: str, degree: int, p_long: float, p_short: float, ra: float, walks3: float, at: int | None, first: set[str]
) -> list[float]:
    """One candidate's STRUCTURE values, as :func:`features` computes them."""
    if not (p_long or p_short or ra or walks3):
        return [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, _popularity(degree)]
    return [
        _log_scale(p_long),
        _log_scale(p_short),
        1.0 / (1 + at) if at is not None else 0.0,
        1 - math.exp(-ra),
        1 - math.exp(-3 * walks3),
        1.0 if ra > 0 else 0.0,
        1.0 if ra <= 0 and walks3 > 0 and c not in first else 0.0,
        _popularity(degree),
    ]


def lazy_features(
    around: Mapping[str, Sequence[str]],
    source: str,
    candidates: Collection[str],
    degree_of: Callable[[str], int],
    long_walk: Mapping[str, float],
    read: proximity.Ties | None = None,
) -> Lazy:
    """:func:`features` of the ``candidates`` (a set of ids), the PageRank at 0.85 given (``long_walk``: at least
    every candidate it reached), as a :class:`Lazy`: the same values, each computed when asked for."""
    walked = around if read is None else read
    short_walk = proximity.personalized_pagerank(walked, source, damping=0.5).scores
    by_walk = sorted((c for c, w in long_walk.items() if w > 0 and c in candidates), key=lambda c: (-long_walk[c], c))
    rank = {c: i for i, c in enumerate(by_walk)}
    return Lazy(candidates, degree_of, long_walk, short_walk, _paths(around, source), rank, set(around.get(source, ())))
