"""The handover dossier's speed (issue #15): ``GET /quarters/rollberg/dossier`` as HTML (public,
and with contacts for an admin) and as PDF, on the seeded quarters with the demo network, under
uvicorn in its own process. The aim: a quarter's dossier in under 5 s.

Writes the last PDF to bench/data/dossier-rollberg.pdf (and PNG pages beside it when pdftoppm
is there), to look at.
"""

from __future__ import annotations

import argparse
import asyncio
import platform
import shutil
import subprocess
import time

import httpx2 as httpx

from bench.common import BENCH_DIR, Timing, admin_token, api_server
from graph import migrations, revision
from graph.db import Database, Neo4jSettings
from kiezgraph.local_neo4j import LocalNeo4j, free_port
from seeds import load

AIM_MS = 5000.0


async def _seed(settings: Neo4jSettings) -> None:
    db = Database(settings)
    try:
        await migrations.migrate(db)
        await load.load_reference(db)
        await load.load_demo(db)
    finally:
        await db.close()


async def _bump(settings: Neo4jSettings) -> None:
    db = Database(settings)
    try:
        await db.write_transaction(revision.stamp)
    finally:
        await db.close()


def _time(
    client: httpx.Client, url: str, headers: dict[str, str], runs: int, settings: Neo4jSettings | None
) -> tuple[Timing, bytes]:
    """With ``settings``, a write before each run (untimed) makes every dossier a new edition: the
    full cost, not the cached copy."""
    body = b""
    client.get(url, headers=headers).raise_for_status()  # warm-up: fonts, igraph
    samples = []
    for _ in range(runs):
        if settings is not None:
            asyncio.run(_bump(settings))
        started = time.perf_counter()
        response = client.get(url, headers=headers)
        samples.append((time.perf_counter() - started) * 1000)
        response.raise_for_status()
        body = response.content
    return Timing(url, samples), body


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    server = LocalNeo4j(BENCH_DIR / "data" / "neo4j-dossier", port=free_port(), heap="512m", pagecache="256m")
    server.start()
    try:
        settings = Neo4jSettings(server.uri, server.user, server.password, query_timeout=60.0)
        asyncio.run(_seed(settings))
        admin = admin_token(settings)
        as_admin = {"Authorization": f"Bearer {admin}"}
        url = "/quarters/rollberg/dossier"
        with api_server(settings) as base, httpx.Client(base_url=base, timeout=60) as client:
            cases = [
                ("HTML, public", url, {}, True),
                ("HTML, admin (contacts)", url, as_admin, True),
                ("PDF, admin (contacts)", url + "?format=pdf", as_admin, True),
                ("PDF, public, English", url + "?format=pdf&lang=en", {}, True),
                ("PDF, admin, same revision again (cached)", url + "?format=pdf", as_admin, False),
            ]
            rows = []
            pdf = b""
            for label, path, headers, fresh in cases:
                timing, body = _time(client, path, headers, args.runs, settings if fresh else None)
                rows.append((label, timing, len(body)))
                if path.endswith("format=pdf"):
                    pdf = body
            html = client.get(url, headers=as_admin).content
    finally:
        server.stop()
    out = BENCH_DIR / "data" / "dossier-rollberg.pdf"
    out.write_bytes(pdf)
    out.with_suffix(".html").write_bytes(html)
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-r", "60", "-png", str(out), str(out.with_suffix(""))], check=True)
    print(f"{platform.processor() or platform.machine()}, {args.runs} runs each after one warm-up")
    print("| what | median ms | p95 ms | max ms | bytes | under 5 s |")
    print("|---|---:|---:|---:|---:|---|")
    for label, timing, size in rows:
        worst = max(timing.samples_ms)
        print(
            f"| {label} | {timing.median:.0f} | {timing.p95:.0f} | {worst:.0f} | {size:,} | "
            f"{'yes' if worst < AIM_MS else 'NO'} |"
        )


if __name__ == "__main__":
    main()
