"""What a GraphQL request must be on the wire before anything of it runs, and how an answer
is written onto it.

Decoded once, at the edge, for the body of a POST and for the ``variables`` and ``extensions``
parameters of a GET (whose query string must be UTF-8 too):
- UTF-8 (RFC 8259 §8.1), without a byte order mark;
- JSON without ``NaN``, ``Infinity`` or numbers that overflow a double (RFC 8259 §6 has none);
- text that is Unicode: no lone surrogates (``"\\ud800"``), which nothing downstream can encode;
- integers within ±(2^53 − 1), the range in which JSON numbers are exact (RFC 8259 §6);
- a JSON object (a list only as a batch, which the view refuses with its own message), with
  ``query`` and ``operationName`` text and ``variables`` and ``extensions`` objects.
Anything else is a :class:`MalformedRequest`: the view answers 400 with ``BAD_REQUEST`` and this
message, and nothing is executed. orjson does the strict decoding (it refuses NaN, infinities,
lone surrogates and invalid UTF-8 by itself, and nests at most 1,024 levels).

Answers are encoded by :func:`encode`, orjson in slices: a call holds the GIL until it returns
(50 ms for the 20 MB of a whole network), and slices let other threads, the server's event
loop among them, take turns.
"""

from __future__ import annotations

import urllib.parse
from typing import Any

import orjson

# Messages, in one place for translation.
NOT_UTF8 = "the request is not valid UTF-8 (byte 0x{byte:02x} at position {position})"
NOT_UTF8_QUERY = "the query string is not valid UTF-8 once percent-decoded (byte 0x{byte:02x})"
NOT_JSON = "the request is not valid JSON: {reason}"
NOT_AN_OBJECT = "the request must be a JSON object with `query` and, optionally, `variables`"
WRONG_TYPE = "`{key}` must be {kind} or null"
TOO_LARGE = "the number {value} is outside the range JSON numbers keep exactly (±9007199254740991)"

MAX_EXACT_INTEGER = 2**53 - 1
_KINDS = {
    "query": (str, "text"),
    "operationName": (str, "text"),
    "variables": (dict, "an object"),
    "extensions": (dict, "an object"),
}


class MalformedRequest(ValueError):
    """The request cannot be read; the message says why, for the client."""


def decode(data: bytes | str) -> dict[str, Any] | list[Any]:
    """A request body (or a GET parameter), decoded strictly; :class:`MalformedRequest` if not."""
    if isinstance(data, bytes):
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise MalformedRequest(NOT_UTF8.format(byte=data[exc.start], position=exc.start)) from exc
    try:
        value: object = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise MalformedRequest(NOT_JSON.format(reason=exc.msg)) from exc
    if isinstance(value, dict):
        for key, (kind, name) in _KINDS.items():
            if value.get(key) is not None and not isinstance(value[key], kind):
                raise MalformedRequest(WRONG_TYPE.format(key=key, kind=name))
    elif not isinstance(value, list):
        raise MalformedRequest(NOT_AN_OBJECT)
    _check_numbers(value)
    return value


# Items of a long list encoded per orjson call (a few ms each), and how deep into the answer
# (data → field → network → nodes) lists are looked for.
SLICE = 2000
_DEPTH = 5


def encode(value: object) -> bytes:
    """``orjson.dumps(value)``, byte for byte, in slices of long lists near the top."""
    if not _long_list_within(value, 0):
        return orjson.dumps(value)  # most answers: one call, not dozens of pieces to join
    return _sliced(value, 0)


def _sliced(value: object, depth: int) -> bytes:
    if isinstance(value, dict) and depth < _DEPTH:
        return (
            b"{" + b",".join(orjson.dumps(key) + b":" + _sliced(item, depth + 1) for key, item in value.items()) + b"}"
        )
    if isinstance(value, list) and len(value) > SLICE:
        return b"[" + b",".join(orjson.dumps(value[i : i + SLICE])[1:-1] for i in range(0, len(value), SLICE)) + b"]"
    if isinstance(value, list) and depth < _DEPTH:
        return b"[" + b",".join(_sliced(item, depth + 1) for item in value) + b"]"
    return orjson.dumps(value)


def _long_list_within(value: object, depth: int) -> bool:
    """Whether :func:`encode` would slice anything of ``value``: a list longer than a slice at
    the depths it looks at."""
    if isinstance(value, dict):
        return depth < _DEPTH and any(_long_list_within(item, depth + 1) for item in value.values())
    if isinstance(value, list):
        return len(value) > SLICE or (depth < _DEPTH and any(_long_list_within(item, depth + 1) for item in value))
    return False


def check_query_string(raw: bytes) -> None:
    """A GET's parameters must be UTF-8 once percent-decoded (Starlette would replace what is not)."""
    for pair in raw.split(b"&"):
        text = urllib.parse.unquote_to_bytes(pair.replace(b"+", b" "))
        try:
            text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise MalformedRequest(NOT_UTF8_QUERY.format(byte=text[exc.start])) from exc


def _check_numbers(value: object) -> None:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, int) and not isinstance(item, bool) and abs(item) > MAX_EXACT_INTEGER:
            raise MalformedRequest(TOO_LARGE.format(value=item))
