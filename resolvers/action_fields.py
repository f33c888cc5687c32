"""Action fields: the vocabulary of what actors and cooperations work on."""

from __future__ import annotations

from core.context import Context
from graph.action_fields import ActionFieldRecord
from resolvers import ids


async def all_fields(ctx: Context, era: str | None = None) -> list[ActionFieldRecord]:
    fields = await ctx.loaders.action_fields()
    return [f for f in fields if era is None or f.era == era]


async def by_keys(ctx: Context, keys: tuple[str, ...]) -> list[ActionFieldRecord]:
    known = {f.key: f for f in await ctx.loaders.action_fields(require=keys)}
    return [known[k] for k in keys if k in known]


async def by_global_id(ctx: Context, global_id: str) -> ActionFieldRecord | None:
    local = ids.decode_as(global_id, "ActionField")
    fields = await ctx.loaders.action_fields()
    return next((f for f in fields if f.id == local), None)
