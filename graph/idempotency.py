"""Idempotency keys: a mutation sent twice with the same key is applied once.

A key is stored as an ``(:IdempotencyKey)`` in the same transaction as the mutation it guards,
so "the key is stored" ⇔ "the mutation committed". It records who sent it, which mutation with
which input (a fingerprint), and a small JSON *receipt* from which the mutation's answer is
rebuilt: ids and counts, never personal data (a contact person's name must not outlive its
erasure in here).

A keyed transaction's first statement claims the key with ``MERGE`` on a uniqueness constraint:
a concurrent request with the same key waits for that lock, then finds the committed key (or
none, if the first rolled back). Keys live :data:`LIFETIME_HOURS`; older ones count as absent
and are deleted in bounded batches, found through an index on their creation time.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from dataclasses import dataclass
from typing import Any, Final, LiteralString

from graph.db import Database, Transaction
from graph.errors import GraphError
from graph.ids import new_id

log = logging.getLogger(__name__)

LIFETIME_HOURS: Final = 24
SWEEP_BATCH: Final = 1000

# Take the key for this transaction; a concurrent transaction with the same key waits here.
CLAIM: Final[LiteralString] = """
MERGE (k:IdempotencyKey {id: $id})
ON CREATE SET k.principal = $principal, k.mutation = $mutation, k.fingerprint = $fingerprint,
              k.createdAt = datetime(), k.claim = $claim
RETURN coalesce(k.claim = $claim, false) AS fresh, k.mutation AS mutation, k.fingerprint AS fingerprint,
       k.receipt AS receipt, k.createdAt < datetime() - duration({hours: $hours}) AS expired
"""
# An expired key is taken over as if it were new.
RENEW: Final[LiteralString] = """
MATCH (k:IdempotencyKey {id: $id})
SET k.principal = $principal, k.mutation = $mutation, k.fingerprint = $fingerprint,
    k.createdAt = datetime(), k.receipt = null
"""
# Record what the guarded mutation answered, in its own transaction.
SETTLE: Final[LiteralString] = "MATCH (k:IdempotencyKey {id: $id}) SET k.receipt = $receipt REMOVE k.claim"
# Delete a batch of expired keys (a range seek on the createdAt index, not a scan).
SWEEP: Final[LiteralString] = """
MATCH (k:IdempotencyKey) WHERE k.createdAt < datetime() - duration({hours: $hours})
WITH k LIMIT $batch
DELETE k
RETURN count(*) AS n
"""


@dataclass(frozen=True)
class Claim:
    """What :func:`claim` found."""

    fresh: bool  # the key is new (or expired): apply the mutation, then settle the key
    same_call: bool  # for a used key: it was used for this mutation with this input
    receipt: Any  # for a used key: what the first call recorded


def key_id(principal: str, key: str) -> str:
    """Keys are per principal: two clients choosing the same key do not meet."""
    return hashlib.sha256(f"{principal}\x00{key}".encode()).hexdigest()


async def claim(tx: Transaction, id_: str, principal: str, mutation: str, fingerprint: str) -> Claim:
    params = {"id": id_, "principal": principal, "mutation": mutation, "fingerprint": fingerprint}
    [row] = await tx.run(CLAIM, **params, claim=new_id(), hours=LIFETIME_HOURS)
    if row["fresh"]:
        return Claim(fresh=True, same_call=True, receipt=None)
    if row["expired"]:
        await tx.run(RENEW, **params)
        return Claim(fresh=True, same_call=True, receipt=None)
    same = row["mutation"] == mutation and row["fingerprint"] == fingerprint
    return Claim(fresh=False, same_call=same, receipt=json.loads(row["receipt"]) if same else None)


async def settle(tx: Transaction, id_: str, receipt: Any) -> None:
    await tx.run(SETTLE, id=id_, receipt=json.dumps(receipt, sort_keys=True))


async def sweep(db: Database, batch: int = SWEEP_BATCH) -> int:
    """Delete up to ``batch`` expired keys; returns how many."""
    [row] = await db.write(SWEEP, hours=LIFETIME_HOURS, batch=batch)
    return int(row["n"])


class Sweeper:
    """Sweeps expired keys now and then: at most once per ``every`` seconds in this process."""

    def __init__(self, every: float = 600.0) -> None:
        self.every = every
        self._due = 0.0

    async def maybe(self, db: Database) -> None:
        now = time.monotonic()
        if now < self._due:
            return
        self._due = now + self.every
        try:
            while await sweep(db) == SWEEP_BATCH:
                pass
        except GraphError as exc:  # a later write sweeps again; expired keys count as absent meanwhile
            log.warning("could not delete expired idempotency keys: %s", exc)
