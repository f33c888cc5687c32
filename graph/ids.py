"""Stable string ids: random for what users create, derived for what seeds load.

Seeded entities get UUIDv5 ids from a fixed namespace, so every database seeded from this
code gives Rollberg the same id and loading twice finds what the first load created.
"""

from __future__ import annotations

import uuid

_SEED_NAMESPACE = uuid.UUID("6f1c3c1e-9d0b-4a55-8f57-6b6b1f0b2a10")


def new_id() -> str:
    return str(uuid.uuid4())


def derived_id(namespace: str, key: str) -> str:
    """An id that the same namespace and key always give (an import's rows: a re-run after a
    failure finds what the first run wrote under the same ids)."""
    return str(uuid.uuid5(_SEED_NAMESPACE, f"{namespace}#{key}"))


def seed_id(kind: str, key: str) -> str:
    return str(uuid.uuid5(_SEED_NAMESPACE, f"{kind}:{key}"))
