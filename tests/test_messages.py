"""The API's words for people in English and German (``core/messages.py`` and the catalogues).

Every message of every catalogue has both languages with the same placeholders; a request that asks
for German (``Accept-Language: de``) gets its refusals, errors and suggestion reasons in German, and a
request without the header gets the English it always got.
"""

from __future__ import annotations

import pickle
from types import ModuleType
from typing import Any

import pytest

from analysis import reasons as analysis_reasons
from analysis import texts as analysis_texts
from core import access, broker
from core.messages import LANGUAGES, Message, Text, localized, negotiate, placeholders
from graph.db import Neo4jSettings
from kiezgraph.middleware import authentication, body_limit, rate_limit
from resolvers import imports as resolver_imports
from resolvers import texts as resolver_texts
from schema import cost, deadline
from tests.conftest import issue_token

# The door's refusals (kiezgraph/middleware) and the limits of execution (schema/) reach pages too.
CATALOGUES: list[ModuleType] = [
    resolver_texts,
    resolver_imports,
    broker,
    access,
    authentication,
    body_limit,
    rate_limit,
    cost,
    deadline,
]


def _messages() -> list[tuple[str, Message]]:
    found = [(f"{m.__name__}.{name}", v) for m in CATALOGUES for name, v in vars(m).items() if isinstance(v, Message)]
    found += [(f"core.access.ROLE_NAMES[{r.value}]", v) for r, v in access.ROLE_NAMES.items()]
    # Messages without parameters are kept as their Text.
    found += [
        (f"{m.__name__}.{name}", v.message) for m in CATALOGUES for name, v in vars(m).items() if isinstance(v, Text)
    ]
    found += [
        (f"core.access rule {r.operation}", r.what.message) for r in access.RULES.values() if isinstance(r.what, Text)
    ]
    return found


def test_the_catalogues_are_not_empty() -> None:
    assert len(_messages()) > 40
    assert len(access.RULES) == len([m for m in _messages() if " rule " in m[0]]), (
        "every rule says its activity in German"
    )


@pytest.mark.parametrize(("name", "message"), _messages(), ids=[n for n, _ in _messages()])
def test_every_message_has_both_languages_with_the_same_placeholders(name: str, message: Message) -> None:
    assert message.en.strip() and message.de.strip(), name
    assert message.de != message.en or message.en in ("Initiative",), f"{name} is not translated"
    assert placeholders(message.de) == placeholders(message.en), name


@pytest.mark.parametrize("key", sorted(analysis_texts.REASONS))
def test_every_reason_has_both_languages_with_the_same_placeholders(key: str) -> None:
    templates = analysis_texts.REASONS[key]
    assert set(templates) == set(LANGUAGES), key
    assert placeholders(templates["de"]) == placeholders(templates["en"]), key


@pytest.mark.parametrize("key", sorted(analysis_reasons.MODEL_TEXTS))
def test_every_model_description_has_both_languages_with_the_same_placeholders(key: str) -> None:
    words = analysis_reasons.MODEL_TEXTS[key]
    assert words.de.strip() and words.en.strip() and words.de != words.en, key
    assert placeholders(words.de) == placeholders(words.en), key


@pytest.mark.parametrize(
    ("header", "language"),
    [
        (None, "en"),
        ("", "en"),
        ("de", "de"),
        ("de-DE,de;q=0.9,en;q=0.8", "de"),
        ("en-GB,en;q=0.9,de;q=0.8", "en"),
        ("fr-FR, de;q=0.5", "de"),
        ("fr", "en"),
        ("de;q=0, en", "en"),
        ("en;q=0.4, de;q=0.6", "de"),
        ("DE-at", "de"),
        ("de;q=abc, en;q=0.1", "en"),
    ],
)
def test_the_language_is_negotiated_from_accept_language(header: str | None, language: str) -> None:
    assert negotiate(header) == language


