"""The reasons of missing links in words, in English and German (those of partner suggestions are
in analysis/reasons.py, with their signals).

analysis/ imports nothing of ours (it is pure computation), so its catalogue is a plain table of
templates; the resolvers pass the request's language in (``core.messages.negotiate``), and a test
checks that every entry has both languages with the same placeholders.
"""

from __future__ import annotations

from typing import Final

Templates = dict[str, str]

REASONS: Final[dict[str, Templates]] = {
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
