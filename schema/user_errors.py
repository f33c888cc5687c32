"""Typed errors that mutations return as data (``UserError``): why nothing changed, and where in
the input. Each :class:`resolvers.outcomes.RefusalCode` has its type here."""

from __future__ import annotations

import datetime as dt
from typing import assert_never

import strawberry

from core.context import Context
from core.messages import localized
from resolvers.outcomes import Refusal, RefusalCode
from schema.types import Actor, Cooperation, actor_of


@strawberry.interface(description="A reason a mutation was refused. A refused mutation changes nothing.")
class UserError:
    code: str = strawberry.field(description="Stable machine-readable code, e.g. `STALE_VERSION`.")
    message: str = strawberry.field(
        description="What went wrong, for people: in German if the request's `Accept-Language` asks for it, "
        "else in English."
    )
    path: list[str] | None = strawberry.field(
        description='Where in the mutation\'s arguments the problem lies, e.g. `["input", "name"]`.'
    )


@strawberry.type(description="Something addressed by id does not exist.")
class NotFoundError(UserError):
    id: str = strawberry.field(description="The id that was not found.")


@strawberry.type(description="Input that breaks a rule: a wrong field for the actor type, a bad URL, a range...")
class ValidationError(UserError):
    pass


@strawberry.type(description="A name that is empty (or only spaces).")
class EmptyNameError(UserError):
    pass


@strawberry.type(description="The object changed since you read it; read it again and reapply your change.")
class StaleVersionError(UserError):
    expected_version: int = strawberry.field(description="The version you sent.")
    current_version: int = strawberry.field(description="The version it has now.")


@strawberry.type(description="An `until` date that lies before the `since` date.")
class InvalidDateRangeError(UserError):
    since: dt.date | None = strawberry.field(description="The start given or stored.")
    until: dt.date | None = strawberry.field(description="The end given.")


@strawberry.type(description="An action-field key that does not exist (see `actionFields`).")
class UnknownActionFieldError(UserError):
    key: str = strawberry.field(description="The unknown key.")


@strawberry.type(description="A quarter slug that does not exist (see `quarters`).")
class UnknownQuarterError(UserError):
    slug: str = strawberry.field(description="The unknown slug.")


@strawberry.type(description="An actor cannot cooperate with itself.")
class SelfCooperationError(UserError):
    pass


@strawberry.type(
    description="The two actors already have a cooperation of this kind over an overlapping time, recorded in "
    "either direction. Update or end that one instead."
)
class DuplicateCooperationError(UserError):
    existing_id: strawberry.Private[str]

    @strawberry.field(description="The cooperation that exists already.")
    async def existing(self, info: strawberry.Info[Context, None]) -> Cooperation | None:
        found = await info.context.loaders.cooperation_by_id.load(self.existing_id)
        return Cooperation.of(found) if found else None


@strawberry.type(
    description="A live actor already has this name as people see it (case, accents, umlaut spellings and legal forms "
    "aside). "
    "Merge or rename, or create or rename it anyway with `allowDuplicateName: true`."
)
class DuplicateActorError(UserError):
    existing_ids: strawberry.Private[list[str]]

    @strawberry.field(description="The actors with the same name.")
    async def existing(self, info: strawberry.Info[Context, None]) -> list[Actor]:
        found = await info.context.loaders.actor_by_id.load_many(self.existing_ids)
        return [actor_of(a) for a in found if a is not None]


@strawberry.type(description="Your token may not do this (wrong role, or outside your quarters).")
class ForbiddenError(UserError):
    pass


@strawberry.type(
    description="The `clientMutationId` was used within the last 24 hours for another mutation or another input. "
    "Nothing changed; send a new key for a new change."
)
class IdempotencyKeyReusedError(UserError):
    pass


@strawberry.type(
    description="A step the QM process does not allow from the project's status (e.g. from idea straight to "
    "running, a tender for an Aktionsfonds action, or an award without a sponsor)."
)
class InvalidTransitionError(UserError):
    from_status: str = strawberry.field(description="The project's status (as stored, e.g. `idea`).")
    to_status: str = strawberry.field(description="The status asked for.")
    allowed: list[str] = strawberry.field(description="The statuses it may go to from here.")


@strawberry.type(
    description="A fund kiezgraph does not know: another programme without its name (`programme`), or a value "
    "that is none of the funds."
)
class UnknownFundError(UserError):
    pass


@strawberry.type(description="An amount below zero.")
class NegativeAmountError(UserError):
    amount: str = strawberry.field(description="The amount sent, in euros.")


