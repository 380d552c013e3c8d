-- The tags of the events written before this migration.
INSERT INTO {schema}.event_tags (tenant_id, tag, position)
SELECT DISTINCT e.tenant_id, t.tag, e.position FROM {schema}.events e CROSS JOIN LATERAL unnest(e.tags) AS t(tag);
