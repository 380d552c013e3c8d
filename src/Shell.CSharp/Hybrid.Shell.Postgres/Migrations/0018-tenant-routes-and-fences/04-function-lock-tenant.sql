-- lock_tenant, now refusing a fenced tenant: the fence is checked after the row lock is taken, so a move's fence
-- (which takes the same lock) is either seen here or waits for this write to commit. An existing row is locked with
-- FOR UPDATE rather than rewritten by a no-op upsert (migration 0017): a row lock writes no new row version.
CREATE OR REPLACE FUNCTION {schema}.lock_tenant(tenant text) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $f$
DECLARE
    locked bigint;
BEGIN
    PERFORM {schema}.require_tenant(tenant);
    SELECT t.head INTO locked FROM {schema}.tenants t WHERE t.tenant_id = tenant FOR UPDATE;
    IF NOT FOUND THEN
        INSERT INTO {schema}.tenants AS t (tenant_id, head) VALUES (tenant, 0)
        ON CONFLICT (tenant_id) DO UPDATE SET head = t.head
        RETURNING t.head INTO locked;
    END IF;
    PERFORM {schema}.require_unfenced(tenant);
    RETURN locked;
END $f$;
