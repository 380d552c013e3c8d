-- Grants a processor lease when it is free or expired (with the next fencing token), or renews it for the owner that
-- holds it (same token); returns no row when another owner holds it. Cross-tenant work (the fair-share plan takes
-- leases of every tenant), so it runs as the owner, and no caller ever writes processor_leases directly.
CREATE FUNCTION {schema}.acquire_lease(lease_resource text, lease_owner text, duration interval)
    RETURNS TABLE (resource text, owner text, fencing_token bigint, expires_at timestamptz)
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $f$
#variable_conflict use_column
BEGIN
    PERFORM {schema}.require_lease(lease_resource, lease_owner, duration);
    IF starts_with(lease_resource, 'node/') THEN
        RAISE EXCEPTION 'Lease ''%'': node heartbeats are taken with acquire_node.', lease_resource USING ERRCODE = '22023';
    END IF;
    RETURN QUERY
    INSERT INTO {schema}.processor_leases AS l (resource, owner, fencing_token, expires_at)
    VALUES (lease_resource, lease_owner, 1, clock_timestamp() + duration)
    ON CONFLICT (resource) DO UPDATE SET
        fencing_token = CASE WHEN l.owner = excluded.owner AND l.expires_at > clock_timestamp()
                             THEN l.fencing_token ELSE l.fencing_token + 1 END,
        owner = excluded.owner,
        expires_at = excluded.expires_at
    WHERE l.expires_at <= clock_timestamp() OR l.owner = excluded.owner
    RETURNING l.resource, l.owner, l.fencing_token, l.expires_at;
END $f$;
REVOKE ALL ON FUNCTION {schema}.acquire_lease(text, text, interval) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION {schema}.acquire_lease(text, text, interval) TO {app};
