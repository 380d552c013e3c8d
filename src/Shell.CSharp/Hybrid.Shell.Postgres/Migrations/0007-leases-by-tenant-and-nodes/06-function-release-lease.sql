-- Gives up a processor lease held by this owner with this token, so another node can take it at once. The row stays:
-- the next grant continues its fencing tokens.
CREATE FUNCTION {schema}.release_lease(lease_resource text, lease_owner text, token bigint) RETURNS void
    LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $f$
    UPDATE {schema}.processor_leases SET expires_at = '-infinity'
    WHERE resource = lease_resource AND owner = lease_owner AND fencing_token = token
$f$;
REVOKE ALL ON FUNCTION {schema}.release_lease(text, text, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION {schema}.release_lease(text, text, bigint) TO {app};
