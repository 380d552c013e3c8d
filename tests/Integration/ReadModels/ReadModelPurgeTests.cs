using Hybrid.Shell.Lmdb;
using Hybrid.Shell.ReadModels;
using Hybrid.Tests.TestDomain.ReadModels;

namespace Hybrid.Tests.Integration.ReadModels;

/// <summary>
/// A purge changes events below a cached read model's watermark: the engine sees the purge's audit event after the
/// watermark and folds the instance again from the start, in L1 and in L2 (LMDB), so purged data leaves every view.
/// </summary>
public sealed class ReadModelPurgeTests : IDisposable
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly TempDirectory _dir = new();
    private readonly CounterLog _log = new();

    public void Dispose() => _dir.Dispose();

    private void Fill(string tenant, int events)
    {
        for (var i = 0; i < events; i++) _log.Count(tenant, $"k{i % 5}", i + 1, i % 2 == 0 ? "x" : "y");
    }

    private Task<PurgeResult> Purge(string tenant, params long[] positions) =>
        ((IEventPurger)_log.Store).Purge(new PurgeRequest(tenant, PurgeTarget.NewEventsAt(positions), "retention", Guid.CreateVersion7(), EventMetadata.Empty), None);

    [Fact]
    public async Task a_cached_instance_folds_again_without_the_purged_events_after_a_purge()
    {
        Fill("t1", 20);
        using var l2 = new LmdbReadModelStore(_dir.Path);
        await using var engine = new ReadModelEngine(_log.Store, CounterModels.all, l2);
        var before = await engine.Read("t1", "counters-segmented", "", None);
        Assert.Equal(_log.Counters("t1"), before.State);
        var summaryBefore = await engine.Read("t1", "counter-summary", "", None);
        await engine.FlushAsync();

        Assert.IsType<PurgeResult.Purged>(await Purge("t1", 3, 5, 8));

        var after = await engine.Read("t1", "counters-segmented", "", None);
        Assert.Equal(21, after.Position);
        Assert.Equal(_log.Counters("t1"), after.State);
        Assert.NotEqual(before.State, after.State);
        var summaryAfter = await engine.Read("t1", "counter-summary", "", None);
        Assert.Equal(_log.Summary("t1"), summaryAfter.State);
        Assert.NotEqual(summaryBefore.State, summaryAfter.State);
    }

    [Fact]
    public async Task an_instance_restored_from_the_l2_cache_after_a_purge_does_not_keep_the_purged_events()
    {
        Fill("t1", 12);
        using (var l2 = new LmdbReadModelStore(_dir.Path))
        await using (var engine = new ReadModelEngine(_log.Store, CounterModels.all, l2))
            await engine.Read("t1", "counter-summary", "", None);
        Assert.IsType<PurgeResult.Purged>(await Purge("t1", 1, 2));
        using (var l2 = new LmdbReadModelStore(_dir.Path))
        await using (var engine = new ReadModelEngine(_log.Store, CounterModels.all, l2))
        {
            var view = await engine.Read("t1", "counter-summary", "", None);
            Assert.Equal(_log.Summary("t1"), view.State);
            Assert.Equal(13, view.Position);
        }
    }
}
