"""What the resolvers say to people when they refuse a change or a request, in English and German.

Each entry is a :class:`core.messages.Message`; a resolver calls it with its parameters and gets a
``Text`` (English as a string), which the schema says in the request's language. A test checks that
every message here has both languages with the same placeholders. A refusal's or request
error's message is typed as a ``Text`` (resolvers/outcomes.py, resolvers/errors.py), so mypy keeps
English-only strings out.
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
PROJECT: Final = Message("project", "Projekt")
COUNCIL_SEAT: Final = Message("council seat", "Gremiensitz")
# The things by their English name, as resolvers name them in not_found().
THINGS: Final = {m.en: m for m in (ACTOR, COOPERATION, CONTACT_PERSON, TOKEN, ENTITY, PERSON, PROJECT, COUNCIL_SEAT)}
# What a list holds, for "at most N {what}".
KINDS: Final = Message("kinds", "Arten")
ACTION_FIELDS: Final = Message("action fields", "Handlungsfelder")
QUARTERS: Final = Message("quarters", "Quartiere")
TYPES: Final = Message("types", "Akteursarten")
TAGS: Final = Message("tags", "Schlagwörter")
FUNDS: Final = Message("funds", "Fonds")
STATUSES: Final = Message("statuses", "Status")
PARTNERS: Final = Message("partners", "Partner")
# Names of the choices in "{what} is one of …".
ROLE: Final = Message("role", "Rolle")
PARTNER_ROLE: Final = Message("a partner's role", "Die Rolle eines Partners")
COUNCIL: Final = Message("a council", "Ein Gremium")
RECOMMENDATION: Final = Message("a recommendation", "Eine Empfehlung")

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

# ---- request arguments (queries: BAD_USER_INPUT) --------------------------------------------------------
BETWEEN: Final = Message("`{name}` must be between {low} and {high}", "„{name}“ muss zwischen {low} und {high} liegen")
BAD_CURSOR: Final = Message("invalid `after` cursor: {reason}", "Ungültiger „after“-Cursor: {reason}")
SORT_KEYS: Final = Message("sort by at most {limit} keys", "Höchstens {limit} Sortierschlüssel")
UNKNOWN_ACTION_FIELD_KEY: Final = Message(
    "unknown action field {key!r}; see `actionFields` for the keys",
    "Unbekanntes Handlungsfeld {key!r}; die Schlüssel nennt „actionFields“",
)
UNKNOWN_QUARTER_SLUG: Final = Message(
    "unknown quarter {slug!r}; see `quarters` for the slugs",
    "Unbekanntes Quartier {slug!r}; die Kürzel nennt „quarters“",
)
NO_QUARTER_SLUG: Final = Message(
    "no quarter {slug!r}; see `quarters` for the slugs", "Kein Quartier {slug!r}; die Kürzel nennt „quarters“"
)
RANGE_BACKWARDS: Final = Message(
    "a date range must not end before it starts", "Ein Zeitraum darf nicht vor seinem Beginn enden"
)
FILTER_LIST: Final = Message("at most {limit} {what} per filter", "Höchstens {limit} {what} je Filter")
FILTER_DEPTH: Final = Message(
    "filters nest at most {limit} levels deep", "Filter lassen sich höchstens {limit} Ebenen tief verschachteln"
)
BETWEEN_TYPES: Final = Message(
    "`betweenTypes` takes exactly two actor types", "„betweenTypes“ nimmt genau zwei Akteursarten"
)
MIN_INTENSITY: Final = Message("`minIntensity` must be 1, 2 or 3", "„minIntensity“ ist 1, 2 oder 3")
FILTER_TEXT: Final = Message("`text` is limited to {limit} characters", "„text“ hat höchstens {limit} Zeichen")
NEAR_POINT: Final = Message(
    "`near` needs a latitude in [-90, 90] and a longitude in [-180, 180]",
    "„near“ braucht eine Breite zwischen -90 und 90 und eine Länge zwischen -180 und 180",
)
NOT_AN_ACTOR_ID: Final = Message("`{what}` is not an actor id", "„{what}“ ist keine Akteurs-ID")
NOT_AN_ACTOR: Final = Message("{id!r} is not an actor id", "{id!r} ist keine Akteurs-ID")
MIN_QUARTERS: Final = Message("`minQuarters` must be at least 2", "„minQuarters“ ist mindestens 2")
TIE_SOURCE: Final = Message("the tie source is one of {choices}", "Die Quelle der Verbindungen ist eine von {choices}")
DIFFERENT_ENDS: Final = Message(
    "`from` and `to` must be two different actors", "„from“ und „to“ müssen zwei verschiedene Akteure sein"
)
FROM_BEFORE_TO: Final = Message("`from` must lie before `to`", "„from“ muss vor „to“ liegen")
AFTER_REVISION: Final = Message(
    "`after` must be a revision between 0 and {limit}", "„after“ muss ein Stand zwischen 0 und {limit} sein"
)
AT_MOST_QM_ACTORS: Final = Message("at most {limit} QM actors", "Höchstens {limit} QM-Akteure")
HISTORY_OUTSIDE: Final = Message(
    "this history is outside your quarters", "Dieser Verlauf liegt außerhalb Ihrer Quartiere"
)
NO_LIVE_CHANGES: Final = Message("this service runs without live changes", "Dieser Dienst läuft ohne Live-Änderungen")

# ---- any change: keys and read-backs -------------------------------------------------------------------
BAD_KEY: Final = Message(
    "clientMutationId must be 1 to {limit} printable characters (a UUID is a good choice)",
    "clientMutationId hat 1 bis {limit} druckbare Zeichen (eine UUID ist eine gute Wahl)",
)
REUSED_KEY: Final = Message(
    "this clientMutationId was used in the last {hours} h for another mutation or another input; "
    "send a new one for a new change",
    "Diese clientMutationId wurde in den letzten {hours} h für eine andere Änderung oder andere Eingaben "
    "verwendet; für eine neue Änderung bitte eine neue senden",
)
APPLIED_UNREAD: Final = Message(
    "the change was applied, but reading it back failed ({reason}); read it again, or repeat the "
    "mutation with the same clientMutationId to get its result",
    "Die Änderung wurde gespeichert, aber das Zurücklesen schlug fehl ({reason}); bitte neu laden oder die "
    "Änderung mit derselben clientMutationId wiederholen, um ihr Ergebnis zu erhalten",
)
INTENSITY: Final = Message("intensity is 1 (loose), 2 or 3 (close)", "Die Intensität ist 1 (lose), 2 oder 3 (eng)")
AT_MOST: Final = Message("at most {limit} {what}", "Höchstens {limit} {what}")
ONE_OF: Final = Message("{what} is one of {choices}", "{what}: eines von {choices}")
UNKNOWN_STATUS: Final = Message("unknown status {status!r}", "Unbekannter Status {status!r}")

# ---- actors, tokens, contact persons --------------------------------------------------------------------
QUARTER_TWICE: Final = Message(
    "quarter {slug!r} is listed twice with the same role", "Das Quartier {slug!r} steht zweimal mit derselben Rolle da"
)
NEGATIVE_FLATS: Final = Message("flats cannot be negative", "Die Zahl der Wohnungen kann nicht negativ sein")
TYPE_FIELD: Final = Message(
    "`{field}` applies to {owner} actors only", "„{field}“ gilt nur für Akteure der Art {owner}"
)
MERGE_COUNT: Final = Message("merge 1 to 10 duplicates at a time", "Bitte 1 bis 10 Dubletten auf einmal zusammenführen")
MERGE_ITSELF: Final = Message(
    "an actor cannot be merged into itself", "Ein Akteur lässt sich nicht mit sich selbst zusammenführen"
)
DUPLICATE_TWICE: Final = Message("a duplicate is listed twice", "Eine Dublette steht zweimal in der Liste")
TOKEN_NAME: Final = Message(
    "a token needs a name of 1 to {limit} characters", "Ein Zugang braucht einen Namen mit 1 bis {limit} Zeichen"
)
MANAGER_QUARTERS: Final = Message(
    "a manager token needs its quarters", "Ein Zugang für das Quartiersmanagement braucht seine Quartiere"
)
NOT_AN_EMAIL: Final = Message("not an email address", "Keine E-Mail-Adresse")
BAD_PHONE: Final = Message(
    "a phone number has digits, spaces and + ( ) / . - only",
    "Eine Telefonnummer besteht nur aus Ziffern, Leerzeichen und + ( ) / . -",
)

# ---- quarters and handover ------------------------------------------------------------------------------
BAD_QUARTER_STATUS: Final = Message(
    "status must be ACTIVE or ENDED (a merger is recorded with the merged area)",
    "Der Status ist ACTIVE oder ENDED (eine Zusammenlegung wird beim zusammengelegten Gebiet erfasst)",
)
NEEDS_END: Final = Message("an ended quarter needs its end date", "Ein beendetes Quartier braucht sein Enddatum")
ENDS_AHEAD: Final = Message(
    "a quarter whose end date lies ahead is still active: set status ACTIVE with that end date",
    "Ein Quartier, dessen Enddatum noch bevorsteht, ist noch aktiv: bitte Status ACTIVE mit diesem Enddatum setzen",
)
QUARTER_MERGED: Final = Message(
    "quarter {slug} was merged into another area; its status stays as it is",
    "Das Quartier {slug} ging in einem anderen Gebiet auf; sein Status bleibt, wie er ist",
)
END_BEFORE_START: Final = Message(
    "the end date lies before the quarter's start", "Das Enddatum liegt vor dem Beginn des Quartiers"
)
BAD_MODE: Final = Message("mode must be SHARE or TRANSFER", "Die Art ist SHARE oder TRANSFER")
NO_SUCCESSOR: Final = Message(
    "quarter {slug} has no successor yet: name it with setQuarterStatus first",
    "Das Quartier {slug} hat noch keine Nachfolge: bitte zuerst mit setQuarterStatus benennen",
)
NOT_SUCCESSORS: Final = Message(
    "this person is not a contact person of the successor {name}",
    "Diese Person ist keine Kontaktperson der Nachfolge {name}",
)
TOO_MANY_PEOPLE: Final = Message("at most {limit} people per handover", "Höchstens {limit} Personen je Übergabe")
SUCCESSOR_ARCHIVED: Final = Message(
    "the successor must be a live actor, not an archived or merged one",
    "Die Nachfolge muss ein bestehender Akteur sein, kein archivierter oder zusammengeführter",
)

# ---- projects, councils and seats -----------------------------------------------------------------------
NO_PROJECT_QUARTER: Final = Message(
    "a project belongs to at least one quarter", "Ein Projekt gehört zu mindestens einem Quartier"
)
ONE_PROJECT_QUARTER: Final = Message(
    "only Netzwerkfonds projects span several quarters; this fund pays projects of one quarter",
    "Nur Projekte des Netzwerkfonds reichen über mehrere Quartiere; dieser Fonds bezahlt Projekte eines Quartiers",
)
NO_PROGRAMME: Final = Message(
    "a project paid from another programme needs the programme's name",
    "Ein Projekt aus einem anderen Programm braucht den Namen des Programms",
)
PROGRAMME_FOR_QUARTER_FUND: Final = Message(
    "a programme name belongs only to projects paid from another programme",
    "Einen Programmnamen haben nur Projekte aus einem anderen Programm",
)
CENTS: Final = Message(
    "an amount is given in euros with at most two decimals",
    "Ein Betrag wird in Euro mit höchstens zwei Nachkommastellen angegeben",
)
TOO_MUCH: Final = Message(
    "an amount above {limit} euros is not a quarter project",
    "Ein Betrag über {limit} Euro ist kein Quartiersprojekt",
)
NEGATIVE_AMOUNT: Final = Message(
    "an amount granted cannot be negative", "Ein bewilligter Betrag kann nicht negativ sein"
)
UNKNOWN_FUND: Final = Message(
    "unknown fund {fund!r}; a project is paid from {choices}",
    "Unbekannter Fonds {fund!r}; ein Projekt wird bezahlt aus {choices}",
)
FUND_KEPT: Final = Message("a project's fund cannot be cleared", "Der Fonds eines Projekts lässt sich nicht entfernen")
SPONSOR_IS_PARTNER: Final = Message(
    "the sponsor is not also one of the partners", "Der Projektträger ist nicht zugleich einer der Partner"
)
PARTNER_TWICE: Final = Message("each partner once", "Jeden Partner nur einmal")
ARCHIVED_NO_WORK: Final = Message(
    "archived actors take no part in new work; restore it first",
    "Archivierte Akteure nehmen an keiner neuen Arbeit teil; bitte zuerst wiederherstellen",
)
NOT_IN_QUARTER: Final = Message(
    "the actor has no membership in {quarters}; record it there first (setActorQuarters)",
    "Der Akteur gehört nicht zu {quarters}; bitte zuerst dort eintragen (setActorQuarters)",
)
BAD_TRANSITION: Final = Message(
    "a project cannot go from {current} to {wanted}; from {current} it may go to {allowed}",
    "Ein Projekt kann nicht von {current} zu {wanted} wechseln; von {current} aus geht es zu {allowed}",
)
NO_TENDER: Final = Message(
    "Aktionsfonds actions are not tendered: after approval they run; from {current} it may go to {allowed}",
    "Aktionsfonds-Aktionen werden nicht ausgeschrieben: nach der Bewilligung laufen sie; von {current} aus geht "
    "es zu {allowed}",
)
TENDER_NEEDED: Final = Message(
    "projects of this fund are tendered after approval (tendered, then awarded); from {current} it may go to {allowed}",
    "Projekte dieses Fonds werden nach der Bewilligung ausgeschrieben (tendered, dann awarded); von {current} "
    "aus geht es zu {allowed}",
)
FINAL_STATUS: Final = Message("nothing (it is final)", "nirgendwohin (der Status ist endgültig)")
NEEDS_SPONSOR: Final = Message(
    "name the project's sponsor (Projektträger) before it is {status}",
    "Bitte den Projektträger benennen, bevor das Projekt {status} ist",
)
STEP_BEFORE: Final = Message(
    "a step cannot be dated before the previous one ({previous})",
    "Ein Schritt kann nicht vor dem vorigen ({previous}) datiert sein",
)
JURY_ONLY_AKTIONSFONDS: Final = Message(
    "the Aktionsfondsjury decides Aktionsfonds actions only",
    "Die Aktionsfondsjury entscheidet nur über Aktionen des Aktionsfonds",
)
NOT_ITS_QUARTER: Final = Message(
    "the deciding council must be that of one of the project's quarters ({quarters})",
    "Entscheiden muss der Rat eines der Quartiere des Projekts ({quarters})",
)
ONLY_IDEAS_DELETED: Final = Message(
    "only a project that is still an idea without a council decision can be deleted (this one is {status}); "
    "withdraw it instead (advanceProject to withdrawn), so its record stays",
    "Löschen lässt sich nur ein Projekt, das noch eine Idee ohne Gremienbeschluss ist (dieses ist {status}); "
    "bitte stattdessen zurückziehen (advanceProject zu withdrawn), damit es erhalten bleibt",
)
NEGATIVE_VOTES: Final = Message("votes are counted from 0", "Stimmen werden ab 0 gezählt")
SEAT_TWICE: Final = Message(
    "this organisation already holds a seat on this council over an overlapping time",
    "Diese Organisation hat in einem sich überschneidenden Zeitraum schon einen Sitz in diesem Gremium",
)
