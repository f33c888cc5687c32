"""The network map in a real browser: Debian's Chromium, driven by Playwright, against a real uvicorn of
the app on the test Neo4j with the Neukölln quarters and the demo network.

Each scenario is what a quarter manager would do; every step leaves a screenshot in
``tests/artifacts/map/`` (git-ignored) for people to look at. Tests wait for what the page shows
(Playwright's auto-waiting ``expect``), never for the clock. Expected numbers come from the API, not
from the test's memory of the demo data.

Chromium is a prerequisite of ``make test`` (``apt-get install chromium``): without it these tests fail
with that instruction, they are not skipped.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx2 as httpx
import neo4j
import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Page,
    Playwright,
    Request,
    WebSocketRoute,
    expect,
    sync_playwright,
)

from bench.common import api_server
from graph.db import Neo4jSettings
from seeds import load
from tests.conftest import ROOT, issue_token, run_async

CHROMIUM = Path("/usr/bin/chromium")
# Headless, and quiet: the sandbox has no internet, and Chromium's background services would only
# fill the log with refused connections.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--lang=de-DE",
]  # date fields as German offices see them
ARTIFACTS = ROOT / "tests" / "artifacts" / "map"
AXE = ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"
TIMEOUT_MS = 30_000

pytestmark = pytest.mark.slow
expect.set_options(timeout=TIMEOUT_MS)  # generous upper bounds for a busy CI machine; passing tests wait less


@dataclass(frozen=True)
class Site:
    base: str
    manager: str  # a manager token for rollberg
    researcher: str

    def graphql(
        self, query: str, variables: dict[str, Any] | None = None, token: str | None = None, language: str = "de"
    ) -> dict[str, Any]:
        # The page asks in its language (German first): so do the expectations.
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        headers["Accept-Language"] = language
        response = httpx.post(
            f"{self.base}/graphql", json={"query": query, "variables": variables or {}}, headers=headers, timeout=120
        )
        body = response.json()
        assert "errors" not in body, body
        data: dict[str, Any] = body["data"]
        return data


@pytest.fixture(scope="module")
def site(driver: neo4j.Driver, neo4j_settings: Neo4jSettings, migrated: None) -> Iterator[Site]:
    """The demo world once for this module (the scenarios' writes do not disturb each other's checks)."""
    with driver.session() as session:
        session.run(
            "MATCH (n) WHERE NOT n:Migration CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 5000 ROWS"
        ).consume()

    async def world(db: Any) -> None:
        await load.load_reference(db)
        await load.load_demo(db)

    run_async(neo4j_settings, world)
    manager = issue_token(neo4j_settings, "manager", ["rollberg"], name="QM Rollberg")
    researcher = issue_token(neo4j_settings, "researcher", name="Forschung")
    # Generous deadlines: CI machines are busy, and the tests wait for what the page shows anyway.
    with api_server(neo4j_settings, KIEZGRAPH_REQUEST_TIMEOUT="60") as base:
        assert httpx.get(f"{base}/").status_code == 200, "the map is not built: run `make test`, which builds web/"
        yield Site(base, manager, researcher)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail("the map's browser tests need Chromium: `apt-get install -y chromium` (Debian's package)")
    with sync_playwright() as playwright:
        launched = _launch(playwright)
        yield launched
        launched.close()


def _launch(playwright: Playwright) -> Browser:
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


class Shots:
    """Saves a screenshot of each step as tests/artifacts/map/<test>-<n>-<step>.png."""

    def __init__(self, test: str) -> None:
        self.test = test
        self.n = 0
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        for old in ARTIFACTS.glob(f"{test}-*.png"):
            old.unlink()

    def __call__(self, page: Page, step: str) -> None:
        self.n += 1
        page.screenshot(path=ARTIFACTS / f"{self.test}-{self.n:02d}-{step}.png")


@pytest.fixture
def shots(request: pytest.FixtureRequest) -> Shots:
    return Shots(request.node.name.removeprefix("test_"))


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    # bypass_csp: axe-core is injected as an inline script, which the page's CSP (rightly) forbids.
    ctx = browser.new_context(
        viewport={"width": 1440, "height": 900}, locale="de-DE", accept_downloads=True, bypass_csp=True
    )
    ctx.set_default_timeout(TIMEOUT_MS)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context: BrowserContext) -> Iterator[Page]:
    errors: list[str] = []
    p = context.new_page()
    p.on("pageerror", lambda e: errors.append(str(e)))
    yield p
    assert errors == [], f"the page threw: {errors}"


def open_quarter(page: Page, site: Site, slug: str, **params: str) -> None:
    query = "&".join(f"{k}={v}" for k, v in {"quarter": slug, **params}.items())
    page.goto(f"{site.base}/?{query}")
    expect(page.get_by_test_id("map")).to_have_attribute("data-layout", "settled")


def sign_in(page: Page, token: str) -> None:
    page.get_by_role("button", name="Anmelden").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Zugangsschlüssel").fill(token)
    dialog.get_by_role("button", name="Anmelden").click()
    expect(page.get_by_role("button", name="Abmelden")).to_be_visible()


def counts(page: Page) -> str:
    return page.get_by_test_id("counts").inner_text()


def quarter_network(site: Site, slug: str, as_of: str | None = None) -> dict[str, Any]:
    data = site.graphql(
        "query($s: String!, $d: Date) { quarterNetwork(slug: $s, asOf: $d) { json } }", {"s": slug, "d": as_of}
    )
    network: dict[str, Any] = data["quarterNetwork"]["json"]
    return network


def counts_text(actors: int, ties: int) -> str:
    return f"{actors} {'Akteur' if actors == 1 else 'Akteure'} · {ties} {'Kooperation' if ties == 1 else 'Kooperationen'} sichtbar"


# ---- reading ------------------------------------------------------------------------------------------


def test_open_a_quarter_and_find_an_actor_by_a_misspelled_name(site: Site, page: Page, shots: Shots) -> None:
    page.goto(site.base + "/")
    expect(page.get_by_role("heading", name="Wer arbeitet mit wem im Kiez?")).to_be_visible()
    shots(page, "welcome")
    page.get_by_role("button", name=re.compile("^Rollberg")).first.click()
    expect(page.get_by_test_id("map")).to_have_attribute("data-layout", "settled")
    expect(page.get_by_role("heading", name="Rollberg", exact=True)).to_be_visible()
    expect(page.get_by_text("Fiktive Demo-Daten").first).to_be_visible()
    net = quarter_network(site, "rollberg")
    expect(page.get_by_test_id("counts")).to_contain_text(counts_text(len(net["nodes"]), len(net["edges"])))
    shots(page, "rollberg")
    # Typed the way people type: no umlaut, "ae" for "ä", lower case, half a word.
    search = page.get_by_role("combobox", name="Akteur suchen")
    search.fill("baeckerei korn")
    option = page.get_by_role("option", name=re.compile("Bäckerei Kornfeld"))
    expect(option).to_be_visible()
    shots(page, "search")
    search.press("Enter")
    panel = page.get_by_test_id("actor-panel")
    expect(panel.get_by_role("heading", name="Bäckerei Kornfeld")).to_be_visible()
    expect(panel.get_by_role("button", name="Nachbarschaftstreff Hügel")).to_be_visible()
    expect(panel.get_by_text("Spende")).to_be_visible()
    shots(page, "actor")


def test_filters_change_the_counts(site: Site, page: Page, shots: Shots) -> None:
    open_quarter(page, site, "rollberg")
    net = quarter_network(site, "rollberg")
    kept = {n["id"] for n in net["nodes"] if n["type"] != "INSTITUTION"}
    ties = [e for e in net["edges"] if e["source"] in kept and e["target"] in kept]
    expect(page.get_by_test_id("counts")).to_contain_text(counts_text(len(net["nodes"]), len(net["edges"])))
    institutions = page.get_by_role("group", name="Art").get_by_label(re.compile("Einrichtung"))
    institutions.uncheck()
    expect(page.get_by_test_id("counts")).to_contain_text(counts_text(len(kept), len(ties)))
    shots(page, "without-institutions")
    page.get_by_role("button", name="Liste").click()
    actors = page.get_by_role("table").first
    expect(actors.get_by_role("cell", name="Einrichtung")).to_have_count(0)
    expect(actors.get_by_role("cell", name="Initiative").first).to_be_visible()
    shots(page, "list")
    page.get_by_role("button", name="Filter zurücksetzen").click()
    expect(page.get_by_test_id("counts")).to_contain_text(counts_text(len(net["nodes"]), len(net["edges"])))


def test_the_timeline_replays_an_ended_cooperation(site: Site, page: Page, shots: Shots) -> None:
    # The demo's apprenticeship placements ran from 2012 to the end of 2019.
    ended = "Kiezwerk gGmbH – Druckerei Fluss & Söhne|Druckerei Fluss & Söhne – Kiezwerk gGmbH"
    open_quarter(page, site, "donaustrasse-nord")
    slider = page.get_by_role("slider", name="Zeitleiste")
    # The slider starts at the first year with a cooperation once the timeline has loaded.
    expect(slider).not_to_have_attribute("min", str(dt.date.today().year - 10))
    slider.fill("2015")
    value = page.locator("output.timeline-value")
    expect(value).to_have_text("Stand Ende 2015")
    expect(page.get_by_test_id("map")).to_have_attribute("data-layout", "settled")
    shots(page, "2015-map")
    page.get_by_role("button", name="Liste").click()
    table = page.get_by_test_id("cooperations-table")
    expect(table.get_by_role("rowheader", name=re.compile(ended))).to_be_visible()
    shots(page, "2015-list")
    slider.fill("2021")
    expect(value).to_have_text("Stand Ende 2021")
    expect(table.get_by_role("rowheader", name=re.compile(ended))).to_have_count(0)
    shots(page, "2021-list")
    slider.fill(slider.get_attribute("max") or "")
    row = table.get_by_role("row").filter(has=page.get_by_role("rowheader", name=re.compile(ended)))
    expect(row.get_by_role("cell", name="beendet")).to_be_visible()
    page.get_by_role("button", name="Karte").click()
    expect(page.get_by_test_id("map")).to_have_attribute("data-layout", "settled")
    expect(page.get_by_text("beendete Kooperation", exact=True)).to_be_visible()  # the legend explains the grey lines
    shots(page, "all-times-map")


def test_an_actor_gets_partner_suggestions_with_their_reasons(site: Site, page: Page, shots: Shots) -> None:
    kita = site.graphql('{ actors(filter: { text: "Kita Hügelnest" }) { nodes { id } } }')["actors"]["nodes"][0]["id"]
    expected = site.graphql(
        "query($id: ID!) { suggestPartners(actorId: $id, first: 5) { suggestions { actor { name } "
        "reasons { text } } } }",
        {"id": kita},
        token=site.manager,
    )["suggestPartners"]["suggestions"]
    assert expected, "the demo network has suggestions for the new Kita"
    open_quarter(page, site, "rollberg", actor=kita)
    panel = page.get_by_test_id("actor-panel")
    expect(panel.get_by_role("heading", name="Kita Hügelnest")).to_be_visible()
    expect(
        panel.get_by_text("Braucht einen Zugang für Quartiersmanagement")
    ).to_be_visible()  # not offered to the public
    sign_in(page, site.manager)
    panel.get_by_role("button", name="Vorschläge anfragen").click()
    suggestions = panel.get_by_test_id("suggestions")
    first = suggestions.get_by_role("listitem").first
    expect(first.get_by_role("button", name=expected[0]["actor"]["name"])).to_be_visible()
    for reason in expected[0]["reasons"]:
        expect(first.get_by_text(reason["text"], exact=False).first).to_be_visible()
    expect(first.get_by_text("Gleiche Handlungsfelder")).to_be_visible()  # the reason's kind, in German
    expect(first.get_by_text("arbeitet auch zu", exact=False).first).to_be_visible()  # and its words
    shots(page, "suggestions")


def test_missing_links_are_drawn_and_listed_with_reasons(site: Site, page: Page, shots: Shots) -> None:
    links = site.graphql(
        '{ missingLinks(quarter: "rollberg", first: 10) { actors { name } reasons } }', token=site.manager
    )["missingLinks"]
    assert links, "the demo quarter has gaps to suggest"
    open_quarter(page, site, "rollberg")
    expect(page.get_by_label("Fehlende Verbindungen zeigen")).to_be_disabled()  # not for the public
    sign_in(page, site.manager)
    page.get_by_label("Fehlende Verbindungen zeigen").check()
    listed = page.get_by_role("list", name="Fehlende Verbindungen")
    expect(listed.locator(":scope > li")).to_have_count(len(links))
    first = listed.locator(":scope > li").first
    expect(first).to_contain_text(f"{links[0]['actors'][0]['name']} – {links[0]['actors'][1]['name']}")
    expect(first).to_contain_text(links[0]["reasons"][0])
    expect(page.get_by_text("fehlende Verbindung (Vorschlag)")).to_be_visible()  # the legend's dashed line
    shots(page, "missing-links")


def test_an_actors_surroundings_one_to_three_steps_out(site: Site, page: Page, shots: Shots) -> None:
    kita = site.graphql('{ actors(filter: { text: "Kita Sonnenschein" }) { nodes { id } } }')["actors"]["nodes"][0][
        "id"
    ]
    ego = site.graphql("query($id: ID!) { egoNetwork(actorId: $id, depth: 2) { nodeCount edgeCount } }", {"id": kita})[
        "egoNetwork"
    ]
    open_quarter(page, site, "rollberg", actor=kita)
    page.get_by_test_id("actor-panel").get_by_role("button", name="2 Schritte").click()
    expect(page.get_by_role("heading", name="Umfeld von Kita Sonnenschein e.V. (2 Schritte)")).to_be_visible()
    expect(page.get_by_test_id("counts")).to_contain_text(counts_text(ego["nodeCount"], ego["edgeCount"]))
    expect(page.get_by_test_id("map")).to_have_attribute("data-layout", "settled")
    shots(page, "two-steps")
    page.get_by_role("button", name="Zurück zum Quartier").click()
    expect(page.get_by_role("heading", name="Rollberg", exact=True)).to_be_visible()


def test_the_list_view_and_the_language_switch(site: Site, page: Page, shots: Shots) -> None:
    open_quarter(page, site, "rollberg")
    page.get_by_role("button", name="Liste").click()
    net = quarter_network(site, "rollberg")
    expect(page.get_by_role("table").first.get_by_role("row")).to_have_count(len(net["nodes"]) + 1)
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    expect(page.get_by_text(f"Actors in the selection ({len(net['nodes'])})")).to_be_visible()
    shots(page, "english-list")
    page.reload()
    expect(page.get_by_role("button", name="Deutsch")).to_be_visible()  # the choice is remembered


def test_embed_mode_is_read_only_and_without_chrome(site: Site, page: Page, shots: Shots) -> None:
    page.set_viewport_size({"width": 900, "height": 560})
    page.goto(f"{site.base}/embed?quarter=rollberg")
    expect(page.get_by_test_id("map")).to_have_attribute("data-layout", "settled")
    expect(page.get_by_role("heading", name="Rollberg")).to_be_visible()
    expect(page.get_by_text("Fiktive Demo-Daten").first).to_be_visible()
    expect(page.get_by_role("button", name="Anmelden")).to_have_count(0)
    expect(page.get_by_role("link", name=re.compile("Vollansicht öffnen"))).to_have_attribute(
        "href", "/?quarter=rollberg"
    )
    shots(page, "embed")


def test_measures_need_a_research_token_and_then_colour_the_map(site: Site, page: Page, shots: Shots) -> None:
    open_quarter(page, site, "rollberg")
    expect(page.get_by_label("Vermittlungsrolle (Betweenness)")).to_be_disabled()
    expect(page.get_by_text("Braucht einen Zugang für Forschung oder Administration.")).to_be_visible()
    sign_in(page, site.researcher)
    page.get_by_label("Vermittlungsrolle (Betweenness)").check()
    page.get_by_label("Gemeinschaften einfärben").check()
    expect(page.get_by_text("Gemeinschaft 1", exact=True)).to_be_visible()
    expect(page.get_by_text("Größe: Vermittlungsrolle (Betweenness)")).to_be_visible()
    shots(page, "communities")


def test_downloads_of_the_picture_and_the_selection(site: Site, page: Page, shots: Shots) -> None:
    open_quarter(page, site, "rollberg")
    page.get_by_text("Herunterladen").click()
    with page.expect_download() as png:
        page.get_by_role("button", name="Bild (PNG)").click()
    assert png.value.suggested_filename == "kiezgraph-rollberg.png"
    assert Path(png.value.path()).read_bytes().startswith(b"\x89PNG")
    page.get_by_text("Herunterladen").click()
    expect(page.get_by_role("button", name="Auswahl für Gephi (GEXF)")).to_have_count(0)  # public: not offered
    with page.expect_download() as svg:
        page.get_by_role("button", name="Vektorgrafik (SVG)").click()
    drawing = Path(svg.value.path()).read_text()
    assert drawing.startswith("<svg") and "Kita Sonnenschein e.V." in drawing
    sign_in(page, site.researcher)
    page.get_by_text("Herunterladen").click()
    with page.expect_download() as gexf:
        page.get_by_role("button", name="Auswahl für Gephi (GEXF)").click()
    text = Path(gexf.value.path()).read_text()
    assert "<gexf" in text and "Kita Sonnenschein e.V." in text and "Kiezwerk gGmbH" not in text
    shots(page, "downloaded")


# ---- editing --------------------------------------------------------------------------------------------


def test_a_manager_adds_a_cooperation_and_a_second_page_sees_it(
    site: Site, browser: Browser, page: Page, shots: Shots
) -> None:
    before = quarter_network(site, "rollberg")
    kita = next(n["id"] for n in before["nodes"] if n["name"] == "Kita Hügelnest")
    other = browser.new_context(viewport={"width": 1280, "height": 800}, locale="de-DE")
    second = other.new_page()
    try:
        open_quarter(second, site, "rollberg")
        expect(second.get_by_test_id("counts")).to_contain_text(counts_text(len(before["nodes"]), len(before["edges"])))
        # The second page follows the quarter's changes by itself: it says so, and needs no refresh button.
        expect(second.locator(".app")).to_have_attribute("data-live", "live")
        expect(second.get_by_test_id("live-status")).to_have_text("live")
        expect(second.get_by_role("button", name="Aktualisieren")).to_have_count(0)
        open_quarter(page, site, "rollberg", actor=kita)
        sign_in(page, site.manager)
        panel = page.get_by_test_id("actor-panel")
        panel.get_by_role("button", name="Kooperation hinzufügen").click()
        form = panel.get_by_role("form", name=re.compile("Neue Kooperation"))
        form.get_by_label("Partner").fill("grundschule am hang")
        form.get_by_role("button", name=re.compile("Grundschule am Hang")).click()
        form.get_by_label("Art", exact=True).select_option(label="Projektpartnerschaft")
        form.get_by_label("Quelle").fill("AG Bildung, Testlauf")
        shots(page, "form")
        form.get_by_role("button", name="Speichern").click()
        expect(page.get_by_role("status").filter(has_text="Die Kooperation wurde erfasst")).to_be_attached()
        expect(panel.get_by_role("button", name="Grundschule am Hang")).to_be_visible()
        expect(page.get_by_test_id("counts")).to_contain_text(
            counts_text(len(before["nodes"]), len(before["edges"]) + 1)
        )
        expect(page.get_by_test_id("map")).to_have_attribute("data-layout", "settled")
        shots(page, "drawn")
        # The second page gets the new cooperation live, without a reload and without pressing anything.
        expect(second.get_by_test_id("counts")).to_contain_text(
            counts_text(len(before["nodes"]), len(before["edges"]) + 1)
        )
        second.screenshot(path=ARTIFACTS / f"{shots.test}-second-page.png")
    finally:
        other.close()


_ADD_COOPERATION = """mutation($ids: [ID!]!) {
  addCooperation(input: {actorIds: $ids, kind: WORKING_GROUP, source: "Testlauf live"}) {
    cooperation { id } errors { message }
  }
}"""


def _wait_until(page: Page, condition: Callable[[], bool], bound_ms: int = 30_000) -> None:
    # Route handlers run while the test talks to Playwright: poll it for a condition, with a generous bound.
    for _ in range(bound_ms // 50):
        if condition():
            return
        page.wait_for_timeout(50)
    raise AssertionError("condition not met in time")


def _unlinked_pairs(net: dict[str, Any]) -> Iterator[list[str]]:
    linked = {frozenset((e["source"], e["target"])) for e in net["edges"]}
    ids = [n["id"] for n in net["nodes"]]
    for i, a in enumerate(ids):
        for b in ids[i + 1 :]:
            if frozenset((a, b)) not in linked:
                yield [a, b]


class _Relay:
    """The page's WebSockets through Playwright: passed on to the server, or held (not connected) on request."""

    def __init__(self) -> None:
        self.hold = False
        self.pages: list[WebSocketRoute] = []
        self.servers: list[WebSocketRoute | None] = []
        self.from_page: list[list[dict[str, Any]]] = []
        self.to_page: list[dict[str, Any]] = []
        self.held: list[str | bytes] = []

    def route(self, ws: WebSocketRoute) -> None:
        self.pages.append(ws)
        self.from_page.append([])
        if self.hold:
            self.servers.append(None)
            ws.on_message(self._keep(len(self.pages) - 1, self.held.append))
        else:
            self.connect(len(self.pages) - 1)

    def connect(self, index: int) -> None:
        ws = self.pages[index]
        server = ws.connect_to_server()
        self.servers[index:] = [server]
        ws.on_message(self._keep(index, server.send))
        server.on_message(lambda m: (self.to_page.append(json.loads(m)), ws.send(m)))
        for message in self.held:
            server.send(message)
        self.held.clear()

    def _keep(self, index: int, then: Callable[[str | bytes], None]) -> Callable[[str | bytes], None]:
        return lambda m: (self.from_page[index].append(json.loads(m)), then(m))[1]

    def subscribed_after(self, index: int) -> list[int]:
        return [m["payload"]["variables"]["after"] for m in self.from_page[index] if m["type"] == "subscribe"]


