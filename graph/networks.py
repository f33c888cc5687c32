"""Whole networks, quarter networks and ego networks, read in bulk.

A network is read as two lists — nodes and edges — each returned by Cypher as collected
values in slices of :data:`SLICE` rows, so tens of thousands of ties cost a few records rather
than one driver record per tie. (One record for the whole list was faster still, but the
driver decodes a record in one call that holds the GIL: 140 ms for 50,000 ties, during which
the server answers nothing, not even its health check.) Rows are plain tuples; nothing here
resolves fields one by one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Final, LiteralString, NamedTuple, cast

from graph.criteria import ActorCriteria, CooperationCriteria
from graph.db import Database
from graph.filters import Compiler
from graph.projects import TIE_STATUSES


class NodeRow(NamedTuple):
    id: str
    name: str
    type: str
    quarters: list[str]  # slugs (active on the selection's date, if it has one)
    action_fields: list[str]
    synthetic: bool
    latitude: float | None
    longitude: float | None
    since: str | None  # earliest membership start (ISO date), for timelines
    until: str | None  # latest membership end, if every membership has ended


class EdgeRow(NamedTuple):
    id: str
    source: str
    target: str
    kind: str
    since: str | None  # ISO date
    until: str | None
    intensity: int | None
    action_fields: list[str]
    synthetic: bool
    project: str | None = None  # for a tie from joint work in a project: the project's id


# Where ties come from: recorded cooperations, joint work in projects, or both.
COOPERATIONS: Final = "cooperations"
PROJECTS: Final = "projects"
BOTH: Final = "both"
TIE_SOURCES: Final = (COOPERATIONS, PROJECTS, BOTH)
# A project tie's id: the project and its two actors (it is no cooperation: node(id:) does not know it).
PROJECT_TIE_PREFIX: Final = "project:"


def is_project_tie(edge_id: str) -> bool:
    return edge_id.startswith(PROJECT_TIE_PREFIX)


@dataclass(frozen=True)
class Selection:
    """Which part of the network to read, and as of when."""

    actors: ActorCriteria = field(default_factory=ActorCriteria)
    cooperations: CooperationCriteria = field(default_factory=CooperationCriteria)
    as_of: dt.date | None = None
    ego: tuple[str, int] | None = None  # (actor id, depth 1–3)
    boundary: bool = False  # also the outside partners of the selected actors
    ties: str = COOPERATIONS  # one of TIE_SOURCES


@dataclass(frozen=True)
class NetworkData:
    nodes: list[NodeRow]
    edges: list[EdgeRow]


_NODE_FIELDS = """[{v}.id, {v}.name, {v}.type,
  [({v})-[m:ACTIVE_IN]->(q:Quarter) WHERE {period} | q.slug],
  [({v})-[:WORKS_ON]->(f:ActionField) | f.key],
  {v}.synthetic, {v}.location.latitude, {v}.location.longitude,
  toString(reduce(s = null, d IN [({v})-[m1:ACTIVE_IN]->() | m1.since] |
    CASE WHEN s IS NULL OR d < s THEN d ELSE s END)),
  CASE WHEN EXISTS {{ ({v})-[m2:ACTIVE_IN]->() WHERE m2.until IS NULL }} THEN null
       ELSE toString(reduce(u = null, d IN [({v})-[m3:ACTIVE_IN]->() | m3.until] |
         CASE WHEN u IS NULL OR d > u THEN d ELSE u END))
  END]"""
_EDGE_FIELDS = (
    "[c.id, x.id, y.id, c.kind, toString(c.since), toString(c.until), c.intensity, c.actionFields, c.synthetic, null]"
)

# Pairs of actors who worked together in a project (sponsor and partners, pairwise) that was
# awarded, ran or finished, as `x`, `y`, `p` and the tie's `kind`; the $t… parameters come from
# _project_tie_params. Fixed text: the actor predicate on `y` (for ego steps) is filled in by format.
_PROJECT_PAIRS = """
MATCH (x:Actor)-[rx:SPONSORS|PARTNER_IN]->(p:Project)<-[ry:SPONSORS|PARTNER_IN]-(y:Actor)
WHERE x <> y AND p.status IN $tStatuses AND NOT $tNone
  AND ($tFields IS NULL OR any(f IN coalesce(p.actionFields, []) WHERE f IN $tFields))
  AND ($tSynthetic IS NULL OR p.synthetic = $tSynthetic)
  AND ($tDay IS NULL OR ((p.start IS NULL OR p.start <= $tDay) AND (p.end IS NULL OR p.end >= $tDay)))
  AND {where}
