// The change feed reads audit records by the revision of their commit (graph/changes.py):
// a range index serves "after revision N, in order". Older records have no revision and stay
// out of the feed; the feed starts with the first write after this migration.
CREATE RANGE INDEX change_revision IF NOT EXISTS FOR (c:Change) ON (c.revision);
