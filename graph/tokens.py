"""API tokens: created and revoked by admins, stored as a SHA-256 hash of their secret only.

A token reads ``kg_<id>_<secret>``: the id finds the record, the secret is compared in
constant time against the stored hash. Secrets are 256 random bits, so a fast hash suffices
(a slow password hash protects low-entropy secrets, which these are not).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final, LiteralString

from graph.convert import datetime_or_none
from graph.db import Database, Transaction

PREFIX = "kg"


@dataclass(frozen=True)
class TokenRecord:
    id: str
    name: str
    role: str
    quarters: tuple[str, ...]
    created_at: dt.datetime
    revoked_at: dt.datetime | None


@dataclass(frozen=True)
class TokenChange:
    """A token revoked, or with a quarter taken from it, after some value of the counter."""

    id: str
    revoked: bool
    mark: int  # the counter's value that the change set


@dataclass(frozen=True)
class IssuedToken:
    record: TokenRecord
    secret: str  # shown once, never stored


_PROJECTION = "t {.id, .name, .role, .quarters, createdAt: t.createdAt.epochMillis, revokedAt: t.revokedAt.epochMillis}"

CREATE: Final[LiteralString] = (
    """
CREATE (t:ApiToken {id: $id, name: $name, role: $role, quarters: $quarters, hash: $hash, createdAt: datetime()})
RETURN """
    + _PROJECTION
    + " AS t"
)
HASH: Final[LiteralString] = "MATCH (t:ApiToken {id: $id}) RETURN t.hash AS hash, " + _PROJECTION + " AS t"
LIST: Final[LiteralString] = "MATCH (t:ApiToken) RETURN " + _PROJECTION + " AS t ORDER BY t.createdAt"
REVOKE: Final[LiteralString] = (
    """
MATCH (t:ApiToken {id: $id})
SET t.revokedAt = coalesce(t.revokedAt, datetime())
RETURN """
    + _PROJECTION
    + " AS t"
)
# Every revocation (or withdrawal of a quarter) moves this counter on in its transaction and marks
# the tokens it changed with the new value: an instance compares the counter with the value it last
# saw to tell whether any token may have changed, and then reads which (:data:`CHANGED_SINCE`).
MARK_CHANGED: Final[LiteralString] = """
MERGE (s:TokenState {id: 'tokens'}) SET s.revision = coalesce(s.revision, 0) + 1
WITH s MATCH (t:ApiToken) WHERE t.id IN $ids SET t.stateRevision = s.revision
"""
# The current value of that counter (0 before the first revocation).
REVISION: Final[LiteralString] = "OPTIONAL MATCH (s:TokenState {id: 'tokens'}) RETURN coalesce(s.revision, 0) AS r"
# The network's revision and the token counter in one read: what the change poller asks each time.
COUNTERS: Final[LiteralString] = """
OPTIONAL MATCH (n:NetworkState {id: 'network'}) OPTIONAL MATCH (s:TokenState {id: 'tokens'})
RETURN coalesce(n.revision, 0) AS network, coalesce(s.revision, 0) AS tokens
"""
# The tokens changed after a value of the counter, whether each is revoked now, and the highest mark.
CHANGED_SINCE: Final[LiteralString] = """
MATCH (t:ApiToken) WHERE t.stateRevision > $after
RETURN t.id AS id, t.revokedAt IS NOT NULL AS revoked, t.stateRevision AS mark ORDER BY mark
"""
# Live manager tokens that hold a quarter (those a handover may withdraw it from).
HOLDERS: Final[LiteralString] = (
    "MATCH (t:ApiToken {role: 'manager'}) WHERE t.revokedAt IS NULL AND $slug IN t.quarters RETURN "
    + _PROJECTION
    + " AS t ORDER BY t.createdAt"
)
# Withdraw a quarter from manager tokens; a token left without quarters is revoked with it.
WITHDRAW: Final[LiteralString] = (
    """
