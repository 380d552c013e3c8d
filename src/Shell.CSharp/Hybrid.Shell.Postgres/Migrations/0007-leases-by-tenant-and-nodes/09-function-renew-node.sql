-- Extends a node's heartbeat its owner still holds with this token; no row when it was lost.
CREATE FUNCTION {schema}.renew_node(node text, node_owner text, token bigint, duration interval)
    RETURNS TABLE (node_id text, owner text, fencing_token bigint, expires_at timestamptz)
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $f$
#variable_conflict use_column
BEGIN
    PERFORM {schema}.require_lease(node, node_owner, duration);
    RETURN QUERY
    UPDATE {schema}.nodes AS n SET expires_at = clock_timestamp() + duration
    WHERE n.node_id = node AND n.owner = node_owner AND n.fencing_token = token AND n.expires_at > clock_timestamp()
    RETURNING n.node_id, n.owner, n.fencing_token, n.expires_at;
END $f$;
REVOKE ALL ON FUNCTION {schema}.renew_node(text, text, bigint, interval) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION {schema}.renew_node(text, text, bigint, interval) TO {app};
