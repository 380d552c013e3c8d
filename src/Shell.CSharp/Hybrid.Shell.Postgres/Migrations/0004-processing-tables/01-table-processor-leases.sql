-- Leases: one node at a time per resource (a processor and tenant, or a shard), each grant with a fencing token that
-- only grows. Rows are never deleted, so a resource's token never goes back. IF NOT EXISTS: earlier versions created
-- this table at run time, outside the migrations.
CREATE TABLE IF NOT EXISTS {schema}.processor_leases (
    resource text PRIMARY KEY,
    owner text NOT NULL,
    fencing_token bigint NOT NULL,
    expires_at timestamptz NOT NULL
);
