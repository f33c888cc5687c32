"""Mutation payloads: the object as it is now, or the errors that kept it unchanged."""

from __future__ import annotations

import strawberry

from graph.actors import ActorRecord
from graph.cooperations import CooperationRecord
from graph.merging import MergeSummary
from graph.projects import DecisionRecord, ProjectRecord, SeatRecord
from graph.quarters import QuarterRecord
from resolvers.outcomes import Outcome
from schema.keyed import KeyedPayload
from schema.types import Actor, Cooperation, CouncilDecision, CouncilSeat, Project, Quarter, actor_of
from schema.user_errors import UserError, user_error


@strawberry.type(description="The result of a mutation on an actor.")
class ActorPayload(KeyedPayload):
    actor: Actor | None = strawberry.field(description="The actor after the change; null if it was refused.")
    errors: list[UserError] = strawberry.field(description="Why the change was refused; empty on success.")

    @classmethod
    def of(cls, outcome: Outcome[ActorRecord]) -> ActorPayload:
        return cls(
            actor=actor_of(outcome.value) if outcome.value and not outcome.errors else None,
            errors=[user_error(e) for e in outcome.errors],
        )


@strawberry.type(description="What a merge did.")
class MergeSummaryInfo:
    moved_cooperations: int = strawberry.field(description="Cooperations moved to the survivor.")
    combined_cooperations: int = strawberry.field(
        description="Cooperations combined with a matching one of the survivor (same partner, kind and time)."
    )
    dropped_cooperations: int = strawberry.field(
        description="Cooperations between the merged actors, which cannot remain (kept on the tombstone)."
    )


@strawberry.type(description="The result of merging duplicates.")
class MergeActorsPayload(KeyedPayload):
    actor: Actor | None = strawberry.field(description="The surviving actor; null if the merge was refused.")
    merged: list[MergeSummaryInfo] = strawberry.field(description="What happened per duplicate, in input order.")
    errors: list[UserError] = strawberry.field(description="Why the merge was refused; empty on success.")

    @classmethod
    def of(cls, outcome: Outcome[ActorRecord]) -> MergeActorsPayload:
        summaries: list[MergeSummary] = outcome.extra.get("summaries", [])
        return cls(
            actor=actor_of(outcome.value) if outcome.value and not outcome.errors else None,
            merged=[
                MergeSummaryInfo(
                    moved_cooperations=s.moved_cooperations,
                    combined_cooperations=s.combined_cooperations,
                    dropped_cooperations=s.dropped_cooperations,
                )
                for s in summaries
            ],
            errors=[user_error(e) for e in outcome.errors],
        )


@strawberry.type(description="The result of a mutation on a cooperation.")
class CooperationPayload(KeyedPayload):
    cooperation: Cooperation | None = strawberry.field(
        description="The cooperation after the change (for a deletion: as it was); null if refused."
    )
    errors: list[UserError] = strawberry.field(description="Why the change was refused; empty on success.")

    @classmethod
    def of(cls, outcome: Outcome[CooperationRecord]) -> CooperationPayload:
        return cls(
            cooperation=Cooperation.of(outcome.value) if outcome.value and not outcome.errors else None,
            errors=[user_error(e) for e in outcome.errors],
        )


@strawberry.type(description="The result of a mutation on a quarter.")
class QuarterPayload(KeyedPayload):
    quarter: Quarter | None = strawberry.field(description="The quarter after the change; null if it was refused.")
    errors: list[UserError] = strawberry.field(description="Why the change was refused; empty on success.")

    @classmethod
    def of(cls, outcome: Outcome[QuarterRecord]) -> QuarterPayload:
        return cls(
            quarter=Quarter.of(outcome.value) if outcome.value and not outcome.errors else None,
            errors=[user_error(e) for e in outcome.errors],
        )


@strawberry.type(description="The result of a mutation on a project.")
class ProjectPayload(KeyedPayload):
    project: Project | None = strawberry.field(
        description="The project after the change (for a deletion: as it was); null if it was refused."
    )
    errors: list[UserError] = strawberry.field(description="Why the change was refused; empty on success.")

    @classmethod
    def of(cls, outcome: Outcome[ProjectRecord]) -> ProjectPayload:
        return cls(
            project=Project.of(outcome.value) if outcome.value and not outcome.errors else None,
            errors=[user_error(e) for e in outcome.errors],
        )


@strawberry.type(description="The result of recording a council decision.")
class CouncilDecisionPayload(KeyedPayload):
    decision: CouncilDecision | None = strawberry.field(description="The decision recorded; null if refused.")
    errors: list[UserError] = strawberry.field(description="Why it was refused; empty on success.")

    @classmethod
    def of(cls, outcome: Outcome[DecisionRecord]) -> CouncilDecisionPayload:
        return cls(
            decision=CouncilDecision.of(outcome.value) if outcome.value and not outcome.errors else None,
            errors=[user_error(e) for e in outcome.errors],
        )


@strawberry.type(description="The result of a mutation on a council seat.")
class CouncilSeatPayload(KeyedPayload):
    seat: CouncilSeat | None = strawberry.field(description="The seat after the change; null if refused.")
    errors: list[UserError] = strawberry.field(description="Why it was refused; empty on success.")

    @classmethod
    def of(cls, outcome: Outcome[SeatRecord]) -> CouncilSeatPayload:
        return cls(
            seat=CouncilSeat.of(outcome.value) if outcome.value and not outcome.errors else None,
            errors=[user_error(e) for e in outcome.errors],
        )
