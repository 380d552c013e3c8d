-- One branch per tagged item and one per type, merged in position order, as before; what changed is the shape of a
-- tagged branch. It walks the btree range of the item's first tag between the bounds and probes each other tag (and the
-- type) at that position with a correlated EXISTS that OFFSET 0 keeps from being turned into a join. So the plan is the
-- same whatever the statistics say: the cost is the first tag's range, never a walk of a long range whose rows are
-- each probed in another long range, which is what the planner chose for "group tag AND new unique tag ORDER BY
-- position DESC LIMIT 1" (it estimated one row for each range and walked the group's whole history after the bound).
-- Tags are taken in the order given: matching_positions puts the shortest range first.
CREATE OR REPLACE FUNCTION {schema}.matching_sql(tenant text, items jsonb, after bigint, before bigint, backward boolean, max_rows int)
    RETURNS text LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $f$
DECLARE
    item jsonb;
    tags text[];
    item_types text[];
    types text[] := '{}';
    branches text[] := '{}';
    probes text;
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
            tags := ARRAY(SELECT x FROM jsonb_array_elements_text(item->'tags') WITH ORDINALITY AS a(x, n)
                          GROUP BY x ORDER BY min(n));
            item_types := ARRAY(SELECT DISTINCT x FROM jsonb_array_elements_text(item->'types') AS x ORDER BY x);
            probes := '';
            FOR i IN 2 .. cardinality(tags) LOOP
                probes := probes || format(' AND EXISTS (SELECT 1 FROM {schema}.event_tags k WHERE k.tenant_id = %L AND k.tag = %L'
                    || ' AND k.position = e.position OFFSET 0)', tenant, tags[i]);
            END LOOP;
            IF cardinality(item_types) > 0 THEN
                probes := probes || format(' AND EXISTS (SELECT 1 FROM {schema}.events x WHERE x.tenant_id = %L AND x.position = e.position'
                    || ' AND x.type = ANY (%L::text[]) OFFSET 0)', tenant, item_types);
            END IF;
            branches := branches || format('SELECT e.position FROM {schema}.event_tags e WHERE %s AND e.tag = %L%s%s', bounds, tags[1], probes, tail);
        END IF;
    END LOOP;
    FOR t IN SELECT DISTINCT x FROM unnest(types) AS x ORDER BY x LOOP
        branches := branches || format('SELECT e.position FROM {schema}.events e WHERE %s AND e.type = %L%s', bounds, t, tail);
    END LOOP;
    IF cardinality(branches) = 0 THEN
        RETURN 'SELECT NULL::bigint WHERE false';
    END IF;
    IF cardinality(branches) = 1 THEN
        RETURN branches[1];
    END IF;
    RETURN 'SELECT e.position FROM ((' || array_to_string(branches, ') UNION (') || ')) e' || tail;
END $f$;
