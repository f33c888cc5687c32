"""Contact persons, erasure (GDPR Art. 17), the audit trail, and token lifecycles."""

from __future__ import annotations

import datetime as dt

import jwt
import neo4j
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from starlette.testclient import TestClient

from graph.db import Neo4jSettings
from kiezgraph.app import create_app
from kiezgraph.settings import ServiceOptions
from tests import factories
from tests.conftest import TEST_OPTIONS, GraphQLClient, count, issue_token

ADD = (
    "mutation($i: AddContactPersonInput!) { addContactPerson(input: $i) { person { id name function email phone } "
    "errors { code path } } }"
)
HISTORY = "query($id: ID!) { history(id: $id) { principal role entity operation fields before after erased } }"


@pytest.fixture
def kita(reference: neo4j.Driver, gql: GraphQLClient) -> str:
    return str(factories.actor(gql, "Kita Regenbogen", "INSTITUTION", quarters=[{"quarter": "rollberg"}])["id"])


def test_contact_persons_can_be_added_changed_and_removed(kita: str, gql: GraphQLClient) -> None:
    added = gql.data(
        ADD,
        {
            "i": {
                "actorId": kita,
                "name": "Dana Beispiel",
                "function": "Leitung",
                "email": "dana@example.org",
                "phone": "+49 30 1234",
            }
        },
    )["addContactPerson"]
    assert added["errors"] == [] and added["person"]["email"] == "dana@example.org"
    person = added["person"]["id"]
    changed = gql.data(
        "mutation($i: UpdateContactPersonInput!) { updateContactPerson(input: $i) { person { phone "
        "function } errors { code } } }",
        {"i": {"id": person, "phone": None, "function": "Stellv."}},
    )
    assert changed["updateContactPerson"]["person"] == {"phone": None, "function": "Stellv."}
    listed = gql.data("query($id: ID!) { actor(id: $id) { contactPersons { name } } }", {"id": kita})
    assert listed["actor"]["contactPersons"] == [{"name": "Dana Beispiel"}]
    removed = gql.data(
        "mutation($i: PersonInput!) { removeContactPerson(input: $i) { person { name } errors { code } } }",
        {"i": {"id": person}},
    )["removeContactPerson"]
    assert removed["person"] == {"name": "Dana Beispiel"}
    assert (
        gql.data("query($id: ID!) { actor(id: $id) { contactPersons { name } } }", {"id": kita})["actor"][
            "contactPersons"
        ]
        == []
    )


@pytest.mark.parametrize(
    "fields, code",
    [
        ({"name": " "}, "EMPTY_NAME"),
        ({"email": "not-an-address"}, "VALIDATION"),
        ({"phone": "call me maybe"}, "VALIDATION"),
    ],
)
def test_contact_person_input_is_checked(kita: str, gql: GraphQLClient, fields: dict, code: str) -> None:
    payload = gql.data(ADD, {"i": {"actorId": kita, "name": "Ok", **fields}})["addContactPerson"]
    assert [e["code"] for e in payload["errors"]] == [code]


def test_erasing_a_person_removes_their_data_everywhere(kita: str, gql: GraphQLClient, reference: neo4j.Driver) -> None:
    person = gql.data(ADD, {"i": {"actorId": kita, "name": "Erika Muster", "email": "erika@example.org"}})
    person_id = person["addContactPerson"]["person"]["id"]
    gql.data(
        "mutation($i: UpdateContactPersonInput!) { updateContactPerson(input: $i) { errors { code } } }",
        {"i": {"id": person_id, "phone": "030 999 888"}},
    )
    history = gql.data(HISTORY, {"id": person_id})["history"]
    assert any("erika@example.org" in str(h["after"]) for h in history)
    erased = gql.data(
        "mutation($i: PersonInput!) { erasePerson(input: $i) { erased { fields auditRecordsScrubbed } "
        "errors { code } } }",
        {"i": {"id": person_id}},
    )["erasePerson"]
    assert erased["errors"] == []
    assert set(erased["erased"]["fields"]) == {"name", "email", "phone"}
    assert erased["erased"]["auditRecordsScrubbed"] == 2
    for needle in ("Erika", "erika@example.org", "999 888"):
        assert (
            count(
                reference,
                "MATCH (n) WHERE any(k IN keys(n) WHERE toStringOrNull(n[k]) CONTAINS $s) RETURN count(n)",
                s=needle,
            )
            == 0
        ), needle
    after = gql.data(HISTORY, {"id": person_id})["history"]
    assert after[0]["operation"] == "erase" and after[0]["after"] == {"erasedFields": ["email", "name", "phone"]}
    assert all(h["erased"] for h in after[1:])
    assert gql.data(
        "mutation($i: PersonInput!) { erasePerson(input: $i) { errors { code } } }", {"i": {"id": person_id}}
    )["erasePerson"]["errors"] == [{"code": "NOT_FOUND"}]


