"""Names the way people type them: case, diacritics, German transliteration, legal-form noise.

"Körnerpark" is typed as "Koernerpark", "Kornerpark" or "körner"; "Kita Sonnenschein e.V." as
"KITA Sonnenschein". We store, per named node, a ``searchKey`` that holds every spelling variant
we accept, and normalise a query into tokens that must each occur in it.
"""

from __future__ import annotations

import re
import unicodedata

# German transliteration (DIN 5007-2 style): what people type without an umlaut key.
_TRANSLIT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "ẞ": "ss"})
# Legal forms carry no identity: "Kita Sonnenschein e.V." and "Kita Sonnenschein" are one name.
_LEGAL_FORM = re.compile(
    r"(?<![\w])(e\.\s?v\.?|ggmbh|gmbh|mbh|gug|ug|ag|eg|kg|gbr|ohg|kdör|k\.d\.ö\.r\.?)(?![\w])"
    r"( & co\.? kg)?"
)
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_VARIANT_SEPARATOR = " | "


def fold(text: str) -> str:
    """Lower case, ß → ss, and every letter stripped of its diacritics (ö → o, é → e)."""
    text = text.casefold().replace("ß", "ss")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def transliterate(text: str) -> str:
    """Lower case with German umlauts written out (ö → oe), then folded."""
    return fold(text.casefold().translate(_TRANSLIT))


def strip_legal_form(text: str) -> str:
    return _LEGAL_FORM.sub(" ", text)


def _words(folded: str) -> list[str]:
    return [w for w in _NON_ALNUM.split(folded) if w]


def _variants(name: str) -> list[str]:
    lowered = strip_legal_form(name.casefold())
    variants: list[str] = []
    for folded in (fold(lowered), transliterate(lowered)):
        words = _words(folded)
        for variant in (" ".join(words), "".join(words)):
            if variant and variant not in variants:
                variants.append(variant)
    return variants


def search_key(names: list[str]) -> str:
    """Every accepted spelling of every name, for ``CONTAINS`` matching of query tokens."""
    variants: list[str] = []
    for name in names:
        for variant in _variants(name):
            if variant not in variants:
                variants.append(variant)
    return _VARIANT_SEPARATOR.join(variants)


def query_tokens(text: str) -> list[str]:
    """The tokens of a search text; a name matches when its search key contains all of them.

    A text that is nothing but a legal form ("AG") keeps it, rather than matching everything.
    """
    return _words(fold(strip_legal_form(text.casefold()))) or _words(fold(text))


def name_key(name: str) -> str:
    """One compact key per name, equal for names people consider the same ("KITA Sonnenschein")."""
    return "".join(_words(fold(strip_legal_form(name.casefold()))))


def sort_key(name: str) -> str:
    """Case- and accent-insensitive sort order ("Ärztehaus" sorts with "A")."""
    return " ".join(_words(fold(name)))
