using Hybrid.Shell.Lmdb;
using Hybrid.Shell.ReadModels;
using Hybrid.Tests.TestDomain.ReadModels;
using Xunit.Abstractions;

namespace Hybrid.Tests.Integration.ReadModels;

/// <summary>The read-model engine over real LMDB files in temp directories, with the in-memory log.</summary>
public sealed class ReadModelEngineLmdbTests(ITestOutputHelper output) : IDisposable
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly TempDirectory _dir = new();
    private readonly CounterLog _log = new();

    public void Dispose() => _dir.Dispose();

    private ReadModelEngine Engine(LmdbReadModelStore l2, ReadModelEngineOptions? options = null, params ReadModelDefinition[] models) =>
        new(_log.Store, models.Length > 0 ? models : CounterModels.all, l2, options ?? new ReadModelEngineOptions());

    private void Fill(string tenant, int events, int keys = 50)
    {
        for (var i = 0; i < events; i++) _log.Count(tenant, $"k{i % keys}", i % 7, i % 3 == 0 ? "x" : "y");
    }

    [Fact]
    public async Task A_read_after_a_restart_folds_only_the_events_after_the_stored_watermark()
    {
        Fill("t1", 60);
        using (var l2 = new LmdbReadModelStore(_dir.Path))
        await using (var engine = Engine(l2))
            Assert.Equal(60, (await engine.Read("t1", "counters-segmented", "", None)).Position);
        Fill("t1", 5);
        using (var l2 = new LmdbReadModelStore(_dir.Path))
        await using (var engine = Engine(l2))
        {
            var view = await engine.Read("t1", "counters-segmented", "", None);
            Assert.Equal(65, view.Position);
            Assert.Equal(_log.Counters("t1"), view.State);
            var stats = engine.Statistics;
            Assert.Equal(1, stats.L2Hits);
            Assert.Equal(5, stats.EventsFolded);
        }
    }

    [Fact]
    public async Task Bumping_the_version_rebuilds_from_the_log_with_progress_and_deletes_the_old_entries()
    {
        Fill("t1", 45);
        Fill("t2", 10);
        using var l2 = new LmdbReadModelStore(_dir.Path);
        await using (var v1 = Engine(l2, null, CounterModels.summary))
        {
            await v1.Read("t1", "counter-summary", "", None);
            await v1.Read("t2", "counter-summary", "", None);
        }
        Assert.Equal([1], l2.Versions("counter-summary"));
        var reports = new List<ReadModelRebuildProgress>();
        var options = new ReadModelEngineOptions { ReadBatchSize = 10, Progress = new SynchronousProgress(reports.Add) };
        await using (var v2 = Engine(l2, options, ReadModel.withVersion(2, CounterModels.summary)))
        {
            var view = await v2.Read("t1", "counter-summary", "", None);
            Assert.Equal(_log.Summary("t1"), view.State);
            Assert.Equal(0, v2.Statistics.L2Hits);
        }
        Assert.Equal([2], l2.Versions("counter-summary"));
        Assert.Equal([10L, 20, 30, 40, 45], reports.Select(r => r.Position));
        Assert.True(reports[^1].Done);
        Assert.Equal(45, reports[^1].EventsFolded);
    }

    [Fact]
    public async Task A_segmented_write_back_rewrites_only_the_segment_of_the_event()
    {
        Fill("t1", 800, keys: 400);
        using var l2 = new LmdbReadModelStore(_dir.Path);
        await using var engine = Engine(l2, new ReadModelEngineOptions { WriteBackAfterEvents = int.MaxValue }, CounterModels.segmented);
        await engine.Read("t1", "counters-segmented", "", None);
        await engine.FlushAsync();
        var whole = l2.BytesWritten;
        _log.Count("t1", "k7", 1);
        await engine.Read("t1", "counters-segmented", "", None);
        await engine.FlushAsync();
        var one = l2.BytesWritten - whole;
        output.WriteLine($"whole state {whole} bytes; one event wrote {one} bytes ({(double)one / whole:P1})");
        Assert.InRange(one, 1, whole / 8);
        Assert.Equal(_log.Counters("t1"), (await engine.Read("t1", "counters-segmented", "", None)).State);
    }

    public enum Damage { Deleted, Truncated, Garbage }

    [Theory]
    [InlineData(Damage.Deleted)]
    [InlineData(Damage.Truncated)]
    [InlineData(Damage.Garbage)]
    public async Task A_damaged_cache_file_is_rebuilt_from_the_log_with_an_identical_result(Damage damage)
    {
        Fill("t1", 300, keys: 120);
        _log.Move("t1", "k3", "z");
        var before = new Dictionary<string, object>();
        using (var l2 = new LmdbReadModelStore(_dir.Path))
        await using (var engine = Engine(l2))
            foreach (var (model, scope) in Reads) before[model + "/" + scope] = (await engine.Read("t1", model, scope, None)).State;
        switch (damage)
        {
            case Damage.Deleted:
                File.Delete(_dir.DataFile);
                break;
            case Damage.Truncated:
                using (var file = new FileStream(_dir.DataFile, FileMode.Open)) file.SetLength(file.Length / 3);
                break;
            case Damage.Garbage:
                var bytes = new byte[new FileInfo(_dir.DataFile).Length];
                new Random(11).NextBytes(bytes);
                File.WriteAllBytes(_dir.DataFile, bytes);
                break;
        }
        using (var l2 = new LmdbReadModelStore(_dir.Path))
        await using (var engine = Engine(l2))
        {
            Assert.Equal(damage == Damage.Deleted ? 0 : 1, l2.FileRecoveries);
            foreach (var (model, scope) in Reads) Assert.Equal(before[model + "/" + scope], (await engine.Read("t1", model, scope, None)).State);
            Assert.Equal(0, engine.Statistics.L2Hits);
        }
        Assert.Equal(_log.Counters("t1"), before["counters-by-group/"]);
    }

    private static readonly (string, string)[] Reads =
    [
        ("counter-summary", ""), ("counters-segmented", ""), ("counters-segmented", "k5"), ("counters-by-group", ""),
        ("counters-by-group", "z"), ("counters-by-group", ReadModel.ManifestSelector), ("counter-total", "k9"),
        ("group-events", "x"), ("group-keys", "y"),
    ];

    [Fact]
    public async Task Tenants_never_see_each_others_state()
    {
        _log.Count("t1", "shared", 5);
        _log.Count("t2", "shared", 100);
        _log.Count("t2", "only-t2", 1);
        using var l2 = new LmdbReadModelStore(_dir.Path);
        await using (var engine = Engine(l2)) await engine.Read("t1", "counters-segmented", "", None);
        await using (var engine = Engine(l2))
        {
            var t1 = await engine.Read("t1", "counters-segmented", "", None);
            var t2 = await engine.Read("t2", "counters-segmented", "", None);
            Assert.Equal(_log.Counters("t1"), t1.State);
            Assert.Equal(_log.Counters("t2"), t2.State);
            Assert.NotEqual(t1.State, t2.State);
            Assert.Equal(1, (await engine.Read("t1", "counter-total", "only-t2", None)).Position);
            Assert.Equal(0, (int)(await engine.Read("t1", "counter-total", "only-t2", None)).State);
        }
    }

    [Fact]
    public async Task Concurrent_readers_see_the_fold_of_the_log_at_their_position_while_events_are_appended()
    {
        using var l2 = new LmdbReadModelStore(_dir.Path);
        await using var engine = Engine(l2, new ReadModelEngineOptions { WriteBackAfterEvents = 7, MemoryCapacity = 4 });
        using var stop = new CancellationTokenSource();
        using var everyReaderRead = new CountdownEvent(3); // on a busy machine the writer could otherwise finish first
        var writer = Task.Run(() =>
        {
            everyReaderRead.Wait(TimeSpan.FromSeconds(30));
            for (var i = 0; i < 150; i++)
            {
                _log.Count(i % 2 == 0 ? "t1" : "t2", $"k{i % 13}", i % 5, i % 4 == 0 ? "x" : "y");
                if (i % 5 == 0) Thread.Sleep(1);
            }
        });
        var views = new System.Collections.Concurrent.ConcurrentBag<ReadModelView>();
        var readers = Enumerable.Range(0, 3).Select(r => Task.Run(async () =>
        {
            for (var reads = 0; !writer.IsCompleted || reads < 20; reads++)
            {
                views.Add(await engine.Read(r % 2 == 0 ? "t1" : "t2", "counters-by-group", "", None));
                if (reads == 0) everyReaderRead.Signal();
                if (r == 2) engine.ClearMemoryCache();
            }
        })).ToArray();
        await Task.WhenAll(readers.Append(writer));
        Assert.True(views.Select(v => v.Position).Distinct().Count() > 1, "the readers saw the log at several positions");
        foreach (var seen in views.GroupBy(v => (v.Tenant, v.Position)))
        {
            var expected = _log.Counters(seen.Key.Tenant, seen.Key.Position);
            foreach (var view in seen) Assert.Equal(expected, view.State);
        }
        Assert.Equal(_log.Counters("t1"), (await engine.Read("t1", "counters-by-group", "", None)).State);
    }

    private sealed class SynchronousProgress(Action<ReadModelRebuildProgress> report) : IProgress<ReadModelRebuildProgress>
    {
        public void Report(ReadModelRebuildProgress value) => report(value);
    }
}
