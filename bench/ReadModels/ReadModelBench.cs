// Read-model reads (L1 and L2 hits), rebuild speed and write-back size, on the read-model engine.
using Hybrid.Shell.Ids;
using System.Diagnostics;
using Hybrid.Bench.Measure;
using Hybrid.Bench.Results;
using Hybrid.Bench.Workload;
using Hybrid.InMemory.EventStore;
using Hybrid.Shell.Lmdb;
using Hybrid.Shell.ReadModels;

namespace Hybrid.Bench.ReadModels;

/// <summary>Measures <c>l1.hit.*</c>, <c>l2.hit.*</c>, <c>readmodel.rebuild</c> and <c>readmodel.writeback.bytes_ratio</c>.</summary>
public sealed class ReadModelBench(BenchSizes sizes, BenchReport report, TextWriter log)
{
    private const string Tenant = "rm";
    private const int Segments = 256;
    private const int RebuildRuns = 3;

    /// <summary>Options that never write back by themselves: the benchmarks flush when they mean to.</summary>
    private static readonly ReadModelEngineOptions ManualWriteBack = new()
    {
        WriteBackAfterEvents = int.MaxValue, WriteBackAfter = TimeSpan.FromHours(1), MaxPendingWriteBacks = 100_000,
    };

    /// <summary>L1 and L2 hit latencies of a small monolithic model over an in-memory log, L2 on LMDB.</summary>
    public async Task Hits()
    {
        var store = new InMemoryEventStore();
        for (var n = 0; n < 1_000; n += 100)
            await store.Append(AppendRequest.Of(Tenant, Enumerable.Range(n, 100)
                .Select(i => BenchEvents.Proposed(UuidV7IdSource.System.NewId(), null, $"g{i % 8}", i)).ToArray()), CancellationToken.None);
        using var folder = new TempFolder("hybrid-bench-l2");
        using var lmdb = new LmdbReadModelStore(folder.Path);
        await using var engine = new ReadModelEngine(store, [BenchModels.CountsModel()], lmdb, ManualWriteBack);
        var first = await engine.Read(Tenant, BenchModels.Counts, "", CancellationToken.None);
        if (first.Position != 1_000) throw new InvalidOperationException($"The counts model folded up to {first.Position}, not 1000.");
        await engine.FlushAsync();

        // Measured after a warm-up of the same loop (the read path compiled at tier 1) and a
        // full collection, so that neither the compiler nor the garbage of the benchmarks before lands in the samples.
        for (var i = 0; i < sizes.LatencySamples; i++) await engine.Read(Tenant, BenchModels.Counts, "", CancellationToken.None);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var l1 = new Percentiles(sizes.LatencySamples);
        var hitsBefore = engine.Statistics.L1Hits;
        for (var i = 0; i < sizes.LatencySamples; i++)
        {
            var start = Stopwatch.GetTimestamp();
            var read = engine.Read(Tenant, BenchModels.Counts, "", CancellationToken.None);
            if (!read.IsCompletedSuccessfully) await read;
            l1.Add(Stopwatch.GetTimestamp() - start);
        }
        Expect(engine.Statistics.L1Hits - hitsBefore, sizes.LatencySamples, "L1 hits");
        var cached = new Percentiles(sizes.LatencySamples);
        for (var i = 0; i < sizes.LatencySamples; i++)
        {
            var start = Stopwatch.GetTimestamp();
            _ = engine.TryReadCached(Tenant, BenchModels.Counts, "") ?? throw new InvalidOperationException("The instance left L1.");
            cached.Add(Stopwatch.GetTimestamp() - start);
        }

        var l2Samples = Math.Max(100, sizes.LatencySamples / 10);
        var l2 = new Percentiles(l2Samples);
        var l2Before = engine.Statistics.L2Hits;
        for (var i = 0; i < l2Samples; i++)
        {
            engine.ClearMemoryCache();
            var start = Stopwatch.GetTimestamp();
            await engine.Read(Tenant, BenchModels.Counts, "", CancellationToken.None);
            l2.Add(Stopwatch.GetTimestamp() - start);
        }
        Expect(engine.Statistics.L2Hits - l2Before, l2Samples, "L2 hits");

        var how = "ReadModelEngine.Read of a monolithic model (8 groups) over an in-memory log of 1,000 events";
        Add("l1.hit.p50_us", l1.Microseconds(50), "us", null, Params(l1.Count, how));
        Add("l1.hit.p99_us", l1.Microseconds(99), "us", null, Params(l1.Count, how));
        Add("l1.cached.p50_us", cached.Microseconds(50), "us", null, Params(cached.Count, "ReadModelEngine.TryReadCached: L1 alone, no head check"));
        Add("l1.cached.p99_us", cached.Microseconds(99), "us", null, Params(cached.Count, "ReadModelEngine.TryReadCached: L1 alone, no head check"));
        var l2How = how + ", L1 cleared before each read: LMDB read + MessagePack decode";
        Add("l2.hit.p50_us", l2.Microseconds(50), "us", report.Find("raw.lmdb.get.p50_us"), Params(l2.Count, l2How));
        Add("l2.hit.p99_us", l2.Microseconds(99), "us", report.Find("raw.lmdb.get.p99_us"), Params(l2.Count, l2How));
    }

