"""The Subscription root: live changes over WebSocket (graphql-transport-ws), delegating to
resolvers/changes.py, which catches a subscriber up from the feed and then hands on what the
instance's broker polls from Neo4j."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Annotated

import strawberry

from core.context import Context
from resolvers import changes
from schema.changes import AfterArg, ChangeEvent, EntitiesArg, QuarterArg, feed_query

Info = strawberry.Info[Context, None]


@strawberry.type(description="Live changes, over WebSocket (the graphql-transport-ws protocol).")
class Subscription:
    @strawberry.subscription(
        description="Changes as they are committed, through any instance of the service. With `after`, first "
        "every change committed after that revision (resume with the last `revision` you received: each "
        "change comes exactly once), then live ones. Contact persons' changes only for those who may read them."
    )
    async def changes(
        self, info: Info, quarter: QuarterArg = None, after: AfterArg = None, entity: EntitiesArg = None
    ) -> AsyncGenerator[ChangeEvent, None]:
        async for item in changes.live(info.context, feed_query(after, quarter, entity)):
            yield ChangeEvent.of(item)

    @strawberry.subscription(
        description="Changes of one actor as they are committed: the actor itself, its cooperations, and (for "
        "those who may read them) its contact persons. With `after`, first what changed since that revision."
    )
    async def actor_changed(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The actor's global id.")],
        after: AfterArg = None,
    ) -> AsyncGenerator[ChangeEvent, None]:
        async for item in changes.live(info.context, feed_query(after, None, None, actor=id)):
            yield ChangeEvent.of(item)
