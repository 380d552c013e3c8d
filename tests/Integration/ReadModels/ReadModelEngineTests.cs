using System.Diagnostics;
using Hybrid.InMemory.ReadModels;
using Hybrid.Shell.Lmdb;
using Hybrid.Shell.ReadModels;
using Hybrid.Tests.TestDomain.ReadModels;
using Xunit.Abstractions;

namespace Hybrid.Tests.Integration.ReadModels;

/// <summary>The engine's L1, reads, input checks and registration, over the in-memory log and L2.</summary>
public sealed class ReadModelEngineTests(ITestOutputHelper output)
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly CounterLog _log = new();

    private ReadModelEngine Engine(IReadModelStore? l2 = null, ReadModelEngineOptions? options = null) =>
        new(_log.Store, CounterModels.all, l2, options ?? new ReadModelEngineOptions());

    [Fact]
    public async Task L1_counts_hits_misses_and_evictions_and_can_be_cleared()
    {
        foreach (var t in new[] { "t1", "t2", "t3", "t4", "t5" }) _log.Count(t, "a", 1);
        await using var engine = Engine(new InMemoryReadModelStore(), new ReadModelEngineOptions { MemoryCapacity = 3 });
        foreach (var t in new[] { "t1", "t2", "t3", "t4", "t5" }) await engine.Read(t, "counter-summary", "", None);
        await engine.Read("t5", "counter-summary", "", None);
        var stats = engine.Statistics;
        Assert.Equal(5, stats.L1Misses);
        Assert.Equal(1, stats.L1Hits);
        Assert.True(stats.L1Evictions >= 2, $"evictions: {stats.L1Evictions}");
        Assert.InRange(stats.L1Size, 1, 3);
        engine.ClearMemoryCache();
        Assert.Equal(0, engine.Statistics.L1Size);
        Assert.Null(engine.TryReadCached("t5", "counter-summary", ""));
        await engine.Read("t5", "counter-summary", "", None);
        Assert.Equal(6, engine.Statistics.L1Misses);
    }

    [Fact]
    public async Task Keys_are_full_width_so_scopes_tenants_and_models_that_look_alike_stay_apart()
    {
        // Tenants and scopes whose concatenations coincide ("t1" + "a-b" and "t1-a" + "b").
        _log.Count("t1", "a-b", 3);
        _log.Count("t1-a", "b", 7);
        await using var engine = Engine();
        Assert.Equal(3, (int)(await engine.Read("t1", "counter-total", "a-b", None)).State);
        Assert.Equal(7, (int)(await engine.Read("t1-a", "counter-total", "b", None)).State);
        Assert.Equal(0, (int)(await engine.Read("t1", "counter-total", "b", None)).State);
        Assert.Equal(0, (int)(await engine.Read("t1-a", "counter-total", "a-b", None)).State);
    }

    [Fact]
    public async Task A_read_returns_the_position_it_is_consistent_with_and_folds_new_events_into_the_cached_state()
    {
        _log.Count("t1", "a", 2);
        await using var engine = Engine(new InMemoryReadModelStore());
        var first = await engine.Read("t1", "counters-segmented", "a", None);
        _log.Count("t1", "a", 3);
        _log.Count("t1", "b", 1);
        var second = await engine.Read("t1", "counters-segmented", "a", None);
        Assert.Equal(1, first.Position);
        Assert.Equal(3, second.Position);
        Assert.Equal("a", second.Scope);
        Assert.Equal(5, ((Microsoft.FSharp.Collections.FSharpMap<string, CounterModels.Counter>)second.State)["a"].Total);
        Assert.Equal(3, engine.Statistics.EventsFolded);
    }

    [Fact]
    public async Task ReadAtLeast_waits_for_the_position_to_be_reached()
    {
        await using var engine = Engine(null, new ReadModelEngineOptions { PollInterval = TimeSpan.FromMilliseconds(5) });
        var waiting = engine.ReadAtLeast("t1", "counter-summary", "", 2, None);
        await Task.Delay(50);
        Assert.False(waiting.IsCompleted);
        _log.Count("t1", "a", 1);
        _log.Count("t1", "b", 1);
        var view = await waiting.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(view.Position >= 2);
        Assert.Equal(_log.Summary("t1"), view.State);
    }

    [Fact]
    public async Task Bad_input_is_rejected_with_an_error_naming_what_was_wrong()
    {
        await using var engine = Engine();
        var unknown = await Assert.ThrowsAsync<InvalidInputException>(() => engine.Read("t1", "no-such-model", "", None));
        Assert.Contains("no-such-model", unknown.Message);
        Assert.Equal("model", unknown.Field);
        var tenant = await Assert.ThrowsAsync<InvalidInputException>(() => engine.Read("", "counter-summary", "", None));
        Assert.Equal("tenant", tenant.Field);
        Assert.Throws<ArgumentException>(() => new ReadModelEngine(_log.Store, [CounterModels.summary, CounterModels.summary]));
        var scopedSegmented = ReadModel.scoped(ReadModelScope.NewByTags(Microsoft.FSharp.Core.FuncConvert.FromFunc<string, Microsoft.FSharp.Collections.FSharpList<string>>(
            s => Microsoft.FSharp.Collections.ListModule.OfArray(new[] { s }))), CounterModels.segmented);
        var invalid = Assert.Throws<ArgumentException>(() => new ReadModelEngine(_log.Store, [scopedSegmented]));
        Assert.Contains("counters-segmented", invalid.Message);
    }

    [Fact]
    public void Read_models_register_with_their_event_types_and_are_found_again()
    {
        var registry = global::Hybrid.RegistryModule.empty.AddReadModel(CounterModels.summary).AddReadModel(CounterModels.partitioned);
        Assert.Equal(["counter-summary", "counters-by-group"], registry.ReadModels().Select(m => m.Name));
        var described = RegistryModule.tryFind(DefinitionKind.ReadModel, "counters-by-group", registry)!.Value;
        Assert.Equal(CounterEvents.types, described.Describe["events"]);
        Assert.Equal("partitioned:8", described.Describe["layout"].Head);
        Assert.Throws<ArgumentException>(() => registry.AddReadModel(CounterModels.summary));
        using var engine = new ReadModelEngine(_log.Store, registry);
        Assert.Equal(2, engine.Models.Count);
    }

    [Fact]
    public async Task A_crash_loses_only_cache_and_the_next_engine_folds_the_rest()
    {
        for (var i = 0; i < 20; i++) _log.Count("t1", $"k{i % 4}", i);
        var l2 = new InMemoryReadModelStore();
        var crashed = Engine(l2, new ReadModelEngineOptions { WriteBackAfterEvents = 8, ReadBatchSize = 8 });
        await crashed.Read("t1", "counters-by-group", "", None);
        _log.Count("t1", "k9", 1);
        await crashed.Read("t1", "counters-by-group", "", None);
        crashed.Abandon();
        Assert.Equal(20, l2.WatermarkOf(new ReadModelKey("t1", "counters-by-group", 1, "")));
        await using var restarted = Engine(l2);
        Assert.Equal(_log.Counters("t1"), (await restarted.Read("t1", "counters-by-group", "", None)).State);
        Assert.Equal(1, restarted.Statistics.EventsFolded);
    }

    [Fact]
    public async Task Write_back_is_deferred_then_done_by_time_by_count_and_when_too_many_wait()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var l2 = new InMemoryReadModelStore();
        var options = new ReadModelEngineOptions { WriteBackAfter = TimeSpan.FromSeconds(1), WriteBackAfterEvents = 3, MaxPendingWriteBacks = 2 };
        await using var engine = new ReadModelEngine(_log.Store, CounterModels.all, l2, options, clock);
        ReadModelKey Key(string tenant) => new(tenant, "counter-summary", 1, "");
        _log.Count("t1", "a", 1);
        await engine.Read("t1", "counter-summary", "", None);
        Assert.Null(l2.WatermarkOf(Key("t1")));
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, l2.WatermarkOf(Key("t1")));

        for (var i = 0; i < 3; i++) _log.Count("t1", "a", 1);
        await engine.Read("t1", "counter-summary", "", None);
        Assert.Equal(4, l2.WatermarkOf(Key("t1")));

        foreach (var t in new[] { "t2", "t3", "t4" })
        {
            _log.Count(t, "a", 1);
            await engine.Read(t, "counter-summary", "", None);
        }
        Assert.Equal(1, l2.WatermarkOf(Key("t2")));
        Assert.Equal(1, l2.WatermarkOf(Key("t4")));
        Assert.Equal(0, engine.Statistics.PendingWriteBacks);
    }

    /// <summary>Figures for the closing note (printed, never asserted): L1 hit, L2 hit and rebuild on LMDB.</summary>
    [Fact]
    public async Task Figures_of_L1_hits_L2_hits_and_rebuilds_are_printed()
    {
        const int events = 20_000;
        for (var i = 0; i < events; i++) _log.Count("t1", $"k{i % 1000}", 1, i % 2 == 0 ? "x" : "y");
        using var dir = new TempDirectory();
        using var l2 = new LmdbReadModelStore(dir.Path);
        await using var engine = new ReadModelEngine(_log.Store, [CounterModels.segmented], l2);
        await engine.Read("t1", "counters-segmented", "k1", None);
        var rebuild = Stopwatch.StartNew();
        await engine.Rebuild("t1", "counters-segmented", "k1", None);
        rebuild.Stop();
        await engine.FlushAsync();
        var l1 = Median(2000, () => engine.Read("t1", "counters-segmented", "k1", None).GetAwaiter().GetResult());
        var l2Hit = Median(200, () =>
        {
            engine.ClearMemoryCache();
            engine.Read("t1", "counters-segmented", "k1", None).GetAwaiter().GetResult();
        });
        output.WriteLine($"rebuild (after a warm-up fold): {events} events in {rebuild.Elapsed.TotalMilliseconds:F0} ms ({events / rebuild.Elapsed.TotalSeconds:F0} ev/s)");
        output.WriteLine($"L1 hit (Read, in-memory log head): median {l1:F2} µs");
        output.WriteLine($"L2 hit (16 segments, 1000 entities, LMDB): median {l2Hit:F1} µs");
        Assert.True(engine.Statistics.L1Hits >= 2000);
        Assert.True(engine.Statistics.L2Hits >= 200);
    }

    private static double Median(int runs, Action action)
    {
        var times = new double[runs];
        for (var i = 0; i < runs; i++)
        {
            var start = Stopwatch.GetTimestamp();
            action();
            times[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        }
        Array.Sort(times);
        return times[runs / 2];
    }
}
