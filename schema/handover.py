"""GraphQL types of the handover: the at-risk analysis of a quarter's network and its change
between two days (resolvers/handover.py)."""

from __future__ import annotations

import datetime as dt

import strawberry

from analysis import change as change_analysis
from core.context import Context
from resolvers import action_fields, ids
from resolvers.handover import LISTED, LISTED_ACTORS, LISTED_CUT_OFF, AtRiskResult, ChangeResult
from schema.enums import CooperationKind
from schema.types import ActionField, Actor, Quarter, actor_of

Info = strawberry.Info[Context, None]


async def _actors(info: Info, actor_ids: tuple[str, ...] | list[str]) -> list[Actor]:
    found = await info.context.loaders.actor_by_id.load_many(list(actor_ids))
    return [actor_of(a) for a in found if a is not None]


@strawberry.type(description="An actor whose removal splits the quarter's network (a cut vertex).")
class CutVertexRisk:
    qm: bool = strawberry.field(description="True if the actor is the QM office or its Träger.")
    actor_id: strawberry.Private[str]
    cut_off_ids: strawberry.Private[tuple[str, ...]]

    @strawberry.field(description="The actor.")
    async def actor(self, info: Info) -> Actor | None:
        found = await _actors(info, [self.actor_id])
        return found[0] if found else None

    @strawberry.field(description="How many actors would be cut off from the largest remaining part without it.")
    def cut_off_count(self) -> int:
        return len(self.cut_off_ids)

    @strawberry.field(
        description=f"The actors that would be cut off from the largest remaining part without it (the first "
        f"{LISTED_CUT_OFF} by id)."
    )
    async def cut_off(self, info: Info) -> list[Actor]:
        return await _actors(info, self.cut_off_ids[:LISTED_CUT_OFF])


@strawberry.type(description="A tie (one or more cooperations of a pair) whose loss splits the quarter's network.")
class BridgeRisk:
    qm: bool = strawberry.field(description="True if one of the two is the QM office or its Träger.")
    pair: strawberry.Private[tuple[str, str]]
    cut_off_ids: strawberry.Private[tuple[str, ...]]

    @strawberry.field(description="The two actors of the tie.")
    async def actors(self, info: Info) -> list[Actor]:
        return await _actors(info, self.pair)

    @strawberry.field(description="How many actors are on the smaller side of the split.")
    def cut_off_count(self) -> int:
        return len(self.cut_off_ids)

    @strawberry.field(description=f"The actors on the smaller side of the split (the first {LISTED_CUT_OFF} by id).")
    async def cut_off(self, info: Info) -> list[Actor]:
        return await _actors(info, self.cut_off_ids[:LISTED_CUT_OFF])


@strawberry.type(description="An action field's cooperations, and how many of them run through the QM.")
class ActionFieldRisk:
    key: str = strawberry.field(description="The action field's key.")
    cooperations: int = strawberry.field(description="Cooperations in the quarter recorded on this field.")
    through_qm: int = strawberry.field(description="Of those, the ones with the QM office or its Träger at one end.")
    lost_without_qm: bool = strawberry.field(
        description="True if every cooperation on the field involves the QM: the field loses its last "
        "cooperation when the QM ends."
    )

    @strawberry.field(description="The action field (null for a key that no longer exists).")
    async def action_field(self, info: Info) -> ActionField | None:
        found = await action_fields.by_keys(info.context, (self.key,))
        return ActionField.of(found[0]) if found else None


@strawberry.type(
    description="What of a quarter's network hangs on one actor or tie, above all on the QM office and its Träger, "
    "which leave when the QM ends (the Verstetigung question)."
)
class AtRiskAnalysis:
    as_of: dt.date = strawberry.field(description="The day the network was taken on.")
    actor_count: int = strawberry.field(description="Actors in the quarter's network on that day.")
    components: int = strawberry.field(description="Connected parts of the network (isolated actors count).")
    components_without_qm: int = strawberry.field(description="Connected parts once the QM actors are gone.")
    cut_vertices: list[CutVertexRisk] = strawberry.field(
        description=f"Actors whose removal splits the network; QM actors first, then by actors cut off (at most "
        f"{LISTED}; `cutVertexCount` counts all)."
    )
    bridges: list[BridgeRisk] = strawberry.field(
        description=f"Ties whose loss splits the network; those of QM actors first, then by actors cut off (at most "
        f"{LISTED}; `bridgeCount` counts all)."
    )
    action_fields: list[ActionFieldRisk] = strawberry.field(
        description="Per action field its cooperations; fields lost without the QM first."
    )
    cut_vertex_count: int = strawberry.field(description="All actors whose removal splits the network.")
    bridge_count: int = strawberry.field(description="All ties whose loss splits the network.")
    result: strawberry.Private[AtRiskResult]

    @strawberry.field(description="The quarter.")
    def quarter(self) -> Quarter:
        return Quarter.of(self.result.quarter)

    @strawberry.field(
        description="The QM office and its Träger as analysed: the actors named in `qmActorIds`, else those with a "
        "current QM_OPERATOR membership in the quarter."
    )
    async def qm_actors(self, info: Info) -> list[Actor]:
        return await _actors(info, self.result.analysis.qm_ids)

    @strawberry.field(
        description=f"Actors with partners today that would have none left without the QM actors (the first "
        f"{LISTED_ACTORS} by id)."
    )
    async def isolated_without_qm(self, info: Info) -> list[Actor]:
        return await _actors(info, self.result.analysis.isolated_without_qm[:LISTED_ACTORS])

    @strawberry.field(
        description="Actors in the largest part of the network today that would be outside it without the QM actors "
        f"(the isolated ones included; the first {LISTED_ACTORS} by id)."
    )
    async def cut_off_without_qm(self, info: Info) -> list[Actor]:
        return await _actors(info, self.result.analysis.cut_off_without_qm[:LISTED_ACTORS])

    @strawberry.field(description="How many actors would be cut off without the QM actors.")
    def cut_off_without_qm_count(self) -> int:
        return len(self.result.analysis.cut_off_without_qm)

    @classmethod
    def of(cls, r: AtRiskResult) -> AtRiskAnalysis:
        a = r.analysis
        return cls(
            as_of=r.day,
            actor_count=a.actors,
            components=a.components,
            components_without_qm=a.components_without_qm,
            cut_vertices=[
                CutVertexRisk(qm=c.qm, actor_id=c.id, cut_off_ids=c.cut_off) for c in a.cut_vertices[:LISTED]
            ],
            bridges=[BridgeRisk(qm=b.qm, pair=(b.a, b.b), cut_off_ids=b.cut_off) for b in a.bridges[:LISTED]],
            cut_vertex_count=len(a.cut_vertices),
            bridge_count=len(a.bridges),
            action_fields=[
                ActionFieldRisk(
                    key=f.field, cooperations=f.cooperations, through_qm=f.through_qm, lost_without_qm=f.lost_without_qm
                )
                for f in a.fields
            ],
            result=r,
        )


