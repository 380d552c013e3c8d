using Hybrid.Shell.Postgres.Writing;

namespace Hybrid.Shell.Postgres.Sql;

/// <summary>Every SQL text the store runs, rendered once for its schema. Statements filter by <c>@tenant</c> explicitly
/// (so indexes are used) on top of row-level security (so a bug cannot leak another tenant's rows). Heads, checkpoints,
/// stream deletions and purges change only through the schema's functions, which refuse any tenant but the transaction's.</summary>
internal sealed class StoreSql
{
    public StoreSql(string schema)
    {
        Schema = schema;
        Channel = $"{schema}_events";
        UnconditionalCommit = Writing.UnconditionalCommit.Sql(schema);
        LockTenant = $"SELECT {schema}.lock_tenant(@tenant)";
        EventsById = $"SELECT {EventRows.Columns} FROM {schema}.events e WHERE e.tenant_id = @tenant AND e.id = ANY(@ids)";
        StreamStates = $"SELECT stream_id, version, deleted_up_to FROM {schema}.streams WHERE tenant_id = @tenant AND stream_id = ANY(@streams)";
        Checkpoints = $"SELECT processor, position, fence FROM {schema}.checkpoints WHERE tenant_id = @tenant AND processor = ANY(@processors)";
        InsertEvents = $"""
            INSERT INTO {schema}.events (tenant_id, position, id, stream_id, stream_version, type, tags, data, metadata, schema_version, "timestamp")
            SELECT @tenant, (@positions::bigint[])[u.ord::int], u.id, u.stream, (@versions::bigint[])[u.ord::int], u.type,
                   {EventArrays.TagsOfRow}, u.body, u.meta, u.schema_version, @now
            FROM {EventArrays.Unnest}
            """;
        UpsertStreams = $"""
            INSERT INTO {schema}.streams AS st (tenant_id, stream_id, version)
            SELECT @tenant, u.stream, u.version FROM unnest(@streams, @versions) AS u(stream, version)
            ON CONFLICT (tenant_id, stream_id) DO UPDATE SET version = excluded.version
            """;
        AdvanceHead = $"SELECT {schema}.advance_head(@tenant, @advance)";
        WriteCheckpoints = $"SELECT {schema}.write_checkpoints(@tenant, @processors, @positions, @fences)";
        DeleteStream = $"SELECT {schema}.delete_stream(@tenant, @stream)";
        PurgeEvents = $"SELECT {schema}.purge_events(@tenant, @positions, @type, @body::jsonb, @metadata::jsonb)";
        StreamEvents = $"SELECT {EventRows.Columns} FROM {schema}.events e WHERE e.tenant_id = @tenant AND e.stream_id = @stream ORDER BY e.stream_version";
        EventsAt = $"SELECT {EventRows.Columns} FROM {schema}.events e WHERE e.tenant_id = @tenant AND e.position = ANY(@positions) ORDER BY e.position";
        Head = $"SELECT coalesce((SELECT head FROM {schema}.tenants WHERE tenant_id = @tenant), 0)";
        StreamState = $"SELECT version, deleted_up_to FROM {schema}.streams WHERE tenant_id = @tenant AND stream_id = @stream";
        Tenants = $"SELECT * FROM {schema}.tenants_with_events()";
        ReadStream = $"""
            SELECT {EventRows.Columns} FROM {schema}.events e
            WHERE e.tenant_id = @tenant AND e.stream_id = @stream AND e.stream_version < @before
              AND e.stream_version > greatest(@after, coalesce((SELECT deleted_up_to FROM {schema}.streams
                                                                 WHERE tenant_id = @tenant AND stream_id = @stream), 0))
            """;
    }

    public string Schema { get; }
    public string Channel { get; }
    public string UnconditionalCommit { get; }
    public string LockTenant { get; }
    public string EventsById { get; }
    public string StreamStates { get; }
    public string Checkpoints { get; }
    public string InsertEvents { get; }
    public string UpsertStreams { get; }
    public string AdvanceHead { get; }
    public string WriteCheckpoints { get; }
    public string DeleteStream { get; }
    public string PurgeEvents { get; }
    public string StreamEvents { get; }
    public string EventsAt { get; }
    public string Head { get; }
    public string StreamState { get; }
    public string Tenants { get; }
    public string ReadStream { get; }
}
