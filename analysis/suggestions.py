"""Scoring partner suggestions: explainable signals, combined by a learned model or by weights.

Two ways to combine the signals:

- **the learned model** (the default): a logistic regression with non-negative coefficients,
  fitted on how ties actually formed in a network's own past (``fit``): for actors that gained
  partners in a year, which of their candidates at the start of that year became partners.
  Score = σ(b + Σ wᵢ·xᵢ). Because every wᵢ ≥ 0, each signal can only speak *for* a candidate,
  and its part of the score is the score split in proportion to wᵢ·xᵢ: that is what a reason's
  ``contribution`` says. ``DEFAULT_MODEL`` was learned on bench/grow.py's tuning network
  (growth A) before 2022 — see bench/RESULTS.md;
- **weights** (when the API is given them): the weighted mean of the six original signals,
  each in [0, 1], exactly as documented in the schema.

The signals, each 0 where it does not apply:
- shared partners: 1 - e^(-AA/2), AA = sum over shared partners of 1/ln(max(degree, 2)),
  degree being the shared partner's number of partners (ties of the day, like the sharing);
- network proximity (learned model only): personalized PageRank from the actor (analysis/proximity.py:
  where a walk along ties that returns to the actor with probability 0.15 at each step spends its
  time), on a log scale: 1 + log10(p)/5, clipped to [0, 1] (p = 10⁻⁵ gives 0, p = 0.1 gives 0.8);
- shared action fields: the Jaccard index |A ∩ B| / |A ∪ B| of the two actors' action fields
  (A also holds the field in focus), both mapped onto today's generation first;
- shared themes (learned model only): the cosine similarity of the action fields of the two
  actors' cooperations (up to the day), today's generation;
- same quarter 1, neighbouring quarter 0.5 (the learned model has them as two signals of 1);
- distance: e^(-metres/1000); the learned model also uses a location estimated from partners;
- complementary type: 1 if the two are of different types;
- recent activity: e^(-years/3), years from the candidate's latest cooperation start (up to
  the day asked about) to that day;
- well connected (learned model only): ln(1 + partners) / ln(65), at most 1;
- active (learned model only): 1 - e^(-n/3), n cooperations started in the three years up to the day.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields

import numpy as np

from analysis import reasons as words
from graph.suggestions import Candidate, Subject

DISTANCE_SCALE_M = 1000.0  # a partner 1 km away scores e^-1 on distance
RECENCY_SCALE_YEARS = 3.0
PROXIMITY_DECADES = 5.0  # personalized PageRank from 10^-5 (0) to 1 (1) on a log scale
MIN_CONTRIBUTION = 0.01  # reasons that add less than one point in a hundred are noise to a reader

# The learned model's signals, in the order of its coefficients.
SIGNALS: tuple[str, ...] = (
    "SHARED_PARTNERS",
    "NETWORK_PROXIMITY",
    "SHARED_ACTION_FIELDS",
    "SHARED_THEMES",
    "SAME_QUARTER",
    "NEIGHBOURING_QUARTER",
    "DISTANCE",
    "COMPLEMENTARY_TYPE",
    "RECENT_ACTIVITY",
    "WELL_CONNECTED",
    "ACTIVE",
)


@dataclass(frozen=True)
class Weights:
    shared_partners: float = 0.35
    shared_action_fields: float = 0.25
    same_quarter: float = 0.15
    distance: float = 0.10
    complementary_type: float = 0.05
    recent_activity: float = 0.10

    def total(self) -> float:
        return float(sum(getattr(self, f.name) for f in fields(self)))


@dataclass(frozen=True)
class Model:
    """A learned combination: σ(intercept + Σ coefficient·signal), coefficients ≥ 0, in SIGNALS order."""

    coefficients: tuple[float, ...]
    intercept: float
    trained_on: str  # what history it was fitted on, in words

    def weight(self, signal: str) -> float:
        return self.coefficients[SIGNALS.index(signal)]


# Learned by ``python -m bench.suggestion_experiments --learn`` (pools built by bench/replica.py exactly as
# graph/ reads them) on growth A (bench/grow.py, seed 21): 300 actors that gained partners in 2020, their
# candidates as of 2020-01-01, the pairwise ranking loss. Nothing of the evaluation's window (from 2022) was seen.
DEFAULT_MODEL = Model(
    coefficients=(3.6186, 1.6903, 0.4309, 0.0932, 1.6456, 0.8522, 1.0244, 0.0, 0.0, 0.5802, 0.0),
    intercept=-2.0432,
    trained_on="synthetic growing network 'growth A' (bench/grow.py, seed 21): how 300 actors' candidates of "
    "2020-01-01 became partners in 2020 (pairwise ranking loss)",
)


@dataclass(frozen=True)
class Reason:
    kind: str  # one of SIGNALS
    text: str  # English
    contribution: float  # share of the score this reason brought
    text_de: str = ""  # German


@dataclass(frozen=True)
class Suggestion:
    candidate: Candidate
    score: float
    reasons: tuple[Reason, ...]
    distance_m: float | None
    shared_partner_ids: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class Context:
    """What the scoring knows about the subject and the place in focus."""

    subject: Subject
    focus_quarters: frozenset[str]  # the quarter asked for, or the subject's quarters
    neighbouring: frozenset[str]  # quarters next to those in focus
    fields: frozenset[str]  # the subject's fields plus the one in focus, mapped onto today's generation
    field_names: dict[str, str]
    quarter_names: dict[str, str]
    day: dt.date  # the day asked about (`asOf`, else today): recency counts up to it
    successors: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # old field → today's fields

    @functools.cached_property
    def themes(self) -> Counter[str]:
        """The subject's themes (its cooperations' action fields, today's generation): the same for every
        candidate, so counted once (a hub's are hundreds)."""
        return _profile(self.subject.tie_fields, self.successors)


def current_fields(keys: Iterable[str], successors: Mapping[str, tuple[str, ...]]) -> frozenset[str]:
    """Action fields mapped onto today's generation: an old field becomes the field(s) that took it
    over; a current field, or an old one nothing took over, stays itself."""
    return frozenset(new for key in keys for new in (successors.get(key) or (key,)))


def haversine_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(h))


