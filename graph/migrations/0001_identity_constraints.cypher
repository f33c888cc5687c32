// Stable string ids, unique per label: the API never exposes Neo4j's internal ids.
CREATE CONSTRAINT quarter_id IF NOT EXISTS FOR (q:Quarter) REQUIRE q.id IS UNIQUE;
CREATE CONSTRAINT quarter_slug IF NOT EXISTS FOR (q:Quarter) REQUIRE q.slug IS UNIQUE;
// Institution, Initiative, Company and HousingAssociation nodes all carry :Actor, so this covers them.
CREATE CONSTRAINT actor_id IF NOT EXISTS FOR (a:Actor) REQUIRE a.id IS UNIQUE;
CREATE CONSTRAINT action_field_id IF NOT EXISTS FOR (f:ActionField) REQUIRE f.id IS UNIQUE;
CREATE CONSTRAINT action_field_key IF NOT EXISTS FOR (f:ActionField) REQUIRE f.key IS UNIQUE;
CREATE CONSTRAINT cooperation_id IF NOT EXISTS FOR ()-[c:COOPERATES_WITH]-() REQUIRE c.id IS UNIQUE;
