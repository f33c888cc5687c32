"""Issue #11, phase 1: read and plan a Berlin-scale workbook, without a database.

The network of ``bench/generate.py`` (10,000 actors, 50,000 cooperations, 32 quarters) is
written to an XLSX file with ``exchange.writing`` (actors and cooperations sheets, as the
export writes them), then read (``exchange.reading.read``) and planned (``exchange.plan.build``)
in two situations:

- **into an empty database**: nothing to match but the file itself (duplicates inside the file,
  fuzzy over quarter/type blocks), every cooperation resolved by name to a row;
- **re-import of the same network**: all 10,000 actors are given as existing, so every row is
  matched (same id, same name and the fuzzy search), and every cooperation is found to exist.

Each situation runs in a fresh process (so peak RSS is its own): three timed rounds (the table
gives the median and the fastest, as the machine is shared), then in another process once under
``tracemalloc`` for the peak of Python's heap (which slows it down; not timed). Prints a table;
the figures go into bench/RESULTS.md. Nothing here is a test: there are no assertions on time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from bench.generate import Network, generate
from exchange.matching import ExistingActor, ExistingCooperation
from exchange.model import ActorRef, Membership, SheetActor, SheetCooperation
from exchange.plan import build
from exchange.reading import read
from exchange.vocabulary import ActionField, Quarter, Vocabulary
from exchange.writing import ExportInfo, write_xlsx
from seeds.action_fields import ACTION_FIELDS


def vocabulary(net: Network) -> Vocabulary:
    return Vocabulary.build(
        (Quarter(q["props"]["slug"], q["props"]["name"]) for q in net.quarters),
        (ActionField(f.key, f.name, f.name_en, f.era) for f in ACTION_FIELDS),
    )


def records(net: Network) -> tuple[list[SheetActor], list[SheetCooperation]]:
    slugs = {q["id"]: q["props"]["slug"] for q in net.quarters}
    names = {a["id"]: a["props"]["name"] for a in net.actors}
    actors = [
        SheetActor(
            a["props"]["name"],
            a["type"],
            ref=a["id"],
            action_fields=tuple(a["fields"]),
            memberships=tuple(Membership(slugs[m["quarter"]], m["since"], m["until"]) for m in a["quarters"]),
            location=(a["lat"], a["lon"]) if a["lat"] is not None else None,
            synthetic=True,
        )
        for a in net.actors
    ]
    cooperations = [
        SheetCooperation(
            ActorRef(names[c["a"]], c["a"]),
            ActorRef(names[c["b"]], c["b"]),
            c["props"]["kind"],
            c["props"]["since"],
            c["props"]["until"],
            tuple(c["props"]["actionFields"]),
            c["props"]["intensity"],
            ref=c["id"],
            synthetic=True,
        )
        for c in net.cooperations
    ]
    return actors, cooperations


def existing(net: Network) -> tuple[list[ExistingActor], list[ExistingCooperation]]:
    slugs = {q["id"]: q["props"]["slug"] for q in net.quarters}
    actors = [
        ExistingActor(a["id"], a["props"]["name"], a["type"], tuple(slugs[m["quarter"]] for m in a["quarters"]))
        for a in net.actors
    ]
    ties = [
        ExistingCooperation(c["id"], c["a"], c["b"], c["props"]["kind"], c["props"]["since"], c["props"]["until"])
        for c in net.cooperations
    ]
    return actors, ties


def run(path: str, situation: str, seed: int, actors: int, cooperations: int, traced: bool) -> dict[str, object]:
    """One situation in this process: read, then plan (three rounds, or one traced); times, peak RSS, heap peak."""
    net = generate(seed, actors=actors, cooperations=cooperations)
    vocab = vocabulary(net)
    known, ties = existing(net) if situation == "reimport" else ([], [])
    del net
    if traced:
        tracemalloc.start()
    rounds = []
    for _ in range(1 if traced else 3):
        start = time.perf_counter()
        parsed = read(path, vocabulary=vocab)
        read_s = time.perf_counter() - start
        plan = build(parsed, known, ties)
        rounds.append((read_s, time.perf_counter() - start - read_s))
        del parsed
    result: dict[str, object] = {
        "rounds": rounds,
        "rows": actors + cooperations,
        "maxrss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "summary": plan.summary(),
    }
    if traced:
        result["heap_peak_mib"] = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    return result


def _child(args: argparse.Namespace, path: str, situation: str, traced: bool) -> dict[str, object]:
    command = [
        sys.executable,
        "-m",
        "bench.exchange",
        "--child",
        path,
        "--situation",
        situation,
        "--seed",
        str(args.seed),
        "--actors",
        str(args.actors),
        "--cooperations",
        str(args.cooperations),
    ]
    if traced:
        command.append("--traced")
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=2027)
    parser.add_argument("--actors", type=int, default=10_000)
    parser.add_argument("--cooperations", type=int, default=50_000)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--situation", default="empty", help=argparse.SUPPRESS)
    parser.add_argument("--traced", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run(args.child, args.situation, args.seed, args.actors, args.cooperations, args.traced)))
        return
    net = generate(args.seed, actors=args.actors, cooperations=args.cooperations)
    actors, cooperations = records(net)
    with tempfile.TemporaryDirectory() as folder:
        path = str(Path(folder) / "berlin.xlsx")
        start = time.perf_counter()
        info = ExportInfo(0, dt.datetime.now(dt.UTC), "bench")
        write_xlsx(path, actors, cooperations, info, vocabulary=vocabulary(net))
        write_s = time.perf_counter() - start
        size = Path(path).stat().st_size / 2**20
        print(
            f"wrote {len(actors):,} actors and {len(cooperations):,} cooperations: {size:.1f} MiB in {write_s:.1f} s "
            f"({(len(actors) + len(cooperations)) / write_s:,.0f} rows/s)"
        )
        print("| situation | read s | plan s | total s (fastest) | rows/s | peak RSS MiB | Python heap peak MiB |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        for situation in ("empty", "reimport"):
            timed = _child(args, path, situation, traced=False)
            traced = _child(args, path, situation, traced=True)
            rounds: list[list[float]] = timed["rounds"]  # type: ignore[assignment]
            reads, plans = [r for r, _ in rounds], [p for _, p in rounds]
            totals = sorted(r + p for r, p in rounds)
            rows = int(timed["rows"])  # type: ignore[call-overload]
            print(
                f"| {situation} | {statistics.median(reads):.1f} | {statistics.median(plans):.1f} "
                f"| {statistics.median(totals):.1f} ({totals[0]:.1f}) | {rows / statistics.median(totals):,.0f} "
                f"| {timed['maxrss_mib']:.0f} | {traced['heap_peak_mib']:.0f} |"
            )
            print(f"<!-- {situation}: {timed['summary']} -->")


if __name__ == "__main__":
    main()
