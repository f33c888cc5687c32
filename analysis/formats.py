"""Export formats for network tools: GraphML, GEXF (with time intervals) and CSV.

- GraphML (http://graphml.graphdrawing.org/) with typed attributes, read by networkx, Gephi,
  Cytoscape and yEd.
- GEXF 1.2 (https://gexf.net/) in dynamic mode with `timeformat="date"`: every node and edge
  carries its start and end, so Gephi's timeline plays the network's history. Attribute types
  are those of the GEXF 1.2 schema (`integer`, not `int`); tests validate against it.
- CSV: a node table and an edge table (RFC 4180, UTF-8, header row), columns in the order of
  ``NODE_KEYS`` and ``EDGE_KEYS``; as a :class:`CsvStyle` also for German Excel (``;``, a UTF-8
  byte-order mark, decimal commas: :data:`GERMAN_EXCEL`) and with Gephi's column names (``Id``,
  ``Label``; ``Source``, ``Target``, ``Type``, ``Weight``), metric columns on request
  (``Labelled.metrics``), and a companion table of properties (data revision, export time).

Several cooperations between the same two actors stay separate edges (a multigraph);
:func:`merge_parallel` makes one weighted tie per pair for tools that want that. Ids are the
API's global ids.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from xml.sax.saxutils import quoteattr

from graph.networks import EdgeRow, NetworkData, NodeRow

if TYPE_CHECKING:
    from _csv import Writer as CsvWriter

# Characters XML 1.0 cannot carry at all, not even escaped.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class Labelled:
    """A network with the ids and labels an export shows."""

    data: NetworkData
    node_id: Callable[[str], str]
    edge_id: Callable[[str], str]
    degree: dict[str, int]
    description: str
    type_name: Callable[[str], str] = str  # how actor types and cooperation kinds are spelled
    kind_name: Callable[[str], str] = str
    # Extra node columns on request: column name → actor id → value (degree, betweenness, community …).
    metrics: Mapping[str, Mapping[str, float | int | str]] = field(default_factory=dict)


@dataclass(frozen=True)
class CsvStyle:
    """How a CSV table is spelled."""

    delimiter: str = ","
    bom: bool = False  # a UTF-8 byte-order mark: German Excel reads umlauts right only with it
    decimal_comma: bool = False  # 52,4772: German Excel reads 52.4772 as text or as a date
    gephi: bool = False  # Gephi's column names (Id, Label; Source, Target, Type, Weight)


GERMAN_EXCEL = CsvStyle(";", bom=True, decimal_comma=True)


def _attr(value: object) -> str:
    return quoteattr(_XML_INVALID.sub("", str(value)))


def _joined(values: list[str]) -> str:
    return ";".join(values)


# Attributes with a neutral type, spelled per format below; the CSV tables have these columns in this order.
NODE_KEYS = [
    ("name", "string"),
    ("type", "string"),
    ("quarters", "string"),
    ("actionFields", "string"),
    ("degree", "int"),
    ("synthetic", "boolean"),
    ("latitude", "double"),
    ("longitude", "double"),
    ("since", "string"),
    ("until", "string"),
]
EDGE_KEYS = [
    ("cooperationId", "string"),
    ("kind", "string"),
    ("since", "string"),
    ("until", "string"),
    ("intensity", "int"),
    ("actionFields", "string"),
    ("synthetic", "boolean"),
]
# GraphML's attr.type: boolean, int, long, float, double, string (GraphML specification, attributes extension).
GRAPHML_TYPES = {"string": "string", "int": "int", "boolean": "boolean", "double": "double"}
# GEXF 1.2's attribute types: integer, long, double, float, boolean, liststring, string, anyURI (data.xsd,
# attrtype-type). GEXF has no "int".
GEXF_TYPES = {"string": "string", "int": "integer", "boolean": "boolean", "double": "double"}
# In GEXF the name is the node's label and a node's period its start and end, not attributes.
_GEXF_NODE_KEYS = [(k, t) for k, t in NODE_KEYS if k not in ("name", "since", "until")]


def _node_values(n: NodeRow, x: Labelled) -> dict[str, object]:
    return {
        "name": n.name,
        "type": x.type_name(n.type),
        "quarters": _joined(n.quarters),
        "actionFields": _joined(n.action_fields),
        "degree": x.degree.get(n.id, 0),
        "synthetic": "true" if n.synthetic else "false",
        "latitude": n.latitude,
        "longitude": n.longitude,
        "since": n.since,
        "until": n.until,
    }


def _edge_values(e: EdgeRow, x: Labelled) -> dict[str, object]:
    return {
        "cooperationId": x.edge_id(e.id),
        "kind": x.kind_name(e.kind),
        "since": e.since,
        "until": e.until,
        "intensity": e.intensity,
        "actionFields": _joined(e.action_fields),
        "synthetic": "true" if e.synthetic else "false",
    }


def graphml(x: Labelled) -> str:
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
        'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">',
        f"<!-- {_XML_INVALID.sub('', x.description).replace('--', '—')} -->",
    ]
    out += [f'<key id="n_{k}" for="node" attr.name="{k}" attr.type="{GRAPHML_TYPES[t]}"/>' for k, t in NODE_KEYS]
    out += [f'<key id="e_{k}" for="edge" attr.name="{k}" attr.type="{GRAPHML_TYPES[t]}"/>' for k, t in EDGE_KEYS]
    out.append('<graph id="kiezgraph" edgedefault="undirected">')
    for n in x.data.nodes:
        values = "".join(
            f'<data key="n_{k}">{_attr(v)[1:-1]}</data>' for k, v in _node_values(n, x).items() if v is not None
        )
        out.append(f"<node id={_attr(x.node_id(n.id))}>{values}</node>")
    for e in x.data.edges:
        values = "".join(
            f'<data key="e_{k}">{_attr(v)[1:-1]}</data>' for k, v in _edge_values(e, x).items() if v is not None
        )
        out.append(
            f"<edge id={_attr(x.edge_id(e.id))} source={_attr(x.node_id(e.source))} "
            f"target={_attr(x.node_id(e.target))}>{values}</edge>"
        )
    out += ["</graph>", "</graphml>", ""]
    return "\n".join(out)


def gexf(x: Labelled) -> str:
    def interval(since: str | None, until: str | None) -> str:
        return (f' start="{since}"' if since else "") + (f' end="{until}"' if until else "")

    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<gexf xmlns="http://www.gexf.net/1.2draft" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:schemaLocation="http://www.gexf.net/1.2draft http://www.gexf.net/1.2draft/gexf.xsd" version="1.2">',
        f'<meta lastmodifieddate="{dt.date.today().isoformat()}"><creator>kiezgraph</creator>'
        f"<description>{_attr(x.description)[1:-1]}</description></meta>",
        '<graph mode="dynamic" defaultedgetype="undirected" timeformat="date">',
        '<attributes class="node" mode="static">',
    ]
    out += [f'<attribute id="{k}" title="{k}" type="{GEXF_TYPES[t]}"/>' for k, t in _GEXF_NODE_KEYS]
    out += ["</attributes>", '<attributes class="edge" mode="static">']
    out += [f'<attribute id="{k}" title="{k}" type="{GEXF_TYPES[t]}"/>' for k, t in EDGE_KEYS]
    out += ["</attributes>", "<nodes>"]
    for n in x.data.nodes:
        node_values = _node_values(n, x)
        values = "".join(
            f'<attvalue for="{k}" value={_attr(node_values[k])}/>'
            for k, _ in _GEXF_NODE_KEYS
            if node_values[k] is not None
        )
        out.append(
            f"<node id={_attr(x.node_id(n.id))} label={_attr(n.name)}{interval(n.since, n.until)}>"
            f"<attvalues>{values}</attvalues></node>"
        )
    out.append("</nodes><edges>")
    for e in x.data.edges:
        values = "".join(
            f'<attvalue for="{k}" value={_attr(v)}/>' for k, v in _edge_values(e, x).items() if v is not None
        )
        out.append(
            f"<edge id={_attr(x.edge_id(e.id))} source={_attr(x.node_id(e.source))} "
            f'target={_attr(x.node_id(e.target))} weight="{e.intensity or 1}"{interval(e.since, e.until)}>'
            f"<attvalues>{values}</attvalues></edge>"
        )
    out += ["</edges>", "</graph>", "</gexf>", ""]
    return "\n".join(out)


def _writer(style: CsvStyle) -> tuple[io.StringIO, CsvWriter]:
    buffer = io.StringIO()
    if style.bom:
        buffer.write("\ufeff")
    return buffer, csv.writer(buffer, delimiter=style.delimiter, lineterminator="\r\n")


def nodes_csv(x: Labelled, style: CsvStyle = CsvStyle()) -> str:
    buffer, writer = _writer(style)
    keys = [k for k, _ in NODE_KEYS if not (style.gephi and k == "name")]
    first = ["Id", "Label"] if style.gephi else ["id"]
    writer.writerow([*first, *keys, *x.metrics])
    for n in x.data.nodes:
        v = _node_values(n, x)
        label = [_csv(n.name, style)] if style.gephi else []
        writer.writerow(
            [
                x.node_id(n.id),
                *label,
                *(_csv(v[k], style) for k in keys),
                *(_csv(x.metrics[m].get(n.id), style) for m in x.metrics),
            ]
        )
    return buffer.getvalue()


@dataclass(frozen=True)
class Tie:
    """An edge of the CSV table: one cooperation, or all cooperations of a pair merged."""

    ids: tuple[str, ...]
    source: str
    target: str
    weight: int  # sum of intensities, an unknown intensity counting 1
    row: EdgeRow  # kinds, fields and period (merged: every kind, every field, the whole span)


def merge_parallel(edges: Sequence[EdgeRow]) -> list[Tie]:
    """One weighted tie per pair of actors: the weight sums the intensities (unknown counts 1); the
    kinds and action fields are all of theirs; the period runs from the earliest start to the
    latest end (open if one is open, unknown start if one is unknown). In first-seen order."""
    groups: dict[frozenset[str], list[EdgeRow]] = {}
    for e in edges:
        groups.setdefault(frozenset((e.source, e.target)), []).append(e)
    ties = []
    for group in groups.values():
        first = group[0]
        starts = [e.since for e in group]
        ends = [e.until for e in group]
        merged = first._replace(
            kind=";".join(sorted({e.kind for e in group})),
            since=None if None in starts else min(s for s in starts if s is not None),
            until=None if None in ends else max(u for u in ends if u is not None),
            intensity=max((e.intensity for e in group if e.intensity is not None), default=None),
            action_fields=sorted({f for e in group for f in e.action_fields}),
            synthetic=all(e.synthetic for e in group),
        )
        ties.append(
            Tie(tuple(e.id for e in group), first.source, first.target, sum(e.intensity or 1 for e in group), merged)
        )
    return ties


def edges_csv(x: Labelled, style: CsvStyle = CsvStyle(), merge: bool = False) -> str:
    """The edge table; ``merge`` makes one weighted tie per pair (:func:`merge_parallel`)."""
    buffer, writer = _writer(style)
    keys = [k for k, _ in EDGE_KEYS if k != "cooperationId"]
    ties = (
        merge_parallel(x.data.edges)
        if merge
        else [Tie((e.id,), e.source, e.target, e.intensity or 1, e) for e in x.data.edges]
    )
    count = ["cooperations"] if merge else []
    if style.gephi:
        writer.writerow(["Source", "Target", "Type", "Id", "Label", "Weight", *keys, *count])
    else:
        writer.writerow(["id", "source", "target", *keys, *(["weight"] if merge else []), *count])
    for t in ties:
        v = _edge_values(t.row, x)
        if merge:
            v["kind"] = ";".join(x.kind_name(k) for k in t.row.kind.split(";"))
        ident = "+".join(x.edge_id(i) for i in t.ids)
        cells = [_csv(v[k], style) for k in keys]
        extra = [str(len(t.ids))] if merge else []
        if style.gephi:
            writer.writerow(
                [
                    x.node_id(t.source),
                    x.node_id(t.target),
                    "Undirected",
                    ident,
                    _csv(v["kind"], style),
                    _csv(t.weight, style),
                    *cells,
                    *extra,
                ]
            )
        else:
            writer.writerow(
                [
                    ident,
                    x.node_id(t.source),
                    x.node_id(t.target),
                    *cells,
                    *([_csv(t.weight, style)] if merge else []),
                    *extra,
                ]
            )
    return buffer.getvalue()


def properties_csv(items: Sequence[tuple[str, object]], style: CsvStyle = CsvStyle()) -> str:
    """A companion table (``property``, ``value``) stating the data revision, export time and selection:
    a comment line inside a CSV table would break Gephi's and Excel's import."""
    buffer, writer = _writer(style)
    writer.writerow(["property", "value"])
    for key, value in items:
        writer.writerow([_csv(key, style), _csv(value, style)])
    return buffer.getvalue()


def _csv(value: object, style: CsvStyle = CsvStyle()) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        text = str(value)
        return text.replace(".", ",") if style.decimal_comma and isinstance(value, float) else text
    text = "" if value is None else str(value)
    # A cell starting with = + - @ is a formula to spreadsheet programs (CSV injection, OWASP).
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text
