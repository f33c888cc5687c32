"""Pure analysis functions: parallel metrics equal serial ones, exact diameter, scoring, formats."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import random
from concurrent.futures import ProcessPoolExecutor

import igraph
import pytest

from analysis import formats, metrics, suggestions
from analysis.projection import project
from analysis.timeline import build
from bench.generate import generate
from graph.networks import EdgeRow, NetworkData, NodeRow
from graph.suggestions import Candidate, Subject


def network(actors: int, ties: int) -> NetworkData:
    net = generate(5, quarters=6, actors=actors, cooperations=ties)
    slug = {q["id"]: q["props"]["slug"] for q in net.quarters}
    nodes = [
        NodeRow(
            a["id"],
            a["props"]["name"],
            a["type"],
            [slug[m["quarter"]] for m in a["quarters"]],
            a["fields"],
            True,
            a["lat"],
            a["lon"],
            None,
            None,
        )
        for a in net.actors
    ]
    edges = [
        EdgeRow(c["id"], c["a"], c["b"], c["props"]["kind"], None, None, c["props"]["intensity"], [], True)
        for c in net.cooperations
    ]
    return NetworkData(nodes, edges)


@pytest.mark.slow
def test_metrics_split_over_worker_processes_equal_the_serial_ones() -> None:
    p = project(network(2500, 6000))
    serial = metrics.compute(p)
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
        parallel = metrics.compute(p, pool)
    for a, b in zip(serial.actors, parallel.actors, strict=True):
        assert a.betweenness == pytest.approx(b.betweenness, rel=1e-9, abs=1e-12)
        assert a.closeness == pytest.approx(b.closeness, rel=1e-9, abs=1e-12)
        assert a.community == b.community
    assert serial.network == parallel.network


def test_exact_diameter_matches_igraph_on_random_graphs() -> None:
    rng = random.Random(3)
    for _ in range(40):
        n = rng.randint(2, 200)
        g = igraph.Graph.Erdos_Renyi(n=n, m=rng.randint(1, min(400, n * (n - 1) // 2))).connected_components().giant()
        assert metrics._diameter(g) == g.diameter()
    path = igraph.Graph.Lattice([50], circular=False)
    assert metrics._diameter(path) == 49


def test_distance_sums_equal_breadth_first_searches_from_every_vertex() -> None:
    rng = random.Random(7)
    for n, m in [(1, 0), (2, 1), (40, 30), (700, 1500), (1300, 2000)]:  # several passes of 512 sources
        g = igraph.Graph.Erdos_Renyi(n=n, m=m) if m else igraph.Graph(n=n)
        g.add_vertices(rng.randint(0, 3))  # isolated actors
        pairs = sorted({(min(e.tuple), max(e.tuple)) for e in g.es})
        sums, reaches = metrics.distance_sums(g.vcount(), pairs)
        for v, row in enumerate(g.distances()):
            reachable = [d for d in row if d != float("inf")]
            assert (int(sums[v]), int(reaches[v])) == (sum(reachable), len(reachable))


def test_timeline_counts_years() -> None:
    nodes = [
        NodeRow("a", "A", "Company", [], [], False, None, None, "2010-03-01", None),
        NodeRow("b", "B", "Company", [], [], False, None, None, None, "2012-05-01"),
    ]
    edges = [
        EdgeRow("e", "a", "b", "funding", "2011-02-01", "2012-03-01", 1, [], False),
        EdgeRow("f", "a", "b", "donation", None, None, 1, [], False),
    ]
    t = build(NetworkData(nodes, edges), until=2013)
    assert [(y.year, y.actors_active, y.cooperations_started, y.cooperations_active) for y in t.years] == [
        (2010, 2, 0, 1),
        (2011, 2, 1, 2),
        (2012, 2, 0, 2),
        (2013, 1, 0, 1),
    ]
    assert (t.undated_actors, t.undated_cooperations) == (1, 1)


def context(subject_type: str = "Institution") -> suggestions.Context:
    subject = Subject("s", subject_type, ("rollberg",), ("bildung",), (52.4772, 13.4322), False)
    return suggestions.Context(
        subject,
        frozenset({"rollberg"}),
        frozenset({"koernerpark"}),
        frozenset({"bildung"}),
        {"bildung": "Bildung"},
        {"rollberg": "Rollberg", "koernerpark": "Körnerpark"},
        dt.date(2026, 1, 1),
    )


def candidate(name: str, **kw: object) -> Candidate:
    base = {
        "id": name,
        "name": name,
        "type": "Initiative",
        "quarters": (),
        "action_fields": (),
        "location": None,
        "latest_activity": None,
        "shared": (),
    }
    return Candidate(**{**base, **kw})  # type: ignore[arg-type]


def test_scores_are_weighted_means_with_reasons_that_add_up() -> None:
    c = candidate(
        "Lesepaten",
        type="Institution",
        quarters=("rollberg",),
        action_fields=("bildung",),
        location=(52.4780, 13.4330),
        shared=(("p1", "Grundschule", 4), ("p2", "Bibliothek", 12)),
        latest_activity=dt.date(2025, 6, 1),
    )
    s = suggestions.score(c, context(), suggestions.Weights())
    assert 0 < s.score <= 1
    assert sum(r.contribution for r in s.reasons) == pytest.approx(s.score, abs=0.01)
    assert [r.contribution for r in s.reasons] == sorted((r.contribution for r in s.reasons), reverse=True)
    assert {r.kind for r in s.reasons} == {
        "SHARED_PARTNERS",
        "SHARED_ACTION_FIELDS",
        "SAME_QUARTER",
        "DISTANCE",
        "RECENT_ACTIVITY",
    }  # same type as the subject: no complement
    shared = next(r for r in s.reasons if r.kind == "SHARED_PARTNERS")
    assert "Grundschule" in shared.text and "Bibliothek" in shared.text
    assert s.distance_m == pytest.approx(104, abs=5)


def test_weights_steer_the_ranking() -> None:
    near = candidate("Nah", location=(52.4773, 13.4323))
    friend = candidate("Freund", shared=(("p", "Partner", 2),))
    by_distance = suggestions.rank([near, friend], context(), suggestions.Weights(0, 0, 0, 1, 0, 0), 2)
    by_partners = suggestions.rank([near, friend], context(), suggestions.Weights(1, 0, 0, 0, 0, 0), 2)
    assert [s.candidate.name for s in by_distance] == ["Nah", "Freund"]
    assert [s.candidate.name for s in by_partners] == ["Freund", "Nah"]


def test_sharing_a_hub_counts_less_than_sharing_a_small_partner() -> None:
    hub = candidate("ViaHub", shared=(("h", "Hub", 500),))
    small = candidate("ViaSmall", shared=(("s", "Klein", 2),))
    ranked = suggestions.rank([hub, small], context(), suggestions.Weights(), 2)
    assert [s.candidate.name for s in ranked] == ["ViaSmall", "ViaHub"]


def test_exports_strip_what_xml_cannot_carry_and_defuse_spreadsheet_formulas() -> None:
    nodes = [
        NodeRow("a", '=HYPERLINK("x")\x07<b>&', "Company", [], [], False, None, None, None, None),
        NodeRow("b", "-2+3", "Company", [], [], False, -13.5, 52.0, None, None),
    ]
    labelled = formats.Labelled(NetworkData(nodes, []), str, str, {}, "test")
    xml = formats.graphml(labelled)
    assert "\x07" not in xml and "&lt;b&gt;&amp;" in xml
    table = formats.nodes_csv(labelled)
    assert "'=HYPERLINK" in table and "'-2+3" in table and ",-13.5," in table
