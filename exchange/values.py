"""Cell values as offices write them: text with stray spaces, dates in many forms, decimal commas.

Every parser takes what a reader delivers for a cell — ``str`` from CSV; ``str``, ``int``,
``float``, ``bool``, ``date`` or ``datetime`` from a workbook — and returns a clean Python
value, ``None`` for an empty cell, or raises :class:`ValueProblem` with the message code that
says what is wrong. Nothing here knows rows or columns; the caller adds the place.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from dataclasses import dataclass
from typing import Final

from exchange.messages import Code

Raw = str | int | float | bool | dt.date | dt.datetime | dt.time | dt.timedelta | None

# Excel's 1900 date system: serial 1 is 1900-01-01, and Excel counts a 29 February 1900 that never
# was, so from serial 61 on the day is 1899-12-30 + serial (ECMA-376 Part 1, 18.17.4.1).
_EXCEL_EPOCH: Final = dt.date(1899, 12, 30)
_SERIAL_MAX: Final = 73050  # 2099-12-31: later serials in a date column are not dates
_YEAR_MIN, _YEAR_MAX = 1900, 2100

_SPACES: Final = re.compile(r"\s+")
_SETTLED: Final = re.compile(r"[^\s\x00-\x1f\x7f]+(?: [^\s\x00-\x1f\x7f]+)*")  # nothing to trim or remove
_CONTROL: Final = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # never meant in a cell (tabs and breaks are spaces)
_TIME_TAIL: Final = re.compile(r"[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?$")
_DMY: Final = re.compile(r"^(\d{1,2})\.\s*(\d{1,2})\.\s*(\d{2}|\d{4})$")
_ISO: Final = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_SLASHED: Final = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_MONTH_YEAR: Final = re.compile(r"^(\d{1,2})\s*[./-]\s*(\d{4})$")
_ISO_MONTH: Final = re.compile(r"^(\d{4})[-/](\d{1,2})$")
_YEAR: Final = re.compile(r"^(\d{4})$")
_NAMED_MONTH: Final = re.compile(r"^([a-zäöü]+)\.?\s+(\d{4})$")
_PREFIX: Final = re.compile(r"^(?:seit|ab|since|from|bis|until|to|ca\.?|etwa|circa)\s+", re.IGNORECASE)
_MONTHS: Final = {
    "jan": 1,
    "januar": 1,
    "jänner": 1,
    "january": 1,
    "feb": 2,
    "februar": 2,
    "february": 2,
    "mär": 3,
    "mrz": 3,
    "märz": 3,
    "maerz": 3,
    "mar": 3,
    "march": 3,
    "apr": 4,
    "april": 4,
    "mai": 5,
    "may": 5,
    "jun": 6,
    "juni": 6,
    "june": 6,
    "jul": 7,
    "juli": 7,
    "july": 7,
    "aug": 8,
    "august": 8,
    "sep": 9,
    "sept": 9,
    "september": 9,
    "okt": 10,
    "oktober": 10,
    "oct": 10,
    "october": 10,
    "nov": 11,
    "november": 11,
    "dez": 12,
    "dezember": 12,
    "dec": 12,
    "december": 12,
}
_NUMBER: Final = re.compile(r"[-+−]?\d+(?:[.,]\d+)?")
_EMAIL: Final = re.compile(r"^[^@\s<>(),;:]+@[^@\s<>(),;:]+\.[^@\s<>(),;:]{2,}$")
_URL: Final = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)
_DOMAIN: Final = re.compile(r"^(?:www\.)?[a-z0-9äöüß-]+(?:\.[a-z0-9äöüß-]+)+(?:[/?#]\S*)?$", re.IGNORECASE)
_ADDRESS: Final = re.compile(r"^(?P<street>.+?)[,;]?\s+(?P<plz>\d{5})\s+(?P<city>.+)$")


class ValueProblem(ValueError):
    """A cell's value cannot be read as what its column holds."""

    def __init__(self, code: Code, **params: object) -> None:
        super().__init__(code.value)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class Span:
    """What a date cell means: a day, or a month or year when only that was written.

    A ``since`` takes the first day, an ``until`` the last ("bis 2020" runs to 31.12.2020).
    """

    first: dt.date
    last: dt.date


def text(value: Raw) -> str | None:
    """A cell as clean text: NFC, whitespace runs (tabs, non-breaking spaces, line breaks) as one space."""
    if value is None or value == "":
        return None
    if (
        isinstance(value, str)
        and _SETTLED.fullmatch(value)
        and (value.isascii() or unicodedata.is_normalized("NFC", value))
    ):
        return value  # the common case, checked in C: nothing to trim, fold or normalise
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # postcodes, ids and years come back from Excel as 12049.0
    if isinstance(value, dt.datetime):
        value = value.date() if value.time() == dt.time() else value
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    cleaned = _SPACES.sub(" ", _CONTROL.sub("", unicodedata.normalize("NFC", str(value)))).strip()
    return cleaned or None


