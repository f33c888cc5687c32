"""Exports over HTTP: loaded with networkx, and checked against their formats (GEXF against the official
GEXF 1.2 XML Schema, GraphML against the rules of its specification, CSV column by column)."""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import re
import zipfile

import neo4j
import networkx as nx
import pytest
from lxml import etree
from starlette.testclient import TestClient

from tests.conftest import ROOT, GraphQLClient

COUNTS = "query($f: NetworkFilter) { network(filter: $f) { nodeCount edgeCount nodes { id name } } }"


def test_graphml_loads_in_networkx_with_its_attributes(
    demo: neo4j.Driver, client: TestClient, gql: GraphQLClient
) -> None:
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
    assert sorted(archive.namelist()) == ["edges.csv", "nodes.csv", "properties.csv"]  # with the data revision
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
    api = gql.data(
        '{ network(filter: {cooperationKinds: [SPACE_PROVISION]}, asOf: "2019-01-01") { nodeCount edgeCount } }'
    )["network"]
    assert (g.number_of_nodes(), g.number_of_edges()) == (api["nodeCount"], api["edgeCount"])
    kita = gql.data('{ actors(filter: {text: "Kita Sonnenschein"}) { nodes { id } } }')["actors"]["nodes"][0]["id"]
    ego = nx.read_graphml(
        io.BytesIO(client.get("/export/graphml", params={"actor": kita, "depth": "1"}).content), force_multigraph=True
    )
    assert ego.number_of_nodes() == 4


def test_bad_export_parameters_are_400_with_a_reason(demo: neo4j.Driver, client: TestClient) -> None:
    for params in (
        {"actorTypes": "DRAGON"},
        {"asOf": "yesterday"},
        {"minIntensity": "x"},
        {"quarters": "atlantis"},
        {"part": "both"},
        {"actor": "QWN0b3I6bm9wZQ", "depth": "1"},
    ):
        response = client.get("/export/csv", params=params)
        assert response.status_code in (400, 404), params
        assert response.json()["error"]["message"], params


# ---- the exports against their formats ---------------------------------------------------------------------

FORMATS = ROOT / "tests" / "formats"  # the GEXF 1.2 XML Schema, with its source and licence in README.md
GEXF = "{http://www.gexf.net/1.2draft}"
GRAPHML = "{http://graphml.graphdrawing.org/xmlns}"
# Each export for the whole demo network, for two quarters as of a day, and for the real (not synthetic) data.
SELECTIONS = ({}, {"asOf": "2019-01-01", "quarters": "rollberg,flughafenstrasse"}, {"synthetic": "false"})


@functools.cache
def gexf_schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(FORMATS / "gexf-1.2draft" / "gexf.xsd")))


def parses_as(value: str, type_: str) -> bool:
    """Whether a lexical value is one of the XML Schema datatype ``type_`` (xs:integer, xs:double, …)."""
    try:
        if type_ in ("integer", "long", "int"):
            number = int(value)
            return type_ != "int" or -(2**31) <= number < 2**31
        if type_ in ("double", "float"):
            float(value)
            return True
    except ValueError:
        return False
    if type_ == "boolean":
        return value in ("true", "false", "1", "0")
    return type_ in ("string", "liststring", "anyURI")


def test_gexf_is_valid_gexf_1_2(demo: neo4j.Driver, client: TestClient) -> None:
    """Valid against the official GEXF 1.2 XML Schema, and what the schema cannot say: attribute values of
    their declared type, declared attributes only, edges between exported nodes, start before end."""
    for params in SELECTIONS:
        response = client.get("/export/gexf", params=params)
        doc = etree.fromstring(response.content)
        gexf_schema().assertValid(doc)
        declared = {(a.getparent().get("class"), a.get("id")): a.get("type") for a in doc.iter(f"{GEXF}attribute")}
        assert declared, params
        nodes = {n.get("id") for n in doc.iter(f"{GEXF}node")}
        assert len(nodes) == len(doc.findall(f".//{GEXF}node")) > 0, params
        for kind in ("node", "edge"):
            for element in doc.iter(f"{GEXF}{kind}"):
                for value in element.iter(f"{GEXF}attvalue"):
                    type_ = declared.get((kind, value.get("for")))
                    assert type_ is not None and parses_as(value.get("value"), type_), (kind, value.attrib)
                start, end = element.get("start"), element.get("end")
                for day in (start, end):
                    assert day is None or dt.date.fromisoformat(day).isoformat() == day
                assert start is None or end is None or start <= end
        for edge in doc.iter(f"{GEXF}edge"):
            assert edge.get("source") in nodes and edge.get("target") in nodes