WITH x, y, p, CASE WHEN 'SPONSORS' IN [type(rx), type(ry)] THEN 'project_sponsorship'
                   ELSE 'project_partnership' END AS kind
WHERE $tKinds IS NULL OR kind IN $tKinds
"""
_PROJECT_EDGES = (
    _PROJECT_PAIRS.format(where="x.id < y.id AND ($tIds IS NULL OR (x.id IN $tIds AND y.id IN $tIds))")
    + "WITH collect(['"
    + PROJECT_TIE_PREFIX
    + "' + p.id + ':' + x.id + ':' + y.id, x.id, y.id, kind, toString(p.start), toString(p.end), null, "
    "coalesce(p.actionFields, []), coalesce(p.synthetic, false), p.id]) AS rows "
)
_PROJECT_NEIGHBOURS = """
UNWIND $frontier AS id
CALL (id) {{ {pairs} RETURN collect(DISTINCT y.id) AS found }}
RETURN reduce(s = [], f IN collect(found) | s + f) AS next
"""


def _project_tie_params(ties: CooperationCriteria, as_of: dt.date | None) -> dict[str, object]:
    """The cooperation filter as far as it applies to ties from projects: kinds, action fields,
    synthetic, the day; projects have no intensity, so asking for one leaves them out."""
    return {
        "tStatuses": list(TIE_STATUSES),
        "tNone": ties.min_intensity is not None,
        "tFields": list(ties.action_fields) if ties.action_fields is not None else None,
        "tSynthetic": ties.synthetic,
        "tDay": as_of,
        "tKinds": list(ties.kinds) if ties.kinds is not None else None,
    }


# One hop out from a frontier of actors, along ties that pass the filter.
_NEIGHBOURS = """
UNWIND $frontier AS id
MATCH (x:Actor {{id: id}})-[c:COOPERATES_WITH]-(y:Actor)
WHERE {where}
RETURN collect(DISTINCT y.id) AS next
"""


# Rows per record of a bulk read: ~10 ms of decoding each.
SLICE: Final = 4000

# Appended to a query that collected its rows as `rows`: the list in slices of $slice rows.
_IN_SLICES: Final[LiteralString] = "UNWIND range(0, size(rows) - 1, $slice) AS i RETURN rows[i..i + $slice] AS rows"


async def _sliced(db: Database, query: LiteralString, **params: object) -> list[list[object]]:
    """The rows a query collected as ``rows``, however many records they came in."""
    records = await db.read(query + _IN_SLICES, slice=SLICE, **params)
    return [row for record in records for row in record["rows"]]


def _as_of(selection: Selection) -> tuple[ActorCriteria, CooperationCriteria]:
    """Criteria narrowed to the selection's date: ties active then, actors present then."""
    actors, ties = selection.actors, selection.cooperations
    if selection.as_of is None:
        return actors, ties
    day = selection.as_of
    ties = replace(ties, all_of=(*ties.all_of, CooperationCriteria(active_on=day)))
    present = ActorCriteria(
        any_of=(ActorCriteria(active_on=day), ActorCriteria(has_cooperation=CooperationCriteria(active_on=day)))
    )
    if actors.quarters is not None:  # in the quarter on that day
        actors = replace(actors, active_on=day)
    else:
        actors = replace(actors, all_of=(*actors.all_of, present))
    return actors, ties


def _membership_period(compiler: Compiler, as_of: dt.date | None) -> str:
    if as_of is None:
        return "true"
    d = compiler.param(as_of)
    return f"(m.since IS NULL OR m.since <= {d}) AND (m.until IS NULL OR m.until >= {d})"


