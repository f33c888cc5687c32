"""The handover dossier of a seeded quarter with the demo network (Rollberg), over HTTP against
the real Neo4j: its numbers are the API's, it is the same document for the same revision, it
speaks German or English, it shows people only to those allowed, and its PDF prints every part
(rendered to PNG pages with pdftoppm)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import neo4j
import pytest
from PIL import Image
from starlette.testclient import TestClient

from graph.db import Neo4jSettings
from kiezgraph.app import create_app
from tests.conftest import TEST_OPTIONS, GraphQLClient, issue_token

URL = "/quarters/rollberg/dossier"
SECTIONS = ("facts", "picture", "key-actors", "action-fields", "projects", "change", "at-risk", "successor")
TITLES_DE = (
    "Eckdaten des Quartiers",
    "Netzwerkbild",
    "Schlüsselakteure und Vermittler",
    "Handlungsfeld",
    "Projekte, Träger und Fonds",
    "Entwicklung des Netzwerks",
    "Gefährdete Verbindungen",
    "Nachfolge und Kontakte",
)


def _get(client: TestClient, token: str | None, url: str = URL, **headers: str) -> Any:
    sent = {"Authorization": f"Bearer {token}" if token else ""} | headers
    return client.get(url, headers=sent)


def _data(html: str, element_id: str) -> dict[str, str]:
    match = re.search(rf"<[a-z]+ id='{element_id}'([^>]*)>", html)
    assert match, element_id
    return dict(re.findall(r"data-([a-z-]+)='([^']*)'", match.group(1)))


def _row(html: str, measure: str) -> tuple[str, str]:
    match = re.search(rf"<tr data-measure='{measure}'><th>[^<]*</th><td>([^<]*)</td><td>([^<]*)</td>", html)
    assert match, measure
    return match.group(1), match.group(2)


@pytest.fixture
def successor(demo: neo4j.Driver, gql: GraphQLClient) -> str:
    """The demo's neighbourhood meeting point named successor, with a contact person."""
    found = gql.data('{ actors(filter: { text: "Nachbarschaftstreff" }) { nodes { id } } }')
    actor = found["actors"]["nodes"][0]["id"]
    gql.data(
        "mutation($i: AddContactPersonInput!) { addContactPerson(input: $i) { person { id } } }",
        {"i": {"actorId": actor, "name": "Erika Übergabe", "email": "erika@example.org"}},
    )
    done = gql.data(
        "mutation($i: SetQuarterStatusInput!) { setQuarterStatus(input: $i) { errors { code } } }",
        {"i": {"quarter": "rollberg", "status": "ACTIVE", "endDate": "2027-12-31", "successorId": actor}},
    )
    assert done["setQuarterStatus"]["errors"] == []
    return actor


