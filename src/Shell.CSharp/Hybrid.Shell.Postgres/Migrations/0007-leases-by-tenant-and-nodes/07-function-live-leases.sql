-- The processor leases held now whose resource starts with the prefix: what the fair-share plan divides up.
CREATE FUNCTION {schema}.live_leases(prefix text)
    RETURNS TABLE (resource text, owner text, fencing_token bigint, expires_at timestamptz)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $f$
    SELECT l.resource, l.owner, l.fencing_token, l.expires_at FROM {schema}.processor_leases l
    WHERE starts_with(l.resource, prefix) AND l.expires_at > clock_timestamp()
    ORDER BY l.resource COLLATE "C"
$f$;
REVOKE ALL ON FUNCTION {schema}.live_leases(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION {schema}.live_leases(text) TO {app};
