"""Enumerations of the domain; each value's string is what Neo4j stores."""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum

import strawberry


@strawberry.enum(description="The four kinds of actor in a quarter's network.")
class ActorType(Enum):
    INSTITUTION = strawberry.enum_value(
        "Institution", description="Public or church institution: school, Kita, library, youth club, district office..."
    )
    INITIATIVE = strawberry.enum_value(
        "Initiative", description="Resident initiative, association (e.V.), parents' group or informal group."
    )
    COMPANY = strawberry.enum_value(
        "Company", description="Local business, social enterprise (gGmbH), or a QM Träger company."
    )
    HOUSING_ASSOCIATION = strawberry.enum_value(
        "HousingAssociation",
        description="Housing company or owner (Wohnungsbaugesellschaft, Genossenschaft, private owner).",
    )


@strawberry.enum(description="What kind of institution an actor is.")
class InstitutionKind(Enum):
    SCHOOL = strawberry.enum_value("school", description="School (Schule).")
    KITA = strawberry.enum_value("kita", description="Day-care centre for children (Kindertagesstätte, Kita).")
    LIBRARY = strawberry.enum_value("library", description="Public library (Bibliothek).")
    YOUTH_CLUB = strawberry.enum_value("youth_club", description="Youth club (Jugendfreizeiteinrichtung).")
    FAMILY_CENTRE = strawberry.enum_value("family_centre", description="Family centre (Familienzentrum).")
    NEIGHBOURHOOD_CENTRE = strawberry.enum_value(
        "neighbourhood_centre", description="Neighbourhood centre (Nachbarschaftszentrum, Stadtteilzentrum)."
    )
    HEALTH_SERVICE = strawberry.enum_value("health_service", description="Health service or counselling centre.")
    DISTRICT_OFFICE_DEPARTMENT = strawberry.enum_value(
        "district_office_department", description="A department of the district office (Bezirksamt)."
    )
    RELIGIOUS_COMMUNITY = strawberry.enum_value(
        "religious_community", description="Church, mosque or other religious community."
    )
    OTHER = strawberry.enum_value("other", description="Another kind of institution.")


@strawberry.enum(description="Legal form of an initiative.")
class LegalForm(Enum):
    EV = strawberry.enum_value("ev", description="Registered association (eingetragener Verein, e.V.).")
    INFORMAL_GROUP = strawberry.enum_value("informal_group", description="Informal group without legal form.")
    FOUNDATION = strawberry.enum_value("foundation", description="Foundation (Stiftung).")
    GGMBH = strawberry.enum_value("ggmbh", description="Non-profit limited company (gGmbH).")
    COOPERATIVE = strawberry.enum_value("cooperative", description="Cooperative (eingetragene Genossenschaft, eG).")
    OTHER = strawberry.enum_value("other", description="Another legal form.")


@strawberry.enum(description="Who owns a housing association.")
class Ownership(Enum):
    MUNICIPAL = strawberry.enum_value(
        "municipal", description="Owned by the state of Berlin (landeseigene Wohnungsbaugesellschaft)."
    )
    COOPERATIVE = strawberry.enum_value("cooperative", description="Housing cooperative (Wohnungsbaugenossenschaft).")
    PRIVATE = strawberry.enum_value("private", description="Private owner or listed company.")
    NON_PROFIT = strawberry.enum_value("non_profit", description="Non-profit or church-related owner.")
    UNKNOWN = strawberry.enum_value("unknown", description="Not documented by a source.")


@strawberry.enum(description="What a cooperation between two actors consists of.")
class CooperationKind(Enum):
    PROJECT_PARTNERSHIP = strawberry.enum_value("project_partnership", description="Partners in a common project.")
    WORKING_GROUP = strawberry.enum_value(
        "working_group", description="Members of the same working group or network (AG, Netzwerk, Runder Tisch)."
    )
    FUNDING = strawberry.enum_value("funding", description="One funds the other's work.")
    SPACE_PROVISION = strawberry.enum_value("space_provision", description="One provides rooms or space to the other.")
    REGULAR_EXCHANGE = strawberry.enum_value("regular_exchange", description="Regular exchange of information.")
    PROJECT_SPONSORSHIP = strawberry.enum_value(
        "project_sponsorship",
        description="One is the sponsor (Projektträger) of a QM project carried out with the other.",
    )
    DONATION = strawberry.enum_value("donation", description="Donations in money or kind.")
    OTHER = strawberry.enum_value("other", description="Another kind of cooperation (say which in the description).")


