"""Checks on mutation input that need no database: lengths, ranges, dates, URLs."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Sequence

from resolvers import texts
from resolvers.outcomes import Refusal, RefusalCode, invalid

MAX_NAME = 200
MAX_TEXT = 5000
MAX_SHORT = 300
MAX_LIST = 50
_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)


def clean_text(value: str) -> str:
    """Trim, and normalise to NFC so that visually equal names compare equal."""
    return unicodedata.normalize("NFC", value).strip()


def name(value: str, *path: str) -> list[Refusal]:
    cleaned = clean_text(value)
    if not cleaned:
        return [Refusal(RefusalCode.EMPTY_NAME, texts.EMPTY_NAME(), path)]
    if len(cleaned) > MAX_NAME:
        return [invalid(texts.NAME_TOO_LONG(limit=MAX_NAME), *path)]
    if any(unicodedata.category(ch) == "Cc" for ch in cleaned):
        return [invalid(texts.NAME_CONTROL(), *path)]
    return []


def text(value: str | None, limit: int, *path: str) -> list[Refusal]:
    if value is not None and len(value) > limit:
        return [invalid(texts.TEXT_TOO_LONG(limit=limit), *path)]
    return []


def strings(values: Sequence[str] | None, *path: str) -> list[Refusal]:
    if values is None:
        return []
    if len(values) > MAX_LIST:
        return [invalid(texts.TOO_MANY_ENTRIES(limit=MAX_LIST), *path)]
    errors = []
    for i, value in enumerate(values):
        if not clean_text(value):
            errors.append(invalid(texts.EMPTY_ENTRY(), *path, str(i)))
        elif len(value) > MAX_SHORT:
            errors.append(invalid(texts.ENTRY_TOO_LONG(limit=MAX_SHORT), *path, str(i)))
    return errors


def url(value: str | None, *path: str) -> list[Refusal]:
    if value is None:
        return []
    if len(value) > MAX_SHORT or not _URL.match(value.strip()):
        return [invalid(texts.NOT_A_WEBSITE(), *path)]
    return []


def coordinates(latitude: float, longitude: float, *path: str) -> list[Refusal]:
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return [invalid(texts.BAD_COORDINATES(), *path)]
    return []


def period(since: dt.date | None, until: dt.date | None, *path: str) -> list[Refusal]:
    if since is not None and until is not None and until < since:
        return [
            Refusal(
                RefusalCode.INVALID_DATE_RANGE,
                texts.UNTIL_BEFORE_SINCE(until=until.isoformat(), since=since.isoformat()),
                (*path, "until"),
                {"since": since, "until": until},
            )
        ]
    return []


def intensity(value: int | None, *path: str) -> list[Refusal]:
    if value is not None and not 1 <= value <= 3:
        return [invalid(texts.INTENSITY(), *path)]
    return []
