"""A small synthetic demo network, so a first-time user sees a network at once.

Every actor and cooperation here is FICTIONAL and flagged ``synthetic`` in the data; the
actors sit in real quarters, but none of them is a real organisation and no real
organisation is given a cooperation. ``kiezgraph demo load`` / ``demo remove`` manage it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class DemoActor:
    key: str
    type: str  # Institution | Initiative | Company | HousingAssociation
    name: str
    quarters: tuple[str, ...]
    action_fields: tuple[str, ...]
    since: date
    description: str
    kind: str | None = None  # institutions
    legal_form: str | None = None  # initiatives
    sector: str | None = None  # companies
    social_enterprise: bool | None = None
    ownership: str | None = None  # housing associations
    location: tuple[float, float] | None = None
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class DemoCooperation:
    a: str
    b: str
    kind: str
    action_fields: tuple[str, ...]
    since: date
    intensity: int
    until: date | None = None
    description: str | None = None


NOTE = "Synthetic demo actor (fictional)."

ACTORS: tuple[DemoActor, ...] = (
    # Rollberg
    DemoActor(
        "kita-sonnenschein",
        "Institution",
        "Kita Sonnenschein e.V.",
        ("rollberg",),
        ("bildung",),
        date(2012, 8, 1),
        f"{NOTE} A Kita with a focus on early language support.",
        kind="kita",
        location=(52.4776, 13.4311),
        tags=("sprachförderung",),
    ),
    DemoActor(
        "grundschule-am-hang",
        "Institution",
        "Grundschule am Hang",
        ("rollberg",),
        ("bildung", "gesundheit-bewegung"),
        date(1998, 8, 1),
        f"{NOTE} A primary school.",
        kind="school",
        location=(52.4768, 13.4335),
    ),
    DemoActor(
        "jugendclub-kiste",
        "Institution",
        "Jugendclub Kiste",
        ("rollberg",),
        ("bildung", "nachbarschaft-integration"),
        date(2006, 3, 1),
        f"{NOTE} A youth club.",
        kind="youth_club",
        location=(52.4781, 13.4340),
    ),
    DemoActor(
        "nachbarschaftstreff-rollberg",
        "Institution",
        "Nachbarschaftstreff Hügel",
        ("rollberg",),
        ("nachbarschaft-integration", "beteiligung-vernetzung-kooperation"),
        date(2003, 5, 1),
        f"{NOTE} A neighbourhood centre.",
        kind="neighbourhood_centre",
        location=(52.4770, 13.4328),
    ),
    DemoActor(
        "elterncafe-rollberg",
        "Initiative",
        "Elterncafé Hügelkinder",
        ("rollberg",),
        ("bildung", "nachbarschaft-integration"),
        date(2015, 2, 1),
        f"{NOTE} A parents' group.",
        legal_form="informal_group",
        tags=("eltern",),
    ),
    DemoActor(
        "gartenfreunde-hang",
        "Initiative",
        "Gartenfreunde am Hang e.V.",
        ("rollberg",),
        ("oeffentlicher-raum", "klimaschutz-anpassung"),
        date(2017, 4, 1),
        f"{NOTE} A community garden.",
        legal_form="ev",
    ),
    DemoActor(
        "baeckerei-korn",
        "Company",
        "Bäckerei Kornfeld",
        ("rollberg",),
        ("nachbarschaft-integration",),
        date(2001, 1, 1),
        f"{NOTE} A local bakery that sponsors street parties.",
        sector="food",
        social_enterprise=False,
    ),
    DemoActor(
        "wohnbau-huegel",
        "HousingAssociation",
        "Wohnbau Hügel eG",
        ("rollberg",),
        ("oeffentlicher-raum", "nachbarschaft-integration"),
        date(1990, 1, 1),
        f"{NOTE} A fictional housing cooperative.",
        ownership="cooperative",
    ),
    # Two on Bildung without a cooperation on it yet: what the README's first example looks for.
    DemoActor(
        "kita-huegelnest",
        "Institution",
        "Kita Hügelnest",
        ("rollberg",),
        ("bildung",),
        date(2024, 8, 1),
        f"{NOTE} A new Kita, not yet connected.",
        kind="kita",
        location=(52.4772, 13.4318),
        tags=("sprachförderung",),
    ),
    DemoActor(
        "hausaufgabenhilfe-huegel",
        "Initiative",
        "Hausaufgabenhilfe Hügel",
        ("rollberg",),
        ("bildung", "nachbarschaft-integration"),
        date(2020, 9, 1),
        f"{NOTE} Volunteers helping with homework.",
        legal_form="informal_group",
        tags=("ehrenamt",),
    ),
    # Flughafenstraße
    DemoActor(
        "stadtteilbibliothek-flughafen",
        "Institution",
        "Stadtteilbibliothek Am Feld",
        ("flughafenstrasse",),
        ("bildung",),
        date(1995, 1, 1),
        f"{NOTE} A district library.",
        kind="library",
        location=(52.4745, 13.4270),
    ),
    DemoActor(
        "familienzentrum-feld",
        "Institution",
        "Familienzentrum Feldweg",
        ("flughafenstrasse",),
        ("bildung", "gesundheit-bewegung"),
        date(2010, 9, 1),
        f"{NOTE} A family centre.",
        kind="family_centre",
    ),
    DemoActor(
        "lesepaten-feld",
        "Initiative",
        "Lesepaten Am Feld e.V.",
        ("flughafenstrasse", "rollberg"),
        ("bildung",),
        date(2014, 1, 1),
        f"{NOTE} Volunteer reading mentors.",
        legal_form="ev",
        tags=("sprachförderung", "ehrenamt"),
    ),
    DemoActor(
        "sport-kiez-feld",
        "Initiative",
        "Sportverein Kiezkicker e.V.",
        ("flughafenstrasse",),
        ("gesundheit-bewegung",),
        date(2008, 6, 1),
        f"{NOTE} A football club.",
        legal_form="ev",
    ),
    DemoActor(
        "kiezwerk-ggmbh",
        "Company",
        "Kiezwerk gGmbH",
        ("flughafenstrasse", "donaustrasse-nord"),
        ("bildung", "nachbarschaft-integration"),
        date(2011, 1, 1),
        f"{NOTE} A social enterprise for job training.",
        sector="training",
        social_enterprise=True,
    ),
    # Donaustraße-Nord
    DemoActor(
        "kita-regenbogen",
        "Institution",
        "Kita Regenbogenland",
        ("donaustrasse-nord",),
        ("bildung",),
        date(2005, 8, 1),
        f"{NOTE} A Kita.",
        kind="kita",
        location=(52.4805, 13.4380),
    ),
    DemoActor(
        "moschee-donau",
        "Institution",
        "Gemeinde am Fluss",
        ("donaustrasse-nord",),
        ("nachbarschaft-integration",),
        date(1999, 1, 1),
        f"{NOTE} A religious community.",
        kind="religious_community",
    ),
    DemoActor(
        "mieterbeirat-donau",
        "Initiative",
        "Mieterbeirat Flussviertel",
        ("donaustrasse-nord",),
        ("beteiligung-vernetzung-kooperation",),
        date(2016, 3, 1),
        f"{NOTE} A tenants' council.",
        legal_form="informal_group",
    ),
    DemoActor(
        "repaircafe-donau",
        "Initiative",
        "Repair-Café Flussviertel",
        ("donaustrasse-nord",),
        ("klimaschutz-anpassung", "nachbarschaft-integration"),
        date(2019, 5, 1),
        f"{NOTE} A repair café.",
        legal_form="informal_group",
    ),
    DemoActor(
        "druckerei-donau",
        "Company",
        "Druckerei Fluss & Söhne",
        ("donaustrasse-nord",),
        ("arbeit-wirtschaft",),
        date(1985, 1, 1),
        f"{NOTE} A print shop (recorded with a 2010s action field).",
        sector="printing",
        social_enterprise=False,
    ),
    # High-Deck-Siedlung
    DemoActor(
        "gemeinschaftsschule-deck",
        "Institution",
        "Gemeinschaftsschule Oberdeck",
        ("high-deck-siedlung",),
        ("bildung",),
        date(2000, 8, 1),
        f"{NOTE} A comprehensive school.",
        kind="school",
    ),
    DemoActor(
        "bezirksamt-jugend",
        "Institution",
        "Jugendamt Region Süd (Demo)",
        ("high-deck-siedlung", "weisse-siedlung-dammweg", "rollberg"),
        ("bildung",),
        date(1990, 1, 1),
        f"{NOTE} A district office department.",
        kind="district_office_department",
    ),
    DemoActor(
        "deckgarten",
        "Initiative",
        "Deckgarten-Initiative",
        ("high-deck-siedlung",),
        ("oeffentlicher-raum", "klimaschutz-anpassung"),
        date(2018, 4, 1),
        f"{NOTE} Greening the decks.",
        legal_form="informal_group",
    ),
    DemoActor(
        "wohnen-deck",
        "HousingAssociation",
        "Deckwohnen Gesellschaft mbH",
        ("high-deck-siedlung",),
        ("oeffentlicher-raum",),
        date(1976, 1, 1),
        f"{NOTE} A fictional municipal housing company.",
        ownership="municipal",
    ),
    DemoActor(
        "sozialberatung-deck",
        "Company",
        "Beratungsladen Deck gGmbH",
        ("high-deck-siedlung",),
        ("nachbarschaft-integration", "gesundheit-bewegung"),
        date(2013, 1, 1),
        f"{NOTE} Social counselling.",
        sector="social services",
        social_enterprise=True,
    ),
    # Weiße Siedlung Dammweg
    DemoActor(
        "stadtteilmuetter-damm",
        "Initiative",
        "Stadtteilmütter am Damm",
        ("weisse-siedlung-dammweg",),
        ("nachbarschaft-integration", "bildung"),
        date(2011, 1, 1),
        f"{NOTE} Neighbourhood mothers.",
        legal_form="informal_group",
    ),
    DemoActor(
        "kita-dammweg",
        "Institution",
        "Kita Weißer Hof",
        ("weisse-siedlung-dammweg",),
        ("bildung",),
        date(2009, 8, 1),
        f"{NOTE} A Kita.",
        kind="kita",
    ),
    DemoActor(
        "privatwohnen-damm",
        "HousingAssociation",
        "Dammhof Immobilien AG",
        ("weisse-siedlung-dammweg",),
        ("oeffentlicher-raum",),
        date(2019, 1, 1),
        f"{NOTE} A fictional private owner.",
        ownership="private",
    ),
    # Rixdorf
    DemoActor(
        "kulturverein-rixdorf",
        "Initiative",
        "Kulturverein Böhmisches Dorf e.V.",
        ("rixdorf",),
        ("nachbarschaft-integration", "beteiligung-vernetzung-kooperation"),
        date(2002, 1, 1),
        f"{NOTE} A cultural association.",
        legal_form="ev",
    ),
    DemoActor(
        "gesundheitsladen-rixdorf",
        "Institution",
        "Gesundheitstreff Dorfplatz",
        ("rixdorf",),
        ("gesundheit-bewegung",),
        date(2021, 3, 1),
        f"{NOTE} A health service.",
        kind="health_service",
    ),
    DemoActor(
        "cafe-dorfplatz",
        "Company",
        "Café Dorfplatz",
        ("rixdorf",),
        ("nachbarschaft-integration",),
        date(2016, 1, 1),
        f"{NOTE} A café with a room for neighbourhood meetings.",
        sector="gastronomy",
        social_enterprise=False,
    ),
)

COOPERATIONS: tuple[DemoCooperation, ...] = (
    DemoCooperation(
        "kita-sonnenschein",
        "grundschule-am-hang",
        "project_partnership",
        ("bildung",),
        date(2016, 9, 1),
        3,
        description="Transition from Kita to school",
    ),
    DemoCooperation("kita-sonnenschein", "elterncafe-rollberg", "regular_exchange", ("bildung",), date(2017, 1, 1), 2),
    DemoCooperation(
        "kita-sonnenschein",
        "lesepaten-feld",
        "project_partnership",
        ("bildung",),
        date(2019, 2, 1),
        2,
        description="Reading mentors in the Kita",
    ),
    DemoCooperation("grundschule-am-hang", "jugendclub-kiste", "regular_exchange", ("bildung",), date(2012, 1, 1), 2),
    DemoCooperation(
        "grundschule-am-hang", "sport-kiez-feld", "project_partnership", ("gesundheit-bewegung",), date(2018, 4, 1), 1
    ),
    DemoCooperation(
        "jugendclub-kiste",
        "nachbarschaftstreff-rollberg",
        "working_group",
        ("nachbarschaft-integration",),
        date(2010, 5, 1),
        2,
    ),
    DemoCooperation(
        "nachbarschaftstreff-rollberg",
        "wohnbau-huegel",
        "space_provision",
        ("nachbarschaft-integration",),
        date(2004, 1, 1),
        3,
        description="Rooms for the neighbourhood centre",
    ),
    DemoCooperation(
        "nachbarschaftstreff-rollberg",
        "gartenfreunde-hang",
        "regular_exchange",
        ("oeffentlicher-raum",),
        date(2018, 1, 1),
        1,
    ),
    DemoCooperation(
        "gartenfreunde-hang", "wohnbau-huegel", "space_provision", ("oeffentlicher-raum",), date(2017, 4, 1), 2
    ),
    DemoCooperation(
        "baeckerei-korn",
        "nachbarschaftstreff-rollberg",
        "donation",
        ("nachbarschaft-integration",),
        date(2012, 6, 1),
        1,
    ),
    DemoCooperation(
        "elterncafe-rollberg",
        "nachbarschaftstreff-rollberg",
        "space_provision",
        ("nachbarschaft-integration",),
        date(2015, 2, 1),
        2,
    ),
    DemoCooperation(
        "hausaufgabenhilfe-huegel",
        "nachbarschaftstreff-rollberg",
        "space_provision",
        ("nachbarschaft-integration",),
        date(2020, 9, 1),
        2,
        description="A room twice a week",
    ),
    DemoCooperation("bezirksamt-jugend", "jugendclub-kiste", "funding", ("bildung",), date(2006, 3, 1), 3),
    DemoCooperation(
        "bezirksamt-jugend", "gemeinschaftsschule-deck", "working_group", ("bildung",), date(2014, 1, 1), 1
    ),
    DemoCooperation(
        "bezirksamt-jugend",
        "stadtteilmuetter-damm",
        "funding",
        ("nachbarschaft-integration",),
        date(2012, 1, 1),
        2,
        until=date(2022, 12, 31),
    ),
    DemoCooperation(
        "stadtteilbibliothek-flughafen", "lesepaten-feld", "space_provision", ("bildung",), date(2014, 1, 1), 3
    ),
    DemoCooperation(
        "stadtteilbibliothek-flughafen",
        "familienzentrum-feld",
        "project_partnership",
        ("bildung",),
        date(2013, 10, 1),
        2,
    ),
    DemoCooperation(
        "familienzentrum-feld", "sport-kiez-feld", "regular_exchange", ("gesundheit-bewegung",), date(2016, 1, 1), 1
    ),
    DemoCooperation("kiezwerk-ggmbh", "familienzentrum-feld", "project_partnership", ("bildung",), date(2015, 1, 1), 2),
    DemoCooperation(
        "kiezwerk-ggmbh",
        "druckerei-donau",
        "project_partnership",
        ("arbeit-wirtschaft",),
        date(2012, 3, 1),
        2,
        until=date(2019, 12, 31),
        description="Apprenticeship placements",
    ),
    DemoCooperation(
        "kiezwerk-ggmbh",
        "mieterbeirat-donau",
        "working_group",
        ("beteiligung-vernetzung-kooperation",),
        date(2020, 1, 1),
        1,
    ),
    DemoCooperation(
        "kita-regenbogen", "moschee-donau", "regular_exchange", ("nachbarschaft-integration",), date(2018, 5, 1), 1
    ),
    DemoCooperation(
        "mieterbeirat-donau",
        "repaircafe-donau",
        "regular_exchange",
        ("nachbarschaft-integration",),
        date(2019, 5, 1),
        2,
    ),
    DemoCooperation(
        "repaircafe-donau", "moschee-donau", "space_provision", ("nachbarschaft-integration",), date(2019, 9, 1), 2
    ),
    DemoCooperation(
        "gemeinschaftsschule-deck",
        "deckgarten",
        "project_partnership",
        ("oeffentlicher-raum", "klimaschutz-anpassung"),
        date(2019, 3, 1),
        2,
    ),
    DemoCooperation("deckgarten", "wohnen-deck", "space_provision", ("oeffentlicher-raum",), date(2018, 4, 1), 3),
    DemoCooperation(
        "sozialberatung-deck", "wohnen-deck", "project_partnership", ("nachbarschaft-integration",), date(2014, 1, 1), 2
    ),
    DemoCooperation(
        "sozialberatung-deck",
        "stadtteilmuetter-damm",
        "regular_exchange",
        ("nachbarschaft-integration",),
        date(2016, 6, 1),
        1,
    ),
    DemoCooperation("stadtteilmuetter-damm", "kita-dammweg", "project_partnership", ("bildung",), date(2013, 1, 1), 3),
    DemoCooperation("kita-dammweg", "privatwohnen-damm", "space_provision", ("bildung",), date(2020, 1, 1), 1),
    DemoCooperation(
        "kulturverein-rixdorf", "cafe-dorfplatz", "space_provision", ("nachbarschaft-integration",), date(2016, 1, 1), 2
    ),
    DemoCooperation(
        "kulturverein-rixdorf",
        "gesundheitsladen-rixdorf",
        "working_group",
        ("beteiligung-vernetzung-kooperation",),
        date(2021, 6, 1),
        1,
    ),
    DemoCooperation(
        "gesundheitsladen-rixdorf",
        "sport-kiez-feld",
        "project_partnership",
        ("gesundheit-bewegung",),
        date(2022, 4, 1),
        1,
    ),
    DemoCooperation(
        "lesepaten-feld",
        "stadtteilmuetter-damm",
        "regular_exchange",
        ("bildung",),
        date(2017, 1, 1),
        1,
        until=date(2021, 6, 30),
    ),
)


# ---- synthetic projects ----------------------------------------------------------------------
# FICTIONAL, like the actors above: titles, amounts, dates and votes are invented to show the
# QM process (idea → Quartiersrat → steering group → tender → sponsor → running → finished) and
# the funds. They are flagged ``synthetic`` and carry the source "synthetic demo data".


@dataclass(frozen=True)
class DemoDecision:
    quarter: str
    date: date
    body: str  # quartiersrat | aktionsfondsjury
    votes: tuple[int, int, int]  # for, against, abstained
    recommendation: str  # approve | reject | revise


@dataclass(frozen=True)
class DemoProject:
    key: str
    title: str
    fund: str
    quarters: tuple[str, ...]
    steps: tuple[tuple[str, date], ...]  # the process so far, oldest first; the last is the status
    action_fields: tuple[str, ...]
    description: str
    sponsor: str | None = None
    partners: tuple[tuple[str, str], ...] = ()  # (actor key, role)
    amount_cents: int | None = None
    start: date | None = None
    end: date | None = None
    decisions: tuple[DemoDecision, ...] = ()
    outcome: str | None = None


PROJECT_NOTE = "Synthetic demo project (fictional)."

PROJECTS: tuple[DemoProject, ...] = (
    DemoProject(
        "sprachkita-huegel",
        "Sprachbrücke Hügel",
        "projektfonds",
        ("rollberg",),
        (
            ("idea", date(2020, 3, 1)),
            ("discussed", date(2020, 5, 12)),
            ("approved", date(2020, 6, 30)),
            ("tendered", date(2020, 8, 1)),
            ("awarded", date(2020, 11, 15)),
            ("running", date(2021, 1, 1)),
            ("finished", date(2023, 12, 31)),
        ),
        ("bildung",),
        f"{PROJECT_NOTE} Early language support in two Kitas with parents' mornings.",
        sponsor="nachbarschaftstreff-rollberg",
        partners=(("kita-sonnenschein", "partner"), ("kita-huegelnest", "venue")),
        amount_cents=4_800_000,
        start=date(2021, 1, 1),
        end=date(2023, 12, 31),
        decisions=(DemoDecision("rollberg", date(2020, 5, 12), "quartiersrat", (12, 1, 2), "approve"),),
        outcome="Fictional: 60 families took part; both Kitas continue the parents' mornings.",
    ),
    DemoProject(
        "hofgarten-hang",
        "Hofgarten am Hang",
        "aktionsfonds",
        ("rollberg",),
        (
            ("idea", date(2022, 2, 1)),
            ("discussed", date(2022, 3, 10)),
            ("approved", date(2022, 3, 10)),
            ("running", date(2022, 5, 1)),
            ("finished", date(2022, 9, 30)),
        ),
        ("oeffentlicher-raum",),
        f"{PROJECT_NOTE} Residents plant raised beds in a courtyard.",
        sponsor="gartenfreunde-hang",
        partners=(("wohnbau-huegel", "venue"),),
        amount_cents=140_000,
        start=date(2022, 5, 1),
        end=date(2022, 9, 30),
        decisions=(DemoDecision("rollberg", date(2022, 3, 10), "aktionsfondsjury", (7, 0, 0), "approve"),),
    ),
    DemoProject(
        "lesen-verbindet",
        "Lesen verbindet",
        "netzwerkfonds",
        ("rollberg", "flughafenstrasse"),
        (
            ("idea", date(2022, 1, 15)),
            ("discussed", date(2022, 3, 1)),
            ("approved", date(2022, 6, 1)),
            ("tendered", date(2022, 7, 1)),
            ("awarded", date(2022, 10, 1)),
            ("running", date(2023, 1, 1)),
        ),
        ("bildung", "beteiligung-vernetzung-kooperation"),
        f"{PROJECT_NOTE} Reading mentors across two quarters, with the library as hub.",
        sponsor="lesepaten-feld",
        partners=(("stadtteilbibliothek-flughafen", "venue"), ("grundschule-am-hang", "partner")),
        amount_cents=18_000_000,
        start=date(2023, 1, 1),
        end=date(2026, 12, 31),
        decisions=(
            DemoDecision("rollberg", date(2022, 3, 1), "quartiersrat", (15, 0, 1), "approve"),
            DemoDecision("flughafenstrasse", date(2022, 3, 3), "quartiersrat", (11, 2, 2), "approve"),
        ),
    ),
    DemoProject(
        "repair-treff-donau",
        "Repair-Treff Donau",
        "projektfonds",
        ("donaustrasse-nord",),
        (
            ("idea", date(2023, 2, 1)),
            ("discussed", date(2023, 4, 20)),
            ("approved", date(2023, 6, 15)),
            ("tendered", date(2023, 7, 1)),
            ("awarded", date(2023, 10, 1)),
            ("running", date(2024, 1, 1)),
        ),
        ("nachbarschaft-integration", "klimaschutz-anpassung"),
        f"{PROJECT_NOTE} Monthly repair meetings with apprentices.",
        sponsor="kiezwerk-ggmbh",
        partners=(("repaircafe-donau", "partner"), ("druckerei-donau", "co_funder")),
        amount_cents=2_500_000,
        start=date(2024, 1, 1),
        end=date(2025, 12, 31),
        decisions=(DemoDecision("donaustrasse-nord", date(2023, 4, 20), "quartiersrat", (10, 3, 1), "approve"),),
    ),
    DemoProject(
        "bewegte-pause",
        "Bewegte Pause",
        "projektfonds",
        ("flughafenstrasse",),
        (
            ("idea", date(2024, 9, 1)),
            ("discussed", date(2024, 11, 5)),
            ("approved", date(2025, 1, 20)),
        ),
        ("gesundheit-bewegung",),
        f"{PROJECT_NOTE} Exercise breaks for families; approved, the tender follows.",
        sponsor="kiezwerk-ggmbh",
        partners=(("sport-kiez-feld", "partner"), ("familienzentrum-feld", "venue")),
        amount_cents=3_000_000,
        start=date(2025, 4, 1),
        end=date(2026, 12, 31),
        decisions=(DemoDecision("flughafenstrasse", date(2024, 11, 5), "quartiersrat", (9, 4, 0), "revise"),),
    ),
    DemoProject(
        "spielplatz-deck",
        "Spielplatz am Deckgarten",
        "baufonds",
        ("high-deck-siedlung",),
        (("idea", date(2025, 3, 1)),),
        ("oeffentlicher-raum",),
        f"{PROJECT_NOTE} An idea for a new playground; not yet discussed.",
        partners=(("deckgarten", "partner"),),
    ),
    DemoProject(
        "fest-dammweg",
        "Nachbarschaftsfest Dammweg",
        "aktionsfonds",
        ("weisse-siedlung-dammweg",),
        (("idea", date(2024, 4, 1)), ("discussed", date(2024, 5, 2)), ("rejected", date(2024, 5, 2))),
        ("nachbarschaft-integration",),
        f"{PROJECT_NOTE} A street party the jury turned down.",
        sponsor="stadtteilmuetter-damm",
        amount_cents=150_000,
        decisions=(DemoDecision("weisse-siedlung-dammweg", date(2024, 5, 2), "aktionsfondsjury", (3, 5, 0), "reject"),),
    ),
)

# Organisations' seats on the councils: (actor key, quarter, body, since).
COUNCIL_SEATS: tuple[tuple[str, str, str, date], ...] = (
    ("nachbarschaftstreff-rollberg", "rollberg", "quartiersrat", date(2021, 1, 1)),
    ("elterncafe-rollberg", "rollberg", "quartiersrat", date(2021, 1, 1)),
    ("grundschule-am-hang", "rollberg", "quartiersrat", date(2023, 1, 1)),
    ("mieterbeirat-donau", "donaustrasse-nord", "quartiersrat", date(2022, 1, 1)),
    ("familienzentrum-feld", "flughafenstrasse", "quartiersrat", date(2021, 1, 1)),
)