@strawberry.enum(description="An actor's role in a quarter.")
class MembershipRole(Enum):
    MEMBER = strawberry.enum_value("member", description="Active in the quarter.")
    QM_OPERATOR = strawberry.enum_value(
        "qm_operator", description="Runs the quarter's QM office on behalf of the Senate (QM Träger)."
    )
    HOUSING_OWNER = strawberry.enum_value("housing_owner", description="Owns housing in the quarter.")


@strawberry.enum(description="The generation of IHEK action fields a field belongs to.")
class ActionFieldEra(Enum):
    CURRENT = strawberry.enum_value("current", description="IHEKs since about 2020/21.")
    GENERATION_2010S = strawberry.enum_value("2010s", description="IHEKs of the 2010s.")


@strawberry.enum(description="Sort direction.")
class SortDirection(Enum):
    ASC = strawberry.enum_value("asc", description="Ascending: A to Z, oldest first, fewest first.")
    DESC = strawberry.enum_value("desc", description="Descending: Z to A, newest first, most first.")


@strawberry.enum(description="What actors can be sorted by.")
class ActorOrderField(Enum):
    NAME = strawberry.enum_value("NAME", description="Name, ignoring case and accents.")
    CREATED_AT = strawberry.enum_value("CREATED_AT", description="When the actor was recorded.")
    UPDATED_AT = strawberry.enum_value("UPDATED_AT", description="When the actor was last changed.")
    COOPERATION_COUNT = strawberry.enum_value(
        "COOPERATION_COUNT", description="Number of cooperations (with actors that are not archived)."
    )


@strawberry.enum(description="What cooperations can be sorted by.")
class CooperationOrderField(Enum):
    SINCE = strawberry.enum_value("SINCE", description="Start date (unknown starts count as earliest).")
    CREATED_AT = strawberry.enum_value("CREATED_AT", description="When the cooperation was recorded.")
    INTENSITY = strawberry.enum_value("INTENSITY", description="Intensity (1 loose to 3 close).")


@strawberry.enum(description="What an API token may do (see the README's table of roles).")
class TokenRole(Enum):
    RESEARCHER = strawberry.enum_value("researcher", description="Reads all non-personal data, metrics, exports.")
    MANAGER = strawberry.enum_value(
        "manager", description="Public reads plus contact persons; writes actors and cooperations in its quarters."
    )
    ADMIN = strawberry.enum_value("admin", description="Everything, including tokens, merges and deletions.")


@strawberry.enum(description="Where a QM area stands in its life cycle.")
class QuarterStatus(Enum):
    ACTIVE = strawberry.enum_value("active", description="QM works in the area (funding may have a planned end).")
    ENDED = strawberry.enum_value("ended", description="QM has ended (Verstetigung done or funding stopped).")
    MERGED = strawberry.enum_value("merged", description="The area was merged into another one (see `mergedInto`).")


@strawberry.enum(description="How a handover treats the manager rights of a quarter's current managers.")
class HandoverMode(Enum):
    SHARE = strawberry.enum_value(
        "share", description="The successor's people get manager rights beside the current managers."
    )
    TRANSFER = strawberry.enum_value(
        "transfer",
        description="The successor's people get manager rights; the quarter is taken from every other manager token "
        "(a token left with no quarter is revoked).",
    )


@strawberry.enum(
    description="What pays for a project: one of the four quarter funds (Quartiersfonds) of the programme "
    "'Sozialer Zusammenhalt', or another programme (named in `programme`)."
)
class Fund(Enum):
    AKTIONSFONDS = strawberry.enum_value(
        "aktionsfonds",
        description="Aktionsfonds: small, quick resident actions (up to 1,500 € each); the Aktionsfondsjury decides.",
    )
    PROJEKTFONDS = strawberry.enum_value(
        "projektfonds",
        description="Projektfonds: multi-year, structure-building projects (from 5,000 €); the Quartiersrat "
        "advises, the steering group selects the sponsor.",
    )
    BAUFONDS = strawberry.enum_value(
        "baufonds",
        description="Baufonds: construction such as playgrounds, school yards, neighbourhood centres (from 50,000 €).",
    )
    NETZWERKFONDS = strawberry.enum_value(
        "netzwerkfonds",
        description="Netzwerkfonds: projects across quarters or districts (from 50,000 €); may span several quarters.",
    )
    OTHER_PROGRAMME = strawberry.enum_value(
        "other", description="Another funding programme; its name is in `programme`."
    )