def test_a_text_is_english_until_said_in_german_and_survives_pickling() -> None:
    text = resolver_texts.NOT_FOUND(what=resolver_texts.ACTOR, id="QWN0b3I6eA")
    assert text == "no actor with id 'QWN0b3I6eA'"
    assert localized(text, "de") == "Akteur mit der ID 'QWN0b3I6eA' nicht gefunden"
    assert localized("plain words", "de") == "plain words"
    again = pickle.loads(pickle.dumps(text))
    assert again == text and localized(again, "de") == localized(text, "de")


# ---- through HTTP -----------------------------------------------------------------------------------------


def _post(client: Any, query: str, variables: dict[str, Any], token: str | None, language: str | None) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if language:
        headers["Accept-Language"] = language
    return client.post("/graphql", json={"query": query, "variables": variables}, headers=headers).json()


CREATE = """mutation($name: String!) { createActor(input: { name: $name, type: INITIATIVE,
  quarters: [{ quarter: "rollberg" }] }) { errors { code message } } }"""


def test_refusals_speak_german_when_asked(reference: Any, client: Any, admin_token: str) -> None:
    english = _post(client, CREATE, {"name": "  "}, admin_token, None)["data"]["createActor"]["errors"]
    german = _post(client, CREATE, {"name": "  "}, admin_token, "de-DE,de;q=0.9")["data"]["createActor"]["errors"]
    assert [e["code"] for e in german] == [e["code"] for e in english] == ["EMPTY_NAME"]
    assert english[0]["message"] == "a name must not be empty"
    assert german[0]["message"] == "Der Name darf nicht leer sein"


PROJECT = """mutation($amount: Decimal) { createProject(input: { title: "Hoffest", fund: AKTIONSFONDS,
  quarters: ["rollberg", "flughafenstrasse"], amountGranted: $amount }) { errors { code message } } }"""


def test_project_refusals_and_query_errors_speak_german_too(reference: Any, client: Any, admin_token: str) -> None:
    # Every refusal's message is a Text (mypy holds resolvers to it); these are the project rules' words
    # and a query's bad argument, said to a German-speaking office.
    variables = {"amount": "12.345"}
    english = _post(client, PROJECT, variables, admin_token, None)["data"]["createProject"]["errors"]
    german = _post(client, PROJECT, variables, admin_token, "de")["data"]["createProject"]["errors"]
    assert [e["code"] for e in german] == [e["code"] for e in english]
    assert {e["message"] for e in english} == {
        "only Netzwerkfonds projects span several quarters; this fund pays projects of one quarter",
        "an amount is given in euros with at most two decimals",
    }
    assert {e["message"] for e in german} == {
        "Nur Projekte des Netzwerkfonds reichen über mehrere Quartiere; dieser Fonds bezahlt Projekte eines Quartiers",
        "Ein Betrag wird in Euro mit höchstens zwei Nachkommastellen angegeben",
    }
    query = '{ quarterNetwork(slug: "rollberg", filter: { minIntensity: 7 }) { nodeCount } }'
    error = _post(client, query, {}, admin_token, "de")["errors"][0]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["message"] == "„minIntensity“ ist 1, 2 oder 3"


def test_a_forbidden_query_says_so_in_german(reference: Any, client: Any, neo4j_settings: Neo4jSettings) -> None:
    manager = issue_token(neo4j_settings, "manager", ["rollberg"])
    query = "{ apiTokens { name } }"
    error = _post(client, query, {}, manager, "de")["errors"][0]
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert error["message"] == "Zugänge auflisten: nur mit einem Zugang für Administration"
    assert _post(client, query, {}, manager, None)["errors"][0]["message"] == "listing tokens needs an admin token"


