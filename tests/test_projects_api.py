"""Projects, funds and the Quartiersrat through the GraphQL API, against the real Neo4j.

A QM manager of Rollberg records a project from idea to finished; the process refuses steps it
does not allow; bad input and refused rights change nothing; the queries answer.
"""

from __future__ import annotations

from typing import Any

import neo4j
import pytest
from starlette.testclient import TestClient

from graph import projects as graph_projects
from graph.db import Neo4jSettings
from seeds import load
from tests import factories
from tests.conftest import GraphQLClient, count, issue_token, run_async

ERR = "errors { __typename code message path }"
PROJECT_FIELDS = """id title fund programme amountGranted start end status version quarterSlugs outcome synthetic
  steps { status date } sponsor { name } partners { role actor { name } } actionFields { key era }
  decisions { date body votesFor votesAgainst abstentions recommendation quarterSlug }"""
CREATE = f"mutation($i: CreateProjectInput!) {{ createProject(input: $i) {{ project {{ {PROJECT_FIELDS} }} {ERR} }} }}"
UPDATE = f"mutation($i: UpdateProjectInput!) {{ updateProject(input: $i) {{ project {{ {PROJECT_FIELDS} }} {ERR} }} }}"
ADVANCE = (
    "mutation($i: AdvanceProjectInput!) { advanceProject(input: $i) { project { id status version steps { status date } } "
    "errors { __typename code message path ... on InvalidTransitionError { fromStatus toStatus allowed } } } }"
)
DECIDE = (
    "mutation($i: RecordCouncilDecisionInput!) { recordCouncilDecision(input: $i) { decision { id body votesFor "
    f"recommendation project {{ title }} }} {ERR} }} }}"
)
SEAT = f"mutation($i: AddCouncilSeatInput!) {{ addCouncilSeat(input: $i) {{ seat {{ id body since actor {{ name }} }} {ERR} }} }}"


@pytest.fixture
def world(reference: neo4j.Driver, neo4j_settings: Neo4jSettings, gql: GraphQLClient) -> dict[str, str]:
    """Actors in Rollberg (R1–R3) and Flughafenstraße (F1), made by the admin."""
    return {
        "R1": factories.actor(gql, "Träger Kiezlernen e.V.", quarters=[{"quarter": "rollberg"}])["id"],
        "R2": factories.actor(gql, "Kita Hügel", "INSTITUTION", quarters=[{"quarter": "rollberg"}])["id"],
        "R3": factories.actor(gql, "Nachbarschaftsladen", quarters=[{"quarter": "rollberg"}])["id"],
        "F1": factories.actor(gql, "Bibliothek am Feld", "INSTITUTION", quarters=[{"quarter": "flughafenstrasse"}])[
            "id"
        ],
    }


@pytest.fixture
def manager(
    neo4j_settings: Neo4jSettings, client: TestClient, gql: GraphQLClient, world: dict[str, str]
) -> GraphQLClient:
    return gql.as_(issue_token(neo4j_settings, "manager", ["rollberg"], name="QM Rollberg"))


def _create(gql: GraphQLClient, **fields: Any) -> dict[str, Any]:
    # Steps are dated in the past (before any day a test advances to); the default would be today.
    base = {"title": "Sprachcafé", "fund": "PROJEKTFONDS", "quarters": ["rollberg"], "statusDate": "2020-01-01"}
    payload: dict[str, Any] = gql.data(CREATE, {"i": {**base, **fields}})["createProject"]
    return payload


def _advance(gql: GraphQLClient, project: str, status: str, date: str) -> dict[str, Any]:
    payload: dict[str, Any] = gql.data(ADVANCE, {"i": {"id": project, "status": status, "date": date}})[
        "advanceProject"
    ]
    return payload


def _state(driver: neo4j.Driver) -> tuple[int, int, int, int]:
    """What a refused mutation must leave as it was: projects, their relationships, decisions, audit records."""
    return (
        count(driver, "MATCH (p:Project) RETURN count(p)"),
        count(driver, "MATCH ()-[r:IN_QUARTER|SPONSORS|PARTNER_IN|SITS_ON]->() RETURN count(r)"),
        count(driver, "MATCH (d:CouncilDecision) RETURN count(d)"),
        count(driver, "MATCH (c:Change) RETURN count(c)"),
    )


