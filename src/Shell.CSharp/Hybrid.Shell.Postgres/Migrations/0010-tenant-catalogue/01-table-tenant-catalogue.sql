-- The tenant catalogue: every registered tenant, whether or not it has events. It is a directory across tenants (the
-- scheduler lists it to fire tasks for all tenants), so it has no row-level security; it holds ids and dates only.
-- The application role may read and register, not change or remove; the reporting role reads it.
CREATE TABLE {schema}.tenant_catalogue (
    tenant_id text PRIMARY KEY,
    registered_at timestamptz NOT NULL
);
GRANT SELECT, INSERT ON {schema}.tenant_catalogue TO {app};
GRANT SELECT ON {schema}.tenant_catalogue TO {reporting};
