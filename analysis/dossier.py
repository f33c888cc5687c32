"""The handover dossier as one HTML document that prints well (and becomes the PDF): pure
rendering of what resolvers/dossier.py gathered. German by default, English on request.

Nothing here reads a clock or a random source: the same content gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from analysis import picture
from analysis.change import Change, Snapshot
from analysis.metrics import NetworkMetrics
from analysis.projection import project
from graph.networks import NetworkData
from graph.projects import QuarterProjects
from graph.quarters import QuarterRecord

LANGUAGES = ("de", "en")


@dataclass(frozen=True)
class KeyActor:
    name: str
    degree: int
    betweenness: float
    community: int
    roles: tuple[str, ...]


@dataclass(frozen=True)
class FieldRow:
    names: tuple[str, str]  # German, English
    actors: list[str]
    cooperations: int


@dataclass(frozen=True)
class RiskRow:
    qm: list[str]
    cut_vertices: list[tuple[str, bool, list[str]]]  # name, is QM, actors cut off
    bridges: list[tuple[str, str, bool, int]]  # the two names, QM tie, actors cut off
    bridge_ids: set[tuple[str, str]]  # the same ties by actor ids (sorted pairs), for the picture
    isolated: list[str]
    cut_off: list[str]
    fields_lost: list[tuple[str, str]]
    components: int
    components_without_qm: int


@dataclass(frozen=True)
class Link:
    a: str
    b: str
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Contact:
    actor: str
    name: str
    function: str | None
    email: str | None
    phone: str | None


@dataclass(frozen=True)
class Dossier:
    quarter: QuarterRecord
    revision: int
    day: dt.date
    synthetic: bool
    network: NetworkData
    qm_ids: tuple[str, ...]
    metrics: NetworkMetrics
    key_actors: list[KeyActor]
    communities: list[list[str]]
    fields: list[FieldRow]
    risk: RiskRow
    change: Change | None
    series: list[Snapshot]
    missing_links: list[Link] | None  # None: the reader may not ask for missing links
    successor: str | None
    contacts: list[Contact] | None  # None: the reader may not see people
    names: dict[str, str]
    projects: QuarterProjects  # all its projects (any status) and the funding per year and fund


# ---- texts (all words of the document, per language) ------------------------------------------
TEXT: dict[str, dict[str, str]] = {
    "de": {
        "title": "Übergabedossier",
        "stand": "Datenstand: Revision {rev} vom {day}. Für dieselbe Revision ist dieses Dokument immer gleich.",
        "synthetic": "Enthält fiktive Demo-Daten (synthetisch markiert); keine echten Kooperationen.",
        "facts": "Eckdaten des Quartiers",
        "district": "Bezirk",
        "status": "Status",
        "since": "QM seit",
        "end": "Ende des QM",
        "planned_end": "Geplantes Ende",
        "area": "Fläche",
        "residents": "Einwohner*innen",
        "qm": "QM-Büro / Träger",
        "sources": "Quellen",
        "picture": "Netzwerkbild",
        "picture_note": (
            "Kraftbasiertes Layout (Fruchterman–Reingold, fester Startwert), auf dem Server berechnet; Startpunkte "
            "sind die Standorte der Akteure. Es entspricht nicht pixelgenau der Kartenansicht. Rot umrandet: "
            "QM-Büro/Träger; rot gestrichelt: Verbindungen, deren Wegfall das Netz teilt."
        ),
        "legend": "Einrichtung · Initiative · Unternehmen · Wohnungsunternehmen",
        "key": "Schlüsselakteure und Vermittler",
        "measures": "{n} Akteure, {m} Partnerpaare, Dichte {d}, {c} Teilnetze, {k} Gemeinschaften",
        "name": "Name",
        "degree": "Partner",
        "betweenness": "Vermittlung (Betweenness)",
        "roles": "Rolle",
        "communities": "Gemeinschaften (Leiden)",
        "fields": "Wer arbeitet in welchem Handlungsfeld",
        "field": "Handlungsfeld",
        "actors": "Akteure",
        "cooperations": "Kooperationen",
        "projects": "Projekte, Träger und Fonds",
        "projects_none": "Für dieses Quartier sind keine Projekte erfasst.",
        "project": "Projekt",
        "fund": "Fonds",
        "state": "Stand",
        "sponsor": "Projektträger",
        "amount": "Bewilligt",
        "period": "Zeitraum",
        "funding": "Bewilligte Mittel je Jahr und Fonds",
        "year": "Jahr",
        "count": "Projekte",
        "sum": "Summe",
        "funding_chart": "Bewilligte Mittel je Jahr (€)",
        "synthetic_project": "synthetisch",
        "fund_aktionsfonds": "Aktionsfonds",
        "fund_projektfonds": "Projektfonds",
        "fund_baufonds": "Baufonds",
        "fund_netzwerkfonds": "Netzwerkfonds",
        "fund_other": "anderes Programm",
        "status_idea": "Idee",
        "status_discussed": "im Quartiersrat beraten",
        "status_approved": "bewilligt",
        "status_tendered": "ausgeschrieben",
        "status_awarded": "vergeben",
        "status_running": "läuft",
        "status_finished": "abgeschlossen",
        "status_rejected": "abgelehnt",
        "status_withdrawn": "zurückgezogen",
        "change": "Entwicklung des Netzwerks",
        "change_size": "Akteure",
        "change_ties": "Partnerpaare",
        "change_density": "Dichte",
        "change_components": "Teilnetze",
        "then_now": "Vergleich {a} und {b}",
        "measure": "Kennzahl",
        "brokers": "Vermittler",
        "appeared": "Neu hinzugekommen: {a} Akteure, {c} Kooperationen. Weggefallen: {e} Akteure, {d} Kooperationen.",
        "risk": "Gefährdete Verbindungen",
        "risk_intro": (
            "Teilnetze mit QM-Büro und Träger: {c}; ohne sie: {w}. Schnittpunkte sind Akteure, ohne die das Netz "
            "zerfällt; Brücken sind Verbindungen, deren Wegfall es teilt."
        ),
        "no_qm": "Kein QM-Büro oder Träger mit Verbindungen im Netz erfasst.",
        "cut_vertices": "Schnittpunkte",
        "cut_off": "abgeschnitten",
        "bridges": "Brücken",
        "isolated": "Ohne QM isoliert",
        "cut_off_qm": "Ohne QM vom Hauptnetz getrennt",
        "fields_lost": "Handlungsfelder, die ohne QM ihre letzte Kooperation verlieren",
        "none": "keine",
        "links": "Vorgeschlagene fehlende Verbindungen (damit das Netz ohne QM trägt)",
        "links_hidden": "Vorschläge für fehlende Verbindungen sehen nur angemeldete Nutzer mit Analyse-, "
        "Quartiersmanagement- oder Admin-Zugang.",
        "successor": "Nachfolge und Kontakte",
        "successor_name": "Nachfolger",
        "no_successor": "Noch kein Nachfolger benannt.",
        "contacts_hidden": "Kontaktpersonen sehen nur Berechtigte (Quartiersmanagement dieses Quartiers, Admins).",
        "person": "Person",
        "function": "Funktion",
        "email": "E-Mail",
        "phone": "Telefon",
        "qm_mark": "QM",
        "ha": "ha",
    },
    "en": {
        "title": "Handover dossier",
        "stand": "Data revision {rev} of {day}. For the same revision this document is always the same.",
        "synthetic": "Contains fictional demo data (marked synthetic); no real cooperations.",
        "facts": "The quarter's facts",
        "district": "District",
        "status": "Status",
        "since": "QM since",
        "end": "End of QM",
        "planned_end": "Planned end",
        "area": "Area",
        "residents": "Residents",
        "qm": "QM office / Träger",
        "sources": "Sources",
        "picture": "Network picture",
        "picture_note": (
            "Force layout (Fruchterman–Reingold, fixed seed) computed on the server, starting from the actors' "
            "locations. It does not match the map page pixel for pixel. Red ring: QM office/Träger; red dashes: "
            "ties whose loss splits the network."
        ),
        "legend": "Institution · Initiative · Company · Housing association",
        "key": "Key actors and brokers",
        "measures": "{n} actors, {m} partner pairs, density {d}, {c} components, {k} communities",
        "name": "Name",
        "degree": "Partners",
        "betweenness": "Betweenness",
        "roles": "Role",
        "communities": "Communities (Leiden)",
        "fields": "Who works on which action field",
        "field": "Action field",
        "actors": "Actors",
        "cooperations": "Cooperations",
        "projects": "Projects, sponsors and funds",
        "projects_none": "No projects are recorded for this quarter.",
        "project": "Project",
        "fund": "Fund",
        "state": "Status",
        "sponsor": "Sponsor",
        "amount": "Granted",
        "period": "Period",
        "funding": "Funds granted per year and fund",
        "year": "Year",
        "count": "Projects",
        "sum": "Sum",
        "funding_chart": "Funds granted per year (€)",
        "synthetic_project": "synthetic",
        "fund_aktionsfonds": "Aktionsfonds (action fund)",
        "fund_projektfonds": "Projektfonds (project fund)",
        "fund_baufonds": "Baufonds (building fund)",
        "fund_netzwerkfonds": "Netzwerkfonds (network fund)",
        "fund_other": "other programme",
        "status_idea": "idea",
        "status_discussed": "discussed by the Quartiersrat",
        "status_approved": "approved",
        "status_tendered": "tendered",
        "status_awarded": "awarded",
        "status_running": "running",
        "status_finished": "finished",
        "status_rejected": "rejected",
        "status_withdrawn": "withdrawn",
        "change": "How the network changed",
        "change_size": "Actors",
        "change_ties": "Partner pairs",
        "change_density": "Density",
        "change_components": "Components",
        "then_now": "{a} compared with {b}",
        "measure": "Measure",
        "brokers": "Brokers",
        "appeared": "Appeared: {a} actors, {c} cooperations. Ended: {e} actors, {d} cooperations.",
        "risk": "At-risk ties",
        "risk_intro": (
            "Components with the QM office and its Träger: {c}; without them: {w}. Cut vertices are actors without "
            "whom the network splits; bridges are ties whose loss splits it."
        ),
        "no_qm": "No QM office or Träger with ties recorded in the network.",
        "cut_vertices": "Cut vertices",
        "cut_off": "cut off",
        "bridges": "Bridges",
        "isolated": "Isolated without the QM",
        "cut_off_qm": "Cut off from the main network without the QM",
        "fields_lost": "Action fields that lose their last cooperation without the QM",
        "none": "none",
        "links": "Suggested missing links (so the network holds without the QM)",
        "links_hidden": "Suggested missing links are shown only to signed-in researchers, QM teams and admins.",
        "successor": "Successor and contacts",
        "successor_name": "Successor",
        "no_successor": "No successor named yet.",
        "contacts_hidden": "Contact persons are shown only to those allowed (this quarter's QM team, admins).",
        "person": "Person",
        "function": "Function",
        "email": "Email",
        "phone": "Phone",
        "qm_mark": "QM",
        "ha": "ha",
    },
}
STATUS = {
    "de": {"active": "aktiv", "ended": "beendet", "merged": "zusammengelegt"},
    "en": {"active": "active", "ended": "ended", "merged": "merged"},
}
ROLES = {
    "de": {"CUT_VERTEX": "Schnittpunkt", "COMMUNITY_CONNECTOR": "Verbinder", "QUARTER_BRIDGE": "Quartiersbrücke"},
    "en": {"CUT_VERTEX": "cut vertex", "COMMUNITY_CONNECTOR": "connector", "QUARTER_BRIDGE": "quarter bridge"},
}

CSS = """
@page { size: A4; margin: 16mm 14mm; @bottom-right { content: counter(page) " / " counter(pages); font-size: 8pt; } }
body { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; font-size: 9.5pt; color: #222; }
h1 { font-size: 18pt; margin: 0 0 4pt; } h2 { font-size: 13pt; margin: 14pt 0 4pt; border-bottom: 1px solid #999; }
h3 { font-size: 10.5pt; margin: 8pt 0 2pt; }
svg.network { break-inside: avoid; } .chart-box { display: inline-block; width: 49%; break-inside: avoid; }
table { border-collapse: collapse; width: 100%; margin: 4pt 0; } td, th { border: 1px solid #ccc; padding: 2pt 4pt;
text-align: left; vertical-align: top; } th { background: #eee; } .note { color: #555; font-size: 8.5pt; }
.qm { color: #d62728; font-weight: bold; } svg { max-width: 100%; } .charts svg { display: inline-block; }
"""


def _num(value: float, lang: str, decimals: int = 3) -> str:
    text = f"{value:.{decimals}f}"
    return text.replace(".", ",") if lang == "de" else text


def _date(day: dt.date | None, lang: str) -> str:
    if day is None:
        return "–"
    return day.strftime("%d.%m.%Y") if lang == "de" else day.isoformat()


def _list(items: Sequence[str], t: dict[str, str]) -> str:
    return escape(", ".join(items)) if items else t["none"]


def _facts(d: Dossier, t: dict[str, str], lang: str) -> str:
    q = d.quarter
    rows = [
        (t["district"], escape(q.district)),
        (t["status"], STATUS[lang].get(q.status, q.status)),
        (t["since"], _date(q.start_date, lang) if q.start_date else str(q.start_year)),
        (t["end"] if q.status != "active" else t["planned_end"], _date(q.end_date or q.planned_end_date, lang)),
    ]
    if q.area_ha is not None:
        rows.append((t["area"], f"{_num(q.area_ha, lang, 2)} {t['ha']}"))
    if q.residents is not None:
        rows.append((t["residents"], f"{q.residents:,}".replace(",", ".") + f" ({q.residents_year})"))
    rows.append((t["qm"], _list(d.risk.qm, t)))
    rows.append((t["successor_name"], escape(d.successor) if d.successor else t["no_successor"]))
    body = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in rows)
    sources = "".join(f"<li>{escape(s)}</li>" for s in q.sources)
    note = f"<p class='note'>{escape(q.note)}</p>" if q.note else ""
    return (
        f"<section id='facts'><h2>{t['facts']}</h2><table>{body}</table>{note}"
        f"<h3>{t['sources']}</h3><ul>{sources}</ul></section>"
    )


def _picture(d: Dossier, t: dict[str, str]) -> str:
    p = project(d.network)
    where = {n.id: (n.latitude, n.longitude) for n in d.network.nodes}
    locations = [(lat, lon) if lat is not None and lon is not None else None for lat, lon in (where[i] for i in p.ids)]
    svg = picture.network_svg(p, locations, set(d.qm_ids), d.risk.bridge_ids, t["picture"])
    legend = "".join(
        f"<span style='color:{c}'>&#9679;</span> {name} "
        for c, name in zip(picture.COLOURS.values(), t["legend"].split(" · "), strict=True)
    )
    return (
        f"<section id='picture' class='picture'><h2>{t['picture']}</h2>{svg}<p>{legend}</p>"
        f"<p class='note'>{t['picture_note']}</p></section>"
    )


def _key(d: Dossier, t: dict[str, str], lang: str) -> str:
    m = d.metrics
    measures = t["measures"].format(n=m.nodes, m=m.edges, d=_num(m.density, lang), c=m.components, k=m.communities)
    rows = "".join(
        f"<tr><td>{escape(a.name)}</td><td>{a.degree}</td><td>{_num(a.betweenness, lang)}</td>"
        f"<td>{', '.join(ROLES[lang].get(r, r) for r in a.roles)}</td></tr>"
        for a in d.key_actors
    )
    communities = "".join(f"<li>{escape(', '.join(c))}</li>" for c in d.communities)
    return (
        f"<section id='key-actors'><h2>{t['key']}</h2><p id='measures' data-nodes='{m.nodes}' data-edges='{m.edges}' "
        f"data-density='{m.density:.6f}' data-components='{m.components}'>{measures}</p><table><tr><th>{t['name']}</th>"
        f"<th>{t['degree']}</th><th>{t['betweenness']}</th><th>{t['roles']}</th></tr>{rows}</table>"
        f"<h3>{t['communities']}</h3><ol>{communities}</ol></section>"
    )


def _fields(d: Dossier, t: dict[str, str], lang: str) -> str:
    which = 0 if lang == "de" else 1
    rows = "".join(
        f"<tr><td>{escape(f.names[which])}</td><td>{_list(f.actors, t)}</td><td>{f.cooperations}</td></tr>"
        for f in d.fields
    )
    return (
        f"<section id='action-fields'><h2>{t['fields']}</h2><table><tr><th>{t['field']}</th><th>{t['actors']}</th>"
        f"<th>{t['cooperations']}</th></tr>{rows}</table></section>"
    )


def _euros(cents: int | None, lang: str) -> str:
    """Money as people of that language write it: 12.500,50 € or €12,500.50."""
    if cents is None:
        return "–"
    text = f"{cents / 100:,.2f}"
    return text.replace(",", " ").replace(".", ",").replace(" ", ".") + " €" if lang == "de" else "€" + text


def _fund(fund: str, programme: str | None, t: dict[str, str]) -> str:
    label = t.get(f"fund_{fund}", fund)
    return f"{label}: {programme}" if programme else label


def _projects(d: Dossier, t: dict[str, str], lang: str) -> str:
    found = d.projects.projects
    if not found:
        return f"<section id='projects'><h2>{t['projects']}</h2><p class='note'>{t['projects_none']}</p></section>"
    flag = f" ({t['synthetic_project']})"
    rows = "".join(
        f"<tr><td>{escape(p.title)}{flag if p.synthetic else ''}</td>"
        f"<td>{escape(_fund(p.fund, p.programme, t))}</td><td>{t.get(f'status_{p.status}', p.status)}</td>"
        f"<td>{escape(sponsor or '–')}</td><td class='num'>{_euros(p.amount_cents, lang)}</td>"
        f"<td>{_date(p.start, lang)} – {_date(p.end, lang)}</td></tr>"
        for p, sponsor in found
    )
    funding = "".join(
        f"<tr><td>{f.year or '–'}</td><td>{escape(_fund(f.fund, None, t))}</td><td class='num'>{f.projects}</td>"
        f"<td class='num'>{_euros(f.amount_cents, lang)}</td></tr>"
        for f in d.projects.funding
    )
    per_year: dict[int, int] = {}
    for f in d.projects.funding:
        if f.year is not None:
            per_year[f.year] = per_year.get(f.year, 0) + f.amount_cents
    years = sorted(per_year)
    chart = (
        picture.line_chart(
            t["funding_chart"], [str(y) for y in years], [per_year[y] / 100 for y in years], 0, lang == "de"
        )
        if len(years) > 1
        else ""
    )
    return (
        f"<section id='projects'><h2>{t['projects']}</h2><table><tr><th>{t['project']}</th><th>{t['fund']}</th>"
        f"<th>{t['state']}</th><th>{t['sponsor']}</th><th>{t['amount']}</th><th>{t['period']}</th></tr>{rows}</table>"
        f"<h3>{t['funding']}</h3><table><tr><th>{t['year']}</th><th>{t['fund']}</th><th>{t['count']}</th>"
        f"<th>{t['sum']}</th></tr>{funding}</table><div class='chart-box'>{chart}</div></section>"
    )


def _change(d: Dossier, t: dict[str, str], lang: str) -> str:
    labels = [str(s.day.year) for s in d.series]
    charts = "".join(
        f"<div class='chart-box'>{picture.line_chart(title, labels, values, decimals, comma=lang == 'de')}</div>"
        for title, values, decimals in (
            (t["change_size"], [s.actors for s in d.series], 0),
            (t["change_ties"], [s.ties for s in d.series], 0),
            (t["change_density"], [s.density for s in d.series], 2),
            (t["change_components"], [s.components for s in d.series], 0),
        )
    )
    table = ""
    c = d.change
    if c is not None:
        a, b = c.before, c.after
        rows = [
            (t["change_size"], str(a.actors), str(b.actors)),
            (t["change_ties"], str(a.ties), str(b.ties)),
            (t["cooperations"], str(a.cooperations), str(b.cooperations)),
            (t["change_density"], _num(a.density, lang), _num(b.density, lang)),
            (t["change_components"], str(a.components), str(b.components)),
            (
                t["brokers"],
                _list([d.names.get(i, i) for i in a.brokers], t),
                _list([d.names.get(i, i) for i in b.brokers], t),
            ),
        ]
        keys = ("actors", "ties", "cooperations", "density", "components", "brokers")
        body = "".join(
            f"<tr data-measure='{key}'><th>{k}</th><td>{x}</td><td>{y}</td></tr>"
            for key, (k, x, y) in zip(keys, rows, strict=True)
        )
        counts = t["appeared"].format(
            a=len(c.actors_appeared),
            c=len(c.cooperations_appeared),
            e=len(c.actors_ended),
            d=len(c.cooperations_ended),
        )
        table = (
            f"<h3>{t['then_now'].format(a=_date(a.day, lang), b=_date(b.day, lang))}</h3>"
            f"<table id='change-table' data-from='{a.day.isoformat()}' data-to='{b.day.isoformat()}'><tr>"
            f"<th>{t['measure']}</th><th>{_date(a.day, lang)}</th><th>{_date(b.day, lang)}</th></tr>{body}</table>"
            f"<p id='change-counts' data-actors-appeared='{len(c.actors_appeared)}' "
            f"data-actors-ended='{len(c.actors_ended)}' data-cooperations-appeared='{len(c.cooperations_appeared)}' "
            f"data-cooperations-ended='{len(c.cooperations_ended)}'>{counts}</p>"
        )
    return (
        f"<section id='change' class='change'><h2>{t['change']}</h2><div class='charts'>{charts}</div>{table}</section>"
    )


def _risk(d: Dossier, t: dict[str, str], lang: str) -> str:
    r = d.risk
    which = 0 if lang == "de" else 1
    intro = t["risk_intro"].format(c=r.components, w=r.components_without_qm) if r.qm else t["no_qm"]
    qm = f" <span class='qm'>({t['qm_mark']})</span>"
    cuts = "".join(
        f"<tr><td>{escape(name)}{qm if is_qm else ''}</td><td>{len(off)} {t['cut_off']}: {_list(off[:12], t)}"
        f"{' …' if len(off) > 12 else ''}</td></tr>"
        for name, is_qm, off in r.cut_vertices
    )
    bridges = "".join(
        f"<tr><td>{escape(a)} – {escape(b)}{qm if is_qm else ''}</td><td>{n} {t['cut_off']}</td></tr>"
        for a, b, is_qm, n in r.bridges
    )
    none_row = f"<tr><td>{t['none']}</td></tr>"
    rows = "".join(
        f"<tr><td>{escape(link.a)} – {escape(link.b)}</td><td>{escape('; '.join(link.reasons))}</td></tr>"
        for link in d.missing_links or []
    )
    if d.missing_links is None:
        links = f"<p class='note' id='links-hidden'>{t['links_hidden']}</p>"
    else:
        links = f"<table id='missing-links'>{rows or none_row}</table>"
    return (
        f"<section id='at-risk'><h2>{t['risk']}</h2><p id='risk-summary' data-components='{r.components}' "
        f"data-components-without-qm='{r.components_without_qm}' data-cut-vertices='{len(r.cut_vertices)}' "
        f"data-bridges='{len(r.bridges)}' data-as-of='{d.day.isoformat()}'>{intro}</p>"
        f"<h3>{t['cut_vertices']}</h3><table>{cuts or none_row}</table>"
        f"<h3>{t['bridges']}</h3><table>{bridges or none_row}</table>"
        f"<p><b>{t['isolated']}:</b> {_list(r.isolated, t)}</p>"
        f"<p><b>{t['cut_off_qm']}:</b> {_list(r.cut_off, t)}</p>"
        f"<p><b>{t['fields_lost']}:</b> {_list([f[which] for f in r.fields_lost], t)}</p>"
        f"<h3>{t['links']}</h3>{links}</section>"
    )


def _successor(d: Dossier, t: dict[str, str]) -> str:
    who = f"<p><b>{t['successor_name']}:</b> {escape(d.successor) if d.successor else t['no_successor']}</p>"
    if d.contacts is None:
        people = f"<p class='note'>{t['contacts_hidden']}</p>"
    else:
        rows = "".join(
            f"<tr><td>{escape(c.actor)}</td><td>{escape(c.name)}</td><td>{escape(c.function or '')}</td>"
            f"<td>{escape(c.email or '')}</td><td>{escape(c.phone or '')}</td></tr>"
            for c in d.contacts
        )
        people = (
            f"<table id='contacts'><tr><th>{t['actors']}</th><th>{t['person']}</th><th>{t['function']}</th>"
            f"<th>{t['email']}</th><th>{t['phone']}</th></tr>{rows}</table>"
        )
    return f"<section id='successor'><h2>{t['successor']}</h2>{who}{people}</section>"


def render(d: Dossier, lang: str = "de") -> str:
    """The dossier as a complete HTML document in ``lang`` (de or en)."""
    t = TEXT[lang]
    q = d.quarter
    stand = t["stand"].format(rev=d.revision, day=_date(d.day, lang))
    synthetic = f"<p class='note'><b>{t['synthetic']}</b></p>" if d.synthetic else ""
    parts = [
        f"<!DOCTYPE html><html lang='{lang}'><head><meta charset='utf-8'>",
        f"<title>{t['title']}: {escape(q.name)}</title><style>{CSS}</style></head><body>",
        f"<header><h1>{t['title']}: {escape(q.name)}</h1><p id='revision'>{stand}</p>{synthetic}</header>",
        _facts(d, t, lang),
        _picture(d, t),
        _key(d, t, lang),
        _fields(d, t, lang),
        _projects(d, t, lang),
        _change(d, t, lang),
        _risk(d, t, lang),
        _successor(d, t),
        "</body></html>",
    ]
    return "\n".join(parts)
