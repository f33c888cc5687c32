"""Action fields (Handlungsfelder)."""

from __future__ import annotations

import strawberry

from core.context import Context
from graph.action_fields import ActionFieldRecord
from resolvers import action_fields, ids
from schema.enums import ActionFieldEra
from schema.node import Node


@strawberry.type(
    description="An action field (Handlungsfeld) of the integrated action concepts (IHEK): the themes QM "
    "work is planned and funded by. Older IHEKs used other fields; `successors` maps them onto today's."
)
class ActionField(Node):
    key: str = strawberry.field(description="Stable key used in filters and inputs, e.g. `bildung`.")
    name: str = strawberry.field(description="German name as used in IHEKs, e.g. `Bildung`.")
    name_en: str = strawberry.field(description="English name.")
    era: ActionFieldEra = strawberry.field(description="The generation of IHEKs that uses this field.")
    cross_cutting: bool = strawberry.field(
        description="A cross-cutting theme (Querschnittsthema) rather than a field of its own."
    )
    record: strawberry.Private[ActionFieldRecord]

    @classmethod
    def of(cls, r: ActionFieldRecord) -> ActionField:
        return cls(
            id=strawberry.ID(ids.encode("ActionField", r.id)),
            key=r.key,
            name=r.name,
            name_en=r.name_en,
            era=ActionFieldEra(r.era),
            cross_cutting=r.cross_cutting,
            record=r,
        )

    @strawberry.field(description="The current fields this older one maps onto (empty where none took it over).")
    async def successors(self, info: strawberry.Info[Context, None]) -> list[ActionField]:
        return [ActionField.of(r) for r in await action_fields.by_keys(info.context, self.record.successors)]

    @strawberry.field(description="The older fields that map onto this one.")
    async def predecessors(self, info: strawberry.Info[Context, None]) -> list[ActionField]:
        return [ActionField.of(r) for r in await action_fields.by_keys(info.context, self.record.predecessors)]
