"""Mutations over HTTP: what they change, every refusal, and that a refusal changes nothing."""

from __future__ import annotations

from typing import Any

import neo4j
import pytest

from tests import factories
from tests.conftest import GraphQLClient

ERRORS = "errors { __typename code message path }"
UPDATE = (
    f"mutation($i: UpdateActorInput!) {{ updateActor(input: $i) {{ actor {{ name version alternativeNames "
    f"description website ... on Company {{ sector }} }} {ERRORS} ... on ActorPayload {{ errors {{ ... on "
    f"StaleVersionError {{ expectedVersion currentVersion }} }} }} }} }}"
)
ADD = (
    f"mutation($i: AddCooperationInput!) {{ addCooperation(input: $i) {{ cooperation {{ id kind version }} "
    f"{ERRORS} }} }}"
)


def snapshot(driver: neo4j.Driver) -> list[str]:
    """Every node and relationship with all properties: equal snapshots mean nothing changed."""
    nodes, _, _ = driver.execute_query(
        "MATCH (n) WHERE NOT n:Migration RETURN labels(n) AS l, properties(n) AS p ORDER BY n.id"
    )
    rels, _, _ = driver.execute_query(
        "MATCH (a)-[r]->(b) RETURN a.id AS a, type(r) AS t, properties(r) AS p, b.id AS b ORDER BY a, t, b, r.id"
    )
    return [repr((sorted(r["l"]), sorted(r["p"].items()))) for r in nodes] + [
        repr((r["a"], r["t"], sorted(r["p"].items()), r["b"])) for r in rels
    ]


def codes(payload: dict[str, Any]) -> list[str]:
    return [e["code"] for e in payload["errors"]]


@pytest.fixture
def pair(reference: neo4j.Driver, gql: GraphQLClient) -> tuple[str, str]:
    a = factories.actor(gql, "Stadtteilladen Nord", "COMPANY", sector="retail", quarters=[{"quarter": "rollberg"}])
    b = factories.actor(gql, "Elternverein Süd", "INITIATIVE", quarters=[{"quarter": "rollberg"}])
    return a["id"], b["id"]


# ---- createActor --------------------------------------------------------------------------


def test_create_actor_records_everything(reference: neo4j.Driver, gql: GraphQLClient) -> None:
    data = gql.data("""mutation { createActor(input: {type: HOUSING_ASSOCIATION, name: "  Wohnen am Hang eG ",
        alternativeNames: ["WaH"], description: "Genossenschaft", website: "https://example.org",
        address: {street: "Hangweg 1", postalCode: "12043", city: "Berlin"}, location: {latitude: 52.47, longitude: 13.43},
        actionFields: ["oeffentlicher-raum"], tags: ["grün"], sources: ["Quartiersrat 2024"], ownership: COOPERATIVE,
        quarters: [{quarter: "rollberg", role: HOUSING_OWNER, since: "2001-01-01", flats: 120}]}) {
        actor { __typename name alternativeNames address { street postalCode } website tags sources version
                synthetic archived createdAt updatedAt ... on HousingAssociation { ownership knownFlats } }
        errors { code } } }""")["createActor"]
    actor = data["actor"]
    assert data["errors"] == []
    assert actor["__typename"] == "HousingAssociation" and actor["name"] == "Wohnen am Hang eG"
    assert actor["alternativeNames"] == ["WaH"] and actor["ownership"] == "COOPERATIVE" and actor["knownFlats"] == 120
    assert actor["address"] == {"street": "Hangweg 1", "postalCode": "12043"}
    assert (actor["version"], actor["synthetic"], actor["archived"]) == (1, False, False)
    assert actor["createdAt"] == actor["updatedAt"]


