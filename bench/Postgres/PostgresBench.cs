// The PostgreSQL benchmarks: each store figure next to its raw baseline, measured in the same run on the same server.
using Hybrid.Bench.Measure;
using Hybrid.Bench.Results;

namespace Hybrid.Bench.Postgres;

/// <summary>Runs the <c>pg.*</c> benchmarks and their raw baselines.</summary>
public sealed partial class PostgresBench(BenchServer server, BenchSizes sizes, BenchReport report, TextWriter log)
{
    private const int Batch = 100;
    private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();

    /// <summary>Runs every wanted PostgreSQL benchmark.</summary>
    public async Task RunAsync(BenchOptions options)
    {
        await RawEventTable.CreateAsync(server.DataSource);
        await WarmUpStore();
        if (options.Wants("pg.append.single.c1")) await SingleC1();
        if (options.Wants("pg.append.single.c8")) await SingleC8(options);
        if (options.Wants("pg.append.single.c64")) await SingleC64();
        if (options.Wants("pg.append.batch100")) await Batches();
        if (options.Wants("pg.append.dcb") || options.Wants("pg.read.all") || options.Wants("pg.dcb.check") || options.Wants("pg.size")) await DcbAndRead(options);
        await Isolation(options);
    }

    private async Task SingleC1()
    {
        var measured = await Alternate([.. SingleBaselineWorkloads(1, tenants: 1),
            StoreWorkload("pg.append.single.c1", store => store.Single("single-c1", 1), Params(1, 1, 1, "IEventStore.Append of 1 event"))]);
        StoreOf("pg.append.single.c1", SingleBaselinesOf(1, measured), measured);
    }

    private async Task SingleC8(BenchOptions options)
    {
        var measured = await Alternate([.. SingleBaselineWorkloads(8, tenants: 8),
            Names(options, "pg.append.single.c8")
                ? StoreWorkload("pg.append.single.c8", store => store.Single("single-c8-", tenants: 8, clients: 8),
                    Params(8, 8, 1, "IEventStore.Append of 1 event, one tenant per client"))
                : null,
            Names(options, "pg.append.single.c8.tenant1")
                ? StoreWorkload("pg.append.single.c8.tenant1", store => store.Single("single-c8-hot", 8),
                    Params(8, 1, 1, "IEventStore.Append of 1 event, all 8 clients on one tenant (group commit)"))
                : null]);
        var plain = SingleBaselinesOf(8, measured);
        if (Names(options, "pg.append.single.c8")) StoreOf("pg.append.single.c8", plain, measured);
        if (Names(options, "pg.append.single.c8.tenant1")) StoreOf("pg.append.single.c8.tenant1", plain, measured);
    }

    private async Task SingleC64()
    {
        var measured = await Alternate([.. SingleBaselineWorkloads(64, tenants: 1), .. SingleBaselineWorkloads(8, tenants: 8),
            StoreWorkload("pg.append.single.c64", store => store.Single("single-c64", 64),
                Params(64, 1, 1, "IEventStore.Append of 1 event, all clients on one tenant; against plain c8"))]);
        SingleBaselinesOf(64, measured);
        StoreOf("pg.append.single.c64", SingleBaselinesOf(8, measured), measured);
    }

    /// <summary>The plain (primary key only) and indexed one-row INSERT baselines of a client count, unless measured already.</summary>
    private IEnumerable<Workload?> SingleBaselineWorkloads(int clients, int tenants) =>
        new[] { RawEventTable.Plain, RawEventTable.Name }.Select(table =>
        {
            var shape = RawEventTable.Shape(table);
            return RawWorkload($"raw.pg.{shape}.insert.single.c{clients}", (raw, round) => raw.SingleInsert(table, $"raw-{shape}-single-c{clients}-{round}", tenants, clients),
                Params(clients, tenants, 1, $"one-row INSERT per autocommit statement into the {shape} table, client-chosen positions, no lock"));
        });

