"""Name normalisation: how people type names (pure functions, no database)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from graph.names import name_key, query_tokens, search_key


def matches(query: str, *names: str) -> bool:
    key = search_key(list(names))
    return all(token in key for token in query_tokens(query))


def test_umlauts_match_folded_and_transliterated() -> None:
    assert matches("Koernerpark", "Körnerpark")
    assert matches("korner", "Körnerpark")
    assert matches("KÖRNER", "Körnerpark")
    assert matches("Weisse Siedlung", "Weiße Siedlung Dammweg")


def test_legal_forms_and_case_are_noise() -> None:
    assert matches("KITA Sonnenschein", "Kita Sonnenschein e.V.")
    assert matches("sonnenschein kita", "Kita Sonnenschein e.V.")
    assert name_key("KITA Sonnenschein") == name_key("Kita Sonnenschein e. V.") == name_key("Kita  Sonnenschein gGmbH")


def test_punctuation_inside_names_is_optional() -> None:
    assert matches("STERN", "S.T.E.R.N.")
    assert matches("highdeck", "High-Deck-Siedlung")
    assert matches("high deck", "High-Deck-Siedlung")


def test_different_names_do_not_match() -> None:
    assert not matches("Regenbogen", "Kita Sonnenschein e.V.")
    assert not matches("ag", "Rollberg")  # "ag" is a legal form, not a search token
    assert name_key("Kita Sonnenschein") != name_key("Kita Sonnenblume")


@given(st.text(min_size=1, max_size=40))
def test_every_name_matches_itself(name: str) -> None:
    assert matches(name, name)


@given(st.text(max_size=40))
def test_keys_are_plain_lowercase_ascii(name: str) -> None:
    assert name_key(name) == name_key(name).lower()
    assert all(ch.isascii() for ch in name_key(name))
