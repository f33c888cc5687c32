"""Persisted queries: Automatic Persisted Queries (APQ) and an allowlist mode.

APQ, as Apollo specifies it (https://www.apollographql.com/docs/apollo-server/performance/apq):
the client sends ``extensions: {persistedQuery: {version: 1, sha256Hash: "<hex>"}}`` without the
query — small enough for a GET that caches can keep. If the service knows the hash, it runs the
document; if not, it answers ``PERSISTED_QUERY_NOT_FOUND`` and the client sends hash and query
once, which the service checks (the hash must be the query's SHA-256) and remembers.

Each instance remembers on its own (a bounded cache in memory): a client whose hash reaches an
instance that has not seen it yet sends the query once more, as the protocol provides.

Modes (``KIEZGRAPH_PERSISTED_QUERIES``): ``apq`` (the default) accepts any document and APQ;
``allowlist`` runs only the documents registered in ``KIEZGRAPH_PERSISTED_QUERIES_FILE`` (a JSON
object from SHA-256 hash to document, as clients' persisted-query manifests are written), by
hash or by full text, over HTTP and WebSocket alike; ``off`` ignores the extension.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from enum import Enum
from pathlib import Path
from typing import Any, Final

# What clients read (one place to translate). The first is the text Apollo's client looks for.
NOT_FOUND: Final = "PersistedQueryNotFound"
NOT_SUPPORTED: Final = "PersistedQueryNotSupported"
MISMATCH: Final = "the query's SHA-256 hash is not the sha256Hash sent with it"
BAD_EXTENSION: Final = "extensions.persistedQuery must be {version: 1, sha256Hash: <64 hex digits>}"
NOT_IN_LIST: Final = "this service runs registered documents only, and this one is not registered"


class Mode(Enum):
    APQ = "apq"
    ALLOWLIST = "allowlist"
    OFF = "off"


class Refused(Exception):
    """The request cannot run as sent; ``code`` goes into ``extensions.code``."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def sha256(document: str) -> str:
    return hashlib.sha256(document.encode()).hexdigest()


def load_manifest(path: Path) -> dict[str, str]:
    """A manifest ``{hash: document}``; every hash must be its document's."""
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in data.items()):
        raise ValueError(f"{path} must hold a JSON object from SHA-256 hash to GraphQL document")
    wrong = [k for k, v in data.items() if sha256(v) != k.lower()]
    if wrong:
        raise ValueError(f"{path}: {wrong[0]!r} is not the SHA-256 hash of its document")
    return {k.lower(): v for k, v in data.items()}


class PersistedQueries:
    def __init__(self, mode: Mode = Mode.APQ, registered: dict[str, str] | None = None, size: int = 2000) -> None:
        self.mode = mode
        self.registered = dict(registered or {})
        self._seen: OrderedDict[str, str] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def resolve(self, query: str | None, extensions: dict[str, Any] | None) -> str | None:
        """The document to run, or :class:`Refused`; ``None`` leaves a missing query to GraphQL."""
        persisted = (extensions or {}).get("persistedQuery")
        if persisted is None or self.mode is Mode.OFF:
            if self.mode is Mode.ALLOWLIST and query is not None:
                self.check_allowed(query)
            return query
        digest = _digest(persisted)
        if query is None:
            known = self.registered.get(digest) or self._remembered(digest)
            if known is None:
                raise Refused("PERSISTED_QUERY_NOT_FOUND", NOT_FOUND)
            return known
        if sha256(query) != digest:
            raise Refused("BAD_REQUEST", MISMATCH)
        if self.mode is Mode.ALLOWLIST:
            self.check_allowed(query)
        else:
            self._remember(digest, query)
        return query

    def check_allowed(self, query: str) -> None:
        if self.mode is Mode.ALLOWLIST and sha256(query) not in self.registered:
            raise Refused("PERSISTED_QUERY_NOT_IN_LIST", NOT_IN_LIST)

    def _remembered(self, digest: str) -> str | None:
        if self.mode is not Mode.APQ:
            return None
        with self._lock:
            found = self._seen.get(digest)
            if found is not None:
                self._seen.move_to_end(digest)
            return found

    def _remember(self, digest: str, query: str) -> None:
        with self._lock:
            self._seen[digest] = query
            self._seen.move_to_end(digest)
            while len(self._seen) > self._size:
                self._seen.popitem(last=False)


def _digest(persisted: object) -> str:
    if not isinstance(persisted, dict) or persisted.get("version") != 1:
        raise Refused("BAD_REQUEST", BAD_EXTENSION)
    digest = persisted.get("sha256Hash")
    if not isinstance(digest, str) or len(digest) != 64 or any(c not in "0123456789abcdefABCDEF" for c in digest):
        raise Refused("BAD_REQUEST", BAD_EXTENSION)
    return digest.lower()
