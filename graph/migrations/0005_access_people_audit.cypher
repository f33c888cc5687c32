// API tokens: looked up by id; only a hash of the secret is stored.
CREATE CONSTRAINT api_token_id IF NOT EXISTS FOR (t:ApiToken) REQUIRE t.id IS UNIQUE;
// Contact persons (personal data under the GDPR).
CREATE CONSTRAINT person_id IF NOT EXISTS FOR (p:Person) REQUIRE p.id IS UNIQUE;
// The append-only audit trail, read per entity.
CREATE CONSTRAINT change_id IF NOT EXISTS FOR (c:Change) REQUIRE c.id IS UNIQUE;
CREATE INDEX change_entity IF NOT EXISTS FOR (c:Change) ON (c.entityId, c.at);
