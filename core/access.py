"""Who is asking, and what each role may use: the roles, the principal a request acts for, and
the table of rules (:data:`RULES`) that the schema, the resolvers and the README share.

The HTTP layer finds the principal (kiezgraph/middleware/authentication.py), the context
carries it, and resolvers/access.py decides with it what the principal may do.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Final

from core.messages import Message, Text


class Role(str, Enum):  # noqa: UP042 - a str mixin, not StrEnum: str(role) stays "Role.ADMIN" as before
    PUBLIC = "public"
    RESEARCHER = "researcher"
    MANAGER = "manager"
    ADMIN = "admin"


@dataclass(frozen=True)
class Principal:
    role: Role
    quarters: frozenset[str] = field(default_factory=frozenset)  # a manager's quarters (slugs)
    token_id: str | None = None  # "token:<id>" or "jwt:<sub>"; recorded in the audit trail
    # When the credential ends (a JWT's exp, seconds since the epoch); None: only by revocation.
    expires: float | None = field(default=None, compare=False)

    @property
    def label(self) -> str:
        return self.token_id or "public"


PUBLIC = Principal(Role.PUBLIC)


# ---- the rules: which operation needs which roles ------------------------------------------
# One table for the schema (its permission checks and the sentences in field descriptions), the
# resolvers (their checks) and the README (its table of operations, compared by a test).
# Everything not listed here is open to every role, the public one included.


@dataclass(frozen=True)
class Rule:
    """Who may use one operation of the API."""

    operation: str  # as the README names it: "actorMetrics", "Actor.contactPersons", "/export/*"
    roles: frozenset[Role]
    what: str  # the activity, for refusals: "network metrics needs a researcher or admin token"
    managers: str | None = None  # for managers: limited to what of their quarters (None: not limited)

    def allows(self, role: Role) -> bool:
        return role in self.roles

    @property
    def role_names(self) -> list[str]:
        return [r.value for r in Role if r in self.roles]  # in the order of Role

    def needs(self, what: str | None = None) -> Text:
        """The refusal's message: "<what> needs a manager or admin token" (a Text: German too)."""
        listed = " or ".join(self.role_names)
        german = " oder ".join(ROLE_NAMES[r].de for r in Role if r in self.roles)
        roles = Message(f"{_article(listed)} {listed}", german)()
        return ROLE_NEEDED(what=what or self.what, roles=roles)

    @property
    def sentence(self) -> str:
        """What the schema's description says of the rule."""
        names = self.role_names
        listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"
        limit = f" Managers: {self.managers}." if self.managers else ""
        return f"Requires {_article(listed)} {listed} token.{limit}"


def _article(word: str) -> str:
    return "an" if word[:1] in ("a", "e", "i", "o", "u") else "a"


# ---- words for people (English and German; core.messages) ----------------------------------------

