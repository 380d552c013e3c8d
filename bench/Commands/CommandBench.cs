// Commands end to end through the command processor (lookup or decided-state cache → decide → append), on the
// in-memory store and on PostgreSQL, next to what the same processor costs without its cache and to plain appends.
using System.Diagnostics;
using Hybrid.Bench.Measure;
using Hybrid.Bench.Postgres;
using Hybrid.Bench.Results;
using Hybrid.InMemory.EventStore;
using Hybrid.InMemory.Ids;
using Hybrid.Sample;
using Hybrid.Shell.Commands;
using Hybrid.Shell.Ids;

namespace Hybrid.Bench.Commands;

/// <summary>Measures <c>cmd.mem.p50_us</c>/<c>p99_us</c>, <c>cmd.pg.c8</c> and <c>cmd.pg.long_stream</c>.</summary>
public sealed class CommandBench(BenchSizes sizes, BenchReport report, TextWriter log)
{
    private const int Lists = 64;
    private const int LongStreamEvents = 10_000;
    private static readonly Caller Member = new("commands", "bench", [Access.Roles.Member], "");

    /// <summary>Sequential AddItem commands on 64 warm todo lists in memory: latency with and without the cache.</summary>
    public async Task InMemory()
    {
        var commands = Math.Max(500, sizes.LatencySamples / 10);
        var uncached = await MemoryLatency(commands, decidedStates: 0);
        var cached = await MemoryLatency(commands, decidedStates: 10_000);
        var how = $"CommandProcessor.ExecuteAsync(AddItem) one after another on {Lists} todo lists (InMemoryEventStore, SeededIdSource as simulations)";
        var baseline = new Metric { Name = "cmd.mem.uncached.p50_us", Value = Math.Round(uncached.Microseconds(50), 2), Unit = "us",
            Params = Params(uncached.Count, how + "; decided-state cache off: every command reads its stream") };
        report.Add(baseline);
        report.Add(new Metric { Name = "cmd.mem.p50_us", Value = Math.Round(cached.Microseconds(50), 2), Unit = "us",
            Params = Params(cached.Count, how + "; decided-state cache on") }.Against(baseline));
        report.Add(new Metric { Name = "cmd.mem.p99_us", Value = Math.Round(cached.Microseconds(99), 2), Unit = "us", Params = Params(cached.Count, how) });
        log.WriteLine($"  cmd.mem p50 {cached.Microseconds(50):0.0} us p99 {cached.Microseconds(99):0.0} us " +
                      $"(cache off: p50 {uncached.Microseconds(50):0.0} us p99 {uncached.Microseconds(99):0.0} us)");
    }

    private static async Task<Percentiles> MemoryLatency(int commands, int decidedStates)
    {
        var processor = new CommandProcessor(new InMemoryEventStore(), new SeededIdSource(7, TimeProvider.System),
            CommandCatalog.Of(Definitions.registry), new CommandProcessorOptions { DecidedStates = decidedStates });
        var lists = await CreateLists(processor, "mem");
        for (var i = 0; i < Math.Min(commands, 2_000); i++) await AddItem(processor, lists[i % Lists], i); // warm up the JIT
        var latencies = new Percentiles(commands);
        for (var i = 0; i < commands; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await AddItem(processor, lists[i % Lists], i);
            latencies.Add(Stopwatch.GetTimestamp() - started);
        }
        return latencies;
    }