def test_a_manager_records_a_project_from_idea_to_finished(
    manager: GraphQLClient, gql: GraphQLClient, world: dict[str, str], reference: neo4j.Driver
) -> None:
    seat = manager.data(SEAT, {"i": {"actorId": world["R3"], "quarter": "rollberg", "since": "2023-01-01"}})
    assert seat["addCouncilSeat"]["errors"] == []
    created = _create(
        manager,
        amountGranted="12500.50",
        start="2024-03-01",
        end="2025-12-31",
        actionFields=["bildung", "bildung-ausbildung-jugend"],
        partners=[{"actorId": world["R2"], "role": "VENUE"}],
        statusDate="2023-09-01",
        description="Ein Sprachcafé für Eltern",
    )
    assert created["errors"] == []
    project = created["project"]
    assert project["status"] == "IDEA" and project["steps"] == [{"status": "IDEA", "date": "2023-09-01"}]
    assert project["amountGranted"] == "12500.50" and project["sponsor"] is None
    assert {f["era"] for f in project["actionFields"]} == {"CURRENT", "GENERATION_2010S"}
    assert project["partners"] == [{"role": "VENUE", "actor": {"name": "Kita Hügel"}}]
    pid = project["id"]

    assert _advance(manager, pid, "DISCUSSED", "2023-10-10")["errors"] == []
    decision = manager.data(
        DECIDE,
        {
            "i": {
                "projectId": pid,
                "quarter": "rollberg",
                "date": "2023-10-10",
                "votesFor": 14,
                "votesAgainst": 2,
                "abstentions": 1,
                "recommendation": "APPROVE",
                "note": "mit Auflage: zweisprachige Werbung",
            }
        },
    )["recordCouncilDecision"]
    assert decision["errors"] == [] and decision["decision"]["project"]["title"] == "Sprachcafé"
    assert _advance(manager, pid, "APPROVED", "2023-11-20")["errors"] == []
    assert _advance(manager, pid, "TENDERED", "2023-12-01")["errors"] == []
    # The sponsor is selected in the tender: named now, then the award.
    version = manager.data("query($id: ID!) { project(id: $id) { version } }", {"id": pid})["project"]["version"]
    named = manager.data(UPDATE, {"i": {"id": pid, "version": version, "sponsorId": world["R1"]}})["updateProject"]
    assert named["errors"] == [] and named["project"]["sponsor"] == {"name": "Träger Kiezlernen e.V."}
    for status, day in (("AWARDED", "2024-02-01"), ("RUNNING", "2024-03-01"), ("FINISHED", "2025-12-31")):
        assert _advance(manager, pid, status, day)["errors"] == [], status
    version = manager.data("query($id: ID!) { project(id: $id) { version } }", {"id": pid})["project"]["version"]
    done = manager.data(UPDATE, {"i": {"id": pid, "version": version, "outcome": "40 Treffen, 25 Familien erreicht"}})[
        "updateProject"
    ]
    assert done["errors"] == []
    final = done["project"]
    assert final["status"] == "FINISHED"
    assert [s["status"] for s in final["steps"]] == [
        "IDEA",
        "DISCUSSED",
        "APPROVED",
        "TENDERED",
        "AWARDED",
        "RUNNING",
        "FINISHED",
    ]
    assert final["decisions"] == [
        {
            "date": "2023-10-10",
            "body": "QUARTIERSRAT",
            "votesFor": 14,
            "votesAgainst": 2,
            "abstentions": 1,
            "recommendation": "APPROVE",
            "quarterSlug": "rollberg",
        }
    ]
    assert final["outcome"] == "40 Treffen, 25 Familien erreicht"
    # The audit trail has every step, by the manager's token.
    history = manager.data("query($id: ID!) { history(id: $id) { operation } }", {"id": pid})["history"]
    assert [h["operation"] for h in history].count("advance") == 6
    assert {h["operation"] for h in history} == {"create", "update", "advance"}
    # The quarter's seats and funding.
    quarter = gql.data(
        '{ quarter(slug: "rollberg") { councilSeats { body actor { name } } '
        "projectFunding { fund year projects amount withoutAmount } } }"
    )["quarter"]
    assert quarter["councilSeats"] == [{"body": "QUARTIERSRAT", "actor": {"name": "Nachbarschaftsladen"}}]
    assert quarter["projectFunding"] == [
        {"fund": "PROJEKTFONDS", "year": 2024, "projects": 1, "amount": "12500.50", "withoutAmount": 0}
    ]


