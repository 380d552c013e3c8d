-- Writes processors' checkpoints in the transaction's tenant. The store decides fencing (the core's Fencing rules);
-- this function keeps the one invariant the database can see: a checkpoint's fence never goes back.
CREATE FUNCTION {schema}.write_checkpoints(tenant text, processors text[], positions bigint[], fences bigint[]) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $f$
DECLARE
    written int;
BEGIN
    PERFORM {schema}.require_tenant(tenant);
    INSERT INTO {schema}.checkpoints AS c (tenant_id, processor, position, fence)
    SELECT tenant, u.processor, u.position, u.fence FROM unnest(processors, positions, fences) AS u(processor, position, fence)
    ON CONFLICT (tenant_id, processor) DO UPDATE SET position = excluded.position, fence = excluded.fence
    WHERE excluded.fence >= c.fence;
    GET DIAGNOSTICS written = ROW_COUNT;
    IF written < cardinality(processors) THEN
        RAISE EXCEPTION 'Tenant ''%'': a checkpoint''s fence never goes back (processors %).', tenant, processors USING ERRCODE = '23514';
    END IF;
END $f$;
REVOKE ALL ON FUNCTION {schema}.write_checkpoints(text, text[], bigint[], bigint[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION {schema}.write_checkpoints(text, text[], bigint[], bigint[]) TO {app};
