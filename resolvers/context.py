"""What every resolver gets per request: the database, settings and request-scoped loaders."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from strawberry.dataloader import DataLoader

from graph import quarters
from graph.db import Database
from graph.quarters import QuarterRecord

K = TypeVar("K")
V = TypeVar("V")


def _batched(
    fetch: Callable[[Sequence[K]], Any], default: Callable[[K], V] | None = None
) -> DataLoader[K, V | None]:
    """A per-request loader that turns N lookups in one tick into one ``fetch`` of N keys."""

    async def load(keys: list[K]) -> list[V | None]:
        found = await fetch(keys)
        return [found.get(key, default(key) if default else None) for key in keys]

    return DataLoader(load_fn=load)


@dataclass
class Loaders:
    db: Database
    quarter_by_id: DataLoader[str, QuarterRecord | None] = field(init=False)
    quarter_by_slug: DataLoader[str, QuarterRecord | None] = field(init=False)

    def __post_init__(self) -> None:
        self.quarter_by_id = _batched(lambda ids: quarters.by_ids(self.db, ids))
        self.quarter_by_slug = _batched(lambda slugs: quarters.by_slugs(self.db, slugs))


@dataclass
class Context:
    db: Database
    loaders: Loaders
    request: Any = None
    response: Any = None

    @classmethod
    def for_request(cls, db: Database, request: Any = None, response: Any = None) -> Context:
        return cls(db=db, loaders=Loaders(db), request=request, response=response)
