namespace Hybrid.Shell.Postgres.Schema;

/// <summary>
/// The first schema: tenants (head position, the per-tenant write lock row), events, streams and checkpoints, each
/// with row-level security forced, and the application role that may read and write but owns nothing (and may
/// not update or delete events).
/// </summary>
/// <remarks>
/// Condition and filtered reads go through one GIN index (fastupdate off, so no pending list to scan) over
/// <c>event_keys</c>: the event's tags and type, each prefixed by its tenant, so that common tags ("customer:1")
/// of other tenants never fill the bitmap. Tenant ids contain no '/', so the keys cannot collide.
/// </remarks>
internal static class M001InitialSchema
{
    public const string Sql = """
        DO $$ BEGIN
            CREATE ROLE {app} LOGIN NOINHERIT;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
        END $$;

        CREATE TABLE {schema}.tenants (
            tenant_id text PRIMARY KEY,
            head bigint NOT NULL DEFAULT 0
        );

        CREATE TABLE {schema}.events (
            tenant_id text NOT NULL,
            position bigint NOT NULL,
            id uuid NOT NULL,
            stream_id text NULL,
            stream_version bigint NOT NULL,
            type text NOT NULL,
            tags text[] NOT NULL,
            data jsonb NOT NULL,
            metadata jsonb NOT NULL,
            schema_version int NOT NULL,
            "timestamp" timestamptz NOT NULL,
            PRIMARY KEY (tenant_id, position)
        );
        CREATE UNIQUE INDEX events_id ON {schema}.events (tenant_id, id);
        CREATE UNIQUE INDEX events_stream_version ON {schema}.events (tenant_id, stream_id, stream_version) WHERE stream_id IS NOT NULL;

        CREATE FUNCTION {schema}.event_keys(tenant text, type text, tags text[]) RETURNS text[]
            LANGUAGE sql IMMUTABLE PARALLEL SAFE
            AS $f$ SELECT array_append(ARRAY(SELECT tenant || '/#' || t FROM unnest(tags) AS t), tenant || '/$' || type) $f$;
        CREATE INDEX events_keys ON {schema}.events USING gin ({schema}.event_keys(tenant_id, type, tags)) WITH (fastupdate = off);

        CREATE TABLE {schema}.streams (
            tenant_id text NOT NULL,
            stream_id text NOT NULL,
            version bigint NOT NULL,
            deleted_up_to bigint NOT NULL DEFAULT 0,
            PRIMARY KEY (tenant_id, stream_id)
        );

        CREATE TABLE {schema}.checkpoints (
            tenant_id text NOT NULL,
            processor text NOT NULL,
            position bigint NOT NULL,
            fence bigint NOT NULL,
            PRIMARY KEY (tenant_id, processor)
        );

        DO $$
        DECLARE t text;
        BEGIN
            FOREACH t IN ARRAY ARRAY['tenants', 'events', 'streams', 'checkpoints'] LOOP
                EXECUTE format('ALTER TABLE {schema}.%I ENABLE ROW LEVEL SECURITY', t);
                EXECUTE format('ALTER TABLE {schema}.%I FORCE ROW LEVEL SECURITY', t);
                EXECUTE format('CREATE POLICY tenant_isolation ON {schema}.%I USING (tenant_id = current_setting(''hybrid.tenant'', true)) WITH CHECK (tenant_id = current_setting(''hybrid.tenant'', true))', t);
                EXECUTE format('GRANT SELECT, INSERT ON {schema}.%I TO {app}', t);
                IF t <> 'events' THEN
                    EXECUTE format('GRANT UPDATE ON {schema}.%I TO {app}', t);
                END IF;
            END LOOP;
        END $$;

        -- The one cross-tenant read: which tenants have events. Runs as the migrating role, which bypasses RLS.
        CREATE FUNCTION {schema}.tenants_with_events() RETURNS SETOF text
            LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog
            AS $f$ SELECT tenant_id FROM {schema}.tenants WHERE head > 0 ORDER BY tenant_id COLLATE "C" $f$;
        REVOKE ALL ON FUNCTION {schema}.tenants_with_events() FROM PUBLIC;
        GRANT EXECUTE ON FUNCTION {schema}.tenants_with_events() TO {app};

        GRANT USAGE ON SCHEMA {schema} TO {app};
        GRANT EXECUTE ON FUNCTION {schema}.event_keys(text, text, text[]) TO {app};
        """;
}
