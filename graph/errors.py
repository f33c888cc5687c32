"""The errors `graph/` raises; nothing from the neo4j driver leaks past this layer.

    GraphError
    ├── DatabaseUnavailable   Neo4j cannot be reached, or a query timed out
    ├── NotFound              an entity addressed by id does not exist
    ├── Conflict              a write collides with the current state (stale version, duplicate)
    └── InvalidData           a write was refused by a constraint we did not anticipate

Resolvers map these to GraphQL errors with an ``extensions.code``; the message never
carries Cypher text or driver internals.
"""

from __future__ import annotations


class GraphError(Exception):
    """Base of every error raised by the graph layer."""

    code = "INTERNAL"


class DatabaseUnavailable(GraphError):
    """Neo4j is unreachable, not ready, or did not answer within the query timeout."""

    code = "DATABASE_UNAVAILABLE"


class NotFound(GraphError):
    code = "NOT_FOUND"


class Conflict(GraphError):
    code = "CONFLICT"


class InvalidData(GraphError):
    code = "INVALID_DATA"
