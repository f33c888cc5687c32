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
import heapq
import math
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields

import numpy as np

from analysis import learning, structure
from analysis import reasons as words
from analysis.candidates import LOW_ORDINAL, Pool
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


# Every signal a model may carry: the eleven above, then the structural ones (analysis/structure.py).
ALL_SIGNALS: tuple[str, ...] = (*SIGNALS, *structure.STRUCTURE)
MODEL_KINDS = ("shipped", "deployment")


@dataclass(frozen=True)
class Model:
    """A learned combination: σ(intercept + Σ coefficient·signal) over the signals it names (any of
    ALL_SIGNALS), coefficients ≥ 0, and what it was trained on, in facts a user can read."""

    signals: tuple[str, ...]  # the signals it carries, in ALL_SIGNALS order
    coefficients: tuple[float, ...]  # one per signal, ≥ 0
    intercept: float
    trained_on: words.Words  # what history it was fitted on, in German and English words
    kind: str = "shipped"  # "shipped": fitted elsewhere and shipped; "deployment": fitted on this network's past
    start: dt.date | None = None  # the training window: candidates as of start, partners met by end
    end: dt.date | None = None
    actors: int | None = None  # actors whose candidates it was fitted on
    positives: int | None = None  # candidates that became partners in the window (positive examples)

    def __post_init__(self) -> None:
        unknown = [s for s in self.signals if s not in ALL_SIGNALS]
        if unknown or len(set(self.signals)) != len(self.signals):
            raise ValueError(f"unknown or repeated signals: {list(self.signals)}")
        if len(self.coefficients) != len(self.signals):
            raise ValueError("one coefficient per signal")
        if not all(math.isfinite(c) and c >= 0 for c in self.coefficients) or not math.isfinite(self.intercept):
            raise ValueError("coefficients must be finite and ≥ 0 (each signal can only speak for a candidate)")
        if self.kind not in MODEL_KINDS:
            raise ValueError(f"kind is one of {MODEL_KINDS}")
        object.__setattr__(self, "_by_name", dict(zip(self.signals, self.coefficients, strict=True)))

    @classmethod
    def from_named(
        cls,
        coefficients: Mapping[str, float],
        intercept: float,
        trained_on: words.Words,
        *,
        kind: str = "deployment",
        start: dt.date | None = None,
        end: dt.date | None = None,
        actors: int | None = None,
        positives: int | None = None,
    ) -> Model:
        """A model from signal name → coefficient (the per-deployment fit hands its result over this way;
        keep this entry point stable). Signals are put in ALL_SIGNALS order."""
        names = sorted(coefficients, key=lambda k: ALL_SIGNALS.index(k) if k in ALL_SIGNALS else -1)
        return cls(
            tuple(names),
            tuple(float(coefficients[k]) for k in names),
            float(intercept),
            trained_on,
            kind,
            start,
            end,
            actors,
            positives,
        )

    def weight(self, signal: str) -> float:
        """The signal's coefficient; 0 for a signal the model does not carry."""
        by_name: dict[str, float] = self.__dict__["_by_name"]
        return by_name.get(signal, 0.0)

    @property
    def structural(self) -> bool:
        """Whether it needs the structural signals (computed per request only then)."""
        return any(s in structure.STRUCTURE and self.weight(s) > 0 for s in self.signals)


