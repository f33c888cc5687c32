"""Partner suggestions with reasons, and missing links in a quarter."""

from __future__ import annotations

import datetime as dt
from enum import Enum

import strawberry

from analysis.suggestions import Model, Weights
from resolvers.suggestions import Gap, SuggestionResult
from schema.types import Actor, actor_of


@strawberry.enum(description="What a suggestion's reason rests on.")
class ReasonKind(Enum):
    SHARED_PARTNERS = strawberry.enum_value(
        "SHARED_PARTNERS", description="Partners both work with now (or on `asOf`): ended ties do not count."
    )
    SHARED_ACTION_FIELDS = strawberry.enum_value(
        "SHARED_ACTION_FIELDS", description="Action fields both work on (generations mapped onto today's)."
    )
    SAME_QUARTER = strawberry.enum_value("SAME_QUARTER", description="Active in the quarter in focus.")
    NEIGHBOURING_QUARTER = strawberry.enum_value(
        "NEIGHBOURING_QUARTER", description="Active in a neighbouring quarter."
    )
    DISTANCE = strawberry.enum_value("DISTANCE", description="Close by (both have a location).")
    COMPLEMENTARY_TYPE = strawberry.enum_value("COMPLEMENTARY_TYPE", description="A different kind of actor.")
    RECENT_ACTIVITY = strawberry.enum_value(
        "RECENT_ACTIVITY", description="Started a cooperation recently (up to today, or up to `asOf`)."
    )
    NETWORK_PROXIMITY = strawberry.enum_value(
        "NETWORK_PROXIMITY",
        description="Close in the network: personalized PageRank from the actor (a walk along ties that returns "
        "to the actor now and then spends much of its time there), learned model only.",
    )
    SHARED_THEMES = strawberry.enum_value(
        "SHARED_THEMES",
        description="The two actors' cooperations are about the same action fields (learned model only).",
    )
    WELL_CONNECTED = strawberry.enum_value(
        "WELL_CONNECTED", description="Has many partners on the day (learned model only)."
    )
    ACTIVE = strawberry.enum_value(
        "ACTIVE", description="Started cooperations in the three years up to the day (learned model only)."
    )
    PPR_085 = strawberry.enum_value(
        "PPR_085",
        description="Close in the network along long walks: personalized PageRank from the actor with continuation "
        "0.85, on a log scale (structural signal, learned model only; the same walk as NETWORK_PROXIMITY).",
    )
    PPR_050 = strawberry.enum_value(
        "PPR_050",
        description="Close in the network along short walks: personalized PageRank with continuation 0.5, on a log "
        "scale (structural signal, learned model only).",
    )
    PPR_RANK = strawberry.enum_value(
        "PPR_RANK",
        description="The candidate's place among the candidates by closeness in the network (PageRank at 0.85): "
        "1/place, so the closest gets 1 (structural signal, learned model only).",
    )
    RESOURCE_ALLOCATION = strawberry.enum_value(
        "RESOURCE_ALLOCATION",
        description="Shared partners that themselves have few partners: 1 − e^(−Σ 1/degree) over the shared partners "
        "(structural signal, learned model only; shown together with SHARED_PARTNERS and TWO_STEPS as one reason).",
    )
    PATHS_3 = strawberry.enum_value(
        "PATHS_3",
        description="Connected in three steps (actor → partner → someone → candidate) along several paths, each "
        "weighted by 1/partners of its middle steps (structural signal, learned model only).",
    )
    TWO_STEPS = strawberry.enum_value(
        "TWO_STEPS", description="A partner of the actor's partners: 1 (structural signal, learned model only)."
    )
    THREE_STEPS = strawberry.enum_value(
        "THREE_STEPS",
        description="Three steps away and not closer: 1 (structural signal, learned model only).",
    )
    POPULARITY = strawberry.enum_value(
        "POPULARITY",
        description="Has many partners: ln(1 + partners)/ln(65), at most 1 — well-connected actors gain partners "
        "more easily (structural signal, learned model only; the same number as WELL_CONNECTED).",
    )


@strawberry.enum(description="Where the learned model that ranks comes from.")
class ModelKind(Enum):
    SHIPPED = strawberry.enum_value(
        "shipped", description="Shipped with kiezgraph: fitted on another network's history (see `trainedOn`)."
    )
    DEPLOYMENT = strawberry.enum_value(
        "deployment", description="Fitted on this deployment's own network: how its ties formed in the window."
    )


