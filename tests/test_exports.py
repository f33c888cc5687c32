"""Exports over HTTP, loaded with networkx: GraphML, GEXF (with time intervals) and CSV."""

from __future__ import annotations

import csv
import io
import zipfile

import networkx as nx
import neo4j
from starlette.testclient import TestClient

from tests.conftest import GraphQLClient

COUNTS = "query($f: NetworkFilter) { network(filter: $f) { nodeCount edgeCount nodes { id name } } }"


def test_graphml_loads_in_networkx_with_its_attributes(demo: neo4j.Driver, client: TestClient,
                                                       gql: GraphQLClient) -> None:
    response = client.get("/export/graphml")
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/graphml+xml")
    g = nx.read_graphml(io.BytesIO(response.content), force_multigraph=True)
    api = gql.data(COUNTS)["network"]
    assert (g.number_of_nodes(), g.number_of_edges()) == (api["nodeCount"], api["edgeCount"])
    some = api["nodes"][0]
    assert g.nodes[some["id"]]["name"] == some["name"]
    kita = next(n for n, d in g.nodes(data=True) if d["name"] == "Kita Sonnenschein e.V.")
    assert g.nodes[kita]["type"] == "INSTITUTION" and g.nodes[kita]["synthetic"] is True
    assert g.nodes[kita]["quarters"] == "rollberg" and g.degree(kita) == 3
    kinds = {d["kind"] for _, _, d in g.edges(data=True)}
    assert "PROJECT_PARTNERSHIP" in kinds


def test_gexf_carries_time_intervals_for_gephi(demo: neo4j.Driver, client: TestClient) -> None:
    response = client.get("/export/gexf", params={"quarters": "rollberg,flughafenstrasse"})
    assert response.status_code == 200
    assert 'mode="dynamic"' in response.text and 'timeformat="date"' in response.text
    g = nx.read_gexf(io.BytesIO(response.content))
    assert g.number_of_nodes() > 5
    ended = [d for _, _, d in g.edges(data=True) if d.get("end")]
    started = [d for _, _, d in g.edges(data=True) if d.get("start")]
    assert started and all(len(d["start"]) == 10 for d in started)
    assert all(d["start"] <= d["end"] for d in ended if d.get("start"))
    kita = next(d for _, d in g.nodes(data=True) if d["label"] == "Kita Sonnenschein e.V.")
    assert kita["type"] == "INSTITUTION"


def test_csv_tables_in_a_zip_or_one_at_a_time(demo: neo4j.Driver, client: TestClient, gql: GraphQLClient) -> None:
    archive = zipfile.ZipFile(io.BytesIO(client.get("/export/csv", params={"quarters": "rollberg"}).content))
    assert sorted(archive.namelist()) == ["edges.csv", "nodes.csv"]
    nodes = list(csv.DictReader(io.StringIO(archive.read("nodes.csv").decode())))
    edges = list(csv.DictReader(io.StringIO(archive.read("edges.csv").decode())))
    g = nx.Graph()
    g.add_nodes_from((n["id"], n) for n in nodes)
    g.add_edges_from((e["source"], e["target"]) for e in edges)
    api = gql.data(COUNTS, {"f": {"quarters": ["rollberg"]}})["network"]
    assert g.number_of_nodes() == api["nodeCount"] and len(edges) == api["edgeCount"]
    single = client.get("/export/csv", params={"quarters": "rollberg", "part": "edges"})
    assert single.headers["content-type"].startswith("text/csv")
    assert single.text.replace("\r\n", "\n") == archive.read("edges.csv").decode().replace("\r\n", "\n")


def test_exports_take_the_same_filters_as_the_api(demo: neo4j.Driver, client: TestClient, gql: GraphQLClient) -> None:
    params = {"cooperationKinds": "space_provision", "asOf": "2019-01-01"}
    g = nx.read_graphml(io.BytesIO(client.get("/export/graphml", params=params).content), force_multigraph=True)
    api = gql.data("{ network(filter: {cooperationKinds: [SPACE_PROVISION]}, asOf: \"2019-01-01\") "
                   "{ nodeCount edgeCount } }")["network"]
    assert (g.number_of_nodes(), g.number_of_edges()) == (api["nodeCount"], api["edgeCount"])
    kita = gql.data('{ actors(filter: {text: "Kita Sonnenschein"}) { nodes { id } } }')["actors"]["nodes"][0]["id"]
    ego = nx.read_graphml(io.BytesIO(client.get("/export/graphml", params={"actor": kita, "depth": "1"}).content),
                          force_multigraph=True)
    assert ego.number_of_nodes() == 4


def test_bad_export_parameters_are_400_with_a_reason(demo: neo4j.Driver, client: TestClient) -> None:
    for params in ({"actorTypes": "DRAGON"}, {"asOf": "yesterday"}, {"minIntensity": "x"}, {"quarters": "atlantis"},
                   {"part": "both"}, {"actor": "QWN0b3I6bm9wZQ", "depth": "1"}):
        response = client.get("/export/csv", params=params)
        assert response.status_code in (400, 404), params
        assert response.json()["error"]["message"], params