ROLE_NEEDED: Final = Message("{what} needs {roles} token", "{what}: nur mit einem Zugang für {roles}")
ROLE_NAMES: Final = {
    Role.PUBLIC: Message("public", "die Öffentlichkeit"),
    Role.RESEARCHER: Message("researcher", "Forschung"),
    Role.MANAGER: Message("manager", "Quartiersmanagement"),
    Role.ADMIN: Message("admin", "Administration"),
}
# The activity each rule guards, in German (the English is the rule's own ``what``).
_WHAT_DE: Final = {
    "reading contact persons": "Kontaktpersonen lesen",
    "reading the history": "Den Verlauf lesen",
    "network metrics": "Netzwerkmaße",
    "partner suggestions": "Partnervorschläge",
    "missing links": "Fehlende Verbindungen",
    "exports": "Exporte",
    "listing tokens": "Zugänge auflisten",
    "creating an actor": "Einen Akteur anlegen",
    "changing this actor": "Diesen Akteur ändern",
    "archiving this actor": "Diesen Akteur archivieren",
    "restoring this actor": "Diesen Akteur wiederherstellen",
    "changing an actor's quarters": "Die Quartiere eines Akteurs ändern",
    "merging actors": "Akteure zusammenführen",
    "recording this cooperation": "Diese Kooperation erfassen",
    "changing this cooperation": "Diese Kooperation ändern",
    "ending this cooperation": "Diese Kooperation beenden",
    "deleting a cooperation (to end one, use endCooperation)": "Eine Kooperation löschen (zum Beenden: endCooperation)",
    "deleting a project recorded by mistake (to stop one, withdraw it)": (
        "Ein versehentlich erfasstes Projekt löschen (zum Beenden: zurückziehen)"
    ),
    "adding a contact person to this actor": "Diesem Akteur eine Kontaktperson hinzufügen",
    "changing this contact person": "Diese Kontaktperson ändern",
    "removing this contact person": "Diese Kontaktperson entfernen",
    "erasing a person": "Eine Person löschen",
    "creating tokens": "Zugänge ausstellen",
    "revoking tokens": "Zugänge widerrufen",
    "recording a project": "Ein Projekt erfassen",
    "changing this project": "Dieses Projekt ändern",
    "moving this project on": "Dieses Projekt weiterführen",
    "recording this council decision": "Diesen Beschluss des Quartiersrats erfassen",
    "recording a council seat": "Einen Sitz im Quartiersrat erfassen",
    "ending this council seat": "Diesen Sitz im Quartiersrat beenden",
    "importing a partner list": "Eine Partnerliste importieren",
    "reviewing an import": "Einen Import prüfen",
    "reading an import": "Einen Import lesen",
    "the handover dossier": "Das Übergabedossier",
    "the dossier's contact persons": "Die Kontaktpersonen im Dossier",
    "ending a quarter or naming its successor": "Ein Quartier beenden oder seine Nachfolge benennen",
    "handing a quarter's manager rights over": "Die Verwaltungsrechte eines Quartiers übergeben",
}


def _rule(operation: str, roles: set[Role], what: str, managers: str | None = None) -> Rule:
    rule = Rule(operation, frozenset(roles), Message(what, _WHAT_DE[what])(), managers)
    RULES[operation] = rule
    return rule


RULES: dict[str, Rule] = {}
_ANALYSIS = {Role.RESEARCHER, Role.ADMIN}
_SUGGESTIONS = {Role.RESEARCHER, Role.MANAGER, Role.ADMIN}
_WRITERS = {Role.MANAGER, Role.ADMIN}
_ADMINS = {Role.ADMIN}
_EVERYONE = set(Role)
# What "their quarters" means for managers (the quarter rules, resolvers/access.py).
_READS_OWN = "actors with a current membership in one of their quarters (ended quarters included)"
_WRITES_OWN = "actors with a current membership in one of their active quarters"
_PROJECTS_OWN = "projects in one of their active quarters"
_TIES_OWN = "cooperations where one of the two actors has a current membership in one of their active quarters"

