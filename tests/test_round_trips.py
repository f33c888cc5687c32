"""A nested query costs a bounded number of Cypher round trips, whatever the result size."""

from __future__ import annotations

import base64
import random

import neo4j
import pytest
from starlette.testclient import TestClient

NESTED = "{ actors(first: 50) { edges { node { partners { edges { node { quarters { quarter { name } } } } } } } } }"
WIDER = """{ actors(first: 50) { totalCount edges { node { name cooperationCount partnerCount actionFields { key }
  quarters { quarter { name mergedInto { name } } }
  partners { totalCount edges { cooperation { kind actors { name } } node { name quarters { quarter { slug } } } } }
  cooperations(first: 5) { nodes { kind actionFields { name } } } } } } }"""


def _network(driver: neo4j.Driver, actors: int) -> None:
    rng = random.Random(actors)
    driver.execute_query("MATCH (a:Actor) DETACH DELETE a")
    rows = [
        {"id": f"a{i}", "name": f"Akteur {i:04d}", "q": rng.choice(["rollberg", "rixdorf", "koernerpark"])}
        for i in range(actors)
    ]
    driver.execute_query(
        "UNWIND $rows AS row MATCH (q:Quarter {slug: row.q}) "
        "CREATE (a:Actor:Initiative {id: row.id, type: 'Initiative', name: row.name, sortName: toLower(row.name), archived: false, "
        "synthetic: true, createdAt: datetime(), updatedAt: datetime(), version: 1})-[:ACTIVE_IN {role: 'member'}]->(q)",
        rows=rows,
    )
    pairs = {tuple(sorted(rng.sample(range(actors), 2))) for _ in range(actors * 3)}
    driver.execute_query(
        "UNWIND $pairs AS p MATCH (a:Actor {id: p[0]}), (b:Actor {id: p[1]}) "
        "CREATE (a)-[:COOPERATES_WITH {id: p[0] + '~' + p[1], kind: 'regular_exchange', actionFields: ['bildung'], "
        "synthetic: true, createdAt: datetime(), updatedAt: datetime(), version: 1}]->(b)",
        pairs=[[f"a{x}", f"a{y}"] for x, y in pairs],
    )


def _round_trips(client: TestClient, query: str, variables: dict | None = None) -> tuple[int, dict]:
    db = client.app.state.db  # type: ignore[attr-defined]
    before = db.round_trips
    body = client.post("/graphql", json={"query": query, "variables": variables or {}}).json()
    assert "errors" not in body, body
    return db.round_trips - before, body["data"]


@pytest.mark.parametrize(
    "query, network_sizes",
    [
        (NESTED, (50, 500)),
        # With 50 actors every partner is on the first page, so what the page already loaded is
        # reused (one query fewer); compare two networks larger than a page instead.
        (WIDER, (150, 600)),
    ],
)
@pytest.mark.uncached  # its networks are written straight through the driver
def test_the_same_number_of_queries_whatever_the_size(
    reference: neo4j.Driver, client: TestClient, query: str, network_sizes: tuple[int, int]
) -> None:
    counts = []
    sizes = []
    client.post("/graphql", json={"query": "{ __typename }"})  # the token check is cached after this
    client.post("/graphql", json={"query": "{ actionFields { key } }"})  # and the catalogue is in memory
    for actors in network_sizes:
        _network(reference, actors)
        trips, data = _round_trips(client, query)
        counts.append(trips)
        edges = data["actors"]["edges"]
        sizes.append(sum(len(e["node"]["partners"]["edges"]) for e in edges))
    assert counts[0] == counts[1], counts
    assert counts[0] <= 12
    assert all(size > 50 for size in sizes)  # the result is large enough for N+1 to show


DETAIL = """query($id: ID!) { actor(id: $id) { name quarters { quarter { slug } role }
  partners(first: 3%s) { totalCount edges { node { id name } cooperation { kind } } } } }"""


def test_an_actor_detail_read_ahead_answers_as_field_by_field(demo: neo4j.Driver, client: TestClient) -> None:
    records, _, _ = demo.execute_query(
        "MATCH (a:Actor)-[:ACTIVE_IN]->() WITH a ORDER BY COUNT { (a)--(:Actor) } DESC LIMIT 1 RETURN a.id AS id"
    )
    actor_id = base64.b64encode(f"Actor:{records[0]['id']}".encode()).decode()
    ahead = client.post("/graphql", json={"query": DETAIL % "", "variables": {"id": actor_id}}).json()
    # With a filter argument the partners are not read ahead, but field by field.
    plain = client.post("/graphql", json={"query": DETAIL % ", filter: null", "variables": {"id": actor_id}}).json()
    assert "errors" not in ahead, ahead
    assert ahead == plain
    assert ahead["data"]["actor"]["quarters"] and len(ahead["data"]["actor"]["partners"]["edges"]) == 3
    missing = base64.b64encode(b"Actor:no-such-actor").decode()
    gone = client.post("/graphql", json={"query": DETAIL % "", "variables": {"id": missing}}).json()
    assert gone == {"data": {"actor": None}}


