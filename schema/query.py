"""The Query root: every field delegates to ``resolvers/`` and wraps what comes back."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

from resolvers.context import Context

from resolvers import action_fields, actors, cooperations, nodes, quarters
from schema.action_field import ActionField
from schema.actor import Actor, ActorConnection, actor_of
from schema.cooperation import Cooperation, CooperationConnection
from schema.enums import ActionFieldEra
from schema.inputs import ActorFilter, ActorOrder, CooperationFilter, CooperationOrder
from schema.node import Node
from schema.quarter import Quarter

Info = strawberry.Info[Context, None]
First = Annotated[int | None, strawberry.argument(description="Page size, 0 to 100 (default 20).")]
After = Annotated[str | None, strawberry.argument(description="Items after this cursor (`pageInfo.endCursor`).")]
IdArg = Annotated[strawberry.ID, strawberry.argument(description="A global id.")]


@strawberry.type(description="Read the stakeholder networks of neighbourhood management.")
class Query:
    @strawberry.field(description="Any object by its global id (Relay); null if it does not exist.")
    async def node(self, info: Info, id: IdArg) -> Node | None:
        found = await nodes.node(info.context, id)
        if found is None:
            return None
        type_name, record = found
        if type_name == "Actor":
            return actor_of(record)
        if type_name == "Cooperation":
            return Cooperation.of(record)
        if type_name == "Quarter":
            return Quarter.of(record)
        return ActionField.of(record)

    @strawberry.field(description="All QM areas (quarters), ordered by name, with their facts and sources.")
    async def quarters(self, info: Info) -> list[Quarter]:
        return [Quarter.of(r) for r in await quarters.all_quarters(info.context)]

    @strawberry.field(description="One QM area by its slug (e.g. `rollberg`); null if there is none.")
    async def quarter(
        self,
        info: Info,
        slug: Annotated[str, strawberry.argument(description="The quarter's slug, e.g. `rollberg`.")],
    ) -> Quarter | None:
        record = await quarters.by_slug(info.context, slug)
        return Quarter.of(record) if record else None

    @strawberry.field(
        description="One actor by id; archived actors are found too. The id of a duplicate merged away leads to "
        "the actor it was merged into."
    )
    async def actor(self, info: Info, id: IdArg) -> Actor | None:
        record = await actors.by_global_id(info.context, id)
        return actor_of(record) if record else None

    @strawberry.field(description="Actors, filtered and sorted, a page at a time.")
    async def actors(
        self,
        info: Info,
        filter: Annotated[ActorFilter | None, strawberry.argument(description="Which actors.")] = None,
        order_by: Annotated[
            list[ActorOrder] | None, strawberry.argument(description="Sort keys, most significant first (default: name).")
        ] = None,
        first: First = None,
        after: After = None,
    ) -> ActorConnection:
        return ActorConnection.of(await actors.search(info.context, filter, order_by, first, after))

    @strawberry.field(description="One cooperation by id.")
    async def cooperation(self, info: Info, id: IdArg) -> Cooperation | None:
        record = await cooperations.by_global_id(info.context, id)
        return Cooperation.of(record) if record else None

    @strawberry.field(description="Cooperations across the network, filtered and sorted, a page at a time.")
    async def cooperations(
        self,
        info: Info,
        filter: Annotated[CooperationFilter | None, strawberry.argument(description="Which cooperations.")] = None,
        order_by: Annotated[
            list[CooperationOrder] | None, strawberry.argument(description="Sort keys (default: since, newest first).")
        ] = None,
        first: First = None,
        after: After = None,
    ) -> CooperationConnection:
        return CooperationConnection.of(await cooperations.search(info.context, filter, order_by, first, after))

    @strawberry.field(description="The action fields (Handlungsfelder), current and older generations.")
    async def action_fields(
        self,
        info: Info,
        era: Annotated[
            ActionFieldEra | None, strawberry.argument(description="Only fields of this generation.")
        ] = None,
    ) -> list[ActionField]:
        records = await action_fields.all_fields(info.context, era.value if era else None)
        return [ActionField.of(r) for r in records]