@dataclass(frozen=True)
class Signal:
    kind: str
    value: float  # in [0, 1]
    say: Callable[[], words.Words]  # its words, made only for the reasons actually shown

    @property
    def words(self) -> words.Words:
        return self.say()


def _later(kind: str, items: Sequence[str] = (), n: int = 0, **values: object) -> Callable[[], words.Words]:
    """A reason's words, put off: a pool holds a thousand candidates and only the first few are shown."""
    return functools.partial(words.say, kind, list(items), n, **values)


def _profile(keys: Iterable[str], successors: Mapping[str, tuple[str, ...]]) -> Counter[str]:
    return Counter(new for key in keys for new in (successors.get(key) or (key,)))


def _cosine(a: Counter[str], b: Counter[str]) -> float:
    dot = sum(a[k] * b[k] for k in a.keys() & b.keys())
    if not dot:
        return 0.0
    return dot / math.sqrt(sum(v * v for v in a.values()) * sum(v * v for v in b.values()))


def signals(c: Candidate, ctx: Context, learned: bool) -> tuple[list[Signal], float | None]:
    """The signals that apply to ``c`` (value > 0), and the recorded distance in metres (if both have a
    location). ``learned`` adds the signals only the learned model uses, and estimated locations."""
    out: list[Signal] = []
    names = ctx.field_names
    if c.shared:
        adamic_adar = sum(1.0 / math.log(max(degree, 2)) for _, _, degree in c.shared)
        ranked = sorted(c.shared, key=lambda s: (s[2], s[1]))  # small shared partners say most
        said = _later("SHARED_PARTNERS", [s[1] for s in ranked], n=len(c.shared))
        out.append(Signal("SHARED_PARTNERS", 1 - math.exp(-adamic_adar / 2), said))
    if learned and c.walk > 0:
        value = min(1.0, max(0.0, 1 + math.log10(c.walk) / PROXIMITY_DECADES))
        if value > 0:  # below 10^-5 the walk hardly arrives: that is no reason
            out.append(Signal("NETWORK_PROXIMITY", value, _later("NETWORK_PROXIMITY")))
    theirs = current_fields(c.action_fields, ctx.successors)
    common = sorted(ctx.fields & theirs)
    if common:
        said = _later("SHARED_ACTION_FIELDS", [names.get(k, k) for k in common])
        out.append(Signal("SHARED_ACTION_FIELDS", len(common) / len(ctx.fields | theirs), said))
    if learned:
        mine = ctx.themes
        other = _profile([*c.tie_fields, *c.action_fields], ctx.successors)
        similarity = _cosine(mine, other)
        if similarity > 0:
            top = sorted(mine.keys() & other.keys(), key=lambda k: (-mine[k] * other[k], k))
            said = _later("SHARED_THEMES", [names.get(k, k) for k in top])
            out.append(Signal("SHARED_THEMES", similarity, said))
    here = sorted(ctx.focus_quarters & set(c.quarters))
    near = sorted(ctx.neighbouring & set(c.quarters))
    if here:
        out.append(Signal("SAME_QUARTER", 1.0, _later("SAME_QUARTER", [ctx.quarter_names.get(q, q) for q in here])))
    elif near:
        said = _later("NEIGHBOURING_QUARTER", [ctx.quarter_names.get(q, q) for q in near])
        out.append(Signal("NEIGHBOURING_QUARTER", 1.0 if learned else 0.5, said))
    distance = None
    recorded = ctx.subject.location is not None and not ctx.subject.location_estimated
    recorded = recorded and c.location is not None and not c.location_estimated
    if ctx.subject.location and c.location and (recorded or learned):
        metres = haversine_m(ctx.subject.location, c.location)
        distance = metres if recorded else None
        kind = "DISTANCE" if recorded else "DISTANCE_ESTIMATED"
        out.append(Signal("DISTANCE", math.exp(-metres / DISTANCE_SCALE_M), _later(kind, metres=metres)))
    if c.type != ctx.subject.type:
        said = _later(
            "COMPLEMENTARY_TYPE",
            kind_de=words.TYPE_NAMES[c.type].de,
            kind_en=words.TYPE_NAMES[c.type].en,
            own_de=words.TYPE_OBJECTS[ctx.subject.type].de,
            own_en=words.TYPE_OBJECTS[ctx.subject.type].en,
        )
        out.append(Signal("COMPLEMENTARY_TYPE", 1.0, said))
    if c.latest_activity is not None:
        years = max(0.0, (ctx.day - c.latest_activity).days / 365.25)
        said = _later("RECENT_ACTIVITY", year=c.latest_activity.year)
        out.append(Signal("RECENT_ACTIVITY", math.exp(-years / RECENCY_SCALE_YEARS), said))
    if learned and c.degree > 0:
        value = min(1.0, math.log1p(c.degree) / math.log(65))
        out.append(Signal("WELL_CONNECTED", value, _later("WELL_CONNECTED", n=c.degree)))
    if learned and c.recent > 0:
        out.append(Signal("ACTIVE", 1 - math.exp(-c.recent / 3), _later("ACTIVE", n=c.recent)))
    return out, distance