def test_the_doors_refusals_speak_german_when_asked(client: Any) -> None:
    # A refused credential (and, the same way, a too large body or too many requests) is answered before
    # the GraphQL layer runs; the map shows it to people beside the form that sent it.
    headers = {"Authorization": "Bearer kg_not-a-token"}
    german = client.post("/graphql", json={"query": "{ me { role } }"}, headers={**headers, "Accept-Language": "de"})
    english = client.post("/graphql", json={"query": "{ me { role } }"}, headers=headers)
    assert german.status_code == english.status_code == 401
    assert german.json()["errors"][0]["message"] == "Dieser Zugangsschlüssel ist unbekannt oder wurde widerrufen"
    assert english.json()["errors"][0]["message"] == "the token is unknown or revoked"
    too_large = client.post(
        "/graphql",
        content=b"{" + b" " * 3_000_000 + b"}",
        headers={"Accept-Language": "de", "Content-Type": "application/json"},
    )
    assert too_large.status_code == 413
    assert too_large.json()["errors"][0]["message"].startswith("Anfragen haben höchstens ")


_STARTS = {  # how each kind of reason reads in German (analysis/reasons.py)
    "SHARED_PARTNERS": ("1 gemeinsamer Partner: ", "gemeinsame Partner: "),
    "NETWORK_PROXIMITY": ("im Netzwerk nah: ",),
    "SHARED_ACTION_FIELDS": ("arbeitet auch zu ",),
    "SHARED_THEMES": ("kooperiert zu denselben Themen ",),
    "SAME_QUARTER": ("aktiv in ",),
    "NEIGHBOURING_QUARTER": ("aktiv im Nachbarquartier ",),
    "DISTANCE": (" m entfernt",),
    "COMPLEMENTARY_TYPE": ("eine andere Art von Akteur (",),
    "RECENT_ACTIVITY": ("letzte Kooperation begann ",),
    "WELL_CONNECTED": ("gut vernetzt: ",),
    "ACTIVE": (" in den letzten drei Jahren",),
    "PPR_085": ("im Netzwerk nah: auf vielen Wegen",),
    "PPR_050": ("im Netzwerk sehr nah: ",),
    "PPR_RANK": (" unter den im Netzwerk nächsten Akteuren",),
    "RESOURCE_ALLOCATION": (
        "gemeinsame Partner mit wenigen eigenen Partnern: ",
        "gemeinsamer Partner mit wenigen eigenen Partnern: ",
    ),
    "TWO_STEPS": ("Partner von Partnern (",),
    "PATHS_3": ("über drei Ecken verbunden",),
    "THREE_STEPS": ("über drei Ecken verbunden",),
    "POPULARITY": (" Partner (wer gut vernetzt ist",),
}


def test_suggestion_reasons_and_missing_links_speak_german_when_asked(demo: Any, client: Any, admin_token: str) -> None:
    found = _post(client, '{ actors(filter: { text: "Kita Hügelnest" }) { nodes { id } } }', {}, None, None)
    kita = found["data"]["actors"]["nodes"][0]["id"]
    query = "query($id: ID!) { suggestPartners(actorId: $id, first: 5) { suggestions { reasons { kind text } } } }"
    body = _post(client, query, {"id": kita}, admin_token, "de")
    assert "errors" not in body, body
    answer = body["data"]["suggestPartners"]["suggestions"]
    reasons = [r for s in answer for r in s["reasons"]]
    assert {r["kind"] for r in reasons} >= {"SHARED_ACTION_FIELDS", "SAME_QUARTER"}
    for reason in reasons:
        assert any(part in reason["text"] for part in _STARTS[reason["kind"]]), reason
    english = _post(client, query, {"id": kita}, admin_token, None)["data"]["suggestPartners"]["suggestions"]
    assert [len(s["reasons"]) for s in english] == [len(s["reasons"]) for s in answer]
    assert all(not any(p in r["text"] for p in _STARTS[r["kind"]]) for s in english for r in s["reasons"])
    gaps = '{ missingLinks(quarter: "rollberg", first: 5) { reasons } }'
    german = _post(client, gaps, {}, admin_token, "de")["data"]["missingLinks"]
    assert german and all(r.startswith(("verbindet ", "beide arbeiten zu ")) for g in german for r in g["reasons"])
