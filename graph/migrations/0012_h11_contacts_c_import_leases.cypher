// Leases on import keys (graph/imports.py): one node per key while an apply writes it; the MERGE on
// the unique key is what makes two applies of the same import started at once see each other.
CREATE CONSTRAINT import_lease_key IF NOT EXISTS FOR (l:ImportLease) REQUIRE l.key IS UNIQUE;
// The status of import jobs (graph/imports.py), readable from every instance: one node per job.
CREATE CONSTRAINT import_job_status_id IF NOT EXISTS FOR (j:ImportJobStatus) REQUIRE j.id IS UNIQUE;
// Old statuses are found by their last update, without scanning all.
CREATE RANGE INDEX import_job_status_updated IF NOT EXISTS FOR (j:ImportJobStatus) ON (j.updatedAt);
