"""``/export/graphml``, ``/export/gexf`` and ``/export/csv``: the network selections of the
GraphQL API as files for Gephi, networkx, Cytoscape and spreadsheets.

Query parameters (all optional, lists comma-separated): ``quarters``, ``actorTypes``,
``actionFields``, ``cooperationKinds``, ``cooperationActionFields``, ``minIntensity``,
``synthetic``, ``asOf`` (YYYY-MM-DD), ``actor`` with ``depth`` (an ego network),
``includeOutsidePartners``, ``tieSource`` (``cooperations``, the default, ``projects`` or ``both``:
where the ties come from; the file's description says which). ``/export/csv`` returns a ZIP of
``nodes.csv``, ``edges.csv`` and
``properties.csv`` (data revision, export time, selection); ``?part=nodes`` or ``?part=edges``
returns one table. ``style=excel`` writes them for German Excel (``;``, UTF-8 with BOM, decimal
commas), ``style=gephi`` with Gephi's column names; ``merge=true`` makes one weighted tie per
pair of actors.

``/export/xlsx`` is the office workbook (exchange/writing.py): actors, cooperations, quarters and
a properties sheet with the data revision and export time; ``language=de|en`` (default ``de``);
``contacts=true`` adds contact persons where the caller may read them (resolvers/office_exports.py).
It reads back with the import: export a quarter, import it elsewhere, and the network is the same.

Every role may export what the network query shows it (the same data, as files); contact persons
only as ``Actor.contactPersons`` allows.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from analysis import formats
from core import access as rules
from core.context import Context
from exchange.writing import ExportInfo, write_xlsx
from graph.errors import GraphError
from graph.networks import BOTH, COOPERATIONS, PROJECTS, TIE_SOURCES, Selection
from resolvers import ids, networks, office_exports
from resolvers.access import require
from resolvers.errors import ApiError
from resolvers.networks import NetworkQuery
from schema.enums import ActorType, CooperationKind, value
from schema.network import edge_id

# The response header that names the revision an export reflects.
REVISION_HEADER = "Kiezgraph-Revision"

_TYPES = {t.name: value(t) for t in ActorType}
_KINDS = {k.name: value(k) for k in CooperationKind}
# Exports spell types and kinds as the GraphQL API does (INSTITUTION, PROJECT_PARTNERSHIP).
_TYPE_NAMES = {v: k for k, v in _TYPES.items()}
_KIND_NAMES = {v: k for k, v in _KINDS.items()}


class BadParameter(ValueError):
    pass


def _list(request: Request, name: str) -> tuple[str, ...] | None:
    values = [v.strip() for raw in request.query_params.getlist(name) for v in raw.split(",") if v.strip()]
    return tuple(values) if values else None


def _mapped(values: tuple[str, ...] | None, table: dict[str, str], name: str) -> tuple[str, ...] | None:
    if values is None:
        return None
    unknown = [v for v in values if v.upper() not in table]
    if unknown:
        raise BadParameter(f"unknown {name} {unknown[0]!r}; use one of {', '.join(table)}")
    return tuple(table[v.upper()] for v in values)


def _int(request: Request, name: str) -> int | None:
    raw = request.query_params.get(name)
    if raw is None:
        return None
    try:
        return int(raw)
    except ValueError as exc:
        raise BadParameter(f"{name} must be a whole number") from exc


def _bool(request: Request, name: str) -> bool | None:
    raw = request.query_params.get(name)
    if raw is None:
        return None
    if raw.lower() in ("true", "1", "yes"):
        return True
    if raw.lower() in ("false", "0", "no"):
        return False
    raise BadParameter(f"{name} must be true or false")


async def _selection(request: Request, ctx: Context) -> Selection:
    q = NetworkQuery(
        quarters=_list(request, "quarters"),
        actor_types=_mapped(_list(request, "actorTypes"), _TYPES, "actor type"),
        action_fields=_list(request, "actionFields"),
        cooperation_kinds=_mapped(_list(request, "cooperationKinds"), _KINDS, "cooperation kind"),
        cooperation_action_fields=_list(request, "cooperationActionFields"),
        min_intensity=_int(request, "minIntensity"),
        synthetic=_bool(request, "synthetic"),
    )
    as_of = None
    if "asOf" in request.query_params:
        try:
            as_of = dt.date.fromisoformat(request.query_params["asOf"])
        except ValueError as exc:
            raise BadParameter("asOf must be a date, YYYY-MM-DD") from exc
    ties = request.query_params.get("tieSource", COOPERATIONS).strip().lower()
    if ties not in TIE_SOURCES:
        raise BadParameter(f"tieSource must be one of {', '.join(TIE_SOURCES)}")
    actor = request.query_params.get("actor")
    if actor is not None:
        return await networks.ego_selection(ctx, actor, _int(request, "depth") or 1, q, as_of, ties)
    return await networks.selection(ctx, q, as_of, boundary=bool(_bool(request, "includeOutsidePartners")), ties=ties)


# What an export's description says of its ties.
_TIES_SAID = {
    COOPERATIONS: "ties: recorded cooperations",
    PROJECTS: "ties: joint work in projects (sponsor and partners of awarded, running or finished projects)",
    BOTH: "ties: cooperations and joint work in projects",
}


def _labelled(view: networks.Network, selection: Selection, info: ExportInfo) -> formats.Labelled:
    synthetic = any(n.synthetic for n in view.data.nodes)
    description = (
        f"kiezgraph network export, {info.exported_at.strftime('%Y-%m-%d %H:%M:%S')} UTC, data revision {info.revision}"
        + (f", as of {selection.as_of.isoformat()}" if selection.as_of else "")
        + f"; {_TIES_SAID[selection.ties]}"
        + ("; contains synthetic (fictional) demo data, flagged per node and edge" if synthetic else "")
    )
    return formats.Labelled(
        view.data,
        lambda i: ids.encode("Actor", i),
        edge_id,
        view.degree,
        description,
        type_name=_TYPE_NAMES.__getitem__,
        kind_name=_KIND_NAMES.__getitem__,
    )


_STYLES = {"plain": formats.CsvStyle(), "excel": formats.GERMAN_EXCEL, "gephi": formats.CsvStyle(gephi=True)}


def _style(request: Request) -> formats.CsvStyle:
    name = request.query_params.get("style", "plain")
    if name not in _STYLES:
        raise BadParameter(f"style must be one of {', '.join(_STYLES)}")
    return _STYLES[name]


def _language(request: Request) -> str:
    language = request.query_params.get("language", "de")
    if language not in ("de", "en"):
        raise BadParameter("language must be de or en")
    return language


def _describe(request: Request) -> str:
    """The selection as the export states it: its query parameters, or the whole network."""
    asked = [f"{k}={v}" for k, v in request.query_params.multi_items() if k not in ("part", "language", "style")]
    return "&".join(asked) or "whole network"


def export_routes(context: Callable[[Request], Context]) -> list[Route]:
    async def render(request: Request, kind: str) -> Response:
        ctx = context(request)
        try:
            require(ctx.principal, rules.EXPORTS)
            style, language = _style(request), _language(request)
            merge, contacts = bool(_bool(request, "merge")), bool(_bool(request, "contacts"))
            selection = await _selection(request, ctx)
            view = await networks.read(ctx, selection)
            info = ExportInfo(view.revision, dt.datetime.now(dt.UTC), _describe(request))
            office = await office_exports.sheets(ctx, view, contacts) if kind == "xlsx" else None
        except (BadParameter, ApiError) as exc:
            code = exc.code if isinstance(exc, ApiError) else "BAD_USER_INPUT"
            message = exc.message if isinstance(exc, ApiError) else str(exc)
            status = {"NOT_FOUND": 404, "FORBIDDEN": 403}.get(code, 400)
            return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)
        except GraphError as exc:
            return JSONResponse({"error": {"code": exc.code, "message": str(exc)}}, status_code=503)
        part = request.query_params.get("part")
        if kind == "csv" and part not in (None, "nodes", "edges"):
            return JSONResponse(
                {"error": {"code": "BAD_USER_INPUT", "message": "part must be nodes or edges"}}, status_code=400
            )
        # Writing a whole network out is seconds of pure Python: in a thread, the event loop
        # (and so every other request, health checks included) goes on being served meanwhile.
        if office is not None:
            response = await asyncio.to_thread(_xlsx, office, info, language)
        else:
            csv = _Csv(style, merge, info)
            response = await asyncio.to_thread(_export, _labelled(view, selection, info), kind, part, csv)
        # The revision the file reflects: every change up to it is in it (the change feed goes on from there).
        response.headers[REVISION_HEADER] = str(view.revision)
        return response

    async def graphml(request: Request) -> Response:
        return await render(request, "graphml")

    async def gexf(request: Request) -> Response:
        return await render(request, "gexf")

    async def csv(request: Request) -> Response:
        return await render(request, "csv")

    async def xlsx(request: Request) -> Response:
        return await render(request, "xlsx")

    return [
        Route("/export/graphml", graphml),
        Route("/export/gexf", gexf),
        Route("/export/csv", csv),
        Route("/export/xlsx", xlsx),
    ]


@dataclass(frozen=True)
class _Csv:
    style: formats.CsvStyle
    merge: bool
    info: ExportInfo

    def properties(self) -> str:
        stamp = self.info.exported_at.strftime("%Y-%m-%dT%H:%M:%SZ")
        items = [("revision", self.info.revision), ("exportedAt", stamp), ("selection", self.info.selection)]
        return formats.properties_csv(items, self.style)


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx(office: office_exports.OfficeSheets, info: ExportInfo, language: str) -> Response:
    buffer = io.BytesIO()
    write_xlsx(
        buffer,
        office.actors,
        office.cooperations,
        info,
        quarters=office.quarters,
        language="en" if language == "en" else "de",
        contacts=any(a.contacts for a in office.actors),
    )
    return Response(
        buffer.getvalue(),
        media_type=XLSX_TYPE,
        headers={"Content-Disposition": f'attachment; filename="kiezgraph-{info.revision}.xlsx"'},
    )


def _export(labelled: formats.Labelled, kind: str, part: str | None, csv: _Csv) -> Response:
    if kind == "graphml":
        return _file(formats.graphml(labelled), "application/graphml+xml", "kiezgraph.graphml")
    if kind == "gexf":
        return _file(formats.gexf(labelled), "application/gexf+xml", "kiezgraph.gexf")
    if part == "nodes":
        return _file(formats.nodes_csv(labelled, csv.style), "text/csv; charset=utf-8", "nodes.csv")
    if part == "edges":
        return _file(formats.edges_csv(labelled, csv.style, csv.merge), "text/csv; charset=utf-8", "edges.csv")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("nodes.csv", formats.nodes_csv(labelled, csv.style))
        archive.writestr("edges.csv", formats.edges_csv(labelled, csv.style, csv.merge))
        archive.writestr("properties.csv", csv.properties())
    return Response(
        buffer.getvalue(),
        media_type="application/zip",
        headers={"Content-Disposition": 'attachment; filename="kiezgraph-csv.zip"'},
    )


def _file(text: str, media_type: str, filename: str) -> Response:
    return Response(
        text.encode("utf-8"),
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
