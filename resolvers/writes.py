"""What every mutation shares: one transaction, refusals as data, the audit record."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from graph import audit, revision
from graph.db import Transaction
from resolvers.access import Principal
from resolvers.context import Context
from resolvers.outcomes import Outcome, Rejected

T = TypeVar("T")


async def run(ctx: Context, work: Callable[[Transaction], Awaitable[T]]) -> Outcome[T]:
    """Run ``work`` in one write transaction; a :class:`Rejected` rolls it back and becomes the errors."""
    try:
        return Outcome(value=await ctx.db.write_transaction(work))
    except Rejected as rejected:
        return Outcome(errors=rejected.errors)


async def record_change(tx: Transaction, who: Principal, entity: str, entity_id: str, operation: str,
                        before: dict[str, Any] | None, after: dict[str, Any] | None) -> None:
    """Append the audit record and mark the network as changed, inside the mutation's transaction."""
    await audit.write(tx, who.label, who.role.value, entity, entity_id, operation, before, after)
    await revision.bump(tx)
