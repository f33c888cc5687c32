"""A mapping file (or arguments) that overrides how a sheet is read.

**YAML**, because the people who write it are office staff editing a text file by hand: YAML
takes German headers as keys without quotes ("Art der Einrichtung: type"), allows comments
that explain a choice, and is read with ``yaml.safe_load`` (no objects, only data). A ``.json``
file is read as JSON (the same structure), for programs that generate mappings.

```yaml
columns:                 # header in the sheet → field (see exchange/headers.py), or "ignore"
  Einrichtung: name
  Bemerkung intern: ignore
types:                   # label → type, or type with details
  Stadtteilmütter: Initiative
  Seniorentreff: {type: Institution, institution_kind: neighbourhood_centre}
kinds:                   # label → kind of cooperation
  Lesepatenschaft: project_partnership
action_fields:           # label → action-field key
  Sprachförderung: bildung
quarters:                # label → quarter slug
  Kiez am Rollberg: rollberg
sheets:                  # sheet name → actors | cooperations | skip
  Tabelle3: skip
header_row: 4            # where the header is, if the search gets it wrong
quarter: rollberg        # for rows that name no quarter (the --quarter argument)
era: current             # which generation "Öffentlicher Raum" means: current | 2010s
```

YAML 1.1 reads unquoted ``yes``, ``no``, ``on`` and ``off`` as booleans; a key that is not text
is refused with a message saying to quote it, rather than silently mapping ``True``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from exchange.headers import ACTOR_HEADERS, COOPERATION_HEADERS, SheetKind
from exchange.messages import Code, Issue, Severity, issue
from exchange.vocabulary import (
    ACTOR_TYPES,
    COOPERATION_KINDS,
    INSTITUTION_KINDS,
    LEGAL_FORMS,
    OWNERSHIPS,
    TypeGuess,
    Vocabulary,
    label_key,
)

FIELDS = frozenset(ACTOR_HEADERS) | frozenset(COOPERATION_HEADERS) | {"ignore"}


class MappingError(Exception):
    def __init__(self, found: Issue) -> None:
        super().__init__(found.text("en"))
        self.issue = found


@dataclass(frozen=True)
class Options:
    """How to read a file: the mapping file's content merged with command-line arguments."""

    columns: Mapping[str, str] = field(default_factory=dict)  # label key → field
    types: Mapping[str, TypeGuess] = field(default_factory=dict)
    kinds: Mapping[str, str] = field(default_factory=dict)
    action_fields: Mapping[str, str] = field(default_factory=dict)
    quarters: Mapping[str, str] = field(default_factory=dict)
    sheets: Mapping[str, SheetKind] = field(default_factory=dict)
    sheet: str | None = None  # read this sheet only
    header_row: int | None = None
    quarter: str | None = None  # default quarter for rows without one
    era: str = "current"

    def vocabulary(self, base: Vocabulary) -> Vocabulary:
        return base.with_overrides(
            types=self.types, kinds=self.kinds, quarters=self.quarters, action_fields=self.action_fields, era=self.era
        )

    def merged(self, other: Options) -> Options:
        """These options with ``other``'s set values on top (arguments over the file)."""
        return replace(
            self,
            columns={**self.columns, **other.columns},
            types={**self.types, **other.types},
            kinds={**self.kinds, **other.kinds},
            action_fields={**self.action_fields, **other.action_fields},
            quarters={**self.quarters, **other.quarters},
            sheets={**self.sheets, **other.sheets},
            sheet=other.sheet or self.sheet,
            header_row=other.header_row or self.header_row,
            quarter=other.quarter or self.quarter,
            era=other.era if other.era != "current" else self.era,
        )


def _fail(where: str, reason: str) -> MappingError:
    return MappingError(issue(Code.MAPPING_INVALID, Severity.ERROR, where=where, reason=reason))


def _text_map(data: Any, section: str) -> dict[str, Any]:
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise _fail(section, "expected 'label: value' lines")
    for key in data:
        if not isinstance(key, str):
            raise _fail(f"{section}: {key}", "put the label in quotes (YAML reads yes/no/on/off and numbers otherwise)")
    return data


def _choice(value: Any, allowed: tuple[str, ...] | frozenset[str], where: str) -> str:
    if not isinstance(value, str) or value not in allowed:
        raise _fail(where, f"use one of {', '.join(sorted(allowed))}")
    return value