    /// <summary>
    /// Bytes written back for one event on a segmented model of many entities, over the bytes of its whole state:
    /// the model is folded and flushed once, then each sampled event is folded and flushed alone.
    /// </summary>
    public async Task WriteBack()
    {
        var entities = sizes.SegmentedEntities;
        var store = new InMemoryEventStore();
        for (var n = 0; n < entities; n += 1_000)
            await store.Append(AppendRequest.Of(Tenant, Enumerable.Range(n, Math.Min(1_000, entities - n))
                .Select(i => BenchModels.Touch(i, i)).ToArray()), CancellationToken.None);
        using var folder = new TempFolder("hybrid-bench-writeback");
        using var lmdb = new LmdbReadModelStore(folder.Path);
        await using var engine = new ReadModelEngine(store, [BenchModels.EntitiesModel(Segments)], lmdb, ManualWriteBack);
        await engine.Read(Tenant, BenchModels.Entities, "0", CancellationToken.None);
        await engine.FlushAsync();
        var fullWrite = engine.Statistics.BytesWrittenBack;
        var stored = lmdb.Load(new ReadModelKey(Tenant, BenchModels.Entities, 1, ""))?.Value
            ?? throw new InvalidOperationException("The segmented model was not written back.");
        var stateBytes = stored.Pieces.Sum(p => (long)p.Bytes.Length);

        const int samples = 20;
        var random = new Random(7);
        long written = 0;
        for (var i = 0; i < samples; i++)
        {
            var entity = random.Next(entities);
            await store.Append(AppendRequest.Of(Tenant, BenchModels.Touch(entity, entities + i)), CancellationToken.None);
            await engine.Read(Tenant, BenchModels.Entities, entity.ToString(), CancellationToken.None);
            var before = engine.Statistics.BytesWrittenBack;
            await engine.FlushAsync();
            written += engine.Statistics.BytesWrittenBack - before;
        }
        var perEvent = (double)written / samples;
        report.Add(new Metric
        {
            Name = "readmodel.writeback.bytes_ratio", Value = Math.Round(perEvent / stateBytes, 6), Unit = "ratio",
            Params = new Dictionary<string, object>
            {
                ["entities"] = entities, ["segments"] = Segments, ["events_sampled"] = samples, ["bytes_per_event"] = Math.Round(perEvent),
                ["state_bytes"] = stateBytes, ["first_full_write_bytes"] = fullWrite, ["l2"] = "LMDB",
            },
        });
        log.WriteLine($"  readmodel.writeback.bytes_ratio {perEvent:N0} B per event / {stateBytes:N0} B state = 1/{stateBytes / perEvent:N0}");
    }

