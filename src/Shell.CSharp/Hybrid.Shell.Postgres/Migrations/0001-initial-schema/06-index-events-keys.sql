-- Condition and filtered reads go through this GIN index. fastupdate is off, so there is no pending list to scan.
CREATE INDEX events_keys ON {schema}.events USING gin ({schema}.event_keys(tenant_id, type, tags)) WITH (fastupdate = off);
