// The actor's type also as a property: labels stay for people querying Cypher, the property makes
// projections and type filters cheap (reading labels(a) cost a quarter of a partner query).
MATCH (a:Actor) WHERE a.type IS NULL
SET a.type = [l IN labels(a) WHERE l IN ['Institution', 'Initiative', 'Company', 'HousingAssociation']][0];
CREATE INDEX actor_type IF NOT EXISTS FOR (a:Actor) ON (a.type);