def paragraphs(value: Raw) -> str | None:
    """Longer text (a description, a note): like :func:`text`, but line breaks stay."""
    if not isinstance(value, str):
        return text(value)
    lines = (
        _SPACES.sub(" ", _CONTROL.sub("", line)).strip() for line in unicodedata.normalize("NFC", value).splitlines()
    )
    return "\n".join(line for line in lines if line) or None


def _day(year: int, month: int, day: int, raw: object) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError as exc:
        raise ValueProblem(Code.DATE_INVALID, value=raw) from exc


def _month(year: int, month: int, raw: object) -> Span:
    if not 1 <= month <= 12 or not _YEAR_MIN <= year <= _YEAR_MAX:
        raise ValueProblem(Code.DATE_INVALID, value=raw)
    first = dt.date(year, month, 1)
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return Span(first, following - dt.timedelta(days=1))


def _year(year: int, raw: object) -> Span:
    if not _YEAR_MIN <= year <= _YEAR_MAX:
        raise ValueProblem(Code.DATE_INVALID, value=raw)
    return Span(dt.date(year, 1, 1), dt.date(year, 12, 31))


def _serial(number: float, raw: object) -> Span:
    if number.is_integer() and _YEAR_MIN <= number <= _YEAR_MAX:
        return _year(int(number), raw)  # "2020" in a date column is a year, not 13 July 1905
    if not 61 <= number <= _SERIAL_MAX:
        raise ValueProblem(Code.DATE_INVALID, value=raw)
    day = _EXCEL_EPOCH + dt.timedelta(days=math.floor(number))
    return Span(day, day)


def _two_digit_year(yy: int) -> int:
    """Excel's rule for two-digit years: 00–29 are 2000–2029, 30–99 are 1930–1999."""
    return 2000 + yy if yy < 30 else 1900 + yy


def date_span(value: Raw) -> Span | None:
    """A date cell in any of the forms offices use: ``31.12.2020``, ``2020-12-31``, ``12/2020``,
    ``Dez. 2020``, ``2020``, a date cell, or an Excel serial number (``44196``)."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return Span(value.date(), value.date())
    if isinstance(value, dt.date):
        return Span(value, value)
    if isinstance(value, bool | dt.time | dt.timedelta):
        raise ValueProblem(Code.DATE_INVALID, value=value)
    if isinstance(value, int | float):
        return _serial(float(value), value)
    raw = text(value)
    if raw is None:
        return None
    s = _TIME_TAIL.sub("", _PREFIX.sub("", raw)).strip().lower()
    if m := _DMY.match(s):
        day, month, year = (int(g) for g in m.groups())
        year = _two_digit_year(year) if len(m.group(3)) == 2 else year
        d = _day(year, month, day, raw)
        return Span(d, d)
    if m := _ISO.match(s):
        d = _day(int(m[1]), int(m[2]), int(m[3]), raw)
        return Span(d, d)
    if m := _SLASHED.match(s):
        first, second, year = int(m[1]), int(m[2]), int(m[3])
        if first > 12 >= second:
            d = _day(year, second, first, raw)
        elif second > 12 >= first:
            d = _day(year, first, second, raw)
        elif first == second:
            d = _day(year, first, first, raw)
        else:
            raise ValueProblem(Code.DATE_AMBIGUOUS, value=raw)
        return Span(d, d)
    if m := _MONTH_YEAR.match(s):
        return _month(int(m[2]), int(m[1]), raw)
    if m := _ISO_MONTH.match(s):
        return _month(int(m[1]), int(m[2]), raw)
    if m := _YEAR.match(s):  # four digits typed are a year, never a serial (serial 9999 is 1927)
        return _year(int(m[1]), raw)
    if (m := _NAMED_MONTH.match(s)) and m[1] in _MONTHS:
        return _month(int(m[2]), _MONTHS[m[1]], raw)
    if re.fullmatch(r"\d+(?:[.,]\d+)?", s):
        return _serial(float(s.replace(",", ".")), raw)
    raise ValueProblem(Code.DATE_INVALID, value=raw)


def since(value: Raw) -> dt.date | None:
    span = date_span(value)
    return span.first if span else None


def until(value: Raw) -> dt.date | None:
    span = date_span(value)
    return span.last if span else None


def decimal(value: Raw) -> float | None:
    """A number with a decimal point or a decimal comma (``52,4772``); ``1.234,5`` reads as 1234.5."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueProblem(Code.NUMBER_INVALID, value=value)
    if isinstance(value, int | float):
        if not math.isfinite(value):
            raise ValueProblem(Code.NUMBER_INVALID, value=value)
        return float(value)
    raw = text(value)
    if raw is None:
        return None
    s = raw.replace(" ", "").replace("\u202f", "").replace("−", "-")
    if "," in s and "." in s:
        s = s.replace(".", "").replace(",", ".") if s.rfind(",") > s.rfind(".") else s.replace(",", "")
    elif "," in s:
        s = s.replace(",", ".")
    try:
        number = float(s)
    except ValueError as exc:
        raise ValueProblem(Code.NUMBER_INVALID, value=raw) from exc
    if not math.isfinite(number):
        raise ValueProblem(Code.NUMBER_INVALID, value=raw)
    return number


