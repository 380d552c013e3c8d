-- Filtered reads and condition checks. Under row-level security PostgreSQL will not use an index whose operator is not
-- leakproof (array @> and && are not) before the policy is checked, so a tag or type filter scanned the whole table.
-- This function runs as its owner, which bypasses row-level security, refuses any tenant but the transaction's own,
-- and returns positions only; callers join them to the events table under row-level security.
CREATE FUNCTION {schema}.matching_positions(tenant text, items jsonb, after bigint, before bigint, backward boolean, max_rows int)
    RETURNS SETOF bigint LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog AS $f$
BEGIN
    IF tenant IS DISTINCT FROM current_setting('hybrid.tenant', true) THEN
        RAISE EXCEPTION 'Tenant ''%'' is not the tenant of this transaction.', tenant USING ERRCODE = '42501';
    END IF;
    RETURN QUERY EXECUTE {schema}.matching_sql(tenant, items, after, before, backward, max_rows);
END $f$;
REVOKE ALL ON FUNCTION {schema}.matching_positions(text, jsonb, bigint, bigint, boolean, int) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION {schema}.matching_positions(text, jsonb, bigint, bigint, boolean, int) TO {app};
