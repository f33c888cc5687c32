"""The action fields (Handlungsfelder) of the QM programme: today's set and the 2010s generation.

IHEKs since about 2020/21 use five fields and one cross-cutting theme; older IHEKs used five
others. Historical cooperations keep the field they were recorded with; ``successor`` maps an
old field onto the current one that took it over (none where nothing did).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ActionFieldSeed:
    key: str
    name: str
    name_en: str
    era: str  # "current" (IHEKs since about 2020/21) or "2010s"
    cross_cutting: bool = False
    successors: tuple[str, ...] = ()


ACTION_FIELDS: tuple[ActionFieldSeed, ...] = (
    ActionFieldSeed(
        "nachbarschaft-integration", "Nachbarschaft und Integration", "Neighbourhood and integration", "current"
    ),
    ActionFieldSeed("bildung", "Bildung", "Education", "current"),
    ActionFieldSeed("oeffentlicher-raum", "Öffentlicher Raum", "Public space", "current"),
    ActionFieldSeed("gesundheit-bewegung", "Gesundheit und Bewegung", "Health and exercise", "current"),
    ActionFieldSeed(
        "beteiligung-vernetzung-kooperation",
        "Beteiligung, Vernetzung und Kooperation",
        "Participation, networking and cooperation",
        "current",
    ),
    ActionFieldSeed(
        "klimaschutz-anpassung",
        "Klimaschutz und -anpassung",
        "Climate protection and adaptation",
        "current",
        cross_cutting=True,
    ),
    ActionFieldSeed(
        "bildung-ausbildung-jugend",
        "Bildung, Ausbildung, Jugend",
        "Education, training, youth",
        "2010s",
        successors=("bildung",),
    ),
    ActionFieldSeed("arbeit-wirtschaft", "Arbeit und Wirtschaft", "Work and economy", "2010s"),
    ActionFieldSeed(
        "nachbarschaft-gemeinwesen-integration",
        "Nachbarschaft (Gemeinwesen, Integration)",
        "Neighbourhood (community, integration)",
        "2010s",
        successors=("nachbarschaft-integration",),
    ),
    ActionFieldSeed(
        "oeffentlicher-raum-2010er",
        "Öffentlicher Raum",
        "Public space",
        "2010s",
        successors=("oeffentlicher-raum",),
    ),
    ActionFieldSeed(
        "beteiligung-vernetzung-einbindung",
        "Beteiligung, Vernetzung und Einbindung der Partner",
        "Participation, networking and involvement of partners",
        "2010s",
        successors=("beteiligung-vernetzung-kooperation",),
    ),
)