@strawberry.enum(
    description="Where a project stands in the QM process: an idea is discussed in the Quartiersrat, approved by "
    "the steering group (Steuerungsrunde), put out to tender (Projektwettbewerb), awarded to a sponsor, run and "
    "finished; or it is rejected or withdrawn. Aktionsfonds actions skip the tender."
)
class ProjectStatus(Enum):
    IDEA = strawberry.enum_value("idea", description="An idea from the quarter, not yet discussed.")
    DISCUSSED = strawberry.enum_value("discussed", description="Discussed in the Quartiersrat (or the jury).")
    APPROVED = strawberry.enum_value("approved", description="Approved by the steering group (or the jury).")
    TENDERED = strawberry.enum_value("tendered", description="Put out to tender (Projektwettbewerb).")
    AWARDED = strawberry.enum_value("awarded", description="Awarded to a project sponsor (Projektträger).")
    RUNNING = strawberry.enum_value("running", description="Being carried out.")
    FINISHED = strawberry.enum_value("finished", description="Finished.")
    REJECTED = strawberry.enum_value("rejected", description="Rejected (final).")
    WITHDRAWN = strawberry.enum_value("withdrawn", description="Withdrawn (final).")


@strawberry.enum(description="What a partner contributes to a project.")
class PartnerRole(Enum):
    PARTNER = strawberry.enum_value("partner", description="Works on the project with the sponsor.")
    VENUE = strawberry.enum_value("venue", description="Provides the rooms or the place.")
    CO_FUNDER = strawberry.enum_value("co_funder", description="Pays part of the cost (Kofinanzierung).")
    OTHER = strawberry.enum_value("other", description="Another contribution.")


@strawberry.enum(description="Which council of a quarter decided.")
class CouncilBody(Enum):
    QUARTIERSRAT = strawberry.enum_value(
        "quartiersrat",
        description="The Quartiersrat (quarter council: 15–25 members, more than half residents, elected every "
        "2 years).",
    )
    AKTIONSFONDSJURY = strawberry.enum_value(
        "aktionsfondsjury",
        description="The Aktionsfondsjury (residents only, at least 7): decides Aktionsfonds actions.",
    )


@strawberry.enum(description="What a council recommended.")
class CouncilRecommendation(Enum):
    APPROVE = strawberry.enum_value("approve", description="Recommended for funding.")
    REJECT = strawberry.enum_value("reject", description="Not recommended.")
    REVISE = strawberry.enum_value("revise", description="To be revised and presented again.")


@strawberry.enum(description="How an actor takes part in a project.")
class ProjectRole(Enum):
    SPONSOR = strawberry.enum_value("sponsor", description="As its sponsor (Projektträger).")
    PARTNER = strawberry.enum_value("partner", description="As one of its partners.")
    ANY = strawberry.enum_value("any", description="Either.")


@strawberry.enum(description="What projects can be sorted by.")
class ProjectOrderField(Enum):
    START = strawberry.enum_value("START", description="Start of the period (unknown starts count as earliest).")
    TITLE = strawberry.enum_value("TITLE", description="Title, ignoring case.")
    AMOUNT = strawberry.enum_value("AMOUNT", description="Amount granted (unknown amounts count as 0).")


@strawberry.enum(
    description="Which ties make a network: recorded cooperations, joint work in projects (the sponsor and the "
    "partners of a project that was awarded, ran or finished, pairwise, over the project's period), or both."
)
class TieSource(Enum):
    COOPERATIONS = strawberry.enum_value("cooperations", description="Recorded cooperations only (the default).")
    PROJECTS = strawberry.enum_value("projects", description="Joint work in projects only.")
    BOTH = strawberry.enum_value("both", description="Cooperations and joint work in projects.")


def value(member: Enum) -> str:
    """The string a member stands for (what Neo4j stores and resolvers take).

    A member declared with ``strawberry.enum_value`` holds that string at run time, but mypy
    types its ``.value`` as the declaration (``EnumValueDefinition``); this is the one place
    that bridges the two.
    """
    return str(member.value)


def values(members: Iterable[Enum] | None) -> tuple[str, ...] | None:
    """:func:`value` of each member; None stays None."""
    return None if members is None else tuple(value(m) for m in members)