    /// <summary>Adds the one-row INSERT baselines of a client count; returns the plain one.</summary>
    private Metric SingleBaselinesOf(int clients, Dictionary<string, (double Rate, Dictionary<string, object> Parameters)> measured)
    {
        BaselineOf($"raw.pg.indexed.insert.single.c{clients}", measured);
        return BaselineOf($"raw.pg.plain.insert.single.c{clients}", measured);
    }

    private async Task Batches()
    {
        const int clients = 4, tenants = 4;
        var workloads = new List<Workload?>();
        foreach (var table in new[] { RawEventTable.Plain, RawEventTable.Name })
        {
            var shape = RawEventTable.Shape(table);
            workloads.Add(RawWorkload($"raw.pg.{shape}.insert.batch100.c4", (raw, round) => raw.BatchValues(table, $"raw-{shape}-values-{round}", tenants, clients, Batch),
                Params(clients, tenants, Batch, $"100-row multi-row INSERT per transaction into the {shape} table")));
            workloads.Add(RawWorkload($"raw.pg.{shape}.copy.batch100.c4", (raw, round) => raw.BatchCopy(table, $"raw-{shape}-copy-{round}", tenants, clients, Batch),
                Params(clients, tenants, Batch, $"100-row binary COPY per transaction into the {shape} table")));
        }
        workloads.Add(RawWorkload("raw.pg.plain.insert.batch100.c4.tenant1", (raw, round) => raw.BatchValues(RawEventTable.Plain, $"raw-plain-values-t1-{round}", 1, clients, Batch),
            Params(clients, 1, Batch, "100-row multi-row INSERT per transaction into the plain table, all clients on one tenant")));
        workloads.Add(StoreWorkload("pg.append.batch100.c4.tenants4", store => store.Batches("batch-t4-", tenants: 4, clients, Batch),
            Params(clients, 4, Batch, "IEventStore.Append of 100 events, one tenant per client; against the faster plain baseline")));
        workloads.Add(StoreWorkload("pg.append.batch100.c4.tenant1", store => store.Batches("batch-t1-", tenants: 1, clients, Batch),
            Params(clients, 1, Batch, "IEventStore.Append of 100 events, all clients on one tenant")));
        var measured = await Alternate([.. workloads]);
        var baselines = new[] { "plain", "indexed" }
            .SelectMany(shape => new[] { $"raw.pg.{shape}.insert.batch100.c4", $"raw.pg.{shape}.copy.batch100.c4" })
            .Select(name => BaselineOf(name, measured)).ToList();
        var plainTenant1 = BaselineOf("raw.pg.plain.insert.batch100.c4.tenant1", measured);
        var plain = baselines.Where(m => m.Name.StartsWith("raw.pg.plain", StringComparison.Ordinal)).MaxBy(m => m.Value)!;
        StoreOf("pg.append.batch100.c4.tenants4", plain, measured);
        StoreOf("pg.append.batch100.c4.tenant1", plainTenant1, measured);
    }

    private async Task DcbAndRead(BenchOptions options)
    {
        const string rawTenant = "raw-dcb";
        log.WriteLine($"  loading {sizes.LogEvents:N0} events into the raw table");
        await RawEventTable.LoadAsync(server.DataSource, rawTenant, "log", sizes.LogEvents);
        if (options.Wants("pg.read.all"))
        {
            // The raw and the store's reads alternate, both logs loaded first: on a shared machine the rate moves 2x within
            // a minute, and a store read taken right after its own load also competed with the autovacuum of that load.
            await LoadStoreLog();
            double rawBest = 0, storeBest = 0;
            for (var round = 0; round < 3; round++)
            {
                rawBest = Math.Max(rawBest, await RawReadBaseline.OrderedSelect(server.DataSource, rawTenant, runs: 1));
                if (_store is not null) storeBest = Math.Max(storeBest, await _store.ReadAll(sizes.LogEvents, runs: 1));
            }
            var raw = Add(new Metric
            {
                Name = "raw.pg.select.ordered", Unit = "ev/s", Value = rawBest,
                Params = new Dictionary<string, object> { ["events"] = sizes.LogEvents, ["runs"] = 3, ["figure"] = "best run", ["how"] = "SELECT all columns WHERE tenant_id ORDER BY position, every column read; runs alternate with pg.read.all's" },
            });
            await Store("pg.read.all", raw, new Dictionary<string, object> { ["events"] = sizes.LogEvents, ["runs"] = 3, ["figure"] = "best run", ["how"] = "IEventStore.Read(tenant, EventQuery.All); runs alternate with the raw SELECT's" },
                _ => Task.FromResult(storeBest));
        }
        foreach (var clients in new[] { 1, 8 })
            if (options.Wants($"pg.append.dcb.c{clients}")) await Dcb(clients, rawTenant);
        if (options.Wants("pg.dcb.check")) await DcbCheck();
        if (options.Wants("pg.size")) await Size();
    }

