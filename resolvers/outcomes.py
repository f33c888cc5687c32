"""Mutation outcomes: the changed object, or typed errors saying why nothing changed."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class UserError:
    """A reason a mutation was refused. ``code`` selects the GraphQL error type."""

    code: str  # NOT_FOUND, VALIDATION, STALE_VERSION, DUPLICATE_COOPERATION, ...
    message: str
    path: tuple[str, ...] | None = None  # where in the input, e.g. ("input", "name")
    details: dict[str, Any] = field(default_factory=dict)


@dataclass
class Outcome(Generic[T]):
    value: T | None = None
    errors: list[UserError] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    receipt: Any = None  # what the write transaction returned (see resolvers.writes.run)


class Rejected(Exception):
    """Raised inside a write transaction to roll it back and report ``errors``."""

    def __init__(self, *errors: UserError) -> None:
        super().__init__(errors[0].message if errors else "rejected")
        self.errors = list(errors)


def not_found(what: str, global_id: str, *path: str) -> UserError:
    return UserError("NOT_FOUND", f"no {what} with id {global_id!r}", path or None, {"id": global_id})


def invalid(message: str, *path: str) -> UserError:
    return UserError("VALIDATION", message, path or None)


def stale(expected: int, current: int, *path: str) -> UserError:
    return UserError(
        "STALE_VERSION",
        f"the object was changed meanwhile (you sent version {expected}, it is now at {current}); "
        "read it again and reapply your change",
        path or ("input", "version"),
        {"expected": expected, "current": current},
    )
