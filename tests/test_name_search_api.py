"""Search and duplicates over HTTP, the way people type German names, in both directions.

One folding (graph/names.py) serves the text filter and the duplicate check of createActor and
updateActor: whichever spelling is stored and whichever is typed, they find each other and count
as one name.
"""

from __future__ import annotations

import neo4j
import pytest

from tests import factories
from tests.conftest import GraphQLClient
from tests.test_mutations import snapshot

# The same name, spelled two ways people do: (stored or typed) either way round.
SPELLINGS = [
    ("Schoeneberger Kiezgaertner", "Schöneberger Kiezgärtner"),
    ("Stadtteilmuetter Rollberg e.V.", "Stadtteilmütter Rollberg"),
    ("Weisse Siedlung Treff", "Weiße Siedlung Treff"),
    ("Druckerei Fluss & Söhne", "Druckerei Fluss und Soehne"),
    ("Kiezwerk gGmbH", "KIEZWERK g.GmbH"),
    ("Kita Sonnenschein eV", "Kita Sonnenschein e. V."),
    ("High-Deck-Treff", "Highdeck Treff"),
    ("Rosi's Café", "Rosis Cafe"),
    ("Wohnbau Huegel eG", "Wohnbau Hügel"),
]
SEARCH = "query($t: String) { actors(filter: {text: $t}) { totalCount nodes { id name } } }"
CREATE = (
    "mutation($i: CreateActorInput!) { createActor(input: $i) { actor { id name } errors { code path "
    "... on DuplicateActorError { existing { id name } } } } }"
)
UPDATE = (
    "mutation($i: UpdateActorInput!) { updateActor(input: $i) { actor { name version } errors { code path "
    "... on DuplicateActorError { existing { name } } } } }"
)


def found(gql: GraphQLClient, text: str | None) -> list[str]:
    return [n["name"] for n in gql.data(SEARCH, {"t": text})["actors"]["nodes"]]


def _prefix(text: str) -> str:
    """The first word and the beginning of the second, as someone still typing ("Kita Sonn")."""
    first, _, rest = text.partition(" ")
    return f"{first} {rest[:4]}".strip()


@pytest.mark.parametrize("one, other", SPELLINGS)
def test_a_name_is_found_in_either_spelling_either_way_round(
    reference: neo4j.Driver, gql: GraphQLClient, one: str, other: str
) -> None:
    actor = factories.actor(gql, one)
    for typed in (other, other.upper(), _prefix(other), one):
        assert found(gql, typed) == [one], typed
    # Renamed to the other spelling (no duplicate of itself), the first one finds it now.
    renamed = gql.data(UPDATE, {"i": {"id": actor["id"], "version": actor["version"], "name": other}})["updateActor"]
    assert renamed["errors"] == [] and renamed["actor"]["name"] == other
    for typed in (one, one.lower(), _prefix(one), other):
        assert found(gql, typed) == [other], typed


def test_partial_words_and_words_inside_compounds(reference: neo4j.Driver, gql: GraphQLClient) -> None:
    factories.actor(gql, "Körnerpark-Gärten")
    factories.actor(gql, "Kita Sonnenschein e.V.", "INSTITUTION")
    factories.actor(gql, "Autoersatzteile Müller", "COMPANY")
    assert found(gql, "korner") == found(gql, "Koerner") == found(gql, "Körnerp") == ["Körnerpark-Gärten"]
    assert found(gql, "Kita Sonn") == found(gql, "sonnensch KITA") == ["Kita Sonnenschein e.V."]
    assert found(gql, "ersatzteile mueller") == ["Autoersatzteile Müller"]
    assert found(gql, "Sonnenblume") == []


@pytest.mark.parametrize("stored_first", [True, False], ids=["pair-stored", "umlaut-stored"])
def test_create_refuses_a_name_spelled_another_way(
    reference: neo4j.Driver, gql: GraphQLClient, stored_first: bool
) -> None:
    pairs = SPELLINGS if stored_first else [(b, a) for a, b in SPELLINGS]
    existing = {one: factories.actor(gql, one)["id"] for one, _ in pairs}
    before = snapshot(reference)
    for one, other in pairs:
        refused = gql.data(CREATE, {"i": {"type": "INITIATIVE", "name": other}})["createActor"]
        assert refused["actor"] is None, other
        assert refused["errors"] == [
            {"code": "DUPLICATE_ACTOR", "path": ["input", "name"], "existing": [{"id": existing[one], "name": one}]}
        ], other
    assert snapshot(reference) == before


def test_update_refuses_a_rename_onto_another_actors_name(reference: neo4j.Driver, gql: GraphQLClient) -> None:
    mothers = factories.actor(gql, "Stadtteilmütter Rollberg")
    cafe = factories.actor(gql, "Elterncafé Süd")
    before = snapshot(reference)
    rename = {"id": cafe["id"], "version": cafe["version"], "name": "Stadtteilmuetter Rollberg e.V."}
    refused = gql.data(UPDATE, {"i": rename})["updateActor"]
    assert refused["actor"] is None
    assert refused["errors"] == [
        {"code": "DUPLICATE_ACTOR", "path": ["input", "name"], "existing": [{"name": "Stadtteilmütter Rollberg"}]}
    ]
    assert snapshot(reference) == before
    # Its own name in another spelling is no duplicate; an explicit allowDuplicateName is respected.
    own = {"id": mothers["id"], "version": mothers["version"], "name": "STADTTEILMUETTER ROLLBERG eV"}
    assert gql.data(UPDATE, {"i": own})["updateActor"]["errors"] == []
    allowed = gql.data(UPDATE, {"i": {**rename, "allowDuplicateName": True}})["updateActor"]
    assert allowed["errors"] == [] and allowed["actor"]["name"] == "Stadtteilmuetter Rollberg e.V."


def test_an_archived_actor_does_not_block_its_name(reference: neo4j.Driver, gql: GraphQLClient) -> None:
    old = factories.actor(gql, "Kiezgärtner Süd")
    archived = gql.data(
        "mutation($i: ActorStateInput!) { archiveActor(input: $i) { errors { code } } }",
        {"i": {"id": old["id"], "version": old["version"]}},
    )["archiveActor"]
    assert archived["errors"] == []
    assert gql.data(CREATE, {"i": {"type": "INITIATIVE", "name": "Kiezgaertner Sued"}})["createActor"]["errors"] == []


@pytest.mark.parametrize("text", ["", " ", "   \t ", " ... ", "&", None])
def test_a_cleared_search_box_is_no_text_condition(
    reference: neo4j.Driver, gql: GraphQLClient, text: str | None
) -> None:
    factories.actor(gql, "Kita Sonnenschein e.V.", "INSTITUTION")
    everything = gql.data("{ actors { totalCount } }")["actors"]["totalCount"]
    assert everything > 1
    assert gql.data(SEARCH, {"t": text})["actors"]["totalCount"] == everything
    # …also beside other conditions, which still apply.
    body = gql.data(
        "query($t: String) { actors(filter: {text: $t, types: [INSTITUTION], synthetic: false}) { nodes { name } } }",
        {"t": text},
    )
    assert [n["name"] for n in body["actors"]["nodes"]] == ["Kita Sonnenschein e.V."]
