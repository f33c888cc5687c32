"""Research metrics: per-actor centralities and broker roles, whole-network measures."""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Annotated

import strawberry

from analysis.metrics import ActorMetrics as ActorMetricsData
from analysis.metrics import NetworkMetrics
from core.context import Context
from resolvers import ids
from schema.enums import SortDirection
from schema.types import Actor, actor_of

REVISION = (
    "The network state the numbers hold for: they were computed on it, or on an earlier one that no write "
    "since has changed for this selection."
)
CACHED = "Whether they were kept from an earlier computation (not computed for this request)."
COMPUTED_AT = "When they were computed (UTC)."
STALE = (
    "Whether the network has changed since (`revision` is behind the current one): these are the last complete "
    "numbers, and newer ones are being computed in the background. Ask again, or with `fresh: true` to wait."
)
FRESH = (
    "Compute on the current data and wait for it (seconds on a large network). By default the last complete "
    "numbers come at once, marked `stale` while newer ones are computed in the background."
)


@strawberry.enum(description="Why an actor counts as a broker.")
class BrokerRole(Enum):
    CUT_VERTEX = strawberry.enum_value(
        "CUT_VERTEX", description="Removing it would split its part of the network in two (an articulation point)."
    )
    COMMUNITY_CONNECTOR = strawberry.enum_value(
        "COMMUNITY_CONNECTOR",
        description="Its ties spread over several communities (participation coefficient above 0.62, the "
        "'connector' boundary of Guimerà & Amaral 2005).",
    )
    QUARTER_BRIDGE = strawberry.enum_value(
        "QUARTER_BRIDGE", description="It has partners in at least two quarters it is not active in itself."
    )


@strawberry.enum(description="What actor metrics can be sorted by.")
class ActorMetricField(Enum):
    DEGREE = strawberry.enum_value("degree", description="Number of distinct partners.")
    WEIGHTED_DEGREE = strawberry.enum_value("weighted_degree", description="Sum of cooperation intensities.")
    BETWEENNESS = strawberry.enum_value("betweenness", description="Betweenness centrality.")
    CLOSENESS = strawberry.enum_value("closeness", description="Closeness centrality.")
    EIGENVECTOR = strawberry.enum_value("eigenvector", description="Eigenvector centrality.")
    PAGERANK = strawberry.enum_value("pagerank", description="PageRank.")
    CLUSTERING = strawberry.enum_value("clustering", description="Local clustering coefficient.")
    PARTICIPATION = strawberry.enum_value("participation", description="Participation coefficient.")


@strawberry.input(description="How to sort actor metrics.")
class ActorMetricOrder:
    field: ActorMetricField = strawberry.field(description="The measure to sort by.")
    direction: SortDirection = strawberry.field(default=SortDirection.DESC, description="Highest first by default.")


@strawberry.type(description="Network measures of one actor, within the selected network.")
class ActorMetric:
    id: strawberry.ID = strawberry.field(description="The actor's global id.")
    degree: int = strawberry.field(description="Number of distinct partners.")
    weighted_degree: float = strawberry.field(
        description="Sum of the intensities of its cooperations (an unassessed one counts 1)."
    )
    betweenness: float = strawberry.field(
        description="Share of shortest paths between other actors that pass through it (normalised by 2/((n-1)(n-2)))."
    )
    closeness: float = strawberry.field(
        description="Inverse mean distance to the actors it can reach, scaled by the share it can reach "
        "(Wasserman & Faust; networkx's default)."
    )
    eigenvector: float = strawberry.field(
        description="Eigenvector centrality, scaled so the highest is 1. In a network of several parts it is "
        "concentrated on the part with the largest leading eigenvalue (others are near 0), as in networkx."
    )
    pagerank: float = strawberry.field(description="PageRank (damping 0.85, unweighted).")
    clustering: float = strawberry.field(description="Share of its partners' pairs that cooperate themselves.")
    community: int = strawberry.field(description="Its community (0 = the largest), see `NetworkMetrics`.")
    participation: float = strawberry.field(
        description="How evenly its ties spread over communities: 0 all in one, towards 1 spread over many."
    )
    cut_vertex: bool = strawberry.field(description="Whether removing it would split its part of the network.")
    other_quarters_reached: int = strawberry.field(
        description="Number of quarters its partners are active in that it is not active in itself."
    )
    broker_roles: list[BrokerRole] = strawberry.field(description="Why it counts as a broker, if it does.")
    actor_id: strawberry.Private[str]

    @classmethod
    def of(cls, m: ActorMetricsData) -> ActorMetric:
        return cls(
            id=strawberry.ID(ids.encode("Actor", m.id)),
            degree=m.degree,
            weighted_degree=m.weighted_degree,
            betweenness=m.betweenness,
            closeness=m.closeness,
            eigenvector=m.eigenvector,
            pagerank=m.pagerank,
            clustering=m.clustering,
            community=m.community,
            participation=m.participation,
            cut_vertex=m.cut_vertex,
            other_quarters_reached=m.other_quarters_reached,
            broker_roles=[BrokerRole(r) for r in m.broker_roles],
            actor_id=m.id,
        )

    @strawberry.field(description="The actor.")
    async def actor(self, info: strawberry.Info[Context, None]) -> Actor | None:
        record = await info.context.loaders.actor_by_id.load(self.actor_id)
        return actor_of(record) if record else None


