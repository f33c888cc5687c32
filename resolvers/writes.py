"""What every mutation shares: one transaction, refusals as data, the audit record, and the
idempotency key (``clientMutationId``) that makes a retry safe.

A mutation runs in three steps: it validates its input (no writes), runs ``work`` in one write
transaction, and builds its answer with ``then`` after the commit. ``work`` returns a *receipt*:
a small JSON value (usually the id of what it wrote) from which ``then`` builds the answer.

With a key, :func:`run` claims the key at the start of the transaction and stores it with the
receipt (:mod:`graph.idempotency`): the key exists if and only if the mutation committed. A
retry with the same key and the same input skips ``work`` and answers from the stored receipt;
the same key with another input is refused. So a client told ``OUTCOME_UNKNOWN`` sends the same
mutation again and gets the first result, whether or not the first attempt was applied.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import hashlib
import json
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final, TypeVar, overload

from core.access import Principal
from core.context import Context
from graph import audit, idempotency
from graph.db import OneStatement, Transaction
from graph.errors import DatabaseUnavailable
from resolvers import texts
from resolvers.commands import UNSET
from resolvers.errors import ApiError
from resolvers.outcomes import Outcome, Refusal, RefusalCode, Rejected, invalid

R = TypeVar("R")
T = TypeVar("T")

MAX_KEY: Final = 128


@dataclass(frozen=True)
class Call:
    """A mutation as the client sent it: its name and its input, whose ``clientMutationId`` is the key."""

    mutation: str
    input: Any

    @property
    def key(self) -> str | None:
        key = getattr(self.input, "client_mutation_id", None)
        return key if isinstance(key, str) else None


def fingerprint(call: Call) -> str:
    """A digest of the mutation and its input (the key itself left out): same call ⇔ same digest."""
    canonical = json.dumps([call.mutation, _plain(call.input)], sort_keys=True, ensure_ascii=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: _plain(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if f.name != "client_mutation_id" and getattr(value, f.name) is not UNSET
        }
    if isinstance(value, enum.Enum):
        return _plain(value.value)
    if isinstance(value, Decimal):  # amounts in euros, exact
        return str(value)
    if isinstance(value, dt.date):  # dates and datetimes
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


@overload
async def run(
    ctx: Context,
    work: Callable[[Transaction], Awaitable[R]],
    call: Call | None = None,
    *,
    one_statement: bool = False,
) -> Outcome[R]: ...


@overload
async def run(
    ctx: Context,
    work: Callable[[Transaction], Awaitable[R]],
    call: Call | None = None,
    *,
    then: Callable[[R], Awaitable[T | None]],
    one_statement: bool = False,
) -> Outcome[T]: ...


async def run(
    ctx: Context,
    work: Callable[[Transaction], Awaitable[Any]],
    call: Call | None = None,
    *,
    then: Callable[[Any], Awaitable[Any]] | None = None,
    one_statement: bool = False,
) -> Outcome[Any]:
    """Run ``work`` in one write transaction, guarded by the call's key if it has one, and build
    the answer from its receipt with ``then``. A :class:`Rejected` rolls everything back (the key
    too) and becomes the payload's errors. ``one_statement``: ``work`` sends exactly one statement,
    so without a key (whose claim and settling are statements of their own) its BEGIN travels
    with it (graph/db.py's :class:`OneStatement`): one round trip less."""
    key = call.key if call is not None else None
    if call is not None and key is not None:
        if not 1 <= len(key) <= MAX_KEY or not key.isprintable():
            return Outcome(errors=[invalid(texts.BAD_KEY(limit=MAX_KEY), "input", "clientMutationId")])
        work = _guarded(work, call, idempotency.key_id(ctx.principal.label, key), ctx.principal)
    elif one_statement:
        work = OneStatement(work)
    try:
        receipt = await ctx.db.write_transaction(work)
    except Rejected as rejected:
        return Outcome(errors=rejected.errors)
    ctx.services.metrics.refresh_all()  # in the background, debounced: readers keep the last result
    ctx.services.snapshots.refresh_all()  # the suggestions' snapshot too (served only once it is current)
    try:
        value = receipt if then is None else await then(receipt)
    except DatabaseUnavailable as exc:  # committed: "unavailable" would tell the client it was not
        raise ApiError("OUTCOME_UNKNOWN", texts.APPLIED_UNREAD(reason=exc)) from exc
    # Expired keys go while the service is in use (a write of its own, due once per `Sweeper.every`
    # in each process). It runs before the answer, not after it in the background: a background sweep
    # outlived the app's database when the app stopped right after a write, and left its connection open.
    await ctx.services.key_sweeper.maybe(ctx.db)
    return Outcome(value=value, receipt=receipt)


def _guarded(
    work: Callable[[Transaction], Awaitable[Any]], call: Call, key_id: str, who: Principal
) -> Callable[[Transaction], Awaitable[Any]]:
    digest = fingerprint(call)

    async def guarded(tx: Transaction) -> Any:
        found = await idempotency.claim(tx, key_id, who.label, call.mutation, digest)
        if not found.fresh:
            if not found.same_call:
                raise Rejected(
                    Refusal(
                        RefusalCode.IDEMPOTENCY_KEY_REUSED,
                        texts.REUSED_KEY(hours=idempotency.LIFETIME_HOURS),
                        ("input", "clientMutationId"),
                    )
                )
            return found.receipt
        receipt = await work(tx)
        await idempotency.settle(tx, key_id, receipt)
        return receipt

    return guarded


async def record_change(
    tx: Transaction,
    who: Principal,
    entity: str,
    entity_id: str,
    operation: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    *,
    actors: Sequence[str] | None = None,
    quarters: Sequence[str] = (),
) -> None:
    """Append the audit record inside the mutation's transaction; it takes the commit's revision,
    which moves the network on and puts the change into the change feed.

    ``actors``: the actors the change touches (default: the entity itself, for an actor), whose
    quarters the feed's quarter filter uses; ``quarters``: slugs they have just left.
    """
    touched = _touched(entity, entity_id, actors)
    await audit.write(
        tx, who.label, who.role.value, entity, entity_id, operation, before, after, actors=touched, quarters=quarters
    )


def change_record(
    tx: Transaction,
    who: Principal,
    entity: str,
    entity_id: str,
    operation: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    *,
    actors: Sequence[str] | None = None,
) -> dict[str, Any]:
    """The audit record :func:`record_change` would append, as the ``$audit`` parameter of a write
    statement that appends it itself (graph/audit.py's ``RECORD_CALL``): the write, its record and
    the revision in one round trip. Built before the write, from what the write will set."""
    entry = audit.Entry(entity, entity_id, operation, before, after, _touched(entity, entity_id, actors))
    return audit.param(tx, who.label, who.role.value, entry)


def _touched(entity: str, entity_id: str, actors: Sequence[str] | None) -> Sequence[str]:
    """The actors a change touches: those named, or by default an actor's own id."""
    return actors if actors is not None else ([entity_id] if entity == "Actor" else [])
