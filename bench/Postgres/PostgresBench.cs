// The PostgreSQL benchmarks: each store figure next to its raw baseline, measured in the same run on the same server.
using Hybrid.Bench.Results;

namespace Hybrid.Bench.Postgres;

/// <summary>Runs the <c>pg.*</c> benchmarks and their raw baselines.</summary>
public sealed partial class PostgresBench(BenchServer server, BenchSizes sizes, BenchReport report, TextWriter log)
{
    private const int Batch = 100;
    private readonly RawAppendBaselines _raw = new(server.DataSource, sizes);
    private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();

    /// <summary>Runs every wanted PostgreSQL benchmark.</summary>
    public async Task RunAsync(BenchOptions options)
    {
        await RawEventTable.CreateAsync(server.DataSource);
        foreach (var clients in new[] { 1, 8, 64 })
            if (options.Wants($"pg.append.single.c{clients}")) await Single(clients);
        if (options.Wants("pg.append.batch100")) await Batches();
        if (options.Wants("pg.append.dcb") || options.Wants("pg.read.all")) await DcbAndRead(options);
        await Isolation(options);
    }

    private async Task Single(int clients)
    {
        var raw = Add(new Metric
        {
            Name = $"raw.pg.insert.single.c{clients}", Unit = "ev/s",
            Value = await _raw.SingleInsert($"raw-single-c{clients}", clients),
            Params = Params(clients, tenants: 1, batch: 1, "one-row INSERT per autocommit statement, client-chosen positions, no lock"),
        });
        await Store($"pg.append.single.c{clients}", raw, Params(clients, 1, 1, "IEventStore.Append of 1 event, all clients on one tenant"),
            store => store.Single($"single-c{clients}", clients));
    }

    private async Task Batches()
    {
        const int clients = 4, tenants = 4;
        var values = Add(new Metric
        {
            Name = "raw.pg.insert.batch100.c4", Unit = "ev/s",
            Value = await _raw.BatchValues("raw-values-", tenants, clients, Batch),
            Params = Params(clients, tenants, Batch, "100-row multi-row INSERT per transaction"),
        });
        var copy = Add(new Metric
        {
            Name = "raw.pg.copy.batch100.c4", Unit = "ev/s",
            Value = await _raw.BatchCopy("raw-copy-", tenants, clients, Batch),
            Params = Params(clients, tenants, Batch, "100-row binary COPY per transaction"),
        });
        var best = values.Value >= copy.Value ? values : copy;
        await Store("pg.append.batch100.c4.tenants4", best, Params(clients, 4, Batch, "IEventStore.Append of 100 events, one tenant per client"),
            store => store.Batches("batch-t4-", tenants: 4, clients, Batch));
        await Store("pg.append.batch100.c4.tenant1", best, Params(clients, 1, Batch, "IEventStore.Append of 100 events, all clients on one tenant"),
            store => store.Batches("batch-t1-", tenants: 1, clients, Batch));
    }

    private async Task DcbAndRead(BenchOptions options)
    {
        const string rawTenant = "raw-dcb";
        log.WriteLine($"  loading {sizes.LogEvents:N0} events into the raw table");
        await RawEventTable.LoadAsync(server.DataSource, rawTenant, "log", sizes.LogEvents);
        if (options.Wants("pg.read.all"))
        {
            var raw = Add(new Metric
            {
                Name = "raw.pg.select.ordered", Unit = "ev/s",
                Value = await RawReadBaseline.OrderedSelect(server.DataSource, rawTenant, runs: 3),
                Params = new Dictionary<string, object> { ["events"] = sizes.LogEvents, ["runs"] = 3, ["figure"] = "best run", ["how"] = "SELECT all columns WHERE tenant_id ORDER BY position, every column read" },
            });
            await Store("pg.read.all", raw, new Dictionary<string, object> { ["events"] = sizes.LogEvents, ["runs"] = 3, ["figure"] = "best run", ["how"] = "IEventStore.Read(tenant, EventQuery.All)" },
                store => store.ReadAll(sizes.LogEvents, runs: 3));
        }
        foreach (var clients in new[] { 1, 8 })
        {
            if (!options.Wants($"pg.append.dcb.c{clients}")) continue;
            var raw = Add(new Metric
            {
                Name = $"raw.pg.dcb.c{clients}", Unit = "ev/s",
                Value = await _raw.LockExistsInsert(rawTenant, clients, after: sizes.LogEvents),
                Params = DcbParams(clients, "one transaction: advisory lock + INSERT of max(position)+1 WHERE NOT EXISTS (GIN keys @> the 2 tags AND position > after)"),
            });
            await Store($"pg.append.dcb.c{clients}", raw, DcbParams(clients, "IEventStore.Append of 1 event with FailIfEventsMatch over 2 tags"),
                store => store.Dcb(clients, sizes.LogEvents));
        }
    }

    private Metric Add(Metric metric)
    {
        log.WriteLine($"  [{_clock.Elapsed.TotalSeconds,5:0.0} s] {metric.Name} {metric.Value:N0} {metric.Unit}");
        return report.Add(metric);
    }

    private Dictionary<string, object> DcbParams(int clients, string how) => new()
    {
        ["clients"] = clients, ["tenants"] = 1, ["log_events"] = sizes.LogEvents, ["tags"] = 2, ["how"] = how, ["seconds"] = sizes.Measure.TotalSeconds,
    };

    private Dictionary<string, object> Params(int clients, int tenants, int batch, string how) => new()
    {
        ["clients"] = clients, ["tenants"] = tenants, ["batch"] = batch, ["how"] = how, ["seconds"] = sizes.Measure.TotalSeconds,
    };
}
