"""Who is asking: the roles and the principal a request acts for.

The HTTP layer finds the principal (kiezgraph/middleware/authentication.py), the context
carries it, and resolvers/access.py decides with it what the principal may do.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


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


PUBLIC = Principal(Role.PUBLIC)
