"""Link-prediction baselines, ranking metrics and paired bootstrap intervals for the evaluation.

Everything here is plain computation on the network an evaluation shows (no Neo4j), so the
baselines see exactly what the method sees: the ties active on the evaluation day for
structure, and every tie ever recorded to rule partners out (as the API does).

Baselines rank every actor that is not the test actor and has never cooperated with it;
equal scores are ordered by actor id, so the rankings do not depend on hashing or dict order
(``PYTHONHASHSEED``).

- personalized PageRank from the actor, damping 0.85 (igraph's PRPACK);
- Adamic–Adar: sum over shared partners of 1/ln(degree);
- resource allocation: sum over shared partners of 1/degree (Zhou, Lü & Zhang 2009);
- Jaccard: shared partners / partners of either;
- common neighbours: the number of shared partners;
- random: a seeded sample.

Metrics at k (binary relevance: a hit is an actor the test actor went on to cooperate with):
precision@k = hits/k; recall@k = hits/|relevant|; MRR@k = 1/rank of the first hit (0 if none
in the top k); nDCG@k = sum of 1/log2(rank + 1) over hits, divided by the same for a perfect
ranking of min(k, |relevant|) hits.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

import numpy as np
from scipy import sparse

K = 10
METRICS = ("P@10", "R@10", "MRR@10", "nDCG@10")
Ranker = Callable[[str], list[str]]


@dataclass(frozen=True)
class Visible:
    """The network as an evaluation shows it: who is there, who works with whom on the day."""

    ids: list[str]  # every actor that can be suggested, sorted
    active: dict[str, set[str]]  # partners through ties active on the day
    ever: dict[str, set[str]]  # partners through any recorded tie, active or ended

    @classmethod
    def of(
        cls, actor_ids: Iterable[str], active_pairs: Iterable[tuple[str, str]], all_pairs: Iterable[tuple[str, str]]
    ) -> Visible:
        def adjacency(pairs: Iterable[tuple[str, str]]) -> dict[str, set[str]]:
            out: dict[str, set[str]] = {}
            for a, b in pairs:
                if a != b:
                    out.setdefault(a, set()).add(b)
                    out.setdefault(b, set()).add(a)
            return out

        return cls(sorted(set(actor_ids)), adjacency(active_pairs), adjacency(all_pairs))

    def excluded(self, actor: str) -> set[str]:
        return self.ever.get(actor, set()) | {actor}


def _top(scores: Mapping[str, float], excluded: set[str], fill: list[str], k: int = K) -> list[str]:
    """The k best by score (ties by id), topped up in id order when fewer have a score."""
    ranked = sorted((c for c, s in scores.items() if c not in excluded and s > 0), key=lambda c: (-scores[c], c))
    chosen = ranked[:k]
    if len(chosen) < k:
        seen = set(chosen)
        for c in fill:
            if c not in excluded and c not in seen:
                chosen.append(c)
                if len(chosen) == k:
                    break
    return chosen


def local(v: Visible, weight: Callable[[int], float]) -> Ranker:
    """Sums over shared partners of weight(degree of the shared partner)."""

    def rank(actor: str) -> list[str]:
        scores: dict[str, float] = {}
        for m in v.active.get(actor, ()):
            w = weight(len(v.active[m]))
            for c in v.active[m]:
                scores[c] = scores.get(c, 0.0) + w
        return _top(scores, v.excluded(actor), v.ids)

    return rank


def common_neighbours(v: Visible) -> Ranker:
    return local(v, lambda degree: 1.0)


def adamic_adar(v: Visible) -> Ranker:
    return local(v, lambda degree: 1.0 / math.log(degree) if degree > 1 else 0.0)


def resource_allocation(v: Visible) -> Ranker:
    return local(v, lambda degree: 1.0 / degree)


def jaccard(v: Visible) -> Ranker:
    def rank(actor: str) -> list[str]:
        mine = v.active.get(actor, set())
        near = {c for m in mine for c in v.active[m]}
        scores = {c: len(mine & v.active[c]) / len(mine | v.active[c]) for c in near}
        return _top(scores, v.excluded(actor), v.ids)

    return rank


class Walk:
    """Random walks on the network of the day: personalized PageRank for many actors at once."""

    def __init__(self, v: Visible) -> None:
        self.index = {a: i for i, a in enumerate(v.ids)}
        rows = [
            (self.index[a], self.index[b])
            for a, bs in v.active.items()
            for b in bs
            if a in self.index and b in self.index
        ]
        n = len(v.ids)
        src, dst = (np.array(x, dtype=np.int64) for x in zip(*rows, strict=True)) if rows else (np.zeros(0, int),) * 2
        self.degree = np.bincount(src, minlength=n).astype(float)
        # column-stochastic transition matrix of the walk (a dangling actor keeps its mass: it has no ties)
        self.step = sparse.csr_matrix((1.0 / self.degree[src], (dst, src)), shape=(n, n))

    def pagerank(self, actors: list[str], damping: float = 0.85, tolerance: float = 1e-10) -> np.ndarray:
        """Personalized PageRank from each actor (columns), by power iteration until the change is tiny.

        Mass that reaches an actor without ties stays there; only the walker's own start can be
        such an actor, and its column is then the start alone.
        """
        n = len(self.index)
        restart = np.zeros((n, len(actors)))
        restart[[self.index[a] for a in actors], np.arange(len(actors))] = 1.0
        x = restart.copy()
        for _ in range(1000):
            moved = self.step @ x
            moved += x * (self.degree == 0)[:, None]
            new = (1 - damping) * restart + damping * moved
            if np.abs(new - x).sum(axis=0).max() < tolerance:
                return new
            x = new
        return x


def personalized_pagerank(v: Visible, test: list[str], damping: float = 0.85) -> Ranker:
    """Computed for all test actors up front (one sparse product per step for all of them)."""
    walk = Walk(v)
    scores = walk.pagerank(test, damping) if test else np.zeros((len(v.ids), 0))
    column = {a: j for j, a in enumerate(test)}

    def rank(actor: str) -> list[str]:
        if not v.active.get(actor):
            return _top({}, v.excluded(actor), v.ids)  # an isolated actor: nothing to walk from
        return _top(dict(zip(v.ids, scores[:, column[actor]], strict=True)), v.excluded(actor), v.ids)

    return rank


def random_ranker(v: Visible, seed: int) -> Ranker:
    def rank(actor: str) -> list[str]:
        rng = random.Random(f"{seed}:{actor}")
        excluded = v.excluded(actor)
        pool = [c for c in v.ids if c not in excluded]
        return rng.sample(pool, min(K, len(pool)))

    return rank


def baselines(v: Visible, test: list[str], seed: int = 1) -> dict[str, Ranker]:
    return {
        "personalized PageRank (α 0.85)": personalized_pagerank(v, test),
        "Adamic–Adar": adamic_adar(v),
        "resource allocation": resource_allocation(v),
        "Jaccard": jaccard(v),
        "common neighbours": common_neighbours(v),
        "random": random_ranker(v, seed),
    }


def per_actor(ranked: list[str], relevant: set[str], k: int = K) -> tuple[float, float, float, float]:
    """(precision, recall, reciprocal rank, nDCG) at k for one actor."""
    hits = [i for i, c in enumerate(ranked[:k]) if c in relevant]
    dcg = sum(1 / math.log2(i + 2) for i in hits)
    ideal = sum(1 / math.log2(i + 2) for i in range(min(k, len(relevant))))
    return (len(hits) / k, len(hits) / len(relevant), 1 / (hits[0] + 1) if hits else 0.0, dcg / ideal if ideal else 0.0)


def evaluate(rankings: Mapping[str, list[str]], relevant: Mapping[str, set[str]], test: list[str]) -> np.ndarray:
    """Per test actor (rows, in ``test`` order) the four metrics (columns)."""
    return np.array([per_actor(rankings[a], relevant[a]) for a in test])


@dataclass(frozen=True)
class Interval:
    mean: float
    low: float
    high: float

    def __str__(self) -> str:
        return f"{self.mean:.3f} ({self.low:.3f}–{self.high:.3f})"

    def signed(self) -> str:
        # Four decimals: the differences between the strong methods are a few thousandths, and at
        # three a lower bound of +0.0004 and one of −0.0004 both print as ±0.000.
        return f"{self.mean:+.4f} ({self.low:+.4f} to {self.high:+.4f})"


def bootstrap(
    results: Mapping[str, np.ndarray], reference: str, resamples: int = 2000, seed: int = 2027
) -> tuple[dict[str, list[Interval]], dict[str, list[Interval]]]:
    """Means with 95 % percentile intervals, and differences to ``reference`` with theirs.

    Paired: each resample draws the same test actors for every method, so the interval of a
    difference reflects how the two methods differ actor by actor, not their separate spreads.
    """
    n = len(next(iter(results.values())))
    draws = np.random.default_rng(seed).integers(0, n, size=(resamples, n))

    def interval(values: np.ndarray) -> list[Interval]:
        means = values[draws].mean(axis=1)  # (resamples, metrics)
        low, high = np.percentile(means, [2.5, 97.5], axis=0)
        return [
            Interval(float(m), float(lo), float(hi)) for m, lo, hi in zip(values.mean(axis=0), low, high, strict=True)
        ]

    levels = {name: interval(values) for name, values in results.items()}
    differences = {name: interval(values - results[reference]) for name, values in results.items() if name != reference}
    return levels, differences


def tables(results: Mapping[str, np.ndarray], reference: str, resamples: int = 2000) -> str:
    """Two markdown tables: each method's metrics, and each method minus the reference."""
    levels, differences = bootstrap(results, reference, resamples)
    head = "| method | " + " | ".join(METRICS) + " |\n|---|" + "---:|" * len(METRICS)
    lines = [head] + [f"| {name} | " + " | ".join(str(i) for i in row) + " |" for name, row in levels.items()]
    lines += [
        "",
        f"Difference to {reference} (paired bootstrap, 95 % interval):",
        "",
        head.replace("| method |", "| method − reference |"),
    ]
    lines += [f"| {name} | " + " | ".join(i.signed() for i in row) + " |" for name, row in differences.items()]
    return "\n".join(lines)
