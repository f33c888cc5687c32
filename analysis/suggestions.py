"""Scoring partner suggestions: a weighted sum of explainable signals, each with its reason.

Every signal lies in [0, 1]; the score is the weighted mean, so weights only say how much each
signal matters relative to the others (with all weight on one signal, the score is that
signal's value). Defaults favour what the link-prediction literature finds most predictive in
social networks (shared partners, weighted by Adamic & Adar so that sharing a hub counts less
than sharing a small partner) and what quarter managers ask for (the same theme, the same or a
neighbouring quarter).

The signals, each 0 where it does not apply:
- shared partners: 1 - e^(-AA/2), AA = sum over shared partners of 1/ln(max(degree, 2)),
  degree being the shared partner's number of partners (ties of the day, like the sharing);
- shared action fields: the Jaccard index |A ∩ B| / |A ∪ B| of the two actors' action fields
  (A also holds the field in focus), both mapped onto today's generation first, so that
  "Bildung, Ausbildung, Jugend" (2010s) and "Bildung" are one field on either side;
- same quarter 1, neighbouring quarter 0.5;
- distance: e^(-metres/1000), where both have a location;
- complementary type: 1 if the two are of different types;
- recent activity: e^(-years/3), years from the candidate's latest cooperation start (up to
  the day asked about) to that day.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields

from analysis.texts import metres, say
from graph.suggestions import Candidate, Subject

DISTANCE_SCALE_M = 1000.0  # a partner 1 km away scores e^-1 on distance
RECENCY_SCALE_YEARS = 3.0
MIN_CONTRIBUTION = 0.01  # reasons that add less than one point in a hundred are noise to a reader


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
class Reason:
    kind: str  # SHARED_PARTNERS, SHARED_ACTION_FIELDS, SAME_QUARTER, NEIGHBOURING_QUARTER, DISTANCE, ...
    text: str
    contribution: float  # share of the score this reason brought


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
    language: str = "en"  # of the reasons' words (analysis/texts.py)


def current_fields(keys: Iterable[str], successors: Mapping[str, tuple[str, ...]]) -> frozenset[str]:
    """Action fields mapped onto today's generation: an old field becomes the field(s) that took it
    over; a current field, or an old one nothing took over, stays itself."""
    return frozenset(new for key in keys for new in (successors.get(key) or (key,)))


def haversine_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(h))


def _names(items: list[str], language: str, limit: int = 3) -> str:
    shown = ", ".join(items[:limit])
    return say("AND_MORE", language, shown=shown, more=len(items) - limit) if len(items) > limit else shown


def score(c: Candidate, ctx: Context, w: Weights) -> Suggestion:
    total_weight = w.total() or 1.0
    lang = ctx.language
    signals: list[tuple[str, float, float, str]] = []  # (kind, weight, value, text)

    if c.shared:
        adamic_adar = sum(1.0 / math.log(max(degree, 2)) for _, _, degree in c.shared)
        ranked = sorted(c.shared, key=lambda s: (s[2], s[1]))  # small shared partners say most
        signals.append(
            (
                "SHARED_PARTNERS",
                w.shared_partners,
                1 - math.exp(-adamic_adar / 2),
                say(
                    "SHARED_PARTNERS" if len(c.shared) > 1 else "SHARED_PARTNER",
                    lang,
                    n=len(c.shared),
                    names=_names([s[1] for s in ranked], lang),
                ),
            )
        )
    theirs = current_fields(c.action_fields, ctx.successors)
    common = sorted(ctx.fields & theirs)
    if common:
        union = ctx.fields | theirs
        signals.append(
            (
                "SHARED_ACTION_FIELDS",
                w.shared_action_fields,
                len(common) / len(union),
                say("SHARED_ACTION_FIELDS", lang, names=_names([ctx.field_names.get(k, k) for k in common], lang)),
            )
        )
    here = sorted(ctx.focus_quarters & set(c.quarters))
    near = sorted(ctx.neighbouring & set(c.quarters))
    if here:
        signals.append(
            (
                "SAME_QUARTER",
                w.same_quarter,
                1.0,
                say("SAME_QUARTER", lang, names=_names([ctx.quarter_names.get(q, q) for q in here], lang)),
            )
        )
    elif near:
        signals.append(
            (
                "NEIGHBOURING_QUARTER",
                w.same_quarter,
                0.5,
                say("NEIGHBOURING_QUARTER", lang, names=_names([ctx.quarter_names.get(q, q) for q in near], lang)),
            )
        )
    distance = None
    if ctx.subject.location and c.location:
        distance = haversine_m(ctx.subject.location, c.location)
        away = say("DISTANCE", lang, metres=metres(distance, lang))
        signals.append(("DISTANCE", w.distance, math.exp(-distance / DISTANCE_SCALE_M), away))
    if c.type != ctx.subject.type:
        signals.append(
            (
                "COMPLEMENTARY_TYPE",
                w.complementary_type,
                1.0,
                say("COMPLEMENTARY_TYPE", lang, kind=say(c.type, lang), subject=say(f"A_{ctx.subject.type}", lang)),
            )
        )
    if c.latest_activity is not None:
        years = max(0.0, (ctx.day - c.latest_activity).days / 365.25)
        signals.append(
            (
                "RECENT_ACTIVITY",
                w.recent_activity,
                math.exp(-years / RECENCY_SCALE_YEARS),
                say("RECENT_ACTIVITY", lang, year=c.latest_activity.year),
            )
        )

    value = sum(weight * v for _, weight, v, _ in signals) / total_weight
    reasons = tuple(
        Reason(kind, text, weight * v / total_weight)
        for kind, weight, v, text in sorted(signals, key=lambda s: -s[1] * s[2])
        if weight * v / total_weight >= MIN_CONTRIBUTION
    )
    return Suggestion(c, value, reasons, distance, tuple(s[0] for s in c.shared))


def rank(candidates: list[Candidate], ctx: Context, w: Weights, first: int) -> list[Suggestion]:
    scored = [score(c, ctx, w) for c in candidates]
    scored.sort(key=lambda s: (-s.score, s.candidate.name, s.candidate.id))
    return scored[:first]
