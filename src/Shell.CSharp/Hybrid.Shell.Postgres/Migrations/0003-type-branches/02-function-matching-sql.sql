-- One ordered branch per type over events_type_position, merged in position order; items with tags still use the GIN
-- index, where the tags keep the match small.
CREATE OR REPLACE FUNCTION {schema}.matching_sql(tenant text, items jsonb, after bigint, before bigint, backward boolean, max_rows int)
    RETURNS text LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog AS $f$
DECLARE
    item jsonb;
    parts text[];
    tagged text[] := '{}';
    types text[] := '{}';
    branches text[] := '{}';
    keys constant text := '{schema}.event_keys(e.tenant_id, e.type, e.tags)';
    bounds constant text := format('e.tenant_id = %L AND e.position > %s AND e.position < %s', tenant, after, before);
    tail constant text := ' ORDER BY e.position ' || CASE WHEN backward THEN 'DESC' ELSE 'ASC' END
        || CASE WHEN max_rows > 0 THEN ' LIMIT ' || max_rows ELSE '' END;
    t text;
BEGIN
    FOR item IN SELECT value FROM jsonb_array_elements(items) LOOP
        IF jsonb_array_length(item->'tags') = 0 THEN
            types := types || ARRAY(SELECT jsonb_array_elements_text(item->'types'));
        ELSE
            parts := ARRAY[format('%s @> %L::text[]', keys,
                ARRAY(SELECT tenant || '/#' || x FROM jsonb_array_elements_text(item->'tags') AS x))];
            IF jsonb_array_length(item->'types') > 0 THEN
                parts := parts || format('%s && %L::text[]', keys,
                    ARRAY(SELECT tenant || '/$' || x FROM jsonb_array_elements_text(item->'types') AS x));
            END IF;
            tagged := tagged || ('(' || array_to_string(parts, ' AND ') || ')');
        END IF;
    END LOOP;
    FOR t IN SELECT DISTINCT x FROM unnest(types) AS x ORDER BY x LOOP
        branches := branches || format('SELECT e.position FROM {schema}.events e WHERE %s AND e.type = %L%s', bounds, t, tail);
    END LOOP;
    IF cardinality(tagged) > 0 THEN
        branches := branches || format('SELECT e.position FROM {schema}.events e WHERE %s AND (%s)%s', bounds, array_to_string(tagged, ' OR '), tail);
    END IF;
    IF cardinality(branches) = 1 THEN
        RETURN branches[1];
    END IF;
    RETURN 'SELECT e.position FROM ((' || array_to_string(branches, ') UNION (') || ')) e' || tail;
END $f$;
