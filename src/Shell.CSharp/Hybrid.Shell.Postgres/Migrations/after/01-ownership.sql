-- Every object of the schema belongs to the owner role, whoever created it: the SECURITY DEFINER functions then run
-- as the owner, never as the (possibly superuser) role that migrated. Idempotent: run at the end of every migration.
DO $$
DECLARE
    object record;
BEGIN
    IF (SELECT nspowner::regrole::text FROM pg_namespace WHERE nspname = '{schema}') <> '{owner}' THEN
        ALTER SCHEMA {schema} OWNER TO {owner};
    END IF;
    FOR object IN
        SELECT format('%s %s', CASE c.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE 'TABLE' END,
                      c.oid::regclass) AS name
        FROM pg_class c
        WHERE c.relnamespace = '{schema}'::regnamespace AND c.relkind IN ('r', 'p', 'S', 'v', 'm')
          AND c.relowner <> '{owner}'::regrole
        UNION ALL
        SELECT format('FUNCTION %s', p.oid::regprocedure)
        FROM pg_proc p
        WHERE p.pronamespace = '{schema}'::regnamespace AND p.proowner <> '{owner}'::regrole
    LOOP
        EXECUTE format('ALTER %s OWNER TO {owner}', object.name);
    END LOOP;
END $$;
