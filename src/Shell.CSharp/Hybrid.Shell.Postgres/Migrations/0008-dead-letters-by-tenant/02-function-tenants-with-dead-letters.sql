-- Which tenants have dead letters (ids only), so a listing across tenants reads each tenant's under its own scope.
CREATE FUNCTION {schema}.tenants_with_dead_letters() RETURNS SETOF text
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
    AS $f$ SELECT tenant_id FROM {schema}.dead_letters GROUP BY tenant_id ORDER BY tenant_id COLLATE "C" $f$;
REVOKE ALL ON FUNCTION {schema}.tenants_with_dead_letters() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION {schema}.tenants_with_dead_letters() TO {app};
