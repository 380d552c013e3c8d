using Hybrid.Shell.Lmdb.EventStore;
using LightningDB;

namespace Hybrid.Tests.Integration.Lmdb;

/// <summary>
/// A tenant's latest events wait for their index entries (format 4's index tail, up to 64 events): reads, re-sends,
/// stream states and conditions see them as if indexed, in the process that wrote them and after a reopen (the tail
/// read back from the log), while appends and reads run side by side, and verify checks the index mark.
/// </summary>
public sealed class LmdbIndexTailTests : IDisposable
{
    private readonly DirectoryInfo _temp = System.IO.Directory.CreateTempSubdirectory("hybrid-lmdb-tail-");
    private static readonly CancellationToken Ct = CancellationToken.None;
    private const string Tenant = "acme";

    public void Dispose() => _temp.Delete(recursive: true);

    private string StoreDirectory => Path.Combine(_temp.FullName, "store");

    private LmdbEventStore Open() => LmdbEventStore.Open(new LmdbEventStoreOptions { Directory = StoreDirectory, Durable = false });

    private static async Task<List<RecordedEvent>> AppendSingly(LmdbEventStore store, int from, int count)
    {
        var written = new List<RecordedEvent>();
        for (var i = from; i < from + count; i++)
        {
            var result = await store.Append(AppendRequest.Of(Tenant, new ProposedEvent(Guid.CreateVersion7(), LmdbLongListTests.Data(i), EventMetadata.Empty)), Ct);
            written.AddRange(Assert.IsType<AppendResult.Appended>(result).Item);
        }
        return written;
    }

    [Fact]
    public async Task single_appends_read_back_like_the_log_with_an_index_tail_before_and_after_a_reopen()
    {
        List<RecordedEvent> log;
        using (var store = Open())
        {
            // 150 single appends: the tail is indexed twice (at 64 and 128) and 22 events are left in it.
            log = await AppendSingly(store, 0, 150);
            await LmdbLongListTests.AssertReadsMatch(store, log);
            await AssertTailEventsAreKnown(store, log);
        }
        AssertReadFromTheLogWithoutTheWriter(log);
        using (var store = Open())
        {
            await LmdbLongListTests.AssertReadsMatch(store, log);
            await AssertTailEventsAreKnown(store, log);
            // The tail read back from the log takes appends, and is indexed when it is full.
            log.AddRange(await AppendSingly(store, 150, 50));
            await LmdbLongListTests.AssertReadsMatch(store, log);
        }
        var verification = LmdbStoreVerifier.Verify(StoreDirectory);
        Assert.True(verification.Sound, verification.ToString());
        Assert.Equal(200, verification.Events);
    }

    /// <summary>A transaction without the writer's tails (another process's view) reads the tail from the log.</summary>
    private void AssertReadFromTheLogWithoutTheWriter(List<RecordedEvent> log)
    {
        using var env = StoreEnvironment.Open(new LmdbEventStoreOptions { Directory = StoreDirectory, Durable = false });
        env.Read((tx, dbs) =>
        {
            var view = new StoreTxn(tx, dbs, env.DataFile).Tenant(Tenant)!;
            Assert.Equal(128, view.Mark());
            Assert.Equal(log.Where(e => e.HasTag("three:yes")).Select(e => e.Position), view.Select(EventQuery.OfTags("three:yes")).Select(e => e.Position));
            Assert.Equal(log.Where(e => e.Stream == "s").Select(e => e.Position), view.ReadStream(StreamRead.Forward("s")).Select(e => e.Position));
            Assert.Equal(log.Count(e => e.Stream == "s"), view.StateOf("s").Version);
            Assert.True(view.TryGetPosition(log[^1].Id, out var position) && position == log[^1].Position);
            return 0;
        });
    }