def test_the_map_reconnects_and_resumes_after_the_last_change_it_saw(site: Site, page: Page, shots: Shots) -> None:
    relay = _Relay()
    page.route_web_socket(re.compile(r"/graphql$"), relay.route)
    before = quarter_network(site, "rollberg")
    pairs = _unlinked_pairs(before)
    nodes, edges = len(before["nodes"]), len(before["edges"])
    open_quarter(page, site, "rollberg")
    expect(page.locator(".app")).to_have_attribute("data-live", "live")

    added = site.graphql(_ADD_COOPERATION, {"ids": next(pairs)}, token=site.manager)
    assert added["addCooperation"]["errors"] == []
    expect(page.get_by_test_id("counts")).to_contain_text(counts_text(nodes, edges + 1))
    seen = max(m["payload"]["data"]["changes"]["revision"] for m in relay.to_page if m["type"] == "next")

    # The connection drops; the page's next attempt is held until a change has been committed meanwhile.
    relay.hold = True
    dropped = len(relay.pages) - 1
    relay.pages[dropped].close()
    server = relay.servers[dropped]
    assert server is not None
    server.close()
    expect(page.get_by_test_id("live-status")).to_have_text("getrennt, verbinde neu …")
    expect(page.locator(".app")).to_have_attribute("data-live", "manual")
    expect(page.get_by_role("button", name="Aktualisieren")).to_be_visible()
    shots(page, "disconnected")
    added = site.graphql(_ADD_COOPERATION, {"ids": next(pairs)}, token=site.manager)
    assert added["addCooperation"]["errors"] == []

    _wait_until(page, lambda: len(relay.pages) > dropped + 1)  # the page tries again by itself
    relay.hold = False
    relay.connect(len(relay.pages) - 1)
    expect(page.locator(".app")).to_have_attribute("data-live", "live")
    # The change committed while it was away arrives: it resumed after the last revision it had seen.
    expect(page.get_by_test_id("counts")).to_contain_text(counts_text(nodes, edges + 2))
    assert relay.subscribed_after(len(relay.pages) - 1) == [seen]
    shots(page, "resumed")


