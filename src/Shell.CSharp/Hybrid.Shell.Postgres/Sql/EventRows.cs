using Npgsql;

namespace Hybrid.Shell.Postgres.Sql;

/// <summary>The columns every event read selects (from alias <c>e</c>), and how its rows become events (<see cref="EventRowReader"/>).</summary>
internal static class EventRows
{
    public const string Columns =
        "e.position, e.id, e.stream_id, e.stream_version, e.type, e.tags, e.data::text, " +
        "e.metadata::text, e.schema_version, e.\"timestamp\"";

    /// <summary>How many columns <see cref="Columns"/> selects: the index of a column a query adds after them.</summary>
    public const int ColumnCount = 10;

    public static async Task<RecordedEvent[]> ReadAllAsync(NpgsqlDataReader r, string tenant, CancellationToken ct)
    {
        var events = new List<RecordedEvent>();
        var rows = new EventRowReader(tenant);
        while (await r.ReadAsync(ct).ConfigureAwait(false)) events.Add(rows.Read(r));
        return events.ToArray();
    }
}
