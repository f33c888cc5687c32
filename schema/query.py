"""The Query root: every field delegates to ``resolvers/`` and wraps what comes back."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Final

import strawberry

from core import access as rules
from core.context import Context
from graph.networks import Selection
from resolvers import (
    action_fields,
    actors,
    changes,
    cooperations,
    handover,
    imports,
    networks,
    nodes,
    projects,
    quarters,
    suggestions,
    texts,
    tokens,
)
from resolvers.errors import bad_input
from resolvers.networks import Network as NetworkView
from schema.changes import AfterArg, ChangeFeed, EntitiesArg, QuarterArg, feed_query
from schema.connections import After, First
from schema.enums import ActionFieldEra, ActorType, SortDirection, TieSource, value, values
from schema.handover import AtRiskAnalysis, NetworkChange
from schema.imports import Import
from schema.inputs import (
    ActorFilter,
    ActorOrder,
    CooperationFilter,
    CooperationOrder,
    ProjectFilter,
    ProjectOrder,
    keys,
)
from schema.metrics import ActorMetric, ActorMetricOrder, ActorMetricsResult, FreshArg, NetworkMetricsResult
from schema.network import (
    AsOfArg,
    CooperationPath,
    Network,
    NetworkFilterArg,
    TieSourceArg,
    Timeline,
    needs_only_counts,
    needs_only_edge_ends,
    needs_only_names,
    network_of,
    query_of,
    ties_of,
)
from schema.people import ApiToken, Change, Viewer
from schema.permissions import guarded
from schema.selection import connection_needs, detail_reads_of, total_needed
from schema.suggestions import MissingLink, PartnerSuggestions, SuggestionWeightsInput
from schema.types import (
    ActionField,
    Actor,
    ActorConnection,
    Cooperation,
    CooperationConnection,
    FundingSum,
    Node,
    Project,
    ProjectConnection,
    Quarter,
    actor_of,
)

Info = strawberry.Info[Context, None]
IdArg = Annotated[strawberry.ID, strawberry.argument(description="A global id.")]


async def _network(info: Info, sel: Selection) -> NetworkView:
    """A quarter's or a filtered network, read as far as the selection needs it: its counts alone,
    its nodes' names and types only, or everything."""
    if needs_only_counts(info):
        return await networks.counted(info.context, sel)
    return await networks.read(info.context, sel, light=needs_only_names(info))


@strawberry.type(description="A sponsor of projects in several quarters.")
class SponsorAcrossQuarters:
    quarter_slugs: list[str] = strawberry.field(description="The quarters of its projects (slugs).")
    projects: int = strawberry.field(description="How many projects it sponsors (among those that count).")
    actor_id: strawberry.Private[str]

    @strawberry.field(description="The sponsor.")
    async def actor(self, info: Info) -> Actor | None:
        found = await info.context.loaders.actor_by_id.load(self.actor_id)
        return actor_of(found) if found else None


@strawberry.type(description="Two actors who worked together in projects without a recorded cooperation.")
class UnrecordedProjectTie:
    a_id: strawberry.Private[str]
    b_id: strawberry.Private[str]
    project_ids: strawberry.Private[list[str]]

    @strawberry.field(description="The two actors.")
    async def actors(self, info: Info) -> list[Actor]:
        found = await info.context.loaders.actor_by_id.load_many([self.a_id, self.b_id])
        return [actor_of(a) for a in found if a is not None]

    @strawberry.field(description="The projects they shared.")
    async def projects(self, info: Info) -> list[Project]:
        return [Project.of(p) for p in await projects.many(info.context, self.project_ids)]


