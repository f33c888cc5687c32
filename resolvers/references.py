"""Checks that mutation input names things that exist: action fields and quarters."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from core.context import Context
from resolvers import texts
from resolvers.outcomes import Refusal, RefusalCode


async def unknown_action_fields(ctx: Context, keys: Sequence[str] | None, *path: str) -> list[Refusal]:
    if not keys:
        return []
    known = {f.key for f in await ctx.loaders.action_fields(require=keys)}
    return [
        Refusal(RefusalCode.UNKNOWN_ACTION_FIELD, texts.UNKNOWN_ACTION_FIELD(key=key), (*path, str(i)), {"key": key})
        for i, key in enumerate(keys)
        if key not in known
    ]


async def unknown_quarters(ctx: Context, slugs: Sequence[str], *path: str) -> list[Refusal]:
    return quarters_not_in(slugs, await ctx.loaders.known_quarters(slugs), *path)


def quarters_not_in(slugs: Sequence[str], known: Collection[str], *path: str) -> list[Refusal]:
    """The refusals for the ``slugs`` that are not ``known`` (as :func:`unknown_quarters` words them)."""
    return [
        Refusal(
            RefusalCode.UNKNOWN_QUARTER, texts.UNKNOWN_QUARTER(slug=slug), (*path, str(i), "quarter"), {"slug": slug}
        )
        for i, slug in enumerate(slugs)
        if slug not in known
    ]
