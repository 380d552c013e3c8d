using Hybrid.Shell.Lmdb;
using Hybrid.Shell.Postgres;
using Hybrid.Shell.ReadModels;
using Hybrid.Tests.Integration.Postgres;
using Hybrid.Tests.TestDomain.ReadModels;

namespace Hybrid.Tests.Integration.ReadModels;

/// <summary>The read-model engine with PostgreSQL as the log and LMDB as L2.</summary>
public sealed class ReadModelEnginePostgresTests : IAsyncLifetime
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly TempDirectory _dir = new();
    private PostgresEventStore _store = null!;
    private CounterLog _log = null!;

    public async Task InitializeAsync()
    {
        _store = await PostgresStores.CreateAsync();
        _log = new CounterLog(_store);
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task Reads_over_a_PostgreSQL_log_fold_only_new_events_after_a_restart_and_keep_tenants_apart()
    {
        for (var i = 0; i < 40; i++) _log.Count(i % 2 == 0 ? "pg-t1" : "pg-t2", $"k{i % 6}", i, i % 3 == 0 ? "x" : "y");
        _log.Move("pg-t1", "k0", "z");
        using (var l2 = new LmdbReadModelStore(_dir.Path))
        await using (var engine = new ReadModelEngine(_store, CounterModels.all, l2, new ReadModelEngineOptions { ReadBatchSize = 7 }))
        {
            var view = await engine.Read("pg-t1", "counters-by-group", "", None);
            Assert.Equal(await _store.GetHead("pg-t1", None), view.Position);
            Assert.Equal(_log.Counters("pg-t1"), view.State);
            Assert.Equal(_log.Counters("pg-t2"), (await engine.Read("pg-t2", "counters-by-group", "", None)).State);
        }
        _log.Count("pg-t1", "k1", 100, "z");
        using (var l2 = new LmdbReadModelStore(_dir.Path))
        await using (var engine = new ReadModelEngine(_store, CounterModels.all, l2))
        {
            var view = await engine.Read("pg-t1", "counters-by-group", "z", None);
            Assert.Equal(CounterModels.Reference.partition("z", _log.Log("pg-t1")), view.State);
            Assert.Equal(1, engine.Statistics.EventsFolded);
            Assert.Equal(1, engine.Statistics.L2Hits);
        }
    }
}
