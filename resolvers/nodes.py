"""``node(id:)``: whatever a global id names."""

from __future__ import annotations

from typing import Any

from core.context import Context
from resolvers import action_fields, actors, ids, quarters


async def node(ctx: Context, global_id: str) -> tuple[str, Any] | None:
    """``(type name, record)`` for a global id, or None if it names nothing."""
    try:
        type_name, local = ids.decode(global_id)
    except ids.InvalidGlobalId:
        return None
    if type_name == "Actor":
        record: Any = await actors.by_local_id(ctx, local)
    elif type_name == "Cooperation":
        record = await ctx.loaders.cooperation_by_id.load(local)
    elif type_name == "Quarter":
        record = await quarters.by_id(ctx, local)
    elif type_name == "Project":
        record = await ctx.loaders.project_by_id.load(local)
    elif type_name == "ActionField":
        record = await action_fields.by_global_id(ctx, global_id)
    else:
        return None
    return (type_name, record) if record is not None else None
