-- Locks the transaction's tenant row (creating it at head 0) until commit and returns its head. An existing row is
-- locked with FOR UPDATE instead of being rewritten by a no-op upsert: a row lock writes no new row version, so the
-- guarded and conditional appends, which lock before they check, leave one dead row fewer per append.
CREATE OR REPLACE FUNCTION {schema}.lock_tenant(tenant text) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $f$
DECLARE
    locked bigint;
BEGIN
    PERFORM {schema}.require_tenant(tenant);
    SELECT t.head INTO locked FROM {schema}.tenants t WHERE t.tenant_id = tenant FOR UPDATE;
    IF FOUND THEN
        RETURN locked;
    END IF;
    INSERT INTO {schema}.tenants AS t (tenant_id, head) VALUES (tenant, 0)
    ON CONFLICT (tenant_id) DO UPDATE SET head = t.head
    RETURNING t.head INTO locked;
    RETURN locked;
END $f$;
