// The durable baseline of the embedded store: one put of an event-sized value per synced write transaction.
using Hybrid.Bench.Measure;
using Hybrid.Bench.Workload;
using LightningDB;

namespace Hybrid.Bench.Lmdb;

/// <summary>Measures <c>raw.lmdb.put.synced</c>: what LMDB alone does when every put is acknowledged after its sync.</summary>
public static class RawSyncedPutBaseline
{
    /// <summary>The bytes one event takes in the store's record (body, type, tags, metadata, id, numbers), roughly.</summary>
    public static int EventBytes { get; } = System.Text.Encoding.UTF8.GetByteCount(
        BenchEvents.Body(123456) + BenchEvents.Type + string.Concat(BenchEvents.Tags("c0", 123456)) + "benchbench") + 16 + 8 + 8 + 4 + 12;

    /// <summary>Puts per second from one client, each put its own synced transaction, in a fresh environment in the folder.</summary>
    public static async Task<double> Measure(string folder, BenchSizes sizes)
    {
        using var env = new LightningEnvironment(folder, new EnvironmentConfiguration { MapSize = 1L << 30, MaxDatabases = 1 });
        env.Open(EnvironmentOpenFlags.NoThreadLocalStorage);
        using var db = OpenDatabase(env);
        var value = new byte[EventBytes];
        Random.Shared.NextBytes(value);
        var key = new byte[12];
        var gate = new Lock();
        return await ClientLoad.EventsPerSecond(1, sizes.Warmup, sizes.Measure, (_, i) =>
        {
            lock (gate)
            {
                System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(key.AsSpan(4), i);
                using var tx = env.BeginTransaction();
                tx.Put(db, key, value).ThrowOnError();
                tx.Commit().ThrowOnError();
            }
            return Task.FromResult(1);
        });
    }

    private static LightningDatabase OpenDatabase(LightningEnvironment env)
    {
        using var tx = env.BeginTransaction();
        var db = tx.OpenDatabase(configuration: new DatabaseConfiguration { Flags = DatabaseOpenFlags.Create });
        tx.Commit().ThrowOnError();
        return db;
    }
}
