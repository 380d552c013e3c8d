// Plain LMDB through LightningDB: the baseline for the L2 read-model cache (a get in a read transaction, a batch of puts).
using System.Diagnostics;
using System.Runtime.InteropServices;
using Hybrid.Bench.Measure;
using Hybrid.Bench.Results;
using LightningDB;

namespace Hybrid.Bench.Lmdb;

/// <summary>Measures <c>raw.lmdb.get.p50_us</c>/<c>p99_us</c> and <c>raw.lmdb.put</c>.</summary>
public sealed class RawLmdbBench(BenchSizes sizes, BenchReport report, TextWriter log)
{
    /// <summary>The size of each value: about a small read-model segment.</summary>
    public const int ValueBytes = 256;

    /// <summary>Runs the raw LMDB benchmarks in a temp folder, or skips them when the native library does not load.</summary>
    public void Run()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"hybrid-bench-lmdb-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        try
        {
            if (!NativeLibrary.TryLoad("lmdb", typeof(LightningEnvironment).Assembly, null, out var native))
            {
                const string reason = "the native LMDB library (lmdb.so) did not load; it is built by the read-model project's MSBuild target";
                report.Skip("raw.lmdb.put", "ops/s", reason);
                report.Skip("raw.lmdb.get.p50_us", "us", reason);
                return;
            }
            NativeLibrary.Free(native);
            var env = new LightningEnvironment(folder, new EnvironmentConfiguration { MapSize = 2L << 30, MaxDatabases = 4 });
            try { env.Open(EnvironmentOpenFlags.NoSync); }
            catch
            {
                env.Dispose();
                throw;
            }
            using (env) Measure(env);
        }
        finally { Directory.Delete(folder, recursive: true); }
    }

    private void Measure(LightningEnvironment env)
    {
        var keys = Enumerable.Range(0, sizes.LmdbEntries).Select(Key).ToArray();
        var value = new byte[ValueBytes];
        Random.Shared.NextBytes(value);
        using (var setup = env.BeginTransaction())
        {
            using var created = setup.OpenDatabase("bench", new DatabaseConfiguration { Flags = DatabaseOpenFlags.Create });
            setup.Commit();
        }
        using var db = OpenDatabase(env);

        const int perTransaction = 1_000;
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < keys.Length; i += perTransaction)
        {
            using var tx = env.BeginTransaction();
            for (var j = i; j < Math.Min(i + perTransaction, keys.Length); j++) tx.Put(db, keys[j], value);
            tx.Commit();
        }
        var puts = keys.Length / clock.Elapsed.TotalSeconds;
        report.Add(new Metric
        {
            Name = "raw.lmdb.put", Value = puts, Unit = "ops/s",
            Params = new Dictionary<string, object> { ["entries"] = keys.Length, ["value_bytes"] = ValueBytes, ["puts_per_txn"] = perTransaction, ["sync"] = "NoSync" },
        });

        var samples = new Percentiles(sizes.LatencySamples);
        var random = new Random(42);
        long check = 0;
        for (var i = 0; i < sizes.LatencySamples; i++)
        {
            var key = keys[random.Next(keys.Length)];
            var start = Stopwatch.GetTimestamp();
            using (var tx = env.BeginTransaction(TransactionBeginFlags.ReadOnly))
            {
                var (code, _, found) = tx.Get(db, key);
                if (code != MDBResultCode.Success) throw new InvalidOperationException($"LMDB get failed: {code}");
                check += found.CopyToNewArray().Length;
            }
            samples.Add(Stopwatch.GetTimestamp() - start);
        }
        if (check != (long)sizes.LatencySamples * ValueBytes) throw new InvalidOperationException("LMDB returned values of the wrong size.");
        var parameters = new Dictionary<string, object> { ["entries"] = keys.Length, ["value_bytes"] = ValueBytes, ["samples"] = samples.Count, ["op"] = "read txn + get + copy" };
        report.Add(new Metric { Name = "raw.lmdb.get.p50_us", Value = samples.Microseconds(50), Unit = "us", Params = parameters });
        report.Add(new Metric { Name = "raw.lmdb.get.p99_us", Value = samples.Microseconds(99), Unit = "us", Params = parameters });
        log.WriteLine($"  raw.lmdb.put {puts:N0} ops/s; get p50 {samples.Microseconds(50):0.00} us, p99 {samples.Microseconds(99):0.00} us");
    }

    private static LightningDatabase OpenDatabase(LightningEnvironment env)
    {
        using var tx = env.BeginTransaction();
        var db = tx.OpenDatabase("bench");
        tx.Commit();
        return db;
    }

    private static byte[] Key(int i) => System.Text.Encoding.UTF8.GetBytes($"tenant-1/model/v1/scope-{i:D8}");
}
