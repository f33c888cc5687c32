"""Answers to queries kept in memory by the network's revision: the same question at the same
revision is answered from here instead of being run again.

QM data changes a few times a day, and the map and the dashboards ask the same questions many
times in between (a quarter's actor page, its cooperations, an actor's detail). Every committed
write moves the revision on (graph/revision.py), so an answer computed at revision R stays right
for as long as the revision is R — for the same question asked by the same caller on the same day.

**The key** (:class:`Key`): the revision; who asks (role, quarters and token, as the ETag of
kiezgraph/caching.py: two callers may see different data); the document (a persisted query's hash
is resolved to its document first), the operation's name and the variables (canonical JSON); the
answer's language (Accept-Language: error texts and reasons are German or English); and today's
date (\"current\" ties, ended cooperations, a quarter's rules on a day).

**The revision is read after the request arrived**, by the same shared read that checks cached
tokens for revocation (``Authenticator.fresh_revision``, kiezgraph/middleware/authentication.py):
requests that arrive together share one small read, so the cache costs no round trip of its own
for a token's request, and a fraction of one otherwise. A write committed before a request arrived
— on any instance on the same Neo4j — is therefore seen by that read, and the request is never
answered from an older entry. An answer is filed under a revision read *before* its query ran,
so never under a revision newer than what it read: when nothing is kept under the revision the
last shared read found, a hit is unlikely, and the query runs at once without waiting for a fresh
read, its answer filed under that revision (kiezgraph/app.py, ``GraphQLApp._cache_key``). A
request that carries a consistency bookmark (kiezgraph/consistency.py) waits for its commits in
the database and bypasses the cache.

**What is kept**: only queries whose root fields are all in ``schema.query.CACHEABLE_FIELDS`` (an
explicit allow-list: metrics computed in the background, suggestions from the snapshot, the audit
log, import jobs and token lists depend on more than the revision), only answers without errors,
and only answers up to an eighth of the cache. Memory is bounded by bytes (least recently used
first out); a newer revision empties the cache, since nothing older can be asked for again.
``KIEZGRAPH_RESPONSE_CACHE_MB=0`` turns it off. Each process keeps its own; the debug header
``Server-Timing`` says ``response-cache;desc=hit`` or ``miss``.

The shared harness (``../shared/peer-bench``) must run against a server with the cache off: it
checks each input's answer before timing it, so its timed requests would all be hits.
"""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Final

import orjson
from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    parse,
)

from core.access import Principal
from core.messages import Language
from schema.query import CACHEABLE_FIELDS

# How many documents' verdicts (cacheable or not) are remembered; beyond it they are forgotten.
_VERDICTS: Final = 2_000
# What an entry costs beside its answer and its document: the key's other parts, the dict's slot.
_OVERHEAD: Final = 400


@dataclass(frozen=True)
class Key:
    """Everything an answer of a cacheable query depends on."""

    revision: int
    principal: Principal
    query: str
    operation: str | None
    variables: bytes  # canonical JSON (sorted keys)
    language: Language
    day: dt.date

    @property
    def size(self) -> int:
        return len(self.query) + len(self.variables) + _OVERHEAD


class ResponseCache:
    """Encoded answers by :class:`Key`, least recently used first out, at most ``max_bytes``.

    Used from the server's event loop only (lookups before an operation is handed to a lane,
    stores after it comes back), so it needs no lock."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.largest = max_bytes // 8  # an answer above this is not kept: it would push out many
        self.revision = -1  # the newest revision an entry was asked for or filed under
        self.bytes = 0
        self.hits = 0
        self.misses = 0
        self._entries: OrderedDict[Key, bytes] = OrderedDict()
        self._verdicts: dict[tuple[str, str | None], bool] = {}

    @property
    def enabled(self) -> bool:
        return self.max_bytes > 0

    def __len__(self) -> int:
        return len(self._entries)

    def key(
        self,
        revision: int,
        principal: Principal,
        query: str | None,
        operation: str | None,
        variables: dict[str, Any] | None,
        language: Language,
    ) -> Key | None:
        """The key of a request, or None if its answer may not be kept (not a query, a root field
        outside the allow-list, variables that are not plain JSON)."""
        if not query or not self.cacheable(query, operation):
            return None
        try:
            canonical = orjson.dumps(variables or {}, option=orjson.OPT_SORT_KEYS)
        except TypeError:
            return None
        return Key(revision, principal, query, operation, canonical, language, dt.date.today())

    def cacheable(self, query: str, operation: str | None) -> bool:
        """Whether the operation is a query whose root fields are all cacheable (remembered per document)."""
        verdict = self._verdicts.get((query, operation))
        if verdict is None:
            verdict = _cacheable(query, operation)
            if len(self._verdicts) >= _VERDICTS:
                self._verdicts.clear()
            self._verdicts[(query, operation)] = verdict
        return verdict

    def get(self, key: Key) -> bytes | None:
        self._follow(key.revision)
        body = self._entries.get(key) if key.revision == self.revision else None
        if body is None:
            self.misses += 1
            return None
        self._entries.move_to_end(key)
        self.hits += 1
        return body

    def holds(self, key: Key) -> bool:
        """Whether an answer is kept under ``key`` (a guess at a hit; counts nothing)."""
        return key.revision == self.revision and key in self._entries

    def put(self, key: Key, body: bytes) -> None:
        self._follow(key.revision)
        size = len(body) + key.size
        if key.revision != self.revision or size > self.largest or key in self._entries:
            return
        self._entries[key] = body
        self.bytes += size
        while self.bytes > self.max_bytes:
            old, old_body = self._entries.popitem(last=False)
            self.bytes -= len(old_body) + old.size

    def _follow(self, revision: int) -> None:
        """A newer revision makes every entry unreachable: drop them at once."""
        if revision > self.revision:
            self.revision = revision
            self._entries.clear()
            self.bytes = 0


def _cacheable(query: str, operation: str | None) -> bool:
    try:
        document = parse(query, no_location=True)
    except GraphQLError:
        return False  # the executor reports it; an error is never kept anyway
    chosen = _operation(document, operation)
    if chosen is None or chosen.operation is not OperationType.QUERY:
        return False
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    names = _root_fields(chosen.selection_set, fragments, set())
    return names is not None and names <= CACHEABLE_FIELDS


def _operation(document: DocumentNode, name: str | None) -> OperationDefinitionNode | None:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if name is None:
        return operations[0] if len(operations) == 1 else None
    return next((o for o in operations if o.name is not None and o.name.value == name), None)


def _root_fields(
    selections: SelectionSetNode, fragments: dict[str, FragmentDefinitionNode], seen: set[str]
) -> set[str] | None:
    """The root fields an operation selects, through fragments (None: a fragment is missing or cyclic,
    which validation refuses)."""
    names: set[str] = set()
    for selection in selections.selections:
        if isinstance(selection, FieldNode):
            names.add(selection.name.value)
            continue
        if isinstance(selection, InlineFragmentNode):
            inner = _root_fields(selection.selection_set, fragments, seen)
        elif isinstance(selection, FragmentSpreadNode):
            fragment = fragments.get(selection.name.value)
            if fragment is None or fragment.name.value in seen:
                return None
            inner = _root_fields(fragment.selection_set, fragments, seen | {fragment.name.value})
        else:  # pragma: no cover - graphql-core has no other selection kinds
            return None
        if inner is None:
            return None
        names |= inner
    return names
