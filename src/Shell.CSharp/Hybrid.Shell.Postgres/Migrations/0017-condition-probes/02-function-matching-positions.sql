-- Before the query is built, each tagged item's tags are measured by a capped count of their range between the bounds
-- (1 row, then 16, 256 and 4096 while the shortest reaches the cap), cheap btree probes: an item one of whose tags
-- has nothing in the range cannot match and is left out (a condition over a new unique tag ends here, without planning
-- any query), and the shortest range goes first, so the branch walks it and probes the others.
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
        IF cardinality(tags) >= 2 THEN
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
