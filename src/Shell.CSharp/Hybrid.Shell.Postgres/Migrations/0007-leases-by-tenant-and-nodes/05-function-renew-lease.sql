-- Extends a processor lease its owner still holds with this fencing token; no row when it was lost.
CREATE FUNCTION {schema}.renew_lease(lease_resource text, lease_owner text, token bigint, duration interval)
    RETURNS TABLE (resource text, owner text, fencing_token bigint, expires_at timestamptz)
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $f$
#variable_conflict use_column
BEGIN
    PERFORM {schema}.require_lease(lease_resource, lease_owner, duration);
    RETURN QUERY
    UPDATE {schema}.processor_leases AS l SET expires_at = clock_timestamp() + duration
    WHERE l.resource = lease_resource AND l.owner = lease_owner AND l.fencing_token = token AND l.expires_at > clock_timestamp()
    RETURNING l.resource, l.owner, l.fencing_token, l.expires_at;
END $f$;
REVOKE ALL ON FUNCTION {schema}.renew_lease(text, text, bigint, interval) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION {schema}.renew_lease(text, text, bigint, interval) TO {app};
