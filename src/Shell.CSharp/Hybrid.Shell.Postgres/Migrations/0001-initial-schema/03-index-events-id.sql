-- Event ids are idempotency keys: an id appended again is a repeat, never a second event.
CREATE UNIQUE INDEX events_id ON {schema}.events (tenant_id, id);
