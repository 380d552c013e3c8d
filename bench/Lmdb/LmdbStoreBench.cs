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
        using var folder = new TempFolder("hybrid-bench-lmdb-store");
        var rawFolder = Directory.CreateDirectory(Path.Combine(folder.Path, "raw")).FullName;
        var raw = report.Add(new Metric
        {
            Name = "raw.lmdb.put.synced", Unit = "ev/s", Value = await RawSyncedPutBaseline.Measure(rawFolder, sizes),
            Params = new Dictionary<string, object>
            {
                ["clients"] = 1, ["value_bytes"] = RawSyncedPutBaseline.EventBytes, ["how"] = "one put per write transaction, committed with its sync",
                ["seconds"] = sizes.Measure.TotalSeconds,
            },
        });
        using var store = LmdbEventStore.Open(Path.Combine(folder.Path, "store"));
        var bench = new StoreBench(store, sizes);
        var c1 = Store("lmdb.append.single.c1", raw, await bench.Single("single-c1", 1), Params(1, 1, "IEventStore.Append of 1 event, durable"));
        if (options.Wants("lmdb.append.single.c8"))
        {
            var c8 = Store("lmdb.append.single.c8", raw, await bench.Single("single-c8", 8), Params(8, 1, "IEventStore.Append of 1 event, durable, 8 clients on one tenant"));
            report.Add(new Metric
            {
                Name = "lmdb.append.single.c8_over_c1", Unit = "ratio", Value = Math.Round(c8.Value!.Value / c1.Value!.Value, 3),
                Params = new Dictionary<string, object> { ["how"] = "lmdb.append.single.c8 / lmdb.append.single.c1: what group commit gains" },
            });
        }
        if (options.Wants("lmdb.append.batch100"))
            Store("lmdb.append.batch100", raw, await bench.Batches("batch-", tenants: 4, clients: 4, Batch),
                Params(4, 4, "IEventStore.Append of 100 events, durable, one tenant per client", Batch));
        if (options.Wants("lmdb.read.all") || options.Wants("lmdb.dcb") || options.Wants("lmdb.size"))
        {
            log.WriteLine($"  loading {sizes.LogEvents:N0} events into the store");
            await bench.LoadLog(sizes.LogEvents);
            report.Add(new Metric
            {
                Name = "lmdb.read.all", Unit = "ev/s", Value = await bench.ReadAll(sizes.LogEvents, runs: 3),
                Params = new Dictionary<string, object> { ["events"] = sizes.LogEvents, ["runs"] = 3, ["figure"] = "best run", ["how"] = "IEventStore.Read(tenant, EventQuery.All)" },
            });
            Store("lmdb.dcb.c1", c1, await bench.Dcb(1, sizes.LogEvents),
                Params(1, 1, "IEventStore.Append of 1 event conditioned on nothing matching its 2 tags since the loaded log's head"));
            Size(store, folder.Path);
        }
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
        var metric = report.Add(new Metric { Name = name, Unit = "ev/s", Value = value, Params = parameters }.Against(baseline));
        log.WriteLine($"  {name} {value:N0} ev/s ({metric.Ratio}x {baseline.Name})");
        return metric;
    }

    private Dictionary<string, object> Params(int clients, int tenants, string how, int batch = 1) => new()
    {
        ["clients"] = clients, ["tenants"] = tenants, ["batch"] = batch, ["how"] = how, ["seconds"] = sizes.Measure.TotalSeconds, ["durable"] = true,
    };
}
