"""Partner suggestions and missing links over HTTP."""

from __future__ import annotations

import datetime as dt
import math
import re

import neo4j
import pytest

from tests import factories
from tests.conftest import GraphQLClient

SUGGEST = """query($id: ID!, $field: String, $q: String, $types: [ActorType!], $first: Int!,
  $w: SuggestionWeightsInput) { suggestPartners(actorId: $id, actionField: $field, quarter: $q, types: $types,
  first: $first, weights: $w) { actor { name } weights { sharedPartners distance }
  suggestions { actor { id name } score distanceMetres sharedPartners { name }
  reasons { kind text textDe contribution } } model { trainedOn coefficients { kind coefficient } } } }"""


@pytest.fixture
def kiez(reference: neo4j.Driver, gql: GraphQLClient) -> dict[str, str]:
    """A small Rollberg network: a new Kita, its partner school, and actors around them."""
    here = {"latitude": 52.4772, "longitude": 13.4322}
    made = {
        "kita": factories.actor(
            gql,
            "Neue Kita Rollberg",
            "INSTITUTION",
            actionFields=["bildung"],
            quarters=[{"quarter": "rollberg"}],
            location=here,
        ),
        "school": factories.actor(
            gql, "Schule am Rollberg", "INSTITUTION", actionFields=["bildung"], quarters=[{"quarter": "rollberg"}]
        ),
        "readers": factories.actor(
            gql,
            "Lesepaten Rollberg e.V.",
            "INITIATIVE",
            actionFields=["bildung"],
            quarters=[{"quarter": "rollberg"}],
            location={"latitude": 52.4778, "longitude": 13.4330},
        ),
        "garden": factories.actor(
            gql,
            "Gemeinschaftsgarten Rollberg",
            "INITIATIVE",
            actionFields=["oeffentlicher-raum"],
            quarters=[{"quarter": "rollberg"}],
        ),
        "far": factories.actor(
            gql,
            "Sprachcafé Gropiusstadt",
            "INITIATIVE",
            actionFields=["bildung"],
            quarters=[{"quarter": "gropiusstadt"}],
            location={"latitude": 52.4258, "longitude": 13.4614},
        ),
        "old": factories.actor(
            gql, "Früherer Partner", "COMPANY", actionFields=["bildung"], quarters=[{"quarter": "rollberg"}]
        ),
        "gone": factories.actor(
            gql, "Archivierte Initiative", "INITIATIVE", actionFields=["bildung"], quarters=[{"quarter": "rollberg"}]
        ),
    }
    ids = {k: v["id"] for k, v in made.items()}
    factories.cooperation(gql, ids["kita"], ids["school"], since="2024-09-01")
    factories.cooperation(gql, ids["school"], ids["readers"], since="2022-01-01", actionFields=["bildung"])
    factories.cooperation(gql, ids["kita"], ids["old"], since="2019-01-01", until="2020-12-31")
    gql.data(
        "mutation($i: ActorStateInput!) { archiveActor(input: $i) { errors { code } } }", {"i": {"id": ids["gone"]}}
    )
    return ids


def suggested(gql: GraphQLClient, ids: dict, **variables: object) -> list[dict]:
    result = gql.data(SUGGEST, {"id": ids["kita"], "first": 10, **variables})["suggestPartners"]
    return list(result["suggestions"])


def test_ranked_suggestions_with_reasons(kiez: dict, gql: GraphQLClient) -> None:
    found = suggested(gql, kiez)
    names = [s["actor"]["name"] for s in found]
    assert names[0] == "Lesepaten Rollberg e.V."  # shares the school, same quarter, same field, next door
    top = found[0]
    assert [p["name"] for p in top["sharedPartners"]] == ["Schule am Rollberg"]
    kinds = {r["kind"] for r in top["reasons"]}
    assert {"SHARED_PARTNERS", "SAME_QUARTER", "SHARED_ACTION_FIELDS", "DISTANCE"} <= kinds
    assert any("Schule am Rollberg" in r["text"] for r in top["reasons"])
    assert top["distanceMetres"] == pytest.approx(84, abs=10)
    assert sum(r["contribution"] for r in top["reasons"]) == pytest.approx(top["score"], abs=0.02)
    assert [s["score"] for s in found] == sorted((s["score"] for s in found), reverse=True)


