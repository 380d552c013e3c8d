-- Pauses a processor for a tenant ('' for every tenant); true when it was not paused so before.
CREATE FUNCTION {schema}.pause_processor(processor_name text, tenant text) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $f$
DECLARE
    added integer;
BEGIN
    IF processor_name IS NULL OR processor_name = '' OR tenant IS NULL THEN
        RAISE EXCEPTION 'A pause names a processor and a tenant (empty for every tenant).' USING ERRCODE = '22023';
    END IF;
    INSERT INTO {schema}.processor_pauses (processor, tenant_id, paused_at) VALUES (processor_name, tenant, clock_timestamp())
    ON CONFLICT DO NOTHING;
    GET DIAGNOSTICS added = ROW_COUNT;
    RETURN added > 0;
END $f$;
REVOKE ALL ON FUNCTION {schema}.pause_processor(text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION {schema}.pause_processor(text, text) TO {app};