    [Fact]
    public async Task at_most_256_tenants_hold_an_index_tail_the_least_recently_written_are_indexed()
    {
        const int tenants = IndexTails.MaxTenants + 44;
        var written = new Dictionary<string, RecordedEvent>();
        using (var store = Open())
        {
            for (var t = 0; t < tenants; t++)
            {
                var tenant = $"t{t:000}";
                var result = await store.Append(AppendRequest.Of(tenant, new ProposedEvent(Guid.CreateVersion7(), LmdbLongListTests.Data(t), EventMetadata.Empty)), Ct);
                written[tenant] = Assert.IsType<AppendResult.Appended>(result).Item.Single();
                Assert.True(store.Tails.Holding <= IndexTails.MaxTenants, $"{store.Tails.Holding} tenants hold a tail");
            }
            foreach (var (tenant, e) in written)
            {
                Assert.Equal(e.Position, Assert.Single(await store.Read(tenant, EventQuery.OfTags("all:x"), Ct)).Position);
                Assert.Equal(e.Id, Assert.Single(await store.ReadById(tenant, e.Id, Ct)).Id);
            }
        }
        using (var env = StoreEnvironment.Open(new LmdbEventStoreOptions { Directory = StoreDirectory, Durable = false }))
            env.Read((tx, dbs) =>
            {
                var txn = new StoreTxn(tx, dbs, env.DataFile);
                Assert.Equal(1, txn.Tenant("t000")!.Mark());
                Assert.Equal(0, txn.Tenant($"t{tenants - 1:000}")!.Mark());
                return 0;
            });
        var verification = LmdbStoreVerifier.Verify(StoreDirectory);
        Assert.True(verification.Sound, verification.ToString());
        Assert.Equal(tenants, verification.Events);
    }

    [Fact]
    public async Task a_reopened_store_indexes_the_tails_its_last_process_left()
    {
        using (var store = Open())
            await AppendSingly(store, 0, 10);
        using (var store = Open())
            Assert.Equal(0, store.Tails.Holding);
        using var env = StoreEnvironment.Open(new LmdbEventStoreOptions { Directory = StoreDirectory, Durable = false });
        Assert.Equal(10, env.Read((tx, dbs) => new StoreTxn(tx, dbs, env.DataFile).Tenant(Tenant)!.Mark()));
    }

    /// <summary>The last event (in the tail) is found by id, recognised when sent again, and seen by conditions.</summary>
    private static async Task AssertTailEventsAreKnown(LmdbEventStore store, List<RecordedEvent> log)
    {
        var last = log[^1];
        Assert.Equal(last.Position, Assert.Single(await store.ReadById(Tenant, last.Id, Ct)).Position);
        var again = await store.Append(AppendRequest.Of(Tenant, new ProposedEvent(last.Id, LmdbLongListTests.Data(log.Count - 1), EventMetadata.Empty)), Ct);
        Assert.Equal(last.Position, Assert.IsType<AppendResult.Appended>(again).Item.Single().Position);
        Assert.Equal(log.Count, await store.GetHead(Tenant, Ct));

        var lastOfStream = log.Last(e => e.Stream == "s");
        var stale = AppendRequest.Of(Tenant, new ProposedEvent(Guid.CreateVersion7(), LmdbLongListTests.Data(1), EventMetadata.Empty))
            .When(AppendCondition.Expect("s", ExpectedVersion.NewExact(lastOfStream.StreamVersion - 1)));
        Assert.IsType<AppendResult.ConditionFailed>(await store.Append(stale, Ct));
        var tagged = EventQuery.OfTags("parity:" + (log.Count % 2 == 0 ? "odd" : "even"));
        var unseen = AppendRequest.Of(Tenant, new ProposedEvent(Guid.CreateVersion7(), LmdbLongListTests.Data(1), EventMetadata.Empty))
            .When(AppendCondition.NothingNewSince(tagged, log.Count - 1));
        Assert.IsType<AppendResult.ConditionFailed>(await store.Append(unseen, Ct));
    }