# ---- which root fields the response cache may answer (kiezgraph/response_cache.py) ----------------
# Adding a root field? Put its GraphQL name into exactly one of these two (a test insists).
# Cacheable means: its answer is a function of the network's revision (every committed write moves
# it on), who asks (role, quarters, token), the arguments, the answer's language and today's date,
# and of nothing else. An operation is answered from the cache only if all its root fields are here.
CACHEABLE_FIELDS: Final = frozenset(
    {
        "__typename",
        "node",
        "quarters",
        "quarter",
        "actor",
        "actors",
        "cooperation",
        "cooperations",
        "actionFields",
        "project",
        "projects",
        "projectFunding",
        "multiQuarterSponsors",
        "projectTiesWithoutCooperation",
        "egoNetwork",
        "atRisk",
        "networkChange",
        "quarterNetwork",
        "network",
        "paths",
        "timeline",
        "missingLinks",
    }
)
# Root fields whose answers depend on more than that, and why.
UNCACHEABLE_FIELDS: Final = {
    "actorMetrics": "computed in the background: revision, computedAt and stale move without a write",
    "networkMetrics": "computed in the background: revision, computedAt and stale move without a write",
    "suggestPartners": "served from the snapshot and the model fitted on it, which follow the revision late",
    "changes": "the change feed: read from the audit log, which subscriptions and catch-up page through",
    "history": "the audit trail",
    "importJob": "an import's status and progress move between its batches' revisions",
    "me": "answered without the database; nothing to save",
    "apiTokens": "tokens are issued and revoked without moving the network's revision",
    "__schema": "introspection: cheap, and answered from the schema alone",
    "__type": "introspection: cheap, and answered from the schema alone",
}


