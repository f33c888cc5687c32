"""Benchmark of the network API on the Berlin-scale synthetic network (issue #3).

Two requests, each timed over HTTP against a uvicorn process and beside its floor: the same
Cypher sent straight through the neo4j driver, level by level as the API must send it
(queries of one level concurrently, as the API's DataLoaders do).

- actor detail: one actor with its quarters, action fields, counts and 20 partners;
- a page of 50 actors, each with its partners (up to 20) and the cooperation to each.

Run: ``make bench-api`` (or ``python -m bench.api --runs 200``).
"""

from __future__ import annotations

import argparse
import asyncio
import random
from typing import Any

import httpx2 as httpx
import neo4j

from bench.common import Timing, admin_token, api_server, neo4j_with_network, paired, report
from graph import action_fields, actors, cooperations, quarters
from graph.criteria import ActorCriteria, CooperationCriteria
from graph.db import Neo4jSettings
from graph.pagination import Page
from resolvers import ids

DETAIL = """query($id: ID!) { actor(id: $id) { id name type description version
  quarters { quarter { name slug } since until role } actionFields { key name } cooperationCount
  partners(first: 20) { totalCount edges { node { id name type } cooperation { kind since until intensity } } } } }"""

PAGE = """query($q: [String!]) { actors(first: 50, filter: {quarters: $q}) { totalCount edges { cursor node {
  id name type partners(first: 20) { totalCount edges { node { id name type } cooperation { kind since intensity } } }
} } } }"""


class Floor:
    """The API's Cypher for each request, sent through the raw async driver."""

    def __init__(self, settings: Neo4jSettings) -> None:
        self.driver = neo4j.AsyncGraphDatabase.driver(
            settings.uri, auth=(settings.user, settings.password), notifications_min_severity="OFF"
        )
        self.database = settings.database

    async def run(self, query: Any, **params: Any) -> list[neo4j.Record]:
        records, _, _ = await self.driver.execute_query(
            query, params, database_=self.database, routing_=neo4j.RoutingControl.READ
        )
        return records

    async def detail(self, actor_id: str) -> None:
        await self.run(actors.BY_IDS, ids=[actor_id])
        partner_query, partner_params = cooperations.partners_query(
            [actor_id], CooperationCriteria(), Page((cooperations.partner_sort_field("NAME", False),), 20)
        )
        memberships, *_ = await asyncio.gather(
            self.run(actors.MEMBERSHIPS, ids=[actor_id]),
            self.run(actors.COOPERATION_COUNTS, ids=[actor_id]),
            self.run(action_fields.ALL),
            self.run(partner_query, **partner_params),
        )
        await self.run(quarters.BY_IDS, ids=[r["quarter"] for r in memberships])

    async def page(self, slug: str) -> None:
        query, params = actors.page_query(
            ActorCriteria(quarters=(slug,)), Page((actors.sort_field("NAME", False),), 50)
        )
        [row] = await self.run(query, **params)
        page_ids = [r["a"]["id"] for r in row["rows"][:50]]
        partner_query, partner_params = cooperations.partners_query(
            page_ids, CooperationCriteria(), Page((cooperations.partner_sort_field("NAME", False),), 20)
        )
        await self.run(partner_query, **partner_params)

    async def close(self) -> None:
        await self.driver.close()


async def measure(
    settings: Neo4jSettings, base: str, token: str, hubs: list[str], slugs: list[str], runs: int
) -> list[tuple[Timing, Timing]]:
    rng = random.Random(7)
    detail_ids = [rng.choice(hubs) for _ in range(max(runs, 50))]
    floor = Floor(settings)
    async with httpx.AsyncClient(base_url=base, timeout=60, headers={"Authorization": f"Bearer {token}"}) as client:

        async def detail_http(i: int) -> None:
            body = (
                await client.post(
                    "/graphql", json={"query": DETAIL, "variables": {"id": ids.encode("Actor", detail_ids[i])}}
                )
            ).json()
            assert "errors" not in body and len(body["data"]["actor"]["partners"]["edges"]) == 20, body

        async def page_http(i: int) -> None:
            body = (
                await client.post("/graphql", json={"query": PAGE, "variables": {"q": [slugs[i % len(slugs)]]}})
            ).json()
            assert "errors" not in body and len(body["data"]["actors"]["edges"]) == 50, body

        rows = [
            await paired("actor detail, 20 partners", runs, detail_http, lambda i: floor.detail(detail_ids[i])),
            await paired(
                "50 actors with nested partners", runs, page_http, lambda i: floor.page(slugs[i % len(slugs)])
            ),
        ]
    await floor.close()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--seed", type=int, default=2027)
    args = parser.parse_args()
    with neo4j_with_network(args.seed) as (settings, network):
        degree = network.degrees()
        hubs = [a for a, d in degree.items() if d >= 25][:200]
        slugs = [q["props"]["slug"] for q in network.quarters[:16]]  # the larger quarters: 50+ actors each
        token = admin_token(settings)
        with api_server(settings) as base:
            rows = asyncio.run(measure(settings, base, token, hubs, slugs, args.runs))
    print(
        f"\nBerlin-scale synthetic network (seed {args.seed}: 32 quarters, 10,000 actors, 50,000 cooperations), "
        f"{args.runs} runs each, alternating with the floor, after 50 warm-up pairs:\n"
    )
    print(report(rows))


if __name__ == "__main__":
    main()
