"""HTTP caching of GET queries: an ``ETag`` from the data's revision, ``Cache-Control`` by who asks.

Every committed write moves the revision on (graph/revision.py), so an answer computed at
revision R is the same answer at R for the same document, variables and caller. The ETag names
R and the caller (a digest of role, quarters and token: two callers may see different data);
the URL holds the rest. A client that sends ``If-None-Match`` with the ETag it holds gets
``304 Not Modified`` without the query being run, as long as nothing was written since.

Public answers are ``public`` (shared caches may keep them, ``KIEZGRAPH_CACHE_MAX_AGE`` seconds
before asking again); answers for a token are ``private``. ``Vary: Authorization`` keeps shared
caches from handing one caller's answer to another.
"""

from __future__ import annotations

import hashlib

from core.access import Principal, Role


def etag(revision: int, principal: Principal) -> str:
    who = f"{principal.role.value}|{','.join(sorted(principal.quarters))}|{principal.token_id or ''}"
    return f'W/"r{revision}-{hashlib.sha256(who.encode()).hexdigest()[:12]}"'


def matches(if_none_match: str | None, tag: str) -> bool:
    """Whether the client's ``If-None-Match`` names ``tag`` (weak comparison, RFC 9110 §13.1.2)."""
    if not if_none_match:
        return False
    if if_none_match.strip() == "*":
        return True
    opaque = tag.removeprefix("W/")
    return any(t.strip().removeprefix("W/") == opaque for t in if_none_match.split(","))


def headers(tag: str, principal: Principal, max_age: int) -> dict[str, str]:
    scope = "public" if principal.role is Role.PUBLIC else "private"
    return {"ETag": tag, "Cache-Control": f"{scope}, max-age={max_age}, must-revalidate", "Vary": "Authorization"}
