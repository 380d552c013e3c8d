using Hybrid.InMemory.ReadModels;
using Hybrid.Shell.Lmdb;
using Hybrid.Shell.ReadModels;
using Hybrid.Tests.TestDomain.ReadModels;
using Microsoft.Extensions.Time.Testing;

namespace Hybrid.Tests.Integration.ReadModels;

/// <summary>
/// What a deploy and an operator see of the engine: a state type changed without a version bump is rebuilt rather than
/// read back wrong, a rebuild keeps serving readers, and L1's time to live runs on the engine's clock.
/// </summary>
public sealed class ReadModelEngineLifecycleTests : IDisposable
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private readonly CounterLog _log = new();
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task a_state_type_changed_without_a_version_bump_is_rebuilt_from_the_log_not_read_back_as_wrong_values()
    {
        for (var i = 1; i <= 4; i++) _log.Count("t1", "a", 10 * i);
        using (var l2 = new LmdbReadModelStore(_dir.Path))
        await using (var before = new ReadModelEngine(_log.Store, [ShapeModels.Before.model], l2))
            Assert.Equal(new ShapeModels.Before.Totals(4, 100), (await before.Read("t1", "totals", "", None)).State);

        using (var l2 = new LmdbReadModelStore(_dir.Path))
        await using (var after = new ReadModelEngine(_log.Store, [ShapeModels.After.model], l2))
        {
            Assert.Equal(new ShapeModels.After.Totals(100, 4), (await after.Read("t1", "totals", "", None)).State);
            Assert.Equal(0, after.Statistics.L2Hits);
            Assert.Equal(4, after.Statistics.EventsFolded);
            _log.Count("t1", "a", 1);
            Assert.Equal(new ShapeModels.After.Totals(101, 5), (await after.Read("t1", "totals", "", None)).State);
        }

        // The rebuilt instance is stored under the new shape: the next start reads it from L2.
        using (var l2 = new LmdbReadModelStore(_dir.Path))
        await using (var again = new ReadModelEngine(_log.Store, [ShapeModels.After.model], l2))
        {
            Assert.Equal(new ShapeModels.After.Totals(101, 5), (await again.Read("t1", "totals", "", None)).State);
            Assert.Equal(1, again.Statistics.L2Hits);
            Assert.Equal(0, again.Statistics.EventsFolded);
        }
    }

    [Fact]
    public async Task every_layout_is_read_back_from_l2_under_its_own_shape_after_a_restart()
    {
        for (var i = 0; i < 30; i++) _log.Count("t1", $"k{i % 7}", i, i % 3 == 0 ? "x" : "y");
        var l2 = new InMemoryReadModelStore();
        await using (var first = new ReadModelEngine(_log.Store, CounterModels.all, l2))
            foreach (var model in new[] { "counter-summary", "counters-segmented", "counters-by-group" })
                await first.Read("t1", model, "", None);
        await using var restarted = new ReadModelEngine(_log.Store, CounterModels.all, l2);
        Assert.Equal(_log.Summary("t1"), (await restarted.Read("t1", "counter-summary", "", None)).State);
        Assert.Equal(_log.Counters("t1"), (await restarted.Read("t1", "counters-segmented", "", None)).State);
        Assert.Equal(_log.Counters("t1"), (await restarted.Read("t1", "counters-by-group", "", None)).State);
        Assert.Equal(3, restarted.Statistics.L2Hits);
        Assert.Equal(0, restarted.Statistics.EventsFolded);
    }

    /// <summary>Once armed, blocks the fold at its next progress report until released.</summary>
    private sealed class HeldProgress : IProgress<ReadModelRebuildProgress>
    {
        public readonly TaskCompletionSource Reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public readonly ManualResetEventSlim Release = new();
        public volatile bool Armed;

        public void Report(ReadModelRebuildProgress value)
        {
            if (!Armed || value.Done) return;
            Reached.TrySetResult();
            Release.Wait(TimeSpan.FromSeconds(30));
        }
    }

    [Fact]
    public async Task a_rebuild_keeps_serving_readers_the_current_state_until_the_new_one_replaces_it()
    {
        for (var i = 0; i < 12; i++) _log.Count("t1", $"k{i % 3}", 1);
        var progress = new HeldProgress();
        await using var engine = new ReadModelEngine(_log.Store, CounterModels.all, new InMemoryReadModelStore(),
            new ReadModelEngineOptions { ReadBatchSize = 4, Progress = progress });
        var current = await engine.Read("t1", "counter-summary", "", None);
        progress.Armed = true;

        var rebuild = Task.Run(() => engine.Rebuild("t1", "counter-summary", "", None));
        await progress.Reached.Task.WaitAsync(Patience);
        var served = await engine.Read("t1", "counter-summary", "", None).WaitAsync(Patience);

        Assert.Equal(current.State, served.State);
        Assert.Equal(current.Position, served.Position);
        Assert.False(rebuild.IsCompleted);
        progress.Release.Set();
        Assert.Equal(current.State, (await rebuild.WaitAsync(Patience)).State);
    }

    [Fact]
    public async Task the_write_back_remembers_stored_watermarks_of_a_bounded_number_of_instances_however_many_tenants_are_read()
    {
        var tenants = Enumerable.Range(0, 40).Select(i => $"many-{i}").ToArray();
        foreach (var t in tenants) _log.Count(t, "a", 1);
        var l2 = new InMemoryReadModelStore();
        var options = new ReadModelEngineOptions { MemoryCapacity = 3, MaxPendingWriteBacks = 2, WriteBackAfterEvents = 1 };
        await using (var engine = new ReadModelEngine(_log.Store, CounterModels.all, l2, options))
        {
            foreach (var t in tenants) await engine.Read(t, "counter-summary", "", None);
            foreach (var t in tenants.Take(5)) _log.Count(t, "b", 2);
            foreach (var t in tenants) await engine.Read(t, "counter-summary", "", None);
            Assert.InRange(engine.StoredWatermarksKnown, 1, 5);
        }
        // Instances whose stored watermark was forgotten were written whole: every one reads back from L2 as the log says.
        await using var restarted = new ReadModelEngine(_log.Store, CounterModels.all, l2);
        foreach (var t in tenants) Assert.Equal(_log.Summary(t), (await restarted.Read(t, "counter-summary", "", None)).State);
        Assert.Equal(0, restarted.Statistics.EventsFolded);
    }

    [Fact]
    public async Task an_instance_the_cache_cannot_store_stays_in_memory_and_never_fails_another_tenants_read()
    {
        _log.Count("t1", "a", 1);
        _log.Count("t2", "a", 2);
        var log = new WarningLog<ReadModelEngine>();
        using var l2 = new LmdbReadModelStore(_dir.Path);
        await using var engine = new ReadModelEngine(_log.Store, CounterModels.all, l2,
            new ReadModelEngineOptions { MaxPendingWriteBacks = 1, WriteBackAfterEvents = 1000 }, logger: log);
        var longScope = new string('g', 5000); // its cache key is longer than LMDB takes

        Assert.Equal(0, (int)(await engine.Read("t1", "group-events", longScope, None)).State);
        // Two instances wait now, one more than allowed: this read flushes both.
        Assert.Equal(_log.Summary("t2"), (await engine.Read("t2", "counter-summary", "", None)).State);

        Assert.Contains(log.Warnings, w => w.Contains("'group-events'") && w.Contains("tenant 't1'"));
        Assert.NotNull(l2.Load(new ReadModelKey("t2", "counter-summary", 1, "")));
        Assert.Equal(0, engine.Statistics.PendingWriteBacks);
        await engine.FlushAsync();
        Assert.Equal(0, (int)(await engine.Read("t1", "group-events", longScope, None)).State);
    }

    [Fact]
    public async Task l1_entries_expire_after_their_time_to_live_on_the_engines_clock()
    {
        _log.Count("t1", "a", 1);
        var clock = new FakeTimeProvider();
        await using var engine = new ReadModelEngine(_log.Store, CounterModels.all, null,
            new ReadModelEngineOptions { MemoryTimeToLive = TimeSpan.FromMinutes(1) }, clock);
        await engine.Read("t1", "counter-summary", "", None);
        clock.Advance(TimeSpan.FromSeconds(59));
        Assert.NotNull(engine.TryReadCached("t1", "counter-summary", ""));
        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Null(engine.TryReadCached("t1", "counter-summary", ""));
        Assert.Equal(1, engine.Statistics.L1Evictions);
        await engine.Read("t1", "counter-summary", "", None);
        Assert.NotNull(engine.TryReadCached("t1", "counter-summary", ""));
    }
}