def test_the_process_refuses_steps_it_does_not_allow_and_nothing_changes(
    manager: GraphQLClient, world: dict[str, str], reference: neo4j.Driver
) -> None:
    pid = _create(manager, statusDate="2024-01-10")["project"]["id"]
    before = _state(reference)
    skipped = _advance(manager, pid, "RUNNING", "2024-02-01")["errors"]
    assert skipped[0]["__typename"] == "InvalidTransitionError"
    assert (skipped[0]["fromStatus"], skipped[0]["toStatus"]) == ("idea", "running")
    assert skipped[0]["allowed"] == ["discussed", "rejected", "withdrawn"]
    earlier = _advance(manager, pid, "DISCUSSED", "2024-01-01")["errors"]
    assert earlier[0]["code"] == "INVALID_DATE_RANGE"
    for status, day in (("DISCUSSED", "2024-02-01"), ("APPROVED", "2024-03-01"), ("TENDERED", "2024-03-10")):
        assert _advance(manager, pid, status, day)["errors"] == []
    unsponsored = _advance(manager, pid, "AWARDED", "2024-04-01")["errors"]
    assert unsponsored[0]["code"] == "INVALID_TRANSITION" and "sponsor" in unsponsored[0]["message"]
    assert _advance(manager, pid, "WITHDRAWN", "2024-04-02")["errors"] == []
    final = _advance(manager, pid, "RUNNING", "2024-05-01")["errors"]
    assert final[0]["code"] == "INVALID_TRANSITION" and final[0]["allowed"] == []
    after = _state(reference)
    assert after[0:3] == before[0:3] and after[3] == before[3] + 4  # the four allowed steps, audited

    action = _create(manager, title="Straßenfest", fund="AKTIONSFONDS", amountGranted="1200")["project"]["id"]
    for status, day in (("DISCUSSED", "2024-05-01"), ("APPROVED", "2024-05-02")):
        assert _advance(manager, action, status, day)["errors"] == []
    tendered = _advance(manager, action, "TENDERED", "2024-05-03")["errors"]
    assert tendered[0]["code"] == "INVALID_TRANSITION" and "not tendered" in tendered[0]["message"]


@pytest.mark.parametrize(
    ("fields", "code", "path"),
    [
        ({"amountGranted": "-5"}, "NEGATIVE_AMOUNT", ["input", "amount"]),
        ({"amountGranted": "10.005"}, "VALIDATION", ["input", "amount"]),
        ({"fund": "OTHER_PROGRAMME"}, "UNKNOWN_FUND", ["input", "programme"]),
        ({"programme": "BIWAQ"}, "VALIDATION", ["input", "programme"]),
        ({"quarters": ["rollberg", "flughafenstrasse"]}, "VALIDATION", ["input", "quarters"]),
        ({"quarters": ["atlantis"]}, "UNKNOWN_QUARTER", ["input", "quarters", "0"]),
        ({"quarters": []}, "VALIDATION", ["input", "quarters"]),
        ({"title": "  "}, "EMPTY_NAME", ["input", "title"]),
        ({"start": "2025-01-01", "end": "2024-01-01"}, "INVALID_DATE_RANGE", ["input", "until"]),
        ({"actionFields": ["astrologie"]}, "UNKNOWN_ACTION_FIELD", ["input", "actionFields", "0"]),
        ({"sponsorId": "F1"}, "ACTOR_NOT_IN_QUARTER", ["input", "sponsorId"]),
        ({"partners": [{"actorId": "F1"}]}, "ACTOR_NOT_IN_QUARTER", ["input", "partners", "0", "actorId"]),
        ({"sponsorId": "R1", "partners": [{"actorId": "R1"}]}, "VALIDATION", ["input", "partners", "0", "actorId"]),
    ],
)
def test_bad_input_is_a_typed_error_and_changes_nothing(
    manager: GraphQLClient,
    world: dict[str, str],
    reference: neo4j.Driver,
    fields: dict[str, Any],
    code: str,
    path: list[str],
) -> None:
    resolved = {k: world.get(v, v) if isinstance(v, str) else v for k, v in fields.items()}
    if "partners" in resolved:
        resolved["partners"] = [{**p, "actorId": world[p["actorId"]]} for p in resolved["partners"]]
    before = _state(reference)
    payload = _create(manager, **resolved)
    assert payload["project"] is None
    assert [(e["code"], e["path"]) for e in payload["errors"]] == [(code, path)]
    assert _state(reference) == before