_CREATE_ACTOR = """mutation($name: String!) {
  createActor(input: {name: $name, type: INITIATIVE, synthetic: true, quarters: [{quarter: "rollberg"}]}) {
    actor { id version } errors { message }
  }
}"""
_RENAME_ACTOR = """mutation($id: ID!, $version: Int!, $name: String!) {
  updateActor(input: {id: $id, version: $version, name: $name}) { actor { id version } errors { message } }
}"""
_ARCHIVE_ACTOR = """mutation($id: ID!) {
  archiveActor(input: {id: $id}) { actor { id } errors { message } }
}"""


def _node(page: Page, actor: str) -> dict[str, Any] | None:
    """The actor as the map holds it (label, position), through the map's ?debug handle; None if absent."""
    found: dict[str, Any] | None = page.evaluate(
        "id => { const g = window.kiezgraphMap.graph; if (!g.hasNode(id)) return null;"
        " const a = g.getNodeAttributes(id); return { label: a.label, x: a.x, y: a.y }; }",
        actor,
    )
    return found


def test_live_changes_are_applied_in_place_without_reading_the_network_again(
    site: Site, page: Page, shots: Shots
) -> None:
    network_reads: list[str] = []

    def read_network(request: Request) -> None:
        if request.method == "POST" and request.url.endswith("/graphql"):
            query = json.loads(request.post_data or "{}").get("query", "")
            if "quarterNetwork(" in query:
                network_reads.append(query)

    page.on("request", read_network)
    before = quarter_network(site, "rollberg")
    nodes, edges = len(before["nodes"]), len(before["edges"])
    open_quarter(page, site, "rollberg", debug="1")
    expect(page.locator(".app")).to_have_attribute("data-live", "live")
    reads = len(network_reads)
    assert reads >= 1, "the page read the quarter's network"
    kept = next(n["id"] for n in before["nodes"] if n["name"] == "Kita Sonnenschein e.V.")
    place = _node(page, kept)
    assert place is not None

    # A new actor in the quarter appears, then a cooperation of it with the Kita, then its new name.
    created = site.graphql(_CREATE_ACTOR, {"name": "Live-Treff Testlauf"}, token=site.manager)["createActor"]
    assert created["errors"] == []
    newcomer = created["actor"]
    expect(page.get_by_test_id("counts")).to_contain_text(counts_text(nodes + 1, edges))
    added = site.graphql(_ADD_COOPERATION, {"ids": [newcomer["id"], kept]}, token=site.manager)["addCooperation"]
    assert added["errors"] == []
    expect(page.get_by_test_id("counts")).to_contain_text(counts_text(nodes + 1, edges + 1))
    renamed = site.graphql(
        _RENAME_ACTOR,
        {"id": newcomer["id"], "version": newcomer["version"], "name": "Live-Treff umbenannt"},
        token=site.manager,
    )["updateActor"]
    assert renamed["errors"] == []
    page.wait_for_function(
        "id => window.kiezgraphMap.graph.hasNode(id)"
        " && window.kiezgraphMap.graph.getNodeAttribute(id, 'label') === 'Live-Treff umbenannt'",
        arg=newcomer["id"],
    )
    shots(page, "applied")
    # Archived: the actor and its cooperation leave the map.
    archived = site.graphql(_ARCHIVE_ACTOR, {"id": newcomer["id"]}, token=site.manager)["archiveActor"]
    assert archived["errors"] == []
    expect(page.get_by_test_id("counts")).to_contain_text(counts_text(nodes, edges))
    assert _node(page, newcomer["id"]) is None

    # Every change was applied to the graph on the page: the network was not read again, and the
    # actors already drawn kept their places (no layout ran).
    assert len(network_reads) == reads, network_reads
    assert _node(page, kept) == place