async def read(db: Database, selection: Selection, light: bool = False) -> NetworkData:
    """The selected network. ``light``: nodes carry only id, name, type and synthetic (their
    quarters, action fields, location and membership dates stay empty) — for callers whose
    answer needs no more."""
    actors, ties = _as_of(selection)
    projects = _project_tie_params(selection.cooperations, selection.as_of) if selection.ties != COOPERATIONS else None
    cooperations = selection.ties != PROJECTS
    node_ids: list[str] | None = None
    if selection.ego is not None:
        if selection.ties == COOPERATIONS:
            found = await ego(db, selection, light)
            if found is not None:
                return found
            node_ids = []  # the centre does not exist: an empty network, as before
        else:  # ties from projects: breadth-first in steps (not yet in one statement)
            node_ids = await _ego_ids(db, selection.ego, actors, ties, cooperations, projects)
    elif selection.boundary:
        core = await _node_rows(db, actors, selection.as_of, light)
        node_ids = await _with_neighbours(db, [n.id for n in core], actors, ties, cooperations, projects)
    elif one_statement(selection):
        return await _selected(db, actors, ties, selection.as_of, light)
    if node_ids is not None:
        nodes = await _node_rows(db, ActorCriteria(ids=tuple(node_ids)), selection.as_of, light)
    else:
        nodes = await _node_rows(db, actors, selection.as_of, light)
    restricted = node_ids is not None or actors != ActorCriteria()
    within = [n.id for n in nodes] if restricted else None
    edges = await _edge_rows(db, ties, within) if cooperations else []
    if projects is not None:
        edges += await _project_edge_rows(db, projects, within)
    present = {n.id for n in nodes}
    return NetworkData(nodes, [e for e in edges if e.source in present and e.target in present])


# Only what an answer of ids, names and types needs (the other columns of NodeRow left empty).
_LIGHT_NODE_FIELDS: Final[LiteralString] = "[{v}.id, {v}.name, {v}.type, [], [], {v}.synthetic, null, null, null, null]"
# Only a tie's id, ends and kind (the other columns of EdgeRow left empty: never shown, see
# ego_query): two properties of each tie read instead of seven.
_LIGHT_EDGE_FIELDS: Final[LiteralString] = "[c.id, x.id, y.id, c.kind, null, null, null, [], false, null]"

# The network's revision as the first thing a statement reads (graph.revision.CURRENT, inline).
_REVISION_FIRST: Final[LiteralString] = (
    "OPTIONAL MATCH (st:NetworkState {id: 'network'}) WITH coalesce(st.revision, 0) AS revision "
)

# One step out from the actors reached so far (a list of nodes), along ties and to actors that
# pass the filter: the breadth-first search of an ego network, one step per CALL.
_EGO_STEP: Final[LiteralString] = (
    "CALL (frontier, reached) {{ UNWIND frontier AS x MATCH (x)-[c:COOPERATES_WITH]-(y:Actor) "
    "WHERE ({ties}) AND ({actor}) AND NOT y IN reached RETURN collect(DISTINCT y) AS next }} "
    "WITH revision, reached + next AS reached, next AS frontier "
)


