"""The change feed's types: a change event, its tombstone, a page of the feed, and the revision."""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Annotated, NewType

import strawberry

from core.context import Context
from resolvers import changes
from resolvers.changes import MAX_REVISION, Feed, FeedQuery, Item
from schema.enums import values
from schema.types import Actor, ContactPerson, Cooperation, actor_of

Info = strawberry.Info[Context, None]


def _parse_revision(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValueError("a revision is a whole number")
    number = int(value)  # a numeric string is accepted, as for ID
    if not 0 <= number <= MAX_REVISION:
        raise ValueError(f"a revision is between 0 and {MAX_REVISION}")
    return number


Revision = NewType("Revision", int)
# The scalar's definition; build_schema puts it into the schema's scalar_map.
REVISION_SCALAR = strawberry.scalar(
    name="Revision",
    description="A position in the history of the data: every committed write has the next one, so a "
    "client that keeps the last revision it saw can ask for everything after it. A whole number "
    "below 2^53 (JSON numbers are exact up to there).",
    serialize=int,
    parse_value=_parse_revision,
)


@strawberry.enum(description="What kind of thing a change is about.")
class ChangeEntity(Enum):
    ACTOR = strawberry.enum_value("Actor", description="An actor.")
    COOPERATION = strawberry.enum_value("Cooperation", description="A cooperation.")
    CONTACT_PERSON = strawberry.enum_value(
        "Person", description="A contact person (only for those who may read the actor's contact persons)."
    )
    NETWORK = strawberry.enum_value(
        "Network", description="The whole network, changed without mutations (a bulk load): read it again."
    )


@strawberry.enum(description="What happened.")
class ChangeOperation(Enum):
    CREATE = strawberry.enum_value("create", description="It was created.")
    UPDATE = strawberry.enum_value("update", description="Fields changed (see `fields`).")
    ARCHIVE = strawberry.enum_value("archive", description="An actor was archived (a tombstone).")
    RESTORE = strawberry.enum_value("restore", description="An archived actor was restored.")
    SET_QUARTERS = strawberry.enum_value("set_quarters", description="An actor's quarter memberships changed.")
    MERGE = strawberry.enum_value("merge", description="Duplicates were merged into this actor.")
    MERGED_AWAY = strawberry.enum_value(
        "merged_away", description="This actor was merged into another (a tombstone naming it)."
    )
    END = strawberry.enum_value("end", description="A cooperation ended (`until` was set).")
    DELETE = strawberry.enum_value("delete", description="It was deleted (a tombstone).")
    MOVE = strawberry.enum_value("move", description="A contact person moved to another actor by a merge.")
    ERASE = strawberry.enum_value("erase", description="A person's data was erased (a tombstone).")
    RELOAD = strawberry.enum_value("reload", description="The whole network changed: read what you show again.")


@strawberry.enum(description="Why a thing left the network.")
class TombstoneReason(Enum):
    ARCHIVED = strawberry.enum_value("archived", description="The actor was archived (it may be restored).")
    MERGED = strawberry.enum_value("merged", description="The actor was merged into another (`mergedInto`).")
    DELETED = strawberry.enum_value("deleted", description="It was deleted.")
    ERASED = strawberry.enum_value("erased", description="A person's data was erased (GDPR Art. 17).")


@strawberry.type(description="The mark a thing leaves in the feed when it leaves the network.")
class Tombstone:
    reason: TombstoneReason = strawberry.field(description="Why.")
    merged_into: strawberry.ID | None = strawberry.field(
        description="For a merged actor: the id of the actor it was merged into."
    )


@strawberry.type(
    description="One thing changed by one commit. Several events can share a revision (a merge changes "
    "several things at once); a client applies them in order. The object is as it is now, as the "
    "reader may see it; it is null once the thing is gone (the event that removed it has a tombstone)."
)
class ChangeEvent:
    revision: Revision = strawberry.field(description="The commit's revision; resume after it.")
    at: dt.datetime = strawberry.field(description="When it was committed.")
    entity: ChangeEntity = strawberry.field(description="What kind of thing changed.")
    entity_id: strawberry.ID = strawberry.field(
        description="The global id of the thing that changed (`node(id:)` finds actors and cooperations)."
    )
    operation: ChangeOperation = strawberry.field(description="What happened.")
    fields: list[str] = strawberry.field(description="The names of the fields that changed (never their values).")
    quarters: list[str] = strawberry.field(
        description="The quarters (slugs) of the actors the change touches, including quarters they just left."
    )
    tombstone: Tombstone | None = strawberry.field(
        description="Set when this change removed the thing from the network; null otherwise."
    )
    item: strawberry.Private[Item]

    @classmethod
    def of(cls, item: Item) -> ChangeEvent:
        r = item.record
        return cls(
            revision=Revision(r.revision),
            at=r.at,
            entity=ChangeEntity(r.entity),
            entity_id=strawberry.ID(item.global_id),
            operation=ChangeOperation(r.operation),
            fields=list(r.fields),
            quarters=list(r.quarters),
            tombstone=Tombstone(
                reason=TombstoneReason(item.tombstone),
                merged_into=strawberry.ID(item.merged_into) if item.merged_into else None,
            )
            if item.tombstone
            else None,
            item=item,
        )

    @strawberry.field(description="The actor as it is now, for changes of actors (null after a tombstone).")
    async def actor(self, info: Info) -> Actor | None:
        record = await changes.actor(info.context, self.item)
        return actor_of(record) if record else None

    @strawberry.field(description="The cooperation as it is now, for changes of cooperations (null once deleted).")
    async def cooperation(self, info: Info) -> Cooperation | None:
        record = await changes.cooperation(info.context, self.item)
        return Cooperation.of(record) if record else None

    @strawberry.field(
        description="The contact person as they are now, for changes of contact persons (null once removed or "
        "erased). Such changes reach only those who may read the actor's contact persons."
    )
    async def contact_person(self, info: Info) -> ContactPerson | None:
        record = await changes.contact_person(info.context, self.item)
        return ContactPerson.of(record) if record else None


@strawberry.type(description="A page of the change feed: whole commits in revision order.")
class ChangeFeed:
    events: list[ChangeEvent] = strawberry.field(description="The changes, oldest first.")
    next: Revision = strawberry.field(
        description="Pass this as `after` for the next page (or to wait for new changes): every commit up to it "
        "has been considered."
    )
    has_more: bool = strawberry.field(description="Whether more commits wait after `next`.")
    revision: Revision = strawberry.field(description="The last committed revision when this page was read.")

    @classmethod
    def of(cls, f: Feed) -> ChangeFeed:
        return cls(
            events=[ChangeEvent.of(i) for i in f.items],
            next=Revision(f.next),
            has_more=f.has_more,
            revision=Revision(f.revision),
        )


AfterArg = Annotated[
    Revision | None,
    strawberry.argument(description="Only changes committed after this revision (default: from the beginning)."),
]
QuarterArg = Annotated[
    str | None, strawberry.argument(description="Only changes touching actors of this quarter (slug).")
]
EntitiesArg = Annotated[
    list[ChangeEntity] | None, strawberry.argument(description="Only changes of these kinds (default: all).")
]


def feed_query(
    after: int | None,
    quarter: str | None,
    entity: list[ChangeEntity] | None,
    first: int | None = None,
    actor: str | None = None,
) -> FeedQuery:
    return FeedQuery(
        after=after,
        quarter=quarter,
        entities=values(entity) if entity else None,
        first=first,
        actor=actor,
    )