@pytest.mark.parametrize(
    "fields, code, path",
    [
        ({"name": "   "}, "EMPTY_NAME", ["input", "name"]),
        ({"name": "X" * 201}, "VALIDATION", ["input", "name"]),
        ({"name": "Ok", "actionFields": ["kochen"]}, "UNKNOWN_ACTION_FIELD", ["input", "actionFields", "0"]),
        (
            {"name": "Ok", "quarters": [{"quarter": "atlantis"}]},
            "UNKNOWN_QUARTER",
            ["input", "quarters", "0", "quarter"],
        ),
        (
            {"name": "Ok", "quarters": [{"quarter": "rollberg", "since": "2020-01-01", "until": "2019-01-01"}]},
            "INVALID_DATE_RANGE",
            ["input", "quarters", "0", "until"],
        ),
        ({"name": "Ok", "ownership": "PRIVATE"}, "VALIDATION", ["input", "ownership"]),
        ({"name": "Ok", "website": "javascript:alert(1)"}, "VALIDATION", ["input", "website"]),
        ({"name": "Ok", "location": {"latitude": 95, "longitude": 13}}, "VALIDATION", ["input", "location"]),
    ],
)
def test_create_actor_refusals_change_nothing(
    reference: neo4j.Driver, gql: GraphQLClient, fields: dict, code: str, path: list[str]
) -> None:
    before = snapshot(reference)
    payload = gql.data(
        f"mutation($i: CreateActorInput!) {{ createActor(input: $i) {{ actor {{ id }} {ERRORS} }} }}",
        {"i": {"type": "INITIATIVE", **fields}},
    )["createActor"]
    assert payload["actor"] is None
    assert [(e["code"], e["path"]) for e in payload["errors"]] == [(code, path)]
    assert snapshot(reference) == before


def test_several_problems_are_reported_together(reference: neo4j.Driver, gql: GraphQLClient) -> None:
    payload = gql.data(
        f'mutation {{ createActor(input: {{type: COMPANY, name: "", actionFields: ["a", "b"]}}) {{ {ERRORS} }} }}'
    )["createActor"]
    assert codes(payload) == ["EMPTY_NAME", "UNKNOWN_ACTION_FIELD", "UNKNOWN_ACTION_FIELD"]


def test_a_duplicate_name_is_caught_unless_allowed(
    pair: tuple[str, str], reference: neo4j.Driver, gql: GraphQLClient
) -> None:
    before = snapshot(reference)
    query = (
        "mutation($i: CreateActorInput!) { createActor(input: $i) { actor { name } errors { code "
        "... on DuplicateActorError { existing { name } } } } }"
    )
    refused = gql.data(query, {"i": {"type": "INITIATIVE", "name": "ELTERNVEREIN SÜD e.V."}})["createActor"]
    assert refused["errors"] == [{"code": "DUPLICATE_ACTOR", "existing": [{"name": "Elternverein Süd"}]}]
    assert snapshot(reference) == before
    allowed = gql.data(
        query, {"i": {"type": "INITIATIVE", "name": "Elternverein Süd e.V.", "allowDuplicateName": True}}
    )["createActor"]
    assert allowed["errors"] == [] and allowed["actor"]["name"] == "Elternverein Süd e.V."


# ---- updateActor --------------------------------------------------------------------------


def test_update_actor_changes_given_fields_and_bumps_the_version(pair: tuple[str, str], gql: GraphQLClient) -> None:
    shop, _ = pair
    payload = gql.data(
        UPDATE,
        {
            "i": {
                "id": shop,
                "version": 1,
                "name": "Stadtteilladen Nord-Ost",
                "description": "Second-hand",
                "sector": "second-hand",
            }
        },
    )["updateActor"]
    assert payload["errors"] == []
    assert payload["actor"] == {
        "name": "Stadtteilladen Nord-Ost",
        "version": 2,
        "alternativeNames": [],
        "description": "Second-hand",
        "website": None,
        "sector": "second-hand",
    }
    # null clears; omitted stays
    cleared = gql.data(UPDATE, {"i": {"id": shop, "version": 2, "description": None}})["updateActor"]["actor"]
    assert cleared["description"] is None and cleared["sector"] == "second-hand" and cleared["version"] == 3
    # the new name is searchable at once
    found = gql.data('{ actors(filter: {text: "nord ost"}) { nodes { name } } }')["actors"]["nodes"]
    assert found == [{"name": "Stadtteilladen Nord-Ost"}]


def test_a_stale_version_is_a_typed_conflict(
    pair: tuple[str, str], reference: neo4j.Driver, gql: GraphQLClient
) -> None:
    shop, _ = pair
    gql.data(UPDATE, {"i": {"id": shop, "version": 1, "description": "first writer"}})
    before = snapshot(reference)
    payload = gql.data(UPDATE, {"i": {"id": shop, "version": 1, "description": "second writer"}})["updateActor"]
    assert payload["actor"] is None
    [error] = payload["errors"]
    assert error["__typename"] == "StaleVersionError"
    assert (error["expectedVersion"], error["currentVersion"]) == (1, 2)
    assert snapshot(reference) == before


