"""The layer below schema/, resolvers/ and kiezgraph/, above graph/: who is asking, the access
rules, the state of one request (its context and DataLoaders) and the services that outlive it."""
