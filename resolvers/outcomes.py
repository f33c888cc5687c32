"""Mutation outcomes: the changed object, or refusals saying why nothing changed."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Generic, TypeVar

from core.messages import Text
from resolvers import texts

T = TypeVar("T")


class RefusalCode(Enum):
    """Why a mutation was refused: a closed set. The schema maps each member to its GraphQL error
    type (schema/user_errors.py, checked to be exhaustive); the value is the public ``code``."""

    NOT_FOUND = "NOT_FOUND"
    VALIDATION = "VALIDATION"
    EMPTY_NAME = "EMPTY_NAME"
    STALE_VERSION = "STALE_VERSION"
    INVALID_DATE_RANGE = "INVALID_DATE_RANGE"
    UNKNOWN_ACTION_FIELD = "UNKNOWN_ACTION_FIELD"
    UNKNOWN_QUARTER = "UNKNOWN_QUARTER"
    SELF_COOPERATION = "SELF_COOPERATION"
    DUPLICATE_COOPERATION = "DUPLICATE_COOPERATION"
    DUPLICATE_ACTOR = "DUPLICATE_ACTOR"
    FORBIDDEN = "FORBIDDEN"
    IDEMPOTENCY_KEY_REUSED = "IDEMPOTENCY_KEY_REUSED"
    INVALID_TRANSITION = "INVALID_TRANSITION"
    UNKNOWN_FUND = "UNKNOWN_FUND"
    NEGATIVE_AMOUNT = "NEGATIVE_AMOUNT"
    ACTOR_NOT_IN_QUARTER = "ACTOR_NOT_IN_QUARTER"
    IMPORT_RUNNING = "IMPORT_RUNNING"


@dataclass(frozen=True)
class Refusal:
    """A reason a mutation was refused (the payload's ``errors``; GraphQL calls it ``UserError``)."""

    code: RefusalCode
    message: Text  # said in the request's language (core/messages.py); mypy keeps plain strings out
    path: tuple[str, ...] | None = None  # where in the input, e.g. ("input", "name")
    details: dict[str, Any] = field(default_factory=dict)


@dataclass
class Outcome(Generic[T]):
    value: T | None = None
    errors: list[Refusal] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    receipt: Any = None  # what the write transaction returned (see resolvers.writes.run)


class Rejected(Exception):
    """Raised inside a write transaction to roll it back and report ``errors``."""

    def __init__(self, *errors: Refusal) -> None:
        super().__init__(errors[0].message if errors else "rejected")
        self.errors = list(errors)


def not_found(what: str, global_id: str, *path: str) -> Refusal:
    message = texts.NOT_FOUND(what=texts.THINGS.get(what, what), id=global_id)
    return Refusal(RefusalCode.NOT_FOUND, message, path or None, {"id": global_id})


def invalid(message: Text, *path: str) -> Refusal:
    return Refusal(RefusalCode.VALIDATION, message, path or None)


def stale(expected: int, current: int, *path: str) -> Refusal:
    return Refusal(
        RefusalCode.STALE_VERSION,
        texts.STALE(expected=expected, current=current),
        path or ("input", "version"),
        {"expected": expected, "current": current},
    )