@pytest.mark.parametrize(
    "changes, code",
    [
        ({"name": ""}, "EMPTY_NAME"),
        ({"name": None}, "EMPTY_NAME"),
        ({"actionFields": ["nope"]}, "UNKNOWN_ACTION_FIELD"),
        ({"legalForm": "EV"}, "VALIDATION"),  # the shop is a company
    ],
)
def test_update_refusals_change_nothing(
    pair: tuple[str, str], reference: neo4j.Driver, gql: GraphQLClient, changes: dict, code: str
) -> None:
    shop, _ = pair
    before = snapshot(reference)
    payload = gql.data(UPDATE, {"i": {"id": shop, "version": 1, **changes}})["updateActor"]
    assert codes(payload) == [code] and payload["actor"] is None
    assert snapshot(reference) == before


def test_update_of_an_unknown_actor(reference: neo4j.Driver, gql: GraphQLClient) -> None:
    for bad in ("QWN0b3I6bm9wZQ", "garbage", "UXVhcnRlcjp4"):  # Actor:nope, junk, Quarter:x
        payload = gql.data(UPDATE, {"i": {"id": bad, "version": 1, "name": "x"}})["updateActor"]
        assert codes(payload) == ["NOT_FOUND"]


# ---- archive / restore --------------------------------------------------------------------


def test_archived_actors_leave_default_queries_but_keep_their_history(
    pair: tuple[str, str], gql: GraphQLClient
) -> None:
    shop, parents = pair
    factories.cooperation(gql, shop, parents)
    state = "mutation($i: ActorStateInput!) { archiveActor(input: $i) { actor { archived archivedAt version } errors { code } } }"
    archived = gql.data(state, {"i": {"id": shop}})["archiveActor"]["actor"]
    assert archived["archived"] and archived["archivedAt"]
    listed = gql.data('{ actors(filter: {synthetic: false, quarters: ["rollberg"]}) { nodes { name } } }')
    assert "Stadtteilladen Nord" not in [n["name"] for n in listed["actors"]["nodes"]]
    assert (
        gql.data("query($id: ID!) { actor(id: $id) { partnerCount } }", {"id": parents})["actor"]["partnerCount"] == 0
    )
    only = gql.data("{ actors(filter: {archived: true}) { nodes { name } } }")["actors"]["nodes"]
    assert only == [{"name": "Stadtteilladen Nord"}]
    history = gql.data(
        "query($id: ID!) { actor(id: $id) { name cooperations(filter: {includeArchived: true}) { totalCount } } }",
        {"id": shop},
    )["actor"]
    assert history == {"name": "Stadtteilladen Nord", "cooperations": {"totalCount": 1}}
    restored = gql.data(state.replace("archiveActor", "restoreActor"), {"i": {"id": shop}})["restoreActor"]["actor"]
    assert restored["archived"] is False and restored["archivedAt"] is None
    assert (
        gql.data("query($id: ID!) { actor(id: $id) { partnerCount } }", {"id": parents})["actor"]["partnerCount"] == 1
    )


def test_archive_with_a_stale_version(pair: tuple[str, str], reference: neo4j.Driver, gql: GraphQLClient) -> None:
    before = snapshot(reference)
    payload = gql.data(
        "mutation($i: ActorStateInput!) { archiveActor(input: $i) { errors { code } } }",
        {"i": {"id": pair[0], "version": 7}},
    )["archiveActor"]
    assert codes(payload) == ["STALE_VERSION"]
    assert snapshot(reference) == before


# ---- setActorQuarters ---------------------------------------------------------------------

SET_QUARTERS = (
    "mutation($i: SetActorQuartersInput!) { setActorQuarters(input: $i) { actor { version "
    f"quarters {{ quarter {{ slug }} since until role }} }} {ERRORS} }} }}"
)


