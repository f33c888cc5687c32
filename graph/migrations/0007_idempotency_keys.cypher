// Idempotency keys of mutations: one per principal and key (the id hashes both); the MERGE on
// it is what makes a concurrent retry wait for the first attempt.
CREATE CONSTRAINT idempotency_key_id IF NOT EXISTS FOR (k:IdempotencyKey) REQUIRE k.id IS UNIQUE;
// Expired keys are found by creation time, without scanning all keys.
CREATE RANGE INDEX idempotency_key_created IF NOT EXISTS FOR (k:IdempotencyKey) ON (k.createdAt);
