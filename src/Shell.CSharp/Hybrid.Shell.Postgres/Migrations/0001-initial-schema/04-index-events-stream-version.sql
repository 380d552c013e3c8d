CREATE UNIQUE INDEX events_stream_version ON {schema}.events (tenant_id, stream_id, stream_version) WHERE stream_id IS NOT NULL;
