"""Issue #11: PROFILE of the import's batch write statements on the 10,000-actor, 50,000-cooperation
workbook — do the lookups seek on the unique-id indexes, and how many db hits does a batch cost?

As ``bench/import_apply.py``: a Neo4j of its own with the reference seeds and the generated
network's quarters, the network written as a workbook, read and planned. Then the apply runs as
``kiezgraph import --apply`` does, until the first batch of the statement looked at: that batch
is sent with ``PROFILE`` in front (the statement as graph/imports.py has it, with the parameters
the apply built), its profile kept, and its transaction rolled back. ``graph.imports.CREATE_ACTORS``
is looked at first (into the empty network); then ``CREATE_COOPERATIONS`` (the actors' batches are
written first, so its two ``MATCH``es find them).

Prints per statement the rows of the batch, the db hits in all and per row, the rows and db hits
per operator, and the wall time of the profiled batch. Run it under the lock::

    flock /work/bench.lock .venv/bin/python -m bench.profile_import
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, LiteralString

from bench.common import neo4j_with_network
from bench.exchange import records, vocabulary
from bench.generate import generate
from core.access import Principal, Role
from core.context import Context
from exchange.reading import read
from exchange.writing import ExportInfo, write_xlsx
from graph import db as graph_db
from graph import imports as graph_imports
from graph.db import Database, Neo4jSettings
from resolvers import imports


class Profiled(Exception):
    """Raised after the profiled batch: its transaction is rolled back, the apply stops."""

    def __init__(self, profile: dict[str, Any], seconds: float, rows: int) -> None:
        super().__init__("profiled")
        self.profile, self.seconds, self.rows = profile, seconds, rows


def _operators(plan: dict[str, Any], depth: int = 0) -> Iterator[tuple[int, str, int, int, str]]:
    args = plan.get("args", {})
    detail = str(args.get("Details", ""))[:90]
    yield depth, plan["operatorType"], int(plan.get("rows", 0)), int(plan.get("dbHits", 0)), detail
    for child in plan.get("children", []):
        yield from _operators(child, depth + 1)


async def _profile(settings: Neo4jSettings, parsed: Any, key: str, statement: LiteralString) -> Profiled:
    real = graph_db.Transaction.run

    async def run(self: graph_db.Transaction, query: LiteralString, **params: Any) -> list[Any]:
        if query != statement:
            return await real(self, query, **params)
        started = time.perf_counter()
        result = await self._tx.run("PROFILE " + query, params)
        summary = await result.consume()
        raise Profiled(dict(summary.profile or {}), time.perf_counter() - started, len(params["rows"]))

    graph_db.Transaction.run = run  # type: ignore[method-assign]
    db = Database(settings)
    try:
        ctx = Context.for_request(db, principal=Principal(Role.ADMIN, token_id="bench"))
        await imports.apply(ctx, parsed, [], key=key, file="berlin.xlsx")
    except Profiled as done:
        return done
    finally:
        graph_db.Transaction.run = real  # type: ignore[method-assign]
        await db.close()
    raise RuntimeError("the statement was never sent")


def main() -> None:
    net = generate(2027, actors=10_000, cooperations=50_000)
    actors, cooperations = records(net)
    vocab = vocabulary(net)
    quarters_only = dataclasses.replace(net, actors=[], cooperations=[])
    with tempfile.TemporaryDirectory() as folder, neo4j_with_network(network=quarters_only, ties=[]) as (settings, _):
        path = Path(folder) / "berlin.xlsx"
        write_xlsx(path, actors, cooperations, ExportInfo(0, dt.datetime.now(dt.UTC), "bench"), vocabulary=vocab)
        parsed = read(path, vocabulary=vocab)
        for name, statement in (
            ("CREATE_ACTORS", graph_imports.CREATE_ACTORS),
            ("CREATE_COOPERATIONS", graph_imports.CREATE_COOPERATIONS),
        ):
            found = asyncio.run(_profile(settings, parsed, f"profile-{name}", statement))
            operators = list(_operators(found.profile))
            hits = sum(h for _, _, _, h, _ in operators)
            print(
                f"\n{name}: {found.rows} rows, {hits:,} db hits ({hits / found.rows:.1f} per row), "
                f"{found.seconds:.2f} s"
            )
            print("| operator | rows | db hits | details |\n|---|---:|---:|---|")
            for depth, op, rows, op_hits, detail in operators:
                print(f"| {'· ' * depth}{op} | {rows:,} | {op_hits:,} | {detail.replace('|', '/')} |")


if __name__ == "__main__":
    main()
