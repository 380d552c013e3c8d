-- lock_tenant, now refusing a fenced tenant: the fence is checked after the row lock is taken, so a move's fence
-- (which takes the same lock) is either seen here or waits for this write to commit.
CREATE OR REPLACE FUNCTION {schema}.lock_tenant(tenant text) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $f$
DECLARE
    locked bigint;
BEGIN
    PERFORM {schema}.require_tenant(tenant);
    INSERT INTO {schema}.tenants AS t (tenant_id, head) VALUES (tenant, 0)
    ON CONFLICT (tenant_id) DO UPDATE SET head = t.head
    RETURNING t.head INTO locked;
    PERFORM {schema}.require_unfenced(tenant);
    RETURN locked;
END $f$;
