// Merged-away duplicates stay as tombstones, so their old ids still lead to the survivor.
CREATE CONSTRAINT merged_actor_id IF NOT EXISTS FOR (m:MergedActor) REQUIRE m.id IS UNIQUE;
CREATE CONSTRAINT network_state_id IF NOT EXISTS FOR (s:NetworkState) REQUIRE s.id IS UNIQUE;
