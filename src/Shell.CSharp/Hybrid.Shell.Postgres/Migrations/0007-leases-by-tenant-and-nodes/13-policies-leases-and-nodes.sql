-- Row-level security, forced, on leases by their tenant; nodes belong to no tenant, so no tenant sees them. The
-- application role reaches both tables only through the functions above.
ALTER TABLE {schema}.processor_leases ENABLE ROW LEVEL SECURITY;
ALTER TABLE {schema}.processor_leases FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON {schema}.processor_leases
    USING (tenant_id = current_setting('hybrid.tenant', true)) WITH CHECK (tenant_id = current_setting('hybrid.tenant', true));
ALTER TABLE {schema}.nodes ENABLE ROW LEVEL SECURITY;
ALTER TABLE {schema}.nodes FORCE ROW LEVEL SECURITY;
REVOKE ALL ON {schema}.processor_leases, {schema}.nodes FROM {app};
