"""Names the way people type them: one folding for search and for the duplicate check.

"Körnerpark" is typed "Koernerpark", "Kornerpark" or "körner"; "Stadtteilmütter Rollberg e.V."
as "Stadtteilmuetter Rollberg eV" or "STADTTEILMUTTER ROLLBERG". Every spelling a person may
choose for the same name must fold to the same text, whichever side (stored name or typed query)
uses which spelling. The folding, applied alike to stored names and to queries:

1. case folded, ``ß``/``ẞ`` → ``ss``, diacritics stripped (``ö`` → ``o``, ``é`` → ``e``), and a few
   letters Unicode cannot take apart written out (``æ`` → ``ae``, ``ø`` → ``o``, ``ı`` → ``i``);
2. legal forms recognised in any spelling ("e.V.", "e. V.", "eV", "gGmbH", "g.GmbH",
   "GmbH & Co. KG", "eG", "UG (haftungsbeschränkt)", "KdöR") and left out of the comparison.
   Forms with dots or unmistakable letters count anywhere; bare two-letter ones ("eV", "AG",
   "eG", "KG", "UG") only at the end of a name, because "Ev. Kirchengemeinde" is protestant and
   "AG Bildung" is a working group;
3. "und", "&" and "+" are the same and do not count; hyphens, apostrophes, dots and spaces only
   separate words;
4. **every** ``ae``/``oe``/``ue`` (followed by any more ``e``) becomes the bare vowel ``a``/``o``/``u``.

Step 4 is the symmetric part: ``ä``, ``ae`` and ``a`` all end as ``a``, so "Schöneberger" finds
"Schoeneberger" and the other way round, and "Stadtteilmuetter" is a duplicate of
"Stadtteilmütter". **The trade-off:** the rule cannot know where ``ue`` is an umlaut and where it
is two letters, so it also folds words that never had an umlaut — "Mauer" → "maur", "Israel" →
"isral", "Michael" → "michal", "Samuel" → "samul", "Poesie" → "posie". Because it does so on
both sides, such names still find themselves and each other in every spelling; the price is a
few false friends ("Michal" finds "Michael", and "Michael-Schule" beside "Michal-Schule" asks
for ``allowDuplicateName``). We prefer that to the alternative of guessing umlauts from a
dictionary, which would miss names. Sorting (``sort_key``) does not use step 4: "Mauer" sorts
as "mauer".

Partial words keep working. A search key holds, per name, the words folded with and without
step 4, spaced and run together, so "korner", "Kita Sonn", "highdeck" and a compound's inner
part ("ersatzteile" in "Autoersatzteile", which step 4 alone would turn into "autorsatzteile")
are all found. What is not found: a fragment that begins with the ``e`` of a folded pair inside a
compound and further on meets a pair the stored name writes out ("ersaetze" in "Autoersaetze";
rare). Whole words and word beginnings always match.

The keys are stored (``searchKey``, ``nameKey``, ``sortName``): a change to this folding needs a
new migration that recomputes them, as ``graph/migrations/0006_refold_names.py`` does.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Final

# Letters NFKD leaves whole; written as a person without the key would type them.
_LETTERS: Final = str.maketrans(
    {
        "ß": "ss",
        "ẞ": "ss",
        "æ": "ae",
        "œ": "oe",
        "ø": "o",
        "ł": "l",
        "đ": "d",
        "ð": "d",
        "þ": "th",
        "ı": "i",
    }
)

# Legal forms that are unmistakable wherever they stand, with the one spelling each folds to.
# They are matched on folded text that still has its punctuation, hence the optional dots.
_W = r"(?<![^\W_])"  # no letter or digit before
_E = r"(?![^\W_])"  # no letter or digit after
_LEGAL_ANYWHERE: Final = (
    (r"gmbh\s*(?:&|\+|und)\s*co\.?\s*kg", "gmbhcokg"),
    (r"g\.?\s*gmbh", "ggmbh"),
    (r"gmbh", "gmbh"),
    (r"mbh", "mbh"),
    (r"e\.\s*v\.?", "ev"),
    (r"e\.\s*g\.?", "eg"),
    (r"e\.\s*k\.?", "ek"),
    (r"g?ug\s*\(\s*haftungsbeschr(?:a|ae)nkt\s*\)", "ug"),
    (r"k\.?\s*d\.?\s*o(?:e)?\.?\s*r\.?", "kdor"),
    (r"gbr|ohg|kgaa", None),
)
_LEGAL_RE: Final = re.compile(
    "|".join(f"(?P<l{i}>{_W}(?:{pattern}){_E})" for i, (pattern, _) in enumerate(_LEGAL_ANYWHERE))
    + r"|(?P<word>[^\W_]+)"
)
# Two letters that are a legal form only at the end of a name ("Dammhof Immobilien AG").
_LEGAL_AT_END: Final = frozenset({"ev", "eg", "ag", "kg", "ug", "gug", "ek"})
# Words that join parts of a name and carry no identity ("&" and "+" are not words at all).
_FILLERS: Final = frozenset({"und"})
# Step 4: an umlaut written out, or an umlaut letter followed by e ("Böe"), becomes the bare vowel.
_UMLAUT_PAIR: Final = re.compile(r"([aou])e+")
_VARIANT_SEPARATOR: Final = " | "

_PLAIN, _LEGAL, _FILLER = "word", "legal", "filler"


@dataclass(frozen=True)
class _Word:
    text: str  # folded (steps 1–3), not yet step 4
    kind: str  # _PLAIN, _LEGAL or _FILLER


def fold(text: str) -> str:
    """Step 1: case folded, ß → ss, diacritics stripped (ö → o, é → e); punctuation stays."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_LETTERS))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def collapse_umlauts(word: str) -> str:
    """Step 4: ae/oe/ue (and ä, ö, ü once folded) to the bare vowel; see the module's trade-off."""
    return _UMLAUT_PAIR.sub(r"\1", word)


