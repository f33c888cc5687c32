// Applied imports (graph/imports.py): one per import key, so the same import is never applied twice.
CREATE CONSTRAINT import_id IF NOT EXISTS FOR (i:Import) REQUIRE i.id IS UNIQUE;
