-- Node heartbeats: a lease per node (the live nodes share the processors' work). They belong to no tenant, so they
-- leave processor_leases for this table, reached only through the node functions below.
CREATE TABLE {schema}.nodes (
    node_id text PRIMARY KEY,
    owner text NOT NULL,
    fencing_token bigint NOT NULL,
    expires_at timestamptz NOT NULL
);
INSERT INTO {schema}.nodes (node_id, owner, fencing_token, expires_at)
SELECT substr(resource, length('node/') + 1), owner, fencing_token, expires_at FROM {schema}.processor_leases WHERE starts_with(resource, 'node/');
DELETE FROM {schema}.processor_leases WHERE starts_with(resource, 'node/');