KEY_TYPES = {"boolean", "int", "long", "float", "double", "string"}  # GraphML attributes extension: attr.type
KEY_DOMAINS = {"graphml", "graph", "node", "edge", "hyperedge", "port", "endpoint", "all"}
NMTOKEN = re.compile(r"[\w.\-:]+")


def check_graphml(doc: etree._Element) -> None:
    """The rules of the GraphML specification (graphml.graphdrawing.org/specification.html; content models as
    in its DTD and graphml-structure.xsd, value types as in graphml-attributes.xsd) that our exports use."""
    assert doc.tag == f"{GRAPHML}graphml"
    children = [c for c in doc if isinstance(c.tag, str)]  # comments aside
    tags = [c.tag.removeprefix(GRAPHML) for c in children]
    # graphml: (desc?, key*, (data | graph)*)
    assert re.fullmatch(r"(desc,)?(key,)*((data|graph),)*", "".join(t + "," for t in tags)), tags
    keys = {}
    for key in doc.findall(f"{GRAPHML}key"):
        assert NMTOKEN.fullmatch(key.get("id", "")) and key.get("id") not in keys, key.attrib
        assert key.get("for", "all") in KEY_DOMAINS and key.get("attr.type", "string") in KEY_TYPES, key.attrib
        assert key.get("attr.name") is None or NMTOKEN.fullmatch(key.get("attr.name")), key.attrib
        keys[key.get("id")] = (key.get("for", "all"), key.get("attr.type", "string"))
    [graph] = doc.findall(f"{GRAPHML}graph")
    assert graph.get("edgedefault") in ("directed", "undirected")
    # graph: (desc?, (data | node | edge | hyperedge)*)
    inner = "".join(c.tag.removeprefix(GRAPHML) + "," for c in graph if isinstance(c.tag, str))
    assert re.fullmatch(r"(desc,)?((data|node|edge|hyperedge),)*", inner)
    node_ids: set[str] = set()
    edge_ids: set[str] = set()
    for element in graph:
        if not isinstance(element.tag, str):
            continue
        kind = element.tag.removeprefix(GRAPHML)
        if kind == "node":
            assert NMTOKEN.fullmatch(element.get("id", "")) and element.get("id") not in node_ids
            node_ids.add(element.get("id"))
        elif kind == "edge":
            assert element.get("id") is None or element.get("id") not in edge_ids
            edge_ids.add(element.get("id"))
            assert element.get("directed") in (None, "true", "false")
        # node: (desc?, (data | port)*, graph?); edge: (desc?, data*, graph?) — ours carry data only
        assert all(isinstance(c.tag, str) and c.tag == f"{GRAPHML}data" for c in element), element.attrib
        for data in element:
            domain, type_ = keys[data.get("key")]  # every data refers to a declared key ...
            assert domain in (kind, "all"), (kind, data.get("key"))  # ... for this kind of element
            assert parses_as(data.text or "", type_), (data.get("key"), data.text)
    for edge in graph.iter(f"{GRAPHML}edge"):
        assert edge.get("source") in node_ids and edge.get("target") in node_ids


def test_graphml_follows_the_graphml_specification(demo: neo4j.Driver, client: TestClient) -> None:
    for params in SELECTIONS:
        check_graphml(etree.fromstring(client.get("/export/graphml", params=params).content))


