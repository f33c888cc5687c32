"""Research metrics over HTTP, checked against networkx on the same graphs (differential test).

Tolerances: exact graph counts must match exactly; betweenness, closeness, clustering,
density, path lengths and modularity to 1e-9 (both compute them exactly); eigenvector
centrality and PageRank to 1e-4 (both are iterative solvers with their own stopping rules).
"""

from __future__ import annotations

import datetime as dt

import neo4j
import networkx as nx
import numpy as np
import pytest
from starlette.testclient import TestClient

from graph.db import Neo4jSettings
from resolvers import ids as gids
from tests.conftest import GraphQLClient
from tests.netload import load_graph
from tests.test_request_limits import wait_for

ACTORS = """query($f: NetworkFilter) { actorMetrics(filter: $f, first: 10000) { totalCount cached revision nodes {
  id degree weightedDegree betweenness closeness eigenvector pagerank clustering community participation cutVertex
  brokerRoles } } }"""
NETWORK = """query($f: NetworkFilter) { networkMetrics(filter: $f) { nodes edges cooperations density components
  largestComponentShare averagePathLength diameter transitivity averageClustering communities modularity
  communityMethod resolution seed crossSectorShare crossQuarterShare isolates cached revision stale computedAt } }"""


def study_graph() -> tuple[nx.Graph, dict]:
    """Zachary's karate club, plus a separate triangle with a tail and two isolated actors."""
    g = nx.karate_club_graph()
    quarter = {n: 0 if g.nodes[n]["club"] == "Mr. Hi" else 1 for n in g.nodes}
    g.add_edges_from([("t1", "t2"), ("t2", "t3"), ("t3", "t1"), ("t3", "t4")])
    g.add_nodes_from(["lonely1", "lonely2"])
    for i, (a, b) in enumerate(sorted(g.edges, key=str)):
        g.edges[a, b]["weight"] = 1 + i % 3  # intensities 1–3
    return g, quarter


@pytest.fixture
def karate(clean_db: neo4j.Driver, neo4j_settings: Neo4jSettings) -> tuple[nx.Graph, dict]:
    g, quarter = study_graph()
    ids = load_graph(neo4j_settings, g, quarter, label="karate")
    return g, {gids.encode("Actor", actor): node for node, actor in ids.items()}


def test_actor_metrics_agree_with_networkx(karate: tuple[nx.Graph, dict], gql: GraphQLClient) -> None:
    g, node_of = karate
    rows = gql.data(ACTORS)["actorMetrics"]["nodes"]
    assert len(rows) == g.number_of_nodes()
    ours = {node_of[r["id"]]: r for r in rows}
    betweenness = nx.betweenness_centrality(g)
    closeness = nx.closeness_centrality(g)
    clustering = nx.clustering(g)
    pagerank = nx.pagerank(g, alpha=0.85, weight=None)
    # networkx refuses disconnected graphs here; the leading eigenvector of the whole graph lives on
    # the component with the largest leading eigenvalue (the karate club) and is 0 elsewhere.
    parts = [g.subgraph(c) for c in nx.connected_components(g) if len(c) > 1]
    leading = max(parts, key=lambda h: max(np.linalg.eigvalsh(nx.to_numpy_array(h))))
    eigen = dict.fromkeys(g, 0.0) | nx.eigenvector_centrality_numpy(leading)
    top = max(eigen.values())
    for node, r in ours.items():
        assert r["degree"] == g.degree(node)
        assert r["weightedDegree"] == pytest.approx(g.degree(node, weight="weight"))
        assert r["betweenness"] == pytest.approx(betweenness[node], abs=1e-9)
        assert r["closeness"] == pytest.approx(closeness[node], abs=1e-9)
        assert r["clustering"] == pytest.approx(clustering[node], abs=1e-9)
        assert r["pagerank"] == pytest.approx(pagerank[node], abs=1e-4)
        assert r["eigenvector"] == pytest.approx(abs(eigen[node]) / top, abs=1e-4)
    cut = set(nx.articulation_points(g))
    assert {n for n, r in ours.items() if r["cutVertex"]} == cut
    assert {n for n, r in ours.items() if "CUT_VERTEX" in r["brokerRoles"]} == cut


