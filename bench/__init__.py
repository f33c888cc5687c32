"""Benchmarks and evaluations: generators of Berlin-scale synthetic networks, and commands
that print figures and ratios against the floor (the same Cypher sent straight to Neo4j)."""
