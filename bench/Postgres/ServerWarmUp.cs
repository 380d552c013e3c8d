// A throwaway cluster starts cold: its shared buffers have never been touched and it has no WAL segment to recycle.
using Npgsql;

namespace Hybrid.Bench.Postgres;

/// <summary>
/// Brings a fresh throwaway cluster to the state of a server that has been running: every shared buffer touched once
/// and a checkpoint's worth of WAL segments kept for recycling. Cold, the first gigabyte of WAL of a run creates each
/// 16 MB segment by writing zeros through it (<c>XLogFileInit</c>) and the first use of each buffer page faults in
/// fresh memory: a profile of the 100-event appends on a cold cluster spent about a tenth of the backends' CPU there,
/// a cost a running server does not pay, charged to whichever workload writes the most WAL first.
/// </summary>
internal static class ServerWarmUp
{
    /// <summary>The WAL kept for recycling after the warm-up (the cluster's <c>min_wal_size</c>).</summary>
    public const string MinWalSize = "1GB";

    private const int Rows = 1_000_000; // ~1 GB of heap and WAL: more than the 512 MB of shared buffers

    /// <summary>Writes and drops about a gigabyte through the server, then checkpoints (which recycles the segments).</summary>
    public static async Task RunAsync(string adminConnectionString)
    {
        await using var conn = new NpgsqlConnection(adminConnectionString);
        await conn.OpenAsync();
        await using var fill = new NpgsqlCommand($"""
            DROP TABLE IF EXISTS bench_warm_up;
            CREATE TABLE bench_warm_up (id int, pad text);
            INSERT INTO bench_warm_up SELECT g, repeat(md5(g::text), 32) FROM generate_series(1, {Rows}) g;
            DROP TABLE bench_warm_up;
            CHECKPOINT;
            """, conn) { CommandTimeout = 600 };
        await fill.ExecuteNonQueryAsync();
    }
}