def test_the_dossier_has_every_part_and_its_numbers_are_the_apis(
    successor: str, client: TestClient, gql: GraphQLClient, neo4j_settings: Neo4jSettings
) -> None:
    response = _get(client, None)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    assert response.headers["content-language"] == "de"
    html = response.text
    for section in SECTIONS:
        assert f"<section id='{section}'" in html, section
    for title in TITLES_DE:
        assert title in html, title
    assert "<svg" in html and html.count("<circle") > 20  # the picture and the charts
    # Projects (issue 14): the demo's Projektfonds project in Rollberg with its sponsor and amount,
    # flagged as synthetic, and the funding table agrees with the API's projectFunding.
    projects = html.split("<section id='projects'>", 1)[1].split("</section>", 1)[0]
    assert "Sprachbrücke Hügel (synthetisch)" in projects and "Nachbarschaftstreff Hügel" in projects
    assert "48.000,00 €" in projects and "abgeschlossen" in projects
    funding = gql.as_(None).data('{ quarter(slug: "rollberg") { projectFunding { year projects amount } } }')
    for row in funding["quarter"]["projectFunding"]:
        assert f"<td class='num'>{row['projects']}</td>" in projects
    assert "Nachbarschaftstreff Hügel" in html and "fiktive Demo-Daten" in html
    revision = gql.data('{ quarter(slug: "rollberg") { slug } }')  # any read; the revision is in the text
    assert revision and re.search(r"Datenstand: Revision \d+ vom \d\d\.\d\d\.\d{4}", html)

    risk = _data(html, "risk-summary")
    api = gql.as_(None).data(
        'query($d: Date) { atRisk(slug: "rollberg", asOf: $d) { components componentsWithoutQm cutVertexCount '
        "bridgeCount } }",
        {"d": risk["as-of"]},
    )["atRisk"]
    assert (int(risk["components"]), int(risk["components-without-qm"])) == (
        api["components"],
        api["componentsWithoutQm"],
    )
    assert (int(risk["cut-vertices"]), int(risk["bridges"])) == (api["cutVertexCount"], api["bridgeCount"])

    table = _data(html, "change-table")
    change = gql.as_(None).data(
        'query($f: Date!, $t: Date) { networkChange(slug: "rollberg", from: $f, to: $t) { '
        "before { actorCount ties components } after { actorCount ties components } "
        "actorsAppearedCount actorsEndedCount cooperationsAppeared cooperationsEnded } }",
        {"f": table["from"], "t": table["to"]},
    )["networkChange"]
    assert _row(html, "actors") == (str(change["before"]["actorCount"]), str(change["after"]["actorCount"]))
    assert _row(html, "ties") == (str(change["before"]["ties"]), str(change["after"]["ties"]))
    assert _row(html, "components") == (str(change["before"]["components"]), str(change["after"]["components"]))
    counts = _data(html, "change-counts")
    assert int(counts["actors-appeared"]) == change["actorsAppearedCount"]
    assert int(counts["cooperations-appeared"]) == len(change["cooperationsAppeared"])
    assert int(counts["cooperations-ended"]) == len(change["cooperationsEnded"])

    researcher = gql.as_(issue_token(neo4j_settings, "researcher"))
    metrics = researcher.data(
        'query($d: Date) { networkMetrics(filter: { quarters: ["rollberg"] }, asOf: $d) { '
        "nodes edges density components } }",
        {"d": risk["as-of"]},
    )["networkMetrics"]
    measures = _data(html, "measures")
    assert (int(measures["nodes"]), int(measures["edges"]), int(measures["components"])) == (
        metrics["nodes"],
        metrics["edges"],
        metrics["components"],
    )
    assert float(measures["density"]) == pytest.approx(metrics["density"], abs=1e-6)


def test_the_same_revision_gives_the_same_document_and_a_write_a_new_one(
    successor: str, client: TestClient, gql: GraphQLClient, neo4j_settings: Neo4jSettings
) -> None:
    # A second service (its own cache) prints the same revision again: the same bytes.
    with TestClient(create_app(neo4j_settings, TEST_OPTIONS)) as other:
        first, second = _get(client, None), _get(other, None)
        assert first.content == second.content and first.headers["etag"] == second.headers["etag"]
        pdf1, pdf2 = _get(client, None, URL + "?format=pdf"), _get(other, None, URL + "?format=pdf")
        assert pdf1.content == pdf2.content
    gql.data(
        "mutation($i: CreateActorInput!) { createActor(input: $i) { errors { code } } }",
        {"i": {"type": "INITIATIVE", "name": "Neue Testinitiative", "quarters": [{"quarter": "rollberg"}]}},
    )
    third = _get(client, None)
    assert third.headers["etag"] != first.headers["etag"] and "Neue Testinitiative" in third.text


def test_german_by_default_english_on_request(demo: neo4j.Driver, client: TestClient) -> None:
    assert "Übergabedossier" in _get(client, None).text
    english = _get(client, None, URL + "?lang=en")
    assert english.headers["content-language"] == "en" and "Handover dossier" in english.text
    assert "<html lang='en'>" in english.text and "Übergabedossier" not in english.text
    negotiated = _get(client, None, **{"Accept-Language": "en-GB,en;q=0.9,de;q=0.5"})
    assert negotiated.headers["content-language"] == "en"
    fallback = _get(client, None, **{"Accept-Language": "fr-FR, de;q=0.3"})
    assert fallback.headers["content-language"] == "de"
    bad = _get(client, None, URL + "?lang=tlh")
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "BAD_USER_INPUT"
    missing = _get(client, None, "/quarters/atlantis/dossier")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "NOT_FOUND"


