namespace Hybrid.Shell.Postgres.Schema;

/// <summary>
/// Filtered reads and condition checks through a SECURITY DEFINER function. Under row-level security PostgreSQL
/// will not use an index whose operator is not leakproof (array <c>@&gt;</c> and <c>&amp;&amp;</c> are not) before the
/// policy is checked, so a tag or type filter scanned the whole table. The function runs as the migrating role, which
/// bypasses RLS, refuses any tenant but the transaction's own, and returns positions only; callers join them to the
/// events table under RLS. Its query is built with literals and run by EXECUTE: planned afresh for the actual tags,
/// so it is always a custom plan that hits the GIN index.
/// </summary>
internal static class M002MatchingPositions
{
    public const string Sql = """
        CREATE FUNCTION {schema}.matching_sql(tenant text, items jsonb, after bigint, before bigint, backward boolean, max_rows int)
            RETURNS text LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog AS $f$
        DECLARE
            item jsonb;
            parts text[];
            alternatives text[] := '{}';
            keys constant text := '{schema}.event_keys(e.tenant_id, e.type, e.tags)';
        BEGIN
            FOR item IN SELECT value FROM jsonb_array_elements(items) LOOP
                parts := '{}';
                IF jsonb_array_length(item->'tags') > 0 THEN
                    parts := parts || format('%s @> %L::text[]', keys,
                        ARRAY(SELECT tenant || '/#' || t FROM jsonb_array_elements_text(item->'tags') AS t));
                END IF;
                IF jsonb_array_length(item->'types') > 0 THEN
                    parts := parts || format('%s && %L::text[]', keys,
                        ARRAY(SELECT tenant || '/$' || t FROM jsonb_array_elements_text(item->'types') AS t));
                END IF;
                alternatives := alternatives || ('(' || array_to_string(parts, ' AND ') || ')');
            END LOOP;
            RETURN format('SELECT e.position FROM {schema}.events e WHERE e.tenant_id = %L AND e.position > %s AND e.position < %s AND (%s) ORDER BY e.position %s%s',
                tenant, after, before, array_to_string(alternatives, ' OR '),
                CASE WHEN backward THEN 'DESC' ELSE 'ASC' END,
                CASE WHEN max_rows > 0 THEN ' LIMIT ' || max_rows ELSE '' END);
        END $f$;

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
        """;
}