    [Fact]
    public async Task reads_beside_appends_always_see_a_whole_prefix_of_the_log_across_index_tail_boundaries()
    {
        using var store = Open();
        var appenders = Enumerable.Range(0, 4).Select(w => Task.Run(() => AppendSingly(store, w * 1000, 100))).ToArray();
        var reads = 0;
        while (!appenders.All(a => a.IsCompleted) || reads == 0)
        {
            // Every event carries the tag: a read through the postings and the tail is positions 1..n without a gap.
            var read = await store.Read(Tenant, EventQuery.OfTags("all:x"), Ct);
            Assert.Equal(Enumerable.Range(1, read.Length).Select(p => (long)p), read.Select(e => e.Position));
            var backward = await store.Read(Tenant, new EventQuery([QueryItem.OfTags("all:x")], 0, long.MaxValue, Direction.Backward, 10), Ct);
            Assert.True(backward.Length == 0 || backward[0].Position >= read.Length, "a later read sees at least as much");
            reads++;
        }
        await Task.WhenAll(appenders);
        Assert.Equal(400, (await store.Read(Tenant, EventQuery.OfTags("all:x"), Ct)).Length);
    }

    [Fact]
    public async Task a_store_of_format_3_is_upgraded_in_place_and_verify_finds_it_sound()
    {
        using (var store = Open())
            Assert.IsType<AppendResult.Appended>(await store.Append(AppendRequest.Of(Tenant,
                Enumerable.Range(0, 64).Select(i => new ProposedEvent(Guid.CreateVersion7(), LmdbLongListTests.Data(i), EventMetadata.Empty)).ToArray()), Ct));
        // Format 3 indexed every event and kept no index marks.
        WriteRaw((tx, meta, indexed) =>
        {
            tx.Delete(indexed, StoreKeys.Tenant(1)).ThrowOnError();
            var key = "format"u8.ToArray();
            tx.Put(meta, key, Sealed.Seal(key, "hybrid-event-store/3"u8.ToArray())).ThrowOnError();
        });

        using (var store = Open())
        {
            var log = await store.Read(Tenant, EventQuery.All, Ct);
            Assert.Equal(64, log.Length);
            await LmdbLongListTests.AssertReadsMatch(store, log);
        }
        var verification = LmdbStoreVerifier.Verify(StoreDirectory);
        Assert.True(verification.Sound, verification.ToString());
    }

    [Fact]
    public async Task verify_and_open_report_an_index_mark_beyond_the_log_naming_the_tenant_and_the_file()
    {
        using (var store = Open())
            await AppendSingly(store, 0, 3);
        WriteRaw((tx, _, indexed) =>
        {
            var key = StoreKeys.Tenant(1);
            tx.Put(indexed, key, Sealed.Seal(key, BitConverter.GetBytes(99L))).ThrowOnError();
        });

        var verification = LmdbStoreVerifier.Verify(StoreDirectory);
        Assert.False(verification.Sound);
        Assert.Equal("indexed", verification.Database);
        Assert.Contains("tenant 'acme'", verification.Key);
        Assert.Contains("beyond", verification.Problem);
        var error = Assert.Throws<LmdbStoreDamagedException>(Open);
        Assert.Contains("index mark 99", error.Message);
        Assert.Contains(Path.Combine(StoreDirectory, "data.mdb"), error.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(LmdbEventStoreOptions.LongestIndexTail + 1)]
    public void an_index_tail_length_out_of_range_is_refused_naming_the_option_and_the_range(int length)
    {
        var error = Assert.Throws<ArgumentException>(() => LmdbEventStore.Open(new LmdbEventStoreOptions { Directory = StoreDirectory, IndexTailLength = length }));
        Assert.Contains($"IndexTailLength is {length}; it must be 1 to {LmdbEventStoreOptions.LongestIndexTail}", error.Message);
        Assert.False(System.IO.Directory.Exists(StoreDirectory), "nothing was created");
    }

    private void WriteRaw(Action<LightningTransaction, LightningDatabase, LightningDatabase> change)
    {
        using var env = new LightningEnvironment(StoreDirectory, new EnvironmentConfiguration { MaxDatabases = 16 });
        env.Open();
        using var tx = env.BeginTransaction();
        using var meta = tx.OpenDatabase("meta");
        using var indexed = tx.OpenDatabase("indexed");
        change(tx, meta, indexed);
        tx.Commit().ThrowOnError();
    }
}
