"""Neo4j only: driver lifecycle, migrations, Cypher queries and the records they return.

Nothing here imports strawberry or starlette. Every Cypher text is a named constant in the
module of its area; user input reaches it only as parameters.
"""
