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

    public static RecordedEvent Read(NpgsqlDataReader r, string tenant) => Read(r, tenant, null);

    /// <summary>
    /// A row as an event; with <paramref name="last"/>, metadata whose text repeats the previous row's is not parsed
    /// again (the events of one command, or of one import, share theirs): the same immutable value is reused.
    /// </summary>
    public static RecordedEvent Read(NpgsqlDataReader r, string tenant, LastMetadata? last) => new(
        id: r.GetGuid(1),
        tenant: tenant,
        position: r.GetInt64(0),
        stream: r.IsDBNull(2) ? null! : r.GetString(2),
        streamVersion: r.GetInt64(3),
        type: r.GetString(4),
        tags: r.GetFieldValue<string[]>(5),
        body: r.GetString(6),
        schemaVersion: r.GetInt32(8),
        metadata: r.IsDBNull(7) ? EventMetadata.Empty : last is null ? MetadataJson.read(r.GetString(7)) : last.Of(r.GetString(7)),
        timestamp: new DateTimeOffset(r.GetFieldValue<DateTime>(9), TimeSpan.Zero));

    public static async Task<RecordedEvent[]> ReadAllAsync(NpgsqlDataReader r, string tenant, CancellationToken ct)
    {
        var events = new List<RecordedEvent>();
        var last = new LastMetadata();
        while (await r.ReadAsync(ct).ConfigureAwait(false)) events.Add(Read(r, tenant, last));
        return events.ToArray();
    }

    /// <summary>The metadata of the previous row read, by its JSON text.</summary>
    internal sealed class LastMetadata
    {
        private string? _text;
        private EventMetadata _value = EventMetadata.Empty;

        public EventMetadata Of(string text)
        {
            if (!string.Equals(text, _text, StringComparison.Ordinal))
            {
                _value = MetadataJson.read(text);
                _text = text;
            }
            return _value;
        }
    }
}