@strawberry.type(
    description="An actor named as sponsor, partner or council member has no membership in the quarter(s) "
    "concerned; record it there first (`setActorQuarters`)."
)
class ActorNotInQuarterError(UserError):
    actor_id: strawberry.ID = strawberry.field(description="The actor's global id.")
    quarters: list[str] = strawberry.field(description="The quarters (slugs) it would have to be in (one of).")


@strawberry.type(
    description="The same import (the same file, options and decisions: the same import key) is being applied "
    "right now, by another request or another instance. Nothing was written by this one; poll the running one, "
    "or apply again when it has finished (it then answers with its result)."
)
class ImportRunningError(UserError):
    key: str = strawberry.field(description="The import key both applies share.")


ERROR_TYPES: tuple[type, ...] = (
    ForbiddenError,
    NotFoundError,
    ValidationError,
    EmptyNameError,
    StaleVersionError,
    InvalidDateRangeError,
    UnknownActionFieldError,
    UnknownQuarterError,
    SelfCooperationError,
    DuplicateCooperationError,
    DuplicateActorError,
    IdempotencyKeyReusedError,
    InvalidTransitionError,
    UnknownFundError,
    NegativeAmountError,
    ActorNotInQuarterError,
    ImportRunningError,
)


def user_error(refusal: Refusal) -> UserError:
    """The GraphQL error type of a refusal; every :class:`RefusalCode` has one (mypy checks that
    this match is exhaustive, and a test maps every member)."""
    code, message, path, d = (
        refusal.code,
        localized(refusal.message),
        list(refusal.path) if refusal.path else None,
        refusal.details,
    )
    match code:
        case RefusalCode.NOT_FOUND:
            return NotFoundError(code=code.value, message=message, path=path, id=d.get("id", ""))
        case RefusalCode.VALIDATION:
            return ValidationError(code=code.value, message=message, path=path)
        case RefusalCode.EMPTY_NAME:
            return EmptyNameError(code=code.value, message=message, path=path)
        case RefusalCode.STALE_VERSION:
            return StaleVersionError(
                code=code.value,
                message=message,
                path=path,
                expected_version=d["expected"],
                current_version=d["current"],
            )
        case RefusalCode.INVALID_DATE_RANGE:
            return InvalidDateRangeError(
                code=code.value, message=message, path=path, since=d.get("since"), until=d.get("until")
            )
        case RefusalCode.UNKNOWN_ACTION_FIELD:
            return UnknownActionFieldError(code=code.value, message=message, path=path, key=d["key"])
        case RefusalCode.UNKNOWN_QUARTER:
            return UnknownQuarterError(code=code.value, message=message, path=path, slug=d["slug"])
        case RefusalCode.SELF_COOPERATION:
            return SelfCooperationError(code=code.value, message=message, path=path)
        case RefusalCode.DUPLICATE_COOPERATION:
            return DuplicateCooperationError(code=code.value, message=message, path=path, existing_id=d["existing"])
        case RefusalCode.DUPLICATE_ACTOR:
            return DuplicateActorError(code=code.value, message=message, path=path, existing_ids=list(d["existing"]))
        case RefusalCode.FORBIDDEN:
            return ForbiddenError(code=code.value, message=message, path=path)
        case RefusalCode.IDEMPOTENCY_KEY_REUSED:
            return IdempotencyKeyReusedError(code=code.value, message=message, path=path)
        case RefusalCode.INVALID_TRANSITION:
            return InvalidTransitionError(
                code=code.value,
                message=message,
                path=path,
                from_status=d.get("from", ""),
                to_status=d.get("to", ""),
                allowed=list(d.get("allowed", ())),
            )
        case RefusalCode.UNKNOWN_FUND:
            return UnknownFundError(code=code.value, message=message, path=path)
        case RefusalCode.NEGATIVE_AMOUNT:
            return NegativeAmountError(code=code.value, message=message, path=path, amount=d.get("amount", ""))
        case RefusalCode.ACTOR_NOT_IN_QUARTER:
            return ActorNotInQuarterError(
                code=code.value,
                message=message,
                path=path,
                actor_id=strawberry.ID(d.get("actor", "")),
                quarters=list(d.get("quarters", ())),
            )
        case RefusalCode.IMPORT_RUNNING:
            return ImportRunningError(code=code.value, message=message, path=path, key=d.get("key", ""))
        case _:
            assert_never(code)
