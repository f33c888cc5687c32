"""Cooperations: symmetric ties between two actors."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry

from core.context import Context
from graph.cooperations import CooperationRecord
from resolvers import action_fields, cooperations, ids
from resolvers.paging import Slice
from schema.action_field import ActionField
from schema.actor import Actor, actor_of
from schema.enums import CooperationKind
from schema.node import Node
from schema.pagination import PageInfo


@strawberry.type(
    description="A cooperation between two actors. It has no direction: it is stored once and found from "
    "either side. Ending one sets `until` and keeps it in the history."
)
class Cooperation(Node):
    kind: CooperationKind = strawberry.field(description="What the cooperation consists of.")
    since: dt.date | None = strawberry.field(description="Start, if known.")
    until: dt.date | None = strawberry.field(description="End (inclusive), if it has ended.")
    intensity: int | None = strawberry.field(description="1 loose, 2 regular, 3 close; null if not assessed.")
    description: str | None = strawberry.field(description="What the two do together.")
    source: str | None = strawberry.field(description="How we know (a meeting, a report, a URL).")
    synthetic: bool = strawberry.field(description="True for fictional test or demo data.")
    created_at: dt.datetime = strawberry.field(description="When it was recorded.")
    updated_at: dt.datetime = strawberry.field(description="When it was last changed.")
    version: int = strawberry.field(description="Increases with every change; send it back with updates.")
    record: strawberry.Private[CooperationRecord]

    @classmethod
    def of(cls, r: CooperationRecord) -> Cooperation:
        return cls(
            id=strawberry.ID(ids.encode("Cooperation", r.id)),
            kind=CooperationKind(r.kind),
            since=r.since,
            until=r.until,
            intensity=r.intensity,
            description=r.description,
            source=r.source,
            synthetic=r.synthetic,
            created_at=r.created_at,
            updated_at=r.updated_at,
            version=r.version,
            record=r,
        )

    @strawberry.field(description="Whether it is active on a day (default: today).")
    def active(
        self, on: Annotated[dt.date | None, strawberry.argument(description="The day (default: today).")] = None
    ) -> bool:
        day = on or dt.date.today()
        return (self.since is None or self.since <= day) and (self.until is None or self.until >= day)

    @strawberry.field(description="The action fields it serves.")
    async def action_fields(self, info: strawberry.Info[Context, None]) -> list[ActionField]:
        return [ActionField.of(f) for f in await action_fields.by_keys(info.context, self.record.action_fields)]

    @strawberry.field(description="The two actors, by name.")
    async def actors(self, info: strawberry.Info[Context, None]) -> list[Actor]:
        return [actor_of(a) for a in await cooperations.actors_of(info.context, self.record)]


@strawberry.type(description="A cooperation in a connection.")
class CooperationEdge:
    cursor: str = strawberry.field(description="Opaque cursor of this cooperation in the connection.")
    node: Cooperation = strawberry.field(description="The cooperation.")


@strawberry.type(description="A page of cooperations (Relay connection).")
class CooperationConnection:
    edges: list[CooperationEdge] = strawberry.field(description="The cooperations on this page.")
    page_info: PageInfo = strawberry.field(description="Where this page stands.")
    total_count: int = strawberry.field(description="All cooperations that match, across all pages.")

    @strawberry.field(description="The cooperations on this page (shortcut for `edges { node }`).")
    def nodes(self) -> list[Cooperation]:
        return [edge.node for edge in self.edges]

    @classmethod
    def of(cls, page: Slice[CooperationRecord]) -> CooperationConnection:
        return cls(
            edges=[CooperationEdge(cursor=c, node=Cooperation.of(r)) for c, r in page.items],
            page_info=PageInfo.of(page),  # type: ignore[arg-type]
            total_count=page.total,
        )