def _words(text: str) -> list[_Word]:
    """The words of a name, legal forms and fillers marked."""
    words: list[_Word] = []
    for match in _LEGAL_RE.finditer(fold(text)):
        if match["word"] is not None:
            word = match["word"]
            words.append(_Word(word, _FILLER if word in _FILLERS else _PLAIN))
            continue
        index = int(match.lastgroup[1:]) if match.lastgroup else 0
        canonical = _LEGAL_ANYWHERE[index][1] or re.sub(r"[\W_]+", "", match[0])
        words.append(_Word(canonical, _LEGAL))
    # Bare legal forms at the end ("… Immobilien AG", "… eV", "… e V"), as long as a name remains.
    end = len(words)
    while end > 1:
        last, before = words[end - 1], words[end - 2]
        if last.kind == before.kind == _PLAIN and (before.text, last.text) == ("e", "v") and end > 2:
            words[end - 2 : end] = [_Word("ev", _LEGAL)]
            end -= 1
        elif last.kind == _PLAIN and last.text in _LEGAL_AT_END:
            words[end - 1] = _Word(last.text, _LEGAL)
        elif last.kind != _LEGAL:
            break
        end -= 1
    return words


def _identity(words: list[_Word]) -> list[str]:
    """The words that make a name what it is: without legal forms, then without fillers.

    Each step is skipped if it would leave nothing, so "AG" and "und" stay names of their own.
    """
    kept = [w for w in words if w.kind != _LEGAL] or words
    return [w.text for w in ([w for w in kept if w.kind != _FILLER] or kept)]


def _variants(name: str) -> list[str]:
    words = _words(name)
    # Legal forms stay searchable ("gGmbH" finds the gGmbHs); "und" does not, as "&" is no word.
    every = [w.text for w in words if w.kind != _FILLER] or [w.text for w in words]
    identity = _identity(words)
    variants = [
        " ".join(collapse_umlauts(w) for w in every),
        collapse_umlauts("".join(identity)),
        " ".join(every),
        "".join(identity),
    ]
    return [v for v in dict.fromkeys(variants) if v]


def search_key(names: list[str]) -> str:
    """Every folded spelling of every name, for ``CONTAINS`` matching of :func:`query_tokens`."""
    variants: list[str] = []
    for name in names:
        variants += _variants(name)
    return _VARIANT_SEPARATOR.join(dict.fromkeys(variants))


def query_tokens(text: str) -> list[str]:
    """The tokens of a search text; a name matches when its search key contains all of them.

    Legal forms and "und" are left out unless the text holds nothing else ("AG" finds the
    AGs rather than everything). No tokens (a blank text, only punctuation) means no condition.
    """
    return list(dict.fromkeys(collapse_umlauts(w) for w in _identity(_words(text))))


def name_key(name: str) -> str:
    """One compact key per name, equal for names people consider the same (the duplicate check).

    "Stadtteilmuetter Rollberg e.V." and "Stadtteilmütter Rollberg" share one; a name without a
    letter or digit (emoji only) keys as itself, so two such names are not taken for one.
    """
    key = collapse_umlauts("".join(_identity(_words(name))))
    return key or "".join(name.casefold().split())


def sort_key(name: str) -> str:
    """Case- and accent-insensitive sort order ("Ärztehaus" sorts with "A", "Mauer" as "mauer")."""
    return " ".join(w.text for w in _words(name))
