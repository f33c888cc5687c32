"""Fitting the suggestion model on a deployment's own past: "rule (a)" of issue 17.

Rule (a) is the method that beat personalized PageRank on all four evaluation networks (bench/RESULTS.md,
"Third round"): a model on the eight structural signals of analysis/structure.py (no attributes),
**refitted per deployment on its own past year**; where that year holds fewer than ``MIN_POSITIVES``
positive examples, the shipped default is served instead. This module is the fit, pure computation on
an in-memory :class:`~analysis.candidates.Snapshot` (no I/O); resolvers/refit.py runs it in the
background of the service, and bench/round3.py uses the same :func:`fit`.

The examples for a day D, exactly as bench/round3.py builds its history (``exclude_all=False``):

- the window is the year before D: ties whose ``since`` lies after D − 1 year and by D
  (:meth:`Snapshot.new_partners`, as graph/suggestions.py ``NEW_PARTNERS``);
- every actor that met a new partner in that window, at most ``MAX_ACTORS`` of them (a seeded sample of
  the sorted ids: the learning curve in RESULTS shows 400 actors' fit level with all ~900 of growth A);
- each actor's candidate pool **as of D − 1 year**: ties, memberships, appearance and activity of that
  day only, ruling out only partners met by then (so next year's partners can be candidates), and the
  structural signals computed on its neighbourhood of that day. No later tie or membership is read for
  a feature; only whether an actor is archived (as ``NEW_PARTNERS`` reads it) and its action fields
  are today's (neither has a history);
- label 1 where the candidate became a partner in the window.

The fit: the pairwise logistic loss within each actor's pool (every partner met against every candidate
that was not; each actor weighs the same, at most ``MAX_PAIRS`` pairs each, a seeded sample beyond),
coefficients ≥ 0 (a signal may only speak for a candidate, so a reason's share stays a share), l2 10⁻³,
solved by L-BFGS-B with bounds (scipy). The pairwise loss says nothing about the level, so the intercept
is then fitted by :func:`level` (which analysis.suggestions.fit_pairwise and bench/round3.py use too): the
pointwise log-loss with the coefficients held, each actor's positives and negatives weighing the same. The
same snapshot and day give the same fit (sorted actors, seeded samples, a deterministic solver).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import optimize

from analysis import structure
from analysis.candidates import Snapshot
from analysis.reasons import Words, described

MIN_POSITIVES = 200  # below this the shipped default serves (RESULTS: a refit on ~100 is worse than it)
# Every actor of a QM-sized history: on growth B a sample of 400 (334 positives) left rule (a) level with
# PageRank end to end, all 1,162 (1,032 positives) put it ahead (RESULTS, "Issue 17 end to end"); the
# fit runs in its own niced process (resolvers/refit.py), so the CPU it costs no longer slows requests.
MAX_ACTORS = 2000
MAX_PAIRS = 600  # pairs per actor: the fit of round 3 on every actor of A and B
L2 = 1e-3
SEED = 17

# Per actor: its candidates' ids and one row of values per candidate (columns as the caller says).
Data = Mapping[str, tuple[Sequence[str], np.ndarray]]


@dataclass(frozen=True)
class Fitted:
    """A model fitted on one deployment's year: coefficients by structural signal (analysis/structure.py)."""

    coefficients: dict[str, float]
    intercept: float
    start: dt.date  # the pools are of this day (D − 1 year) ...
    end: dt.date  # ... labelled by the partners first met after ``start`` and by this day (D)
    actors: int  # whose pools were fitted on
    positives: int  # partners met in the window who were in their actor's pool


@dataclass(frozen=True)
class History:
    """The examples of the year before ``end``: per actor its pool of ``start`` with STRUCTURE rows."""

    start: dt.date
    end: dt.date
    pools: dict[str, tuple[tuple[str, ...], np.ndarray]]
    formed: dict[str, frozenset[str]]  # actor → partners first met in the window (in its pool or not)
    gaining: int  # actors that met a new partner in the window (before the sample)

    @property
    def positives(self) -> int:
        return sum(len(self.formed[a] & set(ids)) for a, (ids, _) in self.pools.items())


def window(day: dt.date) -> tuple[dt.date, dt.date]:
    """(D − 1 year, D); 29 February becomes 28 February, as Cypher's ``duration({years: 1})`` does."""
    try:
        return day.replace(year=day.year - 1), day
    except ValueError:
        return day.replace(year=day.year - 1, day=28), day