def test_set_actor_quarters_replaces_the_list(pair: tuple[str, str], gql: GraphQLClient) -> None:
    payload = gql.data(
        SET_QUARTERS,
        {
            "i": {
                "id": pair[1],
                "quarters": [
                    {"quarter": "rollberg", "since": "2010-01-01", "until": "2020-12-31"},
                    {"quarter": "Rixdorf", "since": "2021-01-01"},
                ],
            }
        },
    )["setActorQuarters"]
    assert payload["errors"] == []
    assert payload["actor"]["quarters"] == [
        {"quarter": {"slug": "rixdorf"}, "since": "2021-01-01", "until": None, "role": "MEMBER"},
        {"quarter": {"slug": "rollberg"}, "since": "2010-01-01", "until": "2020-12-31", "role": "MEMBER"},
    ]


@pytest.mark.parametrize(
    "quarters, code",
    [
        ([{"quarter": "nowhere"}], "UNKNOWN_QUARTER"),
        ([{"quarter": "rixdorf", "since": "2022-01-01", "until": "2021-01-01"}], "INVALID_DATE_RANGE"),
        ([{"quarter": "rixdorf"}, {"quarter": "rixdorf"}], "VALIDATION"),
    ],
)
def test_set_actor_quarters_refusals(
    pair: tuple[str, str], reference: neo4j.Driver, gql: GraphQLClient, quarters: list, code: str
) -> None:
    before = snapshot(reference)
    payload = gql.data(SET_QUARTERS, {"i": {"id": pair[1], "quarters": quarters}})["setActorQuarters"]
    assert codes(payload) == [code]
    assert snapshot(reference) == before


# ---- cooperations -------------------------------------------------------------------------


def test_add_cooperation(pair: tuple[str, str], gql: GraphQLClient) -> None:
    payload = gql.data(
        ADD,
        {
            "i": {
                "actorIds": list(pair),
                "kind": "WORKING_GROUP",
                "actionFields": ["bildung"],
                "since": "2020-01-01",
                "intensity": 2,
                "source": "AG Bildung, Protokoll",
            }
        },
    )
    assert payload["addCooperation"]["errors"] == []
    assert payload["addCooperation"]["cooperation"]["version"] == 1


@pytest.mark.parametrize(
    "change, code",
    [
        ({"actorIds": "self"}, "SELF_COOPERATION"),
        ({"since": "2021-01-01", "until": "2020-01-01"}, "INVALID_DATE_RANGE"),
        ({"actionFields": ["bildung", "kochen"]}, "UNKNOWN_ACTION_FIELD"),
        ({"intensity": 4}, "VALIDATION"),
        ({"actorIds": "one"}, "VALIDATION"),
        ({"actorIds": "missing"}, "NOT_FOUND"),
    ],
)
def test_add_cooperation_refusals_change_nothing(
    pair: tuple[str, str], reference: neo4j.Driver, gql: GraphQLClient, change: dict, code: str
) -> None:
    ids = {"self": [pair[0], pair[0]], "one": [pair[0]], "missing": [pair[0], "QWN0b3I6bm9wZQ"]}
    data = {"actorIds": list(pair), "kind": "FUNDING", **change}
    if isinstance(data["actorIds"], str):
        data["actorIds"] = ids[data["actorIds"]]
    before = snapshot(reference)
    payload = gql.data(ADD, {"i": data})["addCooperation"]
    assert codes(payload) == [code] and payload["cooperation"] is None
    assert snapshot(reference) == before


def test_a_duplicate_cooperation_is_refused_in_either_direction(
    pair: tuple[str, str], reference: neo4j.Driver, gql: GraphQLClient
) -> None:
    a, b = pair
    first = factories.cooperation(gql, a, b, "FUNDING", since="2020-01-01")
    before = snapshot(reference)
    for ids in ([a, b], [b, a]):
        payload = gql.data(
            "mutation($i: AddCooperationInput!) { addCooperation(input: $i) { errors { code "
            "... on DuplicateCooperationError { existing { id } } } } }",
            {"i": {"actorIds": ids, "kind": "FUNDING", "since": "2023-01-01"}},
        )["addCooperation"]
        assert payload["errors"] == [{"code": "DUPLICATE_COOPERATION", "existing": {"id": first["id"]}}]
    assert snapshot(reference) == before
    # another kind, or the same kind after the first one ended, is a new cooperation
    factories.cooperation(gql, b, a, "SPACE_PROVISION")
    gql.data(
        "mutation($i: EndCooperationInput!) { endCooperation(input: $i) { errors { code } } }",
        {"i": {"id": first["id"], "until": "2022-12-31"}},
    )
    factories.cooperation(gql, b, a, "FUNDING", since="2023-01-01")


