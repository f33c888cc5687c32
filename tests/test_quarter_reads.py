"""A quarter's cooperations page by page and a quarter's network, over HTTP, against a plain reading
of the same data in Python: the order with its ties, the filters, the totals, the last and the empty
page, the network's nodes, edges and degrees (issue 16 made both reads cheaper; the answers must
not move)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import neo4j
import pytest

from bench.generate import generate
from graph.db import Neo4jSettings
from resolvers import ids
from tests.conftest import GraphQLClient
from tests.netload import load_generated

PAGE = """query($f: CooperationFilter, $o: [CooperationOrder!], $n: Int, $after: String) {
  cooperations(filter: $f, orderBy: $o, first: $n, after: $after) {
    totalCount nodes { id kind since } pageInfo { hasNextPage endCursor } } }"""
# The same page without its total (the read that counts nothing).
PAGE_NO_TOTAL = """query($f: CooperationFilter, $o: [CooperationOrder!], $n: Int, $after: String) {
  cooperations(filter: $f, orderBy: $o, first: $n, after: $after) { nodes { id } pageInfo { hasNextPage } } }"""
TODAY = dt.date.today().isoformat()


@dataclass(frozen=True)
class Tie:
    id: str
    a: str
    b: str
    since: str | None
    until: str | None
    intensity: int | None


@dataclass(frozen=True)
class Data:
    """The network as stored, read plainly."""

    ties: list[Tie]
    memberships: list[tuple[str, str, str | None, str | None]]  # actor, slug, since, until
    archived: set[str]
    sort_names: dict[str, str]

    def members(self, slugs: set[str], day: str | None = None) -> set[str]:
        return {
            a
            for a, q, since, until in self.memberships
            if q in slugs
            and a not in self.archived
            and (day is None or ((since or "") <= day and (until is None or until >= day)))
        }


@pytest.fixture
def data(reference: neo4j.Driver, neo4j_settings: Neo4jSettings) -> Data:
    """A generated network of 32 quarters (a few hundred actors), with archived actors, ties in the
    sort keys (one start day shared by many, unknown starts) and ended cooperations; the reference
    quarters (rollberg…) hold no actor at all."""
    network = generate(7, actors=400, cooperations=1600)

    load_generated(neo4j_settings, network)
    with reference.session() as s:
        s.run("MATCH (a:Actor) WITH a ORDER BY a.id LIMIT 20 SET a.archived = true").consume()
        s.run(
            "MATCH ()-[c:COOPERATES_WITH]->() WITH c ORDER BY c.id LIMIT 200 SET c.since = date('2021-03-01')"
        ).consume()
        s.run("MATCH ()-[c:COOPERATES_WITH]->() WITH c ORDER BY c.id DESC LIMIT 60 SET c.since = null").consume()
        s.run(
            "MATCH ()-[c:COOPERATES_WITH]->() WITH c ORDER BY c.id SKIP 300 LIMIT 40 SET c.until = date() + duration('P1D')"
        ).consume()
        ties = [
            Tie(r["id"], r["a"], r["b"], r["since"], r["until"], r["intensity"])
            for r in s.run(
                "MATCH (x:Actor)-[c:COOPERATES_WITH]->(y:Actor) RETURN c.id AS id, x.id AS a, y.id AS b, "
                "toString(c.since) AS since, toString(c.until) AS until, c.intensity AS intensity"
            )
        ]
        memberships = [
            (r["a"], r["q"], r["since"], r["until"])
            for r in s.run(
                "MATCH (a:Actor)-[m:ACTIVE_IN]->(q:Quarter) RETURN a.id AS a, q.slug AS q, "
                "toString(m.since) AS since, toString(m.until) AS until"
            )
        ]
        actors = list(s.run("MATCH (a:Actor) RETURN a.id AS id, a.archived AS archived, a.sortName AS sortName"))
    return Data(ties, memberships, {r["id"] for r in actors if r["archived"]}, {r["id"]: r["sortName"] for r in actors})


def current(t: Tie) -> bool:
    return t.until is None or t.until >= TODAY


def in_quarters(data: Data, slugs: set[str], both: bool = False) -> Callable[[Tie], bool]:
    members = data.members(slugs)

    def keep(t: Tie) -> bool:
        if t.a in data.archived or t.b in data.archived:
            return False
        ends = (t.a in members, t.b in members)
        return all(ends) if both else any(ends)

    return keep


def ordered(ties: list[Tie], field: str, descending: bool) -> list[str]:
    """Global ids in the API's order: the key (unknown start as '', unknown intensity as 0), then id."""

    def key(t: Tie) -> Any:
        return (t.since or "") if field == "SINCE" else (t.intensity or 0)

    by_id = sorted(ties, key=lambda t: t.id)
    return [ids.encode("Cooperation", t.id) for t in sorted(by_id, key=key, reverse=descending)]


