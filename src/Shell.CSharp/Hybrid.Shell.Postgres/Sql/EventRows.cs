using Npgsql;

namespace Hybrid.Shell.Postgres.Sql;

/// <summary>The columns every event read selects (from alias <c>e</c>), and how a row becomes a <see cref="RecordedEvent"/>.</summary>
internal static class EventRows
{
    public const string Columns =
        "e.position, e.id, e.stream_id, e.stream_version, e.type, e.tags, e.data::text, " +
        "e.metadata::text, e.schema_version, e.\"timestamp\"";

    /// <summary>How many columns <see cref="Columns"/> selects: the index of a column a query adds after them.</summary>
    public const int ColumnCount = 10;

    public static RecordedEvent Read(NpgsqlDataReader r, string tenant) => new(
        id: r.GetGuid(1),
        tenant: tenant,
        position: r.GetInt64(0),
        stream: r.IsDBNull(2) ? null! : r.GetString(2),
        streamVersion: r.GetInt64(3),
        type: r.GetString(4),
        tags: r.GetFieldValue<string[]>(5),
        body: r.GetString(6),
        schemaVersion: r.GetInt32(8),
        metadata: r.IsDBNull(7) ? EventMetadata.Empty : MetadataJson.read(r.GetString(7)),
        timestamp: new DateTimeOffset(r.GetFieldValue<DateTime>(9), TimeSpan.Zero));

    public static async Task<RecordedEvent[]> ReadAllAsync(NpgsqlDataReader r, string tenant, CancellationToken ct)
    {
        var events = new List<RecordedEvent>();
        while (await r.ReadAsync(ct).ConfigureAwait(false)) events.Add(Read(r, tenant));
        return events.ToArray();
    }
}
