"""The words offices use for types, kinds of cooperation, action fields and quarters.

Labels are compared folded (:func:`label_key`): case, umlauts and their spellings (ä, ae, a),
ß/ss, spaces, hyphens and punctuation do not matter, so "Wohnungsbau-Gesellschaft",
"wohnungsbaugesellschaft" and "WOHNUNGSBAUGESELLSCHAFT" are one label. A mapping file adds
labels or overrides these (:class:`Vocabulary.with_overrides`).

The stored values are those of the data model: actor types ``Institution``, ``Initiative``,
``Company``, ``HousingAssociation``; institution kinds, legal forms, ownership and cooperation
kinds as ``schema/enums.py`` stores them (this package sits below ``schema/`` and cannot import
it; ``tests/test_exchange_vocabulary.py`` checks that both agree).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Final

from rapidfuzz import fuzz, process

from graph.names import collapse_umlauts, fold
from seeds.action_fields import ACTION_FIELDS
from seeds.quarters import QUARTERS

ACTOR_TYPES: Final = ("Institution", "Initiative", "Company", "HousingAssociation")
INSTITUTION_KINDS: Final = (
    "school",
    "kita",
    "library",
    "youth_club",
    "family_centre",
    "neighbourhood_centre",
    "health_service",
    "district_office_department",
    "religious_community",
    "other",
)
LEGAL_FORMS: Final = ("ev", "informal_group", "foundation", "ggmbh", "cooperative", "other")
OWNERSHIPS: Final = ("municipal", "cooperative", "private", "non_profit", "unknown")
COOPERATION_KINDS: Final = (
    "project_partnership",
    "working_group",
    "funding",
    "space_provision",
    "regular_exchange",
    "project_sponsorship",
    "donation",
    "other",
)


@functools.lru_cache(maxsize=8192)
def label_key(label: str) -> str:
    """A label folded for lookup: "Handlungsfeld(er)" → "handlungsfelder", "E-Mail" → "email".

    Cached: a sheet repeats the same few labels in thousands of rows."""
    return re.sub(r"[\W_]+", "", collapse_umlauts(fold(label)))


def _words(label: str) -> list[str]:
    return [collapse_umlauts(w) for w in re.findall(r"[^\W_]+", fold(label))]


@dataclass(frozen=True)
class TypeGuess:
    """What a type label (or a name) says about an actor: its type and, where it tells, more."""

    type: str
    institution_kind: str | None = None
    legal_form: str | None = None
    ownership: str | None = None
    social_enterprise: bool | None = None

    def label(self) -> str:
        detail = self.institution_kind or self.legal_form or self.ownership
        return f"{self.type} ({detail})" if detail else self.type


def _inst(kind: str | None = None) -> TypeGuess:
    return TypeGuess("Institution", institution_kind=kind)


def _init(form: str | None = None) -> TypeGuess:
    return TypeGuess("Initiative", legal_form=form)


def _comp(social: bool | None = None) -> TypeGuess:
    return TypeGuess("Company", social_enterprise=social)


def _housing(ownership: str | None = None) -> TypeGuess:
    return TypeGuess("HousingAssociation", ownership=ownership)


# Whole labels, as they stand in a type column.
_TYPE_WORDS: Final[dict[str, TypeGuess]] = {
    **{k: _inst("other") for k in ("sonstige einrichtung", "other institution")},
    **{
        k: _inst()
        for k in (
            "institution",
            "einrichtung",
            "offentlicheeinrichtung",
            "offentlicheinstitution",
            "soziale einrichtung",
            "behorde",
            "verwaltung",
            "amt",
        )
    },
    **{
        k: _inst("school")
        for k in (
            "schule",
            "grundschule",
            "gs",
            "oberschule",
            "sekundarschule",
            "iss",
            "gemeinschaftsschule",
            "gymnasium",
            "berufsschule",
            "osz",
            "forderschule",
            "school",
            "primary school",
        )
    },
    **{
        k: _inst("kita")
        for k in (
            "kita",
            "kitas",
            "kindertagesstatte",
            "kindergarten",
            "krippe",
            "kinderladen",
            "hort",
            "day care",
            "daycare",
        )
    },
    **{k: _inst("library") for k in ("bibliothek", "bucherei", "stadtbibliothek", "stadtteilbibliothek", "library")},
    **{
        k: _inst("youth_club")
        for k in (
            "jugendclub",
            "jugendzentrum",
            "jugendfreizeiteinrichtung",
            "jfe",
            "jugendtreff",
            "jugendeinrichtung",
            "youth club",
        )
    },
    **{k: _inst("family_centre") for k in ("familienzentrum", "familientreff", "family centre", "family center")},
    **{
        k: _inst("neighbourhood_centre")
        for k in (
            "nachbarschaftszentrum",
            "stadtteilzentrum",
            "nachbarschaftshaus",
            "nachbarschaftstreff",
            "kiezzentrum",
            "neighbourhood centre",
        )
    },
    **{
        k: _inst("health_service")
        for k in (
            "gesundheitsdienst",
            "gesundheitszentrum",
            "beratungsstelle",
            "praxis",
            "arztpraxis",
            "health service",
        )
    },
    **{
        k: _inst("district_office_department")
        for k in (
            "bezirksamt",
            "ba",
            "jugendamt",
            "gesundheitsamt",
            "sozialamt",
            "schulamt",
            "stadtentwicklungsamt",
            "ordnungsamt",
            "district office",
        )
    },
    **{
        k: _inst("religious_community")
        for k in (
            "kirche",
            "kirchengemeinde",
            "gemeinde",
            "moschee",
            "moscheegemeinde",
            "moscheeverein",
            "synagoge",
            "pfarrei",
            "religionsgemeinschaft",
            "religious community",
            "church",
            "mosque",
        )
    },
    **{
        k: _init()
        for k in (
            "initiative",
            "initiativen",
            "burgerinitiative",
            "nachbarschaftsinitiative",
            "mieterinitiative",
            "mieterbeirat",
            "ehrenamt",
        )
    },
    **{k: _init("ev") for k in ("verein", "ev", "e v", "eingetragener verein", "forderverein", "association")},
    **{
        k: _init("informal_group")
        for k in (
            "elterngruppe",
            "elterninitiative",
            "gruppe",
            "informelle gruppe",
            "selbsthilfegruppe",
            "nachbarschaftsgruppe",
            "informal group",
        )
    },
    **{k: _init("foundation") for k in ("stiftung", "foundation")},
    **{
        k: _comp()
        for k in (
            "company",
            "unternehmen",
            "firma",
            "gewerbe",
            "gewerbetreibende",
            "betrieb",
            "einzelhandel",
            "handel",
            "handwerk",
            "laden",
            "geschaft",
            "gmbh",
            "ug",
            "ag",
            "kg",
            "ohg",
            "gbr",
            "einzelunternehmen",
            "gastronomie",
            "business",
        )
    },
    **{k: _comp(True) for k in ("ggmbh", "sozialunternehmen", "sozialbetrieb", "social enterprise")},
    **{
        k: _housing()
        for k in (
            "housingassociation",
            "housing association",
            "wohnungsunternehmen",
            "wohnungsbaugesellschaft",
            "wohnungsgesellschaft",
            "wohnungswirtschaft",
            "hausverwaltung",
            "vermieter",
            "vermieterin",
            "eigentumer",
            "immobilien",
            "wohnungseigentumer",
            "housing",
        )
    },
    **{
        k: _housing("municipal")
        for k in (
            "landeseigene wohnungsbaugesellschaft",
            "stadtische wohnungsbaugesellschaft",
            "kommunale wohnungsbaugesellschaft",
            "landeseigene",
        )
    },
    **{
        k: _housing("cooperative")
        for k in ("genossenschaft", "wohnungsgenossenschaft", "wohnungsbaugenossenschaft", "baugenossenschaft", "eg")
    },
}
TYPE_LABELS: Final[dict[str, TypeGuess]] = {
    **{label_key(k): v for k, v in _TYPE_WORDS.items()},
    **{label_key(t): TypeGuess(t) for t in ACTOR_TYPES},
}

# Word stems that tell the type inside a longer label or a name ("Evangelische Kirchengemeinde",
# "Stadtteilbibliothek Flughafenstraße"). Looked at in this order, so a Kita run by an e.V. is a
# Kita (the domain counts Kitas as institutions) and a "Wohnbau eG" a housing cooperative.
_STEMS: Final[tuple[tuple[str, TypeGuess], ...]] = (
    ("grundschule", _inst("school")),
    ("schule", _inst("school")),
    ("gymnasium", _inst("school")),
    ("kita", _inst("kita")),
    ("kindertagesstatte", _inst("kita")),
    ("kindergarten", _inst("kita")),
    ("kinderladen", _inst("kita")),
    ("bibliothek", _inst("library")),
    ("bucherei", _inst("library")),
    ("jugendclub", _inst("youth_club")),
    ("jugendzentrum", _inst("youth_club")),
    ("jugendfreizeit", _inst("youth_club")),
    ("jugendtreff", _inst("youth_club")),
    ("familienzentrum", _inst("family_centre")),
    ("nachbarschaftszentrum", _inst("neighbourhood_centre")),
    ("stadtteilzentrum", _inst("neighbourhood_centre")),
    ("nachbarschaftshaus", _inst("neighbourhood_centre")),
    ("bezirksamt", _inst("district_office_department")),
    ("jugendamt", _inst("district_office_department")),
    ("gesundheitsamt", _inst("district_office_department")),
    ("kirche", _inst("religious_community")),
    ("moschee", _inst("religious_community")),
    ("synagoge", _inst("religious_community")),
    ("wohnungsbaugesellschaft", _housing()),
    ("wohnungsbaugenossenschaft", _housing("cooperative")),
    ("wohnungsgenossenschaft", _housing("cooperative")),
    ("baugenossenschaft", _housing("cooperative")),
    ("hausverwaltung", _housing()),
    ("wohnungsunternehmen", _housing()),
    ("wohnbau", _housing()),
    ("degewo", _housing("municipal")),
    ("howoge", _housing("municipal")),
    ("gewobag", _housing("municipal")),
    ("gesobau", _housing("municipal")),
    ("wbm", _housing("municipal")),
    ("ggmbh", _comp(True)),
    ("gmbh", _comp()),
    ("mbh", _comp()),
    ("verein", _init("ev")),
    ("ev", _init("ev")),
    ("initiative", _init()),
    ("elterngruppe", _init("informal_group")),
    ("stiftung", _init("foundation")),
)
# Names of known housing companies written as two words.
_HOUSING_NAMES: Final = (("stadt", "und", "land"), ("deutsche", "wohnen"))
_LEGAL_FORM_AT_END: Final = {"ag": _comp(), "ug": _comp(), "kg": _comp(), "ohg": _comp(), "gbr": _comp()}


def _legal_forms(text: str) -> list[str]:
    """Legal forms written with dots or spaces ("e. V.", "g.GmbH") as one word."""
    folded = fold(text)
    folded = re.sub(r"\be\.\s*v\b\.?", " ev ", folded)
    folded = re.sub(r"\bg\.\s*gmbh\b", " ggmbh ", folded)
    return _words(folded)


def guess_from_words(text: str) -> TypeGuess | None:
    """The type a longer label or an actor's name tells by its words, if any."""
    words = _legal_forms(text)
    for stem, guess in _STEMS:
        if any(w == stem or (len(stem) > 4 and (w.endswith(stem) or w.startswith(stem))) for w in words):
            return guess
    for pattern in _HOUSING_NAMES:
        n = len(pattern)
        if any(tuple(words[i : i + n]) == pattern for i in range(len(words) - n + 1)):
            return _housing("municipal" if pattern[0] == "stadt" else "private")
    if words and words[-1] in _LEGAL_FORM_AT_END:
        return _LEGAL_FORM_AT_END[words[-1]]
    return None


