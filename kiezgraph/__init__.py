"""kiezgraph: the service's composition root (settings, app, command line, local Neo4j)."""