# The shipped default ("signals + structure" of bench/RESULTS.md's third round, the fallback of its rule (a)):
# printed by ``python -m bench.round3 --ship`` (run 2026-12-01 20:58 UTC). Trained on the synthetic growing
# network "growth A" (bench/grow.py, TUNING, seed 21): every actor that gained a partner in 2020 (878 actors),
# their candidates as of 2020-01-01 read as the service reads them (bench/replica.py on analysis/candidates.py,
# ties begun by then as partners), labelled by the partners first met by 2021-01-01 (1,308 of them in the
# pools); the pairwise logistic loss with coefficients ≥ 0 and l2 10⁻³ (L-BFGS-B, at most 600 pairs per actor),
# the intercept fitted afterwards on the pointwise loss by analysis.learning.level (L-BFGS-B), as the service's
# own fit sets it. Re-run from scratch (no cached pools) on 2026-12-01 23:40 UTC with today's code: the same
# coefficients and the same intercept to four places, so displayed scores are those of the current fit.
# Nothing of the evaluation's window (from 2022) was seen.
# WELL_CONNECTED and POPULARITY are the same number, so the fit split it evenly.
DEFAULT_MODEL = Model.from_named(
    {
        "SHARED_PARTNERS": 0.9222,
        "NETWORK_PROXIMITY": 0.0,
        "SHARED_ACTION_FIELDS": 0.3912,
        "SHARED_THEMES": 0.3777,
        "SAME_QUARTER": 1.4657,
        "NEIGHBOURING_QUARTER": 0.9103,
        "DISTANCE": 1.274,
        "COMPLEMENTARY_TYPE": 0.0,
        "RECENT_ACTIVITY": 0.0,
        "WELL_CONNECTED": 0.2966,
        "ACTIVE": 0.2183,
        "PPR_085": 0.0,
        "PPR_050": 0.3754,
        "PPR_RANK": 0.9077,
        "RESOURCE_ALLOCATION": 0.9149,
        "PATHS_3": 0.0,
        "TWO_STEPS": 1.2062,
        "THREE_STEPS": 0.0,
        "POPULARITY": 0.2966,
    },
    intercept=-2.1879,
    trained_on=words.described("SHIPPED"),
    kind="shipped",
    start=dt.date(2020, 1, 1),
    end=dt.date(2021, 1, 1),
    actors=878,
    positives=1308,
)

# The former default (eleven signals, growth A's 2020, 300 actors; ``python -m bench.suggestion_experiments
# --learn``): kept so the benchmarks can compare against it.
ELEVEN_SIGNALS_MODEL = Model(
    signals=SIGNALS,
    coefficients=(3.6186, 1.6903, 0.4309, 0.0932, 1.6456, 0.8522, 1.0244, 0.0, 0.0, 0.5802, 0.0),
    intercept=-2.0432,
    trained_on=words.described("ELEVEN_SIGNALS"),
)


@dataclass(frozen=True)
class Reason:
    kind: str  # the signal whose words are shown: the one that brought most of the reason's contribution
    text: str  # English
    contribution: float  # share of the score this reason brought
    text_de: str = ""  # German
    signals: tuple[tuple[str, float], ...] = ()  # (signal, its share of the score): they add up to contribution


