"""What the resolvers say to people when they refuse a change or a request, in English and German.

Each entry is a :class:`core.messages.Message`; a resolver calls it with its parameters and gets a
``Text`` (English as a string), which the schema says in the request's language. A test checks that
every message here has both languages with the same placeholders. Messages not yet moved here are
English only (they are listed in the README's section on languages).
"""

from __future__ import annotations

from typing import Final

from core.messages import Message

# ---- things ---------------------------------------------------------------------------------------------
ACTOR: Final = Message("actor", "Akteur")
COOPERATION: Final = Message("cooperation", "Kooperation")
CONTACT_PERSON: Final = Message("contact person", "Kontaktperson")
TOKEN: Final = Message("token", "Zugang")
ENTITY: Final = Message("entity", "Eintrag")
PERSON: Final = Message("person", "Person")
# The things by their English name, as resolvers name them in not_found().
THINGS: Final = {m.en: m for m in (ACTOR, COOPERATION, CONTACT_PERSON, TOKEN, ENTITY, PERSON)}

# ---- any change -----------------------------------------------------------------------------------------
NOT_FOUND: Final = Message("no {what} with id {id!r}", "{what} mit der ID {id!r} nicht gefunden")
STALE: Final = Message(
    "the object was changed meanwhile (you sent version {expected}, it is now at {current}); "
    "read it again and reapply your change",
    "Der Eintrag wurde inzwischen geändert (Ihre Fassung {expected}, jetzt {current}); "
    "bitte neu laden und die Änderung noch einmal vornehmen",
)
EMPTY_NAME: Final = Message("a name must not be empty", "Der Name darf nicht leer sein")
NAME_TOO_LONG: Final = Message("a name is limited to {limit} characters", "Ein Name hat höchstens {limit} Zeichen")
NAME_CONTROL: Final = Message(
    "a name must not contain control characters", "Ein Name darf keine Steuerzeichen enthalten"
)
TEXT_TOO_LONG: Final = Message("limited to {limit} characters", "höchstens {limit} Zeichen")
TOO_MANY_ENTRIES: Final = Message("at most {limit} entries", "höchstens {limit} Einträge")
EMPTY_ENTRY: Final = Message("entries must not be empty", "Einträge dürfen nicht leer sein")
ENTRY_TOO_LONG: Final = Message("entries are limited to {limit} characters", "Einträge haben höchstens {limit} Zeichen")
NOT_A_WEBSITE: Final = Message("a website must be an http(s) URL", "Eine Website ist eine http(s)-Adresse")
BAD_COORDINATES: Final = Message(
    "latitude must lie in [-90, 90] and longitude in [-180, 180]",
    "Die Breite liegt zwischen -90 und 90, die Länge zwischen -180 und 180",
)
UNTIL_BEFORE_SINCE: Final = Message(
    "`until` ({until}) lies before `since` ({since})", "„bis“ ({until}) liegt vor „seit“ ({since})"
)
UNKNOWN_ACTION_FIELD: Final = Message("unknown action field {key!r}", "Unbekanntes Handlungsfeld {key!r}")
UNKNOWN_QUARTER: Final = Message("unknown quarter {slug!r}", "Unbekanntes Quartier {slug!r}")

# ---- actors ---------------------------------------------------------------------------------------------
# Said to people (the map shows it beside the name field): plain words, no field names of the API; the
# schema's description of DuplicateActorError tells developers about `allowDuplicateName`.
DUPLICATE_ACTOR: Final = Message(
    "an actor named like {name!r} exists already; use that one, choose another name, "
    "or confirm that this is a different actor with a similar name",
    "Einen Akteur mit einem Namen wie {name!r} gibt es schon; bitte den vorhandenen nehmen, einen anderen "
    "Namen wählen oder bestätigen, dass es ein anderer Akteur mit ähnlichem Namen ist",
)

# ---- cooperations ---------------------------------------------------------------------------------------
TWO_ACTORS: Final = Message("a cooperation joins exactly two actors", "Eine Kooperation verbindet genau zwei Akteure")
SELF_COOPERATION: Final = Message(
    "an actor cannot cooperate with itself", "Ein Akteur kann nicht mit sich selbst kooperieren"
)
DUPLICATE_COOPERATION: Final = Message(
    "these two actors already have a cooperation of this kind over the same time; update or end that one",
    "Diese beiden Akteure haben schon eine Kooperation dieser Art im selben Zeitraum; bitte diese ändern oder beenden",
)
ARCHIVED_TAKES_NONE: Final = Message(
    "archived actors take no new cooperations; restore it first",
    "Archivierte Akteure bekommen keine neuen Kooperationen; bitte zuerst wiederherstellen",
)
KIND_KEPT: Final = Message(
    "a cooperation's kind cannot be cleared", "Die Art einer Kooperation lässt sich nicht entfernen"
)

# ---- a manager's quarters (resolvers/access.py) ---------------------------------------------------------
OUTSIDE_QUARTERS: Final = Message(
    "{what} is outside your quarters ({quarters})", "{what} liegt außerhalb Ihrer Quartiere ({quarters})"
)
NO_QUARTERS: Final = Message("none", "keine")
MEMBERSHIP_ENDED: Final = Message(
    "{what}: the actor's membership in {quarter} ended on {until}; only current memberships give rights",
    "{what}: Die Zugehörigkeit des Akteurs zu {quarter} endete am {until}; Rechte geben nur laufende Zugehörigkeiten",
)
QUARTER_ENDED: Final = Message(
    "{what}: quarter {quarter} has ended and is read-only for managers; an admin can still change it",
    "{what}: Das Quartier {quarter} ist beendet und für das Quartiersmanagement nur lesbar; die "
    "Administration kann es noch ändern",
)
FOREIGN_MEMBERSHIPS: Final = Message(
    "a manager changes only the memberships of their own active quarters; keep those in {quarters} exactly as they are",
    "Das Quartiersmanagement ändert nur Zugehörigkeiten zu den eigenen aktiven Quartieren; die zu "
    "{quarters} bitte unverändert lassen",
)
NOT_OWN_QUARTER: Final = Message(
    "a manager may place actors in their own quarters only",
    "Das Quartiersmanagement kann Akteure nur den eigenen Quartieren zuordnen",
)
NO_CURRENT_MEMBERSHIP: Final = Message(
    "a new actor needs a current membership in one of your quarters",
    "Ein neuer Akteur braucht eine laufende Zugehörigkeit zu einem Ihrer Quartiere",
)

# ---- partner suggestions --------------------------------------------------------------------------------
ARCHIVED_NO_SUGGESTIONS: Final = Message(
    "the actor is archived; restore it before looking for partners",
    "Der Akteur ist archiviert; bitte vor der Partnersuche wiederherstellen",
)
FIRST_BETWEEN: Final = Message(
    "`first` must be between {low} and {high}", "„first“ muss zwischen {low} und {high} liegen"
)
BAD_WEIGHTS: Final = Message(
    "weights must be non-negative and not all zero", "Gewichte dürfen nicht negativ und nicht alle null sein"
)
