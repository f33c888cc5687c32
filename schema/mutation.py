"""The Mutation root: every field delegates to ``resolvers/`` and wraps the outcome."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.file_uploads import Upload

from core import access as rules
from core.context import Context
from resolvers import (
    actor_mutations,
    cooperation_mutations,
    imports,
    people,
    project_mutations,
    quarter_mutations,
    tokens,
)
from schema.imports import ImportDecisionInput, ImportPayload
from schema.keyed import echo
from schema.mutation_inputs import (
    ActorStateInput,
    AddContactPersonInput,
    AddCooperationInput,
    AddCouncilSeatInput,
    AdvanceProjectInput,
    CreateActorInput,
    CreateApiTokenInput,
    CreateProjectInput,
    DeleteCooperationInput,
    DeleteProjectInput,
    EndCooperationInput,
    EndCouncilSeatInput,
    HandOverQuarterInput,
    MergeActorsInput,
    PersonInput,
    RecordCouncilDecisionInput,
    RevokeApiTokenInput,
    SetActorQuartersInput,
    SetQuarterStatusInput,
    UpdateActorInput,
    UpdateContactPersonInput,
    UpdateCooperationInput,
    UpdateProjectInput,
)
from schema.payloads import (
    ActorPayload,
    CooperationPayload,
    CouncilDecisionPayload,
    CouncilSeatPayload,
    MergeActorsPayload,
    ProjectPayload,
    QuarterPayload,
)
from schema.people import ApiToken, ApiTokenPayload, ContactPersonPayload, ErasePersonPayload, HandoverPayload
from schema.permissions import described
from schema.user_errors import user_error

Info = strawberry.Info[Context, None]


@strawberry.type(
    description="Extend and correct the network. Each mutation runs in one transaction: it changes everything it "
    "says, or nothing, and reports refusals as typed `errors` in its payload."
)
class Mutation:
    @strawberry.mutation(
        description=described(
            rules.CREATE_ACTOR, "Record a new actor. Refused if a live actor has the same name as people see it."
        )
    )
    async def create_actor(
        self,
        info: Info,
        input: Annotated[CreateActorInput, strawberry.argument(description="What to do; see the input type.")],
    ) -> ActorPayload:
        return echo(ActorPayload.of(await actor_mutations.create_actor(info.context, input.command())), input)

    @strawberry.mutation(
        description=described(
            rules.UPDATE_ACTOR, "Change an actor. Send the `version` you read; a stale one is refused."
        )
    )
    async def update_actor(
        self,
        info: Info,
        input: Annotated[UpdateActorInput, strawberry.argument(description="What to do; see the input type.")],
    ) -> ActorPayload:
        return echo(ActorPayload.of(await actor_mutations.update_actor(info.context, input.command())), input)

    @strawberry.mutation(
        description=described(rules.ARCHIVE_ACTOR, "Archive an actor: it leaves default queries but keeps its history.")
    )
    async def archive_actor(
        self,
        info: Info,
        input: Annotated[ActorStateInput, strawberry.argument(description="What to do; see the input type.")],
    ) -> ActorPayload:
        return echo(
            ActorPayload.of(await actor_mutations.set_archived(info.context, input.command(), archived=True)), input
        )

    @strawberry.mutation(
        description=described(rules.RESTORE_ACTOR, "Bring an archived actor back into default queries.")
    )
    async def restore_actor(
        self,
        info: Info,
        input: Annotated[ActorStateInput, strawberry.argument(description="What to do; see the input type.")],
    ) -> ActorPayload:
        return echo(
            ActorPayload.of(await actor_mutations.set_archived(info.context, input.command(), archived=False)), input
        )

    @strawberry.mutation(
        description=described(
            rules.SET_ACTOR_QUARTERS,
            "Replace the quarters an actor is active in (with since/until and role). A manager changes only "
            "memberships in their own active quarters: every other membership must be sent back exactly as read.",
        )
    )
    async def set_actor_quarters(
        self,
        info: Info,
        input: Annotated[SetActorQuartersInput, strawberry.argument(description="What to do; see the input type.")],
    ) -> ActorPayload:
        return echo(ActorPayload.of(await actor_mutations.set_quarters(info.context, input.command())), input)

    @strawberry.mutation(
        description=described(
            rules.MERGE_ACTORS,
            "Merge duplicates into one actor: cooperations, quarters and action fields move to the survivor, "
            "the duplicates' names become alternative names, their old ids lead to the survivor. Nothing is lost.",
        )
    )
    async def merge_actors(
        self,
        info: Info,
        input: Annotated[MergeActorsInput, strawberry.argument(description="What to do; see the input type.")],
    ) -> MergeActorsPayload:
        return echo(MergeActorsPayload.of(await actor_mutations.merge_actors(info.context, input.command())), input)

    @strawberry.mutation(
        description=described(
            rules.ADD_COOPERATION,
            "Record a cooperation between two actors. Refused if they already have one of the same kind "
            "over an overlapping time (in either direction).",
        )
    )
    async def add_cooperation(
        self,
        info: Info,
        input: Annotated[AddCooperationInput, strawberry.argument(description="What to do; see the input type.")],
    ) -> CooperationPayload:
        return echo(
            CooperationPayload.of(await cooperation_mutations.add_cooperation(info.context, input.command())), input
        )

    @strawberry.mutation(
        description=described(
            rules.UPDATE_COOPERATION, "Change a cooperation. Send the `version` you read; a stale one is refused."
        )
    )
    async def update_cooperation(
        self,
        info: Info,
        input: Annotated[UpdateCooperationInput, strawberry.argument(description="What to do; see the input type.")],
    ) -> CooperationPayload:
        return echo(
            CooperationPayload.of(await cooperation_mutations.update_cooperation(info.context, input.command())), input
        )

    @strawberry.mutation(
        description=described(rules.END_COOPERATION, "End a cooperation on a day; it stays in the history.")
    )
    async def end_cooperation(
        self,
        info: Info,
        input: Annotated[EndCooperationInput, strawberry.argument(description="What to do; see the input type.")],
    ) -> CooperationPayload:
        return echo(
            CooperationPayload.of(await cooperation_mutations.end_cooperation(info.context, input.command())), input
        )

    @strawberry.mutation(
        description=described(
            rules.DELETE_COOPERATION, "Delete a cooperation recorded by mistake (to end one, use `endCooperation`)."
        )
    )
    async def delete_cooperation(
        self,
        info: Info,
        input: Annotated[DeleteCooperationInput, strawberry.argument(description="What to do; see the input type.")],
    ) -> CooperationPayload:
        return echo(
            CooperationPayload.of(await cooperation_mutations.delete_cooperation(info.context, input.command())), input
        )

    @strawberry.mutation(
        description=described(
            rules.CREATE_PROJECT,
            "Record a project as an idea, with its fund, amount, period, action fields, quarters, sponsor and "
            "partners. Sponsor and partners must be in one of its quarters.",
        )
    )
    async def create_project(
        self,
        info: Info,
        input: Annotated[CreateProjectInput, strawberry.argument(description="What to do; see the input type.")],
    ) -> ProjectPayload:
        return echo(ProjectPayload.of(await project_mutations.create_project(info.context, input.command())), input)

    @strawberry.mutation(
        description=described(
            rules.UPDATE_PROJECT, "Change a project. Send the `version` you read; a stale one is refused."
        )
    )
    async def update_project(
        self,
        info: Info,
        input: Annotated[UpdateProjectInput, strawberry.argument(description="What to do; see the input type.")],
    ) -> ProjectPayload:
        return echo(ProjectPayload.of(await project_mutations.update_project(info.context, input.command())), input)

    @strawberry.mutation(
        description=described(
            rules.ADVANCE_PROJECT,
            "Move a project one step through the QM process (idea → discussed → approved → tendered → awarded → "
            "running → finished, or rejected/withdrawn; Aktionsfonds actions skip the tender). The step is kept "
            "with its day; a step the process does not allow is an `InvalidTransitionError`.",
        )
    )
    async def advance_project(
        self,
        info: Info,
        input: Annotated[AdvanceProjectInput, strawberry.argument(description="What to do; see the input type.")],
    ) -> ProjectPayload:
        return echo(ProjectPayload.of(await project_mutations.advance_project(info.context, input.command())), input)

    @strawberry.mutation(
        description=described(
            rules.DELETE_PROJECT,
            "Delete a project recorded by mistake, while it is an idea no council has decided on; a later "
            "project is withdrawn instead (`advanceProject`), so its funds, steps and decisions stay on record. "
            "Anything else is an `InvalidTransitionError`.",
        )
    )
    async def delete_project(
        self,
        info: Info,
        input: Annotated[DeleteProjectInput, strawberry.argument(description="What to do; see the input type.")],
    ) -> ProjectPayload:
        return echo(ProjectPayload.of(await project_mutations.delete_project(info.context, input.command())), input)

    @strawberry.mutation(
        description=described(
            rules.RECORD_COUNCIL_DECISION,
            "Record a vote of a quarter's Quartiersrat or Aktionsfondsjury on a project (the jury decides "
            "Aktionsfonds actions only).",
        )
    )
    async def record_council_decision(
        self,
        info: Info,
        input: Annotated[
            RecordCouncilDecisionInput, strawberry.argument(description="What to do; see the input type.")
        ],
    ) -> CouncilDecisionPayload:
        return echo(
            CouncilDecisionPayload.of(await project_mutations.record_decision(info.context, input.command())), input
        )

    @strawberry.mutation(
        description=described(
            rules.ADD_COUNCIL_SEAT,
            "Record that an organisation of the quarter sits on its Quartiersrat or Aktionsfondsjury.",
        )
    )
    async def add_council_seat(
        self,
        info: Info,
        input: Annotated[AddCouncilSeatInput, strawberry.argument(description="What to do; see the input type.")],
    ) -> CouncilSeatPayload:
        return echo(CouncilSeatPayload.of(await project_mutations.add_seat(info.context, input.command())), input)

    @strawberry.mutation(
        description=described(rules.END_COUNCIL_SEAT, "End a council seat on a day; it stays in the history.")
    )
    async def end_council_seat(
        self,
        info: Info,
        input: Annotated[EndCouncilSeatInput, strawberry.argument(description="What to do; see the input type.")],
    ) -> CouncilSeatPayload:
        return echo(CouncilSeatPayload.of(await project_mutations.end_seat(info.context, input.command())), input)

    @strawberry.mutation(description=described(rules.ADD_CONTACT_PERSON, "Add a contact person to an actor."))
    async def add_contact_person(
        self, info: Info, input: Annotated[AddContactPersonInput, strawberry.argument(description="The person.")]
    ) -> ContactPersonPayload:
        return echo(ContactPersonPayload.of(await people.add(info.context, input.command())), input)

    @strawberry.mutation(description=described(rules.UPDATE_CONTACT_PERSON, "Change a contact person's data."))
    async def update_contact_person(
        self, info: Info, input: Annotated[UpdateContactPersonInput, strawberry.argument(description="The changes.")]
    ) -> ContactPersonPayload:
        return echo(ContactPersonPayload.of(await people.update(info.context, input.command())), input)

    @strawberry.mutation(
        description=described(
            rules.REMOVE_CONTACT_PERSON,
            "Remove a contact person from an actor. The audit trail keeps what was removed; to erase a "
            "person's data everywhere, an admin uses `erasePerson`.",
        )
    )
    async def remove_contact_person(
        self, info: Info, input: Annotated[PersonInput, strawberry.argument(description="The person.")]
    ) -> ContactPersonPayload:
        return echo(ContactPersonPayload.of(await people.remove(info.context, input.command())), input)

    @strawberry.mutation(
        description=described(
            rules.ERASE_PERSON,
            "Erase a person and their personal data everywhere, the audit trail's payloads included, and "
            "report what was erased (GDPR Art. 17).",
        )
    )
    async def erase_person(
        self, info: Info, input: Annotated[PersonInput, strawberry.argument(description="The person.")]
    ) -> ErasePersonPayload:
        return echo(ErasePersonPayload.of(await people.erase(info.context, input.command())), input)

    @strawberry.mutation(
        description=described(rules.CREATE_API_TOKEN, "Create an API token; its secret is returned once.")
    )
    async def create_api_token(
        self, info: Info, input: Annotated[CreateApiTokenInput, strawberry.argument(description="The token.")]
    ) -> ApiTokenPayload:
        outcome = await tokens.create(info.context, input.command())
        issued = outcome.value if not outcome.errors else None
        return ApiTokenPayload(
            token=ApiToken.of(issued.record) if issued else None,
            secret=issued.secret if issued else None,
            errors=[user_error(e) for e in outcome.errors],
        )

    @strawberry.mutation(
        description=described(rules.REVOKE_API_TOKEN, "Revoke an API token: it stops working at once.")
    )
    async def revoke_api_token(
        self, info: Info, input: Annotated[RevokeApiTokenInput, strawberry.argument(description="The token.")]
    ) -> ApiTokenPayload:
        outcome = await tokens.revoke(info.context, input.command())
        record = outcome.value if not outcome.errors else None
        return ApiTokenPayload(
            token=ApiToken.of(record) if record else None, secret=None, errors=[user_error(e) for e in outcome.errors]
        )

    @strawberry.mutation(
        description=described(
            rules.SET_QUARTER_STATUS,
            "End a quarter (or correct its status and end date) and name its successor. An ended quarter is "
            "read-only for everyone but admins.",
        )
    )
    async def set_quarter_status(
        self,
        info: Info,
        input: Annotated[SetQuarterStatusInput, strawberry.argument(description="What to do; see the input type.")],
    ) -> QuarterPayload:
        return echo(QuarterPayload.of(await quarter_mutations.set_status(info.context, input.command())), input)

    @strawberry.mutation(
        description=described(
            rules.HAND_OVER_QUARTER,
            "Share or transfer a quarter's manager rights with its successor's people: issues one manager token "
            "per person (secrets shown once).",
        )
    )
    async def hand_over_quarter(
        self,
        info: Info,
        input: Annotated[HandOverQuarterInput, strawberry.argument(description="What to do; see the input type.")],
    ) -> HandoverPayload:
        return HandoverPayload.of(await quarter_mutations.hand_over(info.context, input.command()))

    @strawberry.mutation(
        description=described(
            rules.CREATE_IMPORT,
            "Upload a partner list (XLSX, ODS or CSV; a multipart request per the GraphQL multipart request "
            "spec) and get its plan: per row a new actor, the existing actor it matches, possible duplicates, "
            "and errors per row and column in German and English. Nothing is written.",
        )
    )
    async def create_import(
        self,
        info: Info,
        file: Annotated[Upload, strawberry.argument(description="The file, as the multipart request's part.")],
        quarter: Annotated[
            str | None, strawberry.argument(description="The quarter (slug) of rows that name none.")
        ] = None,
        sheet: Annotated[str | None, strawberry.argument(description="Read only this sheet.")] = None,
    ) -> ImportPayload:
        content, name = await _upload(file)
        return ImportPayload.of(await imports.create_job(info.context, content, name, quarter, sheet))

    @strawberry.mutation(
        description=described(
            rules.REVIEW_IMPORT,
            "Take decisions on rows of an import (merge, create, skip) and get the plan again. Nothing is written.",
        )
    )
    async def review_import(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The import's id.")],
        decisions: Annotated[list[ImportDecisionInput], strawberry.argument(description="The decisions.")],
    ) -> ImportPayload:
        commands = [d.command() for d in decisions]
        return ImportPayload.of(await imports.review_job(info.context, str(id), commands))

    @strawberry.mutation(
        description=described(
            rules.APPLY_IMPORT,
            "Start applying an import with these (and earlier) decisions: it answers at once with the status "
            "`APPLYING` and the import is checked and written after the answer; poll `importJob` for `status`, "
            "`progress`, `result` and `errors`. All or nothing (a long list in resumable batches), with an audit "
            "record per actor and cooperation. Applying the same import again writes nothing and answers with "
            "the first result; while it is being applied, with the running import to follow (new decisions are "
            "refused then). Rows still waiting for a decision are refused at once.",
        )
    )
    async def apply_import(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The import's id.")],
        decisions: Annotated[
            list[ImportDecisionInput] | None, strawberry.argument(description="Last decisions before applying.")
        ] = None,
    ) -> ImportPayload:
        commands = [d.command() for d in decisions or []]
        return ImportPayload.of(await imports.apply_job(info.context, str(id), commands))


async def _upload(file: object) -> tuple[object, str]:
    """The bytes and name of an uploaded file (Starlette's UploadFile); anything else is passed on
    for the resolver to refuse."""
    read = getattr(file, "read", None)
    if not callable(read):
        return file, ""
    try:
        content = await read()
    finally:
        close = getattr(file, "close", None)
        if callable(close):
            await close()  # the spooled temporary file, at once rather than when collected
    return content, str(getattr(file, "filename", "") or "upload")
