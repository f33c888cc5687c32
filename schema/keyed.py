"""What every mutation payload shares: the echoed ``clientMutationId`` (Relay's convention)."""

from __future__ import annotations

from typing import Protocol, TypeVar

import strawberry


@strawberry.type(description="What every mutation payload shares.")
class KeyedPayload:
    client_mutation_id: str | None = strawberry.field(
        default=None, description="The `clientMutationId` of the input, as sent; null if none was sent."
    )


class _Keyed(Protocol):
    client_mutation_id: str | None


P = TypeVar("P", bound=KeyedPayload)


def echo(payload: P, data: _Keyed) -> P:
    """The payload, answering to the input's key."""
    payload.client_mutation_id = data.client_mutation_id
    return payload