def ego_query(
    selection: Selection, light: bool = False, light_edges: bool = False
) -> tuple[LiteralString, dict[str, object]]:
    """The Cypher (and parameters) of :func:`ego`, for benchmarks that time it alone.

    One statement: the network's revision (read first, as :mod:`graph.revision` asks of a
    cache key: every commit up to it is in the answer), ``depth`` breadth-first steps from the
    centre (never a path explosion), the live actors reached, ordered by name, and the ties among
    them, filtered in Cypher. The rows come tagged (0 node, 1 tie) in slices, as :func:`_sliced`
    explains, each record with the revision; a missing centre gives no record at all.
    ``light`` reads only the light columns of nodes, ``light_edges`` those of ties (for an answer
    that asks nothing of a tie but its id, ends and kind).
    """
    assert selection.ego is not None
    _, depth = selection.ego
    actors, ties = _as_of(selection)
    compiler = Compiler()
    start: LiteralString = "[s]"
    if not ties.include_archived:
        # Every actor a step reaches is live (the far end of each tie is checked), so only the
        # centre's own flag is read, once, instead of the near end's flag for every tie.
        ties = replace(ties, include_archived=True)
        start = cast(LiteralString, f"CASE WHEN {compiler.actor(ActorCriteria(), 's')} THEN [s] ELSE [] END")
        ends: LiteralString = compiler.actor(ActorCriteria(), "y")
    else:
        ends = "true"
    steps = "".join(
        _EGO_STEP.format(
            ties=f"{compiler.cooperation(ties, 'c', 'x', 'y')} AND {ends}", actor=compiler.actor(actors, "y")
        )
        for _ in range(depth)
    )
    # A light node is shown from `k`, the map of its properties the sort reads anyway (one
    # property access per actor instead of one per property and use); a full one from the node.
    fields = (_LIGHT_NODE_FIELDS if light else _NODE_FIELDS).format(
        v="k" if light else "a", period=_membership_period(compiler, selection.as_of)
    )
    shown = "k" if light else "a"
    # Whether an actor is live, asked of that map (the predicate reads properties only).
    live = compiler.actor(ActorCriteria(), "k")
    # The ties among the reached actors, who are all live already: their ends' archived flags
    # need no second look (two property reads per tie).
    among = compiler.cooperation(replace(ties, include_archived=True), "c", "x", "y")
    query = cast(
        LiteralString,
        f"{_REVISION_FIRST}MATCH (s:Actor {{id: $start}}) WITH revision, [s] AS reached, {start} AS frontier "
        f"{steps}"
        # In a CALL, so a missing centre (no row) stays no row rather than one empty collection.
        "CALL (reached) { UNWIND reached AS a "
        "  WITH a, a {.id, .name, .type, .synthetic, .sortName, .archived} AS k "
        f"  WHERE {live} ORDER BY k.sortName, k.id RETURN collect(a) AS nodes, collect({shown}) AS shown }} "
        f"CALL (nodes) {{ UNWIND nodes AS x MATCH (x)-[c:COOPERATES_WITH]->(y:Actor) "
        f"  WHERE y IN nodes AND ({among}) "
        f"  RETURN collect({_LIGHT_EDGE_FIELDS if light_edges else _EDGE_FIELDS}) AS edges }} "
        f"WITH revision, [{shown} IN shown | [0, {fields}]] + [e IN edges | [1, e]] AS rows "
        "UNWIND range(0, CASE WHEN size(rows) > 0 THEN size(rows) - 1 ELSE 0 END, $slice) AS i "
        "RETURN rows[i..i + $slice] AS rows, revision",
    )
    return query, {"start": selection.ego[0], "slice": SLICE, **compiler.params}


async def ego(db: Database, selection: Selection, light: bool = False) -> NetworkData | None:
    """An ego network in one round trip; None if its centre does not exist."""
    found = await ego_at(db, selection, light)
    return None if found is None else found[0]


async def ego_at(
    db: Database, selection: Selection, light: bool = False, light_edges: bool = False
) -> tuple[NetworkData, int] | None:
    """An ego network and the revision read before it, in one round trip; None if its centre
    does not exist. ``light_edges``: the ties carry only id, ends and kind (the other columns
    are empty), for a caller that shows nothing else of them and keeps the network to itself."""
    query, params = ego_query(selection, light, light_edges)
    records = await db.read(query, **params)
    if not records:
        return None
    return _tagged(records), int(records[0]["revision"])


def _tagged(records: list[dict[str, Any]]) -> NetworkData:
    """The nodes and edges of records of tagged rows (0 node, 1 tie). Each row is made a tuple of
    its type directly: the rows come from this module's Cypher with all their columns, which
    ``_make`` would count again, one Python call per row (issue 16, W4)."""
    nodes: list[NodeRow] = []
    edges: list[EdgeRow] = []
    for record in records:
        for tag, row in record["rows"]:
            if tag == 0:
                nodes.append(tuple.__new__(NodeRow, row))
            else:
                edges.append(tuple.__new__(EdgeRow, row))
    return NetworkData(nodes, edges)


