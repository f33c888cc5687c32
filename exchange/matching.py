"""Who is who: rows of a file against each other and against the actors kiezgraph already has.

Three reasons make two names one actor, strongest first:

- **same id** — the sheet's ID column holds an id kiezgraph issued (an exported sheet, re-imported);
- **same name** — equal after the project's folding (:func:`graph.names.name_key`: case, umlauts,
  "e.V."/"gGmbH" and "und"/"&" do not count), so "Kita Sonnenschein e.V." is "KITA Sonnenschein";
- **similar name** — rapidfuzz's ``token_sort_ratio`` over the folded words, at least
  :data:`FUZZY_CUTOFF` of 100; names whose numbers differ never match ("14. Grundschule" is not
  "15. Grundschule"). Compared only within a block of the same quarter and type, so a file of
  10,000 rows costs thousands of small comparisons, not 10,000².
- **same address** — street and number equal after folding ("Str." = "Straße"), postal codes
  not contradicting; only a hint, since a neighbourhood centre houses several initiatives.

The matcher is pure: the actors to compare with come in as :class:`ExistingActor` (phase 2
reads them from the database block by block).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Final

from rapidfuzz import fuzz, process

from exchange.model import ActorRow, RowKey, SheetActor
from graph.names import fold, name_key, query_tokens

FUZZY_CUTOFF: Final = 88
_ANY: Final = "*"
# Words that name the same thing in two ways; folded to one before comparing.
_SYNONYMS: Final = {"kindertagesstatte": "kita", "kindergarten": "kita", "gs": "grundschule"}
_DIGITS: Final = re.compile(r"\d+")
_STREET: Final = re.compile(r"(?:strasse|str\b\.?)")


class MatchReason(StrEnum):
    SAME_ID = "same_id"
    SAME_NAME = "same_name"
    SIMILAR_NAME = "similar_name"
    SAME_ADDRESS = "same_address"


def folded_name(name: str) -> str:
    """The words of a name as the fuzzy comparison sees them: folded, legal forms and "und" left out."""
    words = [_SYNONYMS.get(w, w) for w in query_tokens(name)]
    return " ".join(w for w in words if w) or name_key(name)


def address_key(street: str | None) -> str | None:
    """Street and number folded ("Rollbergstr. 12" = "Rollbergstraße 12"); ``None`` without a number."""
    if not street or not _DIGITS.search(street):
        return None
    folded = _STREET.sub("str", fold(street))
    return re.sub(r"[\W_]+", "", folded)


@dataclass(frozen=True, slots=True)
class ExistingActor:
    """An actor kiezgraph has, as much of it as matching needs (keys computed when not given)."""

    id: str
    name: str
    type: str
    quarters: tuple[str, ...] = ()
    street: str | None = None
    postal_code: str | None = None
    name_key: str = ""
    folded: str = ""
    aliases: tuple[str, ...] = ()  # other spellings of its id a sheet may hold (e.g. the API's global id)

    def __post_init__(self) -> None:
        if not self.name_key:
            object.__setattr__(self, "name_key", name_key(self.name))
        if not self.folded:
            object.__setattr__(self, "folded", folded_name(self.name))


@dataclass(frozen=True, slots=True)
class ExistingCooperation:
    id: str
    a_id: str
    b_id: str
    kind: str
    since: dt.date | None = None
    until: dt.date | None = None


def overlaps(
    a_since: dt.date | None, a_until: dt.date | None, b_since: dt.date | None, b_until: dt.date | None
) -> bool:
    """Whether two periods share a day (an open end runs forever), as the cooperation mutations check."""
    return (a_since or dt.date.min) <= (b_until or dt.date.max) and (b_since or dt.date.min) <= (a_until or dt.date.max)


@dataclass(frozen=True, slots=True)
class Candidate:
    """An existing actor a row may be."""

    actor_id: str
    name: str
    type: str
    reason: MatchReason
    score: int  # 100 for same id and same name; the similarity otherwise


def _numbers_agree(a: str, b: str) -> bool:
    return _DIGITS.findall(a) == _DIGITS.findall(b)


def _blocks(quarters: Iterable[str], actor_type: str | None) -> list[tuple[str, str]]:
    t = actor_type or _ANY
    return [(q, t) for q in quarters] or [(_ANY, t)]


def _similar(query: str, names: Sequence[str], cutoff: int, limit: int) -> list[tuple[int, int]]:
    """(index, score) of the names at least ``cutoff`` similar to ``query``, best first."""
    if not names:
        return []
    found = process.extract(query, names, scorer=fuzz.token_sort_ratio, score_cutoff=cutoff, limit=limit)
    return [(i, round(score)) for _, score, i in found if _numbers_agree(query, names[i])]


@dataclass
class _Block:
    names: list[str] = field(default_factory=list)
    members: list[int] = field(default_factory=list)


class ActorIndex:
    """The existing actors, indexed for the four reasons."""

    def __init__(self, actors: Iterable[ExistingActor], cutoff: int = FUZZY_CUTOFF) -> None:
        self.actors = list(actors)
        self.cutoff = cutoff
        self.by_id: dict[str, int] = {}
        self.by_key: dict[str, list[int]] = defaultdict(list)
        self.by_address: dict[str, list[int]] = defaultdict(list)
        self.blocks: dict[tuple[str, str], _Block] = defaultdict(_Block)
        for i, a in enumerate(self.actors):
            for ident in (a.id, *a.aliases):
                self.by_id[ident] = i
            self.by_key[a.name_key].append(i)
            if key := address_key(a.street):
                self.by_address[key].append(i)
            for block in {*_blocks(a.quarters, a.type), (_ANY, a.type)}:
                self.blocks[block].names.append(a.folded)
                self.blocks[block].members.append(i)

    def get(self, ident: str) -> ExistingActor | None:
        i = self.by_id.get(ident)
        return self.actors[i] if i is not None else None

    def named(self, name: str) -> list[ExistingActor]:
        return [self.actors[i] for i in self.by_key.get(name_key(name), [])]

    def candidates(self, actor: SheetActor, limit: int = 3) -> tuple[Candidate, ...]:
        """The existing actors this one may be, strongest reason first, at most ``limit`` similar ones."""
        found: dict[int, Candidate] = {}

        def add(i: int, reason: MatchReason, score: int) -> None:
            if i not in found:
                a = self.actors[i]
                found[i] = Candidate(a.id, a.name, a.type, reason, score)

        if actor.ref and (i := self.by_id.get(actor.ref)) is not None:
            add(i, MatchReason.SAME_ID, 100)
        for i in self.by_key.get(name_key(actor.name), []):
            add(i, MatchReason.SAME_NAME, 100)
        query = folded_name(actor.name)
        quarters = [m.quarter for m in actor.memberships]
        for block in _blocks(quarters, actor.type):
            b = self.blocks.get(block)
            if b is None:
                continue
            for j, score in _similar(query, b.names, self.cutoff, limit):
                add(b.members[j], MatchReason.SIMILAR_NAME, score)
        if (key := address_key(actor.street)) is not None:
            for i in self.by_address.get(key, [])[:limit]:
                a = self.actors[i]
                if not (actor.postal_code and a.postal_code and actor.postal_code != a.postal_code):
                    add(i, MatchReason.SAME_ADDRESS, round(fuzz.token_sort_ratio(query, a.folded)))
        order = list(MatchReason)
        return tuple(sorted(found.values(), key=lambda c: (order.index(c.reason), -c.score, c.name)))

    def closest(self, name: str) -> ExistingActor | None:
        """The most similar actor of any type (for "did you mean" hints)."""
        names = [a.folded for a in self.actors]
        hit = _similar(folded_name(name), names, self.cutoff - 8, 1)
        return self.actors[hit[0][0]] if hit else None


@dataclass(frozen=True, slots=True)
class FileDuplicate:
    """An earlier row of the same file that seems to be the same actor."""

    row: RowKey
    name: str
    reason: MatchReason  # SAME_NAME or SIMILAR_NAME
    score: int


def _compatible(a: SheetActor, b: SheetActor) -> bool:
    return a.type is None or b.type is None or a.type == b.type


def file_duplicates(rows: Sequence[ActorRow], cutoff: int = FUZZY_CUTOFF) -> dict[RowKey, FileDuplicate]:
    """For each row that repeats an earlier one, the first row it repeats (same name before similar).

    Rows are compared with those before them only, in blocks of quarter and type, so each pair
    is looked at once; a row without a quarter is compared with every earlier row of its type.
    """
    first_by_key: dict[str, list[tuple[RowKey, SheetActor]]] = defaultdict(list)
    blocks: dict[tuple[str, str], list[tuple[RowKey, SheetActor]]] = defaultdict(list)
    names: dict[tuple[str, str], list[str]] = defaultdict(list)
    found: dict[RowKey, FileDuplicate] = {}
    for row in rows:
        actor = row.actor
        if actor is None or not actor.name:
            continue
        key = name_key(actor.name)
        same = [(k, a) for k, a in first_by_key[key] if _compatible(actor, a)]
        if same:
            found[row.key] = FileDuplicate(same[0][0], same[0][1].name, MatchReason.SAME_NAME, 100)
            continue
        query = folded_name(actor.name)
        quarters = [m.quarter for m in actor.memberships]
        best: FileDuplicate | None = None
        for block in _blocks(quarters, actor.type):
            for j, score in _similar(query, names[block], cutoff, 1):
                other_key, other = blocks[block][j]
                if best is None or score > best.score:
                    best = FileDuplicate(other_key, other.name, MatchReason.SIMILAR_NAME, score)
        if best is not None:
            found[row.key] = best
        first_by_key[key].append((row.key, actor))
        for block in {*_blocks(quarters, actor.type), (_ANY, actor.type or _ANY)}:
            blocks[block].append((row.key, actor))
            names[block].append(query)
    return found
