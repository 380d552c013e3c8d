// The in-memory store's throughput: the engine simulations and property tests run on.
using System.Diagnostics;
using Hybrid.Bench.Results;
using Hybrid.Bench.Workload;
using Hybrid.InMemory.EventStore;
using Hybrid.InMemory.Ids;

namespace Hybrid.Bench.InMemory;

/// <summary>Measures <c>mem.append.batch100</c>, <c>mem.append.single</c> and <c>mem.read.all</c>.</summary>
public sealed class InMemoryStoreBench(BenchSizes sizes, BenchReport report, TextWriter log)
{
    private const int DistinctBodies = 1024;
    private readonly EventData[] _data = Enumerable.Range(0, DistinctBodies)
        .Select(n => BenchEvents.Proposed(Guid.Empty, null, "mem", n).Data).ToArray();

    // Ids come as simulations make them. Guid.NewGuid (and Guid.CreateVersion7) asks the OS for random bytes on
    // every call: about 1.6 microseconds on the 2-core benchmark VM, more than the whole per-event budget of the
    // 1,000,000 ev/s target, and a cost of the id source, not of the store.
    private readonly SeededIdSource _ids = new(seed: 9, TimeProvider.System);

    /// <summary>Runs the in-memory benchmarks.</summary>
    public async Task RunAsync(BenchOptions options)
    {
        if (options.Wants("mem.append.batch100") || options.Wants("mem.read.all"))
        {
            var store = new InMemoryEventStore();
            var (rate, cpu, costs) = await Append(store, "mem-batch", sizes.MemoryEvents, batch: 100);
            report.Add(new Metric
            {
                Name = "mem.append.batch100", Value = rate, Unit = "ev/s",
                Params = new Dictionary<string, object>
                {
                    ["events"] = sizes.MemoryEvents, ["batch"] = 100, ["threads"] = 1, ["tenants"] = 1,
                    ["ev_per_cpu_s"] = Math.Round(sizes.MemoryEvents / cpu.TotalSeconds),
                    ["ids"] = "SeededIdSource, as simulations (Guid.NewGuid costs a system call per id)",
                    ["kernel_cpu_s"] = Math.Round(costs.KernelCpu.TotalSeconds, 3),
                    ["minor_page_faults"] = costs.MinorFaults,
                    ["gc_pause_ms"] = Math.Round(costs.GcPause.TotalMilliseconds),
                    ["gc_collections_gen0_gen1_gen2"] = costs.Collections,
                },
            });
            log.WriteLine($"  mem.append.batch100 {rate:N0} ev/s ({sizes.MemoryEvents / cpu.TotalSeconds:N0} per CPU second; " +
                $"kernel {costs.KernelCpu.TotalSeconds:0.00} s, {costs.MinorFaults:N0} page faults, GC pauses {costs.GcPause.TotalMilliseconds:N0} ms)");
            var validation = Validation(sizes.MemoryEvents, batch: 100);
            report.Add(new Metric
            {
                Name = "mem.validate.batch100", Value = validation, Unit = "ev/s",
                Params = new Dictionary<string, object> { ["events"] = sizes.MemoryEvents, ["batch"] = 100, ["how"] = "Append.validate alone: the input checks every store runs" },
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
            var (rate, _, _) = await Append(new InMemoryEventStore(), "mem-single", events, batch: 1);
            report.Add(new Metric
            {
                Name = "mem.append.single", Value = rate, Unit = "ev/s",
                Params = new Dictionary<string, object> { ["events"] = events, ["batch"] = 1, ["threads"] = 1, ["tenants"] = 1 },
            });
            log.WriteLine($"  mem.append.single {rate:N0} ev/s");
        }
    }

    /// <summary>Appends tagged events in batches on one thread, new ids per event as a simulation would assign them.</summary>
    private async Task<(double Rate, TimeSpan Cpu, RunCosts Costs)> Append(InMemoryEventStore store, string tenant, int events, int batch)
    {
        await Warmup(store, tenant + "-warmup", batch, Math.Min(2_000, events / batch / 5 + 1));
        var before = RunCosts.Now();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        for (var written = 0; written < events; written += batch)
        {
            var proposed = new ProposedEvent[batch];
            for (var i = 0; i < batch; i++) proposed[i] = new ProposedEvent(_ids.NewId(), _data[(written + i) % DistinctBodies], BenchEvents.Metadata);
            var result = await store.Append(AppendRequest.Of(tenant, proposed), CancellationToken.None);
            if (!result.IsAppended) throw new InvalidOperationException($"The in-memory append failed: {result}");
        }
        var rate = events / clock.Elapsed.TotalSeconds;
        return (rate, Process.GetCurrentProcess().TotalProcessorTime - cpu, RunCosts.Now().Since(before));
    }

    /// <summary>What a run cost besides user code: kernel time, fresh pages touched (Linux) and the GC's share.</summary>
    private sealed record RunCosts(TimeSpan KernelCpu, long MinorFaults, TimeSpan GcPause, int[] Collections)
    {
        public static RunCosts Now() => new(Process.GetCurrentProcess().PrivilegedProcessorTime, ReadMinorFaults(),
            GC.GetTotalPauseDuration(), [GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2)]);

        public RunCosts Since(RunCosts start) => new(KernelCpu - start.KernelCpu, MinorFaults - start.MinorFaults,
            GcPause - start.GcPause, [.. Collections.Zip(start.Collections, (now, then) => now - then)]);

        /// <summary>The process's minor page faults from /proc/self/stat (field 10), or -1 where there is none.</summary>
        private static long ReadMinorFaults()
        {
            try
            {
                var stat = File.ReadAllText("/proc/self/stat");
                return long.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[7], System.Globalization.CultureInfo.InvariantCulture);
            }
            catch (IOException) { return -1; }
            catch (UnauthorizedAccessException) { return -1; }
        }
    }

    /// <summary>The input checks alone, on batches like the append benchmark's.</summary>
    private double Validation(int events, int batch)
    {
        var proposed = new ProposedEvent[batch];
        for (var i = 0; i < batch; i++) proposed[i] = new ProposedEvent(Guid.NewGuid(), _data[i % DistinctBodies], BenchEvents.Metadata);
        var request = AppendRequest.Of("mem-validate", proposed);
        var clock = Stopwatch.StartNew();
        for (var written = 0; written < events; written += batch) AppendModule.validateOrThrow(InputLimits.Default, request);
        return events / clock.Elapsed.TotalSeconds;
    }

    private async Task Warmup(InMemoryEventStore store, string tenant, int batch, int appends)
    {
        for (var i = 0; i < appends; i++)
            await store.Append(AppendRequest.Of(tenant, Enumerable.Range(0, batch)
                .Select(j => new ProposedEvent(_ids.NewId(), _data[j % DistinctBodies], BenchEvents.Metadata)).ToArray()), CancellationToken.None);
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