def all_pages(gql: GraphQLClient, f: dict, order: list[dict] | None, size: int) -> tuple[list[str], set[int]]:
    """Every cooperation through the pages, and the totals the pages reported (one, if they agree)."""
    found: list[str] = []
    totals: set[int] = set()
    after = None
    while True:
        page = gql.data(PAGE, {"f": f, "o": order, "n": size, "after": after})["cooperations"]
        bare = gql.data(PAGE_NO_TOTAL, {"f": f, "o": order, "n": size, "after": after})["cooperations"]
        assert [n["id"] for n in bare["nodes"]] == [n["id"] for n in page["nodes"]]
        assert bare["pageInfo"]["hasNextPage"] == page["pageInfo"]["hasNextPage"]
        assert len(page["nodes"]) <= size
        found += [n["id"] for n in page["nodes"]]
        totals.add(page["totalCount"])
        if not page["pageInfo"]["hasNextPage"]:
            return found, totals
        after = page["pageInfo"]["endCursor"]


@pytest.mark.parametrize(
    ("order", "field", "descending"),
    [(None, "SINCE", True), ([{"field": "INTENSITY", "direction": "ASC"}], "INTENSITY", False)],
)
def test_a_quarters_current_cooperations_page_by_page(
    data: Data, gql: GraphQLClient, order: list[dict] | None, field: str, descending: bool
) -> None:
    for slugs in (["synth-01"], ["synth-05"], ["synth-02", "synth-07"]):
        expected = [t for t in data.ties if current(t) and in_quarters(data, set(slugs))(t)]
        assert len(expected) > 20  # several pages, with ties in the key across page ends
        found, totals = all_pages(gql, {"quarters": slugs, "current": True}, order, 7)
        assert found == ordered(expected, field, descending)
        assert totals == {len(expected)}


def test_both_ends_in_the_quarters_and_every_state(data: Data, gql: GraphQLClient) -> None:
    slugs = ["synth-01", "synth-03"]
    expected = [t for t in data.ties if in_quarters(data, set(slugs), both=True)(t)]
    found, totals = all_pages(gql, {"quarters": slugs, "bothInQuarters": True}, None, 50)
    assert found == ordered(expected, "SINCE", True)
    assert totals == {len(expected)}


def test_archived_ends_and_alternatives_in_a_quarters_page(data: Data, gql: GraphQLClient) -> None:
    """A quarter's page checks some conditions early (on the tie alone and on the member it was
    found through); what they leave out must still be as asked: archived actors' ties when
    asked for, ended ties, and ties that match only one of several alternatives."""
    slugs = {"synth-02", "synth-06"}
    members = {a for a, q, _, _ in data.memberships if q in slugs}  # archived ones too

    def touches(t: Tie) -> bool:
        return t.a in members or t.b in members

    with_archived = [t for t in data.ties if touches(t) and current(t)]
    assert any(t.a in data.archived or t.b in data.archived for t in with_archived)
    found, _ = all_pages(gql, {"quarters": sorted(slugs), "current": True, "includeArchived": True}, None, 50)
    assert found == ordered(with_archived, "SINCE", True)

    ended = [t for t in data.ties if not current(t) and in_quarters(data, slugs)(t)]
    assert ended
    found, _ = all_pages(gql, {"quarters": sorted(slugs), "current": False}, None, 50)
    assert found == ordered(ended, "SINCE", True)

    either = [t for t in data.ties if in_quarters(data, slugs)(t) and (current(t) or (t.intensity or 0) >= 3)]
    assert len(either) > len([t for t in either if current(t)])  # the second alternative adds ties
    f = {"quarters": sorted(slugs), "or": [{"current": True}, {"minIntensity": 3}]}
    found, _ = all_pages(gql, f, None, 50)
    assert found == ordered(either, "SINCE", True)


