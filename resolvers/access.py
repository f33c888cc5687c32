"""Who may do what. Every resolver asks here before it reads or writes.

| role       | reads                                           | writes                                      |
|------------|--------------------------------------------------|---------------------------------------------|
| public     | quarters, actors, cooperations, networks         | —                                           |
|            | (no contact persons; can be switched off)        |                                             |
| researcher | public reads, metrics, exports, suggestions      | —                                           |
| manager    | public reads, suggestions, contact persons and   | actors, cooperations and contact persons in |
|            | history of actors in their quarters              | their quarters                              |
| admin      | everything                                       | everything, incl. merges, deletions, tokens |
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum

from resolvers.errors import ApiError
from resolvers.outcomes import UserError


class Role(str, Enum):
    PUBLIC = "public"
    RESEARCHER = "researcher"
    MANAGER = "manager"
    ADMIN = "admin"


@dataclass(frozen=True)
class Principal:
    role: Role
    quarters: frozenset[str] = field(default_factory=frozenset)  # a manager's quarters (slugs)
    token_id: str | None = None  # "token:<id>" or "jwt:<sub>"; recorded in the audit trail

    @property
    def label(self) -> str:
        return self.token_id or "public"

    def covers(self, quarters: Iterable[str]) -> bool:
        """Whether a manager's quarters include one of ``quarters`` (admins cover everything)."""
        if self.role is Role.ADMIN:
            return True
        return self.role is Role.MANAGER and not self.quarters.isdisjoint(quarters)


PUBLIC = Principal(Role.PUBLIC)
ADMIN_ROLES = (Role.ADMIN,)
ANALYSIS_ROLES = (Role.RESEARCHER, Role.ADMIN)
SUGGESTION_ROLES = (Role.RESEARCHER, Role.MANAGER, Role.ADMIN)
WRITER_ROLES = (Role.MANAGER, Role.ADMIN)


def _needs(roles: Iterable[Role]) -> str:
    names = [r.value for r in roles]
    return " or ".join(names)


def require(principal: Principal, roles: Iterable[Role], what: str) -> None:
    """Raise FORBIDDEN (a GraphQL error with ``extensions.code``) unless the role is among ``roles``."""
    roles = tuple(roles)
    if principal.role not in roles:
        raise ApiError("FORBIDDEN", f"{what} needs a {_needs(roles)} token")


def forbidden(message: str) -> UserError:
    return UserError("FORBIDDEN", message, None)


def write_error(principal: Principal, quarters: Iterable[str], what: str) -> UserError | None:
    """Why ``principal`` may not write ``what`` touching ``quarters``; None if it may."""
    if principal.role not in WRITER_ROLES:
        return forbidden(f"{what} needs a manager or admin token")
    if not principal.covers(quarters):
        return forbidden(f"{what} is outside your quarters ({', '.join(sorted(principal.quarters)) or 'none'})")
    return None


def admin_error(principal: Principal, what: str) -> UserError | None:
    return None if principal.role is Role.ADMIN else forbidden(f"{what} needs an admin token")