    /// <summary>
    /// pg.append.dcb.c{clients} against a plain one-row INSERT measured beside it, in alternating rounds (with the raw
    /// guarded insert too): the DCB figures come after the batches, whose millions of rows the server is still
    /// vacuuming, so a baseline taken minutes earlier saw another machine.
    /// </summary>
    private async Task Dcb(int clients, string rawTenant)
    {
        var plainName = $"raw.pg.plain.insert.single.c{clients}.beside_dcb";
        var rawName = $"raw.pg.indexed.dcb.c{clients}";
        var storeName = $"pg.append.dcb.c{clients}";
        await LoadStoreLog();
        var measured = await Alternate(
            new Workload(plainName, (round, index) => new RawAppendBaselines(server.DataSource, round)
                    .SingleInsert(RawEventTable.Plain, $"r{index}-raw-plain-single-dcb-c{clients}", clients, clients),
                Params(clients, clients, 1, "one-row INSERT per autocommit statement into the plain table, in alternating rounds with the DCB appends")),
            new Workload(rawName, (round, index) => new RawAppendBaselines(server.DataSource, round).LockExistsInsert(rawTenant, clients, after: sizes.LogEvents, $"r{index}"),
                DcbParams(clients, "one transaction: advisory lock + INSERT of max(position)+1 WHERE NOT EXISTS (GIN keys @> the 2 tags AND position > after)")),
            _store is null
                ? null
                : new Workload(storeName, (round, index) => _store.With(round).Dcb(clients, sizes.LogEvents, $"r{index}"),
                    DcbParams(clients, "IEventStore.Append of 1 event with FailIfEventsMatch over 2 tags; against the plain single-row INSERT beside it")));
        var plain = BaselineOf(plainName, measured);
        var indexed = BaselineOf(rawName, measured);
        if (measured.TryGetValue(storeName, out var store))
            store.Parameters["ratio_to_indexed_dcb"] = Math.Round(store.Rate / indexed.Value!.Value, 3);
        StoreOf(storeName, plain, measured);
    }

    /// <summary>True when the metric itself is wanted (not merely one whose name it begins).</summary>
    private static bool Names(BenchOptions options, string metric) =>
        options.Only.Count == 0 || options.Only.Any(p => metric.StartsWith(p, StringComparison.Ordinal));

    private Metric Add(Metric metric)
    {
        if (ClientLoad.TakeLastCpu() is { } cpu && metric.Params is Dictionary<string, object> p)
        {
            // CPU per event of the window just measured: steadier than the rate on a shared machine.
            p["client_cpu_us_per_event"] = Math.Round(cpu.ClientMicroseconds, 1);
            if (cpu.ServerMicroseconds is { } server) p["server_cpu_us_per_event"] = Math.Round(server, 1);
            log.WriteLine($"  [{_clock.Elapsed.TotalSeconds,5:0.0} s] {metric.Name} cpu/event: client {cpu.ClientMicroseconds:0} us, server {cpu.ServerMicroseconds:0} us");
        }
        else if (metric.Params is Dictionary<string, object> measured && measured.TryGetValue("client_cpu_us_per_event", out var client))
            log.WriteLine($"  [{_clock.Elapsed.TotalSeconds,5:0.0} s] {metric.Name} cpu/event (mean of rounds): client {client} us, server {measured.GetValueOrDefault("server_cpu_us_per_event")} us");
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