def test_reasons_come_in_german_and_english(kiez: dict, gql: GraphQLClient) -> None:
    top = suggested(gql, kiez)[0]
    by_kind = {r["kind"]: r for r in top["reasons"]}
    assert by_kind["SHARED_PARTNERS"]["text"] == "shares 1 partner: Schule am Rollberg"
    assert by_kind["SHARED_PARTNERS"]["textDe"] == "1 gemeinsamer Partner: Schule am Rollberg"
    # 86 m: great-circle distance between the two fixtures' points (52.4772, 13.4322) and (52.4778, 13.4330).
    assert by_kind["DISTANCE"]["textDe"] == "86 m entfernt" and by_kind["DISTANCE"]["text"] == "86 m away"
    assert all(r["textDe"] and r["textDe"] != r["text"] for r in top["reasons"])


def test_the_learned_model_ranks_by_default_and_says_what_it_learned_from(kiez: dict, gql: GraphQLClient) -> None:
    default = gql.data(SUGGEST, {"id": kiez["kita"], "first": 3})["suggestPartners"]
    assert "growth A" in default["model"]["trainedOn"]
    coefficients = {c["kind"]: c["coefficient"] for c in default["model"]["coefficients"]}
    assert coefficients["SHARED_PARTNERS"] > 0 and min(coefficients.values()) >= 0
    weighted = gql.data(SUGGEST, {"id": kiez["kita"], "first": 3, "w": {"distance": 1}})["suggestPartners"]
    assert weighted["model"] is None


def test_partners_three_steps_away_are_found_through_the_network(kiez: dict, gql: GraphQLClient) -> None:
    """Kita – school – Lesepaten – Stadtteilbibliothek (far away, no location, another field): only the walk
    along ties reaches the library; it is suggested, with no shared partner, because the network brings it near."""
    library = factories.actor(
        gql, "Stadtteilbibliothek Gropiusstadt", "INSTITUTION", quarters=[{"quarter": "gropiusstadt"}]
    )
    factories.cooperation(gql, kiez["readers"], library["id"], since="2023-05-01")
    found = {s["actor"]["name"]: s for s in suggested(gql, kiez)}
    reached = found["Stadtteilbibliothek Gropiusstadt"]
    assert reached["sharedPartners"] == []
    # the shipped model carries the walk as the library's place among the closest actors (PPR_RANK)
    [walk] = [r for r in reached["reasons"] if r["kind"] == "PPR_RANK"]
    assert re.fullmatch(r"Platz \d+ unter den im Netzwerk nächsten Akteuren", walk["textDe"])
    assert re.fullmatch(r"number \d+ among the actors closest in the network", walk["text"])
    assert walk["contribution"] > 0


STRUCTURAL = """query($id: ID!, $first: Int!, $w: SuggestionWeightsInput%s) {
  suggestPartners(actorId: $id, first: $first, weights: $w%s) {
  suggestions { actor { name } score reasons { kind text textDe contribution signals { kind contribution } } }
  model { trainedOn trainedOnDe intercept kind windowStart windowEnd actors positives coefficients { kind coefficient } } } }"""


def ask_in(gql: GraphQLClient, language: str, variables: dict, as_of: bool = False) -> dict:
    query = STRUCTURAL % ((", $day: Date", ", asOf: $day") if as_of else ("", ""))
    response = gql.http.post(
        "/graphql",
        json={"query": query, "variables": variables},
        headers={"Accept-Language": language} | ({} if gql.token is None else {"Authorization": f"Bearer {gql.token}"}),
    )
    body = response.json()
    assert "errors" not in body, body
    return dict(body["data"]["suggestPartners"])