def coordinate(value: Raw, limit: float) -> float | None:
    number = decimal(value)
    if number is not None and not -limit <= number <= limit:
        raise ValueProblem(Code.COORDINATES_INVALID, value=text(value))
    return number


def coordinate_pair(value: Raw) -> tuple[float, float] | None:
    """Latitude and longitude in one cell: ``52.4772, 13.4322``, ``52,4772; 13,4322``, ``52,4772 13,4322``."""
    raw = text(value)
    if raw is None:
        return None
    numbers = _NUMBER.findall(raw)
    if len(numbers) != 2:
        raise ValueProblem(Code.COORDINATES_INVALID, value=raw)
    latitude, longitude = (decimal(n.replace("−", "-")) for n in numbers)
    assert latitude is not None and longitude is not None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise ValueProblem(Code.COORDINATES_INVALID, value=raw)
    return latitude, longitude


_INTENSITY_WORDS: Final = {
    1: ("lose", "locker", "gering", "schwach", "niedrig", "selten", "loose", "low", "weak", "occasional"),
    2: ("regelmäßig", "regelmaessig", "regelmassig", "mittel", "normal", "regular", "medium"),
    3: ("eng", "intensiv", "stark", "hoch", "sehr eng", "close", "high", "strong", "intense"),
}
_INTENSITY: Final = {word: level for level, words in _INTENSITY_WORDS.items() for word in words}


def intensity(value: Raw) -> int | None:
    """1 (loose) to 3 (close), as a number or a word; "2 (regelmäßig)" reads as 2."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueProblem(Code.INTENSITY_INVALID, value=value)
    if isinstance(value, int | float):
        if float(value).is_integer() and 1 <= value <= 3:
            return int(value)
        raise ValueProblem(Code.INTENSITY_INVALID, value=text(value))
    raw = text(value)
    if raw is None:
        return None
    lowered = raw.lower()
    if lowered in _INTENSITY:
        return _INTENSITY[lowered]
    if m := re.match(r"^([123])(?:[.,]0+)?(?:\s*(?:\(.*\)|[-–:].*))?$", lowered):
        return int(m[1])
    raise ValueProblem(Code.INTENSITY_INVALID, value=raw)


def items(value: Raw, *, commas: bool = True) -> list[str]:
    """A cell holding several entries: separated by ``;``, ``|``, line breaks and (if ``commas``) ``,``.

    Line breaks are looked at before :func:`text` folds them into spaces.
    """
    if value is None or value == "":
        return []
    raw = unicodedata.normalize("NFC", value if isinstance(value, str) else (text(value) or ""))
    separators = r"[;|\n\r•]+" if not commas else r"[;|\n\r•,]+"
    parts = (text(p) for p in re.split(separators, raw))
    return [p for p in parts if p]


def website(value: Raw) -> str | None:
    """An http(s) URL; a bare ``www.kita-sonnenschein.de`` gets ``https://``."""
    raw = text(value)
    if raw is None:
        return None
    if _URL.match(raw):
        return raw
    if _DOMAIN.match(raw):
        return "https://" + raw
    raise ValueProblem(Code.WEBSITE_INVALID, value=raw)


def email(value: Raw) -> str | None:
    raw = text(value)
    if raw is None:
        return None
    address = re.sub(r"^mailto:", "", raw, flags=re.IGNORECASE).strip()
    if not _EMAIL.match(address):
        raise ValueProblem(Code.EMAIL_INVALID, value=raw)
    return address


def phone(value: Raw) -> str | None:
    """Phone numbers stay as written (a number cell lost its leading 0 in Excel already)."""
    return text(value)


@dataclass(frozen=True)
class Address:
    street: str | None
    postal_code: str | None
    city: str | None


def address(value: Raw) -> Address | None:
    """A whole address in one cell: ``Rollbergstraße 12, 12053 Berlin``; otherwise all of it is the street."""
    raw = text(value)
    if raw is None:
        return None
    if m := _ADDRESS.match(raw):
        return Address(m["street"].strip(" ,;"), m["plz"], m["city"].strip())
    if re.fullmatch(r"\d{5}", raw):
        return Address(None, raw, None)
    return Address(raw, None, None)


def flag(value: Raw) -> bool | None:
    """Yes/no cells: ``ja``, ``x``, ``1``, ``wahr``, ``true`` … and their opposites."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    raw = (text(value) or "").lower()
    if raw in ("ja", "j", "x", "1", "wahr", "true", "yes", "y", "fiktiv", "synthetisch", "synthetic"):
        return True
    if raw in ("nein", "n", "0", "falsch", "false", "no", "-", "–"):
        return False
    raise ValueProblem(Code.NUMBER_INVALID, value=raw)
