-- Every insert into events writes its events' tags, once per statement (a group commit is one statement). It runs as
-- the owner, so the application role needs no privilege on event_tags.
CREATE FUNCTION {schema}.index_event_tags() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $f$
BEGIN
    INSERT INTO {schema}.event_tags (tenant_id, tag, position)
    SELECT DISTINCT n.tenant_id, t.tag, n.position FROM new_events n CROSS JOIN LATERAL unnest(n.tags) AS t(tag);
    RETURN NULL;
END $f$;
REVOKE ALL ON FUNCTION {schema}.index_event_tags() FROM PUBLIC;
CREATE TRIGGER events_index_tags AFTER INSERT ON {schema}.events REFERENCING NEW TABLE AS new_events
    FOR EACH STATEMENT EXECUTE FUNCTION {schema}.index_event_tags();
