"""The suggestion model fitted per deployment in the background of the service (resolvers/refit.py), against
the real Neo4j: after the suggestions' snapshot is built the fit runs off the event loop; without enough
history the shipped model serves, with enough the fitted one (kind "deployment", its window, the revision
and when); switched off, the shipped model always. When a refit is due is a rule of its own (pure)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from collections.abc import Iterator
from typing import Any

import neo4j
import pytest
from starlette.testclient import TestClient

from analysis import suggestions as scoring
from bench.generate import Network, generate
from core.latest import Entry
from core.services import Services
from graph import revision
from graph.db import Neo4jSettings
from kiezgraph.app import create_app
from resolvers import ids, refit
from resolvers import suggestions as resolver
from tests.conftest import TEST_OPTIONS, GraphQLClient
from tests.netload import load_generated

TODAY = dt.date.today()
SUGGEST = """query($id: ID!) { suggestPartners(actorId: $id, first: 5) {
  model { trainedOn trainedOnDe } suggestions { actor { id } } } }"""


def recent(net: Network) -> Network:
    """The generated network moved in time so that its last year (2024) is the year before today."""
    shift = TODAY - dt.date(2024, 12, 31)

    def moved(t: dict[str, Any]) -> dict[str, Any]:
        props = dict(t["props"])
        props["since"] = props["since"] + shift
        props["until"] = props["until"] + shift if props["until"] is not None else None
        return {**t, "props": props}

    return Network(net.seed, net.quarters, net.actors, [moved(t) for t in net.cooperations])


NETWORK = recent(generate(seed=17, quarters=4, actors=240, cooperations=1100))


@pytest.fixture
def loaded(reference: neo4j.Driver, neo4j_settings: Neo4jSettings) -> str:
    """The network loaded; an actor of median degree's global id (to ask for its suggestions: a hub's pool read
    through Neo4j, before the snapshot is there, is slow on a busy machine)."""

    load_generated(neo4j_settings, NETWORK)
    degrees = NETWORK.degrees()
    return ids.encode("Actor", sorted(degrees, key=lambda a: (degrees[a], a))[len(degrees) // 2])


def app(neo4j_settings: Neo4jSettings, token: str, **options: Any) -> TestClient:
    # a generous deadline: these tests wait for work in the background, on a machine others share
    made = create_app(neo4j_settings, dataclasses.replace(TEST_OPTIONS, request_timeout=120.0, **options))
    return TestClient(made, headers={"Authorization": f"Bearer {token}"})


def services_of(http: TestClient) -> Services:
    found: Services = http.app.state.services  # type: ignore[attr-defined]
    return found


def wait_for_fit(http: TestClient, actor: str) -> refit.DeploymentFit:
    """Ask for suggestions until an attempt to fit has finished (the first request has the snapshot built,
    and the fit follows it in the background)."""
    gql, services = GraphQLClient(http), services_of(http)
    deadline = time.monotonic() + 120
    while True:
        gql.data(SUGGEST, {"id": actor})
        found = services.models.get(refit.MODEL)
        if found is not None and not services.models.pending(refit.MODEL):
            fit: refit.DeploymentFit = found.value
            return fit
        assert time.monotonic() < deadline, "no fit within two minutes"
        time.sleep(0.1)


@pytest.fixture
def shipped_only(neo4j_settings: Neo4jSettings, admin_token: str) -> Iterator[TestClient]:
    with app(neo4j_settings, admin_token) as http:
        yield http


def test_with_too_few_positives_the_shipped_model_serves(
    loaded: str, shipped_only: TestClient, driver: neo4j.Driver
) -> None:
    fit = wait_for_fit(shipped_only, loaded)  # the service's threshold: 200 positive examples
    assert fit.fitted is None and fit.model is None and fit.day == TODAY
    assert "fewer than the 200 positive examples needed: the shipped model serves" in fit.reason.en
    assert "weniger als die 200 nötigen positiven Beispiele: es gilt das mitgelieferte Modell" in fit.reason.de
    services = services_of(shipped_only)
    assert refit.served(services) is scoring.DEFAULT_MODEL
    assert refit.served(services).kind == "shipped"
    answer = GraphQLClient(shipped_only).data(SUGGEST, {"id": loaded})["suggestPartners"]
    assert answer["model"]["trainedOn"] == scoring.DEFAULT_MODEL.trained_on.en
    assert answer["model"]["trainedOnDe"] == scoring.DEFAULT_MODEL.trained_on.de


def test_with_enough_history_the_fitted_model_serves_with_its_window(
    loaded: str, neo4j_settings: Neo4jSettings, admin_token: str, driver: neo4j.Driver
) -> None:
    with app(neo4j_settings, admin_token, suggestion_refit_min_positives=10) as http:
        fit = wait_for_fit(http, loaded)
        services = services_of(http)
        [[current]] = driver.execute_query(revision.CURRENT).records
        assert fit.fitted is not None, fit.reason
        start = (
            TODAY.replace(year=TODAY.year - 1)
            if (TODAY.month, TODAY.day) != (2, 29)
            else TODAY.replace(year=TODAY.year - 1, day=28)
        )
        assert (fit.fitted.start, fit.fitted.end) == (start, TODAY)
        assert fit.fitted.positives >= 10 and fit.fitted.actors > 0
        model = refit.served(services)
        assert model is fit.model and model is not scoring.DEFAULT_MODEL
        assert model.kind == "deployment"
        assert (model.start, model.end) == (start, TODAY)
        assert (model.actors, model.positives) == (fit.fitted.actors, fit.fitted.positives)
        kept = services.models.get(refit.MODEL)
        assert kept is not None and kept.revision == current and refit.current(services) == (fit, kept)
        assert f"candidates of {start} became partners by {TODAY}" in model.trained_on.en
        assert f"fitted at {kept.computed_at:%Y-%m-%d %H:%M} UTC on revision {current}" in model.trained_on.en
        assert f"wie die Kandidaten vom {start:%d.%m.%Y} von {fit.fitted.actors} Akteuren" in model.trained_on.de
        assert f"angepasst am {kept.computed_at:%d.%m.%Y %H:%M} UTC auf Revision {current}" in model.trained_on.de
        # a day before the window's end is ranked by the shipped model: the fit knows ties after that day
        asked = """query($id: ID!, $day: Date) { suggestPartners(actorId: $id, first: 5, asOf: $day) {
          model { kind windowEnd } } }"""
        gql = GraphQLClient(http)
        then = gql.data(asked, {"id": loaded, "day": str(start)})["suggestPartners"]["model"]
        now = gql.data(asked, {"id": loaded, "day": str(TODAY)})["suggestPartners"]["model"]
        assert then["kind"] == "SHIPPED"
        assert now == {"kind": "DEPLOYMENT", "windowEnd": str(TODAY)}
        # the next requests find nothing due: the same fit stays (no refit on every request)
        GraphQLClient(http).data(SUGGEST, {"id": loaded})
        assert services.models.get(refit.MODEL) is kept and not services.models.pending(refit.MODEL)


def test_switched_off_nothing_is_fitted(
    loaded: str, neo4j_settings: Neo4jSettings, admin_token: str, driver: neo4j.Driver
) -> None:
    with app(neo4j_settings, admin_token, suggestion_refit=False, suggestion_refit_min_positives=10) as http:
        services = services_of(http)
        gql = GraphQLClient(http)
        deadline = time.monotonic() + 60
        while services.snapshots.get(resolver.SNAPSHOT) is None:  # the snapshot is built as ever ...
            gql.data(SUGGEST, {"id": loaded})
            assert time.monotonic() < deadline, "no snapshot within a minute"
            time.sleep(0.1)
        gql.data(SUGGEST, {"id": loaded})
        assert services.models.get(refit.MODEL) is None and not services.models.pending(refit.MODEL)
        assert refit.served(services) is scoring.DEFAULT_MODEL  # ... and the shipped model serves


def test_a_refit_is_due_on_a_new_day_or_after_writes_once_the_last_is_old_enough() -> None:
    at = dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC)
    fit = refit.DeploymentFit(dt.date(2026, 12, 1), None, "", None, 0.0)
    kept = Entry(fit, 7, at)
    assert refit.due(None, 7, dt.date(2026, 12, 1), at, 3600)  # nothing fitted yet
    assert not refit.due(kept, 7, dt.date(2026, 12, 1), at + dt.timedelta(hours=5), 3600)  # nothing moved
    assert not refit.due(kept, 9, dt.date(2026, 12, 1), at + dt.timedelta(minutes=59), 3600)  # written, too soon
    assert refit.due(kept, 9, dt.date(2026, 12, 1), at + dt.timedelta(minutes=60), 3600)  # written, old enough
    assert refit.due(kept, 7, dt.date(2026, 12, 2), at + dt.timedelta(minutes=1), 3600)  # the window moved
