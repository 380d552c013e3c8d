-- The reporting role reads every tenant, by design: it is for operators. It writes nothing (it is granted SELECT only).
DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['tenants', 'events', 'streams', 'checkpoints', 'processor_leases', 'nodes', 'dead_letters'] LOOP
        EXECUTE format('CREATE POLICY reporting_reads ON {schema}.%I FOR SELECT TO {reporting} USING (true)', t);
    END LOOP;
END $$;
GRANT USAGE ON SCHEMA {schema} TO {reporting};
GRANT SELECT ON ALL TABLES IN SCHEMA {schema} TO {reporting};