def test_refused_edits_show_their_german_message_beside_the_field(site: Site, page: Page, shots: Shots) -> None:
    open_quarter(page, site, "rollberg")
    sign_in(page, site.manager)
    page.get_by_role("button", name="Neuer Akteur").click()
    dialog = page.get_by_role("dialog")
    name = dialog.get_by_label(re.compile("^Name"))
    name.fill("KITA Sonnenschein")
    dialog.get_by_role("button", name="Speichern").click()
    message = dialog.locator("#name-error")
    expect(message).to_contain_text("Einen Akteur mit diesem Namen gibt es schon.")
    expect(message).to_contain_text("Kita Sonnenschein e.V.")
    expect(name).to_have_attribute("aria-describedby", "name-error")
    shots(page, "duplicate-name")
    dialog.get_by_role("button", name="Abbrechen").click()
    # A cooperation between two actors of another quarter: offered (one of them could be ours), refused.
    regenbogen = site.graphql('{ actors(filter: { text: "Kita Regenbogenland" }) { nodes { id } } }')["actors"][
        "nodes"
    ][0]["id"]
    page.goto(f"{site.base}/?quarter=donaustrasse-nord&actor={regenbogen}")
    panel = page.get_by_test_id("actor-panel")
    expect(panel.get_by_text("Dieser Akteur gehört nicht zu Ihren Quartieren")).to_be_visible()
    panel.get_by_role("button", name="Kooperation hinzufügen").click()
    form = panel.get_by_role("form", name=re.compile("Neue Kooperation"))
    form.get_by_label("Partner").fill("repair")
    form.get_by_role("button", name=re.compile("Repair-Café Flussviertel")).click()
    form.get_by_role("button", name="Speichern").click()
    expect(form.get_by_role("alert")).to_contain_text("Das dürfen Sie mit Ihrem Zugang nicht.")
    shots(page, "forbidden")


