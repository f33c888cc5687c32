"""The errors `graph/` raises; nothing from the neo4j driver leaks past this layer.

    GraphError
    ├── DatabaseUnavailable   Neo4j cannot be reached or did not answer in time; nothing was written
    ├── OutcomeUnknown        the connection failed while a commit was under way: the write may or may
    │                         not have been applied (read it again, or repeat it with its idempotency key)
    ├── NotFound              an entity addressed by id does not exist
    ├── Conflict              a write collides with the current state (stale version, duplicate)
    └── InvalidData           a write was refused by a constraint we did not anticipate

The line between the first two is the commit: a failure before the driver sent COMMIT cannot
have changed anything; after it, only the server knows. Resolvers map these to GraphQL errors
with an ``extensions.code``; the message never carries Cypher text or driver internals.
"""

from __future__ import annotations


class GraphError(Exception):
    """Base of every error raised by the graph layer."""

    code = "INTERNAL"


class DatabaseUnavailable(GraphError):
    """Neo4j is unreachable, not ready, or did not answer in time; the call changed nothing."""

    code = "DATABASE_UNAVAILABLE"


class OutcomeUnknown(GraphError):
    """A write transaction lost Neo4j after it asked to commit: it may or may not have been applied."""

    code = "OUTCOME_UNKNOWN"


class NotFound(GraphError):
    code = "NOT_FOUND"


class Conflict(GraphError):
    code = "CONFLICT"


class InvalidData(GraphError):
    code = "INVALID_DATA"
