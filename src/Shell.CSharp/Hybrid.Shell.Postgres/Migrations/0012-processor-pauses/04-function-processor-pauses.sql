-- Every pause, by processor and tenant.
CREATE FUNCTION {schema}.processor_pauses()
    RETURNS TABLE (processor text, tenant_id text, paused_at timestamptz)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $f$
    SELECT p.processor, p.tenant_id, p.paused_at FROM {schema}.processor_pauses p
    ORDER BY p.processor COLLATE "C", p.tenant_id COLLATE "C"
$f$;
REVOKE ALL ON FUNCTION {schema}.processor_pauses() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION {schema}.processor_pauses() TO {app};
