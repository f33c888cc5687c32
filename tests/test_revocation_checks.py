"""Requests that arrive together share the revocation check of a cached token (issue 16's
throughput: the check was a read of its own for every request), and still none is admitted on a
read sent before it arrived: a revocation committed while a check is on its way refuses every
request that arrives after it."""

from __future__ import annotations

import asyncio

import neo4j
import pytest

from core.revocations import Revocations
from graph import tokens
from graph.db import Database, Neo4jSettings
from kiezgraph.middleware.authentication import Authenticator, Unauthorized
from tests.conftest import issue_token


class HeldRevocations(Revocations):
    """The counters as the service reads them, except that a check may be held between
    its read and acting on it (so that a revocation can commit meanwhile); counts the reads."""

    def __init__(self, db: Database) -> None:
        super().__init__(db)
        self.reads = 0
        self.read = asyncio.Event()  # a held check has read the counter
        self.go_on = asyncio.Event()
        self.go_on.set()

    async def counters(self) -> tuple[int, int]:
        self.reads += 1
        counters = await tokens.counters(self.db)
        self.read.set()
        await self.go_on.wait()
        return counters


def test_requests_arriving_while_a_check_is_on_its_way_share_the_next_and_see_a_revocation(
    clean_db: neo4j.Driver, neo4j_settings: Neo4jSettings
) -> None:
    secret = issue_token(neo4j_settings, "researcher", name="shared checks")

    async def main() -> None:
        db = Database(neo4j_settings)
        revocations = HeldRevocations(db)
        authenticator = Authenticator(
            db, public_access=True, jwt_secret=None, jwt_public_key=None, cache_seconds=60, revocations=revocations
        )
        bearer = f"Bearer {secret}"
        try:
            principal, confirming = await authenticator.admit(bearer)  # verified, and cached from now on
            assert confirming is None
            reads = revocations.reads
            # A request's check reads the counter, and is held before acting on what it read.
            revocations.go_on.clear()
            revocations.read.clear()
            first, first_check = await authenticator.admit(bearer)
            assert first == principal and first_check is not None
            await asyncio.wait_for(revocations.read.wait(), 30)
            # The token is revoked meanwhile; then three more requests arrive.
            token_id = secret.split("_")[1]
            await db.write_transaction(lambda tx: tokens.revoke(tx, token_id))
            later = [await authenticator.admit(bearer) for _ in range(3)]
            revocations.go_on.set()
            # The first request's read was sent before the revocation: it stands (as it would have
            # alone). The later ones share one read sent after they arrived, which sees it.
            assert await first_check == principal
            for _, check in later:
                assert check is not None
                with pytest.raises(Unauthorized):
                    await check
            assert revocations.reads - reads == 2  # four requests, two reads of the counter
        finally:
            await db.close()

    asyncio.run(main())
