-- The one cross-tenant read: which tenants have events. Runs as its owner, which bypasses row-level security.
CREATE FUNCTION {schema}.tenants_with_events() RETURNS SETOF text
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog
    AS $f$ SELECT tenant_id FROM {schema}.tenants WHERE head > 0 ORDER BY tenant_id COLLATE "C" $f$;
REVOKE ALL ON FUNCTION {schema}.tenants_with_events() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION {schema}.tenants_with_events() TO {app};
