// The embedded event store on LMDB, durable, next to LMDB's own synced put measured in the same run.
using Hybrid.Bench.Measure;
using Hybrid.Bench.Postgres;
using Hybrid.Bench.Results;
using Hybrid.Shell.Lmdb.EventStore;

namespace Hybrid.Bench.Lmdb;

/// <summary>Runs the <c>lmdb.*</c> benchmarks and their baseline <c>raw.lmdb.put.synced</c>.</summary>
public sealed class LmdbStoreBench(BenchSizes sizes, BenchReport report, TextWriter log)
{
    private const int Batch = 100;

    /// <summary>Runs every wanted embedded-store benchmark in a temp folder.</summary>
    public async Task RunAsync(BenchOptions options)
    {
        // This process's CPU per event of each measured window (no server here): steadier than the rate on a shared machine.
        var meter = CpuMeter.Current;
        CpuMeter.Current = new CpuMeter(null);
        try { await RunMeasuredAsync(options); }
        finally { CpuMeter.Current = meter; }
    }

    private readonly Dictionary<string, double> _cpu = [];

    private async Task RunMeasuredAsync(BenchOptions options)
    {
        using var folder = new TempFolder("hybrid-bench-lmdb-store");
        using var store = LmdbEventStore.Open(Path.Combine(folder.Path, "store"));
        var bench = new StoreBench(store, sizes);
        // The store's code paths are compiled (tier 1) before any figure: in a short window the compiler thread took
        // most of a single append's CPU (about 400 us of 450 per event in a probe), which the raw put does not pay.
        var warmUp = sizes.Warmup * 4;
        log.WriteLine($"  warming the store up for {warmUp.TotalSeconds:0.#} s");
        await bench.WarmUp(warmUp);
        // The disk is shared with other work, and what one sync costs drifts over seconds: the baseline and the store
        // are measured in alternating rounds, so that both see the same disk.
        var round = 0;
        var wantsC8 = options.Wants("lmdb.append.single.c8");
        var rates = await Alternate([
            () => RawSyncedPutBaseline.Measure(Directory.CreateDirectory(Path.Combine(folder.Path, $"raw-{round++}")).FullName, Round),
            () => new StoreBench(store, Round).Single("single-c1", 1),
            .. wantsC8 ? [() => new StoreBench(store, Round).Single("single-c8", 8)] : Array.Empty<Func<Task<double>>>(),
        ], [null, "lmdb.append.single.c1", "lmdb.append.single.c8"]);
        var (rawRate, c1Rate) = (rates[0], rates[1]);
        var raw = report.Add(new Metric
        {
            Name = "raw.lmdb.put.synced", Unit = "ev/s", Value = rawRate,
            Params = new Dictionary<string, object>
            {
                ["clients"] = 1, ["value_bytes"] = RawSyncedPutBaseline.EventBytes, ["how"] = "one put per write transaction, committed with its sync",
                ["seconds"] = sizes.Measure.TotalSeconds, ["rounds"] = Rounds, ["measured"] = "alternating with lmdb.append.single.c1",
            },
        });
        var c1 = Store("lmdb.append.single.c1", raw, c1Rate, Params(1, 1, "IEventStore.Append of 1 event, durable (alternating rounds with raw.lmdb.put.synced)"));
        if (wantsC8)
        {
            var c8 = Store("lmdb.append.single.c8", raw, rates[2], Params(8, 1, "IEventStore.Append of 1 event, durable, 8 clients on one tenant (alternating rounds with c1)"));
            report.Add(new Metric
            {
                Name = "lmdb.append.single.c8_over_c1", Unit = "ratio", Value = Math.Round(c8.Value!.Value / c1.Value!.Value, 3),
                Params = new Dictionary<string, object> { ["how"] = "lmdb.append.single.c8 / lmdb.append.single.c1: what group commit gains" },
            });
        }
        if (options.Wants("lmdb.append.batch100"))
        {
            var rate = await bench.Batches("batch-", tenants: 4, clients: 4, Batch);
            if (ClientLoad.TakeLastCpu() is { } cpu) _cpu["lmdb.append.batch100"] = cpu.ClientMicroseconds;
            Store("lmdb.append.batch100", raw, rate, Params(4, 4, "IEventStore.Append of 100 events, durable, one tenant per client", Batch));
        }
        if (options.Wants("lmdb.read.all") || options.Wants("lmdb.dcb") || options.Wants("lmdb.size"))
        {
            log.WriteLine($"  loading {sizes.LogEvents:N0} events into the store");
            await bench.LoadLog(sizes.LogEvents);
            report.Add(new Metric
            {
                Name = "lmdb.read.all", Unit = "ev/s", Value = await bench.ReadAll(sizes.LogEvents, runs: 3),
                Params = new Dictionary<string, object> { ["events"] = sizes.LogEvents, ["runs"] = 3, ["figure"] = "best run", ["how"] = "IEventStore.Read(tenant, EventQuery.All)" },
            });
            var besideDcb = await Alternate([
                () => new StoreBench(store, Round).Single("single-c1", 1),
                // Each round conditions on what came after the head it starts at: the tags of an earlier round's events are then old.
                async () => await new StoreBench(store, Round).Dcb(1, await store.GetHead(StoreBench.LogTenant, CancellationToken.None), round: ""),
            ], ["lmdb.append.single.c1.beside_dcb", "lmdb.dcb.c1"]);
            var (besideRate, dcbRate) = (besideDcb[0], besideDcb[1]);
            var beside = Store("lmdb.append.single.c1.beside_dcb", c1, besideRate,
                Params(1, 1, "lmdb.append.single.c1 again, on the store holding the loaded log, in alternating rounds with lmdb.dcb.c1"));
            Store("lmdb.dcb.c1", beside, dcbRate,
                Params(1, 1, "IEventStore.Append of 1 event conditioned on nothing matching its 2 tags since the loaded log's head (alternating rounds with lmdb.append.single.c1.beside_dcb)"));
            Size(store, folder.Path);
        }
    }

