// Name search: a normalised key (folded and transliterated variants) served by a TEXT index for
// CONTAINS, and a full-text index for fuzzy matching and relevance.
CREATE TEXT INDEX actor_search_key IF NOT EXISTS FOR (a:Actor) ON (a.searchKey);
CREATE FULLTEXT INDEX actor_names IF NOT EXISTS FOR (a:Actor) ON EACH [a.name, a.searchKey]
  OPTIONS {indexConfig: {`fulltext.analyzer`: 'standard-folding'}};
CREATE FULLTEXT INDEX quarter_names IF NOT EXISTS FOR (q:Quarter) ON EACH [q.name, q.searchKey]
  OPTIONS {indexConfig: {`fulltext.analyzer`: 'standard-folding'}};
// Sort keys of the actors connection (cursor pagination seeks on them).
CREATE INDEX actor_sort_name IF NOT EXISTS FOR (a:Actor) ON (a.sortName, a.id);
CREATE INDEX actor_created_at IF NOT EXISTS FOR (a:Actor) ON (a.createdAt);
CREATE INDEX actor_archived IF NOT EXISTS FOR (a:Actor) ON (a.archived);
CREATE INDEX actor_synthetic IF NOT EXISTS FOR (a:Actor) ON (a.synthetic);
CREATE POINT INDEX actor_location IF NOT EXISTS FOR (a:Actor) ON (a.location);
// Cooperations filtered by kind and time.
CREATE INDEX cooperation_kind IF NOT EXISTS FOR ()-[c:COOPERATES_WITH]-() ON (c.kind);
CREATE INDEX cooperation_since IF NOT EXISTS FOR ()-[c:COOPERATES_WITH]-() ON (c.since);