def test_structural_reasons_in_german_and_english_carry_their_share_of_the_score(
    kiez: dict, gql: GraphQLClient
) -> None:
    """The Lesepaten share the school (degree 2) with the Kita: shared partners, shared partners with few
    partners (resource allocation) and "partner of partners" make one reason, its signals listed."""
    asked = {"id": kiez["kita"], "first": 10}
    german, english = ask_in(gql, "de", asked), ask_in(gql, "en", asked)
    top_de, top_en = german["suggestions"][0], english["suggestions"][0]
    assert top_de["actor"]["name"] == top_en["actor"]["name"] == "Lesepaten Rollberg e.V."
    assert top_de["score"] == pytest.approx(top_en["score"], rel=1e-9)
    by_kind = {r["kind"]: r for r in top_de["reasons"]}
    partners = by_kind["SHARED_PARTNERS"]
    assert partners["text"] == partners["textDe"] == "1 gemeinsamer Partner: Schule am Rollberg"
    assert {x["kind"] for x in partners["signals"]} == {"SHARED_PARTNERS", "RESOURCE_ALLOCATION", "TWO_STEPS"}
    assert {r["kind"] for r in top_de["reasons"]}.isdisjoint({"RESOURCE_ALLOCATION", "TWO_STEPS", "POPULARITY"})
    assert [r["text"] for r in top_en["reasons"]] != [r["text"] for r in top_de["reasons"]]
    assert [r["textDe"] for r in top_en["reasons"]] == [r["text"] for r in top_de["reasons"]]
    # the parts: each signal's coefficient·value in proportion, adding up to the reason and to the score
    coefficients = {c["kind"]: c["coefficient"] for c in german["model"]["coefficients"]}
    values = {
        "SHARED_PARTNERS": 1 - math.exp(-(1 / math.log(2)) / 2),
        "RESOURCE_ALLOCATION": 1 - math.exp(-1 / 2),
        "TWO_STEPS": 1.0,
    }
    parts = {x["kind"]: x["contribution"] for x in partners["signals"]}
    for kind, value in values.items():
        ratio = parts[kind] / parts["TWO_STEPS"]
        assert ratio == pytest.approx(coefficients[kind] * value / coefficients["TWO_STEPS"], rel=1e-9)
    for reason in top_de["reasons"]:
        assert sum(x["contribution"] for x in reason["signals"]) == pytest.approx(reason["contribution"], rel=1e-9)
    assert sum(r["contribution"] for r in top_de["reasons"]) == pytest.approx(top_de["score"], abs=0.02)
    closeness = by_kind["PPR_RANK"]
    assert closeness["text"] == "Platz 1 unter den im Netzwerk nächsten Akteuren"  # the closest candidate of the walk
    assert {x["kind"] for x in closeness["signals"]} == {"PPR_RANK", "PPR_050"}
    english_closeness = next(r for r in top_en["reasons"] if r["kind"] == "PPR_RANK")
    assert english_closeness["text"] == "number 1 among the actors closest in the network"


def test_the_model_says_what_it_was_trained_on(kiez: dict, gql: GraphQLClient) -> None:
    model = ask_in(gql, "en", {"id": kiez["kita"], "first": 3})["model"]
    assert model["kind"] == "SHIPPED"
    assert (model["windowStart"], model["windowEnd"]) == ("2020-01-01", "2021-01-01")
    assert (model["actors"], model["positives"]) == (878, 1308)
    assert "growth A" in model["trainedOn"] and "878" in model["trainedOn"]
    # German first: the description exists in German too, and with Accept-Language: de it is `trainedOn`
    assert "878 Akteure" in model["trainedOnDe"] and "1.308 positive Beispiele" in model["trainedOnDe"]
    german = ask_in(gql, "de", {"id": kiez["kita"], "first": 3})["model"]
    assert german["trainedOn"] == german["trainedOnDe"] == model["trainedOnDe"] != model["trainedOn"]
    coefficients = {c["kind"]: c["coefficient"] for c in model["coefficients"]}
    assert {"PPR_RANK", "RESOURCE_ALLOCATION", "TWO_STEPS", "POPULARITY", "SHARED_PARTNERS"} <= coefficients.keys()
    assert min(coefficients.values()) >= 0 and coefficients["TWO_STEPS"] > 0


def test_custom_weights_use_no_structural_signal_and_as_of_keeps_them(kiez: dict, gql: GraphQLClient) -> None:
    weights = dict.fromkeys(SIGNALS, 0) | {"sharedPartners": 1}
    weighted = ask_in(gql, "en", {"id": kiez["kita"], "first": 10, "w": weights})
    assert weighted["model"] is None
    top = weighted["suggestions"][0]
    [reason] = top["reasons"]
    assert reason["signals"] == [{"kind": "SHARED_PARTNERS", "contribution": pytest.approx(top["score"], rel=1e-9)}]
    # as of a day after the ties began, the learned model gives the same structural reasons as today
    today = ask_in(gql, "en", {"id": kiez["kita"], "first": 10})["suggestions"]
    then = ask_in(gql, "en", {"id": kiez["kita"], "first": 10, "day": "2025-06-01"}, as_of=True)["suggestions"]
    assert then[0]["actor"]["name"] == today[0]["actor"]["name"] == "Lesepaten Rollberg e.V."
    assert [x["kind"] for x in then[0]["reasons"][0]["signals"]] == [
        x["kind"] for x in today[0]["reasons"][0]["signals"]
    ]
    # before the school's tie to the Kita began (2024-09-01) there was no shared partner, nor a walk to them
    before = ask_in(gql, "en", {"id": kiez["kita"], "first": 10, "day": "2024-06-01"}, as_of=True)["suggestions"]
    readers = next(s for s in before if s["actor"]["name"] == "Lesepaten Rollberg e.V.")
    kinds = {x["kind"] for r in readers["reasons"] for x in r["signals"]}
    assert kinds.isdisjoint({"SHARED_PARTNERS", "RESOURCE_ALLOCATION", "TWO_STEPS", "PPR_RANK", "PPR_050"})


