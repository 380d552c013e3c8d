-- Fences a tenant in this database (a move's first step in its source): takes the tenant's row lock, so the writes
-- in flight commit first and every later one sees the fence. Run by the owner (a move's connection); idempotent.
CREATE FUNCTION {schema}.fence_tenant(tenant text, moved_to text, route_version bigint) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $f$
BEGIN
    INSERT INTO {schema}.tenants AS t (tenant_id, head) VALUES (tenant, 0)
    ON CONFLICT (tenant_id) DO UPDATE SET head = t.head;
    INSERT INTO {schema}.tenant_fences AS f (tenant_id, moved_to, route_version, fenced_at)
    VALUES (tenant, moved_to, route_version, now())
    ON CONFLICT (tenant_id) DO UPDATE SET moved_to = excluded.moved_to, route_version = excluded.route_version, fenced_at = excluded.fenced_at;
END $f$;
REVOKE ALL ON FUNCTION {schema}.fence_tenant(text, text, bigint) FROM PUBLIC;
