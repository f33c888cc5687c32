"""The Relay ``Node`` interface: every object with a stable global id."""

from __future__ import annotations

import strawberry


@strawberry.interface(description="An object with a stable, opaque global id, fetchable with `node(id:)`.")
class Node:
    id: strawberry.ID = strawberry.field(
        description="Global id: opaque, stable across restarts and restores; pass it to `node(id:)`."
    )
