-- A node's heartbeat, as acquire_lease over the nodes table: granted when free or expired (next token), renewed for
-- its owner, no row when another owner holds it.
CREATE FUNCTION {schema}.acquire_node(node text, node_owner text, duration interval)
    RETURNS TABLE (node_id text, owner text, fencing_token bigint, expires_at timestamptz)
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $f$
#variable_conflict use_column
BEGIN
    PERFORM {schema}.require_lease(node, node_owner, duration);
    RETURN QUERY
    INSERT INTO {schema}.nodes AS n (node_id, owner, fencing_token, expires_at)
    VALUES (node, node_owner, 1, clock_timestamp() + duration)
    ON CONFLICT (node_id) DO UPDATE SET
        fencing_token = CASE WHEN n.owner = excluded.owner AND n.expires_at > clock_timestamp()
                             THEN n.fencing_token ELSE n.fencing_token + 1 END,
        owner = excluded.owner,
        expires_at = excluded.expires_at
    WHERE n.expires_at <= clock_timestamp() OR n.owner = excluded.owner
    RETURNING n.node_id, n.owner, n.fencing_token, n.expires_at;
END $f$;
REVOKE ALL ON FUNCTION {schema}.acquire_node(text, text, interval) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION {schema}.acquire_node(text, text, interval) TO {app};