    /// <summary>
    /// Events per second of rebuilding the counts model from a tenant's whole log (no L2: the fold alone), best of
    /// <see cref="RebuildRuns"/> runs like its baseline; the CPU per event of the process (and of the server, when
    /// local) over each run is logged and that of the best run kept.
    /// </summary>
    public async Task<double> Rebuild(IEventStore store, string tenant, string name, Metric? baseline, string how)
    {
        await using var engine = new ReadModelEngine(store, [BenchModels.CountsModel()], cache: null, ManualWriteBack);
        var head = await store.GetHead(tenant, CancellationToken.None);
        double best = 0, first = 0, bytesPerEvent = 0;
        CpuPerEvent? bestCpu = null;
        for (var run = 0; run < RebuildRuns; run++)
        {
            var cpuStart = CpuMeter.Current?.Now();
            var (allocatedStart, gen0Start) = (GC.GetTotalAllocatedBytes(precise: true), GC.CollectionCount(0));
            var clock = Stopwatch.StartNew();
            var view = await engine.Rebuild(tenant, BenchModels.Counts, "", CancellationToken.None);
            var rate = head / clock.Elapsed.TotalSeconds;
            if (view.Position != head) throw new InvalidOperationException($"The rebuild folded up to {view.Position}, not {head}.");
            var cpu = CpuPerEvent.Of(cpuStart, CpuMeter.Current?.Now(), head);
            var allocated = (double)(GC.GetTotalAllocatedBytes(precise: true) - allocatedStart) / head;
            var collections = GC.CollectionCount(0) - gen0Start;
            log.WriteLine($"  {name} run {run + 1}: {rate:N0} ev/s, {allocated:N0} B allocated an event, {collections} gen0 collections" +
                          (cpu is null ? "" : $", cpu/event: client {cpu.ClientMicroseconds:0.0} us, server {cpu.ServerMicroseconds:0.0} us"));
            if (run == 0) first = rate;
            if (rate > best) (best, bestCpu) = (rate, cpu);
            bytesPerEvent = allocated;
        }
        var parameters = new Dictionary<string, object> { ["events"] = head, ["runs"] = RebuildRuns, ["figure"] = "best run", ["first_run"] = Math.Round(first),
            ["allocated_bytes_per_event"] = Math.Round(bytesPerEvent), ["how"] = how };
        if (bestCpu is not null)
        {
            parameters["client_cpu_us_per_event"] = Math.Round(bestCpu.ClientMicroseconds, 1);
            if (bestCpu.ServerMicroseconds is { } server) parameters["server_cpu_us_per_event"] = Math.Round(server, 1);
        }
        Add(name, best, "ev/s", baseline, parameters);
        return best;
    }

    /// <summary>Rebuild over an in-memory log, for comparison with the PostgreSQL one.</summary>
    public async Task RebuildInMemory(int events)
    {
        var store = new InMemoryEventStore();
        for (var n = 0; n < events; n += 1_000)
            await store.Append(AppendRequest.Of(Tenant, Enumerable.Range(n, Math.Min(1_000, events - n))
                .Select(i => BenchEvents.Proposed(UuidV7IdSource.System.NewId(), null, $"g{i % 8}", i)).ToArray()), CancellationToken.None);
        await Rebuild(store, Tenant, "readmodel.rebuild.mem", null, "ReadModelEngine.Rebuild of the counts model over an in-memory log");
    }

    private void Add(string name, double value, string unit, Metric? baseline, Dictionary<string, object> parameters)
    {
        report.Add(new Metric { Name = name, Value = value, Unit = unit, Params = parameters }.Against(baseline));
        log.WriteLine($"  {name} {value:N2} {unit}");
    }

    private static Dictionary<string, object> Params(int samples, string how) => new() { ["samples"] = samples, ["how"] = how };

    private static void Expect(long actual, long expected, string what)
    {
        if (actual < expected) throw new InvalidOperationException($"Expected {expected} {what}, the engine counted {actual}: the benchmark measured something else.");
    }
}