# How the export writes types and their details, per language; the reader reads all of these back.
TYPE_NAMES: Final = {
    "de": {
        "Institution": "Einrichtung",
        "Initiative": "Initiative",
        "Company": "Unternehmen",
        "HousingAssociation": "Wohnungsunternehmen",
    },
    "en": {
        "Institution": "Institution",
        "Initiative": "Initiative",
        "Company": "Company",
        "HousingAssociation": "Housing association",
    },
}
INSTITUTION_KIND_NAMES: Final = {
    "de": {
        "school": "Schule",
        "kita": "Kita",
        "library": "Bibliothek",
        "youth_club": "Jugendclub",
        "family_centre": "Familienzentrum",
        "neighbourhood_centre": "Stadtteilzentrum",
        "health_service": "Gesundheitsdienst",
        "district_office_department": "Bezirksamt",
        "religious_community": "Religionsgemeinschaft",
        "other": "sonstige Einrichtung",
    },
    "en": {
        "school": "school",
        "kita": "Kita",
        "library": "library",
        "youth_club": "youth club",
        "family_centre": "family centre",
        "neighbourhood_centre": "neighbourhood centre",
        "health_service": "health service",
        "district_office_department": "district office",
        "religious_community": "religious community",
        "other": "other institution",
    },
}
LEGAL_FORM_NAMES: Final = {
    "de": {
        "ev": "e.V.",
        "informal_group": "informelle Gruppe",
        "foundation": "Stiftung",
        "ggmbh": "gGmbH",
        "cooperative": "Genossenschaft",
        "other": "sonstige Rechtsform",
    },
    "en": {
        "ev": "registered association",
        "informal_group": "informal group",
        "foundation": "foundation",
        "ggmbh": "gGmbH",
        "cooperative": "cooperative",
        "other": "other legal form",
    },
}
OWNERSHIP_NAMES: Final = {
    "de": {
        "municipal": "landeseigen",
        "cooperative": "genossenschaftlich",
        "private": "privat",
        "non_profit": "gemeinnützig",
        "unknown": "unbekannt",
    },
    "en": {
        "municipal": "municipal",
        "cooperative": "cooperative",
        "private": "private",
        "non_profit": "non-profit",
        "unknown": "unknown",
    },
}
KIND_NAMES: Final = {
    "de": {
        "project_partnership": "Projektpartnerschaft",
        "working_group": "Arbeitsgruppe",
        "funding": "Förderung",
        "space_provision": "Raumüberlassung",
        "regular_exchange": "regelmäßiger Austausch",
        "project_sponsorship": "Projektträgerschaft",
        "donation": "Spende",
        "other": "Sonstiges",
    },
    "en": {k: k.replace("_", " ") for k in COOPERATION_KINDS},
}