def history(
    snapshot: Snapshot,
    day: dt.date,
    nearby: Callable[[set[str]], set[str]] = lambda focus: set(),
    related: Mapping[str, Sequence[str]] | None = None,
    max_actors: int = MAX_ACTORS,
    seed: int = SEED,
    formed: Mapping[str, set[str]] | None = None,
) -> History:
    """The examples for ``day`` (see the module docstring). ``nearby`` gives the quarters next to those in
    focus (the resolver's rule); ``related`` maps an action-field key onto itself and its other
    generations, as the resolver expands an actor's fields before looking for candidates. ``formed``:
    the window's new partners if already known."""
    start, end = window(day)
    formed = snapshot.new_partners(start, end) if formed is None else formed
    chosen = sorted(formed)
    random.Random(seed).shuffle(chosen)
    pools = {a: _pool(snapshot, a, start, nearby, related or {}) for a in sorted(chosen[:max_actors])}
    return History(start, end, pools, {a: frozenset(p) for a, p in formed.items()}, len(formed))


def _pool(
    snapshot: Snapshot,
    actor: str,
    start: dt.date,
    nearby: Callable[[set[str]], set[str]],
    related: Mapping[str, Sequence[str]],
) -> tuple[tuple[str, ...], np.ndarray]:
    """``actor``'s candidates as of ``start`` and their STRUCTURE values on its neighbourhood of that day:
    the service's own path (``Snapshot.pool_and_structure`` with ``as_of = start`` and ``exclude_all =
    False``), so the fit learns on exactly the values the ranking later computes."""
    subject = snapshot.subject(actor, start, start)
    assert subject is not None  # new_partners only names actors of the snapshot
    focus = set(subject.quarters)
    fields = list(dict.fromkeys(k for f in subject.action_fields for k in related.get(f, (f,))))
    found, values = snapshot.pool_and_structure(
        actor, sorted(focus), sorted(focus | nearby(focus)), fields, False, None, start, start, subject.location, False
    )
    ids = tuple(c.id for c in found)
    rows = np.array([values[c] for c in ids], dtype=float).reshape(len(ids), len(structure.STRUCTURE))
    return ids, rows


def fit(
    data: Data,
    labels: Mapping[str, Sequence[str] | set[str] | frozenset[str]],
    cols: Sequence[int] | None = None,
    max_pairs: int = MAX_PAIRS,
    l2: float = L2,
) -> np.ndarray:
    """Coefficients ≥ 0 on the pairwise logistic loss (columns ``cols`` of the rows, all by default), each
    actor weighing the same, at most ``max_pairs`` pairs each (a seeded sample beyond)."""
    d, w = _pairs(data, labels, cols, max_pairs)
    if not len(d):
        return np.zeros(len(cols) if cols is not None else _width(data))

    def loss(t: np.ndarray) -> tuple[float, np.ndarray]:
        z = d @ t
        value = float(w @ np.logaddexp(0.0, -z)) + 0.5 * l2 * float(t @ t)
        return value, -(d.T @ (w / (1 + np.exp(z)))) + l2 * t

    # the objective of analysis.suggestions.fit_pairwise (projected Adam there), solved by L-BFGS-B with
    # bounds ≥ 0: a few dozen passes instead of 1,500
    found = optimize.minimize(loss, np.zeros(d.shape[1]), jac=True, method="L-BFGS-B", bounds=[(0, None)] * d.shape[1])
    return np.asarray(found.x)


def _width(data: Data) -> int:
    return next((x.shape[1] for _, x in data.values()), len(structure.STRUCTURE))


def _pairs(
    data: Data, labels: Mapping[str, Sequence[str] | set[str] | frozenset[str]], cols: Sequence[int] | None, most: int
) -> tuple[np.ndarray, np.ndarray]:
    """Every (partner − other candidate) difference per actor, sampled down to ``most``, and their weights."""
    rng = np.random.default_rng(7)
    diffs, shares = [], []
    for actor, (ids, x) in sorted(data.items()):
        mine = set(labels.get(actor, ()))
        pos = [i for i, c in enumerate(ids) if c in mine]
        neg = [i for i, c in enumerate(ids) if c not in mine]
        if not pos or not neg:
            continue
        xs = x if cols is None else x[:, list(cols)]
        d = (xs[pos][:, None, :] - xs[neg][None, :, :]).reshape(-1, xs.shape[1])
        if len(d) > most:
            d = d[rng.choice(len(d), most, replace=False)]
        diffs.append(d)
        shares.append(np.full(len(d), 1.0 / len(d)))
    if not diffs:
        return np.zeros((0, 0)), np.zeros(0)
    w = np.concatenate(shares)
    return np.vstack(diffs), w / w.sum()


