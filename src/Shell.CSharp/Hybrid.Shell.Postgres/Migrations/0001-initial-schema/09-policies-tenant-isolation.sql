-- Row-level security, forced (it applies to the owner too): a transaction sees and writes only the rows of the tenant
-- it set in hybrid.tenant. The application role may read and write, but not update or delete events.
DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['tenants', 'events', 'streams', 'checkpoints'] LOOP
        EXECUTE format('ALTER TABLE {schema}.%I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE {schema}.%I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON {schema}.%I USING (tenant_id = current_setting(''hybrid.tenant'', true)) WITH CHECK (tenant_id = current_setting(''hybrid.tenant'', true))', t);
        EXECUTE format('GRANT SELECT, INSERT ON {schema}.%I TO {app}', t);
        IF t <> 'events' THEN
            EXECUTE format('GRANT UPDATE ON {schema}.%I TO {app}', t);
        END IF;
    END LOOP;
END $$;