# ---- accessibility ----------------------------------------------------------------------------------------


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """Serious and critical findings of axe-core (WCAG 2.1 A and AA rules) on the page as it is now."""
    page.add_script_tag(content=AXE.read_text())
    result: dict[str, Any] = page.evaluate(
        "async () => await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })"
    )
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_axe_finds_no_serious_violations(site: Site, page: Page, shots: Shots) -> None:
    assert AXE.exists(), "run `make test` (it installs web/node_modules)"
    found: dict[str, list[dict[str, Any]]] = {}
    page.goto(site.base + "/")
    expect(page.get_by_role("heading", name="Wer arbeitet mit wem im Kiez?")).to_be_visible()
    found["welcome"] = axe_violations(page)
    open_quarter(page, site, "rollberg")
    sign_in(page, site.manager)
    page.get_by_role("combobox", name="Akteur suchen").fill("kita sonnen")
    page.get_by_role("option").first.click()
    expect(page.get_by_test_id("actor-panel").get_by_role("heading", level=2).first).to_be_visible()
    found["map with panel"] = axe_violations(page)
    shots(page, "map-with-panel")
    page.get_by_role("button", name="Liste").click()
    found["list"] = axe_violations(page)
    page.get_by_role("button", name="Neuer Akteur").click()
    found["dialog"] = axe_violations(page)
    page.keyboard.press("Escape")
    page.goto(f"{site.base}/embed?quarter=rollberg")
    expect(page.get_by_test_id("map")).to_have_attribute("data-layout", "settled")
    found["embed"] = axe_violations(page)
    assert {view: v for view, v in found.items() if v} == {}, json.dumps(found, indent=1)


