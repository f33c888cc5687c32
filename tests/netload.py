"""Loads a networkx graph into Neo4j as synthetic actors and cooperations (through graph.bulk)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import networkx as nx

from bench.generate import Network
from graph import bulk, changes
from graph.db import Database, Neo4jSettings
from graph.ids import seed_id
from graph.names import name_key, search_key, sort_key
from tests.conftest import run_async

TYPES = ["Institution", "Initiative", "Company", "HousingAssociation"]


def load_graph(
    settings: Neo4jSettings, g: nx.Graph, quarter_of: dict[Any, int] | None = None, label: str = "net"
) -> dict[Any, str]:
    """Actor ids by networkx node. Every node is an actor in one of two synthetic quarters."""
    quarters = [
        {
            "id": seed_id("test-quarter", f"{label}{i}"),
            "lat": 52.48 + 0.01 * i,
            "lon": 13.43,
            "props": {
                "slug": f"{label}-q{i}",
                "name": f"Testquartier {label} {i}",
                "searchKey": f"testquartier {i}",
                "sortName": f"testquartier {label} {i}",
                "district": "Test",
                "city": "Berlin",
                "status": "active",
                "startYear": 2000,
                "sources": ["test"],
                "synthetic": True,
                "altNames": [],
            },
        }
        for i in range(2)
    ]
    ids = {node: seed_id("test-actor", f"{label}:{node}") for node in g.nodes}
    actors = []
    for i, node in enumerate(sorted(g.nodes, key=str)):
        name = f"Akteur {label} {node}"
        q = (quarter_of or {}).get(node, 0)
        actors.append(
            {
                "id": ids[node],
                "type": TYPES[i % 4],
                "lat": None,
                "lon": None,
                "createdAt": "2024-01-01T00:00:00+00:00",
                "fields": [],
                "quarters": [{"quarter": quarters[q]["id"], "since": dt.date(2010, 1, 1), "until": None}],
                "props": {
                    "name": name,
                    "altNames": [],
                    "searchKey": search_key([name]),
                    "nameKey": name_key(name),
                    "sortName": sort_key(name),
                    "tags": [],
                    "sources": ["test"],
                },
            }
        )
    ties = [
        {
            "id": seed_id("test-tie", f"{label}:{a}~{b}"),
            "a": ids[a],
            "b": ids[b],
            "props": {
                "kind": "regular_exchange",
                "actionFields": [],
                "since": dt.date(2015, 1, 1),
                "intensity": int(data.get("weight", 1)),
            },
        }
        for a, b, data in g.edges(data=True)
    ]

    async def work(db: Database) -> None:
        await bulk.load(db, bulk.QUARTERS, quarters)
        await bulk.load(db, bulk.ACTORS, actors)
        await bulk.load(db, bulk.COOPERATIONS, ties)
        await changes.record_reload(db, "test network loaded")

    run_async(settings, work)
    return ids


def load_generated(settings: Neo4jSettings, network: Network) -> None:
    """A network of bench/generate.py loaded as it is (quarters, actors, cooperations), then one
    "reload" record, so that caches and the suggestions' snapshot see it as one change."""

    async def work(db: Database) -> None:
        await bulk.load(db, bulk.QUARTERS, network.quarters)
        await bulk.load(db, bulk.ACTORS, network.actors)
        await bulk.load(db, bulk.COOPERATIONS, network.cooperations)
        await changes.record_reload(db, "test network loaded")

    run_async(settings, work)