def test_update_end_and_delete_a_cooperation(
    pair: tuple[str, str], reference: neo4j.Driver, gql: GraphQLClient
) -> None:
    coop = factories.cooperation(gql, *pair, since="2019-01-01")
    update = (
        "mutation($i: UpdateCooperationInput!) { updateCooperation(input: $i) { cooperation { kind intensity "
        f"description version }} {ERRORS} }} }}"
    )
    changed = gql.data(update, {"i": {"id": coop["id"], "version": 1, "intensity": 3, "description": "Sommerfest"}})[
        "updateCooperation"
    ]
    assert changed["cooperation"] == {
        "kind": "PROJECT_PARTNERSHIP",
        "intensity": 3,
        "description": "Sommerfest",
        "version": 2,
    }
    stale = gql.data(update, {"i": {"id": coop["id"], "version": 1, "intensity": 1}})["updateCooperation"]
    assert codes(stale) == ["STALE_VERSION"]
    end = (
        "mutation($i: EndCooperationInput!) { endCooperation(input: $i) { cooperation { until active version } "
        f"{ERRORS} }} }}"
    )
    before = snapshot(reference)
    too_early = gql.data(end, {"i": {"id": coop["id"], "until": "2018-12-31"}})["endCooperation"]
    assert codes(too_early) == ["INVALID_DATE_RANGE"] and snapshot(reference) == before
    ended = gql.data(end, {"i": {"id": coop["id"], "until": "2024-06-30"}})["endCooperation"]["cooperation"]
    assert ended == {"until": "2024-06-30", "active": False, "version": 3}
    delete = (
        f"mutation($i: DeleteCooperationInput!) {{ deleteCooperation(input: $i) {{ cooperation {{ id }} {ERRORS} }} }}"
    )
    deleted = gql.data(delete, {"i": {"id": coop["id"]}})["deleteCooperation"]
    assert deleted["cooperation"]["id"] == coop["id"]
    assert codes(gql.data(delete, {"i": {"id": coop["id"]}})["deleteCooperation"]) == ["NOT_FOUND"]
    assert gql.data("query($id: ID!) { cooperation(id: $id) { id } }", {"id": coop["id"]})["cooperation"] is None


def test_an_update_that_would_duplicate_is_refused(
    pair: tuple[str, str], reference: neo4j.Driver, gql: GraphQLClient
) -> None:
    factories.cooperation(gql, *pair, kind="FUNDING", since="2020-01-01")
    other = factories.cooperation(gql, *pair, kind="DONATION", since="2020-01-01")
    before = snapshot(reference)
    payload = gql.data(
        "mutation($i: UpdateCooperationInput!) { updateCooperation(input: $i) { errors { code } } }",
        {"i": {"id": other["id"], "version": 1, "kind": "FUNDING"}},
    )["updateCooperation"]
    assert codes(payload) == ["DUPLICATE_COOPERATION"]
    assert snapshot(reference) == before


def test_archived_actors_take_no_new_cooperations(
    pair: tuple[str, str], reference: neo4j.Driver, gql: GraphQLClient
) -> None:
    gql.data("mutation($i: ActorStateInput!) { archiveActor(input: $i) { errors { code } } }", {"i": {"id": pair[0]}})
    before = snapshot(reference)
    payload = gql.data(ADD, {"i": {"actorIds": list(pair), "kind": "FUNDING"}})["addCooperation"]
    assert codes(payload) == ["VALIDATION"] and "archived" in payload["errors"][0]["message"]
    assert snapshot(reference) == before


# ---- mergeActors --------------------------------------------------------------------------

MERGE = (
    "mutation($i: MergeActorsInput!) { mergeActors(input: $i) { actor { name alternativeNames tags "
    "quarters { quarter { slug } } actionFields { key } partners { edges { node { name } cooperations { kind } } } } "
    f"merged {{ movedCooperations combinedCooperations droppedCooperations }} {ERRORS} }} }}"
)


