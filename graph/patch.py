"""Partial updates: a field of a patch left at :data:`KEEP` stays as stored; ``None`` clears it."""

from __future__ import annotations

from enum import Enum
from typing import Final, Literal, TypeAlias, TypeGuard, TypeVar

T = TypeVar("T")


class Keep(Enum):
    KEEP = "KEEP"


KEEP: Final = Keep.KEEP
Change: TypeAlias = T | Literal[Keep.KEEP]


def changes(value: T | Literal[Keep.KEEP]) -> TypeGuard[T]:
    """Whether a patch field sets something (a value, or ``None`` to clear)."""
    return value is not KEEP
