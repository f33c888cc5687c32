"""Issue #11, phase 2: plan and apply a 10,000-actor, 50,000-cooperation workbook against Neo4j.

A Neo4j of its own holds the reference seeds and the generated network's 32 quarters, but none
of its actors. The network of ``bench/generate.py`` is written as an XLSX workbook (as
``bench/exchange.py`` does), then, as ``kiezgraph import --apply`` would:

1. **import into the empty network**: read, plan against the database (candidates and
   cooperations read by graph/imports.py), apply in one transaction (every actor and cooperation
   created, with its audit record);
2. **re-import the same workbook under another key**: read, plan (every actor is now
   existing, every cooperation exists), apply — which creates nothing.

Prints wall times per stage, rows/s and the process's peak RSS; the figures go into
bench/RESULTS.md. Not a test: no assertions on time. Run with ``make bench-import``.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import datetime as dt
import resource
import tempfile
import time
from pathlib import Path

from bench.common import neo4j_with_network
from bench.exchange import records, vocabulary
from bench.generate import generate
from core.access import Principal, Role
from core.context import Context
from exchange.reading import read
from exchange.writing import ExportInfo, write_xlsx
from graph.db import Database, Neo4jSettings
from resolvers import imports


async def _round(settings: Neo4jSettings, path: Path, key: str, vocab: object) -> dict[str, float | int]:
    db = Database(settings)
    try:
        ctx = Context.for_request(db, principal=Principal(Role.ADMIN, token_id="bench"))
        start = time.perf_counter()
        parsed = read(path, vocabulary=vocab)  # type: ignore[arg-type]
        read_s = time.perf_counter() - start
        plan = await imports.plan(db, parsed)
        plan_s = time.perf_counter() - start - read_s
        outcome = await imports.apply(ctx, parsed, [], key=key, file=path.name)
        apply_s = time.perf_counter() - start - read_s - plan_s
        assert outcome.value is not None, outcome.errors
        return {
            "read": read_s,
            "plan": plan_s,
            "apply": apply_s,
            "created": outcome.value.actors_created + outcome.value.cooperations_created,
            "undecided": len(plan.undecided),
        }
    finally:
        await db.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=2027)
    parser.add_argument("--actors", type=int, default=10_000)
    parser.add_argument("--cooperations", type=int, default=50_000)
    args = parser.parse_args()
    net = generate(args.seed, actors=args.actors, cooperations=args.cooperations)
    actors, cooperations = records(net)
    vocab = vocabulary(net)
    rows = len(actors) + len(cooperations)
    quarters_only = dataclasses.replace(net, actors=[], cooperations=[])
    with tempfile.TemporaryDirectory() as folder, neo4j_with_network(network=quarters_only, ties=[]) as (settings, _):
        path = Path(folder) / "berlin.xlsx"
        write_xlsx(path, actors, cooperations, ExportInfo(0, dt.datetime.now(dt.UTC), "bench"), vocabulary=vocab)
        print("| situation | read s | plan s | apply s | total s | rows/s | written | peak RSS MiB |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|")
        for situation, key in (("into the empty network", "first"), ("same workbook again", "second")):
            r = asyncio.run(_round(settings, path, key, vocab))
            total = r["read"] + r["plan"] + r["apply"]
            rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(
                f"| {situation} | {r['read']:.1f} | {r['plan']:.1f} | {r['apply']:.1f} | {total:.1f} "
                f"| {rows / total:,.0f} | {r['created']:,} | {rss:.0f} |"
            )


if __name__ == "__main__":
    main()