def _node_fields(compiler: Compiler, as_of: dt.date | None, light: bool) -> LiteralString:
    """A node's row over the actor ``a``: every column, or those of a light read."""
    fields = _LIGHT_NODE_FIELDS if light else _NODE_FIELDS
    return cast(LiteralString, fields.format(v="a", period=_membership_period(compiler, as_of)))


async def _node_rows(db: Database, actors: ActorCriteria, as_of: dt.date | None, light: bool = False) -> list[NodeRow]:
    compiler = Compiler()
    match = compiler.actor_match(actors, "a")
    where = compiler.actor_matched(actors, "a")
    fields = _node_fields(compiler, as_of, light)
    query = cast(
        LiteralString, f"{match} WHERE {where} WITH a ORDER BY a.sortName, a.id WITH collect({fields}) AS rows "
    )
    return [NodeRow._make(n) for n in await _sliced(db, query, **compiler.params)]


def selected_query(
    actors: ActorCriteria, ties: CooperationCriteria, as_of: dt.date | None, light: bool = False
) -> tuple[LiteralString, dict[str, object]]:
    """The Cypher (and parameters) of :func:`_selected`, for benchmarks that time it alone.

    One statement: the selected actors ordered by name, then the ties among them, filtered in
    Cypher (reading every tie of the actors and dropping those that leave the set in Python read
    twice the rows a quarter's network keeps). Rows come tagged (0 node, 1 tie) in slices, as
    :func:`_sliced` explains; an empty selection gives one record of no rows.
    """
    compiler = Compiler()
    match = compiler.actor_match(actors, "a")
    where = compiler.actor_matched(actors, "a")
    fields = _node_fields(compiler, as_of, light)
    query = cast(
        LiteralString,
        f"{match} WHERE {where} WITH a ORDER BY a.sortName, a.id WITH collect(a) AS nodes "
        f"CALL (nodes) {{ UNWIND nodes AS x MATCH (x)-[c:COOPERATES_WITH]->(y:Actor) "
        f"  WHERE y IN nodes AND ({compiler.cooperation(ties, 'c', 'x', 'y')}) "
        f"  RETURN collect({_EDGE_FIELDS}) AS edges }} "
        f"WITH [a IN nodes | [0, {fields}]] + [e IN edges | [1, e]] AS rows "
        "UNWIND range(0, CASE WHEN size(rows) > 0 THEN size(rows) - 1 ELSE 0 END, $slice) AS i "
        "RETURN rows[i..i + $slice] AS rows",
    )
    return query, {"slice": SLICE, **compiler.params}


def one_statement(selection: Selection) -> bool:
    """Whether the network is the actors a filter selects (a quarter's, say) with the
    cooperations among them, which :func:`_selected` reads in one statement (and :func:`counts`
    counts in one)."""
    return (
        selection.ego is None
        and not selection.boundary
        and selection.ties == COOPERATIONS
        and _as_of(selection)[0] != ActorCriteria()
    )


def counts_query(selection: Selection) -> tuple[LiteralString, dict[str, object]]:
    """The Cypher (and parameters) of :func:`counts`: :func:`selected_query` counting its nodes
    and ties instead of returning them."""
    actors, ties = _as_of(selection)
    compiler = Compiler()
    match = compiler.actor_match(actors, "a")
    where = compiler.actor_matched(actors, "a")
    query = cast(
        LiteralString,
        f"{match} WHERE {where} WITH collect(a) AS nodes "
        f"CALL (nodes) {{ UNWIND nodes AS x MATCH (x)-[c:COOPERATES_WITH]->(y:Actor) "
        f"  WHERE y IN nodes AND ({compiler.cooperation(ties, 'c', 'x', 'y')}) RETURN count(c) AS edges }} "
        "RETURN size(nodes) AS nodes, edges",
    )
    return query, dict(compiler.params)