W2 = """query($id: ID!) { actor(id: $id) { id name type description version
  quarters { quarter { name slug } since until role } actionFields { key name }
  partners(first: 20) { totalCount edges { node { id name type } cooperation { kind since until intensity } } } } }"""


def test_an_actor_detail_is_one_statement(demo: neo4j.Driver, client: TestClient) -> None:
    records, _, _ = demo.execute_query(
        "MATCH (a:Actor)-[:ACTIVE_IN]->() WITH a ORDER BY COUNT { (a)--(:Actor) } DESC LIMIT 1 RETURN a.id AS id"
    )
    actor_id = base64.b64encode(f"Actor:{records[0]['id']}".encode()).decode()
    client.post("/graphql", json={"query": "{ actionFields { key } }"})  # the catalogue in memory
    trips, data = _round_trips(client, W2, {"id": actor_id})
    assert trips == 2  # the token check, then the actor with its quarters and partners
    actor = data["actor"]
    assert actor["quarters"] and actor["actionFields"] and actor["partners"]["edges"]
    assert actor["partners"]["totalCount"] >= len(actor["partners"]["edges"])
    # The same answer as field by field (a filter argument keeps the partners out of the one statement).
    plain = W2.replace("partners(first: 20)", "partners(first: 20, filter: null)")
    by_field = client.post("/graphql", json={"query": plain, "variables": {"id": actor_id}}).json()
    assert by_field == {"data": data}


def test_an_ego_network_is_one_statement_with_its_revision(demo: neo4j.Driver, client: TestClient) -> None:
    records, _, _ = demo.execute_query(
        "MATCH (a:Actor) WITH a ORDER BY COUNT { (a)--(:Actor) } DESC LIMIT 1 RETURN a.id AS id"
    )
    actor_id = base64.b64encode(f"Actor:{records[0]['id']}".encode()).decode()
    query = "query($id: ID!) { egoNetwork(actorId: $id, depth: 2) { revision nodeCount edges { id } } }"
    client.post("/graphql", json={"query": "{ __typename }"})  # the token check is cached after this
    trips, data = _round_trips(client, query, {"id": actor_id})
    assert trips == 2  # the token check, then the network with its revision
    assert data["egoNetwork"]["nodeCount"] > 1 and data["egoNetwork"]["edges"]
    state, _, _ = demo.execute_query("MATCH (s:NetworkState {id: 'network'}) RETURN s.revision AS r")
    assert data["egoNetwork"]["revision"] == (state[0]["r"] if state else 0)


CREATE = """mutation($input: CreateActorInput!) { createActor(input: $input) {
  actor { id name actionFields { key } quarters { quarter { slug } since } } errors { code } } }"""
CONNECT = """mutation($input: AddCooperationInput!) { addCooperation(input: $input) {
  cooperation { id kind actors { id } } errors { code } } }"""


def test_creating_an_actor_and_connecting_it_takes_few_statements(demo: neo4j.Driver, client: TestClient) -> None:
    db = client.app.state.db  # type: ignore[attr-defined]
    partner = client.post("/graphql", json={"query": "{ actors(first: 1) { edges { node { id } } } }"}).json()
    partner_id = partner["data"]["actors"]["edges"][0]["node"]["id"]
    sent = []
    for i in range(2):  # the second pair runs with the catalogue in memory, as a running service does
        before = db.round_trips
        created = client.post(
            "/graphql",
            json={
                "query": CREATE,
                "variables": {
                    "input": {
                        "type": "INITIATIVE",
                        "name": f"Neue Initiative {i}",
                        "actionFields": ["bildung"],
                        "quarters": [{"quarter": "rollberg", "since": "2024-01-01"}],
                    }
                },
            },
        ).json()["data"]["createActor"]
        assert created["errors"] == []
        actor = created["actor"]
        assert actor["actionFields"] == [{"key": "bildung"}]
        assert actor["quarters"] == [{"quarter": {"slug": "rollberg"}, "since": "2024-01-01"}]
        connected = client.post(
            "/graphql",
            json={
                "query": CONNECT,
                "variables": {
                    "input": {
                        "actorIds": [actor["id"], partner_id],
                        "kind": "PROJECT_PARTNERSHIP",
                        "actionFields": ["bildung"],
                        "since": "2024-09-01",
                    }
                },
            },
        ).json()["data"]["addCooperation"]
        assert connected["errors"] == []
        assert {a["id"] for a in connected["cooperation"]["actors"]} == {actor["id"], partner_id}
        sent.append(db.round_trips - before)
    # createActor: token check, one statement (duplicate check, quarters' state for the placement
    # check, create, audit record + revision), and the payload's memberships; addCooperation: token
    # check, one statement (lock with ties and duplicates, create, audit record + revision; the
    # payload's actors come from it). 20 before the catalogue in memory and the folded statements,
    # 13 before the checks went into them, 9 before the audit records and the quarters did.
    assert sent[1] <= 5, sent
    records, _, _ = demo.execute_query(
        "MATCH (c:Change) WHERE c.entity IN ['Actor', 'Cooperation'] AND c.operation = 'create' "
        "RETURN count(c) AS n, count(DISTINCT c.revision) AS revisions"
    )
    assert records[0]["n"] == records[0]["revisions"] >= 4  # one audit record and revision per write


