"""Contact persons, API tokens and the audit trail."""

from __future__ import annotations

import datetime as dt

import strawberry
from strawberry.scalars import JSON

from graph.audit import ChangeRecord
from graph.persons import PersonRecord
from graph.tokens import TokenRecord
from resolvers import ids
from resolvers.outcomes import Outcome
from resolvers.people import Erasure
from resolvers.quarter_mutations import Handover
from schema.keyed import KeyedPayload
from schema.types import ContactPerson, Quarter
from schema.user_errors import UserError, user_error


@strawberry.type(
    description="Who is asking: the role and quarters of the request's credential, so a frontend offers only what "
    "that role may do (see the README's table of roles)."
)
class Viewer:
    role: str = strawberry.field(description="public (no token), researcher, manager or admin.")
    quarters: list[str] = strawberry.field(
        description="A manager's quarters (slugs), sorted; empty for other roles. Writes also need the quarter to be "
        "active and the actor's membership in it current."
    )


@strawberry.type(description="The result of a change to a contact person.")
class ContactPersonPayload(KeyedPayload):
    person: ContactPerson | None = strawberry.field(description="The person (for a removal: as it was).")
    errors: list[UserError] = strawberry.field(description="Why the change was refused; empty on success.")

    @classmethod
    def of(cls, outcome: Outcome[PersonRecord]) -> ContactPersonPayload:
        return cls(
            person=ContactPerson.of(outcome.value) if outcome.value and not outcome.errors else None,
            errors=[user_error(e) for e in outcome.errors],
        )


@strawberry.type(description="What an erasure removed.")
class ErasureReport:
    person_id: strawberry.ID = strawberry.field(description="The erased person's global id.")
    fields: list[str] = strawberry.field(description="The kinds of personal data erased (name, email...).")
    audit_records_scrubbed: int = strawberry.field(
        description="The person's own audit records that held personal data: those fields are gone from them, "
        "the rest (such as the actor's id) stays. No other record is changed."
    )


@strawberry.type(description="The result of erasing a person (GDPR Art. 17).")
class ErasePersonPayload(KeyedPayload):
    erased: ErasureReport | None = strawberry.field(description="What was erased; null if refused.")
    errors: list[UserError] = strawberry.field(description="Why the erasure was refused; empty on success.")

    @classmethod
    def of(cls, outcome: Outcome[Erasure]) -> ErasePersonPayload:
        e = outcome.value
        return cls(
            erased=ErasureReport(
                person_id=strawberry.ID(ids.encode("Person", e.person_id)),
                fields=list(e.fields),
                audit_records_scrubbed=e.audit_records_scrubbed,
            )
            if e and not outcome.errors
            else None,
            errors=[user_error(x) for x in outcome.errors],
        )


@strawberry.type(description="An API token (the secret is shown only once, when it is created).")
class ApiToken:
    id: str = strawberry.field(description="The token's id (the part after `kg_`); recorded in the audit trail.")
    name: str = strawberry.field(description="Whose or what for.")
    role: str = strawberry.field(description="researcher, manager or admin.")
    quarters: list[str] = strawberry.field(description="A manager's quarters (slugs).")
    created_at: dt.datetime = strawberry.field(description="When it was created.")
    revoked_at: dt.datetime | None = strawberry.field(description="When it was revoked, if it was.")

    @classmethod
    def of(cls, t: TokenRecord) -> ApiToken:
        return cls(
            id=t.id,
            name=t.name,
            role=t.role,
            quarters=list(t.quarters),
            created_at=t.created_at,
            revoked_at=t.revoked_at,
        )


@strawberry.type(description="The result of creating or revoking a token.")
class ApiTokenPayload:
    token: ApiToken | None = strawberry.field(description="The token; null if refused.")
    secret: str | None = strawberry.field(
        description="The bearer token to hand over (`kg_<id>_<secret>`), only when it was just created. "
        "Only its hash is stored: it cannot be shown again."
    )
    errors: list[UserError] = strawberry.field(description="Why it was refused; empty on success.")


@strawberry.type(description="One entry of the audit trail: who changed what, when.")
class Change:
    id: str = strawberry.field(description="Id of the record.")
    at: dt.datetime = strawberry.field(description="When.")
    principal: str = strawberry.field(description="Who: `token:<id>` or `jwt:<subject>`.")
    role: str = strawberry.field(description="The role they acted in.")
    entity: str = strawberry.field(description="What kind of thing: Actor, Cooperation, Person, ApiToken.")
    operation: str = strawberry.field(description="create, update, archive, restore, merge, end, delete, erase...")
    fields: list[str] = strawberry.field(description="The fields that changed.")
    before: JSON | None = strawberry.field(description="Their values before (null for a creation).")
    after: JSON | None = strawberry.field(description="Their values after (null for a deletion).")
    erased: bool = strawberry.field(description="Whether personal data in this record was erased.")

    @classmethod
    def of(cls, c: ChangeRecord) -> Change:
        return cls(
            id=c.id,
            at=c.at,
            principal=c.principal,
            role=c.role,
            entity=c.entity,
            operation=c.operation,
            fields=list(c.fields),
            before=c.before,
            after=c.after,
            erased=c.erased,
        )


@strawberry.type(description="A manager token issued by a handover; its secret is shown once.")
class IssuedToken:
    token: ApiToken = strawberry.field(description="The token (without its secret).")
    secret: str = strawberry.field(description="The bearer token to hand over (`kg_<id>_<secret>`); not shown again.")


@strawberry.type(description="What a handover did.")
class HandoverPayload:
    quarter: Quarter | None = strawberry.field(description="The quarter handed over; null if refused.")
    issued: list[IssuedToken] = strawberry.field(description="The manager tokens issued to the successor's people.")
    withdrawn: list[ApiToken] = strawberry.field(
        description="Tokens the quarter was taken from (TRANSFER); those left with no quarter are revoked."
    )
    errors: list[UserError] = strawberry.field(description="Why it was refused; empty on success.")

    @classmethod
    def of(cls, outcome: Outcome[Handover]) -> HandoverPayload:
        done = outcome.value if not outcome.errors else None
        return cls(
            quarter=Quarter.of(done.quarter) if done else None,
            issued=[IssuedToken(token=ApiToken.of(t.record), secret=t.secret) for t in done.issued] if done else [],
            withdrawn=[ApiToken.of(t) for t in done.withdrawn] if done else [],
            errors=[user_error(e) for e in outcome.errors],
        )