def _detail_table(names: Mapping[str, Mapping[str, str]], *extra: tuple[str, str]) -> dict[str, str]:
    table = {label_key(v): v for v in next(iter(names.values()))}
    for language in names.values():
        table.update({label_key(label): value for value, label in language.items()})
    table.update({label_key(label): value for label, value in extra})
    return table


_INSTITUTION_KINDS: Final = _detail_table(INSTITUTION_KIND_NAMES)
_LEGAL_FORMS: Final = _detail_table(
    LEGAL_FORM_NAMES,
    ("eV", "ev"),
    ("eingetragener Verein", "ev"),
    ("Verein", "ev"),
    ("eG", "cooperative"),
    ("Gruppe", "informal_group"),
    ("ohne Rechtsform", "informal_group"),
    ("g.GmbH", "ggmbh"),
)
_OWNERSHIPS: Final = _detail_table(
    OWNERSHIP_NAMES,
    ("kommunal", "municipal"),
    ("städtisch", "municipal"),
    ("Genossenschaft", "cooperative"),
    ("kirchlich", "non_profit"),
    ("privat", "private"),
    ("non_profit", "non_profit"),
)


def institution_kind_of(label: str) -> str | None:
    found = _INSTITUTION_KINDS.get(label_key(label))
    if found:
        return found
    guess = TYPE_LABELS.get(label_key(label)) or guess_from_words(label)
    return guess.institution_kind if guess and guess.type == "Institution" else None