def test_creating_an_actor_in_a_quarter_not_checked_lately_reads_no_quarter_first(
    demo: neo4j.Driver, client: TestClient
) -> None:
    """The create statement finds out itself whether the quarter exists (it reads the quarter's
    state for the placement check): an instance that has not seen the slug lately does not look
    it up before."""
    db = client.app.state.db  # type: ignore[attr-defined]

    def create(name: str, quarter: str) -> tuple[int, dict]:
        before = db.round_trips
        created = client.post(
            "/graphql",
            json={
                "query": "mutation($i: CreateActorInput!) { createActor(input: $i) { actor { id } errors { code } } }",
                "variables": {"i": {"type": "INITIATIVE", "name": name, "quarters": [{"quarter": quarter}]}},
            },
        ).json()["data"]["createActor"]
        return db.round_trips - before, created

    create("Kiezladen Rixdorf", "rixdorf")  # the first write of a process also sweeps expired keys
    trips, created = create("Kiezladen Rollberg", "rollberg")
    assert created["errors"] == []
    assert trips == 2  # the token's revocation check and the one write statement
    records, _, _ = demo.execute_query(
        "MATCH (:Actor {name: 'Kiezladen Rollberg'})-[:ACTIVE_IN]->(q:Quarter) RETURN q.slug AS slug"
    )
    assert [r["slug"] for r in records] == ["rollberg"]


PROJECTS_OF_ACTORS = """query($n: Int!) { actors(first: $n) { edges { node { id
  projects(first: 2) { totalCount pageInfo { hasNextPage } nodes { title } }
  sponsored: projects(role: SPONSOR, filter: {funds: [PROJEKTFONDS, NETZWERKFONDS, AKTIONSFONDS]}) {
    totalCount nodes { title } } } } } }"""
# What the top-level field, which pages projects one filter at a time, answers for one actor.
ONE_ACTOR = """query($id: ID!) {
  projects(first: 2, filter: {participantId: $id}) { totalCount pageInfo { hasNextPage } nodes { title } }
  sponsored: projects(filter: {sponsorId: $id, funds: [PROJEKTFONDS, NETZWERKFONDS, AKTIONSFONDS]}) {
    totalCount nodes { title } } }"""


@pytest.mark.uncached  # it counts the statements each page sends
def test_the_projects_of_a_page_of_actors_are_one_statement_per_field(demo: neo4j.Driver, client: TestClient) -> None:
    client.post("/graphql", json={"query": "{ __typename }"})  # the token check is cached after this
    client.post("/graphql", json={"query": "{ actionFields { key } }"})  # and the catalogue is in memory
    small, _ = _round_trips(client, PROJECTS_OF_ACTORS, {"n": 3})
    large, data = _round_trips(client, PROJECTS_OF_ACTORS, {"n": 60})
    actors = [e["node"] for e in data["actors"]["edges"]]
    assert (
        len(actors) > 20
        and any(a["projects"]["nodes"] for a in actors)
        and any(a["sponsored"]["nodes"] for a in actors)
    )
    assert large == small, (small, large)  # not one query per actor
    # Each actor's pages are what the top-level field answers for that actor alone.
    for actor in actors:
        alone = client.post("/graphql", json={"query": ONE_ACTOR, "variables": {"id": actor["id"]}}).json()
        assert alone == {"data": {"projects": actor["projects"], "sponsored": actor["sponsored"]}}
