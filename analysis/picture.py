"""The dossier's pictures as SVG text, drawn on the server: the network and the charts.

The network is laid out by Fruchterman–Reingold (python-igraph) from fixed start positions
(actors with a location start there, the others on a circle by id) under a fixed seed, so the
same network always gives the same picture. It is a force layout like a network page would draw,
not a copy of any page's pixels. Colours follow the actor type; QM actors get a red ring; ties
whose loss would split the network (bridges) are drawn red and dashed.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from html import escape

import igraph

from analysis.metrics import SEED, _rng_lock
from analysis.projection import Projection

COLOURS = {
    "Institution": "#1f77b4",
    "Initiative": "#2ca02c",
    "Company": "#ff7f0e",
    "HousingAssociation": "#9467bd",
}
WIDTH, HEIGHT, PAD = 720, 520, 40
LABEL_ROOM = 130  # to the right of the rightmost actor, for its name
RISKY = 'stroke="#d62728" stroke-width="2" stroke-dasharray="6 3"'
PLAIN = 'stroke="#999" stroke-width="1"'
LABELLED = 30  # the best-connected actors get their name written beside them


def _start(p: Projection, locations: Sequence[tuple[float, float] | None]) -> list[list[float]]:
    n = p.size
    start = []
    for v in range(n):
        loc = locations[v]
        if loc is not None:  # latitude/longitude to a local plane, scaled to the circle's size
            start.append([(loc[1] - 13.43) * 400.0, -(loc[0] - 52.47) * 600.0])
        else:
            angle = 2 * math.pi * v / max(n, 1)
            start.append([10.0 * math.cos(angle), 10.0 * math.sin(angle)])
    return start


def layout(p: Projection, locations: Sequence[tuple[float, float] | None]) -> list[tuple[float, float]]:
    """Positions in the picture's box, reproducible for the same network."""
    if p.size == 0:
        return []
    g = p.graph()
    with _rng_lock:  # igraph's random generator is process-global
        igraph.set_random_number_generator(random.Random(SEED))
        try:
            coords = g.layout_fruchterman_reingold(seed=_start(p, locations), niter=500).coords
        finally:
            igraph.set_random_number_generator(random)
    xs, ys = [c[0] for c in coords], [c[1] for c in coords]
    span_x, span_y = (max(xs) - min(xs)) or 1.0, (max(ys) - min(ys)) or 1.0
    return [
        (
            PAD + (x - min(xs)) / span_x * (WIDTH - 2 * PAD - LABEL_ROOM),
            PAD + (y - min(ys)) / span_y * (HEIGHT - 2 * PAD),
        )
        for x, y in zip(xs, ys, strict=True)
    ]


def network_svg(
    p: Projection,
    locations: Sequence[tuple[float, float] | None],
    qm: set[str],
    bridges: set[tuple[str, str]],
    title: str,
) -> str:
    pos = layout(p, locations)
    degree = p.graph().degree() if p.size else []
    labelled = set(sorted(range(p.size), key=lambda v: (-degree[v], p.ids[v]))[:LABELLED])
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" role="img" '
        f'class="network"><title>{escape(title)}</title>'
    ]
    for a, b in p.pairs:
        (x1, y1), (x2, y2) = pos[a], pos[b]
        risky = tuple(sorted((p.ids[a], p.ids[b]))) in bridges
        style = (
            'stroke="#d62728" stroke-width="2" stroke-dasharray="6 3"' if risky else 'stroke="#999" stroke-width="1"'
        )
        out.append(f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" {style}/>')
    for v in range(p.size):
        x, y = pos[v]
        r = 4 + 1.5 * math.sqrt(degree[v])
        ring = ' stroke="#d62728" stroke-width="3"' if p.ids[v] in qm else ' stroke="#fff" stroke-width="1"'
        fill = COLOURS.get(p.types[v], "#7f7f7f")
        out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="{fill}"{ring}/>')
        if v in labelled:
            out.append(f'<text x="{x + r + 2:.1f}" y="{y + 3:.1f}" font-size="9">{escape(p.names[v])}</text>')
    out.append("</svg>")
    return "".join(out)


def line_chart(
    title: str, labels: Sequence[str], values: Sequence[float], decimals: int = 0, comma: bool = False
) -> str:
    """A small line chart (one series), for the change over the years."""
    w, h, left, bottom = 330, 160, 40, 24
    top = max(values, default=0) or 1
    n = len(values)
    step = (w - left - 10) / max(n - 1, 1)
    points = [(left + i * step, h - bottom - (val / top) * (h - bottom - 20)) for i, val in enumerate(values)]
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="100%" role="img" class="chart">'
        f"<title>{escape(title)}</title>",
        f'<text x="{left}" y="12" font-size="11" font-weight="bold">{escape(title)}</text>',
        f'<line x1="{left}" y1="{h - bottom}" x2="{w - 5}" y2="{h - bottom}" stroke="#333"/>',
        f'<text x="{left - 4}" y="24" font-size="8" text-anchor="end">{_number(top, decimals, comma)}</text>',
        f'<text x="{left - 4}" y="{h - bottom}" font-size="8" text-anchor="end">0</text>',
    ]
    if points:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        out.append(f'<polyline points="{path}" fill="none" stroke="#1f77b4" stroke-width="2"/>')
        every = max(1, n // 6)
        for i, (x, y) in enumerate(points):
            out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2" fill="#1f77b4"/>')
            if i % every == 0 or i == n - 1:
                out.append(
                    f'<text x="{x:.1f}" y="{h - 8}" font-size="8" text-anchor="middle">{escape(labels[i])}</text>'
                )
    out.append("</svg>")
    return "".join(out)


def _number(value: float, decimals: int, comma: bool) -> str:
    text = f"{value:.{decimals}f}"
    return text.replace(".", ",") if comma else text
