-- Lifts a processor's pause for a tenant ('' for every tenant); true when there was one.
CREATE FUNCTION {schema}.resume_processor(processor_name text, tenant text) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $f$
DECLARE
    removed integer;
BEGIN
    DELETE FROM {schema}.processor_pauses p WHERE p.processor = processor_name AND p.tenant_id = tenant;
    GET DIAGNOSTICS removed = ROW_COUNT;
    RETURN removed > 0;
END $f$;
REVOKE ALL ON FUNCTION {schema}.resume_processor(text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION {schema}.resume_processor(text, text) TO {app};
