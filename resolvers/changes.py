"""The change feed and live changes, as the reader may see them.

``feed`` pages through commits by revision (graph/changes.py); ``live`` catches a subscriber up
from the revision it names and then hands on what the broker (core/broker.py) polls, each commit
exactly once. Both show a change with its kind, ids and field names; the object itself is read
now, through the same types and rules as any query. Contact persons' changes reach only those who
may read that actor's contact persons (rule 1 of the quarter rules); their data never comes
from the audit payloads, so what ``erasePerson`` erased stays erased here too.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Final

from core import access as rules
from core.access import Role
from core.broker import Commit, Interest, SubscriptionEnded, TooManySubscriptions
from core.context import Context
from core.messages import localized
from graph import changes, persons
from graph.actors import ActorRecord
from graph.changes import FeedRecord
from graph.cooperations import CooperationRecord
from graph.persons import PersonRecord
from resolvers import ids, texts
from resolvers.access import may_read_personal
from resolvers.errors import ApiError, bad_input
from resolvers.filters import check_quarters

DEFAULT_COMMITS: Final = 50
MAX_COMMITS: Final = 200
# The largest revision a client can send (GraphQL clients read numbers as doubles).
MAX_REVISION: Final = 2**53 - 1
# Catching up reads the feed in pages of this many commits.
_CATCH_UP: Final = 100

# The change that ends a thing's life in the feed, and why.
TOMBSTONES: Final = {
    ("Actor", "archive"): "archived",
    ("Actor", "merged_away"): "merged",
    ("Cooperation", "delete"): "deleted",
    ("Person", "delete"): "deleted",
    ("Person", "erase"): "erased",
}
# What a global id names, per feed entity.
_ID_TYPES: Final = {"Actor": "Actor", "Cooperation": "Cooperation", "Person": "Person"}


@dataclass(frozen=True)
class Item:
    """One record of the feed as a reader sees it."""

    record: FeedRecord
    tombstone: str | None  # archived, merged, deleted, erased; None while the thing lives

    @property
    def global_id(self) -> str:
        kind = _ID_TYPES.get(self.record.entity)
        return ids.encode(kind, self.record.entity_id) if kind else self.record.entity_id

    @property
    def merged_into(self) -> str | None:
        survivor = self.record.merged_into
        return ids.encode("Actor", survivor) if survivor and self.tombstone == "merged" else None


@dataclass(frozen=True)
class Feed:
    items: list[Item]
    next: int
    has_more: bool
    revision: int


@dataclass(frozen=True)
class FeedQuery:
    after: int | None = None
    quarter: str | None = None
    entities: tuple[str, ...] | None = None
    first: int | None = None
    actor: str | None = None  # a global id


def _entities(ctx: Context, asked: Sequence[str] | None) -> frozenset[str]:
    wanted = set(asked or changes.FEED_ENTITIES) & set(changes.FEED_ENTITIES)
    if not rules.CONTACT_PERSONS.allows(ctx.principal.role):
        wanted.discard("Person")  # never theirs to see, whatever the actor
    return frozenset(wanted)


async def _interest(ctx: Context, q: FeedQuery) -> tuple[int, Interest]:
    after = q.after or 0
    if not 0 <= after <= MAX_REVISION:
        raise bad_input(texts.AFTER_REVISION(limit=MAX_REVISION))
    quarter = None
    if q.quarter is not None:
        [quarter] = await check_quarters(ctx, [q.quarter])
    actor = None
    if q.actor is not None:
        actor = ids.decode_as(q.actor, "Actor")
        if actor is None:
            raise ApiError("NOT_FOUND", texts.NOT_FOUND(what=texts.ACTOR, id=q.actor))
    return after, Interest(_entities(ctx, q.entities), quarter, actor)


async def feed(ctx: Context, q: FeedQuery) -> Feed:
    first = DEFAULT_COMMITS if q.first is None else q.first
    if not 1 <= first <= MAX_COMMITS:
        raise bad_input(texts.BETWEEN(name="first", low=1, high=MAX_COMMITS))
    after, interest = await _interest(ctx, q)
    page = await changes.page(
        ctx.db, after, first, entities=sorted(interest.entities), quarter=interest.quarter, actor=interest.actor
    )
    return Feed(await visible(ctx, page.records), page.next, page.has_more, page.upto)


async def visible(ctx: Context, records: Sequence[FeedRecord]) -> list[Item]:
    """The records this principal may see, with their tombstones."""
    out = []
    for r in records:
        if r.entity == "Person" and not await _may_see_person(ctx, r):
            continue
        out.append(Item(r, TOMBSTONES.get((r.entity, r.operation))))
    return out


async def _may_see_person(ctx: Context, r: FeedRecord) -> bool:
    who = ctx.principal
    if not rules.CONTACT_PERSONS.allows(who.role):
        return False
    if who.role is Role.ADMIN:
        return True
    ties = [t for found in await ctx.loaders.quarter_ties.load_many(list(r.actors)) for t in found or []]
    return may_read_personal(who, rules.CONTACT_PERSONS, ties)


# ---- the objects, as they are now ----------------------------------------------------------------


async def actor(ctx: Context, item: Item) -> ActorRecord | None:
    if item.record.entity != "Actor" or item.tombstone is not None:
        return None
    return await ctx.loaders.actor_by_id.load(item.record.entity_id)


async def cooperation(ctx: Context, item: Item) -> CooperationRecord | None:
    if item.record.entity != "Cooperation" or item.tombstone is not None:
        return None
    return await ctx.loaders.cooperation_by_id.load(item.record.entity_id)


async def contact_person(ctx: Context, item: Item) -> PersonRecord | None:
    # Items about persons exist only for readers allowed to see them (``visible``).
    if item.record.entity != "Person" or item.tombstone is not None:
        return None
    return await persons.one(ctx.db, item.record.entity_id)


# ---- live ---------------------------------------------------------------------------------------


def _key(ctx: Context) -> str:
    """Whose subscriptions count together: a token's, or an address's without one."""
    return ctx.principal.token_id or f"address:{ctx.client_address or 'unknown'}"


async def live(ctx: Context, q: FeedQuery) -> AsyncIterator[Item]:
    """Changes after ``q.after`` (if given) from the feed, then as they are committed; each
    commit once, in revision order. Ends the connection when the broker ends the subscription."""
    after, interest = await _interest(ctx, q)
    broker = ctx.services.broker
    if broker is None:
        raise ApiError("SUBSCRIPTIONS_UNAVAILABLE", texts.NO_LIVE_CHANGES())
    try:
        subscriber = await broker.subscribe(_key(ctx), interest)
    except TooManySubscriptions as exc:
        raise ApiError("TOO_MANY_SUBSCRIPTIONS", exc.reason) from exc
    except SubscriptionEnded as ended:  # the token was revoked meanwhile
        await ctx.end_connection(ended.code, localized(ended.reason, ctx.language))
        raise ApiError("SUBSCRIPTION_ENDED", ended.reason) from ended
    try:
        seen = subscriber.start
        if q.after is not None:
            async for item in _catch_up(ctx, after, subscriber.start, interest):
                yield item
            seen = max(after, subscriber.start)
        while True:
            try:
                commit = await subscriber.next()
            except SubscriptionEnded as ended:
                await ctx.end_connection(ended.code, localized(ended.reason, ctx.language))
                raise ApiError("SUBSCRIPTION_ENDED", ended.reason) from ended
            if commit.revision <= seen:  # already sent while catching up
                continue
            seen = commit.revision
            for item in await _fresh(ctx, commit, interest):
                yield item
    finally:
        broker.leave(subscriber)


async def _catch_up(ctx: Context, after: int, upto: int, interest: Interest) -> AsyncIterator[Item]:
    position = after
    while position < upto:
        page = await changes.page(
            ctx.db,
            position,
            _CATCH_UP,
            entities=sorted(interest.entities),
            quarter=interest.quarter,
            actor=interest.actor,
            upto=upto,
        )
        ctx.refresh()
        for item in await visible(ctx, page.records):
            yield item
        position = page.next
        if not page.has_more:
            break


async def _fresh(ctx: Context, commit: Commit, interest: Interest) -> list[Item]:
    # Each commit is resolved with fresh loaders, primed with what the broker read once for all.
    ctx.refresh(commit.actors.values(), commit.cooperations.values())
    return await visible(ctx, [r for r in commit.records if interest.matches(r)])