# Signals that say the same fact in other terms are shown as one reason, so that a reader does not get
# "shares 2 partners", "shared partners who have few partners of their own" and "a partner of partners" as
# three reasons for one fact. The reason carries the sum of their contributions and lists every member with
# its own share (Reason.signals), so the model's parts stay visible; it speaks with the words of the first
# member (in the order below) that contributes: the most telling words, and the kind older clients know
# (SHARED_PARTNERS names the partners and counts them; the place among the closest actors says more than a
# walk's level). Shared partners, resource allocation and "two steps" all rest on the same shared partners;
# the walk-based closeness signals on one PageRank neighbourhood; "three steps" and three-step walks on the
# same paths; "well connected" and popularity are one number (ln(1 + partners)). The rest stand alone.
SAME_FACT: tuple[tuple[str, ...], ...] = (
    ("SHARED_PARTNERS", "RESOURCE_ALLOCATION", "TWO_STEPS"),
    ("NETWORK_PROXIMITY", "PPR_RANK", "PPR_050", "PPR_085"),
    ("THREE_STEPS", "PATHS_3"),
    ("WELL_CONNECTED", "POPULARITY"),
)
_FACT_OF: dict[str, str] = {kind: group[0] for group in SAME_FACT for kind in group}
_SPEAKS_FIRST: dict[str, int] = {kind: i for group in SAME_FACT for i, kind in enumerate(group)}


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
    # candidate id → its structural signals (analysis/structure.py, STRUCTURE order), computed on the
    # neighbourhood the pool was read from; empty when the ranking needs none (custom weights)
    structure: Mapping[str, Sequence[float]] = field(default_factory=dict)

    @functools.cached_property
    def themes(self) -> Counter[str]:
        """The subject's themes (its cooperations' action fields, today's generation): the same for every
        candidate, so counted once (a hub's are hundreds)."""
        return _profile(self.subject.tie_fields, self.successors)

    @functools.cached_property
    def themes_norm(self) -> int:
        return sum(v * v for v in self.themes.values())

    @functools.cached_property
    def successor_key(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """``successors`` as a value a cache can key on."""
        return tuple(sorted((k, tuple(v)) for k, v in self.successors.items()))


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


def signals(
    c: Candidate, ctx: Context, learned: bool, with_structure: bool = True
) -> tuple[list[Signal], float | None]:
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
    if learned and with_structure:
        out.extend(_structural(c, ctx))
    return out, distance


def _structural(c: Candidate, ctx: Context) -> list[Signal]:
    """The structural signals of ``c`` that apply (value > 0), with their words."""
    values = ctx.structure.get(c.id)
    if not values:
        return []
    partners = [s[1] for s in sorted(c.shared, key=lambda s: (s[2], s[1]))]  # small shared partners first
    out = []
    for kind, value in zip(structure.STRUCTURE, values, strict=True):
        if value <= 0:
            continue
        if kind == "PPR_RANK":  # value = 1/(1 + rank), rank 0 for the closest
            said = _later(kind, n=round(1 / value))
        elif kind == "RESOURCE_ALLOCATION":
            said = _later(kind if len(c.shared) != 1 else "RESOURCE_ALLOCATION_ONE", partners, n=len(c.shared))
        elif kind == "TWO_STEPS":
            said = _later(kind, partners, n=len(c.shared))
        elif kind == "POPULARITY":
            said = _later(kind, n=c.degree)
        else:
            said = _later(kind)
        out.append(Signal(kind, value, said))
    return out


def vector(found: Sequence[Signal], columns: Sequence[str] = SIGNALS) -> list[float]:
    """The signals in ``columns`` order (0 where one does not apply): one row for a learned model."""
    values = dict.fromkeys(columns, 0.0)
    for s in found:
        if s.kind in values:
            values[s.kind] = s.value
    return [values[k] for k in columns]


def _reasons(parts: list[tuple[Signal, float]], score: float) -> tuple[Reason, ...]:
    """Reasons strongest first, each with its share of ``score``; parts are (signal, weight·value). Signals
    of the same fact (SAME_FACT) make one reason, in the words of its first contributing member."""
    total = sum(p for _, p in parts)
    if total <= 0:
        return ()
    facts: dict[str, list[tuple[Signal, float]]] = {}
    for s, p in sorted(parts, key=lambda x: (-x[1], x[0].kind)):
        if p > 0:
            facts.setdefault(_FACT_OF.get(s.kind, s.kind), []).append((s, score * p / total))
    found = []
    for members in facts.values():
        lead = min(members, key=lambda m: _SPEAKS_FIRST.get(m[0].kind, 0))[0]
        share = sum(x for _, x in members)
        if share >= MIN_CONTRIBUTION:
            said = lead.words
            found.append(Reason(lead.kind, said.en, share, said.de, tuple((s.kind, x) for s, x in members)))
    return tuple(sorted(found, key=lambda r: (-r.contribution, r.kind)))


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


def rank(candidates: Sequence[Candidate], ctx: Context, w: Weights | Model, first: int) -> list[Suggestion]:
    """The ``first`` best, best first. Only those shown get their reasons' words (the words of a thousand
    candidates cost more than their scores; the scores are the same); with a learned model, only those
    whose score can reach them are scored at all (``_learned_best``)."""
    scored: list[tuple[float, Candidate]]
    if isinstance(w, Model):
        scored = _learned_best(candidates, ctx, w, first)
        explain: Callable[[Candidate], Suggestion] = functools.partial(score_learned, ctx=ctx, model=w)
    else:
        scored = [(_weighted_value(c, ctx, w), c) for c in candidates]
        explain = functools.partial(score, ctx=ctx, w=w)
    scored.sort(key=lambda s: (-s[0], s[1].name, s[1].id))
    return [explain(c) for _, c in scored[:first]]


def _learned_best(
    candidates: Sequence[Candidate], ctx: Context, model: Model, first: int
) -> list[tuple[float, Candidate]]:
    """The exact scores (``_learned_value``) of the candidates that can be among the ``first`` best; the others
    are left out. A pool holds about a thousand candidates and only five or ten are shown, so each candidate's
    score is first bounded from above (:func:`_upper_bounds`: numpy over the pool), candidates are scored
    exactly in the order of their bounds, and scoring stops at the first bound below the ``first``-th best
    exact score so far: every candidate left has a score strictly below ``first`` others, so the ranking is
    the one of every candidate scored (the same scores, the same order, ties included)."""
    if len(candidates) <= first:
        return [(_learned_value(c, ctx, model), c) for c in candidates]
    bounds = _upper_bounds(candidates, ctx, model)
    best: list[float] = []  # the ``first`` best exact scores so far, the lowest first (a heap)
    scored: list[tuple[float, Candidate]] = []
    for i in np.argsort(-bounds, kind="stable").tolist():
        if len(best) == first and bounds[i] < best[0]:
            break
        value = _learned_value(candidates[i], ctx, model)
        scored.append((value, candidates[i]))
        if len(best) < first:
            heapq.heappush(best, value)
        elif value > best[0]:
            heapq.heapreplace(best, value)
    return scored


BOUND_MARGIN = 1e-9  # a bound's linear part is raised by this (times the model's size): rounding stays below it


def _upper_bounds(candidates: Sequence[Candidate], ctx: Context, model: Model) -> np.ndarray:
    """For each candidate a number at least its ``_learned_value``: each signal as ``_learned_value`` computes
    it, but in numpy over the whole pool, except shared action fields and shared themes, counted at their
    most (1). numpy's exp and log may differ from the math module's in the last bit; the margin added to
    the linear part covers that many times over, so no bound falls below its exact score. A snapshot's
    :class:`Pool` gives its columns from its arrays, without a record per candidate (most are never
    scored exactly); a list of records, from the records. One formula serves both."""
    columns: _RecordColumns | _PoolColumns
    columns = _PoolColumns(candidates) if isinstance(candidates, Pool) else _RecordColumns(candidates)
    w = _signal_weights(model)
    linear = np.zeros(len(candidates))
    if w[0]:
        linear += w[0] * (1 - np.exp(-columns.adamic_adar() / 2))
    if w[1]:
        with np.errstate(divide="ignore"):
            linear += w[1] * np.clip(1 + np.log10(columns.walk()) / PROXIMITY_DECADES, 0.0, 1.0)
    if w[2] and ctx.fields:
        linear += w[2]
    if w[3] and ctx.themes:
        linear += w[3]
    here, near = columns.in_quarters(ctx.focus_quarters), columns.in_quarters(ctx.neighbouring)
    linear += np.where(here, w[4], np.where(near, w[5], 0.0))
    if w[6] and ctx.subject.location:
        metres = _haversine_many(ctx.subject.location, *columns.location())
        linear += np.where(np.isnan(metres), 0.0, w[6] * np.exp(-np.nan_to_num(metres) / DISTANCE_SCALE_M))
    if w[7]:
        linear += w[7] * np.array([t != ctx.subject.type for t in columns.types()], dtype=float)
    if w[8]:
        years, active = columns.years_since_activity(ctx.day)
        linear += np.where(active, w[8] * np.exp(-years / RECENCY_SCALE_YEARS), 0.0)
    if w[9] or w[10]:
        degree, recent = columns.activity()
        linear += w[9] * np.minimum(1.0, np.log1p(degree) / math.log(65))
        linear += w[10] * (1 - np.exp(-recent / 3))
    if ctx.structure:
        values = columns.structure(ctx.structure)
        linear += np.where(values > 0, values, 0.0) @ np.array(_structure_weights(model))
    margin = BOUND_MARGIN * (1 + abs(model.intercept) + sum(model.coefficients))
    with np.errstate(over="ignore"):
        bounds = 1 / (1 + np.exp(-(model.intercept + linear + margin)))
    return np.where(np.isnan(bounds), np.inf, bounds)  # no bound known: scored exactly


def _adamic_adar(via: Iterable[tuple[str, str, int]]) -> float:
    return sum(1.0 / math.log(max(d, 2)) for _, _, d in via)


class _RecordColumns:
    """What :func:`_upper_bounds` reads of each candidate, from a list of records."""

    def __init__(self, candidates: Sequence[Candidate]) -> None:
        self.candidates = candidates

    def adamic_adar(self) -> np.ndarray:
        return np.array([_adamic_adar(c.shared) for c in self.candidates])

    def walk(self) -> np.ndarray:
        return np.array([c.walk for c in self.candidates])

    def in_quarters(self, quarters: frozenset[str]) -> np.ndarray:
        return np.array([not quarters.isdisjoint(c.quarters) for c in self.candidates], dtype=bool)

    def location(self) -> tuple[np.ndarray, np.ndarray]:
        lat = np.array([c.location[0] if c.location else np.nan for c in self.candidates])
        lon = np.array([c.location[1] if c.location else np.nan for c in self.candidates])
        return lat, lon

    def types(self) -> Iterable[str]:
        return (c.type for c in self.candidates)

    def years_since_activity(self, day: dt.date) -> tuple[np.ndarray, np.ndarray]:
        active = np.array([c.latest_activity is not None for c in self.candidates], dtype=bool)
        days = np.array([(day - c.latest_activity).days if c.latest_activity else 0 for c in self.candidates])
        return np.maximum(0.0, days / 365.25), active

    def activity(self) -> tuple[np.ndarray, np.ndarray]:
        degree = np.array([c.degree for c in self.candidates], dtype=float)
        return degree, np.array([c.recent for c in self.candidates], dtype=float)

    def structure(self, signals: Mapping[str, Sequence[float]]) -> np.ndarray:
        zero = (0.0,) * len(structure.STRUCTURE)
        values = [signals.get(c.id) or zero for c in self.candidates]
        return np.array(values, dtype=float).reshape(len(self.candidates), -1)


class _PoolColumns:
    """What :func:`_upper_bounds` reads of each candidate, from a snapshot's :class:`Pool` and its arrays."""

    def __init__(self, pool: Pool) -> None:
        self.pool = pool

    def _by_row(self, per_actor: Mapping[str, float]) -> np.ndarray:
        column, rows = np.zeros(len(self.pool)), self.pool.rows
        for actor, value in per_actor.items():
            at = rows.get(actor)
            if at is not None:
                column[at] = value
        return column

    def adamic_adar(self) -> np.ndarray:
        return self._by_row({actor: _adamic_adar(via) for actor, via in self.pool.shared.items()})

    def walk(self) -> np.ndarray:
        return self._by_row(self.pool.walk)

    def in_quarters(self, quarters: frozenset[str]) -> np.ndarray:
        return self.pool.member_of(quarters)

    def location(self) -> tuple[np.ndarray, np.ndarray]:
        return self.pool.location()

    def types(self) -> Iterable[str]:
        return self.pool.types()

    def years_since_activity(self, day: dt.date) -> tuple[np.ndarray, np.ndarray]:
        latest = self.pool.latest()
        active = latest != LOW_ORDINAL
        return np.maximum(0.0, np.where(active, day.toordinal() - latest, 0) / 365.25), active

    def activity(self) -> tuple[np.ndarray, np.ndarray]:
        return self.pool.degree().astype(float), self.pool.recent().astype(float)

    def structure(self, signals: Mapping[str, Sequence[float]]) -> np.ndarray:
        if isinstance(signals, structure.Lazy):
            return signals.bounds(self.pool.ids, self.pool.degree())
        zero = (0.0,) * len(structure.STRUCTURE)
        values = [signals.get(a) or zero for a in self.pool.ids]
        return np.array(values, dtype=float).reshape(len(self.pool), -1)


def _haversine_many(here: tuple[float, float], lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """``haversine_m`` from ``here`` to each point, in numpy (nan where a point is nan)."""
    lat1, lon1 = math.radians(here[0]), math.radians(here[1])
    lat2, lon2 = np.radians(lat), np.radians(lon)
    h = np.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return np.asarray(2 * 6_371_000 * np.arcsin(np.sqrt(np.minimum(h, 1.0))))


def _weighted_value(c: Candidate, ctx: Context, w: Weights) -> float:
    """score's score without its reasons."""
    return sum(p for _, p in _weighted(signals(c, ctx, learned=False)[0], w))


def _learned_value(c: Candidate, ctx: Context, model: Model) -> float:
    """score_learned's score without its reasons, for the hundreds of candidates that are not shown: the
    same values as ``signals(learned=True)`` added in the same order, without building a Signal and its
    words per candidate, and skipping signals the model gives no weight (they add exactly 0). The
    structural part is a plain dot product. A test holds it equal to score_learned's score."""
    w = _signal_weights(model)
    linear = 0.0
    if c.shared and w[0]:
        adamic_adar = sum(1.0 / math.log(max(degree, 2)) for _, _, degree in c.shared)
        linear += w[0] * (1 - math.exp(-adamic_adar / 2))
    if w[1] and c.walk > 0:
        linear += w[1] * min(1.0, max(0.0, 1 + math.log10(c.walk) / PROXIMITY_DECADES))
    if w[2]:
        theirs = current_fields(c.action_fields, ctx.successors)
        common = len(ctx.fields & theirs)
        if common:
            linear += w[2] * (common / len(ctx.fields | theirs))
    if w[3]:
        mine = ctx.themes
        other, other_norm = _themes_of(tuple(c.tie_fields), tuple(c.action_fields), ctx.successor_key)
        dot = sum(mine[k] * other[k] for k in mine.keys() & other.keys())
        if dot:  # _cosine's arithmetic (whole numbers until the division): the same value
            linear += w[3] * (dot / math.sqrt(ctx.themes_norm * other_norm))
    if not ctx.focus_quarters.isdisjoint(c.quarters):
        linear += w[4] * 1.0
    elif not ctx.neighbouring.isdisjoint(c.quarters):
        linear += w[5] * 1.0
    if w[6] and ctx.subject.location and c.location:
        linear += w[6] * math.exp(-haversine_m(ctx.subject.location, c.location) / DISTANCE_SCALE_M)
    if w[7] and c.type != ctx.subject.type:
        linear += w[7] * 1.0
    if w[8] and c.latest_activity is not None:
        years = max(0.0, (ctx.day - c.latest_activity).days / 365.25)
        linear += w[8] * math.exp(-years / RECENCY_SCALE_YEARS)
    if w[9] and c.degree > 0:
        linear += w[9] * min(1.0, math.log1p(c.degree) / math.log(65))
    if w[10] and c.recent > 0:
        linear += w[10] * (1 - math.exp(-c.recent / 3))
    values = ctx.structure.get(c.id)
    if values:
        linear += sum(k * v for k, v in zip(_structure_weights(model), values, strict=True) if v > 0)
    return 1 / (1 + math.exp(-(model.intercept + linear)))


@functools.lru_cache(maxsize=16384)  # a candidate's themes, asked for in many pools (hubs most)
def _themes_of(
    tie_fields: tuple[str, ...], action_fields: tuple[str, ...], successors: tuple[tuple[str, tuple[str, ...]], ...]
) -> tuple[Counter[str], int]:
    """A candidate's themes (as ``signals`` counts them) and their squared norm."""
    found = _profile([*tie_fields, *action_fields], dict(successors))
    return found, sum(v * v for v in found.values())


@functools.lru_cache(maxsize=8)  # a model's weights in SIGNALS order, for the few models in use
def _signal_weights(model: Model) -> tuple[float, ...]:
    return tuple(model.weight(k) for k in SIGNALS)


@functools.lru_cache(maxsize=8)  # a model's weights in STRUCTURE order, for the few models in use
def _structure_weights(model: Model) -> tuple[float, ...]:
    return tuple(model.weight(k) for k in structure.STRUCTURE)


def fit(
    rows: Sequence[Sequence[float]],
    labels: Sequence[int],
    groups: Sequence[int],
    trained_on: words.Words,
    l2: float = 1e-3,
    steps: int = 3000,
    signals: Sequence[str] = SIGNALS,
) -> Model:
    """A logistic regression with coefficients ≥ 0 (projected Adam on the mean log-loss plus a small
    ridge penalty). Each group (one actor's candidates) weighs the same in the loss, whatever its
    size, and positives and negatives weigh the same within it, so hubs with big pools do not decide.
    ``rows`` hold ``signals`` in that order."""
    theta = pointwise_coefficients(rows, labels, groups, l2, steps)
    return Model(tuple(signals), tuple(round(float(c), 4) for c in theta[:-1]), round(float(theta[-1]), 4), trained_on)


def pointwise_coefficients(
    rows: Sequence[Sequence[float]], labels: Sequence[int], groups: Sequence[int], l2: float = 1e-3, steps: int = 3000
) -> np.ndarray:
    """``fit``'s coefficients on any columns, the intercept last."""
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
    return theta


def fit_pairwise(
    rows: Sequence[Sequence[float]],
    labels: Sequence[int],
    groups: Sequence[int],
    trained_on: words.Words,
    l2: float = 1e-3,
    steps: int = 1500,
    max_pairs: int = 4000,
    signals: Sequence[str] = SIGNALS,
) -> Model:
    """A ranking model: coefficients ≥ 0 fitted on the pairwise logistic loss — within each group (one
    actor's candidates), every candidate that became a partner against every one that did not, so the
    model learns the *order* within a pool, which is all a suggestion list shows. Each group weighs the
    same (at most ``max_pairs`` pairs each, a seeded sample beyond that). The pairwise loss says nothing
    about the level, so the intercept is fitted afterwards on the pointwise log-loss with the
    coefficients held (analysis.learning.level, as the per-deployment fit does): the score then reads as a
    probability again, and the ranking is the pairwise one."""
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
    b = learning.level(x @ theta, y, g)
    return Model(tuple(signals), tuple(round(float(c), 4) for c in theta), round(b, 4), trained_on)


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
