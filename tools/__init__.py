"""Development tools (not part of the service): the schema's breaking-change check."""