def vector(found: Sequence[Signal]) -> list[float]:
    """The signals in SIGNALS order (0 where one does not apply): one row for the learned model."""
    values = dict.fromkeys(SIGNALS, 0.0)
    for s in found:
        values[s.kind] = s.value
    return [values[k] for k in SIGNALS]


def _reasons(parts: list[tuple[Signal, float]], score: float) -> tuple[Reason, ...]:
    """Reasons strongest first, each with its share of ``score``; parts are (signal, weight·value)."""
    total = sum(p for _, p in parts)
    if total <= 0:
        return ()
    ordered = sorted(parts, key=lambda x: (-x[1], x[0].kind))
    shares = [(s, score * p / total) for s, p in ordered]
    return tuple(Reason(s.kind, s.words.en, share, s.words.de) for s, share in shares if share >= MIN_CONTRIBUTION)


def score(c: Candidate, ctx: Context, w: Weights) -> Suggestion:
    """The weighted mean of the six original signals (the API's custom weights)."""
    found, distance = signals(c, ctx, learned=False)
    parts = _weighted(found, w)
    value = sum(p for _, p in parts)
    return Suggestion(c, value, _reasons(parts, value), distance, tuple(s[0] for s in c.shared))


def _weighted(found: list[Signal], w: Weights) -> list[tuple[Signal, float]]:
    weight = {
        "SHARED_PARTNERS": w.shared_partners,
        "SHARED_ACTION_FIELDS": w.shared_action_fields,
        "SAME_QUARTER": w.same_quarter,
        "NEIGHBOURING_QUARTER": w.same_quarter,
        "DISTANCE": w.distance,
        "COMPLEMENTARY_TYPE": w.complementary_type,
        "RECENT_ACTIVITY": w.recent_activity,
    }
    total_weight = w.total() or 1.0
    return [(s, weight[s.kind] * s.value / total_weight) for s in found]


