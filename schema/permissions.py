"""Permissions as the schema declares them, from the one table of rules in :mod:`core.access`.

A guarded query field is declared with :func:`guarded`: a strawberry permission refuses other
roles with a ``FORBIDDEN`` GraphQL error before the resolver runs, and the field's description
ends with the rule's sentence ("Requires a researcher or admin token."). Mutations refuse in
their payload (a ``ForbiddenError``, checked by resolvers against the same rule); their
descriptions get the sentence through :func:`described`.
"""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.permission import BasePermission, PermissionExtension

from core.access import Rule
from resolvers.errors import ApiError


class Allowed(BasePermission):
    """The caller's role is one the rule allows."""

    def __init__(self, rule: Rule) -> None:
        self.rule = rule
        self.message = rule.needs()

    def has_permission(self, source: Any, info: strawberry.Info, **kwargs: Any) -> bool:
        return self.rule.allows(info.context.principal.role)

    def on_unauthorized(self) -> None:
        # Our own error type: it keeps its message and code through the error masking (schema/errors.py).
        raise ApiError("FORBIDDEN", self.rule.needs())


def described(rule: Rule, description: str) -> str:
    """``description`` followed by the rule's sentence."""
    return f"{description} {rule.sentence}"


def guarded(rule: Rule, description: str, **options: Any) -> Any:
    """A ``strawberry.field`` (used as a decorator) that only the rule's roles may resolve.

    Directives are off: strawberry would otherwise print one per permission class into the SDL.
    """
    return strawberry.field(
        description=described(rule, description),
        extensions=[PermissionExtension([Allowed(rule)], use_directives=False)],
        **options,
    )
