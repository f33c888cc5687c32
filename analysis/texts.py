"""The reasons of partner suggestions and missing links in words, in English and German.

analysis/ imports nothing of ours (it is pure computation), so its catalogue is a plain table of
templates; the resolvers pass the request's language in (``core.messages.negotiate``), and a test
checks that every entry has both languages with the same placeholders.
"""

from __future__ import annotations

from typing import Final

Templates = dict[str, str]

REASONS: Final[dict[str, Templates]] = {
    "SHARED_PARTNER": {"en": "shares 1 partner: {names}", "de": "1 gemeinsamer Partner: {names}"},
    "SHARED_PARTNERS": {"en": "shares {n} partners: {names}", "de": "{n} gemeinsame Partner: {names}"},
    "SHARED_ACTION_FIELDS": {"en": "also works on {names}", "de": "arbeitet auch zu {names}"},
    "SAME_QUARTER": {"en": "active in {names}", "de": "aktiv in {names}"},
    "NEIGHBOURING_QUARTER": {"en": "active in the neighbouring {names}", "de": "aktiv im Nachbarquartier {names}"},
    "DISTANCE": {"en": "{metres} m away", "de": "{metres} m entfernt"},
    "COMPLEMENTARY_TYPE": {
        "en": "a different kind of actor ({kind}), complementing {subject}",
        "de": "eine andere Art von Akteur ({kind}), als Ergänzung zu {subject}",
    },
    "RECENT_ACTIVITY": {"en": "latest cooperation started in {year}", "de": "jüngste Kooperation seit {year}"},
    "AND_MORE": {"en": "{shown} and {more} more", "de": "{shown} und {more} weitere"},
    # actor types: as a word, and with an article (the subject of COMPLEMENTARY_TYPE)
    "Institution": {"en": "institution", "de": "Einrichtung"},
    "Initiative": {"en": "initiative", "de": "Initiative"},
    "Company": {"en": "company", "de": "Unternehmen"},
    "HousingAssociation": {"en": "housing association", "de": "Wohnungsunternehmen"},
    "A_Institution": {"en": "an institution", "de": "einer Einrichtung"},
    "A_Initiative": {"en": "an initiative", "de": "einer Initiative"},
    "A_Company": {"en": "a company", "de": "einem Unternehmen"},
    "A_HousingAssociation": {"en": "a housing association", "de": "einem Wohnungsunternehmen"},
    # missing links
    "JOINS": {
        "en": "joins {left} and {right}, which have no path between them yet",
        "de": "verbindet {left} und {right}, zwischen denen es noch keinen Weg gibt",
    },
    "ALONE": {"en": "an actor without any cooperation", "de": "einen Akteur ohne jede Kooperation"},
    "GROUP": {"en": "a group of {n} actors", "de": "eine Gruppe von {n} Akteuren"},
    "BOTH_WORK_ON": {"en": "both work on {fields}", "de": "beide arbeiten zu {fields}"},
    "COMMUNITIES_UNTIED": {
        "en": "links two communities ({left} and {right} actors) with no tie between them",
        "de": "verbindet zwei Gemeinschaften ({left} und {right} Akteure), zwischen denen es keine Verbindung gibt",
    },
    "COMMUNITIES_ONE_TIE": {
        "en": "links two communities ({left} and {right} actors) with only 1 tie between them",
        "de": "verbindet zwei Gemeinschaften ({left} und {right} Akteure) mit nur 1 Verbindung zwischen ihnen",
    },
    "COMMUNITIES_FEW_TIES": {
        "en": "links two communities ({left} and {right} actors) with only {ties} ties between them",
        "de": "verbindet zwei Gemeinschaften ({left} und {right} Akteure) mit nur {ties} Verbindungen zwischen ihnen",
    },
}


def say(key: str, language: str, **params: object) -> str:
    """The reason ``key`` in ``language`` ("en" or "de"; anything else: English)."""
    templates = REASONS[key]
    return templates.get(language, templates["en"]).format(**params)


def metres(distance: float, language: str) -> str:
    """A whole number of metres as people of that language write it: 1,250 or 1.250."""
    written = f"{distance:,.0f}"
    return written.replace(",", ".") if language == "de" else written