def test_ties_inside_into_and_out_of_a_quarter_each_once(data: Data, gql: GraphQLClient) -> None:
    """A quarter's page finds its ties from the quarter's members, in either stored direction, and
    takes each tie's ends from the tie itself: a tie between two members (reached from both) is
    listed and counted once, and ties stored towards a member and away from it are both found."""
    slugs = {"synth-03"}
    members = data.members(slugs)
    expected = [t for t in data.ties if current(t) and in_quarters(data, slugs)(t)]
    inside = [t for t in expected if t.a in members and t.b in members]
    outward = [t for t in expected if t.a in members and t.b not in members]
    inward = [t for t in expected if t.a not in members and t.b in members]
    assert inside and outward and inward  # all three kinds are in the data
    found, totals = all_pages(gql, {"quarters": sorted(slugs), "current": True}, None, 9)
    assert found == ordered(expected, "SINCE", True)
    assert len(found) == len(set(found)) and totals == {len(expected)}
    for kind in (inside, outward, inward):
        assert {ids.encode("Cooperation", t.id) for t in kind} <= set(found)
    ends = gql.data(
        """query($f: CooperationFilter) { cooperations(filter: $f, first: 100) { nodes { id actors { id } } } }""",
        {"f": {"quarters": sorted(slugs), "current": True}},
    )["cooperations"]["nodes"]
    by_id = {ids.encode("Cooperation", t.id): t for t in expected}
    for node in ends:
        t = by_id[node["id"]]
        assert {a["id"] for a in node["actors"]} == {ids.encode("Actor", t.a), ids.encode("Actor", t.b)}


@pytest.mark.parametrize(
    "during",
    [{"start": "2019-01-01"}, {"end": "2016-12-31"}, {"start": "2015-01-01", "end": "2017-06-30"}, {}],
)
def test_a_quarters_ties_active_during_open_and_closed_ranges(data: Data, gql: GraphQLClient, during: dict) -> None:
    """A range open at one end (or both) sets no condition at that end; the other still holds."""
    start, end = during.get("start"), during.get("end")

    def overlaps(t: Tie) -> bool:
        began = start is None or t.until is None or t.until >= start
        not_after = end is None or t.since is None or t.since <= end
        return began and not_after

    slugs = {"synth-02", "synth-05"}
    expected = [t for t in data.ties if overlaps(t) and in_quarters(data, slugs)(t)]
    assert expected
    found, totals = all_pages(gql, {"quarters": sorted(slugs), "activeDuring": during}, None, 40)
    assert found == ordered(expected, "SINCE", True)
    assert totals == {len(expected)}
    outside = [t for t in data.ties if not overlaps(t) and in_quarters(data, slugs)(t)]
    assert bool(outside) == bool(during)  # a range with an end leaves some ties out
    found, _ = all_pages(gql, {"quarters": sorted(slugs), "not": {"activeDuring": during}}, None, 40)
    assert found == ordered(outside, "SINCE", True)


ROWS = """query($f: CooperationFilter, $n: Int, $after: String) { cooperations(filter: $f, first: $n, after: $after) {
  totalCount edges { cursor node { id } } pageInfo { hasNextPage } } }"""