def test_a_failing_update_changes_nothing(
    manager: GraphQLClient, world: dict[str, str], reference: neo4j.Driver
) -> None:
    project = _create(manager, sponsorId=world["R1"], amountGranted="500")["project"]
    before = _state(reference)
    # Valid title and partners, but a sponsor outside the quarter: all or nothing.
    refused = manager.data(
        UPDATE,
        {
            "i": {
                "id": project["id"],
                "version": project["version"],
                "title": "Neuer Titel",
                "partners": [{"actorId": world["R2"]}],
                "sponsorId": world["F1"],
            }
        },
    )["updateProject"]
    assert [e["code"] for e in refused["errors"]] == ["ACTOR_NOT_IN_QUARTER"]
    assert _state(reference) == before
    again = manager.data(
        "query($id: ID!) { project(id: $id) { title version partners { role } } }", {"id": project["id"]}
    )
    assert again["project"] == {"title": "Sprachcafé", "version": project["version"], "partners": []}
    stale = manager.data(UPDATE, {"i": {"id": project["id"], "version": 99, "title": "x"}})["updateProject"]
    assert stale["errors"][0]["code"] == "STALE_VERSION"


def test_rights_per_quarter_and_for_a_netzwerkfonds_project_across_quarters(
    manager: GraphQLClient,
    gql: GraphQLClient,
    world: dict[str, str],
    neo4j_settings: Neo4jSettings,
    reference: neo4j.Driver,
) -> None:
    flughafen = gql.as_(issue_token(neo4j_settings, "manager", ["flughafenstrasse"], name="QM Flughafen"))
    both = gql.as_(issue_token(neo4j_settings, "manager", ["rollberg", "flughafenstrasse"], name="QM beide"))
    researcher = gql.as_(issue_token(neo4j_settings, "researcher", name="Forschung"))
    before = _state(reference)
    # Outside one's quarters: refused, and nothing written.
    assert _create(manager, quarters=["flughafenstrasse"])["errors"][0]["code"] == "FORBIDDEN"
    assert _create(researcher)["errors"][0]["code"] == "FORBIDDEN"
    assert _create(gql.as_(None))["errors"][0]["code"] == "FORBIDDEN"
    # A Netzwerkfonds project over two quarters needs a token for both (or an admin) ...
    network = {"fund": "NETZWERKFONDS", "quarters": ["rollberg", "flughafenstrasse"], "title": "Lesenetz"}
    assert _create(manager, **network)["errors"][0]["code"] == "FORBIDDEN"
    assert _state(reference) == before
    project = _create(both, **network, sponsorId=world["R1"], partners=[{"actorId": world["F1"]}])
    assert project["errors"] == [], project
    pid = project["project"]["id"]
    # ... and once recorded, the QM team of either quarter keeps it current,
    assert _advance(manager, pid, "DISCUSSED", "2024-01-01")["errors"] == []
    assert _advance(flughafen, pid, "APPROVED", "2024-02-01")["errors"] == []
    # but adds or removes only its own quarters.
    version = gql.data("query($id: ID!) { project(id: $id) { version } }", {"id": pid})["project"]["version"]
    taken = manager.data(UPDATE, {"i": {"id": pid, "version": version, "quarters": ["rollberg"]}})["updateProject"]
    assert taken["errors"][0]["code"] == "FORBIDDEN" and "flughafenstrasse" in taken["errors"][0]["message"]
    koernerpark = gql.as_(issue_token(neo4j_settings, "manager", ["koernerpark"], name="QM Körnerpark"))
    assert _advance(koernerpark, pid, "TENDERED", "2024-03-01")["errors"][0]["code"] == "FORBIDDEN"
    # A council decision comes from the council of one of the project's quarters, by its managers.
    vote = {"projectId": pid, "date": "2024-01-01", "votesFor": 9, "recommendation": "APPROVE"}
    assert (
        manager.data(DECIDE, {"i": {**vote, "quarter": "flughafenstrasse"}})["recordCouncilDecision"]["errors"][0][
            "code"
        ]
        == "FORBIDDEN"
    )
    assert (
        gql.data(DECIDE, {"i": {**vote, "quarter": "koernerpark"}})["recordCouncilDecision"]["errors"][0]["code"]
        == "VALIDATION"
    )
    jury = gql.data(DECIDE, {"i": {**vote, "quarter": "rollberg", "body": "AKTIONSFONDSJURY"}})
    assert jury["recordCouncilDecision"]["errors"][0]["path"] == ["input", "body"]
    assert manager.data(DECIDE, {"i": {**vote, "quarter": "rollberg"}})["recordCouncilDecision"]["errors"] == []
    assert (
        manager.data(SEAT, {"i": {"actorId": world["F1"], "quarter": "flughafenstrasse"}})["addCouncilSeat"]["errors"][
            0
        ]["code"]
        == "FORBIDDEN"
    )
    outside = manager.data(SEAT, {"i": {"actorId": world["F1"], "quarter": "rollberg"}})["addCouncilSeat"]["errors"]
    assert outside[0]["__typename"] == "ActorNotInQuarterError"