def legal_form_of(label: str) -> str | None:
    return _LEGAL_FORMS.get(label_key(label))


def ownership_of(label: str) -> str | None:
    return _OWNERSHIPS.get(label_key(label))


# Kinds of cooperation.
_KIND_WORDS: Final[dict[str, tuple[str, ...]]] = {
    "project_partnership": (
        "projektpartnerschaft",
        "projekt",
        "projektpartner",
        "gemeinsames projekt",
        "kooperationsprojekt",
        "projektkooperation",
        "project partnership",
        "project",
    ),
    "working_group": (
        "arbeitsgruppe",
        "ag",
        "arbeitskreis",
        "ak",
        "netzwerk",
        "runder tisch",
        "gremium",
        "steuerungsrunde",
        "quartiersrat",
        "working group",
        "network",
    ),
    "funding": ("förderung", "finanzierung", "zuwendung", "fördermittel", "funding"),
    "space_provision": (
        "raumnutzung",
        "räume",
        "raumüberlassung",
        "raumvergabe",
        "raum",
        "raumbereitstellung",
        "space provision",
        "rooms",
    ),
    "regular_exchange": (
        "austausch",
        "regelmäßiger austausch",
        "informationsaustausch",
        "fachaustausch",
        "regular exchange",
        "exchange",
    ),
    "project_sponsorship": ("projektträgerschaft", "projektträger", "trägerschaft", "project sponsorship"),
    "donation": ("spende", "spenden", "sachspende", "geldspende", "donation"),
    "other": ("sonstiges", "sonstige", "andere", "anderes", "other"),
}
KIND_LABELS: Final[dict[str, str]] = {
    **{label_key(word): kind for kind, words in _KIND_WORDS.items() for word in words},
    **{label_key(kind): kind for kind in COOPERATION_KINDS},
}
# Gephi's edge "Type" column holds these; they say nothing about the kind of cooperation.
KIND_NOISE: Final = frozenset({"undirected", "directed", "ungerichtet", "gerichtet"})


