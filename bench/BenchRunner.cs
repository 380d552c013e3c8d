// Runs every benchmark section in turn, prints the table and writes the JSON. Public so the smoke test can call it.
using Hybrid.Bench.Commands;
using Hybrid.Bench.Broker;
using Hybrid.Bench.InMemory;
using Hybrid.Bench.Lmdb;
using Hybrid.Bench.Postgres;
using Hybrid.Bench.Processors;
using Hybrid.Bench.ReadModels;
using Hybrid.Bench.Simulation;
using Hybrid.Bench.Results;
using Hybrid.Bench.Routing;

namespace Hybrid.Bench;

/// <summary>The benchmark run.</summary>
public static class BenchRunner
{
    /// <summary>Runs the benchmarks the options ask for; a section that throws is recorded as failed and the rest go on.</summary>
    public static async Task<BenchReport> RunAsync(BenchOptions options, TextWriter log)
    {
        var sizes = BenchSizes.Of(options.Mode);
        var report = new BenchReport();
        MachineInfo.Describe(report.Machine, options.Mode);
        log.WriteLine($"hybrid-bench ({options.Mode.ToString().ToLowerInvariant()}) on {report.Machine["cores"]} cores");

        await Section("in-memory store", options.Wants("mem"), report, log, () => new InMemoryStoreBench(sizes, report, log).RunAsync(options));
        await Section("raw LMDB", options.Wants("raw.lmdb") || options.Wants("l2"), report, log, () =>
        {
            new RawLmdbBench(sizes, report, log).Run();
            return Task.CompletedTask;
        });
        await Section("embedded store (LMDB)", options.Wants("lmdb") || options.Wants("raw.lmdb.put.synced"), report, log,
            () => new LmdbStoreBench(sizes, report, log).RunAsync(options));
        await Section("read models", options.Wants("l1") || options.Wants("l2") || options.Wants("readmodel"), report, log, async () =>
        {
            var bench = new ReadModelBench(sizes, report, log);
            if (options.Wants("l1") || options.Wants("l2")) await bench.Hits();
            if (options.Wants("readmodel.writeback")) await bench.WriteBack();
            if (options.Wants("readmodel.rebuild")) await bench.RebuildInMemory(sizes.LogEvents);
        });
        await Section("commands (in-memory)", options.Wants("cmd.mem"), report, log, () => new CommandBench(sizes, report, log).InMemory());
        await Section("simulation", options.Wants("sim"), report, log, () =>
        {
            new SimulationBench(sizes, report, log).Run();
            return Task.CompletedTask;
        });
        await Section("broker (NATS JetStream)", options.Wants("broker") || options.Wants("raw.nats") || options.Wants("http.command"), report, log,
            () => new BrokerBench(sizes, report, log).Run(options));
        await Section("tenancy map (two PostgreSQL clusters)", options.Wants("pg.route"), report, log,
            () => new RoutingBench(sizes, report, log).RunAsync(options));
        var routingOnly = options.Only.Count > 0 && options.Only.All(p => p.StartsWith("pg.route", StringComparison.Ordinal));
        await Section("PostgreSQL", (!routingOnly && options.Wants("pg")) || options.Wants("raw.pg") || options.Wants("readmodel.rebuild") || options.Wants("processor") || options.Wants("cmd.pg") || options.Wants("cmd.contention"), report, log, () => Postgres(options, sizes, report, log));

        MachineInfo.Finish(report.Machine);
        report.ExplainMisses();
        NoteLoad(report);
        log.WriteLine();
        ConsoleTable.Write(report, log);
        if (options.OutFile is { } path)
        {
            ReportJson.Write(report, path);
            log.WriteLine($"Results written to {path}");
        }
        return report;
    }

    private static async Task Postgres(BenchOptions options, BenchSizes sizes, BenchReport report, TextWriter log)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await using var server = await BenchServer.StartAsync(options.Postgres);
        log.WriteLine($"  server ready in {clock.Elapsed.TotalSeconds:0.0} s ({server.Origin})");
        report.Machine["postgres"] = await server.VersionAsync();
        report.Machine["postgres_origin"] = server.Origin;
        Measure.CpuMeter.Current = Measure.CpuMeter.ForDataDirectory(await server.DataDirectoryAsync());
        await using var store = await StoreUnderTest.CreateAsync(server);
        var bench = new PostgresBench(server, sizes, report, log);
        bench.UseStore(store, null);
        await bench.RunAsync(options);
        if (options.Wants("readmodel.rebuild"))
        {
            await bench.LoadStoreLog();
            await new ReadModelBench(sizes, report, log).Rebuild(store, StoreBench.LogTenant, "readmodel.rebuild", report.Find("raw.pg.select.ordered"),
                "ReadModelEngine.Rebuild of a monolithic model over the PostgreSQL log (no L2: the fold alone)");
        }
        if (options.Wants("processor")) await new ProcessorBench(sizes, report, log).Run(store);
        if (options.Wants("cmd.pg")) await new CommandBench(sizes, report, log).Postgres(store, new StoreBench(store, sizes));
        if (options.Wants("cmd.contention")) await new ContentionBench(report, log).Run(store, sizes.ContentionRounds);
    }

    private static void NoteLoad(BenchReport report)
    {
        var load = MachineInfo.LoadAverage();
        if (load is null || !double.TryParse(load.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture, out var oneMinute)) return;
        if (oneMinute > Environment.ProcessorCount)
            report.Note($"The machine was busy with other work (load average {load} on {Environment.ProcessorCount} cores): absolute figures are low; compare ratios, which were measured side by side.");
    }

    private static async Task Section(string name, bool wanted, BenchReport report, TextWriter log, Func<Task> run)
    {
        if (!wanted) return;
        log.WriteLine($"{name}:");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            await run();
            log.WriteLine($"  ({name}: {clock.Elapsed.TotalSeconds:0.0} s)");
        }
        catch (Exception e)
        {
            log.WriteLine($"  FAILED: {e}");
            report.Fail(name, e);
        }
    }
}