@strawberry.type(description="Whole-network measures of a quarter's network on one day.")
class NetworkSnapshot:
    day: dt.date = strawberry.field(description="The day.")
    actor_count: int = strawberry.field(description="Actors.")
    ties: int = strawberry.field(description="Distinct partner pairs.")
    cooperation_count: int = strawberry.field(description="Cooperations (a pair may have several).")
    density: float = strawberry.field(description="Partner pairs divided by possible pairs.")
    components: int = strawberry.field(description="Connected parts (isolated actors count).")
    broker_ids: strawberry.Private[tuple[str, ...]]

    @strawberry.field(description="Up to five actors with the highest betweenness (above zero), highest first.")
    async def brokers(self, info: Info) -> list[Actor]:
        return await _actors(info, self.broker_ids)

    @classmethod
    def of(cls, s: change_analysis.Snapshot) -> NetworkSnapshot:
        return cls(
            day=s.day,
            actor_count=s.actors,
            ties=s.ties,
            cooperation_count=s.cooperations,
            density=s.density,
            components=s.components,
            broker_ids=s.brokers,
        )


@strawberry.type(description="Two actors who cooperate on both days, but through other cooperations.")
class PairChange:
    kinds_before: list[CooperationKind] = strawberry.field(description="Kinds of their cooperations on the first day.")
    kinds_after: list[CooperationKind] = strawberry.field(description="Kinds of their cooperations on the second day.")
    pair: strawberry.Private[tuple[str, str]]

    @strawberry.field(description="The two actors.")
    async def actors(self, info: Info) -> list[Actor]:
        return await _actors(info, self.pair)


@strawberry.type(description="How a quarter's network changed between two days.")
class NetworkChange:
    before: NetworkSnapshot = strawberry.field(description="The network on the first day.")
    after: NetworkSnapshot = strawberry.field(description="The network on the second day.")
    pairs_changed: list[PairChange] = strawberry.field(
        description=f"Pairs who cooperate on both days through other cooperations (one ended, another began); at "
        f"most {LISTED}."
    )
    actors_appeared_count: int = strawberry.field(description="How many actors appeared.")
    actors_ended_count: int = strawberry.field(description="How many actors left.")
    result: strawberry.Private[ChangeResult]

    @strawberry.field(description="The quarter.")
    def quarter(self) -> Quarter:
        return Quarter.of(self.result.quarter)

    @strawberry.field(
        description=f"Actors in the network on the second day but not on the first (the first {LISTED_ACTORS} by id)."
    )
    async def actors_appeared(self, info: Info) -> list[Actor]:
        return await _actors(info, self.result.change.actors_appeared[:LISTED_ACTORS])

    @strawberry.field(
        description=f"Actors in the network on the first day but not on the second (the first {LISTED_ACTORS} by id)."
    )
    async def actors_ended(self, info: Info) -> list[Actor]:
        return await _actors(info, self.result.change.actors_ended[:LISTED_ACTORS])

    @strawberry.field(description="Ids of the cooperations active on the second day but not on the first.")
    def cooperations_appeared(self) -> list[strawberry.ID]:
        return [strawberry.ID(ids.encode("Cooperation", i)) for i in self.result.change.cooperations_appeared]

    @strawberry.field(description="Ids of the cooperations active on the first day but not on the second.")
    def cooperations_ended(self) -> list[strawberry.ID]:
        return [strawberry.ID(ids.encode("Cooperation", i)) for i in self.result.change.cooperations_ended]

    @classmethod
    def of(cls, r: ChangeResult) -> NetworkChange:
        c = r.change
        return cls(
            before=NetworkSnapshot.of(c.before),
            after=NetworkSnapshot.of(c.after),
            pairs_changed=[
                PairChange(
                    kinds_before=[CooperationKind(k) for k in p.kinds_before],
                    kinds_after=[CooperationKind(k) for k in p.kinds_after],
                    pair=(p.a, p.b),
                )
                for p in c.pairs_changed[:LISTED]
            ],
            actors_appeared_count=len(c.actors_appeared),
            actors_ended_count=len(c.actors_ended),
            result=r,
        )
