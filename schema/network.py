"""Networks for map frontends: nodes and edges in one response, typed or as one JSON value."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Annotated, Any

import strawberry
from strawberry.scalars import JSON
from strawberry.types.nodes import SelectedField

from analysis.timeline import Timeline as TimelineData
from core.context import Context
from graph.networks import PROJECT_TIE_PREFIX, EdgeRow, NodeRow, is_project_tie
from graph.paths import PathRecord
from resolvers import ids
from resolvers.networks import Network as NetworkView
from resolvers.networks import NetworkQuery
from schema.changes import Revision
from schema.enums import ActorType, CooperationKind, TieSource, value, values
from schema.types import Actor, Cooperation, actor_of

_TYPE = {value(t): t.name for t in ActorType}
_KIND = {value(k): k.name for k in CooperationKind}
# The members by their stored values: a dict lookup where calling the enum searches its members.
_TYPE_MEMBER = {value(t): t for t in ActorType}
_KIND_MEMBER = {value(k): k for k in CooperationKind}


@strawberry.input(description="Which part of the network: all given conditions hold together.")
class NetworkFilter:
    quarters: list[str] | None = strawberry.field(default=None, description="Actors active in these quarters (slugs).")
    actor_types: list[ActorType] | None = strawberry.field(default=None, description="Actors of these types.")
    action_fields: list[str] | None = strawberry.field(
        default=None, description="Actors working on these action fields (keys; generations mapped)."
    )
    cooperation_kinds: list[CooperationKind] | None = strawberry.field(
        default=None, description="Only cooperations of these kinds."
    )
    cooperation_action_fields: list[str] | None = strawberry.field(
        default=None, description="Only cooperations on these action fields."
    )
    min_intensity: int | None = strawberry.field(default=None, description="Only cooperations at least this intense.")
    synthetic: bool | None = strawberry.field(default=None, description="Only synthetic (true) or only real (false).")

    def query(self) -> NetworkQuery:
        return NetworkQuery(
            quarters=tuple(self.quarters) if self.quarters is not None else None,
            actor_types=values(self.actor_types),
            action_fields=tuple(self.action_fields) if self.action_fields is not None else None,
            cooperation_kinds=values(self.cooperation_kinds) if self.cooperation_kinds else None,
            cooperation_action_fields=tuple(self.cooperation_action_fields)
            if self.cooperation_action_fields is not None
            else None,
            min_intensity=self.min_intensity,
            synthetic=self.synthetic,
        )


def query_of(f: NetworkFilter | None) -> NetworkQuery | None:
    return f.query() if f else None


@strawberry.type(description="An actor as a map draws it.")
class NetworkNode:
    """An actor of a network, built from its row alone: each field is computed only when it is
    selected (the plain-subtree executor calls these resolvers directly), so a map asking for
    three fields of each node does not pay for nine (issue 16, W4)."""

    row: strawberry.Private[NodeRow]
    # The network: its degrees are counted when a node's degree is first asked for (an answer
    # without degrees, as W4's, does not count them: a twentieth of its Python).
    view: strawberry.Private[NetworkView]
    actor_ids: strawberry.Private[Mapping[str, str]]  # the network's global ids, encoded once

    @strawberry.field(description="The actor's global id.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(self.actor_ids.get(self.row.id) or ids.encode("Actor", self.row.id))

    @strawberry.field(description="Name.")
    def name(self) -> str:
        return self.row.name

    @strawberry.field(description="Actor type.")
    def type(self) -> ActorType:
        return _TYPE_MEMBER.get(self.row.type) or ActorType(self.row.type)

    @strawberry.field(description="Slugs of its quarters (on `asOf`, if given).")
    def quarters(self) -> list[str]:
        return self.row.quarters

    @strawberry.field(description="Keys of its action fields.")
    def action_fields(self) -> list[str]:
        return self.row.action_fields

    @strawberry.field(description="Number of distinct partners within this network.")
    def degree(self) -> int:
        return self.view.degree.get(self.row.id, 0)

    @strawberry.field(description="True for fictional test or demo data.")
    def synthetic(self) -> bool:
        return self.row.synthetic

    @strawberry.field(description="Latitude, if known.")
    def latitude(self) -> float | None:
        return self.row.latitude

    @strawberry.field(description="Longitude, if known.")
    def longitude(self) -> float | None:
        return self.row.longitude


@strawberry.type(
    description="A tie as a map draws it (undirected: `source`/`target` carry no meaning): a cooperation, or "
    "joint work in a project when the network was asked for with `tieSource: PROJECTS` or `BOTH`."
)
class NetworkEdge:
    """A tie of a network, built from its row alone; each field is computed only when it is
    selected, as for :class:`NetworkNode` (W4 asks for four of the ten: no dates parsed, no
    project ids encoded unless asked for)."""

    row: strawberry.Private[EdgeRow]
    actor_ids: strawberry.Private[Mapping[str, str]]

    @strawberry.field(
        description="The cooperation's global id; for a tie from a project, an id of that tie (it names the "
        "project and the two actors; `node(id:)` does not resolve it: use `projectId`)."
    )
    def id(self) -> strawberry.ID:
        local = self.row.id  # edge_id, inline: one call less for each of a network's edges
        return strawberry.ID(ids.encode("ProjectTie" if local.startswith(PROJECT_TIE_PREFIX) else "Cooperation", local))

    @strawberry.field(description="Global id of one actor.")
    def source(self) -> strawberry.ID:
        return strawberry.ID(self.actor_ids.get(self.row.source) or ids.encode("Actor", self.row.source))

    @strawberry.field(description="Global id of the other actor.")
    def target(self) -> strawberry.ID:
        return strawberry.ID(self.actor_ids.get(self.row.target) or ids.encode("Actor", self.row.target))

    @strawberry.field(description="Kind of cooperation.")
    def kind(self) -> CooperationKind:
        return _KIND_MEMBER.get(self.row.kind) or CooperationKind(self.row.kind)

    @strawberry.field(description="Start, if known.")
    def since(self) -> dt.date | None:
        return dt.date.fromisoformat(self.row.since) if self.row.since else None

    @strawberry.field(description="End, if it has ended.")
    def until(self) -> dt.date | None:
        return dt.date.fromisoformat(self.row.until) if self.row.until else None

    @strawberry.field(description="1 to 3, if assessed.")
    def intensity(self) -> int | None:
        return self.row.intensity

    @strawberry.field(description="Keys of its action fields.")
    def action_fields(self) -> list[str]:
        return self.row.action_fields

    @strawberry.field(description="True for fictional test or demo data.")
    def synthetic(self) -> bool:
        return self.row.synthetic

    @strawberry.field(description="For a tie from joint work in a project: the project's global id; else null.")
    def project_id(self) -> strawberry.ID | None:
        return strawberry.ID(ids.encode("Project", self.row.project)) if self.row.project else None


def _node(n: NodeRow, degree: dict[str, int]) -> dict[str, Any]:
    return {
        "id": ids.encode("Actor", n.id),
        "name": n.name,
        "type": _TYPE[n.type],
        "quarters": n.quarters,
        "actionFields": n.action_fields,
        "degree": degree.get(n.id, 0),
        "synthetic": n.synthetic,
        "latitude": n.latitude,
        "longitude": n.longitude,
    }


def edge_id(local: str) -> str:
    """The global id of a network edge: a cooperation's, or a project tie's (not fetchable)."""
    return ids.encode("ProjectTie" if is_project_tie(local) else "Cooperation", local)


def _edge(e: EdgeRow) -> dict[str, Any]:
    return {
        "id": edge_id(e.id),
        "source": ids.encode("Actor", e.source),
        "target": ids.encode("Actor", e.target),
        "kind": _KIND[e.kind],
        "since": e.since,
        "until": e.until,
        "intensity": e.intensity,
        "actionFields": e.action_fields,
        "synthetic": e.synthetic,
        # Only ties from projects carry it: cooperation edges stay as they were for existing clients.
        **({"projectId": ids.encode("Project", e.project)} if e.project else {}),
    }


def _actor_ids(view: NetworkView) -> dict[str, str]:
    """The global id of each of the network's actors, encoded once per network: an actor is an end
    of many edges, and encoding its id again for each was a fifth of an ego network's Python
    (issue 16, W4)."""
    found = view.derived.get("actor_ids")
    if not isinstance(found, dict):
        found = view.derived["actor_ids"] = {n.id: ids.encode("Actor", n.id) for n in view.data.nodes}
    return found


@strawberry.type(
    description="A network: actors and the cooperations between them. For large networks select `json`, "
    "which carries the same nodes and edges as one value and is built without resolving each field."
)
class Network:
    as_of: dt.date | None = strawberry.field(description="The day the network is shown as of, if one was asked for.")
    tie_source: TieSource = strawberry.field(description="Where its ties come from, as asked for.")
    view: strawberry.Private[NetworkView]

    @strawberry.field(
        description="The revision this network reflects: every change up to it is in it. Apply the `changes` "
        "feed or subscription after it to keep the network current."
    )
    def revision(self) -> Revision:
        return Revision(self.view.revision)

    @strawberry.field(description="Number of actors.")
    def node_count(self) -> int:
        counts = self.view.counts
        return counts[0] if counts is not None else len(self.view.data.nodes)

    @strawberry.field(description="Number of cooperations (two actors may have several).")
    def edge_count(self) -> int:
        counts = self.view.counts
        return counts[1] if counts is not None else len(self.view.data.edges)

    @strawberry.field(description="The actors.")
    def nodes(self) -> list[NetworkNode]:
        view, actor_ids = self.view, _actor_ids(self.view)
        return [NetworkNode(row=n, view=view, actor_ids=actor_ids) for n in view.data.nodes]

    @strawberry.field(description="The cooperations.")
    def edges(self) -> list[NetworkEdge]:
        actor_ids = _actor_ids(self.view)
        return [NetworkEdge(row=e, actor_ids=actor_ids) for e in self.view.data.edges]

    @strawberry.field(
        description="`{nodes: [...], edges: [...]}` with the fields of `NetworkNode` and `NetworkEdge` (enum values "
        "as names, dates as ISO text): the bulk path for whole networks."
    )
    def json(self) -> JSON:
        shaped = self.view.derived.get("json")
        if shaped is None:
            degree = self.view.degree
            shaped = self.view.derived["json"] = {
                "nodes": [_node(n, degree) for n in self.view.data.nodes],
                "edges": [_edge(e) for e in self.view.data.edges],
            }
        return JSON(shaped)


# The node fields a light read fills (graph.networks.read): asking only for these spares the
# per-actor quarters, action fields, location and membership dates.
_LIGHT_NODE: frozenset[str] = frozenset({"id", "name", "type", "degree", "synthetic", "__typename"})


def needs_only_names(info: strawberry.Info[Context, None]) -> bool:
    """Whether the selection on a Network asks nothing of its nodes beyond :data:`_LIGHT_NODE`
    (no `json`, and every fragment spread resolved), so a light read answers it."""
    for network in info.selected_fields:
        for selected in network.selections:
            if not isinstance(selected, SelectedField):
                return False  # a fragment: be safe, read everything
            if selected.name == "json":
                return False
            if selected.name == "nodes":
                for node_field in selected.selections:
                    if not isinstance(node_field, SelectedField) or node_field.name not in _LIGHT_NODE:
                        return False
    return True


# The edge fields a read of light ties fills (graph.networks.ego_at): asking only for these
# spares reading each tie's dates, intensity, action fields and synthetic flag.
_LIGHT_EDGE: frozenset[str] = frozenset({"id", "source", "target", "kind", "__typename"})


def needs_only_edge_ends(info: strawberry.Info[Context, None]) -> bool:
    """Whether the selection on a Network asks nothing of its edges beyond :data:`_LIGHT_EDGE`
    (no `json`, and every fragment spread resolved), so light ties answer it."""
    for network in info.selected_fields:
        for selected in network.selections:
            if not isinstance(selected, SelectedField) or selected.name == "json":
                return False  # a fragment: be safe, read everything
            if selected.name == "edges":
                for edge_field in selected.selections:
                    if not isinstance(edge_field, SelectedField) or edge_field.name not in _LIGHT_EDGE:
                        return False
    return True


# Fields of a Network that a count of its actors and ties answers (resolvers.networks.counted).
_COUNTS: frozenset[str] = frozenset({"nodeCount", "edgeCount", "revision", "asOf", "tieSource", "__typename"})


def needs_only_counts(info: strawberry.Info[Context, None]) -> bool:
    """Whether the selection on a Network asks only for :data:`_COUNTS` (no fragment spreads)."""
    return all(
        isinstance(selected, SelectedField) and selected.name in _COUNTS
        for network in info.selected_fields
        for selected in network.selections
    )


def network_of(view: NetworkView) -> Network:
    return Network(as_of=view.as_of, tie_source=TieSource(view.ties), view=view)


@strawberry.type(description="One year of a network's history.")
class TimelineYear:
    year: int = strawberry.field(description="The calendar year.")
    actors_started: int = strawberry.field(description="Actors whose first membership began this year.")
    actors_ended: int = strawberry.field(description="Actors whose last membership ended this year.")
    actors_active: int = strawberry.field(description="Actors active at some time in the year.")
    cooperations_started: int = strawberry.field(description="Cooperations that began this year.")
    cooperations_ended: int = strawberry.field(description="Cooperations that ended this year.")
    cooperations_active: int = strawberry.field(description="Cooperations active at some time in the year.")


@strawberry.type(description="How a network changed over the years.")
class Timeline:
    years: list[TimelineYear] = strawberry.field(description="From the first recorded start to this year.")
    undated_actors: int = strawberry.field(
        description="Actors without a membership start (counted from the first year)."
    )
    undated_cooperations: int = strawberry.field(
        description="Cooperations without a start date (counted as active from the first year)."
    )

    @classmethod
    def of(cls, t: TimelineData) -> Timeline:
        return cls(
            years=[
                TimelineYear(
                    year=y.year,
                    actors_started=y.actors_started,
                    actors_ended=y.actors_ended,
                    actors_active=y.actors_active,
                    cooperations_started=y.cooperations_started,
                    cooperations_ended=y.cooperations_ended,
                    cooperations_active=y.cooperations_active,
                )
                for y in t.years
            ],
            undated_actors=t.undated_actors,
            undated_cooperations=t.undated_cooperations,
        )


@strawberry.type(description="One step of a chain: two neighbouring actors and every cooperation between them.")
class PathHop:
    position: int = strawberry.field(description="Where the hop lies on the chain: 0 for the first.")
    from_id: strawberry.Private[str]
    to_id: strawberry.Private[str]
    cooperation_ids: strawberry.Private[tuple[str, ...]]

    @strawberry.field(
        name="from",
        description="The actor this hop starts from (nearer the chain's start); null only if it was "
        "deleted while the request ran.",
    )
    async def from_(self, info: strawberry.Info[Context, None]) -> Actor | None:
        found = await info.context.loaders.actor_by_id.load(self.from_id)
        return actor_of(found) if found else None

    @strawberry.field(
        description="The actor this hop leads to (nearer the chain's end); null only if it was deleted "
        "while the request ran."
    )
    async def to(self, info: strawberry.Info[Context, None]) -> Actor | None:
        found = await info.context.loaders.actor_by_id.load(self.to_id)
        return actor_of(found) if found else None

    @strawberry.field(
        description="The cooperations between the two (active on `asOf`, if given): newest start first, "
        "undated last. Parallel cooperations are listed here, not repeated as separate paths."
    )
    async def cooperations(self, info: strawberry.Info[Context, None]) -> list[Cooperation]:
        found = await info.context.loaders.cooperation_by_id.load_many(list(self.cooperation_ids))
        return [Cooperation.of(c) for c in found if c is not None]


@strawberry.type(
    description="A shortest chain of cooperations from one actor to another. Each sequence of actors comes "
    "once; where two neighbours on it have several cooperations, `hops` lists them all."
)
class CooperationPath:
    length: int = strawberry.field(description="Number of hops (steps from actor to actor) on the path.")
    record: strawberry.Private[PathRecord]

    @strawberry.field(description="The actors along the path, from start to end.")
    async def actors(self, info: strawberry.Info[Context, None]) -> list[Actor]:
        found = await info.context.loaders.actor_by_id.load_many(list(self.record.actor_ids))
        return [actor_of(a) for a in found if a is not None]

    @strawberry.field(
        description="Every cooperation along the path, hop by hop from start to end, and within a hop newest "
        "first (as in `hops`); more than `length` where two neighbours have several cooperations."
    )
    async def cooperations(self, info: strawberry.Info[Context, None]) -> list[Cooperation]:
        found = await info.context.loaders.cooperation_by_id.load_many(list(self.record.cooperation_ids))
        return [Cooperation.of(c) for c in found if c is not None]

    @strawberry.field(description="The hops from start to end, each with all the cooperations between its two actors.")
    def hops(self) -> list[PathHop]:
        chain = self.record.actor_ids
        return [
            PathHop(position=i, from_id=chain[i], to_id=chain[i + 1], cooperation_ids=ties)
            for i, ties in enumerate(self.record.hops)
        ]


NetworkFilterArg = Annotated[NetworkFilter | None, strawberry.argument(description="Which part of the network.")]
AsOfArg = Annotated[dt.date | None, strawberry.argument(description="Show the network as it stood on this day.")]
TieSourceArg = Annotated[
    TieSource,
    strawberry.argument(
        description="Where the ties come from: recorded cooperations (default), joint work in projects, or both."
    ),
]


def ties_of(source: TieSource) -> str:
    return value(source)
