using Npgsql;

namespace Hybrid.Shell.Postgres.Sql;

/// <summary>The columns every event read selects (from alias <c>e</c>), and how a row becomes a <see cref="RecordedEvent"/>.</summary>
internal static class EventRows
{
    public const string Columns =
        "e.position, e.id, e.stream_id, e.stream_version, e.type, e.tags, e.data::text, " +
        "e.metadata->>'causationId', e.metadata->>'correlationId', e.metadata->>'actor', e.schema_version, e.\"timestamp\"";

    public static RecordedEvent Read(NpgsqlDataReader r, string tenant) => new(
        id: r.GetGuid(1),
        tenant: tenant,
        position: r.GetInt64(0),
        stream: r.IsDBNull(2) ? null! : r.GetString(2),
        streamVersion: r.GetInt64(3),
        type: r.GetString(4),
        tags: r.GetFieldValue<string[]>(5),
        body: r.GetString(6),
        schemaVersion: r.GetInt32(10),
        metadata: new EventMetadata(r.IsDBNull(7) ? "" : r.GetString(7), r.IsDBNull(8) ? "" : r.GetString(8), r.IsDBNull(9) ? "" : r.GetString(9)),
        timestamp: new DateTimeOffset(r.GetFieldValue<DateTime>(11), TimeSpan.Zero));

    public static async Task<RecordedEvent[]> ReadAllAsync(NpgsqlDataReader r, string tenant, CancellationToken ct)
    {
        var events = new List<RecordedEvent>();
        while (await r.ReadAsync(ct).ConfigureAwait(false)) events.Add(Read(r, tenant));
        return events.ToArray();
    }
}
