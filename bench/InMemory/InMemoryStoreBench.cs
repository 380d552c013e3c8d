// The in-memory store's throughput: the engine simulations and property tests run on.
using System.Diagnostics;
using Hybrid.Bench.Results;
using Hybrid.Bench.Workload;
using Hybrid.InMemory.EventStore;

namespace Hybrid.Bench.InMemory;

/// <summary>Measures <c>mem.append.batch100</c>, <c>mem.append.single</c> and <c>mem.read.all</c>.</summary>
public sealed class InMemoryStoreBench(BenchSizes sizes, BenchReport report, TextWriter log)
{
    private const int DistinctBodies = 1024;
    private readonly EventData[] _data = Enumerable.Range(0, DistinctBodies)
        .Select(n => BenchEvents.Proposed(Guid.Empty, null, "mem", n).Data).ToArray();

    /// <summary>Runs the in-memory benchmarks.</summary>
    public async Task RunAsync(BenchOptions options)
    {
        if (options.Wants("mem.append.batch100") || options.Wants("mem.read.all"))
        {
            var store = new InMemoryEventStore();
            var (rate, cpu) = await Append(store, "mem-batch", sizes.MemoryEvents, batch: 100);
            report.Add(new Metric
            {
                Name = "mem.append.batch100", Value = rate, Unit = "ev/s",
                Params = new Dictionary<string, object>
                {
                    ["events"] = sizes.MemoryEvents, ["batch"] = 100, ["threads"] = 1, ["tenants"] = 1,
                    ["ev_per_cpu_s"] = Math.Round(sizes.MemoryEvents / cpu.TotalSeconds),
                },
            });
            log.WriteLine($"  mem.append.batch100 {rate:N0} ev/s ({sizes.MemoryEvents / cpu.TotalSeconds:N0} per CPU second)");
            var validation = Validation(sizes.MemoryEvents, batch: 100);
            report.Add(new Metric
            {
                Name = "mem.validate.batch100", Value = validation, Unit = "ev/s",
                Params = new Dictionary<string, object> { ["events"] = sizes.MemoryEvents, ["batch"] = 100, ["how"] = "StoreInput.Append alone: the input checks every store runs" },
            });
            log.WriteLine($"  mem.validate.batch100 {validation:N0} ev/s");
            var read = await ReadAll(store, "mem-batch", runs: 3);
            report.Add(new Metric
            {
                Name = "mem.read.all", Value = read, Unit = "ev/s",
                Params = new Dictionary<string, object> { ["events"] = sizes.MemoryEvents, ["runs"] = 3, ["figure"] = "best run" },
            });
            log.WriteLine($"  mem.read.all {read:N0} ev/s");
        }
        if (options.Wants("mem.append.single"))
        {
            var events = sizes.MemoryEvents / 4;
            var (rate, _) = await Append(new InMemoryEventStore(), "mem-single", events, batch: 1);
            report.Add(new Metric
            {
                Name = "mem.append.single", Value = rate, Unit = "ev/s",
                Params = new Dictionary<string, object> { ["events"] = events, ["batch"] = 1, ["threads"] = 1, ["tenants"] = 1 },
            });
            log.WriteLine($"  mem.append.single {rate:N0} ev/s");
        }
    }

    /// <summary>Appends tagged events in batches on one thread, new ids per event as the shell would assign them.</summary>
    private async Task<(double Rate, TimeSpan Cpu)> Append(InMemoryEventStore store, string tenant, int events, int batch)
    {
        await Warmup(store, tenant + "-warmup", batch, Math.Min(2_000, events / batch / 5 + 1));
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        for (var written = 0; written < events; written += batch)
        {
            var proposed = new ProposedEvent[batch];
            for (var i = 0; i < batch; i++) proposed[i] = new ProposedEvent(Guid.NewGuid(), _data[(written + i) % DistinctBodies], BenchEvents.Metadata);
            var result = await store.Append(AppendRequest.Of(tenant, proposed), CancellationToken.None);
            if (!result.IsAppended) throw new InvalidOperationException($"The in-memory append failed: {result}");
        }
        var rate = events / clock.Elapsed.TotalSeconds;
        return (rate, Process.GetCurrentProcess().TotalProcessorTime - cpu);
    }

    /// <summary>The input checks alone, on batches like the append benchmark's.</summary>
    private double Validation(int events, int batch)
    {
        var proposed = new ProposedEvent[batch];
        for (var i = 0; i < batch; i++) proposed[i] = new ProposedEvent(Guid.NewGuid(), _data[i % DistinctBodies], BenchEvents.Metadata);
        var request = AppendRequest.Of("mem-validate", proposed);
        var clock = Stopwatch.StartNew();
        for (var written = 0; written < events; written += batch) Hybrid.Shell.Stores.StoreInput.Append(request, InputLimits.Default);
        return events / clock.Elapsed.TotalSeconds;
    }

    private async Task Warmup(InMemoryEventStore store, string tenant, int batch, int appends)
    {
        for (var i = 0; i < appends; i++)
            await store.Append(AppendRequest.Of(tenant, Enumerable.Range(0, batch)
                .Select(j => new ProposedEvent(Guid.NewGuid(), _data[j % DistinctBodies], BenchEvents.Metadata)).ToArray()), CancellationToken.None);
    }

    private static async Task<double> ReadAll(InMemoryEventStore store, string tenant, int runs)
    {
        var best = 0.0;
        for (var run = 0; run < runs; run++)
        {
            var clock = Stopwatch.StartNew();
            var events = await store.Read(tenant, EventQuery.All, CancellationToken.None);
            best = Math.Max(best, events.Length / clock.Elapsed.TotalSeconds);
        }
        return best;
    }
}