@dataclass(frozen=True)
class Quarter:
    """A quarter the import can assign actors to: its slug and the names people use for it."""

    slug: str
    name: str
    alt_names: tuple[str, ...] = ()


@dataclass(frozen=True)
class ActionField:
    key: str
    name: str
    name_en: str
    era: str  # "current" or "2010s"


# Short forms people write for a field of the current generation.
_FIELD_SHORT: Final = {
    "nachbarschaft": "nachbarschaft-integration",
    "integration": "nachbarschaft-integration",
    "gesundheit": "gesundheit-bewegung",
    "bewegung": "gesundheit-bewegung",
    "sport": "gesundheit-bewegung",
    "beteiligung": "beteiligung-vernetzung-kooperation",
    "vernetzung": "beteiligung-vernetzung-kooperation",
    "kooperation": "beteiligung-vernetzung-kooperation",
    "klimaschutz": "klimaschutz-anpassung",
    "klima": "klimaschutz-anpassung",
    "klimaanpassung": "klimaschutz-anpassung",
    "offentlicher raum": "oeffentlicher-raum",
    "arbeit": "arbeit-wirtschaft",
    "wirtschaft": "arbeit-wirtschaft",
    "ausbildung": "bildung-ausbildung-jugend",
    "jugend": "bildung-ausbildung-jugend",
}