def test_a_removed_persons_data_can_still_be_erased_from_the_trail(
    kita: str, gql: GraphQLClient, reference: neo4j.Driver
) -> None:
    person = gql.data(ADD, {"i": {"actorId": kita, "name": "Otto Spät", "email": "otto@example.org"}})
    person_id = person["addContactPerson"]["person"]["id"]
    gql.data(
        "mutation($i: PersonInput!) { removeContactPerson(input: $i) { errors { code } } }", {"i": {"id": person_id}}
    )
    assert count(reference, "MATCH (c:Change) WHERE c.before CONTAINS 'otto@' RETURN count(c)") == 1
    erased = gql.data(
        "mutation($i: PersonInput!) { erasePerson(input: $i) { erased { auditRecordsScrubbed } } }",
        {"i": {"id": person_id}},
    )["erasePerson"]["erased"]
    assert erased["auditRecordsScrubbed"] == 2
    assert (
        count(reference, "MATCH (c:Change) WHERE c.before CONTAINS 'otto' OR c.after CONTAINS 'otto' RETURN count(c)")
        == 0
    )


def test_every_mutation_leaves_an_audit_record_and_a_refused_one_none(
    kita: str, gql: GraphQLClient, reference: neo4j.Driver, admin_token: str
) -> None:
    gql.data(
        "mutation($i: UpdateActorInput!) { updateActor(input: $i) { errors { code } } }",
        {"i": {"id": kita, "version": 1, "description": "Mit Garten", "website": "https://kita.example"}},
    )
    history = gql.data(HISTORY, {"id": kita})["history"]
    assert [h["operation"] for h in history] == ["update", "create"]
    update = history[0]
    assert update["principal"] == f"token:{admin_token.split('_')[1]}" and update["role"] == "admin"
    assert update["fields"] == ["description", "website"]
    assert update["before"] == {"description": None, "website": None}
    assert update["after"] == {"description": "Mit Garten", "website": "https://kita.example"}
    records = count(reference, "MATCH (c:Change) RETURN count(c)")
    stale = gql.data(
        "mutation($i: UpdateActorInput!) { updateActor(input: $i) { errors { code } } }",
        {"i": {"id": kita, "version": 1, "description": "zu spät"}},
    )
    assert stale["updateActor"]["errors"] == [{"code": "STALE_VERSION"}]
    assert count(reference, "MATCH (c:Change) RETURN count(c)") == records


def test_manager_edge_cases(reference: neo4j.Driver, gql: GraphQLClient, neo4j_settings: Neo4jSettings) -> None:
    manager = gql.as_(issue_token(neo4j_settings, "manager", ["rollberg"]))
    own = factories.actor(gql, "Eigener Verein", quarters=[{"quarter": "rollberg"}])["id"]
    other = factories.actor(gql, "Fremder Verein", quarters=[{"quarter": "rixdorf"}])["id"]
    # A cooperation across quarters touches the manager's quarter: allowed.
    across = manager.data(
        "mutation($i: AddCooperationInput!) { addCooperation(input: $i) { errors { code } } }",
        {"i": {"actorIds": [own, other], "kind": "REGULAR_EXCHANGE"}},
    )
    assert across["addCooperation"]["errors"] == []
    # Moving an own actor into a quarter that is not theirs: refused.
    moved = manager.data(
        "mutation($i: SetActorQuartersInput!) { setActorQuarters(input: $i) { errors { code } } }",
        {"i": {"id": own, "quarters": [{"quarter": "rollberg"}, {"quarter": "koernerpark"}]}},
    )
    assert moved["setActorQuarters"]["errors"] == [{"code": "FORBIDDEN"}]
    # Creating an actor in their quarter and another one: refused.
    mixed = manager.data(
        "mutation($i: CreateActorInput!) { createActor(input: $i) { errors { code } } }",
        {"i": {"type": "COMPANY", "name": "Doppelt", "quarters": [{"quarter": "rollberg"}, {"quarter": "rixdorf"}]}},
    )
    assert mixed["createActor"]["errors"] == [{"code": "FORBIDDEN"}]


