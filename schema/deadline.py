"""A query's deadline: when it passes, the query stops and is answered with REQUEST_TIMEOUT.

The HTTP view starts a :class:`Limit` per operation and runs the operation inside
``asyncio.timeout``, so the deadline stops work in two ways:
- waiting work (resolvers awaiting Neo4j, DataLoaders) is cancelled at its ``await``; the driver
  closes a connection whose query is cancelled, and the server rolls the transaction back;
- running work (graphql-core completing thousands of objects without awaiting anything, which
  a cancellation cannot interrupt) stops at the next object: the executor
  (:class:`schema.execution.Execution`) checks the clock before the fields of each object
  (~0.1 µs per object, against ~2-10 µs per field).
Mutations are exempt: cancelling a write between its commit and its answer would leave the
client not knowing whether it happened; a write is bounded by the Neo4j transaction timeout.
"""

from __future__ import annotations

import asyncio
import math
import time
from contextvars import ContextVar
from dataclasses import dataclass, field

from graphql import GraphQLError
from strawberry.types import ExecutionContext
from strawberry.types.graphql import OperationType

from core.messages import Message, localized

TIMED_OUT = Message(
    "the query took longer than {seconds:g} s and was stopped; ask for less, or try again later",
    "Die Abfrage dauerte länger als {seconds:g} s und wurde abgebrochen; bitte weniger abfragen "
    "oder später noch einmal",
)


@dataclass
class Limit:
    """The deadline of one operation."""

    seconds: float
    at: float = field(init=False)  # time.monotonic()
    timeout: asyncio.Timeout | None = None
    tripped: bool = False  # a field was refused because the deadline had passed

    def __post_init__(self) -> None:
        self.at = time.monotonic() + self.seconds

    def lift(self) -> None:
        self.at = math.inf
        if self.timeout is not None:
            self.timeout.reschedule(None)

    def error(self) -> GraphQLError:
        # Made in the operation's own task: localized() says it in the request's language.
        return GraphQLError(localized(TIMED_OUT(seconds=self.seconds)), extensions={"code": "REQUEST_TIMEOUT"})


# The running operation's limit; each operation runs as a task of its own, with its own context.
CURRENT: ContextVar[Limit | None] = ContextVar("kiezgraph_deadline", default=None)


class DeadlinePassed(Exception):
    """Raised instead of executing a field once the operation's deadline has passed."""


def lift_for_mutations(context: ExecutionContext) -> None:
    """Lifts the deadline for mutations, once the operation's type is known: called from the
    ``on_execute`` hook of ``schema.Prepared``."""
    limit = CURRENT.get()
    if limit is not None and context.operation_type is OperationType.MUTATION:
        limit.lift()