    /// <summary>Commands on PostgreSQL: 8 clients on their own lists, and one client on a list 10,000 events long.</summary>
    public async Task Postgres(IEventStore store, StoreBench appends)
    {
        var processor = new CommandProcessor(store, UuidV7IdSource.System, CommandCatalog.Of(Definitions.registry));
        var lists = await CreateLists(processor, "c8");
        // The command path (processor, core, the store's guarded commit) is compiled and re-compiled at tier 1 during the
        // first seconds: without this, a third of the client's samples in the c8 window were in the JIT (perf), while
        // pg.append.single.c8 measures a path the store bench warmed up for 4x the warm-up (StoreBench.WarmUp).
        await ClientLoad.EventsPerSecond(8, sizes.Warmup * 4, TimeSpan.Zero, async (client, i) => await AddItem(processor, lists[client], i));
        ClientLoad.TakeLastCpu();
        var c8 = await ClientLoad.EventsPerSecond(8, sizes.Warmup, sizes.Measure,
            async (client, i) => await AddItem(processor, lists[client], i));
        var c8Cpu = ClientLoad.TakeLastCpu();
        var single = report.Find("pg.append.single.c8");
        if (single is null)
        {
            single = new Metric { Name = "pg.append.single.c8", Value = Math.Round(await appends.Single("cmd-append", 8)), Unit = "ev/s",
                Params = new Dictionary<string, object> { ["clients"] = 8, ["how"] = "measured by the command bench: IEventStore.Append, 1 event, 8 clients, 1 tenant" } };
            report.Add(single);
        }
        report.Add(new Metric { Name = "cmd.pg.c8", Value = Math.Round(c8), Unit = "cmd/s", Params = WithCpu("cmd.pg.c8", new Dictionary<string, object>
        {
            ["clients"] = 8, ["tenants"] = 1,
            ["how"] = "CommandProcessor.ExecuteAsync(AddItem), each client on its own warm todo list (decided-state cache on): one append per command",
        }, c8Cpu) }.Against(single));
        log.WriteLine($"  cmd.pg.c8 {c8:N0} cmd/s (pg.append.single.c8 {single.Value:N0} ev/s)");

        // The long list is loaded first, so the fresh baseline runs after the 10,000-event load as the long one does (its
        // WAL, checkpoint and autovacuum weighed on whichever window came after it: a fresh list measured after the load
        // ran slower than the long one).
        var longList = await LongList(store, processor);
        var fresh = await OneClient(processor, lists[8]);
        var freshCpu = ClientLoad.TakeLastCpu();
        var onLong = await OneClient(processor, longList);
        var onLongCpu = ClientLoad.TakeLastCpu();
        var uncachedProcessor = new CommandProcessor(store, UuidV7IdSource.System, CommandCatalog.Of(Definitions.registry),
            new CommandProcessorOptions { DecidedStates = 0 });
        var onLongUncached = await OneClient(uncachedProcessor, longList);
        var freshMetric = new Metric { Name = "cmd.pg.fresh_stream", Value = Math.Round(fresh), Unit = "cmd/s",
            Params = WithCpu("cmd.pg.fresh_stream", new Dictionary<string, object> { ["clients"] = 1, ["how"] = "AddItem on a todo list a few events long, one client" }, freshCpu) };
        report.Add(freshMetric);
        report.Add(new Metric { Name = "cmd.pg.long_stream", Value = Math.Round(onLong), Unit = "cmd/s", Params = WithCpu("cmd.pg.long_stream", new Dictionary<string, object>
        {
            ["clients"] = 1, ["prior_events"] = LongStreamEvents,
            ["how"] = "AddItem on a todo list with 10,000 prior events, one client, decided-state cache on (warm)",
        }, onLongCpu) }.Against(freshMetric));
        report.Add(new Metric { Name = "cmd.pg.long_stream.uncached", Value = Math.Round(onLongUncached, 1), Unit = "cmd/s", Params = new Dictionary<string, object>
        {
            ["clients"] = 1, ["prior_events"] = LongStreamEvents, ["how"] = "the same with the cache off: every command reads and folds the stream",
        } }.Against(freshMetric));
        log.WriteLine($"  cmd.pg.long_stream {onLong:N0} cmd/s, fresh {fresh:N0} cmd/s, long without the cache {onLongUncached:N1} cmd/s");
    }

    /// <summary>The CPU time per command of the measured window beside the rate (steadier than the rate on a shared machine).</summary>
    private Dictionary<string, object> WithCpu(string name, Dictionary<string, object> parameters, CpuPerEvent? cpu)
    {
        if (cpu is null) return parameters;
        parameters["client_cpu_us_per_event"] = Math.Round(cpu.ClientMicroseconds, 1);
        if (cpu.ServerMicroseconds is { } server) parameters["server_cpu_us_per_event"] = Math.Round(server, 1);
        log.WriteLine($"  {name} cpu/command: client {cpu.ClientMicroseconds:0} us, server {cpu.ServerMicroseconds:0} us");
        return parameters;
    }

    private Task<double> OneClient(CommandProcessor processor, string list) =>
        ClientLoad.EventsPerSecond(1, sizes.Warmup, sizes.Measure, async (_, i) => await AddItem(processor, list, i));

    /// <summary>A list with 10,000 prior events, written straight to the store in batches of 1,000.</summary>
    private static async Task<string> LongList(IEventStore store, CommandProcessor processor)
    {
        var list = $"long-{Guid.NewGuid():N}"[..24];
        await Expect(processor.ExecuteAsync(Member, "CreateList", new Requests.CreateList(list, "Long")));
        for (var from = 1; from < LongStreamEvents; from += 1_000)
        {
            var events = Enumerable.Range(from, Math.Min(1_000, LongStreamEvents - from))
                .Select(n => new ProposedEvent(UuidV7IdSource.System.NewId(),
                    TodoLists.Events.encode(TodoLists.Events.Event.NewItemAdded(new TodoLists.Events.ItemAdded(list, n, $"item {n}"))),
                    EventMetadata.Of("", "", "bench")))
                .ToArray();
            var appended = await store.Append(AppendRequest.Of(Member.Tenant, events), CancellationToken.None);
            if (!appended.IsAppended) throw new InvalidOperationException($"Loading the long list failed: {appended}");
        }
        return list;
    }

    private static async Task<string[]> CreateLists(CommandProcessor processor, string prefix)
    {
        var lists = Enumerable.Range(0, Lists).Select(i => $"{prefix}-{i}-{Guid.NewGuid():N}"[..30]).ToArray();
        foreach (var list in lists) await Expect(processor.ExecuteAsync(Member, "CreateList", new Requests.CreateList(list, "Bench")));
        return lists;
    }

    private static async Task<int> AddItem(CommandProcessor processor, string list, long i)
    {
        await Expect(processor.ExecuteAsync(Member, "AddItem", new Requests.AddItem(list, "item")));
        return 1;
    }

    private static async Task Expect(Task<CommandOutcome> command)
    {
        var outcome = await command;
        if (outcome is not CommandOutcome.Accepted) throw new InvalidOperationException($"A command under benchmark failed: {outcome}");
    }

    private static Dictionary<string, object> Params(int samples, string how) => new() { ["samples"] = samples, ["how"] = how };
}
