-- Deletes a stream of the transaction's tenant: a tombstone up to its version (its events stay in the log, and its
-- versions are never reused). Returns the version deleted up to, 0 for a stream that does not exist.
CREATE FUNCTION {schema}.delete_stream(tenant text, stream text) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $f$
DECLARE
    deleted bigint;
BEGIN
    PERFORM {schema}.require_tenant(tenant);
    UPDATE {schema}.streams SET deleted_up_to = version
    WHERE tenant_id = tenant AND stream_id = stream
    RETURNING version INTO deleted;
    RETURN coalesce(deleted, 0);
END $f$;
REVOKE ALL ON FUNCTION {schema}.delete_stream(text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION {schema}.delete_stream(text, text) TO {app};
