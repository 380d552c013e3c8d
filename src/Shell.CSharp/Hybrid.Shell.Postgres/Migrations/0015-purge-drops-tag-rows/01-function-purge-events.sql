-- A purge also removes the purged events' rows from the tag table (migration 14), so tag queries and append
-- conditions never find a placeholder by the tags it no longer has.
CREATE OR REPLACE FUNCTION {schema}.purge_events(tenant text, positions bigint[], purged_type text, empty_body jsonb, empty_metadata jsonb)
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
    DELETE FROM {schema}.event_tags WHERE tenant_id = tenant AND position = ANY(positions);
    RETURN purged;
END $f$;
