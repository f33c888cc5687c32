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

import math
from collections.abc import Mapping, Sequence

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
    popular = math.log(65)
    exp, log1p = math.exp, math.log1p
    popularity: dict[int, float] = {}
    out: dict[str, list[float]] = {}
    for c in candidates:
        degree = degrees.get(c, 0)
        if degree not in popularity:
            popularity[degree] = min(1.0, log1p(degree) / popular)
        p_long, p_short = long_walk.get(c, 0.0), short_walk.get(c, 0.0)
        ra, walks3 = two.get(c, 0.0), three.get(c, 0.0)
        if not (p_long or p_short or ra or walks3):  # not reached: every walk value is 0 (as computed below)
            out[c] = [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, popularity[degree]]
            continue
        at = rank.get(c)
        out[c] = [
            _log_scale(p_long),
            _log_scale(p_short),
            1.0 / (1 + at) if at is not None else 0.0,
            1 - exp(-ra),
            1 - exp(-3 * walks3),
            1.0 if ra > 0 else 0.0,
            1.0 if ra <= 0 and walks3 > 0 and c not in first else 0.0,
            popularity[degree],
        ]
    return out
