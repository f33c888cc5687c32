"""``GET /quarters/{slug}/dossier``: the handover dossier of a quarter, as HTML that prints well
or as PDF.

- format: ``?format=pdf`` (or ``Accept: application/pdf``) for the PDF, HTML otherwise;
- language: ``?lang=de|en``, else the first of German or English in ``Accept-Language``, else German;
- rights: everyone reads it; the contact persons are in it only for admins and the managers of
  the quarter (``core.access.DOSSIER`` and ``DOSSIER_CONTACTS``).

The PDF is printed from the same HTML by WeasyPrint, in-process (README, "Dependencies and why").
Both carry an ``ETag`` made of the data revision, the language and whether people are shown:
the same revision gives the same document.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from analysis.dossier import LANGUAGES, render
from core import access as rules
from core import messages
from core.context import Context
from graph.errors import GraphError
from resolvers import dossier
from resolvers.access import require
from resolvers.errors import ApiError

PDF = "application/pdf"


class BadParameter(ValueError):
    pass


def language(request: Request) -> str:
    asked = request.query_params.get("lang")
    if asked is not None:
        if asked.lower() not in LANGUAGES:
            raise BadParameter(f"lang must be one of {', '.join(LANGUAGES)}")
        return asked.lower()
    # The dossier is a German document first: German unless the header prefers English.
    return messages.negotiate(request.headers.get("accept-language"), default="de")


def wants_pdf(request: Request) -> bool:
    asked = request.query_params.get("format")
    if asked is not None:
        if asked not in ("html", "pdf"):
            raise BadParameter("format must be html or pdf")
        return asked == "pdf"
    return PDF in request.headers.get("accept", "") and "text/html" not in request.headers.get("accept", "")


def to_pdf(html: str) -> bytes:
    """Print the HTML with WeasyPrint (imported here: it loads Pango, which only the PDF needs)."""
    from weasyprint import HTML  # noqa: PLC0415 - loads Pango and fonts: only a PDF request pays for it

    pdf: bytes = HTML(string=html).write_pdf()
    return pdf


@dataclass(frozen=True)
class Printed:
    revision: int
    body: bytes
    media_type: str
    headers: dict[str, str]


async def _print(ctx: Context, slug: str, lang: str, pdf: bool) -> Printed:
    gathered = await dossier.gather(ctx, slug)
    d = gathered.dossier
    html = await asyncio.to_thread(render, d, lang)
    audience = dossier.audience(ctx, d.quarter.slug)
    headers = {
        "Content-Language": lang,
        "ETag": f'"{d.quarter.slug}-r{d.revision}-{lang}-{audience}"',
        "Vary": "Accept, Accept-Language, Authorization",
        "Cache-Control": "no-cache" if audience == "public" else "private, no-cache",
    }
    if not pdf:
        return Printed(d.revision, html.encode("utf-8"), "text/html; charset=utf-8", headers)
    body = await asyncio.to_thread(to_pdf, html)
    name = f"dossier-{d.quarter.slug}-r{d.revision}-{lang}.pdf"
    return Printed(d.revision, body, PDF, {**headers, "Content-Disposition": f'inline; filename="{name}"'})


def dossier_routes(context: Callable[[Request], Context]) -> list[Route]:
    async def serve(request: Request) -> Response:
        ctx = context(request)
        try:
            require(ctx.principal, rules.DOSSIER)
            lang, pdf = language(request), wants_pdf(request)
            slug = request.path_params["slug"]
            # The same edition is the same document: printed once, then served from memory.
            edition = await dossier.edition(ctx, slug)
            key = ("dossier", *edition, lang, pdf)
            printed = ctx.services.dossiers.get(key)
            if printed is None:
                printed = await _print(ctx, slug, lang, pdf)
                if printed.revision == edition[1]:  # no write came in between
                    ctx.services.dossiers.put(key, printed)
        except (BadParameter, ApiError) as exc:
            code = exc.code if isinstance(exc, ApiError) else "BAD_USER_INPUT"
            message = exc.message if isinstance(exc, ApiError) else str(exc)
            status = {"NOT_FOUND": 404, "FORBIDDEN": 403}.get(code, 400)
            return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)
        except GraphError as exc:
            return JSONResponse({"error": {"code": exc.code, "message": str(exc)}}, status_code=503)
        return Response(printed.body, media_type=printed.media_type, headers=printed.headers)

    return [Route("/quarters/{slug}/dossier", serve)]
