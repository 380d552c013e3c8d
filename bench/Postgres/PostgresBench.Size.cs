using Hybrid.Bench.Results;

namespace Hybrid.Bench.Postgres;

public sealed partial class PostgresBench
{
    /// <summary>
    /// <c>pg.size.bytes_per_event</c>: every table of the store's schema with its indexes and TOAST (events, the tag
    /// table, streams, heads, processing tables) over the events stored, next to <c>lmdb.size.bytes_per_event</c>.
    /// </summary>
    private async Task Size()
    {
        await using (var vacuum = server.DataSource.CreateCommand("VACUUM hybrid.events")) await vacuum.ExecuteNonQueryAsync();
        await using var command = server.DataSource.CreateCommand("""
            SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0)::bigint, (SELECT count(*) FROM hybrid.events)
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'hybrid' AND c.relkind = 'r'
            """);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        var (bytes, events) = (reader.GetInt64(0), reader.GetInt64(1));
        if (events == 0) return;
        Add(new Metric
        {
            Name = "pg.size.bytes_per_event", Unit = "B", Value = Math.Round((double)bytes / events, 1),
            Params = new Dictionary<string, object>
            {
                ["events"] = events, ["bytes"] = bytes,
                ["how"] = "sum of pg_total_relation_size over the tables of the store's schema (indexes and TOAST included) / events stored",
            },
        });
        log.WriteLine($"  pg.size {bytes / (double)events:0} B/event, {events:N0} events");
    }
}