def test_a_retried_create_with_the_same_key_records_one_project(
    manager: GraphQLClient, reference: neo4j.Driver
) -> None:
    first = _create(manager, clientMutationId="proj-1", amountGranted="99.90")
    second = _create(manager, clientMutationId="proj-1", amountGranted="99.90")
    assert first["project"]["id"] == second["project"]["id"]
    assert count(reference, "MATCH (p:Project) RETURN count(p)") == 1
    assert (
        _create(manager, clientMutationId="proj-1", amountGranted="1")["errors"][0]["code"] == "IDEMPOTENCY_KEY_REUSED"
    )


DELETE = (
    "mutation($i: DeleteProjectInput!) { deleteProject(input: $i) { project { id title status } "
    "errors { __typename code message path ... on InvalidTransitionError { fromStatus allowed } } } }"
)


def test_a_project_recorded_by_mistake_is_deleted_while_it_is_an_undecided_idea(
    manager: GraphQLClient,
    gql: GraphQLClient,
    world: dict[str, str],
    neo4j_settings: Neo4jSettings,
    reference: neo4j.Driver,
) -> None:
    mistake = _create(manager, title="Doppelt erfasst", sponsorId=world["R1"], partners=[{"actorId": world["R2"]}])
    kept = _create(manager, title="Hoffest")
    decided = _create(manager, title="Kiezfest")
    discussed = _create(manager, title="Lesepaten")
    assert not (mistake["errors"] or kept["errors"] or decided["errors"] or discussed["errors"])
    vote = {"projectId": decided["project"]["id"], "date": "2024-01-01", "votesFor": 9, "recommendation": "APPROVE"}
    assert manager.data(DECIDE, {"i": {**vote, "quarter": "rollberg"}})["recordCouncilDecision"]["errors"] == []
    assert _advance(manager, discussed["project"]["id"], "DISCUSSED", "2024-01-01")["errors"] == []
    before = _state(reference)

    # Refused, nothing changed: a project a council decided on, one further on in the process, one of
    # another quarter's managers, and the public.
    for pid in (decided["project"]["id"], discussed["project"]["id"]):
        refused = manager.data(DELETE, {"i": {"id": pid}})["deleteProject"]
        assert refused["project"] is None
        assert refused["errors"][0]["__typename"] == "InvalidTransitionError", refused
        assert "withdraw" in refused["errors"][0]["message"]
    flughafen = gql.as_(issue_token(neo4j_settings, "manager", ["flughafenstrasse"], name="QM Flughafen"))
    other = flughafen.data(DELETE, {"i": {"id": mistake["project"]["id"]}})["deleteProject"]
    assert other["errors"][0]["code"] == "FORBIDDEN"
    assert (
        gql.as_(None).data(DELETE, {"i": {"id": mistake["project"]["id"]}})["deleteProject"]["errors"][0]["code"]
        == "FORBIDDEN"
    )
    stale = manager.data(DELETE, {"i": {"id": mistake["project"]["id"], "version": 99}})["deleteProject"]
    assert stale["errors"][0]["code"] == "STALE_VERSION"
    assert _state(reference)[:3] == before[:3]

    # The mistake goes with its sponsor and partner ties; the payload shows it as it was, the history keeps it.
    gone = manager.data(DELETE, {"i": {"id": mistake["project"]["id"]}})["deleteProject"]
    assert gone["errors"] == [] and gone["project"]["title"] == "Doppelt erfasst"
    assert gql.data("query($id: ID!) { project(id: $id) { id } }", {"id": mistake["project"]["id"]})["project"] is None
    titles = {n["title"] for n in gql.data("{ projects(first: 50) { nodes { title } } }")["projects"]["nodes"]}
    assert titles == {"Hoffest", "Kiezfest", "Lesepaten"}
    assert count(reference, "MATCH (:Actor)-[r:SPONSORS|PARTNER_IN]->(:Project) RETURN count(r)") == 0
    assert count(reference, "MATCH (c:Change {entity: 'Project', operation: 'delete'}) RETURN count(c)") == 1
    assert (
        manager.data(DELETE, {"i": {"id": mistake["project"]["id"]}})["deleteProject"]["errors"][0]["code"]
        == "NOT_FOUND"
    )
    # In German for a German-speaking office.
    response = manager.http.post(
        "/graphql",
        json={"query": DELETE, "variables": {"i": {"id": decided["project"]["id"]}}},
        headers={"Authorization": f"Bearer {manager.token}", "Accept-Language": "de"},
    )
    german = response.json()["data"]["deleteProject"]
    assert german["errors"][0]["message"].startswith("Löschen lässt sich nur ein Projekt")


