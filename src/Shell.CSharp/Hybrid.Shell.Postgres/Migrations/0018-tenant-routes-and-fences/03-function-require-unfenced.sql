-- Refuses a write to a fenced tenant with SQLSTATE 55H01 (the shell's "tenant fenced": unavailable here, look its
-- route up again). Called after the tenant's row is locked, so a fence committed meanwhile is seen.
CREATE FUNCTION {schema}.require_unfenced(tenant text) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $f$
DECLARE
    fence record;
BEGIN
    SELECT moved_to, route_version INTO fence FROM {schema}.tenant_fences WHERE tenant_id = tenant;
    IF FOUND THEN
        RAISE EXCEPTION 'Tenant ''%'' is fenced in this database: it moves or moved to database ''%'' (route version %).',
            tenant, fence.moved_to, fence.route_version USING ERRCODE = '55H01';
    END IF;
END $f$;
REVOKE ALL ON FUNCTION {schema}.require_unfenced(text) FROM PUBLIC;
