"""Network analysis on data read from the graph: metrics (python-igraph), partner suggestions,
missing links, timelines and export formats. Pure computation: no Neo4j, no GraphQL."""
