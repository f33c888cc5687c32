"""The real Neukölln QM areas, with every fact tied to the public source it comes from.

Facts are those listed in the project's domain notes (residents and area with the year of the
figure). Where a source does not give a fact it stays empty: no coordinates are invented, no
QM Träger is guessed (Körnerpark's is not confirmed), and no cooperation between real
organisations is seeded, ever.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

# The sources, named once so that facts can point at them.
REUTER_QM = "https://reuter-quartier.de/94.html"
REUTER_SEN = "https://stadtentwicklung.berlin.de/wohnen/quartiersmanagement/de/reuterplatz/"
DONAU = "https://quartiersmanagement-berlin.de/quartiere/donaustrasse-nord.html"
FLUGHAFEN = "https://quartiersmanagement-berlin.de/quartiere/flughafenstrasse.html"
SCHILLER = "https://bsgmbh.com/quartiersmanagement-schillerpromenade-beendet/"
ROLLBERG_QM = "https://quartiersmanagement-berlin.de/quartiere/rollbergsiedlung.html"
ROLLBERG_BSG = "https://bsgmbh.com/projekt/quartiersmanagement/rollberg-siedlung/"
GANGHOFER = "https://quartiersmanagement-berlin.de/quartiere/ganghoferstrasse/print.html"
RICHARD_SEN = "https://stadtentwicklung.berlin.de/wohnen/quartiersmanagement/de/richardplatz/"
RIXDORF = "https://rixdorf-quartier.de/qm/"
KOERNER = "https://stadtentwicklung.berlin.de/wohnen/quartiersmanagement/de/koernerpark/"
HIGH_DECK = "https://quartiersmanagement-berlin.de/quartiere/sonnenallee-high-deck-siedlung.html"
DAMMWEG = "https://quartiersmanagement-berlin.de/quartiere/dammwegsiedlung.html"
GROPIUS = "https://stadtentwicklung.berlin.de/wohnen/quartiersmanagement/de/gropiusstadt/"
# The approximate landmark points come from the project's domain notes, which name no URL;
# the source says so rather than borrowing a page that does not give them.
LANDMARK_NOTE = "kiezgraph domain notes (shared/DOMAIN.md): approximate landmark point, not the area centre"

END_2027 = date(2027, 12, 31)
END_2020 = date(2020, 12, 31)
MERGER = date(2021, 1, 1)


@dataclass(frozen=True)
class QuarterSeed:
    slug: str
    name: str
    sources: tuple[str, ...]
    status: str  # active | ended | merged
    start_year: int
    area_ha: float | None
    residents: int | None
    residents_year: int | None
    alt_names: tuple[str, ...] = ()
    start_date: date | None = None
    start_note: str | None = None
    end_date: date | None = None
    planned_end_date: date | None = None
    merged_into: str | None = None
    merger_date: date | None = None
    merger_sources: tuple[str, ...] = ()
    landmark: tuple[float, float] | None = None
    note: str | None = None
    district: str = "Neukölln"
    city: str = "Berlin"


@dataclass(frozen=True)
class OrganisationSeed:
    """A real organisation named by a source: a QM Träger or a documented housing owner."""

    key: str
    name: str
    type: str  # Company | HousingAssociation
    sources: tuple[str, ...]
    alt_names: tuple[str, ...] = ()
    ownership: str | None = None  # housing associations: municipal | cooperative | private | unknown
    sector: str | None = None  # companies


@dataclass(frozen=True)
class QuarterLinkSeed:
    """A documented role of an organisation in a quarter, with its source."""

    organisation: str
    quarter: str
    role: str  # qm_operator | housing_owner
    sources: tuple[str, ...]
    until: date | None = None
    share_note: str | None = None
    flats: int | None = None
    note: str | None = None


QUARTERS: tuple[QuarterSeed, ...] = (
    QuarterSeed(
        slug="reuterplatz",
        name="Reuterplatz",
        sources=(REUTER_QM, REUTER_SEN),
        status="ended",
        start_year=2001,
        start_note="QM team from 2002/03",
        end_date=date(2016, 12, 31),
        area_ha=66.06,
        residents=19599,
        residents_year=2015,
    ),
    QuarterSeed(
        slug="donaustrasse-nord",
        name="Donaustraße-Nord",
        sources=(DONAU,),
        status="active",
        start_year=2008,
        start_note="work from 2009",
        planned_end_date=END_2027,
        area_ha=22.41,
        residents=8020,
        residents_year=2022,
    ),
    QuarterSeed(
        slug="flughafenstrasse",
        name="Flughafenstraße",
        sources=(FLUGHAFEN,),
        status="active",
        start_year=2005,
        planned_end_date=END_2027,
        area_ha=25.29,
        residents=8532,
        residents_year=2021,
    ),
    QuarterSeed(
        slug="schillerpromenade",
        name="Schillerpromenade",
        sources=(SCHILLER,),
        status="ended",
        start_year=1999,
        start_date=date(1999, 3, 30),
        end_date=END_2020,
        area_ha=92.58,
        residents=22997,
        residents_year=2018,
        landmark=(52.4761, 13.4225),
    ),
    QuarterSeed(
        slug="rollberg",
        name="Rollberg",
        alt_names=("Rollbergsiedlung", "Rollberg-Siedlung"),
        sources=(ROLLBERG_QM, ROLLBERG_BSG),
        status="active",
        start_year=1999,
        planned_end_date=END_2027,
        area_ha=28.84,
        residents=5664,
        residents_year=2015,
        landmark=(52.4772, 13.4322),
    ),
    QuarterSeed(
        slug="ganghoferstrasse",
        name="Ganghoferstraße",
        sources=(GANGHOFER,),
        status="merged",
        start_year=2009,
        end_date=END_2020,
        merged_into="rixdorf",
        merger_date=MERGER,
        merger_sources=(GANGHOFER, RIXDORF),
        area_ha=31.75,
        residents=8450,
        residents_year=2017,
    ),
    QuarterSeed(
        slug="richardplatz-sued",
        name="Richardplatz Süd",
        sources=(RICHARD_SEN, RIXDORF),
        status="merged",
        start_year=2005,
        end_date=END_2020,
        merged_into="rixdorf",
        merger_date=MERGER,
        merger_sources=(RIXDORF,),
        area_ha=44.70,
        residents=13121,
        residents_year=2015,
    ),
    QuarterSeed(
        slug="koernerpark",
        name="Körnerpark",
        sources=(KOERNER,),
        status="ended",
        start_year=2005,
        end_date=END_2020,
        area_ha=36.21,
        residents=12391,
        residents_year=2015,
        landmark=(52.4719, 13.4378),
        note="QM Träger not confirmed by a public source",
    ),
    QuarterSeed(
        slug="high-deck-siedlung",
        name="High-Deck-Siedlung",
        alt_names=("Sonnenallee/High-Deck-Siedlung", "High-Deck-Siedlung/Sonnenallee Süd"),
        sources=(HIGH_DECK,),
        status="active",
        start_year=1999,
        planned_end_date=END_2027,
        area_ha=55.3,
        residents=8323,
        residents_year=2021,
        note="with Sonnenallee Süd since 2016",
    ),
    QuarterSeed(
        slug="weisse-siedlung-dammweg",
        name="Weiße Siedlung Dammweg",
        alt_names=("Dammwegsiedlung",),
        sources=(DAMMWEG,),
        status="active",
        start_year=2005,
        planned_end_date=END_2027,
        area_ha=15.33,
        residents=4340,
        residents_year=2021,
    ),
    QuarterSeed(
        slug="gropiusstadt",
        name="Gropiusstadt",
        alt_names=("Lipschitzallee", "Gropiusstadt (Lipschitzallee)"),
        sources=(GROPIUS,),
        status="ended",
        start_year=2005,
        end_date=END_2020,
        area_ha=140.14,
        residents=24767,
        residents_year=2015,
        landmark=(52.4258, 13.4614),
        note="QM Gropiusstadt Nord since 2021 (not part of this seed)",
    ),
    QuarterSeed(
        slug="rixdorf",
        name="Rixdorf",
        sources=(RIXDORF,),
        status="active",
        start_year=2021,
        start_date=MERGER,
        planned_end_date=END_2027,
        area_ha=None,
        residents=None,
        residents_year=None,
        note="formed from Ganghoferstraße and Richardplatz Süd",
    ),
)

ORGANISATIONS: tuple[OrganisationSeed, ...] = (
    OrganisationSeed("bsg", "BSG", "Company", (ROLLBERG_BSG, SCHILLER), sector="urban development"),
    OrganisationSeed("stadtkuemmerei", "Stadtkümmerei", "Company", (DONAU, FLUGHAFEN), sector="urban development"),
    OrganisationSeed("weeber-partner", "Weeber+Partner", "Company", (HIGH_DECK, DAMMWEG), sector="urban development"),
    OrganisationSeed("stern", "S.T.E.R.N.", "Company", (GROPIUS,), sector="urban development"),
    OrganisationSeed(
        "mieterberatung-prenzlauer-berg",
        "Mieterberatung Prenzlauer Berg",
        "Company",
        (GANGHOFER,),
        sector="urban development",
    ),
    OrganisationSeed(
        "stadt-und-land", "STADT UND LAND", "HousingAssociation", (ROLLBERG_QM, HIGH_DECK), ownership="municipal"
    ),
    OrganisationSeed("howoge", "HOWOGE", "HousingAssociation", (HIGH_DECK,), ownership="municipal"),
    OrganisationSeed("evm-berlin", "EVM Berlin eG", "HousingAssociation", (HIGH_DECK,), ownership="cooperative"),
    OrganisationSeed("adler-group", "Adler Group", "HousingAssociation", (DAMMWEG,), ownership="private"),
    OrganisationSeed("degewo", "degewo", "HousingAssociation", (GROPIUS,), ownership="municipal"),
    OrganisationSeed("deutsche-wohnen", "Deutsche Wohnen", "HousingAssociation", (GROPIUS,), ownership="private"),
    OrganisationSeed("hilfswerk-siedlung", "Hilfswerk-Siedlung", "HousingAssociation", (GROPIUS,), ownership="unknown"),
)

LINKS: tuple[QuarterLinkSeed, ...] = (
    QuarterLinkSeed("bsg", "reuterplatz", "qm_operator", (REUTER_QM, REUTER_SEN), until=date(2016, 12, 31)),
    QuarterLinkSeed("bsg", "schillerpromenade", "qm_operator", (SCHILLER,), until=END_2020),
    QuarterLinkSeed("bsg", "rollberg", "qm_operator", (ROLLBERG_QM, ROLLBERG_BSG)),
    QuarterLinkSeed("bsg", "richardplatz-sued", "qm_operator", (RICHARD_SEN,), until=END_2020),
    QuarterLinkSeed("stadtkuemmerei", "donaustrasse-nord", "qm_operator", (DONAU,)),
    QuarterLinkSeed("stadtkuemmerei", "flughafenstrasse", "qm_operator", (FLUGHAFEN,)),
    QuarterLinkSeed("weeber-partner", "high-deck-siedlung", "qm_operator", (HIGH_DECK,)),
    QuarterLinkSeed("weeber-partner", "weisse-siedlung-dammweg", "qm_operator", (DAMMWEG,)),
    QuarterLinkSeed("stern", "gropiusstadt", "qm_operator", (GROPIUS,), until=END_2020),
    QuarterLinkSeed("mieterberatung-prenzlauer-berg", "ganghoferstrasse", "qm_operator", (GANGHOFER,), until=END_2020),
    QuarterLinkSeed(
        "stadt-und-land",
        "rollberg",
        "housing_owner",
        (ROLLBERG_QM,),
        share_note="more than 90 %",
        flats=2100,
        note="about 2,100 flats",
    ),
    QuarterLinkSeed("stadt-und-land", "high-deck-siedlung", "housing_owner", (HIGH_DECK,)),
    QuarterLinkSeed("howoge", "high-deck-siedlung", "housing_owner", (HIGH_DECK,)),
    QuarterLinkSeed("evm-berlin", "high-deck-siedlung", "housing_owner", (HIGH_DECK,)),
    QuarterLinkSeed(
        "adler-group",
        "weisse-siedlung-dammweg",
        "housing_owner",
        (DAMMWEG,),
        note="owner according to press reports of 2024–25",
    ),
    QuarterLinkSeed("degewo", "gropiusstadt", "housing_owner", (GROPIUS,), note="district-wide owner"),
    QuarterLinkSeed("deutsche-wohnen", "gropiusstadt", "housing_owner", (GROPIUS,), note="district-wide owner"),
    QuarterLinkSeed("hilfswerk-siedlung", "gropiusstadt", "housing_owner", (GROPIUS,), note="district-wide owner"),
)