def test_as_of_leaves_out_actors_that_had_not_appeared_yet(kiez: dict, gql: GraphQLClient) -> None:
    newcomer = factories.actor(
        gql,
        "Neues Nachbarschaftscafé",
        "INITIATIVE",
        actionFields=["bildung"],
        quarters=[{"quarter": "rollberg", "since": "2025-03-01"}],
    )
    assert newcomer["id"]
    assert "Neues Nachbarschaftscafé" not in by_name(gql, kiez["kita"], day="2024-06-01")
    assert "Neues Nachbarschaftscafé" in by_name(gql, kiez["kita"], day="2025-06-01")


def test_self_existing_former_and_archived_partners_never_appear(kiez: dict, gql: GraphQLClient) -> None:
    names = {s["actor"]["name"] for s in suggested(gql, kiez)}
    assert names.isdisjoint({"Neue Kita Rollberg", "Schule am Rollberg", "Früherer Partner", "Archivierte Initiative"})


def test_action_field_quarter_and_type_focus(kiez: dict, gql: GraphQLClient) -> None:
    green = {s["actor"]["name"] for s in suggested(gql, kiez, field="oeffentlicher-raum")}
    assert green == {"Gemeinschaftsgarten Rollberg"}
    companies = suggested(gql, kiez, types=["COMPANY"])
    assert companies and {s["actor"]["name"] for s in companies} <= {
        "BSG",
        "Stadtkümmerei",
        "Weeber+Partner",
        "S.T.E.R.N.",
        "Mieterberatung Prenzlauer Berg",
    }
    # Gropiusstadt is 6 km from Rollberg: not suggested by default, but when it is the quarter in focus.
    assert "Sprachcafé Gropiusstadt" not in {s["actor"]["name"] for s in suggested(gql, kiez)}
    there = {s["actor"]["name"]: s for s in suggested(gql, kiez, q="gropiusstadt")}
    far = there["Sprachcafé Gropiusstadt"]
    assert any(r["kind"] == "SAME_QUARTER" and "Gropiusstadt" in r["text"] for r in far["reasons"])


def test_weights_are_returned_and_adjustable(kiez: dict, gql: GraphQLClient) -> None:
    default = gql.data(SUGGEST, {"id": kiez["kita"], "first": 3})["suggestPartners"]["weights"]
    assert default == {"sharedPartners": 0.35, "distance": 0.1}
    only_distance = {
        "sharedPartners": 0,
        "sharedActionFields": 0,
        "sameQuarter": 0,
        "distance": 1,
        "complementaryType": 0,
        "recentActivity": 0,
    }
    result = gql.data(SUGGEST, {"id": kiez["kita"], "first": 3, "w": only_distance})["suggestPartners"]
    assert result["weights"] == {"sharedPartners": 0.0, "distance": 1.0}
    located = [s for s in result["suggestions"] if s["distanceMetres"] is not None]
    assert [s["distanceMetres"] for s in located] == sorted(s["distanceMetres"] for s in located)


def test_bad_requests_are_clear_errors(kiez: dict, gql: GraphQLClient) -> None:
    for variables, code in (
        ({"id": "QWN0b3I6bm9wZQ"}, "NOT_FOUND"),
        ({"w": {"distance": -1}}, "BAD_USER_INPUT"),
        ({"first": 0}, "BAD_USER_INPUT"),
        ({"field": "kochen"}, "BAD_USER_INPUT"),
        ({"id": kiez["gone"]}, "BAD_USER_INPUT"),
    ):
        body = gql(SUGGEST, {"id": kiez["kita"], "first": 10, **variables})
        assert body["errors"][0]["extensions"]["code"] == code, variables


