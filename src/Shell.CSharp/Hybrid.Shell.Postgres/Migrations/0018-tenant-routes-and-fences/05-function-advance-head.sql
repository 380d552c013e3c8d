-- advance_head, now refusing a fenced tenant (checked after the row lock, as in lock_tenant).
CREATE OR REPLACE FUNCTION {schema}.advance_head(tenant text, positions bigint) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $f$
DECLARE
    base bigint;
BEGIN
    PERFORM {schema}.require_tenant(tenant);
    IF positions IS NULL OR positions < 1 THEN
        RAISE EXCEPTION 'Tenant ''%'': a head advances by 1 or more positions, not %.', tenant, positions USING ERRCODE = '22023';
    END IF;
    INSERT INTO {schema}.tenants AS t (tenant_id, head) VALUES (tenant, positions)
    ON CONFLICT (tenant_id) DO UPDATE SET head = t.head + excluded.head
    RETURNING t.head - positions INTO base;
    PERFORM {schema}.require_unfenced(tenant);
    RETURN base;
END $f$;