@strawberry.type(
    description="How much each signal counts in a suggestion's score (relative weights). Each signal lies in "
    "[0, 1] and is 0 where it does not apply; the score is the weighted mean, so with all weight on one "
    "signal the score is exactly that signal's value as described here."
)
class SuggestionWeights:
    shared_partners: float = strawberry.field(
        description="Shared partners, Adamic–Adar weighted: 1 - e^(-AA/2), AA = the sum over the partners both "
        "have of 1/ln(max(degree, 2)), degree = that partner's number of partners. Only ties active today "
        "(or on `asOf`) count, in the sharing and in the degrees."
    )
    shared_action_fields: float = strawberry.field(
        description="Shared action fields: the Jaccard index |A ∩ B| / |A ∪ B| of the actor's fields (plus the "
        "one in focus) and the candidate's, 2010s fields mapped onto today's on both sides."
    )
    same_quarter: float = strawberry.field(description="Same quarter (1) or neighbouring quarter (0.5).")
    distance: float = strawberry.field(description="Closeness on the map: e^(-metres/1000).")
    complementary_type: float = strawberry.field(description="A different actor type: 1.")
    recent_activity: float = strawberry.field(
        description="Recent cooperation: e^(-years/3), years from the candidate's latest cooperation start to "
        "today (or `asOf`; later starts are not counted)."
    )


@strawberry.input(description="Relative weights of the signals; omitted ones keep their defaults.")
class SuggestionWeightsInput:
    shared_partners: float = strawberry.field(default=Weights.shared_partners, description="Shared partners.")
    shared_action_fields: float = strawberry.field(
        default=Weights.shared_action_fields, description="Shared action fields."
    )
    same_quarter: float = strawberry.field(default=Weights.same_quarter, description="Same or neighbouring quarter.")
    distance: float = strawberry.field(default=Weights.distance, description="Distance on the map.")
    complementary_type: float = strawberry.field(
        default=Weights.complementary_type, description="A different actor type."
    )
    recent_activity: float = strawberry.field(default=Weights.recent_activity, description="Recent activity.")

    def weights(self) -> Weights:
        return Weights(
            self.shared_partners,
            self.shared_action_fields,
            self.same_quarter,
            self.distance,
            self.complementary_type,
            self.recent_activity,
        )


@strawberry.type(description="One reason for a suggestion, in words a quarter manager can use.")
class SuggestionReason:
    kind: ReasonKind = strawberry.field(description="What the reason rests on.")
    text: str = strawberry.field(
        description="The reason in the request's language (German with `Accept-Language: de`, English otherwise), "
        "e.g. 'shares 2 partners: …'."
    )
    text_de: str = strawberry.field(
        description="The reason in German words, e.g. '2 gemeinsame Partner: …' (the same catalogue as `text`)."
    )
    contribution: float = strawberry.field(description="The part of the score this reason brought (they add up).")
    signals: list[ReasonSignal] = strawberry.field(
        description="The model's signals that carried this reason, each with its part of the score (they add up to "
        "`contribution`). Signals that say the same fact (e.g. shared partners, shared partners with few partners, "
        "partner of partners) make one reason, in the words of the most telling of them, which is `kind`."
    )


@strawberry.type(description="A signal's part in a reason.")
class ReasonSignal:
    kind: ReasonKind = strawberry.field(description="The signal.")
    contribution: float = strawberry.field(description="The part of the score it brought.")


@strawberry.type(description="How much a signal counts in the learned model.")
class SignalCoefficient:
    kind: ReasonKind = strawberry.field(description="The signal.")
    coefficient: float = strawberry.field(
        description="Its coefficient (≥ 0) in σ(intercept + Σ coefficient·signal); 0: it does not count."
    )


