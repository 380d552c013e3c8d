// The tables the raw baselines write to, both with the columns of the event store's events table and none of its lock,
// row-level security, tenants and streams tables or group commit. "plain" has only the primary key: the physical limit
// of writing the rows, which the store's targets are ratios to. "indexed" adds the indexes the store had until its
// migration 12 (unique ids, unique stream versions, the GIN index over tenant-prefixed tags and type; the store now
// keeps tags in a btree table instead): what that index set alone costs.
using Hybrid.Shell.Ids;
using Npgsql;
using NpgsqlTypes;

namespace Hybrid.Bench.Postgres;

/// <summary>The raw baseline table and its bulk loader.</summary>
public static class RawEventTable
{
    /// <summary>The table with the store's indexes.</summary>
    public const string Name = "bench_raw.events";

    /// <summary>The table with only a primary key.</summary>
    public const string Plain = "bench_raw.plain";

    /// <summary>The metric-name part of a table: <c>plain</c> or <c>indexed</c>.</summary>
    public static string Shape(string table) => table == Plain ? "plain" : "indexed";

    /// <summary>The column list every raw statement writes.</summary>
    public const string Columns = "tenant_id, position, event_id, stream_id, stream_version, event_type, tags, body, metadata, recorded_at";

    private const string Create =
        """
        DROP SCHEMA IF EXISTS bench_raw CASCADE;
        CREATE SCHEMA bench_raw;
        CREATE TABLE bench_raw.events (
            tenant_id      text        NOT NULL,
            position       bigint      NOT NULL,
            event_id       uuid        NOT NULL,
            stream_id      text,
            stream_version bigint      NOT NULL,
            event_type     text        NOT NULL,
            tags           text[]      NOT NULL,
            body           json        NOT NULL,
            metadata       jsonb       NOT NULL,
            recorded_at    timestamptz NOT NULL,
            PRIMARY KEY (tenant_id, position),
            UNIQUE (tenant_id, event_id));
        CREATE TABLE bench_raw.plain (LIKE bench_raw.events INCLUDING DEFAULTS, PRIMARY KEY (tenant_id, position));
        CREATE UNIQUE INDEX events_stream ON bench_raw.events (tenant_id, stream_id, stream_version) WHERE stream_id IS NOT NULL;
        CREATE FUNCTION bench_raw.keys(tenant text, type text, tags text[]) RETURNS text[]
            LANGUAGE sql IMMUTABLE PARALLEL SAFE
            AS $f$ SELECT array_append(ARRAY(SELECT tenant || '/#' || t FROM unnest(tags) AS t), tenant || '/$' || type) $f$;
        CREATE INDEX events_keys ON bench_raw.events USING gin (bench_raw.keys(tenant_id, event_type, tags)) WITH (fastupdate = off);
        """;

    /// <summary>(Re)creates the schema.</summary>
    public static async Task CreateAsync(NpgsqlDataSource db)
    {
        await using var cmd = db.CreateCommand(Create);
        await cmd.ExecuteNonQueryAsync();
    }

    /// <summary>Loads events 1..count of a tenant with binary COPY (tagged events, no stream), then analyzes.</summary>
    public static async Task LoadAsync(NpgsqlDataSource db, string tenant, string group, int count)
    {
        await using (var conn = await db.OpenConnectionAsync())
        await using (var copy = await conn.BeginBinaryImportAsync($"COPY {Name} ({Columns}) FROM STDIN (FORMAT BINARY)"))
        {
            var now = DateTime.UtcNow;
            for (var p = 1; p <= count; p++)
                await WriteRowAsync(copy, tenant, p, UuidV7IdSource.System.NewId(), null, 0, group, p, now);
            await copy.CompleteAsync();
        }
        await using var analyze = db.CreateCommand($"ANALYZE {Name}");
        await analyze.ExecuteNonQueryAsync();
    }

    /// <summary>Writes one row of a binary COPY.</summary>
    public static async Task WriteRowAsync(NpgsqlBinaryImporter copy, string tenant, long position, Guid id, string? stream,
        long version, string group, long n, DateTime now)
    {
        await copy.StartRowAsync();
        await copy.WriteAsync(tenant, NpgsqlDbType.Text);
        await copy.WriteAsync(position, NpgsqlDbType.Bigint);
        await copy.WriteAsync(id, NpgsqlDbType.Uuid);
        if (stream is null) await copy.WriteNullAsync(); else await copy.WriteAsync(stream, NpgsqlDbType.Text);
        await copy.WriteAsync(version, NpgsqlDbType.Bigint);
        await copy.WriteAsync(Workload.BenchEvents.Type, NpgsqlDbType.Text);
        await copy.WriteAsync(Workload.BenchEvents.Tags(group, n), NpgsqlDbType.Array | NpgsqlDbType.Text);
        await copy.WriteAsync(Workload.BenchEvents.Body(n), NpgsqlDbType.Json);
        await copy.WriteAsync(Workload.BenchEvents.MetadataJson, NpgsqlDbType.Jsonb);
        await copy.WriteAsync(now, NpgsqlDbType.TimestampTz);
    }
}
