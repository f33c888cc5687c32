"""A network that grows over time, for evaluating partner suggestions on a temporal split.

bench/generate.py plants communities that lean to action fields and sit around quarter
centres, so the attributes the suggestion method reads ("shared fields", "same quarter")
reveal the planted structure directly. Here ties form by processes that the attributes only
partly reflect, month by month from ``first_year`` to ``last_year``:

- **projects**: an actor (chosen by its activity) starts a project on one of its interests and
  recruits 1–5 members — partners of those already in it, actors nearby interested in the
  theme, actors nearby, or well-known actors; the starter ties with every member, members with
  each other by chance;
- **triadic closure**: an actor meets a partner of one of its partners;
- **proximity**: an actor meets one nearby (a kernel e^(-metres/reach), across quarter borders);
- **preferential attachment**: an actor meets one that already has many partners;
- **noise**: an actor meets anyone.

What the data records is a noisy view of that: locations for only some actors, recorded
action fields that miss some interests and name others, quarters derived from where an actor
sits (the nearest quarter centre, sometimes a second one). Actors enter over the years; some
leave (their ties end); some ties end on their own. Every node and tie is flagged synthetic.

Two parameterisations: ``TUNING`` is the one the method was developed on; ``HELD_OUT`` was
written down before any tuning and is only evaluated, never tuned on (see
bench/evaluate_suggestions.py).
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import itertools
import math
import random
from dataclasses import dataclass, replace

import numpy as np

from bench.generate import CURRENT_FIELDS, KINDS, PREFIX, TYPES, WORDS, Network
from graph.ids import seed_id
from graph.names import name_key, search_key, sort_key

METRES_PER_DEGREE_LAT = 111_320.0


@dataclass(frozen=True)
class Growth:
    """How a network grows. The five event shares add up to 1."""

    name: str
    seed: int
    actors: int = 3000
    cooperations: int = 15_000
    quarters: int = 32
    first_year: int = 2005
    last_year: int = 2024
    project: float = 0.40  # share of events that are projects (each makes several ties)
    closure: float = 0.25
    proximity: float = 0.15
    popularity: float = 0.10
    noise: float = 0.10
    reach_m: float = 800.0  # proximity kernel e^(-metres/reach)
    theme: float = 0.6  # chance a project recruits among actors interested in its theme
    network_recruit: float = 0.35  # chance a project recruits among its members' partners
    founders: float = 0.4  # share of actors present from the first month
    leaving: float = 0.12  # share of actors that leave at some point (their ties end)
    ending: float = 0.25  # share of ties that end on their own after 1–6 years
    located: float = 0.8  # share of actors with a recorded location
    field_drop: float = 0.2  # chance an interest is missing from the recorded action fields
    field_add: float = 0.15  # chance a recorded action field is no interest at all
    spread_m: float = 600.0  # actors scatter around their quarter's centre (standard deviation)

    def shares(self) -> list[float]:
        return [self.project, self.closure, self.proximity, self.popularity, self.noise]


# The network the method is developed and tuned on.
TUNING = Growth(name="growth A (tuning)", seed=21)
# Decided before any tuning and never tuned on: fewer projects, more popularity and noise, a longer
# proximity reach, weaker themes, poorer records, faster growth, more endings, fewer and larger quarters.
HELD_OUT = Growth(
    name="growth B (held out)",
    seed=58,
    actors=4000,
    cooperations=16_000,
    quarters=24,
    project=0.25,
    closure=0.15,
    proximity=0.20,
    popularity=0.20,
    noise=0.20,
    reach_m=1500.0,
    theme=0.4,
    network_recruit=0.25,
    founders=0.25,
    leaving=0.18,
    ending=0.35,
    located=0.65,
    field_drop=0.35,
    field_add=0.3,
    spread_m=800.0,
)

# A third growth, written down at 19:17 UTC after B's single run and before any run on it, to test the
# rules B suggested (bench/RESULTS.md, third round;
# bench/round3.py and bench/evaluate_suggestions.py): evaluated once, never tuned on.
GROWTH_C = Growth(
    name="growth C (held out, third round)",
    seed=93,
    actors=3500,
    cooperations=14_000,
    quarters=28,
    project=0.30,
    closure=0.20,
    proximity=0.15,
    popularity=0.15,
    noise=0.20,
    reach_m=1100.0,
    theme=0.5,
    network_recruit=0.3,
    founders=0.3,
    leaving=0.15,
    ending=0.30,
    located=0.7,
    field_drop=0.3,
    field_add=0.2,
    spread_m=700.0,
)


def month_start(first_year: int, month: int) -> dt.date:
    return dt.date(first_year + month // 12, month % 12 + 1, 1)


def _day_in(rng: random.Random, first_year: int, month: int) -> dt.date:
    return month_start(first_year, month) + dt.timedelta(days=rng.randrange(28))


class _Grower:
    """The state of a growing network: who is present, who works with whom."""

    def __init__(self, p: Growth) -> None:
        self.p = p
        self.rng = random.Random(p.seed)
        self.np = np.random.default_rng(p.seed)
        self.months = (p.last_year - p.first_year + 1) * 12
        self.partners: list[set[int]] = [set() for _ in range(p.actors)]  # current partners
        self.ever: list[set[int]] = [set() for _ in range(p.actors)]  # anyone ever tied
        self.degree = np.zeros(p.actors)
        self.ties: list[dict] = []
        self.ends: dict[int, list[tuple[int, int, int]]] = {}  # month -> ties ending then (tie, a, b)

    def place(self) -> None:
        p, rng = self.p, self.rng
        self.centres = [(52.45 + 0.11 * rng.random(), 13.28 + 0.27 * rng.random()) for _ in range(p.quarters)]
        sizes = list(itertools.accumulate(1.0 / (1 + i) ** 0.6 for i in range(p.quarters)))
        home = [rng.choices(range(p.quarters), cum_weights=sizes)[0] for _ in range(p.actors)]
        lat0 = math.radians(52.5)
        self.xy = np.array(
            [
                (
                    (self.centres[q][1] - 13.28) * METRES_PER_DEGREE_LAT * math.cos(lat0) + rng.gauss(0, p.spread_m),
                    (self.centres[q][0] - 52.45) * METRES_PER_DEGREE_LAT + rng.gauss(0, p.spread_m),
                )
                for q in home
            ]
        )
        self.centre_xy = np.array(
            [
                ((lon - 13.28) * METRES_PER_DEGREE_LAT * math.cos(lat0), (lat - 52.45) * METRES_PER_DEGREE_LAT)
                for lat, lon in self.centres
            ]
        )
        self.activity = np.array([min(rng.paretovariate(1.6), 60.0) for _ in range(p.actors)])
        self.interests = [sorted(rng.sample(CURRENT_FIELDS, rng.choice([1, 1, 2, 2, 3]))) for _ in range(p.actors)]
        self.entry = [0 if rng.random() < p.founders else rng.randrange(self.months) for _ in range(p.actors)]
        self.exit = [
            min(self.months, e + 24 + rng.randrange(self.months)) if rng.random() < p.leaving else self.months
            for e in self.entry
        ]

    def present(self, month: int) -> np.ndarray:
        return np.array([self.entry[i] <= month < self.exit[i] for i in range(self.p.actors)])

    def pick(self, weights: np.ndarray) -> int | None:
        total = weights.sum()
        if total <= 0:
            return None
        return int(np.searchsorted(np.cumsum(weights), self.np.random() * total, side="right"))

    def near(self, i: int, alive: np.ndarray) -> np.ndarray:
        d = np.hypot(*(self.xy - self.xy[i]).T)
        return np.exp(-d / self.p.reach_m) * alive

    def link(self, a: int, b: int, month: int, kind: str | None, theme: str | None) -> bool:
        if a == b or b in self.ever[a]:
            return False
        rng = self.rng
        self.partners[a].add(b), self.partners[b].add(a)
        self.ever[a].add(b), self.ever[b].add(a)
        self.degree[a] += 1
        self.degree[b] += 1
        end = min(self.exit[a], self.exit[b])
        if rng.random() < self.p.ending:
            end = min(end, month + 12 + rng.randrange(60))
        if end < self.months:
            self.ends.setdefault(end, []).append((len(self.ties), a, b))
        shared = sorted(set(self.interests[a]) & set(self.interests[b])) or self.interests[a]
        self.ties.append(
            {
                "a": a,
                "b": b,
                "since": _day_in(rng, self.p.first_year, month),
                "until": None,
                "end": end,
                "kind": kind or rng.choices([k for k, _ in KINDS], [w for _, w in KINDS])[0],
                "field": theme or rng.choice(shared),
            }
        )
        return True

    def close(self, month: int) -> None:
        for t, a, b in self.ends.pop(month, []):
            self.partners[a].discard(b), self.partners[b].discard(a)
            self.degree[a] -= 1
            self.degree[b] -= 1
            self.ties[t]["until"] = month_start(self.p.first_year, month) - dt.timedelta(days=1)

    def closure(self, i: int) -> int | None:
        mine = sorted(self.partners[i])
        for _ in range(5):
            if not mine:
                return None
            m = self.rng.choice(mine)
            theirs = sorted(self.partners[m] - self.ever[i] - {i})
            if theirs:
                return self.rng.choice(theirs)
        return None

    def project(self, i: int, month: int, alive: np.ndarray) -> None:
        p, rng = self.p, self.rng
        theme = rng.choice(self.interests[i])
        members = [i]
        for _ in range(1 + sum(rng.random() < 0.4 for _ in range(4))):
            roll = rng.random()
            new: int | None = None
            if roll < p.network_recruit:
                around = sorted(set().union(*(self.partners[m] for m in members)) - set(members))
                new = rng.choice(around) if around else None
            elif roll < p.network_recruit + (1 - p.network_recruit) * p.theme:
                interested = np.array([theme in f for f in self.interests])
                new = self.pick(self.near(i, alive) * interested)
            elif rng.random() < 0.75:
                new = self.pick(self.near(i, alive))
            else:
                new = self.pick((self.degree + 1) * alive)
            if new is not None and new not in members and alive[new]:
                members.append(new)
        for m in members[1:]:
            self.link(i, m, month, "project_partnership", theme)
        for a, b in itertools.combinations(members[1:], 2):
            if rng.random() < 0.5:
                self.link(a, b, month, "project_partnership", theme)

    def grow(self) -> None:
        p, rng = self.p, self.rng
        alive_per_month = [self.present(m) for m in range(self.months)]
        load = np.cumsum([a.sum() for a in alive_per_month])
        events = ["project", "closure", "proximity", "popularity", "noise"]
        month = 0
        alive = alive_per_month[0]
        active = self.activity * alive
        while len(self.ties) < p.cooperations:
            due = bisect.bisect_left(load, len(self.ties) / p.cooperations * load[-1])
            while month < min(due, self.months - 1):
                month += 1
                self.close(month)
                alive = alive_per_month[month]
                active = self.activity * alive
            i = self.pick(active)
            if i is None:
                continue
            event = rng.choices(events, p.shares())[0]
            if event == "project":
                self.project(i, month, alive)
                continue
            if event == "closure":
                other = self.closure(i)
            elif event == "proximity":
                other = self.pick(self.near(i, alive))
            elif event == "popularity":
                other = self.pick((self.degree + 1) * alive)
            else:
                other = self.pick(alive.astype(float))
            if other is not None:
                self.link(i, other, month, None, None)
        self.ties = self.ties[: p.cooperations]
        for later in range(month + 1, self.months):  # ties that end before the last month closes
            self.ends[later] = [e for e in self.ends.get(later, []) if e[0] < len(self.ties)]
            self.close(later)

    def network(self) -> Network:
        p, rng = self.p, self.rng
        net = Network(seed=p.seed)
        for q, (lat, lon) in enumerate(self.centres):
            name = f"Wachsendes Quartier {q + 1:02d}"
            net.quarters.append(
                {
                    "id": seed_id("growth-quarter", f"{p.seed}:{q}"),
                    "lat": lat,
                    "lon": lon,
                    "props": {
                        "slug": f"grow-{q + 1:02d}",
                        "name": name,
                        "altNames": [],
                        "searchKey": search_key([name]),
                        "sortName": sort_key(name),
                        "district": "Synthetic",
                        "city": "Berlin",
                        "status": "active",
                        "startYear": p.first_year,
                        "sources": ["synthetic benchmark data"],
                        "synthetic": True,
                    },
                }
            )
        lat0 = math.radians(52.5)
        for i in range(p.actors):
            actor_type = rng.choices([t for t, _ in TYPES], [w for _, w in TYPES])[0]
            name = f"{rng.choice(PREFIX[actor_type])} {rng.choice(WORDS)} {i:05d}"
            d = np.hypot(*(self.centre_xy - self.xy[i]).T)
            order = np.argsort(d)
            entered = _day_in(rng, p.first_year, self.entry[i])
            quarters = [int(order[0])] + ([int(order[1])] if rng.random() < 0.1 else [])
            recorded = {f for f in self.interests[i] if rng.random() >= p.field_drop}
            if rng.random() < p.field_add:
                recorded.add(rng.choice(CURRENT_FIELDS))
            x, y = self.xy[i]
            located = rng.random() < p.located
            net.actors.append(
                {
                    "id": seed_id("growth-actor", f"{p.seed}:{i}"),
                    "type": actor_type,
                    "lat": 52.45 + y / METRES_PER_DEGREE_LAT if located else None,
                    "lon": 13.28 + x / (METRES_PER_DEGREE_LAT * math.cos(lat0)) if located else None,
                    "createdAt": dt.datetime.combine(entered, dt.time(9), dt.UTC).isoformat(),
                    "entered": entered,
                    "quarters": [{"quarter": net.quarters[q]["id"], "since": entered, "until": None} for q in quarters],
                    "fields": sorted(recorded),
                    "props": {
                        "name": name,
                        "altNames": [],
                        "searchKey": search_key([name]),
                        "nameKey": name_key(name),
                        "sortName": sort_key(name),
                        "tags": [],
                        "sources": ["synthetic benchmark data"],
                    },
                }
            )
        for t in self.ties:
            a, b = sorted((t["a"], t["b"]))
            net.cooperations.append(
                {
                    "id": seed_id("growth-cooperation", f"{p.seed}:{a}~{b}"),
                    "a": net.actors[a]["id"],
                    "b": net.actors[b]["id"],
                    "props": {
                        "kind": t["kind"],
                        "actionFields": [t["field"]],
                        "since": t["since"],
                        "until": t["until"],
                        "intensity": rng.choice([1, 1, 2, 2, 2, 3]),
                        "source": "synthetic benchmark data",
                    },
                }
            )
        return net


def grow(p: Growth = TUNING) -> Network:
    """The grown network; actors carry ``entered`` (the day they appear) besides what is loaded."""
    grower = _Grower(p)
    grower.place()
    grower.grow()
    return grower.network()


def summary(net: Network) -> str:
    degrees = net.degrees()
    top = sorted(degrees.values(), reverse=True)
    ended = sum(c["props"]["until"] is not None for c in net.cooperations)
    years = sorted(c["props"]["since"].year for c in net.cooperations)
    return (
        f"seed {net.seed}: {len(net.quarters)} quarters, {len(net.actors)} actors, {len(net.cooperations)} "
        f"cooperations ({ended} ended); mean degree {2 * len(net.cooperations) / len(net.actors):.1f}, max "
        f"{top[0]}, isolates {len(net.actors) - len(degrees)}; ties from {years[0]} to {years[-1]}, "
        f"median {years[len(years) // 2]}"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="Print a summary of a grown network (nothing is loaded).")
    parser.add_argument("--held-out", action="store_true", help="the held-out parameterisation (summary only)")
    parser.add_argument("--actors", type=int)
    args = parser.parse_args()
    chosen = HELD_OUT if args.held_out else TUNING
    if args.actors:
        chosen = replace(chosen, actors=args.actors, cooperations=chosen.cooperations * args.actors // chosen.actors)
    print(summary(grow(chosen)))