def test_merge_moves_everything_and_loses_nothing(reference: neo4j.Driver, gql: GraphQLClient) -> None:
    keep = factories.actor(
        gql,
        "Kita Sonnenschein e.V.",
        "INSTITUTION",
        quarters=[{"quarter": "rollberg"}],
        actionFields=["bildung"],
        tags=["kita"],
    )["id"]
    dupe = factories.actor(
        gql,
        "KITA Sonnenschein",
        "INSTITUTION",
        allowDuplicateName=True,
        quarters=[{"quarter": "rollberg"}, {"quarter": "flughafenstrasse"}],
        actionFields=["gesundheit-bewegung"],
        tags=["sport"],
        alternativeNames=["Sonnenschein-Kita"],
    )["id"]
    school = factories.actor(gql, "Schule A", "INSTITUTION")["id"]
    club = factories.actor(gql, "Sportverein B", "INITIATIVE")["id"]
    factories.cooperation(gql, keep, school, "PROJECT_PARTNERSHIP", since="2018-01-01", actionFields=["bildung"])
    factories.cooperation(
        gql, dupe, school, "PROJECT_PARTNERSHIP", since="2019-01-01", actionFields=["gesundheit-bewegung"]
    )  # same partner, kind and time: combined
    factories.cooperation(gql, dupe, club, "REGULAR_EXCHANGE")  # moved
    factories.cooperation(gql, dupe, keep, "REGULAR_EXCHANGE")  # between the two: dropped, kept on the tombstone

    payload = gql.data(MERGE, {"i": {"survivorId": keep, "duplicateIds": [dupe]}})["mergeActors"]
    assert payload["errors"] == []
    survivor = payload["actor"]
    assert survivor["name"] == "Kita Sonnenschein e.V."
    assert survivor["alternativeNames"] == ["KITA Sonnenschein", "Sonnenschein-Kita"]
    assert survivor["tags"] == ["kita", "sport"]
    assert [q["quarter"]["slug"] for q in survivor["quarters"]] == ["flughafenstrasse", "rollberg"]
    assert [f["key"] for f in survivor["actionFields"]] == ["bildung", "gesundheit-bewegung"]
    assert [(e["node"]["name"], [c["kind"] for c in e["cooperations"]]) for e in survivor["partners"]["edges"]] == [
        ("Schule A", ["PROJECT_PARTNERSHIP"]),
        ("Sportverein B", ["REGULAR_EXCHANGE"]),
    ]
    assert payload["merged"] == [{"movedCooperations": 1, "combinedCooperations": 1, "droppedCooperations": 1}]
    # the old id leads to the survivor; the tombstone keeps the duplicate's data
    again = gql.data("query($id: ID!) { actor(id: $id) { name } }", {"id": dupe})["actor"]
    assert again == {"name": "Kita Sonnenschein e.V."}
    [tomb] = reference.execute_query("MATCH (m:MergedActor) RETURN m").records
    assert tomb["m"]["name"] == "KITA Sonnenschein" and "REGULAR_EXCHANGE".lower() in tomb["m"]["droppedCooperations"]
    combined = reference.execute_query(
        "MATCH (:Actor {name: 'Schule A'})-[c:COOPERATES_WITH]-() RETURN c.since AS since, c.actionFields AS f"
    )
    assert [(str(r["since"]), sorted(r["f"])) for r in combined.records] == [
        ("2018-01-01", ["bildung", "gesundheit-bewegung"])
    ]


def test_merge_refusals_change_nothing(pair: tuple[str, str], reference: neo4j.Driver, gql: GraphQLClient) -> None:
    a, b = pair
    before = snapshot(reference)
    for data, code in (
        ({"survivorId": a, "duplicateIds": [a]}, "VALIDATION"),
        ({"survivorId": a, "duplicateIds": []}, "VALIDATION"),
        ({"survivorId": a, "duplicateIds": ["QWN0b3I6bm9wZQ"]}, "NOT_FOUND"),
        ({"survivorId": "QWN0b3I6bm9wZQ", "duplicateIds": [b]}, "NOT_FOUND"),
        ({"survivorId": a, "duplicateIds": [b], "survivorVersion": 9}, "STALE_VERSION"),
    ):
        payload = gql.data(MERGE, {"i": data})["mergeActors"]
        assert codes(payload) == [code], data
    assert snapshot(reference) == before
