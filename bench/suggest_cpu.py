"""Thread CPU of one suggestion's pool and ranking from the in-memory snapshot, and a fingerprint of the answers.

Against a Neo4j holding the Berlin-scale network (``bench.common.neo4j_with_network``): the snapshot is built
in-process, then for the load test's actors (the same seeded sample of 2,000, the first ``--actors``) the
resolver's pool (resolvers/suggestions.py ``pool``, its thread work run inline) and ``analysis.suggestions.rank``
(the shipped model, ``first`` 5, as bench/load.py asks) are timed with ``time.thread_time`` (CPU of this thread
only: steadier on a shared machine than the clock). Printed: the median and mean per phase, and a fingerprint
(sha256) of every answer — candidate ids, scores, reasons in both languages with their contributions, distances
and shared partners — so that two checkouts can be shown to answer the same::

    PYTHONPATH=$PWD .venv/bin/python -m bench.suggest_cpu --uri bolt://127.0.0.1:PORT --password-file HOME/password
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import hashlib
import json
import random
import statistics
import time
from pathlib import Path
from typing import Any

from analysis import candidates as in_memory
from analysis import suggestions as scoring
from core.access import Principal, Role
from core.context import Context
from core.services import Services
from graph import quarters as graph_quarters
from graph import suggestions as graph_suggestions
from graph.db import Database, Neo4jSettings
from resolvers import suggestions as resolvers

ADMIN = Principal(Role.ADMIN, token_id="suggest-cpu")
ACTORS = "MATCH (a:Actor) WHERE a.synthetic AND NOT a.archived RETURN a.id AS id ORDER BY id"


class _Inline:
    """``asyncio`` as resolvers/suggestions.py sees it here: ``to_thread`` runs on the caller's thread, so that
    its CPU is this thread's."""

    def __getattr__(self, name: str) -> Any:
        return getattr(asyncio, name)

    @staticmethod
    async def to_thread(func: Any, /, *args: Any, **kwargs: Any) -> Any:
        return func(*args, **kwargs)


async def main(uri: str, password: str, count: int, rounds: int) -> None:
    db = Database(Neo4jSettings(uri, "neo4j", password, query_timeout=600.0))
    actors = random.Random(2027).sample([r["id"] for r in await db.read(ACTORS)], 2000)[:count]
    rows, ties = await graph_suggestions.snapshot_rows(db)
    snapshot = in_memory.Snapshot(rows, ties, await graph_quarters.all_quarters(db))
    resolvers.asyncio = _Inline()  # type: ignore[attr-defined]
    services, model, day = Services(), scoring.DEFAULT_MODEL, dt.date.today()
    pools: list[float] = []
    ranks: list[float] = []
    answers: list[Any] = []
    for r in range(rounds):  # the first round also fills what the snapshot keeps per day
        for actor in actors:
            ctx = Context.for_request(db, services, principal=ADMIN)
            started = time.thread_time()
            found, context = await resolvers.pool(ctx, actor, None, None, None, day, None, True, snapshot, True)
            pooled = time.thread_time()
            shown = scoring.rank(found, context, model, 5)
            pools.append(pooled - started)
            ranks.append(time.thread_time() - pooled)
            if r == 0:
                answers.append(
                    [
                        actor,
                        [
                            (
                                s.candidate.id,
                                repr(s.score),
                                [(x.kind, x.text, x.text_de, repr(x.contribution)) for x in s.reasons],
                                repr(s.distance_m),
                                s.shared_partner_ids,
                            )
                            for s in shown
                        ],
                    ]
                )
    await db.close()
    ms = 1000
    print(
        f"{count} actors × {rounds} rounds: pool {statistics.median(pools) * ms:.2f} ms median "
        f"(mean {statistics.mean(pools) * ms:.2f}), ranking {statistics.median(ranks) * ms:.2f} ms "
        f"(mean {statistics.mean(ranks) * ms:.2f}); answers sha256 "
        f"{hashlib.sha256(json.dumps(answers).encode()).hexdigest()[:16]}"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--uri", required=True)
    parser.add_argument("--password-file", type=Path, required=True)
    parser.add_argument("--actors", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    asyncio.run(main(args.uri, args.password_file.read_text().strip(), args.actors, args.rounds))