def test_missing_links_join_separate_groups_first(kiez: dict, gql: GraphQLClient) -> None:
    links = gql.data(
        '{ missingLinks(quarter: "rollberg", first: 5) { actors { name } score joinsComponents reasons } }'
    )["missingLinks"]
    assert links and links[0]["joinsComponents"]
    assert [link["score"] for link in links] == sorted((link["score"] for link in links), reverse=True)
    pair = {a["name"] for a in links[0]["actors"]}
    assert len(pair) == 2 and pair & {
        "Neue Kita Rollberg",
        "Schule am Rollberg",
        "Lesepaten Rollberg e.V.",
        "Früherer Partner",
    }
    assert "no path between them" in links[0]["reasons"][0]


SUGGEST_ON = """query($id: ID!, $first: Int!, $w: SuggestionWeightsInput, $types: [ActorType!]%s) {
  suggestPartners(actorId: $id, first: $first, weights: $w, types: $types%s) {
    suggestions { actor { name } score sharedPartners { name } reasons { kind text contribution } } } }"""
SUGGEST_TODAY, SUGGEST_AS_OF = SUGGEST_ON % ("", ""), SUGGEST_ON % (", $day: Date", ", asOf: $day")


def by_name(gql: GraphQLClient, actor: str, **variables: object) -> dict[str, dict]:
    """All suggestions for ``actor`` (at most 50) by name; ``day`` asks as of that day."""
    query = SUGGEST_AS_OF if "day" in variables else SUGGEST_TODAY
    found = gql.data(query, {"id": actor, "first": 50, **variables})["suggestPartners"]["suggestions"]
    return {s["actor"]["name"]: s for s in found}


def test_a_partner_whose_tie_ended_is_shared_with_nobody(kiez: dict, gql: GraphQLClient) -> None:
    """The Kita worked with a Träger in 2014–2016; that Träger is no shared partner today, nor a bridge to
    its own partners. As of a day in 2016 it was both."""
    former = factories.actor(gql, "Ehemaliger Träger", "COMPANY", quarters=[{"quarter": "gropiusstadt"}])["id"]
    neighbour = factories.actor(
        gql, "Nachbarschaftsverein Rollberg", "INITIATIVE", actionFields=["bildung"], quarters=[{"quarter": "rollberg"}]
    )["id"]
    beyond = factories.actor(
        gql, "Stadtteilzentrum Gropiusstadt", "INSTITUTION", quarters=[{"quarter": "gropiusstadt"}]
    )["id"]
    factories.cooperation(gql, kiez["kita"], former, since="2014-01-01", until="2016-12-31")
    factories.cooperation(gql, former, neighbour, since="2013-05-01")
    factories.cooperation(gql, former, beyond, since="2015-03-01")

    today = by_name(gql, kiez["kita"])
    assert today["Nachbarschaftsverein Rollberg"]["sharedPartners"] == []  # still suggested: same quarter, field
    assert all("Ehemaliger Träger" not in r["text"] for s in today.values() for r in s["reasons"])
    assert all(r["kind"] != "SHARED_PARTNERS" for r in today["Nachbarschaftsverein Rollberg"]["reasons"])
    assert "Stadtteilzentrum Gropiusstadt" not in today  # reached only through the ended tie, 6 km away
    assert "Ehemaliger Träger" not in today  # a former partner is never suggested
    assert [p["name"] for p in today["Lesepaten Rollberg e.V."]["sharedPartners"]] == ["Schule am Rollberg"]

    then = by_name(gql, kiez["kita"], day="2016-06-01")
    for name in ("Nachbarschaftsverein Rollberg", "Stadtteilzentrum Gropiusstadt"):
        assert [p["name"] for p in then[name]["sharedPartners"]] == ["Ehemaliger Träger"], name
        assert any(r["kind"] == "SHARED_PARTNERS" and "Ehemaliger Träger" in r["text"] for r in then[name]["reasons"])
    assert then["Lesepaten Rollberg e.V."]["sharedPartners"] == []  # the Kita met the school only in 2024
    assert "Ehemaliger Träger" not in then and "Schule am Rollberg" not in then and "Früherer Partner" not in then


