-- One row per tenant: its head (the last position assigned) and the row locked by every write to the tenant, so
-- positions are assigned in commit order.
CREATE TABLE {schema}.tenants (
    tenant_id text PRIMARY KEY,
    head bigint NOT NULL DEFAULT 0
);
