-- The query behind matching_positions, built with literals: planned afresh for the actual tags and types, so it is
-- always a custom plan that hits the GIN index.
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
