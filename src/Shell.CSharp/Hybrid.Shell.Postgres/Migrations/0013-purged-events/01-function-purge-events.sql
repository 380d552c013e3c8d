-- Purges events of the transaction's tenant: each row at the given positions keeps its position, id, stream, version
-- and time, and becomes a placeholder (the given type, no tags, the given empty body and metadata), so $all stays
-- gapless and checkpoints stay valid. The application role cannot update events: this is its only way. Returns how
-- many rows changed (placeholders already there are left alone). The store plans a purge (the core's Purging rules)
-- and calls this under the tenant lock.
CREATE FUNCTION {schema}.purge_events(tenant text, positions bigint[], purged_type text, empty_body jsonb, empty_metadata jsonb)
    RETURNS int
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $f$
DECLARE
    purged int;
BEGIN
    PERFORM {schema}.require_tenant(tenant);
    IF purged_type IS NULL OR purged_type = '' THEN
        RAISE EXCEPTION 'Tenant ''%'': a purge needs the placeholder type.', tenant USING ERRCODE = '22023';
    END IF;
    UPDATE {schema}.events
    SET type = purged_type, tags = '{}', data = empty_body, metadata = empty_metadata, schema_version = 1
    WHERE tenant_id = tenant AND position = ANY(positions) AND type <> purged_type;
    GET DIAGNOSTICS purged = ROW_COUNT;
    RETURN purged;
END $f$;
REVOKE ALL ON FUNCTION {schema}.purge_events(text, bigint[], text, jsonb, jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION {schema}.purge_events(text, bigint[], text, jsonb, jsonb) TO {app};
