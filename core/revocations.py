"""One way for every instance to learn that a token no longer admits what it admitted.

Revoking a token, and a handover withdrawing a quarter from manager tokens, move one counter in
Neo4j (``TokenState``, graph/tokens.py) and mark the tokens changed with its new value, in the
same transaction. Each instance holds the value it last saw; :meth:`Revocations.check` compares
it with the database's and, when it moved, reads which tokens changed and tells its listeners:
the authenticator drops them from its cache (HTTP refuses a revoked token at once) and the
broker ends their subscriptions (core/broker.py). The HTTP path checks before trusting its token
cache; the change poller checks with each poll (the counter comes in the same small read as the
network's revision). Whichever notices first acts for both. The HTTP path's read returns the
network's revision too (:meth:`Revocations.refresh`): the response cache keys on it.

A JWT cannot be revoked here (nothing of it is stored); it ends at its ``exp``: HTTP checks it on
every request, a WebSocket connection has a timer to it (kiezgraph/live.py).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence

from graph import tokens
from graph.db import Database
from graph.tokens import TokenChange

# How many revoked token ids an instance remembers (to refuse a subscription that starts just
# after its token's revocation was noticed); beyond it, the oldest are forgotten.
_REMEMBERED = 10_000

Listener = Callable[[Sequence[TokenChange]], None]


class Revocations:
    def __init__(self, db: Database) -> None:
        self.db = db
        self.seen: int | None = None  # the counter's value this instance has acted on
        self.listeners: list[Listener] = []
        self.revoked: dict[str, None] = {}  # principal keys ("token:<id>"), oldest first
        self._lock: asyncio.Lock | None = None

    async def counters(self) -> tuple[int, int]:
        """The network's revision and the revocation counter, in one small read."""
        return await tokens.counters(self.db)

    async def refresh(self) -> int:
        """Read both counters, act on token changes, and return the network's revision: what the
        shared read of kiezgraph/middleware/authentication.py sends, so that the response cache
        (kiezgraph/response_cache.py) learns the revision from the read revocations need anyway."""
        network, current = await self.counters()
        await self.check(current)
        return network

    async def check(self, current: int | None = None) -> None:
        """Act on every token change since the last check. ``current``: the counter, if the caller
        read it already (the poller does, with the network's revision). The first check only takes
        the counter's value: tokens verified after it are checked against the database anyway."""
        if current is None:
            current = await tokens.revision(self.db)
        if self.seen is not None and current <= self.seen:
            return
        if self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:
            if self.seen is None:
                self.seen = current
                return
            if current <= self.seen:
                return  # another check acted on it meanwhile
            changed = await tokens.changed_since(self.db, self.seen)
            self.seen = max([current, *(c.mark for c in changed)])
        for c in changed:
            if c.revoked:
                self.revoked[token_key(c.id)] = None
        while len(self.revoked) > _REMEMBERED:
            del self.revoked[next(iter(self.revoked))]
        if changed:
            for listener in self.listeners:
                listener(changed)

    def is_revoked(self, principal_key: str) -> bool:
        return principal_key in self.revoked


def token_key(token_id: str) -> str:
    """How a principal names an API token (core.access.Principal.token_id)."""
    return f"token:{token_id}"
