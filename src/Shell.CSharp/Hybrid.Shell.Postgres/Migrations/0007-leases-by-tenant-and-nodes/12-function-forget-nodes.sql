-- Removes the rows of nodes whose heartbeat expired more than gone_for ago (a node id that is not used again would
-- otherwise stay forever); returns how many. Live nodes are never removed.
CREATE FUNCTION {schema}.forget_nodes(gone_for interval) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $f$
DECLARE
    forgotten integer;
BEGIN
    IF gone_for IS NULL OR gone_for <= interval '0' THEN
        RAISE EXCEPTION 'Nodes are forgotten after more than 0, not %.', gone_for USING ERRCODE = '22023';
    END IF;
    DELETE FROM {schema}.nodes WHERE expires_at < clock_timestamp() - gone_for;
    GET DIAGNOSTICS forgotten = ROW_COUNT;
    RETURN forgotten;
END $f$;
REVOKE ALL ON FUNCTION {schema}.forget_nodes(interval) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION {schema}.forget_nodes(interval) TO {app};
