-- Type-only filters read through this btree, one ordered branch per type. The GIN index returns every match of a key
-- whatever the position bounds, so paging through a common type in batches re-scanned all of that type's events for
-- each batch (quadratic in the log); a branch on this index stops after the batch.
CREATE INDEX events_type_position ON {schema}.events (tenant_id, type, position);