def haversine_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance on a sphere of the Earth's mean radius, 6,371 km."""
    (lat1, lon1), (lat2, lon2) = map(lambda p: (math.radians(p[0]), math.radians(p[1])), (a, b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(h))


SIGNALS = ("sharedPartners", "sharedActionFields", "sameQuarter", "distance", "complementaryType", "recentActivity")


def only(signal: str) -> dict[str, float]:
    return {s: (1.0 if s == signal else 0.0) for s in SIGNALS}


def test_each_signal_alone_scores_exactly_its_documented_value(kiez: dict, gql: GraphQLClient) -> None:
    # The school also has an ended tie, and second ties with the Lesepaten and the Kita (one current, one
    # ended): it is still one shared partner, and its degree is still 2.
    factories.cooperation(gql, kiez["kita"], kiez["school"], "FUNDING", since="2012-01-01", until="2013-12-31")
    factories.cooperation(gql, kiez["kita"], kiez["school"], "SPACE_PROVISION", since="2025-01-01")
    after_school = factories.actor(gql, "Ehemalige Hortgruppe", "INITIATIVE", quarters=[{"quarter": "gropiusstadt"}])
    factories.cooperation(gql, kiez["school"], after_school["id"], since="2016-01-01", until="2018-07-31")
    factories.cooperation(gql, kiez["school"], kiez["readers"], "SPACE_PROVISION", since="2023-03-01")
    factories.actor(
        gql,
        "Familienzentrum Rollberg",
        "INITIATIVE",
        quarters=[{"quarter": "rollberg"}],
        actionFields=["bildung-ausbildung-jugend", "gesundheit-bewegung"],
    )
    factories.actor(
        gql,
        "Kiezladen Flughafenstraße",
        "INITIATIVE",
        quarters=[{"quarter": "flughafenstrasse"}],
        actionFields=["bildung"],
    )
    today = dt.date.today()
    years = (today - dt.date(2023, 3, 1)).days / 365.25
    expected = {  # by hand, from the descriptions of `SuggestionWeights`
        "Lesepaten Rollberg e.V.": {
            "sharedPartners": 1 - math.exp(-(1 / math.log(2)) / 2),  # the school: partners Kita and Lesepaten
            "sharedActionFields": 1.0,  # {Bildung} and {Bildung}
            "sameQuarter": 1.0,
            "distance": math.exp(-haversine_m((52.4772, 13.4322), (52.4778, 13.4330)) / 1000),
            "complementaryType": 1.0,
            "recentActivity": math.exp(-years / 3),
        },
        # {Bildung} and {Bildung, Ausbildung, Jugend (2010s) → Bildung; Gesundheit und Bewegung}: 1 / 2
        "Familienzentrum Rollberg": {
            "sharedPartners": 0.0,
            "sharedActionFields": 0.5,
            "sameQuarter": 1.0,
            "distance": 0.0,
            "complementaryType": 1.0,
            "recentActivity": 0.0,
        },
        "Kiezladen Flughafenstraße": {
            "sharedPartners": 0.0,
            "sharedActionFields": 1.0,
            "sameQuarter": 0.5,
            "distance": 0.0,
            "complementaryType": 1.0,
            "recentActivity": 0.0,
        },
    }
    wrong = {}  # every mismatch at once, so a failure shows which signals are off
    for signal in SIGNALS:
        found = by_name(gql, kiez["kita"], w=only(signal), types=["INITIATIVE"])
        for name, values in expected.items():
            score = found[name]["score"] if name in found else 0.0
            if score != pytest.approx(values[signal], rel=1e-9, abs=1e-12):
                wrong[(signal, name)] = (score, values[signal])
            elif values[signal] >= 0.01:  # the one reason carries the whole score
                assert sum(r["contribution"] for r in found[name]["reasons"]) == pytest.approx(score, rel=1e-9)
    assert wrong == {}
    assert [p["name"] for p in found["Lesepaten Rollberg e.V."]["sharedPartners"]] == ["Schule am Rollberg"]


def test_recency_counts_up_to_the_day_asked_about(kiez: dict, gql: GraphQLClient) -> None:
    factories.cooperation(gql, kiez["school"], kiez["readers"], "SPACE_PROVISION", since="2025-02-01")
    found = by_name(gql, kiez["kita"], w=only("recentActivity"), day="2024-01-01")
    # On 2024-01-01 the Lesepaten's latest start was 2022-01-01; the one of 2025 had not happened yet.
    years = (dt.date(2024, 1, 1) - dt.date(2022, 1, 1)).days / 365.25
    assert found["Lesepaten Rollberg e.V."]["score"] == pytest.approx(math.exp(-years / 3), rel=1e-9)
    [reason] = found["Lesepaten Rollberg e.V."]["reasons"]
    assert reason["kind"] == "RECENT_ACTIVITY" and "2022" in reason["text"]
