"""Evaluation of partner suggestions by link prediction on a network with planted structure.

A synthetic network (bench/generate.py: communities inside quarters, each leaning to an action
field; heavy-tailed degrees) is generated; 10 % of its cooperations are hidden (a seeded random
sample) and the rest is loaded into Neo4j. For each test actor — one with at least one hidden
cooperation — the top 10 suggestions are compared with its hidden partners:

- precision@10: hidden partners among the 10 suggestions, divided by 10;
- recall@10: hidden partners among the 10 suggestions, divided by its hidden partners;

averaged over test actors, beside two baselines computed on the same visible network: random
(10 actors it does not cooperate with) and plain common neighbours (the 10 non-partners sharing
most partners; ties broken at random).

Run: ``make bench-suggestions`` (or ``python -m bench.evaluate_suggestions``).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
from collections import Counter
from collections.abc import Callable

from analysis.suggestions import Weights
from bench.common import neo4j_with_network
from bench.generate import Network, generate
from core.access import Principal, Role
from core.context import Context
from graph.db import Database, Neo4jSettings
from resolvers import ids, suggestions

K = 10


def split(net: Network, hidden_share: float, seed: int) -> tuple[list[dict], list[dict]]:
    rng = random.Random(seed)
    ties = list(net.cooperations)
    rng.shuffle(ties)
    cut = int(len(ties) * hidden_share)
    return ties[cut:], ties[:cut]


def neighbours(ties: list[dict]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for t in ties:
        out.setdefault(t["a"], set()).add(t["b"])
        out.setdefault(t["b"], set()).add(t["a"])
    return out


def random_baseline(everyone: list[str], known: dict[str, set[str]], rng: random.Random) -> Callable[[str], list[str]]:
    def pick(actor: str) -> list[str]:
        chosen: list[str] = []
        while len(chosen) < K:
            other = rng.choice(everyone)
            if other != actor and other not in known.get(actor, set()) and other not in chosen:
                chosen.append(other)
        return chosen

    return pick


def common_neighbours(known: dict[str, set[str]], rng: random.Random) -> Callable[[str], list[str]]:
    def pick(actor: str) -> list[str]:
        mine = known.get(actor, set())
        counts = Counter(c for m in mine for c in known.get(m, set()) if c != actor and c not in mine)
        ranked = sorted(counts, key=lambda c: (-counts[c], rng.random()))
        return ranked[:K]

    return pick


def scores(picks: dict[str, list[str]], hidden: dict[str, set[str]]) -> tuple[float, float]:
    precision = [len(set(p) & hidden[a]) / K for a, p in picks.items()]
    recall = [len(set(p) & hidden[a]) / len(hidden[a]) for a, p in picks.items()]
    return statistics.mean(precision), statistics.mean(recall)


async def ours(settings: Neo4jSettings, test: list[str]) -> dict[str, list[str]]:
    db = Database(settings)
    picks = {}
    try:
        for actor in test:
            ctx = Context.for_request(db, principal=Principal(Role.RESEARCHER, token_id="evaluation"))
            result = await suggestions.suggest(ctx, ids.encode("Actor", actor), None, None, None, K, Weights())
            picks[actor] = [s.actor.id for s in result.suggestions]
    finally:
        await db.close()
    return picks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--actors", type=int, default=3000)
    parser.add_argument("--cooperations", type=int, default=15000)
    parser.add_argument("--test-actors", type=int, default=400)
    args = parser.parse_args()
    net = generate(args.seed, actors=args.actors, cooperations=args.cooperations)
    visible, hidden_ties = split(net, 0.10, args.seed)
    hidden = neighbours(hidden_ties)
    known = neighbours(visible)
    rng = random.Random(args.seed)
    test = sorted(hidden)
    rng.shuffle(test)
    test = sorted(test[: args.test_actors])
    with neo4j_with_network(network=net, ties=visible) as (settings, _):
        method = asyncio.run(ours(settings, test))
    everyone = net.actor_ids()
    rows = [
        ("kiezgraph suggestPartners (default weights)", scores(method, hidden)),
        ("common neighbours", scores({a: common_neighbours(known, random.Random(1))(a) for a in test}, hidden)),
        ("random", scores({a: random_baseline(everyone, known, random.Random(2))(a) for a in test}, hidden)),
    ]
    print(
        f"\nPlanted network (seed {args.seed}): {len(net.quarters)} quarters, {len(net.actors)} actors, "
        f"{len(net.cooperations)} cooperations; {len(hidden_ties)} hidden (10 %); {len(test)} test actors.\n"
    )
    print("| method | precision@10 | recall@10 |")
    print("|---|---:|---:|")
    for name, (p, r) in rows:
        print(f"| {name} | {p:.3f} | {r:.3f} |")


if __name__ == "__main__":
    main()