def test_network_metrics_agree_with_networkx(karate: tuple[nx.Graph, dict], gql: GraphQLClient) -> None:
    g, node_of = karate
    m = gql.data(NETWORK)["networkMetrics"]
    largest = g.subgraph(max(nx.connected_components(g), key=len))
    assert (m["nodes"], m["edges"], m["cooperations"]) == (
        g.number_of_nodes(),
        g.number_of_edges(),
        g.number_of_edges(),
    )
    assert m["density"] == pytest.approx(nx.density(g), abs=1e-12)
    assert m["components"] == nx.number_connected_components(g)
    assert m["largestComponentShare"] == pytest.approx(34 / 40)
    assert m["averagePathLength"] == pytest.approx(nx.average_shortest_path_length(largest), abs=1e-9)
    assert m["diameter"] == nx.diameter(largest)
    assert m["transitivity"] == pytest.approx(nx.transitivity(g), abs=1e-9)
    assert m["averageClustering"] == pytest.approx(nx.average_clustering(g), abs=1e-9)
    assert m["isolates"] == 2
    assert (m["communityMethod"], m["resolution"], m["seed"]) == ("leiden", 1.0, 2027)
    # Our communities' modularity, recomputed by networkx, and no worse than networkx's Louvain.
    rows = gql.data(ACTORS)["actorMetrics"]["nodes"]
    groups: dict[int, set] = {}
    for r in rows:
        groups.setdefault(r["community"], set()).add(node_of[r["id"]])
    assert m["communities"] == len(groups)
    assert m["modularity"] == pytest.approx(nx.community.modularity(g, groups.values(), weight=None), abs=1e-9)
    louvain = nx.community.louvain_communities(g, weight=None, seed=1)
    assert m["modularity"] >= nx.community.modularity(g, louvain, weight=None) - 0.02


def test_metrics_are_cached_until_a_write(karate: tuple[nx.Graph, dict], gql: GraphQLClient) -> None:
    first = gql.data(NETWORK)["networkMetrics"]
    again = gql.data(NETWORK)["networkMetrics"]
    assert (first["cached"], again["cached"]) == (False, True) and first["revision"] == again["revision"]
    assert first["stale"] is False and again["computedAt"] == first["computedAt"]
    ids = list(karate[1])
    _cooperate(gql, ids[0], ids[-1])
    after = gql.data(FRESH)["networkMetrics"]
    assert after["cached"] is False and after["stale"] is False and after["revision"] > first["revision"]
    assert after["cooperations"] == first["cooperations"] + 1


ADD = "mutation($i: AddCooperationInput!) { addCooperation(input: $i) { errors { code } } }"
LIVE = """query($f: NetworkFilter) { networkMetrics(filter: $f) { cooperations revision cached stale computedAt } }"""
FRESH = """query($f: NetworkFilter) { networkMetrics(filter: $f, fresh: true) {
  cooperations revision cached stale computedAt } }"""


def _cooperate(gql: GraphQLClient, a: str, b: str) -> None:
    assert gql.data(ADD, {"i": {"actorIds": [a, b], "kind": "FUNDING"}})["addCooperation"]["errors"] == []


def _in_quarter(g: nx.Graph, node_of: dict, club: str) -> list[str]:
    """Actors of one quarter of the study graph (Mr. Hi's club and the extra actors: karate-q0)."""
    return [gid for gid, n in node_of.items() if (g.nodes[n].get("club", "Mr. Hi") == "Mr. Hi") == (club == "Mr. Hi")]


def test_after_a_write_readers_get_the_last_result_marked_stale_until_the_background_is_done(
    karate: tuple[nx.Graph, dict], gql: GraphQLClient, client: TestClient
) -> None:
    g, node_of = karate
    q0 = {"f": {"quarters": ["karate-q0"]}}
    before = gql.data(LIVE, q0)["networkMetrics"]
    assert before["stale"] is False
    runs = client.app.state.services.metrics.runs
    a, b = _in_quarter(g, node_of, "Mr. Hi")[:2]
    _cooperate(gql, a, b)
    now = gql.data(LIVE, q0)["networkMetrics"]
    if now["revision"] == before["revision"]:  # the old numbers at once, said to be stale
        assert (now["stale"], now["cached"]) == (True, True)
        assert (now["cooperations"], now["computedAt"]) == (before["cooperations"], before["computedAt"])
    else:  # the background was quicker than this read
        assert now["stale"] is False and now["cooperations"] == before["cooperations"] + 1
    settled = wait_for(
        lambda: (m := gql.data(LIVE, q0)["networkMetrics"])["revision"] > before["revision"] and not m["stale"] and m,
        "the background recomputation",
        bound=120,
    )
    assert settled["cooperations"] == before["cooperations"] + 1
    assert dt.datetime.fromisoformat(settled["computedAt"]) > dt.datetime.fromisoformat(before["computedAt"])
    assert client.app.state.services.metrics.runs == runs + 1  # one recomputation, in the background
    # Asked for fresh numbers, a reader waits for them: right after a write, the new ones at once.
    c, d = _in_quarter(g, node_of, "Mr. Hi")[2:4]
    _cooperate(gql, c, d)
    fresh = gql.data(FRESH, q0)["networkMetrics"]
    assert fresh["stale"] is False and fresh["revision"] > settled["revision"]
    assert fresh["cooperations"] == settled["cooperations"] + 1


