"""The words of suggestion reasons (and of the learned model's description), German first and English
second, all in this one catalogue.

Each reason kind has one template per language; ``say`` fills in the values (names, counts,
metres) for both. Quarter managers read German first, so every reason exists in German; the
English text is what the API has always returned in ``text``.
"""

from __future__ import annotations

import datetime as dt
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

# What a learned model was fitted on (``Model.trained_on``, the API's ``trainedOn``/``trainedOnDe``), and why
# no model was fitted: kind → (German, English). Placeholders are filled by ``described``: dates and times
# in each language's way, numbers with its thousands separator, Words by their own language.
MODEL_TEXTS: Final[dict[str, Words]] = {
    "SHIPPED": Words(
        "mit kiezgraph ausgeliefert: das synthetische wachsende Netzwerk „growth A“ (bench/grow.py, Seed 21) — wie "
        "die Kandidaten vom 01.01.2020 der 878 Akteure, die 2020 Partner gewannen, bis zum 01.01.2021 Partner "
        "wurden (1.308 positive Beispiele; die elf Signale und die strukturellen, paarweiser Ranking-Verlust)",
        "shipped with kiezgraph: the synthetic growing network 'growth A' (bench/grow.py, seed 21) — how the "
        "candidates of 2020-01-01 of the 878 actors that gained partners in 2020 became partners by 2021-01-01 "
        "(1,308 positive examples; the eleven signals plus the structural ones, pairwise ranking loss)",
    ),
    "ELEVEN_SIGNALS": Words(
        "synthetisches wachsendes Netzwerk „growth A“ (bench/grow.py, Seed 21): wie die Kandidaten vom 01.01.2020 "
        "von 300 Akteuren 2020 Partner wurden (paarweiser Ranking-Verlust)",
        "synthetic growing network 'growth A' (bench/grow.py, seed 21): how 300 actors' candidates of "
        "2020-01-01 became partners in 2020 (pairwise ranking loss)",
    ),
    "GROWTH_A": Words(
        "synthetisches wachsendes Netzwerk „growth A“ (bench/grow.py, Seed 21): wie die Kandidaten vom {start} "
        "von {actors} Akteuren {year} Partner wurden (paarweiser Ranking-Verlust)",
        "synthetic growing network 'growth A' (bench/grow.py, seed 21): how {actors} actors' candidates of "
        "{start} became partners in {year} (pairwise ranking loss)",
    ),
    "OWN_HISTORY": Words(
        "die Kandidaten von {actors} Akteuren am {start}, Partner bis zum {end} (paarweiser Ranking-Verlust)",
        "{actors} actors' candidates on {start}, partners by {end} (pairwise ranking loss)",
    ),
    "DEPLOYMENT": Words(
        "das letzte Jahr dieses Netzwerks: wie die Kandidaten vom {start} von {actors} Akteuren bis zum {end} "
        "Partner wurden ({positives} davon; strukturelle Signale, paarweiser Ranking-Verlust)",
        "this network's own past year: how {actors} actors' candidates of {start} became partners by {end} "
        "({positives} of them; structural signals, pairwise ranking loss)",
    ),
    "FITTED_AT": Words(
        "{said}; angepasst am {at} UTC auf Revision {revision}",
        "{said}; fitted at {at} UTC on revision {revision}",
    ),
    "TOO_FEW_MET": Words(
        "{met} zwischen {start} und {end} neu gewonnene Partner, weniger als die {needed} nötigen positiven "
        "Beispiele: es gilt das mitgelieferte Modell",
        "{met} partners met between {start} and {end}, fewer than the {needed} positive examples needed: the "
        "shipped model serves",
    ),
    "TOO_FEW_IN_POOLS": Words(
        "{positives} der zwischen {start} und {end} neu gewonnenen Partner standen am {start} unter den Kandidaten "
        "ihres Akteurs, weniger als die {needed} nötigen positiven Beispiele: es gilt das mitgelieferte Modell",
        "{positives} partners met between {start} and {end} were in their actor's candidates of {start}, fewer "
        "than the {needed} positive examples needed: the shipped model serves",
    ),
    "FIT_FAILED": Words(
        "das Anpassen des Modells ist fehlgeschlagen ({error}): es gilt das mitgelieferte Modell",
        "the fit failed ({error}): the shipped model serves",
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


def described(kind: str, **values: object) -> Words:
    """The model text ``kind`` (MODEL_TEXTS) in both languages: dates as 01.06.2024 / 2024-06-01, times
    as 01.06.2024 12:30 / 2024-06-01 12:30, whole numbers as 1.308 / 1,308, Words in their language."""

    def shown(value: object, language: str) -> object:
        de = language == "de"
        if isinstance(value, Words):
            return value.de if de else value.en
        if isinstance(value, dt.datetime):
            return f"{value:%d.%m.%Y %H:%M}" if de else f"{value:%Y-%m-%d %H:%M}"
        if isinstance(value, dt.date):
            return f"{value:%d.%m.%Y}" if de else value.isoformat()
        if isinstance(value, int) and not isinstance(value, bool):
            return f"{value:,}".replace(",", ".") if de else f"{value:,}"
        return value

    template = MODEL_TEXTS[kind]
    return Words(
        template.de.format(**{k: shown(v, "de") for k, v in values.items()}),
        template.en.format(**{k: shown(v, "en") for k, v in values.items()}),
    )