MATCH (t:ApiToken {role: 'manager'}) WHERE t.id IN $ids AND t.revokedAt IS NULL
WITH t, [x IN t.quarters WHERE x <> $slug] AS rest
SET t.quarters = rest, t.revokedAt = CASE WHEN size(rest) = 0 THEN datetime() ELSE null END
RETURN """
    + _PROJECTION
    + " AS t ORDER BY t.createdAt"
)
ADMINS: Final[LiteralString] = "MATCH (t:ApiToken {role: 'admin'}) WHERE t.revokedAt IS NULL RETURN count(t) AS n"


def _record(t: dict[str, Any]) -> TokenRecord:
    created = datetime_or_none(t["createdAt"])
    assert created is not None
    return TokenRecord(
        t["id"], t["name"], t["role"], tuple(t.get("quarters") or ()), created, datetime_or_none(t.get("revokedAt"))
    )


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def parse(token: str) -> tuple[str, str] | None:
    prefix, sep, rest = token.partition("_")
    token_id, sep2, secret = rest.partition("_")
    if prefix != PREFIX or not sep or not sep2 or not token_id or not secret:
        return None
    return token_id, secret


async def create(tx: Transaction, name: str, role: str, quarters: Sequence[str]) -> IssuedToken:
    token_id = secrets.token_hex(8)
    secret = secrets.token_urlsafe(32)
    [row] = await tx.run(CREATE, id=token_id, name=name, role=role, quarters=list(quarters), hash=_digest(secret))
    return IssuedToken(_record(row["t"]), f"{PREFIX}_{token_id}_{secret}")


async def verify(db: Database, token: str) -> TokenRecord | None:
    """The live token a bearer string names, or None (unknown, wrong secret, revoked)."""
    parts = parse(token)
    if parts is None:
        return None
    token_id, secret = parts
    rows = await db.read(HASH, id=token_id)
    if not rows or not hmac.compare_digest(rows[0]["hash"], _digest(secret)):
        return None
    record = _record(rows[0]["t"])
    return None if record.revoked_at else record


async def by_id(db: Database, token_id: str) -> TokenRecord | None:
    """The token with this id as it is now (revoked ones too), or None if there is none."""
    rows = await db.read(HASH, id=token_id)
    return _record(rows[0]["t"]) if rows else None


async def all_tokens(db: Database) -> list[TokenRecord]:
    return [_record(row["t"]) for row in await db.read(LIST)]


async def revoke(tx: Transaction, token_id: str) -> TokenRecord | None:
    rows = await tx.run(REVOKE, id=token_id)
    if not rows:
        return None
    await tx.run(MARK_CHANGED, ids=[token_id])
    return _record(rows[0]["t"])


async def revision(db: Database) -> int:
    """The revocation counter (see :data:`MARK_CHANGED`)."""
    [row] = await db.read(REVISION)
    return int(row["r"])


async def counters(db: Database) -> tuple[int, int]:
    """The network's revision and the revocation counter, read together."""
    [row] = await db.read(COUNTERS)
    return int(row["network"]), int(row["tokens"])


async def changed_since(db: Database, after: int) -> list[TokenChange]:
    """The tokens revoked or narrowed after the counter stood at ``after``, oldest change first."""
    rows = await db.read(CHANGED_SINCE, after=after)
    return [TokenChange(row["id"], bool(row["revoked"]), int(row["mark"])) for row in rows]


async def live_admins(db: Database) -> int:
    [row] = await db.read(ADMINS)
    return int(row["n"])


async def holders(tx: Transaction, slug: str) -> list[TokenRecord]:
    return [_record(row["t"]) for row in await tx.run(HOLDERS, slug=slug)]


async def withdraw(tx: Transaction, slug: str, token_ids: Sequence[str]) -> list[TokenRecord]:
    """Take ``slug`` out of these manager tokens; those left with no quarter are revoked. The
    revocation counter moves on too, so no instance goes on trusting its cached copy of them."""
    changed = [_record(row["t"]) for row in await tx.run(WITHDRAW, slug=slug, ids=list(token_ids))]
    if changed:
        await tx.run(MARK_CHANGED, ids=[t.id for t in changed])
    return changed
