"""``/export/graphml``, ``/export/gexf`` and ``/export/csv``: the network selections of the
GraphQL API as files for Gephi, networkx, Cytoscape and spreadsheets.

Query parameters (all optional, lists comma-separated): ``quarters``, ``actorTypes``,
``actionFields``, ``cooperationKinds``, ``cooperationActionFields``, ``minIntensity``,
``synthetic``, ``asOf`` (YYYY-MM-DD), ``actor`` with ``depth`` (an ego network),
``includeOutsidePartners``, ``tieSource`` (``cooperations``, the default, ``projects`` or ``both``:
where the ties come from; the file's description says which). ``/export/csv`` returns a ZIP
of ``nodes.csv`` and ``edges.csv``; ``?part=nodes`` or ``?part=edges`` returns one table.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import zipfile
from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from analysis import formats
from core import access as rules
from core.context import Context
from graph.errors import GraphError
from graph.networks import BOTH, COOPERATIONS, PROJECTS, TIE_SOURCES, Selection
from resolvers import ids, networks
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


def _labelled(view: networks.Network, selection: Selection) -> formats.Labelled:
    synthetic = any(n.synthetic for n in view.data.nodes)
    description = (
        f"kiezgraph network export, {dt.date.today().isoformat()}, revision {view.revision}"
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


def export_routes(context: Callable[[Request], Context]) -> list[Route]:
    async def render(request: Request, kind: str) -> Response:
        ctx = context(request)
        try:
            require(ctx.principal, rules.EXPORTS)
            selection = await _selection(request, ctx)
            view = await networks.read(ctx, selection)
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
        response = await asyncio.to_thread(_export, _labelled(view, selection), kind, part)
        # The revision the file reflects: every change up to it is in it (the change feed goes on from there).
        response.headers[REVISION_HEADER] = str(view.revision)
        return response

    async def graphml(request: Request) -> Response:
        return await render(request, "graphml")

    async def gexf(request: Request) -> Response:
        return await render(request, "gexf")

    async def csv(request: Request) -> Response:
        return await render(request, "csv")

    return [Route("/export/graphml", graphml), Route("/export/gexf", gexf), Route("/export/csv", csv)]


def _export(labelled: formats.Labelled, kind: str, part: str | None) -> Response:
    if kind == "graphml":
        return _file(formats.graphml(labelled), "application/graphml+xml", "kiezgraph.graphml")
    if kind == "gexf":
        return _file(formats.gexf(labelled), "application/gexf+xml", "kiezgraph.gexf")
    if part == "nodes":
        return _file(formats.nodes_csv(labelled), "text/csv; charset=utf-8", "nodes.csv")
    if part == "edges":
        return _file(formats.edges_csv(labelled), "text/csv; charset=utf-8", "edges.csv")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("nodes.csv", formats.nodes_csv(labelled))
        archive.writestr("edges.csv", formats.edges_csv(labelled))
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
