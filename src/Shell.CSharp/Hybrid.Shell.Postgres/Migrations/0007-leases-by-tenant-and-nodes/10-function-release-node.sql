-- A node leaving: its heartbeat expires at once, so the others stop counting it.
CREATE FUNCTION {schema}.release_node(node text, node_owner text, token bigint) RETURNS void
    LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $f$
    UPDATE {schema}.nodes SET expires_at = '-infinity' WHERE node_id = node AND owner = node_owner AND fencing_token = token
$f$;
REVOKE ALL ON FUNCTION {schema}.release_node(text, text, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION {schema}.release_node(text, text, bigint) TO {app};