    private const int Rounds = 3;

    /// <summary>The sizes of one alternating round: a third of the measured time each.</summary>
    private BenchSizes Round => sizes with { Warmup = sizes.Warmup / 2, Measure = sizes.Measure / Rounds };

    /// <summary>
    /// Measures the workloads in alternating rounds; each figure is the mean of its rounds. The CPU per event of a
    /// named workload (its rounds' mean) is kept for its metric.
    /// </summary>
    private async Task<double[]> Alternate(Func<Task<double>>[] workloads, string?[] names)
    {
        var sums = new double[workloads.Length];
        var cpu = new double[workloads.Length];
        for (var round = 0; round < Rounds; round++)
            for (var i = 0; i < workloads.Length; i++)
            {
                sums[i] += await workloads[i]();
                cpu[i] += ClientLoad.TakeLastCpu()?.ClientMicroseconds ?? double.NaN;
            }
        for (var i = 0; i < workloads.Length; i++)
            if (names[i] is { } name && !double.IsNaN(cpu[i])) _cpu[name] = cpu[i] / Rounds;
        return sums.Select(sum => sum / Rounds).ToArray();
    }

    private void Size(LmdbEventStore store, string folder)
    {
        var events = store.GetTenants(CancellationToken.None).GetAwaiter().GetResult()
            .Sum(t => store.GetHead(t, CancellationToken.None).GetAwaiter().GetResult());
        var copy = Path.Combine(folder, "compacted");
        store.BackupTo(copy);
        var file = new FileInfo(store.DataFile).Length;
        var compacted = new FileInfo(Path.Combine(copy, "data.mdb")).Length;
        report.Add(new Metric
        {
            Name = "lmdb.size.bytes_per_event", Unit = "B", Value = Math.Round((double)file / events, 1),
            Params = new Dictionary<string, object>
            {
                ["events"] = events, ["file_bytes"] = file, ["compacted_bytes_per_event"] = Math.Round((double)compacted / events, 1),
                ["how"] = "data.mdb size (every database: events, ids, streams, stream versions, postings, checkpoints) / events stored",
            },
        });
        log.WriteLine($"  lmdb.size {file / (double)events:0} B/event ({compacted / (double)events:0} compacted), {events:N0} events");
    }

    private Metric Store(string name, Metric baseline, double value, Dictionary<string, object> parameters)
    {
        var cpu = "";
        if (_cpu.TryGetValue(name, out var us))
        {
            parameters["client_cpu_us_per_event"] = Math.Round(us, 1);
            cpu = $", {us:0.0} us CPU/event";
        }
        var metric = report.Add(new Metric { Name = name, Unit = "ev/s", Value = value, Params = parameters }.Against(baseline));
        log.WriteLine($"  {name} {value:N0} ev/s ({metric.Ratio}x {baseline.Name}{cpu})");
        return metric;
    }

    private Dictionary<string, object> Params(int clients, int tenants, string how, int batch = 1) => new()
    {
        ["clients"] = clients, ["tenants"] = tenants, ["batch"] = batch, ["how"] = how, ["seconds"] = sizes.Measure.TotalSeconds, ["durable"] = true,
    };
}