# reads
CONTACT_PERSONS = _rule("Actor.contactPersons", _WRITERS, "reading contact persons", f"contact persons of {_READS_OWN}")
HISTORY = _rule(
    "history",
    _WRITERS,
    "reading the history",
    f"the history of {_READS_OWN}, of their cooperations and contact persons, and of projects in their quarters",
)
ACTOR_METRICS = _rule("actorMetrics", _ANALYSIS, "network metrics")
NETWORK_METRICS = _rule("networkMetrics", _ANALYSIS, "network metrics")
SUGGEST_PARTNERS = _rule("suggestPartners", _SUGGESTIONS, "partner suggestions")
MISSING_LINKS = _rule("missingLinks", _SUGGESTIONS, "missing links")
# Exports are files of what the network query shows every role; contact persons in them follow
# Actor.contactPersons (resolvers/office_exports.py).
EXPORTS = _rule(
    "/export/*",
    {Role.PUBLIC, Role.RESEARCHER, Role.MANAGER, Role.ADMIN},
    "exports",
    f"contact persons (`contacts=true` on `/export/xlsx`) of {_READS_OWN}",
)
API_TOKENS = _rule("apiTokens", _ADMINS, "listing tokens")
# The handover dossier: everyone reads the network part (organisations only, as the public API
# shows them); the successor and contact persons only those who may read contact persons.
DOSSIER = _rule("/quarters/*/dossier", _EVERYONE, "the handover dossier")
DOSSIER_CONTACTS = _rule(
    "/quarters/*/dossier (contacts)",
    _WRITERS,
    "the dossier's contact persons",
    "contact persons of their own quarters (ended ones included)",
)
# writes
CREATE_ACTOR = _rule("createActor", _WRITERS, "creating an actor", "in their own active quarters")
UPDATE_ACTOR = _rule("updateActor", _WRITERS, "changing this actor", _WRITES_OWN)
ARCHIVE_ACTOR = _rule("archiveActor", _WRITERS, "archiving this actor", _WRITES_OWN)
RESTORE_ACTOR = _rule("restoreActor", _WRITERS, "restoring this actor", _WRITES_OWN)
SET_ACTOR_QUARTERS = _rule(
    "setActorQuarters",
    _WRITERS,
    "changing an actor's quarters",
    f"{_WRITES_OWN}, and only their own quarters' memberships",
)
MERGE_ACTORS = _rule("mergeActors", _ADMINS, "merging actors")
ADD_COOPERATION = _rule("addCooperation", _WRITERS, "recording this cooperation", _TIES_OWN)
UPDATE_COOPERATION = _rule("updateCooperation", _WRITERS, "changing this cooperation", _TIES_OWN)
END_COOPERATION = _rule("endCooperation", _WRITERS, "ending this cooperation", _TIES_OWN)
DELETE_COOPERATION = _rule("deleteCooperation", _ADMINS, "deleting a cooperation (to end one, use endCooperation)")
ADD_CONTACT_PERSON = _rule(
    "addContactPerson", _WRITERS, "adding a contact person to this actor", f"contact persons of {_WRITES_OWN}"
)
UPDATE_CONTACT_PERSON = _rule(
    "updateContactPerson", _WRITERS, "changing this contact person", f"contact persons of {_WRITES_OWN}"
)
REMOVE_CONTACT_PERSON = _rule(
    "removeContactPerson", _WRITERS, "removing this contact person", f"contact persons of {_WRITES_OWN}"
)
CREATE_PROJECT = _rule(
    "createProject",
    _WRITERS,
    "recording a project",
    "in their own active quarters only (a project in several quarters needs all of them, or an admin)",
)
UPDATE_PROJECT = _rule(
    "updateProject",
    _WRITERS,
    "changing this project",
    f"{_PROJECTS_OWN}; they add or remove only their own active quarters",
)
ADVANCE_PROJECT = _rule("advanceProject", _WRITERS, "moving this project on", _PROJECTS_OWN)
DELETE_PROJECT = _rule(
    "deleteProject",
    _WRITERS,
    "deleting a project recorded by mistake (to stop one, withdraw it)",
    f"{_PROJECTS_OWN}, still ideas without a council decision",
)
RECORD_COUNCIL_DECISION = _rule(
    "recordCouncilDecision",
    _WRITERS,
    "recording this council decision",
    f"{_PROJECTS_OWN}, decided by the council of one of those quarters",
)
ADD_COUNCIL_SEAT = _rule(
    "addCouncilSeat", _WRITERS, "recording a council seat", "on their own active quarters' councils"
)
END_COUNCIL_SEAT = _rule(
    "endCouncilSeat", _WRITERS, "ending this council seat", "on their own active quarters' councils"
)
# Reading and planning a file writes nothing; an import's plan and status are its creator's only.
CREATE_IMPORT = _rule("createImport", _WRITERS, "importing a partner list")
REVIEW_IMPORT = _rule("reviewImport", _WRITERS, "reviewing an import")
IMPORT_JOB = _rule("importJob", _WRITERS, "reading an import")
APPLY_IMPORT = _rule(
    "applyImport",
    _WRITERS,
    "importing a partner list",
    "new actors in their own active quarters only; cooperations where one of the two actors is theirs",
)
ERASE_PERSON = _rule("erasePerson", _ADMINS, "erasing a person")
SET_QUARTER_STATUS = _rule("setQuarterStatus", _ADMINS, "ending a quarter or naming its successor")
HAND_OVER_QUARTER = _rule("handOverQuarter", _ADMINS, "handing a quarter's manager rights over")
CREATE_API_TOKEN = _rule("createApiToken", _ADMINS, "creating tokens")
REVOKE_API_TOKEN = _rule("revokeApiToken", _ADMINS, "revoking tokens")