@strawberry.type(name="ActorMetrics", description="Actor metrics of a selected network.")
class ActorMetricsResult:
    total_count: int = strawberry.field(description="Actors in the selected network.")
    revision: int = strawberry.field(description=REVISION)
    cached: bool = strawberry.field(description=CACHED)
    computed_at: dt.datetime = strawberry.field(description=COMPUTED_AT)
    stale: bool = strawberry.field(description=STALE)
    nodes: list[ActorMetric] = strawberry.field(description="The actors' measures, sorted as asked.")


@strawberry.type(name="NetworkMetrics", description="Measures of a whole selected network.")
class NetworkMetricsResult:
    nodes: int = strawberry.field(description="Actors.")
    edges: int = strawberry.field(description="Pairs of actors that cooperate (several cooperations count once).")
    cooperations: int = strawberry.field(description="Cooperations.")
    density: float = strawberry.field(description="Edges as a share of all possible pairs.")
    components: int = strawberry.field(description="Connected parts (isolated actors count as one each).")
    largest_component_share: float = strawberry.field(description="Share of actors in the largest connected part.")
    average_path_length: float | None = strawberry.field(
        description="Mean shortest distance between actors of the largest connected part."
    )
    diameter: int | None = strawberry.field(description="Longest shortest distance in the largest connected part.")
    transitivity: float = strawberry.field(description="Global clustering: closed triangles among connected triples.")
    average_clustering: float = strawberry.field(
        description="Mean local clustering coefficient (0 for fewer than 2 partners)."
    )
    communities: int = strawberry.field(description="Number of communities found.")
    modularity: float = strawberry.field(description="Modularity of those communities.")
    community_method: str = strawberry.field(description="Community detection method (Leiden, modularity objective).")
    resolution: float = strawberry.field(description="Resolution parameter of the community detection.")
    seed: int = strawberry.field(description="Random seed: the same network and seed give the same communities.")
    cross_sector_share: float = strawberry.field(
        description="Share of edges between actors of different types (e.g. housing association with initiative)."
    )
    cross_quarter_share: float = strawberry.field(
        description="Share of edges between actors with no quarter in common."
    )
    isolates: int = strawberry.field(description="Actors without a partner in the selection.")
    revision: int = strawberry.field(description=REVISION)
    cached: bool = strawberry.field(description=CACHED)
    computed_at: dt.datetime = strawberry.field(description=COMPUTED_AT)
    stale: bool = strawberry.field(description=STALE)

    @classmethod
    def of(
        cls, m: NetworkMetrics, revision: int, cached: bool, computed_at: dt.datetime, stale: bool
    ) -> NetworkMetricsResult:
        return cls(
            nodes=m.nodes,
            edges=m.edges,
            cooperations=m.cooperations,
            density=m.density,
            components=m.components,
            largest_component_share=m.largest_component_share,
            average_path_length=m.average_path_length,
            diameter=m.diameter,
            transitivity=m.transitivity,
            average_clustering=m.average_clustering,
            communities=m.communities,
            modularity=m.modularity,
            community_method=m.community_method,
            resolution=m.resolution,
            seed=m.seed,
            cross_sector_share=m.cross_sector_share,
            cross_quarter_share=m.cross_quarter_share,
            isolates=m.isolates,
            revision=revision,
            cached=cached,
            computed_at=computed_at,
            stale=stale,
        )


FreshArg = Annotated[bool, strawberry.argument(description=FRESH)]
