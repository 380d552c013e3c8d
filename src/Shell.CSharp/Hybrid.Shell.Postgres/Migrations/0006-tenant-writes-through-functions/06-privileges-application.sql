-- The application role keeps only what its code paths need: events are insert-only; heads and checkpoints change
-- only through the functions above; streams take new rows and new versions, but a deletion goes through delete_stream.
REVOKE INSERT, UPDATE ON {schema}.tenants, {schema}.checkpoints FROM {app};
REVOKE INSERT, UPDATE ON {schema}.streams FROM {app};
GRANT INSERT (tenant_id, stream_id, version), UPDATE (version) ON {schema}.streams TO {app};
