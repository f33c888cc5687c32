"""The Query root: every field delegates to ``resolvers/`` and wraps what comes back."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

from resolvers import quarters
from schema.quarter import Quarter

if TYPE_CHECKING:
    from resolvers.context import Context


@strawberry.type(description="Read the stakeholder networks of neighbourhood management.")
class Query:
    @strawberry.field(description="All QM areas (quarters), ordered by name, with their facts and sources.")
    async def quarters(self, info: strawberry.Info[Context, None]) -> list[Quarter]:
        return [Quarter.of(r) for r in await quarters.all_quarters(info.context)]

    @strawberry.field(description="One QM area by its slug (e.g. `rollberg`); null if there is none.")
    async def quarter(
        self,
        info: strawberry.Info[Context, None],
        slug: Annotated[str, strawberry.argument(description="The quarter's slug, e.g. `rollberg`.")],
    ) -> Quarter | None:
        record = await quarters.by_slug(info.context, slug)
        return Quarter.of(record) if record else None
