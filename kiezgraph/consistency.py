"""Read-your-writes across instances: Neo4j bookmarks to the client and back.

A mutation's answer carries the bookmark(s) of its commit in the ``Kiezgraph-Bookmark`` header.
A client that sends them back in the same header with its next request — to any instance, on
one Neo4j or a cluster — has that request's reads wait until the database has caught up with
those commits (the driver passes them with each transaction: graph.db.Consistency). Without the
header a request reads what its instance has seen (the driver's own bookmark chain).

Bookmarks are opaque to us; what comes in is only checked for shape (a few short tokens of the
characters Neo4j's bookmarks are made of), so that a client's mistake is a clear 400 and never
a database error.
"""

from __future__ import annotations

import re
from typing import Final

from core.messages import Language, Message

HEADER: Final = "Kiezgraph-Bookmark"
MAX_BOOKMARKS: Final = 16
MAX_LENGTH: Final = 512
_SHAPE: Final = re.compile(r"[A-Za-z0-9:+/=._-]+")

MALFORMED: Final = Message(
    en=f"the {HEADER} header must hold up to {MAX_BOOKMARKS} bookmarks from earlier answers, separated by commas",
    de=f"Der Header {HEADER} darf bis zu {MAX_BOOKMARKS} Lesezeichen (Bookmarks) aus früheren Antworten "
    "enthalten, durch Kommas getrennt",
)


class MalformedBookmark(ValueError):
    pass


def parse(header: str | None, language: Language) -> tuple[str, ...]:
    """The bookmarks a client sent (none without the header); :class:`MalformedBookmark` if odd."""
    if header is None or not header.strip():
        return ()
    values = tuple(v.strip() for v in header.split(","))
    if len(values) > MAX_BOOKMARKS or not all(len(v) <= MAX_LENGTH and _SHAPE.fullmatch(v) for v in values):
        raise MalformedBookmark(MALFORMED().in_(language))
    return values


def header(bookmarks: list[str]) -> str:
    return ", ".join(bookmarks)
