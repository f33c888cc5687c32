"""Checks that mutation input names things that exist: action fields and quarters."""

from __future__ import annotations

from core.context import Context
from resolvers.outcomes import UserError


async def unknown_action_fields(ctx: Context, keys: list[str] | None, *path: str) -> list[UserError]:
    if not keys:
        return []
    known = {f.key for f in await ctx.loaders.action_fields()}
    return [
        UserError("UNKNOWN_ACTION_FIELD", f"unknown action field {key!r}", (*path, str(i)), {"key": key})
        for i, key in enumerate(keys)
        if key not in known
    ]


async def unknown_quarters(ctx: Context, slugs: list[str], *path: str) -> list[UserError]:
    found = await ctx.loaders.quarter_by_slug.load_many(slugs)
    return [
        UserError("UNKNOWN_QUARTER", f"unknown quarter {slug!r}", (*path, str(i), "quarter"), {"slug": slug})
        for i, (slug, quarter) in enumerate(zip(slugs, found, strict=True))
        if quarter is None
    ]
