"""A Berlin-scale synthetic network with planted structure, reproducible from a seed.

32 quarters (Berlin has 32 QM areas since 2021), 10,000 actors and 50,000 cooperations by
default. Structure is planted so that analyses have something to find: each quarter holds
three communities, each leaning towards one action field; 70 % of cooperations stay inside
a community, 20 % cross communities within the quarter, 10 % reach another quarter (mostly a
neighbouring one); how many partners an actor has follows a heavy-tailed distribution. Every
generated node and tie is flagged synthetic; the community is kept as ``benchCommunity``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import math
import random
from dataclasses import dataclass, field
from typing import Any

from graph.ids import seed_id
from graph.names import name_key, search_key, sort_key

CURRENT_FIELDS = [
    "nachbarschaft-integration",
    "bildung",
    "oeffentlicher-raum",
    "gesundheit-bewegung",
    "beteiligung-vernetzung-kooperation",
    "klimaschutz-anpassung",
]
TYPES = [("Institution", 0.30), ("Initiative", 0.35), ("Company", 0.25), ("HousingAssociation", 0.10)]
KINDS = [
    ("project_partnership", 0.30),
    ("working_group", 0.20),
    ("regular_exchange", 0.20),
    ("funding", 0.08),
    ("space_provision", 0.10),
    ("project_sponsorship", 0.07),
    ("donation", 0.05),
]
PREFIX = {
    "Institution": ["Kita", "Grundschule", "Bibliothek", "Jugendclub", "Familienzentrum", "Stadtteilzentrum"],
    "Initiative": ["Initiative", "Verein", "Elterncafé", "Nachbarschaftsgarten", "Mieterbeirat", "Lesepaten"],
    "Company": ["Bäckerei", "Werkstatt", "Café", "Beratung", "Druckerei", "Laden"],
    "HousingAssociation": ["Wohnbau", "Wohnen", "Siedlungsbau", "Hausverwaltung"],
}
WORDS = [
    "Sonne",
    "Linde",
    "Brücke",
    "Hof",
    "Eck",
    "Kiez",
    "Garten",
    "Weg",
    "Platz",
    "Ufer",
    "Mühle",
    "Stern",
    "Welle",
    "Anker",
    "Bogen",
    "Feld",
    "Hain",
    "Quelle",
    "Turm",
    "Wiese",
]
COMMUNITIES_PER_QUARTER = 3


@dataclass
class Network:
    seed: int
    quarters: list[dict[str, Any]] = field(default_factory=list)
    actors: list[dict[str, Any]] = field(default_factory=list)
    cooperations: list[dict[str, Any]] = field(default_factory=list)

    def actor_ids(self) -> list[str]:
        return [a["id"] for a in self.actors]

    def degrees(self) -> dict[str, int]:
        """Cooperations per actor id (actors without any are absent)."""
        degree: dict[str, int] = {}
        for c in self.cooperations:
            degree[c["a"]] = degree.get(c["a"], 0) + 1
            degree[c["b"]] = degree.get(c["b"], 0) + 1
        return degree


def _weighted(rng: random.Random, options: list[tuple[str, float]]) -> str:
    return rng.choices([o for o, _ in options], weights=[w for _, w in options])[0]


def _date(rng: random.Random, start: int, end: int) -> dt.date:
    return dt.date(rng.randint(start, end), rng.randint(1, 12), rng.randint(1, 28))


def generate(seed: int = 2027, quarters: int = 32, actors: int = 10_000, cooperations: int = 50_000) -> Network:
    rng = random.Random(seed)
    net = Network(seed=seed)
    centres = []
    for i in range(quarters):
        lat, lon = 52.45 + 0.11 * rng.random(), 13.28 + 0.27 * rng.random()
        centres.append((lat, lon))
        name = f"Synthetisches Quartier {i + 1:02d}"
        net.quarters.append(
            {
                "id": seed_id("bench-quarter", f"{seed}:{i}"),
                "lat": lat,
                "lon": lon,
                "props": {
                    "slug": f"synth-{i + 1:02d}",
                    "name": name,
                    "altNames": [],
                    "searchKey": search_key([name]),
                    "sortName": sort_key(name),
                    "district": "Synthetic",
                    "city": "Berlin",
                    "status": "active",
                    "startYear": rng.choice([1999, 2005, 2009, 2016, 2021]),
                    "sources": ["synthetic benchmark data"],
                    "synthetic": True,
                },
            }
        )
    # Quarter sizes vary (a few large estates, many small areas).
    quarter_cum = list(itertools.accumulate(1.0 / (1 + i) ** 0.6 for i in range(quarters)))
    members: dict[tuple[int, int], list[int]] = {}
    home: list[tuple[int, int]] = []
    created = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    for i in range(actors):
        q = rng.choices(range(quarters), cum_weights=quarter_cum)[0]
        c = rng.randrange(COMMUNITIES_PER_QUARTER)
        home.append((q, c))
        members.setdefault((q, c), []).append(i)
        actor_type = _weighted(rng, TYPES)
        name = f"{rng.choice(PREFIX[actor_type])} {rng.choice(WORDS)} {i:05d}"
        leaning = CURRENT_FIELDS[(q + c) % len(CURRENT_FIELDS)]
        fields = sorted({leaning, *rng.sample(CURRENT_FIELDS, rng.randint(0, 2))})
        since = _date(rng, 1995, 2022)
        memberships = [{"quarter": net.quarters[q]["id"], "since": since, "until": None}]
        if rng.random() < 0.15:
            other = (q + rng.choice([-1, 1])) % quarters
            memberships.append({"quarter": net.quarters[other]["id"], "since": _date(rng, 2005, 2023), "until": None})
        located = rng.random() < 0.8
        lat = centres[q][0] + rng.gauss(0, 0.003) if located else None
        lon = centres[q][1] + rng.gauss(0, 0.0045) if located else None
        net.actors.append(
            {
                "id": seed_id("bench-actor", f"{seed}:{i}"),
                "type": actor_type,
                "lat": lat,
                "lon": lon,
                "createdAt": (created + dt.timedelta(minutes=i)).isoformat(),
                "quarters": memberships,
                "fields": fields,
                "props": {
                    "name": name,
                    "altNames": [],
                    "searchKey": search_key([name]),
                    "nameKey": name_key(name),
                    "sortName": sort_key(name),
                    "tags": [],
                    "sources": ["synthetic benchmark data"],
                    "benchCommunity": f"{q}:{c}",
                },
            }
        )
    # Heavy-tailed activity: a few actors are hubs.
    activity = list(itertools.accumulate(rng.paretovariate(1.6) for _ in range(actors)))
    everyone = range(actors)
    seen: set[tuple[int, int]] = set()
    while len(net.cooperations) < cooperations:
        a = rng.choices(everyone, cum_weights=activity)[0] if len(net.cooperations) % 2 else rng.randrange(actors)
        q, c = home[a]
        roll = rng.random()
        if roll < 0.7:
            pool = members[(q, c)]
        elif roll < 0.9:
            pool = members.get((q, (c + rng.randint(1, COMMUNITIES_PER_QUARTER - 1)) % COMMUNITIES_PER_QUARTER), [])
        else:
            near = (q + rng.choice([-2, -1, 1, 2])) % quarters if rng.random() < 0.7 else rng.randrange(quarters)
            pool = members.get((near, rng.randrange(COMMUNITIES_PER_QUARTER)), [])
        if not pool:
            continue
        b = pool[int(len(pool) * rng.random() ** 1.5)]  # earlier members are better connected
        pair = (min(a, b), max(a, b))
        if a == b or pair in seen:
            continue
        seen.add(pair)
        since = _date(rng, 2000, 2024)
        until = None
        if rng.random() < 0.2:
            until = min(since + dt.timedelta(days=rng.randint(365, 6 * 365)), dt.date(2025, 12, 31))
        shared = sorted(set(net.actors[a]["fields"]) & set(net.actors[b]["fields"])) or net.actors[a]["fields"]
        net.cooperations.append(
            {
                "id": seed_id("bench-cooperation", f"{seed}:{pair[0]}~{pair[1]}"),
                "a": net.actors[pair[0]]["id"],
                "b": net.actors[pair[1]]["id"],
                "props": {
                    "kind": _weighted(rng, KINDS),
                    "actionFields": [rng.choice(shared)],
                    "since": since,
                    "until": until,
                    "intensity": rng.choice([1, 1, 2, 2, 2, 3]),
                    "source": "synthetic benchmark data",
                },
            }
        )
    return net


def summary(net: Network) -> str:
    degrees = net.degrees()
    top = sorted(degrees.values(), reverse=True)
    mean = 2 * len(net.cooperations) / max(1, len(net.actors))
    return (
        f"seed {net.seed}: {len(net.quarters)} quarters, {len(net.actors)} actors, "
        f"{len(net.cooperations)} cooperations; mean degree {mean:.1f}, max {top[0] if top else 0}, "
        f"isolates {len(net.actors) - len(degrees)}; log10 span {math.log10(max(top[0], 1)):.1f}"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="Print a summary of a generated network (nothing is loaded).")
    parser.add_argument("--seed", type=int, default=2027)
    parser.add_argument("--actors", type=int, default=10_000)
    parser.add_argument("--cooperations", type=int, default=50_000)
    args = parser.parse_args()
    print(summary(generate(args.seed, actors=args.actors, cooperations=args.cooperations)))