@strawberry.type(
    description="The learned model: a logistic regression with non-negative coefficients, fitted on how ties "
    "formed in a network's past. A reason's contribution is the score split in proportion to coefficient·signal."
)
class SuggestionModel:
    trained_on: str = strawberry.field(
        description="The history it was fitted on, in the request's language (German with `Accept-Language: de`, "
        "English otherwise): the network, the window, how many actors and positive examples, and for a model "
        "fitted on this deployment when and on which revision."
    )
    trained_on_de: str = strawberry.field(
        description="The same in German words (the same catalogue as `trainedOn`), e.g. 'das letzte Jahr dieses "
        "Netzwerks: wie die Kandidaten vom 01.06.2025 von 120 Akteuren bis zum 01.06.2026 Partner wurden …'."
    )
    intercept: float = strawberry.field(description="The intercept of the logistic regression.")
    coefficients: list[SignalCoefficient] = strawberry.field(
        description="One per signal the model carries (a model may carry any of the signals of `ReasonKind`)."
    )
    kind: ModelKind = strawberry.field(
        description="Shipped with kiezgraph, or fitted on this deployment's own history."
    )
    window_start: dt.date | None = strawberry.field(
        description="The training window's first day: candidates as they stood then (null if not recorded)."
    )
    window_end: dt.date | None = strawberry.field(
        description="The training window's last day: who had become a partner by then (null if not recorded)."
    )
    actors: int | None = strawberry.field(
        description="How many actors' candidates it was fitted on (null if not recorded)."
    )
    positives: int | None = strawberry.field(
        description="How many of those candidates became partners in the window: the positive examples (null if "
        "not recorded)."
    )

    @classmethod
    def of(cls, m: Model, language: str = "en") -> SuggestionModel:
        return cls(
            trained_on=m.trained_on.de if language == "de" else m.trained_on.en,
            trained_on_de=m.trained_on.de,
            intercept=m.intercept,
            coefficients=[
                SignalCoefficient(kind=ReasonKind(k), coefficient=c)
                for k, c in zip(m.signals, m.coefficients, strict=True)
            ],
            kind=ModelKind(m.kind),
            window_start=m.start,
            window_end=m.end,
            actors=m.actors,
            positives=m.positives,
        )


@strawberry.type(description="An actor worth contacting, with the score and the reasons.")
class PartnerSuggestion:
    actor: Actor = strawberry.field(description="The suggested partner.")
    score: float = strawberry.field(
        description="0 to 1: the learned model's probability-like score, or the weighted mean of the signals when "
        "`weights` were given. The reasons' contributions add up to it."
    )
    reasons: list[SuggestionReason] = strawberry.field(description="Why, strongest first.")
    shared_partners: list[Actor] = strawberry.field(
        description="Partners both cooperate with today (or on `asOf`); ended ties do not make a shared partner."
    )
    distance_metres: float | None = strawberry.field(description="Distance on the map, where both have a location.")


@strawberry.type(description="Partner suggestions for an actor.")
class PartnerSuggestions:
    actor: Actor = strawberry.field(description="The actor looking for partners.")
    weights: SuggestionWeights = strawberry.field(
        description="The weights used if `weights` was given; with the learned model, the default weights (send "
        "them back, adjusted, to rank by weights instead)."
    )
    model: SuggestionModel | None = strawberry.field(
        description="The learned model that ranked, or null when `weights` were given."
    )
    suggestions: list[PartnerSuggestion] = strawberry.field(
        description="Ranked: never the actor itself, its existing or former partners (a cooperation at any time, "
        "also after `asOf`), or archived actors."
    )

    @classmethod
    def of(cls, r: SuggestionResult, language: str = "en") -> PartnerSuggestions:
        w = r.weights
        model = None if r.model is None else SuggestionModel.of(r.model, language)
        return cls(
            model=model,
            actor=actor_of(r.subject),
            weights=SuggestionWeights(
                shared_partners=w.shared_partners,
                shared_action_fields=w.shared_action_fields,
                same_quarter=w.same_quarter,
                distance=w.distance,
                complementary_type=w.complementary_type,
                recent_activity=w.recent_activity,
            ),
            suggestions=[
                PartnerSuggestion(
                    actor=actor_of(s.actor),
                    score=s.suggestion.score,
                    reasons=[
                        SuggestionReason(
                            kind=ReasonKind(x.kind),
                            text=x.text_de if language == "de" else x.text,
                            text_de=x.text_de,
                            contribution=x.contribution,
                            signals=[ReasonSignal(kind=ReasonKind(k), contribution=c) for k, c in x.signals],
                        )
                        for x in s.suggestion.reasons
                    ],
                    shared_partners=[actor_of(p) for p in s.shared_partners],
                    distance_metres=s.suggestion.distance_m,
                )
                for s in r.suggestions
            ],
        )


@strawberry.type(description="A pair of actors whose cooperation would most connect a quarter's network.")
class MissingLink:
    actors: list[Actor] = strawberry.field(description="The two actors.")
    score: float = strawberry.field(
        description="How much the tie would connect (share of pairs newly joined, smaller for bridging communities)."
    )
    joins_components: bool = strawberry.field(
        description="True if the two sit in parts of the network with no path between them yet."
    )
    reasons: list[str] = strawberry.field(description="Why this pair, in words.")

    @classmethod
    def of(cls, gap: Gap) -> MissingLink:
        return cls(
            actors=[actor_of(a) for a in gap.actors],
            score=gap.link.score,
            joins_components=gap.link.joins_components,
            reasons=list(gap.link.reasons),
        )
