-- The nodes whose heartbeat has not expired.
CREATE FUNCTION {schema}.live_nodes()
    RETURNS TABLE (node_id text, owner text, fencing_token bigint, expires_at timestamptz)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $f$
    SELECT n.node_id, n.owner, n.fencing_token, n.expires_at FROM {schema}.nodes n
    WHERE n.expires_at > clock_timestamp() ORDER BY n.node_id COLLATE "C"
$f$;
REVOKE ALL ON FUNCTION {schema}.live_nodes() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION {schema}.live_nodes() TO {app};
