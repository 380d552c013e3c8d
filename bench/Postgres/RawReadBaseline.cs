// The raw ceiling of reading a tenant's log: one ordered SELECT, every column materialised.
using System.Diagnostics;
using Npgsql;

namespace Hybrid.Bench.Postgres;

/// <summary>Reads a tenant's whole raw log.</summary>
public static class RawReadBaseline
{
    /// <summary>Events per second of <c>SELECT … WHERE tenant_id = $1 ORDER BY position</c>, best of the given runs.</summary>
    public static async Task<double> OrderedSelect(NpgsqlDataSource db, string tenant, int runs)
    {
        var best = 0.0;
        for (var run = 0; run < runs; run++)
        {
            var clock = Stopwatch.StartNew();
            var count = await ReadAll(db, tenant);
            best = Math.Max(best, count / clock.Elapsed.TotalSeconds);
        }
        return best;
    }

    private static async Task<long> ReadAll(NpgsqlDataSource db, string tenant)
    {
        await using var cmd = db.CreateCommand(
            $"SELECT {RawEventTable.Columns} FROM {RawEventTable.Name} WHERE tenant_id = $1 ORDER BY position");
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenant });
        await using var reader = await cmd.ExecuteReaderAsync();
        long count = 0, check = 0;
        while (await reader.ReadAsync())
        {
            var row = (reader.GetString(0), reader.GetInt64(1), reader.GetGuid(2), reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.GetInt64(4), reader.GetString(5), reader.GetFieldValue<string[]>(6), reader.GetString(7), reader.GetString(8),
                reader.GetFieldValue<DateTimeOffset>(9));
            check += row.Item2 + row.Item7.Length + row.Item8.Length;
            count++;
        }
        if (check == 0 && count > 0) throw new InvalidOperationException("Nothing was read.");
        return count;
    }
}
