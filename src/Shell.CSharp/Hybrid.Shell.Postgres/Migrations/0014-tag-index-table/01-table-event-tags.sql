-- The tags of every event, one row per (tenant, tag, position), in place of the GIN index over tags and type. A
-- condition or a tagged read walks the btree range of each of its tags between its position bounds, so "anything
-- with these tags after position p" reads only what came after p, whatever the history of the tags (a GIN scan
-- returns every match of a key at any position). Appending a btree row per tag also costs less than the GIN
-- index's posting-tree updates. Written only by the trigger events_index_tags; types are served by events_type_position.
CREATE TABLE {schema}.event_tags (
    tenant_id text NOT NULL,
    tag text NOT NULL,
    position bigint NOT NULL,
    PRIMARY KEY (tenant_id, tag, position)
);
ALTER TABLE {schema}.event_tags ENABLE ROW LEVEL SECURITY;
ALTER TABLE {schema}.event_tags FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON {schema}.event_tags
    USING (tenant_id = current_setting('hybrid.tenant', true)) WITH CHECK (tenant_id = current_setting('hybrid.tenant', true));
CREATE POLICY owner_all ON {schema}.event_tags TO {owner} USING (true) WITH CHECK (true);
CREATE POLICY reporting_reads ON {schema}.event_tags FOR SELECT TO {reporting} USING (true);
GRANT SELECT ON {schema}.event_tags TO {reporting};
