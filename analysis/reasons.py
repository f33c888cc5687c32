"""The words of suggestion reasons, German first and English second, all in this one catalogue.

Each reason kind has one template per language; ``say`` fills in the values (names, counts,
metres) for both. Quarter managers read German first, so every reason exists in German; the
English text is what the API has always returned in ``text``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True)
class Words:
    de: str
    en: str


# kind → (German, English). Placeholders: {names} a list of names, {n} a count, {s} the English plural
# ending, {metres} a distance, {year} a year, {kind_de}/{kind_en} and {own_de}/{own_en} actor types.
TEMPLATES: Final[dict[str, Words]] = {
    "SHARED_PARTNERS": Words(
        "{n} gemeinsame{r} Partner: {names}",
        "shares {n} partner{s}: {names}",
    ),
    "NETWORK_PROXIMITY": Words(
        "im Netzwerk nah: über die Partner der Partner gut erreichbar",
        "close in the network: easily reached through partners of partners",
    ),
    "SHARED_ACTION_FIELDS": Words("arbeitet auch zu {names}", "also works on {names}"),
    "SHARED_THEMES": Words(
        "kooperiert zu denselben Themen ({names})",
        "cooperates on the same themes ({names})",
    ),
    "SAME_QUARTER": Words("aktiv in {names}", "active in {names}"),
    "NEIGHBOURING_QUARTER": Words("aktiv im Nachbarquartier {names}", "active in the neighbouring {names}"),
    "DISTANCE": Words("{metres} m entfernt", "{metres} m away"),
    "DISTANCE_ESTIMATED": Words(
        "etwa {metres} m entfernt (Lage geschätzt aus den Partnern)",
        "about {metres} m away (location estimated from partners)",
    ),
    "COMPLEMENTARY_TYPE": Words(
        "eine andere Art von Akteur ({kind_de}), ergänzt {own_de}",
        "a different kind of actor ({kind_en}), complementing {own_en}",
    ),
    "RECENT_ACTIVITY": Words("letzte Kooperation begann {year}", "latest cooperation started in {year}"),
    "WELL_CONNECTED": Words("gut vernetzt: {n} Partner", "well connected: {n} partner{s}"),
    "ACTIVE": Words(
        "{n} neue Kooperation{en} in den letzten drei Jahren",
        "started {n} cooperation{s} in the last three years",
    ),
    # The structural signals (analysis/structure.py), in words a quarter manager uses: no "PageRank". They speak
    # about the candidate, as the rest do: the reader is usually the quarter manager, not the actor itself.
    "PPR_085": Words(
        "im Netzwerk nah: auf vielen Wegen über Partner erreichbar",
        "close in the network: reached along many paths through partners",
    ),
    "PPR_050": Words(
        "im Netzwerk sehr nah: nur wenige Schritte entfernt",
        "very close in the network: only a few steps away",
    ),
    "PPR_RANK": Words(
        "Platz {n} unter den im Netzwerk nächsten Akteuren",
        "number {n} among the actors closest in the network",
    ),
    "RESOURCE_ALLOCATION": Words(
        "gemeinsame Partner mit wenigen eigenen Partnern: {names}",
        "shared partners who have few partners of their own: {names}",
    ),
    "RESOURCE_ALLOCATION_ONE": Words(
        "ein gemeinsamer Partner mit wenigen eigenen Partnern: {names}",
        "a shared partner who has few partners of its own: {names}",
    ),
    "TWO_STEPS": Words("Partner von Partnern ({names})", "a partner of partners ({names})"),
    "PATHS_3": Words(
        "über drei Ecken verbunden, auf mehreren Wegen",
        "connected in three steps, along several paths",
    ),
    "THREE_STEPS": Words(
        "über drei Ecken verbunden: Partner eines Partners von Partnern",
        "three steps away: a partner of a partner of partners",
    ),
    "POPULARITY": Words(
        "hat {n} Partner (wer gut vernetzt ist, kommt leichter zu neuen)",
        "has {n} partner{s} (well-connected actors gain partners more easily)",
    ),
}

TYPE_NAMES: Final[dict[str, Words]] = {
    "Institution": Words("Einrichtung", "institution"),
    "Initiative": Words("Initiative", "initiative"),
    "Company": Words("Unternehmen", "company"),
    "HousingAssociation": Words("Wohnungsunternehmen", "housing association"),
}
# The subject's type with its article, as the object of "ergänzt …" / "complementing …".
TYPE_OBJECTS: Final[dict[str, Words]] = {
    "Institution": Words("eine Einrichtung", "an institution"),
    "Initiative": Words("eine Initiative", "an initiative"),
    "Company": Words("ein Unternehmen", "a company"),
    "HousingAssociation": Words("ein Wohnungsunternehmen", "a housing association"),
}


def names(items: Sequence[str], language: str, limit: int = 3) -> str:
    shown = ", ".join(items[:limit])
    if len(items) <= limit:
        return shown
    more = len(items) - limit
    return shown + (f" und {more} weitere" if language == "de" else f" and {more} more")


def metres(value: float, language: str) -> str:
    text = f"{value:,.0f}"
    return text.replace(",", ".") if language == "de" else text


def say(kind: str, items: Sequence[str] = (), n: int = 0, **values: object) -> Words:
    """The reason ``kind`` in both languages; ``items`` fill {names}, ``n`` fills {n} (and plurals)."""
    template = TEMPLATES[kind]

    def fill(text: str, language: str) -> str:
        plural = {"s": "s" if n != 1 else "", "r": "r" if n == 1 else "", "en": "en" if n != 1 else ""}
        extra = {k: (metres(v, language) if k == "metres" and isinstance(v, float) else v) for k, v in values.items()}
        return text.format(names=names(items, language), n=n, **plural, **extra)

    return Words(fill(template.de, "de"), fill(template.en, "en"))