async def counts(db: Database, selection: Selection) -> tuple[int, int]:
    """How many actors and ties the network of a selection that :func:`one_statement` reads has,
    without reading them (for an answer that asks for nothing else)."""
    query, params = counts_query(selection)
    [row] = await db.read(query, **params)
    return int(row["nodes"]), int(row["edges"])


async def _selected(
    db: Database, actors: ActorCriteria, ties: CooperationCriteria, as_of: dt.date | None, light: bool
) -> NetworkData:
    """The network of the actors a filter selects (a quarter's, say) and the ties among them, in
    one round trip."""
    query, params = selected_query(actors, ties, as_of, light)
    return _tagged(await db.read(query, **params))


async def _edge_rows(db: Database, ties: CooperationCriteria, node_ids: Sequence[str] | None) -> list[EdgeRow]:
    compiler = Compiler()
    where = compiler.cooperation(ties, "c", "x", "y")
    if node_ids is None:
        query = cast(
            LiteralString,
            f"MATCH (x:Actor)-[c:COOPERATES_WITH]->(y:Actor) WHERE {where} WITH collect({_EDGE_FIELDS}) AS rows ",
        )
        return [EdgeRow._make(e) for e in await _sliced(db, query, **compiler.params)]
    # From the selected actors outwards (each tie is met from both ends; keep it once).
    query = cast(
        LiteralString,
        "UNWIND $ids AS id MATCH (x:Actor {id: id})-[c:COOPERATES_WITH]->(y:Actor) "
        f"WHERE {where} WITH collect({_EDGE_FIELDS}) AS rows ",
    )
    return [EdgeRow._make(e) for e in await _sliced(db, query, ids=list(node_ids), **compiler.params)]


async def _project_edge_rows(db: Database, params: dict[str, object], node_ids: Sequence[str] | None) -> list[EdgeRow]:
    query = cast(LiteralString, _PROJECT_EDGES)
    ids = list(node_ids) if node_ids is not None else None
    return [EdgeRow._make(e) for e in await _sliced(db, query, tIds=ids, **params)]


async def _neighbours(
    db: Database,
    frontier: Sequence[str],
    actors: ActorCriteria,
    ties: CooperationCriteria,
    cooperations: bool = True,
    projects: dict[str, object] | None = None,
) -> list[str]:
    found: list[str] = []
    if cooperations:
        compiler = Compiler()
        where = f"({compiler.cooperation(ties, 'c', 'x', 'y')}) AND ({compiler.actor(actors, 'y')})"
        query = cast(LiteralString, _NEIGHBOURS.format(where=where))
        [row] = await db.read(query, frontier=list(frontier), **compiler.params)
        found += row["next"]
    if projects is not None:
        compiler = Compiler()
        pairs = _PROJECT_PAIRS.format(where=f"x.id = id AND ({compiler.actor(actors, 'y')})")
        query = cast(LiteralString, _PROJECT_NEIGHBOURS.format(pairs=pairs))
        [row] = await db.read(query, frontier=list(frontier), **projects, **compiler.params)
        found += row["next"]
    return list(dict.fromkeys(found))


async def _ego_ids(
    db: Database,
    ego: tuple[str, int],
    actors: ActorCriteria,
    ties: CooperationCriteria,
    cooperations: bool = True,
    projects: dict[str, object] | None = None,
) -> list[str]:
    """Breadth-first, one query per step: at most ``depth`` round trips, never a path explosion."""
    start, depth = ego
    reached = [start]
    seen = {start}
    frontier = [start]
    for _ in range(depth):
        if not frontier:
            break
        frontier = [i for i in await _neighbours(db, frontier, actors, ties, cooperations, projects) if i not in seen]
        seen.update(frontier)
        reached += frontier
    return reached


async def _with_neighbours(
    db: Database,
    core: list[str],
    actors: ActorCriteria,
    ties: CooperationCriteria,
    cooperations: bool = True,
    projects: dict[str, object] | None = None,
) -> list[str]:
    outside = await _neighbours(db, core, ActorCriteria(), ties, cooperations, projects) if core else []
    return list(dict.fromkeys([*core, *outside]))
