-- matching_positions, now probing an item of one tag too: when the tag has nothing between the bounds, the item is left
-- out, so a condition over one tag that nothing matched since its position (a command's migration marker check, run
-- with every append of an aggregate's command) ends after one btree probe instead of building, planning and running
-- the query (planned on every call: 0.11 ms of planning to 0.02 ms of execution, under the tenant lock). An item of
-- one tag that has events in range is read as before. Items of two or more tags are measured as in 0017.
CREATE OR REPLACE FUNCTION {schema}.matching_positions(tenant text, items jsonb, after bigint, before bigint, backward boolean, max_rows int)
    RETURNS SETOF bigint LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $f$
DECLARE
    item jsonb;
    kept jsonb := '[]';
    tags text[];
    counts int[];
    cap int;
    shortest int;
    empty boolean;
    i int;
BEGIN
    IF tenant IS DISTINCT FROM current_setting('hybrid.tenant', true) THEN
        RAISE EXCEPTION 'Tenant ''%'' is not the tenant of this transaction.', tenant USING ERRCODE = '42501';
    END IF;
    FOR item IN SELECT value FROM jsonb_array_elements(items) LOOP
        tags := ARRAY(SELECT x FROM jsonb_array_elements_text(item->'tags') WITH ORDINALITY AS a(x, n) GROUP BY x ORDER BY min(n));
        IF cardinality(tags) = 1 THEN
            CONTINUE WHEN NOT EXISTS (SELECT 1 FROM {schema}.event_tags k
                                      WHERE k.tenant_id = tenant AND k.tag = tags[1] AND k.position > after AND k.position < before);
        ELSIF cardinality(tags) >= 2 THEN
            cap := 1;
            empty := false;
            LOOP
                counts := ARRAY(SELECT (SELECT count(*) FROM (SELECT 1 FROM {schema}.event_tags k
                                                               WHERE k.tenant_id = tenant AND k.tag = t.x
                                                                 AND k.position > after AND k.position < before LIMIT cap) s)::int
                                FROM unnest(tags) WITH ORDINALITY AS t(x, n) ORDER BY t.n);
                IF 0 = ANY (counts) THEN
                    empty := true;
                    EXIT;
                END IF;
                shortest := 1;
                FOR i IN 2 .. cardinality(counts) LOOP
                    IF counts[i] < counts[shortest] THEN shortest := i; END IF;
                END LOOP;
                EXIT WHEN counts[shortest] < cap OR cap >= 4096;
                cap := cap * 16;
            END LOOP;
            CONTINUE WHEN empty;
            item := jsonb_set(item, '{tags}', to_jsonb(tags[shortest:shortest] || tags[:shortest - 1] || tags[shortest + 1:]));
        END IF;
        kept := kept || jsonb_build_array(item);
    END LOOP;
    IF jsonb_array_length(kept) = 0 THEN
        RETURN;
    END IF;
    RETURN QUERY EXECUTE {schema}.matching_sql(tenant, kept, after, before, backward, max_rows);
END $f$;