def score_learned(c: Candidate, ctx: Context, model: Model) -> Suggestion:
    """σ(b + Σ wᵢ·xᵢ), the score split among the signals in proportion to wᵢ·xᵢ."""
    found, distance = signals(c, ctx, learned=True)
    parts = [(s, model.weight(s.kind) * s.value) for s in found]
    value = 1 / (1 + math.exp(-(model.intercept + sum(p for _, p in parts))))
    return Suggestion(c, value, _reasons(parts, value), distance, tuple(s[0] for s in c.shared))


def rank(candidates: list[Candidate], ctx: Context, w: Weights | Model, first: int) -> list[Suggestion]:
    """The ``first`` best, best first. Every candidate is scored, but only those shown get their reasons'
    words (the words of a thousand candidates cost more than their scores; the scores are the same)."""
    explain: Callable[[Candidate], Suggestion] = (
        functools.partial(score_learned, ctx=ctx, model=w)
        if isinstance(w, Model)
        else functools.partial(score, ctx=ctx, w=w)
    )
    value: Callable[[Candidate], float] = (
        functools.partial(_learned_value, ctx=ctx, model=w)
        if isinstance(w, Model)
        else functools.partial(_weighted_value, ctx=ctx, w=w)
    )
    scored = [(value(c), c) for c in candidates]
    scored.sort(key=lambda s: (-s[0], s[1].name, s[1].id))
    return [explain(c) for _, c in scored[:first]]


def _weighted_value(c: Candidate, ctx: Context, w: Weights) -> float:
    """score's score without its reasons."""
    return sum(p for _, p in _weighted(signals(c, ctx, learned=False)[0], w))


def _learned_value(c: Candidate, ctx: Context, model: Model) -> float:
    """score_learned's score without its reasons."""
    found, _ = signals(c, ctx, learned=True)
    return 1 / (1 + math.exp(-(model.intercept + sum(model.weight(s.kind) * s.value for s in found))))


def fit(
    rows: Sequence[Sequence[float]],
    labels: Sequence[int],
    groups: Sequence[int],
    trained_on: str,
    l2: float = 1e-3,
    steps: int = 3000,
) -> Model:
    """A logistic regression with coefficients ≥ 0 (projected Adam on the mean log-loss plus a small
    ridge penalty). Each group (one actor's candidates) weighs the same in the loss, whatever its
    size, and positives and negatives weigh the same within it, so hubs with big pools do not decide."""
    x = np.asarray(rows, dtype=float)
    y = np.asarray(labels, dtype=float)
    g = np.asarray(groups)
    _, inverse, sizes = np.unique(g, return_inverse=True, return_counts=True)
    positives = np.bincount(inverse, weights=y)
    share = np.where(y > 0, 0.5 / np.maximum(positives[inverse], 1), 0.5 / np.maximum((sizes - positives)[inverse], 1))
    share = share / share.sum()
    theta = np.zeros(x.shape[1] + 1)
    design = np.hstack([x, np.ones((len(x), 1))])
    m = np.zeros_like(theta)
    v = np.zeros_like(theta)
    rate, beta1, beta2 = 0.05, 0.9, 0.999
    for t in range(1, steps + 1):
        p = 1 / (1 + np.exp(-(design @ theta)))
        grad = design.T @ (share * (p - y))
        grad[:-1] += l2 * theta[:-1]
        m = beta1 * m + (1 - beta1) * grad
        v = beta2 * v + (1 - beta2) * grad * grad
        theta -= rate * (m / (1 - beta1**t)) / (np.sqrt(v / (1 - beta2**t)) + 1e-8)
        theta[:-1] = np.maximum(theta[:-1], 0.0)  # only signals that speak for a candidate
    return Model(tuple(round(float(c), 4) for c in theta[:-1]), round(float(theta[-1]), 4), trained_on)