def test_contacts_only_for_the_quarters_managers_and_admins(
    successor: str, client: TestClient, admin_token: str, neo4j_settings: Neo4jSettings
) -> None:
    own = issue_token(neo4j_settings, "manager", ["rollberg"])
    other = issue_token(neo4j_settings, "manager", ["flughafenstrasse"])
    researcher = issue_token(neo4j_settings, "researcher")
    for token in (admin_token, own):
        html = _get(client, token).text
        assert "id='contacts'" in html and "Erika Übergabe" in html and "erika@example.org" in html
    for token in (None, other, researcher):
        html = _get(client, token).text
        assert "Erika Übergabe" not in html and "erika@example.org" not in html and "id='contacts'" not in html
        assert "Nachbarschaftstreff Hügel" in html  # the successor itself is an organisation: shown


def test_missing_links_only_for_those_who_may_ask_for_them(
    demo: neo4j.Driver, client: TestClient, neo4j_settings: Neo4jSettings
) -> None:
    # The same rule as the missingLinks query: the public reads a note instead of the pairs.
    researcher = issue_token(neo4j_settings, "researcher")
    public, analysed = _get(client, None), _get(client, researcher)
    assert "id='links-hidden'" in public.text and "id='missing-links'" not in public.text
    assert "id='missing-links'" in analysed.text and "id='links-hidden'" not in analysed.text
    assert public.headers["etag"] != analysed.headers["etag"]
    listed = analysed.text.split("id='missing-links'", 1)[1].split("</table>", 1)[0]
    assert re.search(r"<tr><td>[^<]+ – [^<]+</td>", listed)  # the researcher's copy names pairs
    english = _get(client, None, URL + "?lang=en").text
    assert "shown only to signed-in researchers" in english


def test_the_pdf_prints_every_part(successor: str, client: TestClient, admin_token: str, tmp_path: Path) -> None:
    assert shutil.which("pdftoppm") and shutil.which("pdftotext"), "install poppler-utils (.ci/run does)"
    response = _get(client, admin_token, URL, Accept="application/pdf")
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    pdf = tmp_path / "dossier.pdf"
    pdf.write_bytes(response.content)
    subprocess.run(["pdftoppm", "-r", "50", "-png", str(pdf), str(tmp_path / "page")], check=True, timeout=120)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) >= 3
    texts = []
    for i in range(1, len(pages) + 1):
        text = subprocess.run(
            ["pdftotext", "-f", str(i), "-l", str(i), "-layout", str(pdf), "-"],
            check=True,
            capture_output=True,
            text=True,
            timeout=60,
        ).stdout
        texts.append(text)
    for title in TITLES_DE:
        assert any(title in t for t in texts), title
    assert any("Erika Übergabe" in t for t in texts)  # the admin's copy has the contacts
    # The network picture is drawn: its page holds the actor-type colours (blue institutions, green initiatives).
    picture_page = next(i for i, t in enumerate(texts) if "Netzwerkbild" in t)
    colours = {c for _, c in Image.open(pages[picture_page]).convert("RGB").getcolors(1_000_000) or []}
    assert any(_near(c, (0x1F, 0x77, 0xB4)) for c in colours) and any(_near(c, (0x2C, 0xA0, 0x2C)) for c in colours)
    for page in pages:  # every page has ink on it
        extrema = Image.open(page).convert("L").getextrema()
        assert extrema[0] < 128


def _near(colour: tuple[int, int, int], target: tuple[int, int, int]) -> bool:
    return all(abs(a - b) <= 12 for a, b in zip(colour, target, strict=True))