def test_the_keyboard_reaches_the_quarters_and_the_map(site: Site, page: Page) -> None:
    page.goto(site.base + "/")
    # The page's code loads after its first request is sent (web/src/main.ts): keys count once it shows.
    expect(page.get_by_role("heading", name="Wer arbeitet mit wem im Kiez?")).to_be_visible()
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Zur Karte springen")).to_be_focused()
    quarters = page.get_by_role("list").filter(has=page.get_by_role("button", name=re.compile("^Ganz Berlin")))
    quarters.get_by_role("button").first.focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("map")).to_have_attribute("data-layout", "settled")
    expect(page.get_by_test_id("counts")).to_be_visible()


def test_the_page_needs_nothing_from_other_hosts(site: Site, context: BrowserContext) -> None:
    outside: list[str] = []
    p = context.new_page()
    p.on("request", lambda r: outside.append(r.url) if not r.url.startswith((site.base, "data:", "blob:")) else None)
    p.goto(f"{site.base}/?quarter=rollberg")
    expect(p.get_by_test_id("map")).to_have_attribute("data-layout", "settled")
    assert outside == []


def test_served_page_is_the_built_one(site: Site) -> None:
    page = httpx.get(f"{site.base}/", timeout=10)
    assert page.headers["content-type"].startswith("text/html")
    assert "default-src 'self'" in page.headers["content-security-policy"]
    script = re.search(r'src="(/assets/app\.js)"', page.text)
    assert script and httpx.get(site.base + script.group(1), timeout=10).status_code == 200
    assert (
        httpx.get(f"{site.base}/embed?quarter=rollberg", timeout=10)
        .headers["content-security-policy"]
        .endswith("frame-ancestors *")
    )
