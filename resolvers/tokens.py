"""API tokens through the API (admins), and the history of an entity (the audit trail)."""

from __future__ import annotations

from core import access as rules
from core.access import Role
from core.context import Context
from graph import audit, persons, tokens
from graph.audit import ChangeRecord
from graph.db import Transaction
from graph.tokens import IssuedToken, TokenRecord
from resolvers import ids, texts
from resolvers.access import may_read_personal, require, role_error
from resolvers.commands import CreateApiToken, RevokeApiToken
from resolvers.errors import ApiError, bad_input
from resolvers.outcomes import Outcome, Rejected, invalid, not_found
from resolvers.validation import MAX_SHORT, clean_text
from resolvers.writes import record_change, run

ISSUABLE = ("researcher", "manager", "admin")
MAX_HISTORY = 500


async def create(ctx: Context, data: CreateApiToken) -> Outcome[IssuedToken]:
    refusal = role_error(ctx.principal, rules.CREATE_API_TOKEN)
    if refusal is not None:
        return Outcome(errors=[refusal])
    label = clean_text(data.name)
    if not label or len(label) > MAX_SHORT:
        return Outcome(errors=[invalid(texts.TOKEN_NAME(limit=MAX_SHORT), "input", "name")])
    role = data.role
    if role not in ISSUABLE:
        return Outcome(errors=[invalid(texts.ONE_OF(what=texts.ROLE, choices=", ".join(ISSUABLE)), "input", "role")])
    quarters = [q.strip().lower() for q in data.quarters or []]
    if role == "manager" and not quarters:
        return Outcome(errors=[invalid(texts.MANAGER_QUARTERS(), "input", "quarters")])
    known = {q.slug for q in await ctx.loaders.quarter_by_slug.load_many(quarters) if q}
    unknown = [q for q in quarters if q not in known]
    if unknown:
        return Outcome(errors=[invalid(texts.UNKNOWN_QUARTER(slug=unknown[0]), "input", "quarters")])

    async def work(tx: Transaction) -> IssuedToken:
        issued = await tokens.create(tx, label, role, quarters)
        await record_change(
            tx,
            ctx.principal,
            "ApiToken",
            issued.record.id,
            "create",
            None,
            {"name": label, "role": role, "quarters": quarters},
        )
        return issued

    return await run(ctx, work)


async def revoke(ctx: Context, data: RevokeApiToken) -> Outcome[TokenRecord]:
    refusal = role_error(ctx.principal, rules.REVOKE_API_TOKEN)
    if refusal is not None:
        return Outcome(errors=[refusal])

    async def work(tx: Transaction) -> TokenRecord:
        record = await tokens.revoke(tx, data.id)
        if record is None:
            raise Rejected(not_found("token", data.id, "input", "id"))
        await record_change(tx, ctx.principal, "ApiToken", data.id, "revoke", None, {"revoked": True})
        return record

    outcome = await run(ctx, work)
    ctx.services.forget_tokens()
    return outcome


def viewer(ctx: Context) -> tuple[str, list[str]]:
    """The asking role's name and, for a manager, its quarters (sorted) — what a frontend may offer."""
    principal = ctx.principal
    return principal.role.value, sorted(principal.quarters) if principal.role is Role.MANAGER else []


async def listed(ctx: Context) -> list[TokenRecord]:
    require(ctx.principal, rules.API_TOKENS)
    return await tokens.all_tokens(ctx.db)


async def history(ctx: Context, global_id: str, first: int) -> list[ChangeRecord]:
    """The audit records of an entity. Admins see all; managers those of actors with a current
    membership in one of their quarters, of their cooperations and contact persons (access.py)."""
    if not 1 <= first <= MAX_HISTORY:
        raise bad_input(texts.BETWEEN(name="first", low=1, high=MAX_HISTORY))
    try:
        entity, local = ids.decode(global_id)
    except ids.InvalidGlobalId as exc:
        raise ApiError("NOT_FOUND", texts.NOT_FOUND(what=texts.ENTITY, id=global_id)) from exc
    if ctx.principal.role is not Role.ADMIN:
        require(ctx.principal, rules.HISTORY)
        if not await _manager_may_read(ctx, entity, local):
            raise ApiError("FORBIDDEN", texts.HISTORY_OUTSIDE())
    return await audit.history(ctx.db, local, first)


async def _manager_may_read(ctx: Context, entity: str, local: str) -> bool:
    if entity == "Project":  # a project's history: its quarters' managers (ended quarters included)
        project = await ctx.loaders.project_by_id.load(local)
        return (
            project is not None
            and rules.HISTORY.allows(ctx.principal.role)
            and bool(set(project.quarters) & ctx.principal.quarters)
        )
    actor_ids: list[str] = []
    if entity == "Actor":
        actor_ids = [local]
    elif entity == "Cooperation":
        found = await ctx.loaders.cooperation_by_id.load(local)
        actor_ids = [found.a_id, found.b_id] if found else []
    elif entity == "Person":
        owners = await persons.owner(ctx.db, local)
        actor_ids = [owners] if owners else []
    ties = [t for found in await ctx.loaders.quarter_ties.load_many(actor_ids) for t in found or []]
    return may_read_personal(ctx.principal, rules.HISTORY, ties)