@dataclass(frozen=True)
class Vocabulary:
    """Everything the reader needs to turn labels into stored values; built once per import."""

    quarters: tuple[Quarter, ...]
    action_fields: tuple[ActionField, ...]
    types: Mapping[str, TypeGuess] = field(default_factory=lambda: dict(TYPE_LABELS))
    kinds: Mapping[str, str] = field(default_factory=lambda: dict(KIND_LABELS))
    quarter_labels: Mapping[str, str] = field(default_factory=dict)  # label key → slug
    field_labels: Mapping[str, str] = field(default_factory=dict)  # label key → action-field key
    era: str = "current"  # which generation a name both generations use ("Öffentlicher Raum") means
    # Cells already looked up (a sheet repeats the same few values); not part of the vocabulary's identity.
    _cells: dict[str, tuple[list[str], list[str]]] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def build(
        cls, quarters: Iterable[Quarter], action_fields: Iterable[ActionField], era: str = "current"
    ) -> Vocabulary:
        q = tuple(quarters)
        f = tuple(action_fields)
        return cls(
            quarters=q, action_fields=f, quarter_labels=_quarter_labels(q), field_labels=_field_labels(f, era), era=era
        )

    @classmethod
    def from_seeds(cls, era: str = "current") -> Vocabulary:
        """The seeded Neukölln quarters and both generations of action fields (for tests and the CLI
        before it has a database; phase 2 builds the vocabulary from what the database holds)."""
        return cls.build(
            (Quarter(q.slug, q.name, q.alt_names) for q in QUARTERS),
            (ActionField(f.key, f.name, f.name_en, f.era) for f in ACTION_FIELDS),
            era,
        )

    def with_overrides(
        self,
        *,
        types: Mapping[str, TypeGuess] | None = None,
        kinds: Mapping[str, str] | None = None,
        quarters: Mapping[str, str] | None = None,
        action_fields: Mapping[str, str] | None = None,
        era: str | None = None,
    ) -> Vocabulary:
        """A copy where the given labels (as a person writes them) mean the given values."""
        base = (
            self
            if era is None or era == self.era
            else replace(self, era=era, field_labels=_field_labels(self.action_fields, era))
        )
        return replace(
            base,
            types={**base.types, **{label_key(k): v for k, v in (types or {}).items()}},
            kinds={**base.kinds, **{label_key(k): v for k, v in (kinds or {}).items()}},
            quarter_labels={**base.quarter_labels, **{label_key(k): v for k, v in (quarters or {}).items()}},
            field_labels={**base.field_labels, **{label_key(k): v for k, v in (action_fields or {}).items()}},
        )

    # ---- lookups -------------------------------------------------------------------------

    def type_of(self, label: str) -> TypeGuess | None:
        """A type cell: a whole label first ("Grundschule"), then its words ("Ev. Kirchengemeinde")."""
        return self.types.get(label_key(label)) or guess_from_words(label)

    def kind_of(self, label: str) -> str | None:
        key = label_key(label)
        if key in self.kinds:
            return self.kinds[key]
        # "Projekt Lesepaten", "AG Bildung": the first or last word often says it.
        words = _words(label)
        for word in (words[:1] + words[-1:]) if words else []:
            if word in self.kinds:
                return self.kinds[word]
        return None

    def quarter_of(self, label: str) -> str | None:
        key = label_key(label)
        if key in self.quarter_labels:
            return self.quarter_labels[key]
        stripped = label_key(
            re.sub(r"^\s*(?:qm|quartiersmanagement|quartier)\b[\s:-]*", "", label, flags=re.IGNORECASE)
        )
        return self.quarter_labels.get(stripped)

    def closest_quarter(self, label: str) -> str | None:
        """The name of the quarter a mistyped label most likely means ("Rolberg" → "Rollberg")."""
        names = {label_key(n): q.name for q in self.quarters for n in (q.name, q.slug, *q.alt_names)}
        hit = process.extractOne(label_key(label), list(names), scorer=fuzz.ratio, score_cutoff=80)
        return names[hit[0]] if hit else None

    def action_field_of(self, label: str) -> str | None:
        return self.field_labels.get(label_key(label))

    def action_fields_in(self, cell: str) -> tuple[list[str], list[str]]:
        """The action fields a cell names, and the parts it could not read.

        Names may hold commas ("Beteiligung, Vernetzung und Kooperation"), so a cell is split
        on ``;``, ``|`` and line breaks first, and each part on commas only where the pieces
        are names of their own (longest match first).
        """
        if cell in self._cells:
            cached = self._cells[cell]
            return list(cached[0]), list(cached[1])
        found: list[str] = []
        unknown: list[str] = []
        for part in re.split(r"[;|\n\r•/]+", cell):
            if not part.strip():
                continue
            key = self.action_field_of(part)
            if key:
                found.append(key)
                continue
            pieces = [p for p in re.split(r",|\s+und\s+|\s*&\s*|\s*\+\s*", part) if p.strip()]
            i = 0
            while i < len(pieces):
                for j in range(len(pieces), i, -1):
                    key = self.action_field_of(", ".join(pieces[i:j]))
                    if key:
                        found.append(key)
                        i = j
                        break
                else:
                    unknown.append(pieces[i].strip())
                    i += 1
        result = list(dict.fromkeys(found)), unknown
        if len(self._cells) < 10_000:
            self._cells[cell] = (list(result[0]), list(result[1]))
        return result

    def known_quarters(self) -> str:
        return ", ".join(q.name for q in self.quarters)

    def known_action_fields(self) -> str:
        return ", ".join(f.name for f in self.action_fields if f.era == self.era)


def _quarter_labels(quarters: Sequence[Quarter]) -> dict[str, str]:
    labels: dict[str, str] = {}
    for q in quarters:
        for label in (q.slug, q.name, *q.alt_names):
            labels.setdefault(label_key(label), q.slug)
    return labels


def _field_labels(fields: Sequence[ActionField], era: str) -> dict[str, str]:
    """Keys, German and English names of both generations; where two fields share a name, ``era`` wins."""
    labels: dict[str, str] = {}
    preferred = sorted(fields, key=lambda f: f.era != era)  # the preferred generation claims names first
    for f in preferred:
        for label in (f.key, f.name, f.name_en):
            labels.setdefault(label_key(label), f.key)
    known = {f.key for f in fields}
    for short, key in _FIELD_SHORT.items():
        if key in known:
            labels.setdefault(label_key(short), key)
    return labels