def intercept(data: Data, labels: Mapping[str, frozenset[str]], coefficients: np.ndarray) -> float:
    """σ(b + x·θ) fitted to the labels with θ held (:func:`level` on every actor's pool)."""
    linear, y, groups = [], [], []
    for n, (actor, (ids, x)) in enumerate(sorted(data.items())):
        if not len(ids):
            continue
        mine = labels.get(actor, frozenset())
        linear.append(x @ coefficients)
        y.append(np.array([c in mine for c in ids], dtype=float))
        groups.append(np.full(len(ids), n))
    if not linear:
        return 0.0
    return level(np.concatenate(linear), np.concatenate(y), np.concatenate(groups))


def level(linear: np.ndarray, labels: Sequence[float] | np.ndarray, groups: Sequence[int] | np.ndarray) -> float:
    """The intercept b of σ(b + linear) fitted to the labels (1: became a partner) with the coefficients
    held, each group's (one actor's candidates') positives and negatives weighing the same: the pairwise
    loss says nothing about the level, so every pairwise fit (this module's, analysis.suggestions
    ``fit_pairwise``, bench/round3.py) sets it this way. The pointwise log-loss, by L-BFGS-B."""
    y = np.asarray(labels, dtype=float)
    _, inverse, sizes = np.unique(np.asarray(groups), return_inverse=True, return_counts=True)
    positives = np.bincount(inverse, weights=y)
    s = np.where(y > 0, 0.5 / np.maximum(positives[inverse], 1), 0.5 / np.maximum((sizes - positives)[inverse], 1))
    s = s / s.sum()
    z = np.asarray(linear, dtype=float)

    def loss(b: np.ndarray) -> tuple[float, np.ndarray]:
        u = z + b[0]
        return float(s @ (np.logaddexp(0.0, u) - y * u)), np.array([s @ (1 / (1 + np.exp(-u)) - y)])

    return float(optimize.minimize(loss, np.zeros(1), jac=True, method="L-BFGS-B").x[0])


def learn(
    snapshot: Snapshot,
    day: dt.date,
    nearby: Callable[[set[str]], set[str]] = lambda focus: set(),
    related: Mapping[str, Sequence[str]] | None = None,
    min_positives: int = MIN_POSITIVES,
    max_actors: int = MAX_ACTORS,
    max_pairs: int = MAX_PAIRS,
) -> tuple[Fitted | None, Words]:
    """Rule (a)'s fit for ``day``: the fitted structure-only model and what it was fitted on, or None and
    why not (fewer than ``min_positives`` positive examples in the year before ``day``: how many)."""
    start, end = window(day)
    formed = snapshot.new_partners(start, end)
    met = sum(len(p) for p in formed.values())  # each pair twice: one example for each of the two
    if met < min_positives:
        # every positive is a partner met, so fewer of those than the threshold cannot reach it: no pools
        # are built (a deployment in its first year, every test network)
        return None, described("TOO_FEW_MET", met=met, start=start, end=end, needed=min_positives)
    h = history(snapshot, day, nearby, related, max_actors, formed=formed)
    positives = h.positives
    if positives < min_positives:
        return None, described("TOO_FEW_IN_POOLS", positives=positives, start=start, end=end, needed=min_positives)
    coefficients = fit(h.pools, h.formed, max_pairs=max_pairs)
    b = intercept(h.pools, h.formed, coefficients)
    fitted = Fitted(
        {k: round(float(c), 4) for k, c in zip(structure.STRUCTURE, coefficients, strict=True)},
        round(b, 4),
        start,
        end,
        len(h.pools),
        positives,
    )
    return fitted, describe(fitted)


def describe(fitted: Fitted) -> Words:
    """What a fitted model was fitted on, in German and English words (a model's ``trained_on``)."""
    return described("DEPLOYMENT", actors=fitted.actors, start=fitted.start, end=fitted.end, positives=fitted.positives)