QUERY_PROJECTS = """query($f: ProjectFilter) { projects(filter: $f, first: 2, orderBy: [{field: TITLE, direction: ASC}]) {
  totalCount pageInfo { hasNextPage endCursor } nodes { title } } }"""


def test_the_queries_answer_on_recorded_projects(
    manager: GraphQLClient, gql: GraphQLClient, world: dict[str, str], reference: neo4j.Driver
) -> None:
    a = _create(
        manager,
        title="A Lesen",
        sponsorId=world["R1"],
        partners=[{"actorId": world["R2"]}],
        actionFields=["bildung"],
        start="2023-01-01",
        end="2023-12-31",
        amountGranted="1000",
    )["project"]
    _create(
        manager,
        title="B Garten",
        fund="AKTIONSFONDS",
        sponsorId=world["R3"],
        partners=[{"actorId": world["R2"], "role": "CO_FUNDER"}],
        actionFields=["oeffentlicher-raum"],
        start="2024-05-01",
        end="2024-05-02",
        amountGranted="800",
    )
    _create(
        gql,
        title="C Netz",
        fund="NETZWERKFONDS",
        quarters=["rollberg", "flughafenstrasse"],
        sponsorId=world["R1"],
        partners=[{"actorId": world["F1"]}],
        start="2024-01-01",
        amountGranted="60000",
    )
    everything = gql.data(QUERY_PROJECTS)["projects"]
    assert everything["totalCount"] == 3 and [n["title"] for n in everything["nodes"]] == ["A Lesen", "B Garten"]
    rest = gql.data(
        QUERY_PROJECTS.replace("first: 2", "first: 2, after: $after").replace(
            "($f: ProjectFilter)", "($f: ProjectFilter, $after: String)"
        ),
        {"after": everything["pageInfo"]["endCursor"]},
    )["projects"]
    assert [n["title"] for n in rest["nodes"]] == ["C Netz"] and not rest["pageInfo"]["hasNextPage"]

    def titles(f: dict[str, Any]) -> list[str]:
        return [
            n["title"] for n in gql.data(QUERY_PROJECTS.replace("first: 2", "first: 10"), {"f": f})["projects"]["nodes"]
        ]

    assert titles({"quarters": ["flughafenstrasse"]}) == ["C Netz"]
    assert titles({"funds": ["AKTIONSFONDS"]}) == ["B Garten"]
    assert titles({"statuses": ["IDEA"]}) == ["A Lesen", "B Garten", "C Netz"]
    assert titles({"sponsorId": world["R1"]}) == ["A Lesen", "C Netz"]
    assert titles({"partnerId": world["R2"]}) == ["A Lesen", "B Garten"]
    assert titles({"actionFields": ["bildung-ausbildung-jugend"]}) == ["A Lesen"]  # generations mapped
    assert titles({"period": {"start": "2024-04-01", "end": "2024-06-30"}}) == ["B Garten", "C Netz"]

    actor = gql.data(
        "query($id: ID!) { actor(id: $id) { s: projects(role: SPONSOR) { totalCount } p: projects(role: PARTNER) { "
        "nodes { title } } } }",
        {"id": world["R2"]},
    )["actor"]
    assert actor["s"]["totalCount"] == 0 and [n["title"] for n in actor["p"]["nodes"]] == ["B Garten", "A Lesen"]

    # Funding counts granted projects only: approve A and C.
    for pid, dates in ((a["id"], ("2023-01-02", "2023-01-03")),):
        _advance(manager, pid, "DISCUSSED", dates[0])
        _advance(manager, pid, "APPROVED", dates[1])
    funding = gql.data("{ projectFunding { quarterSlug fund year projects amount } }")["projectFunding"]
    assert funding == [
        {"quarterSlug": "rollberg", "fund": "PROJEKTFONDS", "year": 2023, "projects": 1, "amount": "1000.00"}
    ]
    all_statuses = gql.data(
        "{ projectFunding(filter: {statuses: [IDEA, APPROVED]}) { quarterSlug fund year projects amount } }"
    )["projectFunding"]
    assert {(r["quarterSlug"], r["fund"], r["year"], r["amount"]) for r in all_statuses} == {
        ("flughafenstrasse", "NETZWERKFONDS", 2024, "60000.00"),
        ("rollberg", "AKTIONSFONDS", 2024, "800.00"),
        ("rollberg", "NETZWERKFONDS", 2024, "60000.00"),
        ("rollberg", "PROJEKTFONDS", 2023, "1000.00"),
    }

    sponsors = gql.data("{ multiQuarterSponsors { quarterSlugs projects actor { name } } }")["multiQuarterSponsors"]
    assert sponsors == [
        {"quarterSlugs": ["flughafenstrasse", "rollberg"], "projects": 2, "actor": {"name": "Träger Kiezlernen e.V."}}
    ]

    factories.cooperation(gql, world["R1"], world["R2"])  # recorded: no longer a suggestion
    pairs = gql.data("{ projectTiesWithoutCooperation { actors { name } projects { title } } }")[
        "projectTiesWithoutCooperation"
    ]
    found = {(tuple(sorted(a["name"] for a in p["actors"])), tuple(x["title"] for x in p["projects"])) for p in pairs}
    assert found == {
        (("Kita Hügel", "Nachbarschaftsladen"), ("B Garten",)),
        (("Bibliothek am Feld", "Träger Kiezlernen e.V."), ("C Netz",)),
    }


