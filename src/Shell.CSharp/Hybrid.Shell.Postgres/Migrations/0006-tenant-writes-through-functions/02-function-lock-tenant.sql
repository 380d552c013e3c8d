-- Locks the transaction's tenant row (creating it at head 0) until commit and returns its head: every write to a
-- tenant starts here, so positions are assigned in commit order.
CREATE FUNCTION {schema}.lock_tenant(tenant text) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $f$
DECLARE
    locked bigint;
BEGIN
    PERFORM {schema}.require_tenant(tenant);
    INSERT INTO {schema}.tenants AS t (tenant_id, head) VALUES (tenant, 0)
    ON CONFLICT (tenant_id) DO UPDATE SET head = t.head
    RETURNING t.head INTO locked;
    RETURN locked;
END $f$;
REVOKE ALL ON FUNCTION {schema}.lock_tenant(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION {schema}.lock_tenant(text) TO {app};
