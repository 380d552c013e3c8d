-- The owner sees every row: its SECURITY DEFINER functions do the cross-tenant work (they check the tenant where a
-- tenant is named). Forced row-level security would otherwise hide every row from it too.
DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['tenants', 'events', 'streams', 'checkpoints', 'processor_leases', 'nodes', 'dead_letters'] LOOP
        EXECUTE format('CREATE POLICY owner_all ON {schema}.%I TO {owner} USING (true) WITH CHECK (true)', t);
    END LOOP;
END $$;