def test_the_demo_network_has_synthetic_projects_flagged(
    demo: neo4j.Driver, gql: GraphQLClient, neo4j_settings: Neo4jSettings
) -> None:
    projects = gql.data("{ projects(first: 100) { totalCount nodes { synthetic source sponsor { synthetic } } } }")[
        "projects"
    ]
    assert projects["totalCount"] >= 5
    assert all(p["synthetic"] and p["source"] == "synthetic demo data" for p in projects["nodes"])
    assert all(p["sponsor"] is None or p["sponsor"]["synthetic"] for p in projects["nodes"])
    assert gql.data("{ projects(filter: {synthetic: false}) { totalCount } }")["projects"]["totalCount"] == 0
    sponsors = gql.data("{ multiQuarterSponsors { actor { name } } }")["multiQuarterSponsors"]
    assert sponsors, "the demo has a sponsor active in more than one quarter"
    assert gql.data("{ projectTiesWithoutCooperation { actors { name } } }")["projectTiesWithoutCooperation"]
    # What the handover dossier (issue 15) reuses: a quarter's projects with sponsors, and sums per year.
    dossier = run_async(neo4j_settings, lambda db: graph_projects.of_quarter(db, "rollberg"))
    assert [(p.title, sponsor) for p, sponsor in dossier.projects] == [
        ("Sprachbrücke Hügel", "Nachbarschaftstreff Hügel"),
        ("Hofgarten am Hang", "Gartenfreunde am Hang e.V."),
        ("Lesen verbindet", "Lesepaten Am Feld e.V."),
    ]
    assert [(f.year, f.fund, f.projects, f.amount_cents) for f in dossier.funding] == [
        (2021, "projektfonds", 1, 4_800_000),
        (2022, "aktionsfonds", 1, 140_000),
        (2023, "netzwerkfonds", 1, 18_000_000),
    ]
    # Loading again changes nothing; removing the demo removes its projects.
    run_async(neo4j_settings, load.load_demo)
    assert gql.data("{ projects { totalCount } }")["projects"]["totalCount"] == projects["totalCount"]
    run_async(neo4j_settings, load.remove_demo)
    assert count(demo, "MATCH (p:Project) RETURN count(p)") == 0
    assert count(demo, "MATCH (d:CouncilDecision) RETURN count(d)") == 0