def fit_pairwise(
    rows: Sequence[Sequence[float]],
    labels: Sequence[int],
    groups: Sequence[int],
    trained_on: str,
    l2: float = 1e-3,
    steps: int = 1500,
    max_pairs: int = 4000,
) -> Model:
    """A ranking model: coefficients ≥ 0 fitted on the pairwise logistic loss — within each group (one
    actor's candidates), every candidate that became a partner against every one that did not, so the
    model learns the *order* within a pool, which is all a suggestion list shows. Each group weighs the
    same (at most ``max_pairs`` pairs each, a seeded sample beyond that). The pairwise loss says nothing
    about the level, so the intercept is fitted afterwards on the pointwise log-loss with the
    coefficients held: the score then reads as a probability again, and the ranking is the pairwise one."""
    x = np.asarray(rows, dtype=float)
    y = np.asarray(labels, dtype=int)
    g = np.asarray(groups)
    rng = np.random.default_rng(7)
    diffs: list[np.ndarray] = []
    shares: list[np.ndarray] = []
    for group in np.unique(g):
        where = g == group
        pos, neg = x[where & (y > 0)], x[where & (y == 0)]
        if not len(pos) or not len(neg):
            continue
        d = (pos[:, None, :] - neg[None, :, :]).reshape(-1, x.shape[1])
        if len(d) > max_pairs:
            d = d[rng.choice(len(d), max_pairs, replace=False)]
        diffs.append(d)
        shares.append(np.full(len(d), 1.0 / len(d)))
    d = np.vstack(diffs)
    w = np.concatenate(shares)
    w /= w.sum()
    theta = _adam(lambda t: -(d.T @ (w / (1 + np.exp(d @ t)))) + l2 * t, np.zeros(x.shape[1]), steps, True)
    # the intercept: σ(b + x·θ) fitted to the labels, each group's positives and negatives weighing the same
    _, inverse, sizes = np.unique(g, return_inverse=True, return_counts=True)
    positives = np.bincount(inverse, weights=y.astype(float))
    share = np.where(y > 0, 0.5 / np.maximum(positives[inverse], 1), 0.5 / np.maximum((sizes - positives)[inverse], 1))
    share = share / share.sum()
    linear = x @ theta
    b = _adam(lambda t: np.array([share @ (1 / (1 + np.exp(-(linear + t[0]))) - y)]), np.zeros(1), steps, False)
    return Model(tuple(round(float(c), 4) for c in theta), round(float(b[0]), 4), trained_on)


def _adam(
    gradient: Callable[[np.ndarray], np.ndarray], theta: np.ndarray, steps: int, non_negative: bool
) -> np.ndarray:
    m = np.zeros_like(theta)
    v = np.zeros_like(theta)
    rate, beta1, beta2 = 0.05, 0.9, 0.999
    for t in range(1, steps + 1):
        grad = gradient(theta)
        m = beta1 * m + (1 - beta1) * grad
        v = beta2 * v + (1 - beta2) * grad * grad
        theta = theta - rate * (m / (1 - beta1**t)) / (np.sqrt(v / (1 - beta2**t)) + 1e-8)
        if non_negative:
            theta = np.maximum(theta, 0.0)
    return theta
