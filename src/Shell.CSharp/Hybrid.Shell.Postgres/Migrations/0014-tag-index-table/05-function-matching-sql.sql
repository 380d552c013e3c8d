-- One ordered branch per type over events_type_position (as before), and one per tagged item over event_tags: the
-- range of its first tag between the bounds, joined on position to the ranges of its other tags (the planner picks the
-- order, with the actual tags as literals) and, when the item names types, to the event's type. Branches are merged
-- in position order.
CREATE OR REPLACE FUNCTION {schema}.matching_sql(tenant text, items jsonb, after bigint, before bigint, backward boolean, max_rows int)
    RETURNS text LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $f$
DECLARE
    item jsonb;
    tags text[];
    item_types text[];
    types text[] := '{}';
    branches text[] := '{}';
    joins text;
    bounds constant text := format('e.tenant_id = %L AND e.position > %s AND e.position < %s', tenant, after, before);
    tail constant text := ' ORDER BY e.position ' || CASE WHEN backward THEN 'DESC' ELSE 'ASC' END
        || CASE WHEN max_rows > 0 THEN ' LIMIT ' || max_rows ELSE '' END;
    t text;
    i int;
BEGIN
    FOR item IN SELECT value FROM jsonb_array_elements(items) LOOP
        IF jsonb_array_length(item->'tags') = 0 THEN
            types := types || ARRAY(SELECT jsonb_array_elements_text(item->'types'));
        ELSE
            tags := ARRAY(SELECT DISTINCT x FROM jsonb_array_elements_text(item->'tags') AS x ORDER BY x);
            item_types := ARRAY(SELECT DISTINCT x FROM jsonb_array_elements_text(item->'types') AS x ORDER BY x);
            joins := '';
            FOR i IN 2 .. cardinality(tags) LOOP
                joins := joins || format(' JOIN {schema}.event_tags k%s ON k%s.tenant_id = %L AND k%s.tag = %L AND k%s.position = e.position'
                    || ' AND k%s.position > %s AND k%s.position < %s', i, i, tenant, i, tags[i], i, i, after, i, before);
            END LOOP;
            IF cardinality(item_types) > 0 THEN
                joins := joins || format(' JOIN {schema}.events x ON x.tenant_id = %L AND x.position = e.position AND x.type = ANY (%L::text[])',
                    tenant, item_types);
            END IF;
            branches := branches || format('SELECT e.position FROM {schema}.event_tags e%s WHERE %s AND e.tag = %L%s', joins, bounds, tags[1], tail);
        END IF;
    END LOOP;
    FOR t IN SELECT DISTINCT x FROM unnest(types) AS x ORDER BY x LOOP
        branches := branches || format('SELECT e.position FROM {schema}.events e WHERE %s AND e.type = %L%s', bounds, t, tail);
    END LOOP;
    IF cardinality(branches) = 1 THEN
        RETURN branches[1];
    END IF;
    RETURN 'SELECT e.position FROM ((' || array_to_string(branches, ') UNION (') || ')) e' || tail;
END $f$;