def test_created_tokens_work_and_revoked_ones_stop_at_once(reference: neo4j.Driver, gql: GraphQLClient) -> None:
    created = gql.data(
        'mutation { createApiToken(input: {name: "Forschung", role: RESEARCHER}) { secret '
        "token { id role } errors { code } } }"
    )["createApiToken"]
    secret, token_id = created["secret"], created["token"]["id"]
    assert secret.startswith(f"kg_{token_id}_") and created["token"]["role"] == "researcher"
    assert count(reference, "MATCH (t:ApiToken) WHERE t.hash CONTAINS $s RETURN count(t)", s=secret[-20:]) == 0
    researcher = gql.as_(secret)
    assert "errors" not in researcher("{ networkMetrics { nodes } }")
    listed = gql.data("{ apiTokens { id name revokedAt } }")["apiTokens"]
    assert {"id": token_id, "name": "Forschung", "revokedAt": None} in listed
    gql.data(
        "mutation($i: RevokeApiTokenInput!) { revokeApiToken(input: $i) { errors { code } } }", {"i": {"id": token_id}}
    )
    response = gql.http.post(
        "/graphql", json={"query": "{ quarters { name } }"}, headers={"Authorization": f"Bearer {secret}"}
    )
    assert response.status_code == 401 and response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


@pytest.mark.parametrize("header", ["Bearer kg_nope_nope", "Bearer not-a-token", "Basic abc", "Bearer "])
def test_bad_credentials_are_401(reference: neo4j.Driver, gql: GraphQLClient, header: str) -> None:
    response = gql.http.post("/graphql", json={"query": "{ quarters { name } }"}, headers={"Authorization": header})
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")


def test_public_access_can_be_switched_off(
    reference: neo4j.Driver, neo4j_settings: Neo4jSettings, admin_token: str
) -> None:
    options = ServiceOptions(public_access=False, rate_per_minute=0, public_rate_per_minute=0)
    with TestClient(create_app(neo4j_settings, options)) as http:
        assert http.post("/graphql", json={"query": "{ quarters { name } }"}).status_code == 401
        assert http.get("/healthz").status_code == 200
        ok = http.post(
            "/graphql", json={"query": "{ quarters { name } }"}, headers={"Authorization": f"Bearer {admin_token}"}
        )
        assert ok.status_code == 200 and len(ok.json()["data"]["quarters"]) == 12


def _jwt_client(neo4j_settings: Neo4jSettings, **keys: str) -> TestClient:
    options = ServiceOptions(rate_per_minute=0, public_rate_per_minute=0, **keys)  # type: ignore[arg-type]
    return TestClient(create_app(neo4j_settings, options))


def test_hs256_jwts_carry_role_and_quarters(reference: neo4j.Driver, neo4j_settings: Neo4jSettings) -> None:
    secret = "a-test-secret-of-sufficient-length-for-hs256"
    now = dt.datetime.now(dt.UTC)
    good = jwt.encode(
        {"sub": "alice", "role": "manager", "quarters": ["rollberg"], "exp": now + dt.timedelta(minutes=5)},
        secret,
        algorithm="HS256",
    )
    expired = jwt.encode(
        {"sub": "bob", "role": "admin", "exp": now - dt.timedelta(minutes=5)}, secret, algorithm="HS256"
    )
    forged = jwt.encode(
        {"sub": "eve", "role": "admin", "exp": now + dt.timedelta(minutes=5)},
        "a-wrong-secret-also-long-enough-for-hs256",
        algorithm="HS256",
    )
    with _jwt_client(neo4j_settings, jwt_secret=secret) as http:
        query = {
            "query": 'mutation { createActor(input: {type: COMPANY, name: "Per JWT", '
            'quarters: [{quarter: "rollberg"}]}) { actor { id } errors { code } } }'
        }
        made = http.post("/graphql", json=query, headers={"Authorization": f"Bearer {good}"}).json()
        assert made["data"]["createActor"]["errors"] == []
        actor = made["data"]["createActor"]["actor"]["id"]
        history = http.post(
            "/graphql", json={"query": HISTORY, "variables": {"id": actor}}, headers={"Authorization": f"Bearer {good}"}
        ).json()
        assert history["data"]["history"][0]["principal"] == "jwt:alice"
        for token in (expired, forged):
            assert http.post("/graphql", json=query, headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_rs256_jwts(reference: neo4j.Driver, neo4j_settings: Neo4jSettings) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    token = jwt.encode(
        {"sub": "lab", "role": "researcher", "exp": dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5)},
        key,
        algorithm="RS256",
    )
    with _jwt_client(neo4j_settings, jwt_public_key=public) as http:
        ok = http.post(
            "/graphql", json={"query": "{ networkMetrics { nodes } }"}, headers={"Authorization": f"Bearer {token}"}
        )
        assert ok.status_code == 200 and "errors" not in ok.json()
        unsigned = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4Iiwicm9sZSI6ImFkbWluIn0."  # alg "none"
        assert (
            http.post(
                "/graphql", json={"query": "{ quarters { name } }"}, headers={"Authorization": f"Bearer {unsigned}"}
            ).status_code
            == 401
        )


def test_options_default_to_rate_limits(reference: neo4j.Driver) -> None:
    assert TEST_OPTIONS.rate_per_minute == 0 and ServiceOptions().rate_per_minute > 0