def _type(value: Any, where: str) -> TypeGuess:
    if isinstance(value, str):
        return TypeGuess(_choice(value, ACTOR_TYPES, where))
    if not isinstance(value, dict):
        raise _fail(where, "a type, or {type: …, institution_kind: …}")
    unknown = set(value) - {"type", "institution_kind", "legal_form", "ownership", "social_enterprise"}
    if unknown:
        raise _fail(where, f"unknown key {sorted(unknown)[0]}")
    return TypeGuess(
        _choice(value.get("type"), ACTOR_TYPES, f"{where}.type"),
        institution_kind=_choice(value["institution_kind"], INSTITUTION_KINDS, f"{where}.institution_kind")
        if "institution_kind" in value
        else None,
        legal_form=_choice(value["legal_form"], LEGAL_FORMS, f"{where}.legal_form") if "legal_form" in value else None,
        ownership=_choice(value["ownership"], OWNERSHIPS, f"{where}.ownership") if "ownership" in value else None,
        social_enterprise=bool(value["social_enterprise"]) if "social_enterprise" in value else None,
    )


def options_from(data: Any, vocabulary: Vocabulary | None = None) -> Options:
    """Options from a parsed mapping document; quarters and action fields are checked against ``vocabulary``."""
    if data is None:
        return Options()
    if not isinstance(data, dict):
        raise _fail("(file)", "expected sections such as 'columns:' and 'types:'")
    known = {
        "columns",
        "types",
        "kinds",
        "action_fields",
        "quarters",
        "sheets",
        "sheet",
        "header_row",
        "quarter",
        "era",
    }
    for section in data:
        if section not in known:
            raise _fail(str(section), f"unknown section; known are {', '.join(sorted(known))}")
    slugs = {q.slug for q in vocabulary.quarters} if vocabulary else None
    fields = {f.key for f in vocabulary.action_fields} if vocabulary else None
    columns = {
        label_key(k): _choice(v, FIELDS, f"columns: {k}") for k, v in _text_map(data.get("columns"), "columns").items()
    }
    quarters = _text_map(data.get("quarters"), "quarters")
    action_fields = _text_map(data.get("action_fields"), "action_fields")
    for label, slug in quarters.items():
        if slugs is not None and slug not in slugs:
            raise _fail(f"quarters: {label}", f"unknown quarter {slug!r}")
    for label, key in action_fields.items():
        if fields is not None and key not in fields:
            raise _fail(f"action_fields: {label}", f"unknown action field {key!r}")
    quarter = data.get("quarter")
    if quarter is not None and (not isinstance(quarter, str) or (slugs is not None and quarter not in slugs)):
        raise _fail("quarter", f"unknown quarter {quarter!r}")
    header_row = data.get("header_row")
    if header_row is not None and (not isinstance(header_row, int) or header_row < 1):
        raise _fail("header_row", "a row number from 1")
    return Options(
        columns=columns,
        types={k: _type(v, f"types: {k}") for k, v in _text_map(data.get("types"), "types").items()},
        kinds={
            k: _choice(v, COOPERATION_KINDS, f"kinds: {k}") for k, v in _text_map(data.get("kinds"), "kinds").items()
        },
        action_fields={str(k): str(v) for k, v in action_fields.items()},
        quarters={str(k): str(v) for k, v in quarters.items()},
        sheets={
            k: SheetKind(_choice(v, ("actors", "cooperations", "skip"), f"sheets: {k}"))
            for k, v in _text_map(data.get("sheets"), "sheets").items()
        },
        sheet=data.get("sheet"),
        header_row=header_row,
        quarter=quarter,
        era=_choice(data.get("era", "current"), ("current", "2010s"), "era"),
    )


def load(path: str | Path, vocabulary: Vocabulary | None = None) -> Options:
    """Read a mapping file (YAML, or JSON by its ``.json`` suffix)."""
    path = Path(path)
    try:
        content = path.read_text(encoding="utf-8-sig")
        data = json.loads(content) if path.suffix.lower() == ".json" else yaml.safe_load(content)
    except (OSError, UnicodeDecodeError, ValueError, yaml.YAMLError) as exc:
        raise MappingError(issue(Code.MAPPING_UNREADABLE, Severity.ERROR, reason=str(exc).splitlines()[0])) from exc
    return options_from(data, vocabulary)