def test_the_last_page_and_an_empty_quarter(data: Data, gql: GraphQLClient) -> None:
    f = {"quarters": ["synth-04"], "current": True}
    expected = ordered([t for t in data.ties if current(t) and in_quarters(data, {"synth-04"})(t)], "SINCE", True)
    rows: list[dict] = []
    while not rows or len(rows) < len(expected):
        after = rows[-1]["cursor"] if rows else None
        rows += gql.data(ROWS, {"f": f, "n": 100, "after": after})["cooperations"]["edges"]
    assert [r["node"]["id"] for r in rows] == expected
    # A page that ends exactly with the last row, and the page after the last row.
    last = gql.data(ROWS, {"f": f, "n": 7, "after": rows[-8]["cursor"]})["cooperations"]
    assert [e["node"]["id"] for e in last["edges"]] == expected[-7:]
    assert last["pageInfo"]["hasNextPage"] is False and last["totalCount"] == len(expected)
    beyond = gql.data(ROWS, {"f": f, "n": 7, "after": rows[-1]["cursor"]})["cooperations"]
    assert beyond == {"totalCount": len(expected), "edges": [], "pageInfo": {"hasNextPage": False}}
    one_short = gql.data(ROWS, {"f": f, "n": 7, "after": rows[-9]["cursor"]})["cooperations"]
    assert one_short["pageInfo"]["hasNextPage"] is True
    empty = gql.data(PAGE, {"f": {"quarters": ["rollberg"], "current": True}, "n": 5})["cooperations"]
    assert empty == {"totalCount": 0, "nodes": [], "pageInfo": {"hasNextPage": False, "endCursor": None}}


NETWORK = """query($s: String!, $d: Date) { quarterNetwork(slug: $s, asOf: $d) {
  nodeCount edgeCount nodes { id name type degree } edges { id source target } } }"""
NETWORK_FULL = """query($s: String!) { quarterNetwork(slug: $s) {
  nodeCount edgeCount nodes { id degree quarters } edges { id source target kind } json } }"""
COUNTS = "query($s: String!) { quarterNetwork(slug: $s) { nodeCount edgeCount } }"


def expected_network(data: Data, slug: str, day: str | None = None) -> tuple[list[str], set[str], dict[str, int]]:
    """Node ids in the API's order (sort name, id), edge ids and each node's distinct partners."""
    members = data.members({slug}, day)
    active = (lambda t: (t.since or "") <= day and (t.until is None or t.until >= day)) if day else (lambda t: True)
    edges = [t for t in data.ties if t.a in members and t.b in members and active(t)]
    partners: dict[str, set[str]] = {a: set() for a in members}
    for t in edges:
        partners[t.a].add(t.b)
        partners[t.b].add(t.a)
    nodes = [ids.encode("Actor", a) for a in sorted(members, key=lambda a: (data.sort_names[a], a))]
    degrees = {ids.encode("Actor", a): len(p) for a, p in partners.items()}
    return nodes, {ids.encode("Cooperation", t.id) for t in edges}, degrees


@pytest.mark.parametrize("slug", ["synth-01", "synth-06", "synth-19", "rollberg"])
def test_a_quarter_network_its_counts_nodes_edges_and_degrees(data: Data, gql: GraphQLClient, slug: str) -> None:
    nodes, edges, degrees = expected_network(data, slug)
    assert slug == "rollberg" or (nodes and edges)  # the reference quarter is the empty one
    counts = gql.data(COUNTS, {"s": slug})["quarterNetwork"]
    assert counts == {"nodeCount": len(nodes), "edgeCount": len(edges)}
    light = gql.data(NETWORK, {"s": slug})["quarterNetwork"]
    assert [n["id"] for n in light["nodes"]] == nodes
    assert {e["id"] for e in light["edges"]} == edges and len(light["edges"]) == len(edges)
    assert {n["id"]: n["degree"] for n in light["nodes"]} == degrees
    full = gql.data(NETWORK_FULL, {"s": slug})["quarterNetwork"]
    assert [n["id"] for n in full["nodes"]] == nodes and {e["id"] for e in full["edges"]} == edges
    assert all(slug in n["quarters"] for n in full["nodes"])
    assert {n["id"]: n["degree"] for n in full["json"]["nodes"]} == degrees
    assert (full["nodeCount"], full["edgeCount"]) == (len(nodes), len(edges))


def test_a_quarter_network_as_of_a_day(data: Data, gql: GraphQLClient) -> None:
    for day in ("2012-06-01", "2021-03-01"):
        nodes, edges, degrees = expected_network(data, "synth-02", day)
        found = gql.data(NETWORK, {"s": "synth-02", "d": day})["quarterNetwork"]
        assert [n["id"] for n in found["nodes"]] == nodes
        assert {e["id"] for e in found["edges"]} == edges
        assert {n["id"]: n["degree"] for n in found["nodes"]} == degrees
