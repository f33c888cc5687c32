"""The map in headless Chromium: how fast it draws a quarter and Berlin, and how smoothly it pans.

For each renderer and network: time from navigation to the first drawn frame (the data fetched through
the API included) and to a settled layout (`performance.mark`s set by the page), and frames per second
while the view is dragged with the mouse for a few seconds. sigma.js is measured on the map itself
(``/``); Cytoscape.js on a bench page (``web/bench/cytoscape.ts``) that fetches the same GraphQL
document and draws the same data, with its 2D canvas and with its WebGL renderer.

Networks: the Berlin-scale network of ``bench.generate`` (10,000 actors, 50,000 cooperations) with 20
quarters, so a quarter holds about 500 actors. Chromium runs headless with ``--disable-gpu``: WebGL is
drawn by SwiftShader on the CPU, so frame rates are a floor for any machine with a graphics chip.

    make bench-map        # about 5 minutes; prints a markdown table for bench/RESULTS.md
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from pathlib import Path

import httpx2 as httpx
from playwright.sync_api import Page, Playwright, sync_playwright

from bench.common import BENCH_DIR, ROOT, api_server, neo4j_with_network
from bench.generate import generate
from graph import changes
from graph.db import Database, Neo4jSettings

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
OUT = BENCH_DIR / "out" / "web"
VIEWPORT = {"width": 1440, "height": 900}
PAN_SECONDS = 4.0
SETTLE_LIMIT_S = 120
RUNS = 3
# Cytoscape's layout holds Berlin for minutes: one run there is enough to show it.
RUNS_BERLIN_CYTOSCAPE = 1


@dataclass
class Result:
    renderer: str
    network: str
    nodes: int
    edges: int
    first_frame_ms: list[float]
    settled_ms: list[float | None]
    fps: list[float]
    steps: list[dict[str, float]] = field(default_factory=list)

    def row(self) -> str:
        def med(values: list[float | None]) -> str:
            done = [v for v in values if v is not None and v < SETTLE_LIMIT_S * 1000]
            if len(done) < len(values):
                return f"> {SETTLE_LIMIT_S} s"
            return f"{statistics.median(done) / 1000:.2f} s"

        return (
            f"| {self.renderer} | {self.network} | {self.nodes:,} / {self.edges:,} | {med(list(self.first_frame_ms))} "
            f"| {med(self.settled_ms)} | {statistics.median(self.fps):.0f} |"
        )


def build_bench_pages() -> None:
    """Bundle the Cytoscape bench page (not part of the map's bundle) with the map's esbuild."""
    OUT.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            str(ROOT / "web" / "node_modules" / ".bin" / "esbuild"),
            str(ROOT / "web" / "bench" / "cytoscape.ts"),
            "--bundle",
            "--format=esm",
            "--minify",
            "--loader:.graphql=text",
            f"--outfile={OUT / 'cytoscape.js'}",
        ],
        check=True,
    )


CYTOSCAPE_HTML = """<!doctype html><html lang="de"><meta charset="utf-8"><title>bench</title>
<style>html,body{margin:0;height:100%}#map{position:absolute;inset:0;background:#f6f7f9}</style>
<div id="map"></div><script type="module" src="/__bench/cytoscape.js"></script></html>"""


def open_bench_page(page: Page) -> None:
    def serve(route):  # type: ignore[no-untyped-def]
        if route.request.url.endswith("/cytoscape.js"):
            route.fulfill(body=(OUT / "cytoscape.js").read_bytes(), content_type="text/javascript")
        else:
            route.fulfill(body=CYTOSCAPE_HTML, content_type="text/html")

    page.route("**/__bench/**", serve)


def mark(page: Page, name: str) -> float | None:
    value = page.evaluate(f"() => performance.getEntriesByName('kiezgraph:{name}')[0]?.startTime ?? null")
    return None if value is None else float(value)


def wait_settled(page: Page) -> float | None:
    """When the layout settled (ms after navigation), or None if it did not within SETTLE_LIMIT_S.

    The timeout is Playwright's own (outside the page); after it, the page is asked nothing more: a
    layout that holds the page's thread would hold any question too.
    """
    try:
        page.wait_for_function(
            "() => performance.getEntriesByName('kiezgraph:settled').length > 0",
            timeout=SETTLE_LIMIT_S * 1000,
            polling=250,
        )
    except Exception:
        return None
    return mark(page, "settled")


# Where the time to the first frame goes, read from the page once its layout settled: the document and
# the bundle (Navigation and Resource Timing), the page's own marks (web/src: start-mark.ts, api.ts,
# map.ts) and the service's Server-Timing header of the network request (KIEZGRAPH_SERVER_TIMING=1).
BREAKDOWN_JS = """() => {
  const marks = {};
  for (const m of performance.getEntriesByType('mark')) {
    if (m.name.startsWith('kiezgraph:') && !(m.name.slice(10) in marks)) marks[m.name.slice(10)] = m.startTime;
  }
  const nav = performance.getEntriesByType('navigation')[0];
  const resources = performance.getEntriesByType('resource');
  const app = resources.find((r) => r.name.includes('/assets/app.js'));
  const sent = marks['network-sent'] ?? 0;
  const requests = resources.filter((r) => r.name.endsWith('/graphql'));
  requests.sort((a, b) => Math.abs(a.startTime - sent) - Math.abs(b.startTime - sent));
  const server = {};
  for (const t of requests[0]?.serverTiming ?? []) server[t.name] = t.duration;
  return {
    document: nav ? nav.responseEnd : null,
    bundle: app ? app.responseEnd : null,
    bytes: requests[0] ? requests[0].encodedBodySize : null,
    marks, server,
  };
}"""

# The steps of the breakdown: (label, from, to), each a mark name or a Navigation/Resource Timing value.
STEPS = (
    ("document and bundle loaded", None, "bundle"),
    ("bundle parsed and evaluated", "bundle", "script-start"),
    ("modules up to the network request", "script-start", "network-sent"),
    ("network request (service, transfer)", "network-sent", "network-answered"),
    ("JSON read", "network-answered", "network-parsed"),
    ("until the map takes the data", "network-parsed", "data"),
    ("graph built", "data", "graph-built"),
    ("indexed and drawn by sigma: the first frame", "graph-built", "first-frame"),
    ("(after it) a quarter's layout on the page", "first-frame", "layout-done"),
)


def breakdown(page: Page) -> dict[str, float]:
    """Milliseconds per step of STEPS (steps whose marks are absent are left out), and the service's own
    phases for the network request (``server:<phase>``)."""
    raw = page.evaluate(BREAKDOWN_JS)
    at: dict[str, float] = {k: float(v) for k, v in raw["marks"].items()}
    if raw["bundle"] is not None:
        at["bundle"] = float(raw["bundle"])
    out: dict[str, float] = {}
    last = 0.0
    for label, start, end in STEPS:
        if end not in at:
            continue
        begin = at.get(start, last) if start else 0.0
        out[label] = at[end] - begin
        last = at[end]
    for name, ms in raw["server"].items():
        out[f"server:{name}"] = float(ms)
    if raw["bytes"]:
        out["bytes"] = float(raw["bytes"])
    return out


def pan_fps(page: Page) -> float:
    """Drag the view back and forth with the mouse; frames the page managed per second meanwhile (its
    requestAnimationFrame ticks: a renderer that cannot keep up holds them back)."""
    page.evaluate("""() => { window.__frames = 0; window.__counting = true;
        const tick = () => { if (!window.__counting) return; window.__frames++; requestAnimationFrame(tick); };
        requestAnimationFrame(tick); }""")
    x, y = VIEWPORT["width"] * 0.6, VIEWPORT["height"] * 0.5
    page.mouse.move(x, y)
    page.mouse.down()
    started = time.perf_counter()
    step = 0
    while time.perf_counter() - started < PAN_SECONDS:
        step += 1
        page.mouse.move(x + 150 * ((step // 30) % 2 * 2 - 1) * ((step % 30) / 30), y + 40 * ((step % 60) / 60 - 0.5))
        # A hand on a mouse sends about 60 moves a second; sending them faster would only measure how
        # the renderers cope with a flood of hover checks.
        due = started + step / 60
        if due > time.perf_counter():
            time.sleep(due - time.perf_counter())
    page.mouse.up()
    elapsed = time.perf_counter() - started
    frames = page.evaluate("() => { window.__counting = false; return window.__frames; }")
    return float(frames) / elapsed


def measure(
    playwright: Playwright,
    renderer: str,
    base: str,
    quarter: str,
    label: str,
    counts: tuple[int, int],
    runs: int = RUNS,
    before_run: Callable[[], None] | None = None,
) -> Result:
    result = Result(renderer, label, counts[0], counts[1], [], [], [])
    if quarter == "berlin" and "Cytoscape" in renderer:
        runs = RUNS_BERLIN_CYTOSCAPE
    for _ in range(runs):
        if before_run is not None:
            before_run()
        # A browser of its own for each run, ended from outside if the run overruns: a layout that
        # holds its page's thread also holds every wait and question in that page, timeouts included.
        marker = f"--kiezgraph-bench-run={uuid.uuid4().hex}"
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=[*ARGS, marker])
        watchdog = threading.Timer(2 * SETTLE_LIMIT_S, _kill_marked, [marker])
        watchdog.start()
        first: float | None = None
        settled: float | None = None
        fps = 0.0
        try:
            if renderer.startswith("sigma"):
                page = browser.new_context(viewport=VIEWPORT).new_page()
                page.goto(f"{base}/?quarter={quarter}&debug")
                settled = wait_settled(page)
                first = mark(page, "first-frame")
                result.steps.append(breakdown(page))
                print(f"  breakdown: {result.steps[-1]}", file=sys.stderr)
                fps = pan_fps(page)
            else:
                # Cytoscape's layout runs on the page's own thread, so first frame and panning are
                # measured on a page without the layout, and the layout's time on a second page.
                webgl = "&renderer=webgl" if "WebGL" in renderer else ""
                page = browser.new_context(viewport=VIEWPORT).new_page()
                open_bench_page(page)
                page.goto(f"{base}/__bench/cytoscape.html?quarter={quarter}&layout=none{webgl}")
                page.wait_for_function(
                    "() => performance.getEntriesByName('kiezgraph:first-frame').length > 0",
                    timeout=SETTLE_LIMIT_S * 1000,
                    polling=250,
                )
                first = mark(page, "first-frame")
                fps = pan_fps(page)
                page.context.close()
                page = browser.new_context(viewport=VIEWPORT).new_page()
                open_bench_page(page)
                page.goto(f"{base}/__bench/cytoscape.html?quarter={quarter}{webgl}")
                settled = wait_settled(page)
        except Exception as exc:  # the watchdog ended the browser: what was measured so far counts
            print(f"  {renderer} · {label}: stopped ({type(exc).__name__})", file=sys.stderr)
        finally:
            watchdog.cancel()
            with contextlib.suppress(Exception):  # a browser the watchdog ended cannot be closed
                browser.close()
        result.first_frame_ms.append(first if first is not None else SETTLE_LIMIT_S * 1000)
        result.settled_ms.append(settled)
        result.fps.append(fps)
        print(f"  {renderer} · {label}: first frame {first} ms, settled {settled} ms, {fps:.0f} fps", file=sys.stderr)
    return result


def _kill_marked(marker: str) -> None:
    """End the Chromium processes started with ``marker`` (a flag Chromium ignores)."""
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            if marker.encode() in Path(f"/proc/{pid}/cmdline").read_bytes():
                os.kill(int(pid), signal.SIGKILL)
        except OSError:
            pass


RENDERERS = ("sigma.js + ForceAtlas2", "Cytoscape.js (canvas) + cose", "Cytoscape.js (WebGL) + cose")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--renderers", default="sigma,canvas,webgl", help="which of sigma, canvas, webgl")
    parser.add_argument("--networks", default="quarter,largest,berlin", help="which of quarter, largest, berlin")
    parser.add_argument("--runs", type=int, default=RUNS, help="runs per renderer and network (median)")
    parser.add_argument(
        "--cold",
        action="store_true",
        help="move the data revision before each run, so the service reads the network again (first loads; "
        "without it, runs after the first are served from the service's network cache)",
    )
    args = parser.parse_args()
    chosen = [r for r, key in zip(RENDERERS, ("sigma", "canvas", "webgl"), strict=True) if key in args.renderers]
    assert Path(CHROMIUM).exists(), "apt-get install -y chromium"
    assert (ROOT / "web" / "dist" / "index.html").exists(), "make web (make bench-map does it)"
    build_bench_pages()
    network = generate(2027, quarters=20, actors=10_000, cooperations=50_000)
    with (
        neo4j_with_network(network=network) as (settings, _),
        api_server(settings, KIEZGRAPH_SERVER_TIMING="1") as base,
    ):
        sizes = httpx.post(f"{base}/graphql", json={"query": "{ quarters { slug } }"}).json()["data"]["quarters"]
        counted: dict[str, tuple[int, int]] = {}
        for q in sizes:
            if not q["slug"].startswith("synth-"):
                continue
            answer = httpx.post(
                f"{base}/graphql",
                timeout=60,
                json={
                    "query": "query($s: String!) { quarterNetwork(slug: $s) { nodeCount edgeCount } }",
                    "variables": {"s": q["slug"]},
                },
            ).json()["data"]["quarterNetwork"]
            counted[q["slug"]] = (answer["nodeCount"], answer["edgeCount"])
        # A typical quarter (the one nearest 500 actors) and the largest one.
        typical = min(counted, key=lambda s: abs(counted[s][0] - 500))
        largest = max(counted, key=lambda s: counted[s][0])
        whole = httpx.post(
            f"{base}/graphql", timeout=120, json={"query": "{ network { nodeCount edgeCount } }"}
        ).json()["data"]["network"]
        rows = []
        with sync_playwright() as playwright:
            networks = [
                (typical, "quarter", counted[typical], "quarter"),
                (largest, "largest quarter", counted[largest], "largest"),
                ("berlin", "Berlin", (whole["nodeCount"], whole["edgeCount"]), "berlin"),
            ]
            for renderer in chosen:
                for quarter, label, size, key in networks:
                    if key not in args.networks:
                        continue
                    bump = (lambda: _in_own_thread(_new_revision(settings))) if args.cold else None
                    rows.append(measure(playwright, renderer, base, quarter, label, size, args.runs, bump))
                    print(rows[-1].row(), file=sys.stderr)
    print(f"\nMedians of {args.runs} runs, headless Chromium (software WebGL), 1440×900, 2 cores:\n")
    print("| renderer | network | actors / cooperations | first frame | settled layout | fps while panning |")
    print("|---|---|---:|---:|---:|---:|")
    for r in rows:
        print(r.row())
    for r in rows:
        if r.steps:
            print(breakdown_table(r))


def _in_own_thread(work: Coroutine[object, object, None]) -> None:
    """Run ``work`` to its end on a loop of its own (Playwright's sync API holds this thread's loop)."""
    runner = threading.Thread(target=asyncio.run, args=(work,))
    runner.start()
    runner.join()


async def _new_revision(settings: Neo4jSettings) -> None:
    """A reload record: the data revision moves, so the service's network cache misses."""
    db = Database(settings)
    try:
        await changes.record_reload(db, "map benchmark: a cold run")
    finally:
        await db.close()


def breakdown_table(result: Result) -> str:
    """Where the time to the first frame went (medians of the runs), for one network."""
    labels = [label for label, _, _ in STEPS] + sorted({k for s in result.steps for k in s if k.startswith("server:")})
    lines = [
        f"\nWhere the time to the first frame goes: {result.renderer}, {result.network} (medians, ms):\n",
        "| step | ms |",
        "|---|---:|",
    ]
    for label in labels:
        values = [s[label] for s in result.steps if label in s]
        if values:
            lines.append(f"| {label} | {statistics.median(values):.0f} |")
    sizes = [s["bytes"] for s in result.steps if "bytes" in s]
    if sizes:
        lines.append(f"| (network answer: {statistics.median(sizes) / 1000:.0f} kB) | |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