@strawberry.type(description="Read the stakeholder networks of neighbourhood management.")
class Query:
    @strawberry.field(description="Any object by its global id (Relay); null if it does not exist.")
    async def node(self, info: Info, id: IdArg) -> Node | None:
        found = await nodes.node(info.context, id)
        if found is None:
            return None
        type_name, record = found
        if type_name == "Actor":
            return actor_of(record)
        if type_name == "Cooperation":
            return Cooperation.of(record)
        if type_name == "Quarter":
            return Quarter.of(record)
        if type_name == "Project":
            return Project.of(record)
        return ActionField.of(record)

    @strawberry.field(description="All QM areas (quarters), ordered by name, with their facts and sources.")
    async def quarters(self, info: Info) -> list[Quarter]:
        return [Quarter.of(r) for r in await quarters.all_quarters(info.context)]

    @strawberry.field(description="One QM area by its slug (e.g. `rollberg`); null if there is none.")
    async def quarter(
        self,
        info: Info,
        slug: Annotated[str, strawberry.argument(description="The quarter's slug, e.g. `rollberg`.")],
    ) -> Quarter | None:
        record = await quarters.by_slug(info.context, slug)
        return Quarter.of(record) if record else None

    @strawberry.field(
        description="One actor by id; archived actors are found too. The id of a duplicate merged away leads to "
        "the actor it was merged into."
    )
    async def actor(self, info: Info, id: IdArg) -> Actor | None:
        record = await actors.by_global_id(info.context, id, detail_reads_of(info))
        return actor_of(record) if record else None

    @strawberry.field(description="Actors, filtered and sorted, a page at a time.")
    async def actors(
        self,
        info: Info,
        filter: Annotated[ActorFilter | None, strawberry.argument(description="Which actors.")] = None,
        order_by: Annotated[
            list[ActorOrder] | None,
            strawberry.argument(description="Sort keys, most significant first (default: name)."),
        ] = None,
        first: First = None,
        after: After = None,
    ) -> ActorConnection:
        columns, total = connection_needs(info)
        query = filter.query() if filter else None
        return ActorConnection.of(
            await actors.search(info.context, query, keys(order_by), first, after, columns=columns, total=total),
            actor_of,
        )

    @strawberry.field(description="One cooperation by id.")
    async def cooperation(self, info: Info, id: IdArg) -> Cooperation | None:
        record = await cooperations.by_global_id(info.context, id)
        return Cooperation.of(record) if record else None

    @strawberry.field(description="Cooperations across the network, filtered and sorted, a page at a time.")
    async def cooperations(
        self,
        info: Info,
        filter: Annotated[CooperationFilter | None, strawberry.argument(description="Which cooperations.")] = None,
        order_by: Annotated[
            list[CooperationOrder] | None, strawberry.argument(description="Sort keys (default: since, newest first).")
        ] = None,
        first: First = None,
        after: After = None,
    ) -> CooperationConnection:
        query = filter.query() if filter else None
        return CooperationConnection.of(
            await cooperations.search(info.context, query, keys(order_by), first, after, total=total_needed(info)),
            Cooperation.of,
        )

    @strawberry.field(description="The action fields (Handlungsfelder), current and older generations.")
    async def action_fields(
        self,
        info: Info,
        era: Annotated[
            ActionFieldEra | None, strawberry.argument(description="Only fields of this generation.")
        ] = None,
    ) -> list[ActionField]:
        records = await action_fields.all_fields(info.context, value(era) if era else None)
        return [ActionField.of(r) for r in records]

    # ---- projects -----------------------------------------------------------------------------

    @strawberry.field(description="One project by id.")
    async def project(self, info: Info, id: IdArg) -> Project | None:
        record = await projects.by_global_id(info.context, id)
        return Project.of(record) if record else None

    @strawberry.field(
        description="Projects, filtered by quarter, fund, status, sponsor, partner, action field and period, "
        "sorted, a page at a time."
    )
    async def projects(
        self,
        info: Info,
        filter: Annotated[ProjectFilter | None, strawberry.argument(description="Which projects.")] = None,
        order_by: Annotated[
            list[ProjectOrder] | None, strawberry.argument(description="Sort keys (default: start, newest first).")
        ] = None,
        first: First = None,
        after: After = None,
    ) -> ProjectConnection:
        found = await projects.search(info.context, filter.query() if filter else None, keys(order_by), first, after)
        return ProjectConnection.of(found, Project.of)

    @strawberry.field(
        description="Funding per quarter, fund and year (the year a project starts): sums and counts. Without a "
        "status filter, the granted projects count (approved or later, not rejected or withdrawn). A project in "
        "several quarters (Netzwerkfonds) counts in each with its whole amount: its shares are not recorded."
    )
    async def project_funding(
        self,
        info: Info,
        filter: Annotated[ProjectFilter | None, strawberry.argument(description="Which projects count.")] = None,
    ) -> list[FundingSum]:
        return [FundingSum.of(r) for r in await projects.funding(info.context, filter.query() if filter else None)]

    @strawberry.field(description="Sponsors (Projektträger) of projects in more than one quarter, most quarters first.")
    async def multi_quarter_sponsors(
        self,
        info: Info,
        filter: Annotated[ProjectFilter | None, strawberry.argument(description="Which projects count.")] = None,
        min_quarters: Annotated[
            int, strawberry.argument(description="In at least this many quarters (2 or more).")
        ] = 2,
        first: Annotated[int, strawberry.argument(description="At most this many sponsors (1 to 200).")] = 50,
    ) -> list[SponsorAcrossQuarters]:
        found = await projects.multi_quarter_sponsors(
            info.context, filter.query() if filter else None, min_quarters, first
        )
        return [
            SponsorAcrossQuarters(quarter_slugs=list(s.quarters), projects=s.projects, actor_id=s.actor_id)
            for s in found
        ]

    @strawberry.field(
        description="Pairs of actors who took part in the same projects (as sponsor or partner) but have no "
        "recorded cooperation: a source of cooperations to record, most shared projects first."
    )
    async def project_ties_without_cooperation(
        self,
        info: Info,
        filter: Annotated[ProjectFilter | None, strawberry.argument(description="Which projects count.")] = None,
        first: Annotated[int, strawberry.argument(description="At most this many pairs (1 to 200).")] = 50,
    ) -> list[UnrecordedProjectTie]:
        found = await projects.unrecorded_pairs(info.context, filter.query() if filter else None, first)
        return [UnrecordedProjectTie(a_id=p.a_id, b_id=p.b_id, project_ids=list(p.project_ids)) for p in found]

    # ---- networks -----------------------------------------------------------------------------

    @strawberry.field(
        description="An actor's ego network: the actors within `depth` cooperations, and the ties among them."
    )
    async def ego_network(
        self,
        info: Info,
        actor_id: Annotated[strawberry.ID, strawberry.argument(description="The actor in the centre.")],
        depth: Annotated[int, strawberry.argument(description="How many steps out, 1 to 3.")] = 1,
        filter: NetworkFilterArg = None,
        as_of: AsOfArg = None,
        tie_source: TieSourceArg = TieSource.COOPERATIONS,
    ) -> Network:
        light, light_edges = needs_only_names(info), needs_only_edge_ends(info)
        ties = ties_of(tie_source)
        return network_of(
            await networks.ego(info.context, actor_id, depth, query_of(filter), as_of, ties, light, light_edges)
        )

    @strawberry.field(
        description="At-risk ties of a quarter's network: cut vertices and bridges whose loss splits it, the actors "
        "that would be isolated or cut off without the QM office and its Träger, and the action fields that would "
        "lose their last cooperation. What a Verstetigung plan needs."
    )
    async def at_risk(
        self,
        info: Info,
        slug: Annotated[str, strawberry.argument(description="The quarter, e.g. `rollberg`.")],
        as_of: Annotated[
            dt.date | None, strawberry.argument(description="The day to analyse the network on (default: today).")
        ] = None,
        qm_actor_ids: Annotated[
            list[strawberry.ID] | None,
            strawberry.argument(
                description="The actors to treat as the QM office and its Träger (default: those with a current "
                "QM_OPERATOR membership in the quarter)."
            ),
        ] = None,
    ) -> AtRiskAnalysis:
        given = [str(i) for i in qm_actor_ids] if qm_actor_ids is not None else None
        return AtRiskAnalysis.of(await handover.at_risk(info.context, slug, as_of, given))

    @strawberry.field(
        description="How a quarter's network changed between two days: actors and cooperations that appeared or "
        "ended, pairs whose cooperations changed, and density, components and brokers then and now."
    )
    async def network_change(
        self,
        info: Info,
        slug: Annotated[str, strawberry.argument(description="The quarter, e.g. `rollberg`.")],
        from_: Annotated[dt.date, strawberry.argument(name="from", description="The first day.")],
        to: Annotated[dt.date | None, strawberry.argument(description="The second day (default: today).")] = None,
    ) -> NetworkChange:
        return NetworkChange.of(await handover.change(info.context, slug, from_, to))

    @strawberry.field(description="A quarter's network: its actors and the cooperations among them.")
    async def quarter_network(
        self,
        info: Info,
        slug: Annotated[str, strawberry.argument(description="The quarter, e.g. `rollberg`.")],
        filter: NetworkFilterArg = None,
        as_of: AsOfArg = None,
        include_outside_partners: Annotated[
            bool, strawberry.argument(description="Also their partners outside the quarter, and those ties.")
        ] = False,
        tie_source: TieSourceArg = TieSource.COOPERATIONS,
    ) -> Network:
        q = query_of(filter)
        sel = await networks.selection(
            info.context, q, as_of, boundary=include_outside_partners, quarter=slug, ties=ties_of(tie_source)
        )
        return network_of(await _network(info, sel))

    @strawberry.field(description="The whole network, or the part a filter selects.")
    async def network(
        self,
        info: Info,
        filter: NetworkFilterArg = None,
        as_of: AsOfArg = None,
        tie_source: TieSourceArg = TieSource.COOPERATIONS,
    ) -> Network:
        sel = await networks.selection(info.context, query_of(filter), as_of, ties=ties_of(tie_source))
        return network_of(await _network(info, sel))

    @strawberry.field(
        description="The shortest chains of cooperations between two actors: each sequence of actors once, "
        "with the cooperations of each hop."
    )
    async def paths(
        self,
        info: Info,
        from_: Annotated[strawberry.ID, strawberry.argument(name="from", description="Where the chain starts.")],
        to: Annotated[strawberry.ID, strawberry.argument(description="The actor to reach.")],
        max_length: Annotated[int, strawberry.argument(description="Longest chain to look for, 1 to 6.")] = 4,
        as_of: AsOfArg = None,
        first: Annotated[
            int, strawberry.argument(description="At most this many paths (distinct actor sequences), 1 to 50.")
        ] = 10,
    ) -> list[CooperationPath]:
        found = await networks.shortest_paths(info.context, from_, to, max_length, as_of, first)
        return [CooperationPath(length=len(p.hops), record=p) for p in found]

    @strawberry.field(description="Per year: actors and cooperations started, ended and active.")
    async def timeline(
        self, info: Info, filter: NetworkFilterArg = None, tie_source: TieSourceArg = TieSource.COOPERATIONS
    ) -> Timeline:
        return Timeline.of(await networks.timeline(info.context, query_of(filter), ties_of(tie_source)))

    # ---- research metrics ---------------------------------------------------------------------

    @guarded(rules.ACTOR_METRICS, "Per actor: degree, centralities, clustering, community and broker roles.")
    async def actor_metrics(
        self,
        info: Info,
        filter: NetworkFilterArg = None,
        as_of: AsOfArg = None,
        order_by: Annotated[
            ActorMetricOrder | None, strawberry.argument(description="Sort (default: betweenness, highest first).")
        ] = None,
        first: Annotated[int, strawberry.argument(description="At most this many actors (1 to 10,000).")] = 100,
        tie_source: TieSourceArg = TieSource.COOPERATIONS,
        fresh: FreshArg = False,
    ) -> ActorMetricsResult:
        if not 1 <= first <= 10_000:
            raise bad_input(texts.BETWEEN(name="first", low=1, high=10000))
        analysed = await networks.analysed(
            info.context,
            await networks.selection(info.context, query_of(filter), as_of, ties=ties_of(tie_source)),
            fresh,
        )
        key = value(order_by.field) if order_by else "betweenness"
        descending = order_by is None or order_by.direction is SortDirection.DESC
        rows = sorted(analysed.metrics.actors, key=lambda m: (getattr(m, key), m.id), reverse=descending)
        return ActorMetricsResult(
            total_count=len(rows),
            revision=analysed.revision,
            cached=analysed.cached,
            computed_at=analysed.computed_at,
            stale=analysed.stale,
            nodes=[ActorMetric.of(m) for m in rows[:first]],
        )

    @guarded(rules.NETWORK_METRICS, "Density, components, path lengths, clustering, communities, cross-sector ties...")
    async def network_metrics(
        self,
        info: Info,
        filter: NetworkFilterArg = None,
        as_of: AsOfArg = None,
        tie_source: TieSourceArg = TieSource.COOPERATIONS,
        fresh: FreshArg = False,
    ) -> NetworkMetricsResult:
        analysed = await networks.analysed(
            info.context,
            await networks.selection(info.context, query_of(filter), as_of, ties=ties_of(tie_source)),
            fresh,
        )
        a = analysed
        return NetworkMetricsResult.of(a.metrics.network, a.revision, a.cached, a.computed_at, a.stale)

    # ---- partner suggestions ------------------------------------------------------------------

    @guarded(
        rules.SUGGEST_PARTNERS,
        "Ranked actors the given one does not cooperate with yet, each with a score and reasons.",
    )
    async def suggest_partners(
        self,
        info: Info,
        actor_id: Annotated[strawberry.ID, strawberry.argument(description="The actor looking for partners.")],
        action_field: Annotated[
            str | None, strawberry.argument(description="Only partners working on this action field (key).")
        ] = None,
        quarter: Annotated[
            str | None, strawberry.argument(description="The quarter in focus (default: the actor's own).")
        ] = None,
        types: Annotated[
            list[ActorType] | None, strawberry.argument(description="Only partners of these types.")
        ] = None,
        first: Annotated[int, strawberry.argument(description="How many suggestions (1 to 50).")] = 10,
        weights: Annotated[
            SuggestionWeightsInput | None,
            strawberry.argument(
                description="Relative weights of the six original signals; given, they replace the learned model "
                "by their weighted mean."
            ),
        ] = None,
        as_of: Annotated[
            dt.date | None,
            strawberry.argument(
                description="Ask as of this day instead of today: shared partners and partners of partners "
                "through ties active on that day, recency counted up to it, quarters those of that day. "
                "Anyone who ever cooperated with the actor is still left out."
            ),
        ] = None,
    ) -> PartnerSuggestions:
        chosen = weights.weights() if weights else None  # None: the learned model ranks
        result = await suggestions.suggest(
            info.context,
            actor_id,
            action_field,
            quarter,
            list(values(types) or ()) or None,
            first,
            chosen,
            as_of,
        )
        return PartnerSuggestions.of(result, info.context.language)

    @guarded(rules.MISSING_LINKS, "Pairs in a quarter whose cooperation would most connect its network, with reasons.")
    async def missing_links(
        self,
        info: Info,
        quarter: Annotated[str, strawberry.argument(description="The quarter (slug).")],
        first: Annotated[int, strawberry.argument(description="How many pairs (1 to 50).")] = 10,
    ) -> list[MissingLink]:
        return [MissingLink.of(g) for g in await suggestions.missing_links(info.context, quarter, first)]

    # ---- the change feed ------------------------------------------------------------------------

    @strawberry.field(
        description="What changed after a revision, whole commits in revision order (the change feed). Keep "
        "`next` and ask again with it as `after` to catch up after any outage without loss or duplicates; "
        "the `changes` subscription delivers the same events live. Contact persons' changes appear only for "
        "those who may read that actor's contact persons."
    )
    async def changes(
        self,
        info: Info,
        after: AfterArg = None,
        quarter: QuarterArg = None,
        entity: EntitiesArg = None,
        first: Annotated[
            int | None, strawberry.argument(description="At most this many commits (1 to 200, default 50).")
        ] = None,
    ) -> ChangeFeed:
        return ChangeFeed.of(await changes.feed(info.context, feed_query(after, quarter, entity, first)))

    # ---- administration -----------------------------------------------------------------------

    @guarded(rules.HISTORY, "Who changed this entity, when and how (newest first): the audit trail.")
    async def history(
        self,
        info: Info,
        id: IdArg,
        first: Annotated[int, strawberry.argument(description="At most this many records (1 to 500).")] = 50,
    ) -> list[Change]:
        return [Change.of(c) for c in await tokens.history(info.context, id, first)]

    @guarded(
        rules.IMPORT_JOB,
        "An import you started (`createImport`): its plan, status and progress. Any instance answers: the "
        "status is saved in Neo4j after every batch (the plan's rows only on the instance that holds the upload).",
    )
    async def import_job(
        self, info: Info, id: Annotated[strawberry.ID, strawberry.argument(description="The import's id.")]
    ) -> Import | None:
        job = await imports.job_status(info.context, str(id))
        return Import(job=job) if job else None

    @strawberry.field(description="Who is asking: the role and quarters of this request's token (public without one).")
    def me(self, info: Info) -> Viewer:
        role, quarters = tokens.viewer(info.context)
        return Viewer(role=role, quarters=quarters)

    @guarded(rules.API_TOKENS, "All API tokens (without secrets).")
    async def api_tokens(self, info: Info) -> list[ApiToken]:
        return [ApiToken.of(t) for t in await tokens.listed(info.context)]