NETWORK = "query($t: TieSource) { network(tieSource: $t) { tieSource edges { kind source target projectId } } }"


def test_networks_and_metrics_take_the_tie_source(
    neo4j_settings: Neo4jSettings, gql: GraphQLClient, world: dict[str, str], manager: GraphQLClient
) -> None:
    factories.cooperation(gql, world["R2"], world["R3"])
    pid = _create(manager, sponsorId=world["R1"], partners=[{"actorId": world["R2"]}, {"actorId": world["R3"]}])[
        "project"
    ]["id"]
    # An idea is no joint work yet: only awarded, running or finished projects tie their actors.
    assert gql.data(NETWORK, {"t": "PROJECTS"})["network"]["edges"] == []
    for status, day in (
        ("DISCUSSED", "2024-01-01"),
        ("APPROVED", "2024-01-02"),
        ("TENDERED", "2024-01-03"),
        ("AWARDED", "2024-01-04"),
    ):
        assert _advance(manager, pid, status, day)["errors"] == []
    default = gql.data("{ network { tieSource edges { kind projectId } } }")["network"]
    assert default["tieSource"] == "COOPERATIONS" and default["edges"] == [
        {"kind": "PROJECT_PARTNERSHIP", "projectId": None}
    ]
    projects = gql.data(NETWORK, {"t": "PROJECTS"})["network"]
    assert projects["tieSource"] == "PROJECTS"
    assert sorted(e["kind"] for e in projects["edges"]) == [
        "PROJECT_PARTNERSHIP",
        "PROJECT_SPONSORSHIP",
        "PROJECT_SPONSORSHIP",
    ]
    assert {e["projectId"] for e in projects["edges"]} == {pid}
    assert len(gql.data(NETWORK, {"t": "BOTH"})["network"]["edges"]) == 4
    ego = gql.data(
        "query($id: ID!) { egoNetwork(actorId: $id, tieSource: PROJECTS) { nodes { name } } }", {"id": world["R1"]}
    )["egoNetwork"]
    assert sorted(n["name"] for n in ego["nodes"]) == ["Kita Hügel", "Nachbarschaftsladen", "Träger Kiezlernen e.V."]
    metrics = gql.data("{ c: networkMetrics { edges } p: networkMetrics(tieSource: PROJECTS) { edges } }")
    assert (metrics["c"]["edges"], metrics["p"]["edges"]) == (1, 3)
    export = gql.http.get("/export/csv?part=edges&tieSource=projects")
    assert export.status_code == 200 and export.text.count("PROJECT_SPONSORSHIP") == 2
    graphml = gql.http.get("/export/graphml?tieSource=both")
    assert "ties: cooperations and joint work in projects" in graphml.text
    assert gql.http.get("/export/graphml?tieSource=rumours").status_code == 400