def test_the_structural_check_catches_what_it_should() -> None:
    """The GraphML check itself refuses an undeclared type, a dangling edge and data for the wrong element."""
    head = '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">'
    good = head + (
        '<key id="d" for="node" attr.type="int"/><graph edgedefault="undirected">'
        '<node id="a"><data key="d">1</data></node><node id="b"/><edge source="a" target="b"/>'
        "</graph></graphml>"
    )
    check_graphml(etree.fromstring(good))
    for bad in (
        good.replace('attr.type="int"', 'attr.type="integer"'),
        good.replace('target="b"', 'target="c"'),
        good.replace('for="node"', 'for="edge"'),
        good.replace(">1<", ">1.5<"),
    ):
        with pytest.raises(AssertionError):
            check_graphml(etree.fromstring(bad))


NODE_COLUMNS = [
    "id",
    "name",
    "type",
    "quarters",
    "actionFields",
    "degree",
    "synthetic",
    "latitude",
    "longitude",
    "since",
    "until",
]
EDGE_COLUMNS = ["id", "source", "target", "kind", "since", "until", "intensity", "actionFields", "synthetic"]
NETWORK = "query($d: Date) { network(asOf: $d) { json } }"


def test_csv_columns_and_values_match_the_api(demo: neo4j.Driver, client: TestClient, gql: GraphQLClient) -> None:
    """The documented columns in order, and in every row the values the API shows for the same network."""
    for params, day in (({}, None), ({"asOf": "2019-01-01"}, "2019-01-01")):
        archive = zipfile.ZipFile(io.BytesIO(client.get("/export/csv", params=params).content))
        nodes = list(csv.reader(io.StringIO(archive.read("nodes.csv").decode("utf-8"), newline="")))
        edges = list(csv.reader(io.StringIO(archive.read("edges.csv").decode("utf-8"), newline="")))
        assert nodes[0] == NODE_COLUMNS and edges[0] == EDGE_COLUMNS
        assert all(len(row) == len(NODE_COLUMNS) for row in nodes) and all(len(r) == len(EDGE_COLUMNS) for r in edges)
        api = gql.data(NETWORK, {"d": day})["network"]["json"]
        by_id = {n["id"]: n for n in api["nodes"]}
        assert {row[0] for row in nodes[1:]} == set(by_id) and len(nodes) - 1 == len(by_id)
        for row in nodes[1:]:
            cell = dict(zip(NODE_COLUMNS, row, strict=True))
            n = by_id[cell["id"]]
            assert (cell["name"], cell["type"], cell["degree"], cell["synthetic"]) == (
                n["name"],
                n["type"],
                str(n["degree"]),
                "true" if n["synthetic"] else "false",
            )
            assert (cell["quarters"].split(";") if cell["quarters"] else []) == n["quarters"]
            assert cell["actionFields"] == ";".join(n["actionFields"])
            for axis in ("latitude", "longitude"):
                assert (float(cell[axis]) if cell[axis] else None) == n[axis]
            for day_cell in (cell["since"], cell["until"]):
                assert day_cell == "" or dt.date.fromisoformat(day_cell).isoformat() == day_cell
        edges_by_id = {e["id"]: e for e in api["edges"]}
        assert {row[0] for row in edges[1:]} == set(edges_by_id) and len(edges) - 1 == len(edges_by_id)
        for row in edges[1:]:
            cell = dict(zip(EDGE_COLUMNS, row, strict=True))
            e = edges_by_id[cell["id"]]
            assert (cell["source"], cell["target"], cell["kind"]) == (e["source"], e["target"], e["kind"])
            assert (cell["since"] or None, cell["until"] or None) == (e["since"], e["until"])
            assert (int(cell["intensity"]) if cell["intensity"] else None) == e["intensity"]
            assert cell["actionFields"] == ";".join(e["actionFields"])
            assert cell["synthetic"] == ("true" if e["synthetic"] else "false")