def test_a_burst_of_writes_gives_one_recomputation_and_other_quarters_keep_their_numbers(
    karate: tuple[nx.Graph, dict], gql: GraphQLClient, client: TestClient
) -> None:
    g, node_of = karate
    q0, q1 = {"f": {"quarters": ["karate-q0"]}}, {"f": {"quarters": ["karate-q1"]}}
    keeper = client.app.state.services.metrics
    keeper.delay = 3.0  # the burst's writes come well within it, even on a busy machine
    before0, before1 = gql.data(LIVE, q0)["networkMetrics"], gql.data(LIVE, q1)["networkMetrics"]
    runs = keeper.runs
    officers = _in_quarter(g, node_of, "Officer")
    for a, b in [(officers[0], officers[1]), (officers[2], officers[3]), (officers[4], officers[5])]:
        _cooperate(gql, a, b)  # quarter 1 only, within the refresh delay of one another
    settled = wait_for(
        lambda: (
            (m := gql.data(LIVE, q1)["networkMetrics"])["revision"] > before1["revision"] + 2 and not m["stale"] and m
        ),
        "quarter 1 recomputed after the burst",
        bound=120,
    )
    assert settled["cooperations"] == before1["cooperations"] + 3
    # Quarter 0 was not touched: its numbers move on to the new revision without a recomputation.
    kept = wait_for(
        lambda: (m := gql.data(LIVE, q0)["networkMetrics"])["revision"] == settled["revision"] and not m["stale"] and m,
        "quarter 0 carried forward",
        bound=120,
    )
    assert (kept["cooperations"], kept["computedAt"]) == (before0["cooperations"], before0["computedAt"])
    assert keeper.runs == runs + 1  # one for quarter 1's burst, none for quarter 0


def test_communities_are_reproducible(karate: tuple[nx.Graph, dict], gql: GraphQLClient, client: TestClient) -> None:
    first = {r["id"]: r["community"] for r in gql.data(ACTORS)["actorMetrics"]["nodes"]}
    client.app.state.services.analysis.clear()
    second = {r["id"]: r["community"] for r in gql.data(ACTORS)["actorMetrics"]["nodes"]}
    assert first == second


def test_metrics_of_a_selection_and_ordering(karate: tuple[nx.Graph, dict], gql: GraphQLClient) -> None:
    g, node_of = karate
    f = {"quarters": ["karate-q0"]}
    rows = gql.data(
        "query($f: NetworkFilter) { actorMetrics(filter: $f, orderBy: {field: DEGREE}, first: 3) "
        "{ totalCount nodes { id degree actor { name } } } }",
        {"f": f},
    )["actorMetrics"]
    # quarter 0: Mr. Hi's club, and the extra actors (loaded into quarter 0 by default)
    hi = g.subgraph([n for n in g.nodes if not isinstance(n, int) or g.nodes[n]["club"] == "Mr. Hi"])
    assert rows["totalCount"] == hi.number_of_nodes()
    degrees = sorted((d for _, d in hi.degree), reverse=True)[:3]
    assert [r["degree"] for r in rows["nodes"]] == degrees
    assert rows["nodes"][0]["actor"]["name"].startswith("Akteur karate")


def test_cross_sector_and_cross_quarter_shares(
    karate: tuple[nx.Graph, dict], gql: GraphQLClient, neo4j_settings: Neo4jSettings
) -> None:
    g, node_of = karate
    m = gql.data(NETWORK)["networkMetrics"]
    quarter_of = {node: (0 if not isinstance(node, int) or g.nodes[node]["club"] == "Mr. Hi" else 1) for node in g}
    across = sum(quarter_of[a] != quarter_of[b] for a, b in g.edges) / g.number_of_edges()
    assert m["crossQuarterShare"] == pytest.approx(across)
    order = sorted(g.nodes, key=str)
    type_of = {n: i % 4 for i, n in enumerate(order)}
    assert m["crossSectorShare"] == pytest.approx(
        sum(type_of[a] != type_of[b] for a, b in g.edges) / g.number_of_edges()
    )
