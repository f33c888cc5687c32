// Leases on import keys (graph/imports.py): one node per key while an apply writes it; the MERGE on
// the unique key is what makes two applies of the same import started at once see each other.
CREATE CONSTRAINT import_lease_key IF NOT EXISTS FOR (l:ImportLease) REQUIRE l.key IS UNIQUE;
