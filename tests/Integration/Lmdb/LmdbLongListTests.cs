using Hybrid.Shell.Lmdb.EventStore;

namespace Hybrid.Tests.Integration.Lmdb;

/// <summary>
/// The store's stream-version and posting lists are kept in chunks of up to 64 entries per key (format 3): reads in
/// either direction, windows and limits across chunk boundaries, appends of every size, and purges that take postings
/// out of chunks and put placeholders into them all agree with a plain model of the log, and verify finds the store sound.
/// </summary>
public sealed class LmdbLongListTests : IDisposable
{
    private readonly DirectoryInfo _temp = Directory.CreateTempSubdirectory("hybrid-lmdb-lists-");
    private static readonly CancellationToken Ct = CancellationToken.None;
    private const string Tenant = "acme";

    public void Dispose() => _temp.Delete(recursive: true);

    internal static EventData Data(int i) =>
        new(i % 4 == 0 ? "A" : "B", ["all:x", i % 2 == 0 ? "parity:even" : "parity:odd", .. i % 3 == 0 ? new[] { "three:yes" } : []],
            i % 5 == 0 ? null! : "s", $$"""{"i":{{i}}}""", 1);

    /// <summary>Writes 330 events in appends of 1 to 100 events (chunks are filled, closed and started mid-append).</summary>
    private static async Task<List<RecordedEvent>> Fill(LmdbEventStore store)
    {
        var written = new List<RecordedEvent>();
        int[] sizes = [1, 100, 7, 64, 63, 1, 2, 62, 30];
        for (var i = 0; i < 330;)
        {
            var size = Math.Min(sizes[written.Count % sizes.Length], 330 - i);
            var events = Enumerable.Range(i, size).Select(n => new ProposedEvent(Guid.CreateVersion7(), Data(n), EventMetadata.Empty)).ToArray();
            var result = await store.Append(AppendRequest.Of(Tenant, events), Ct);
            written.AddRange(Assert.IsType<AppendResult.Appended>(result).Item);
            i += size;
        }
        return written;
    }

    private static readonly (long After, long Before)[] Windows = [(0, long.MaxValue), (63, 130), (64, 66), (127, 200), (128, 129), (250, 1000), (329, 331), (400, 500)];
    private static readonly int[] Limits = [0, 1, 50];

    internal static async Task AssertReadsMatch(LmdbEventStore store, IReadOnlyList<RecordedEvent> log)
    {
        QueryItem[][] queries =
        [
            [QueryItem.OfTags("all:x")],
            [QueryItem.OfTags("parity:even", "three:yes")],
            [QueryItem.OfTypes("A")],
            [QueryItem.OfTypes("A"), QueryItem.OfTags("parity:odd", "three:yes")],
            [QueryItem.OfTypes(Purging.PurgedType)],
        ];
        foreach (var items in queries)
            foreach (var (after, before) in Windows)
                foreach (var limit in Limits)
                    foreach (var direction in new[] { Direction.Forward, Direction.Backward })
                    {
                        var query = new EventQuery(items, after, before, direction, limit);
                        var matching = log.Where(e => e.Position > after && e.Position < before && EventQueryModule.matchesTypeAndTags(query, e.Type, e.Tags));
                        if (direction == Direction.Backward) matching = matching.Reverse();
                        if (limit > 0) matching = matching.Take(limit);
                        var read = await store.Read(Tenant, query, Ct);
                        Assert.True(matching.Select(e => e.Position).SequenceEqual(read.Select(e => e.Position)),
                            $"{string.Join(" or ", items.Select(i => string.Join("+", i.Types.Concat(i.Tags))))} in ({after}, {before}) {direction} limit {limit}");
                    }
        var stream = log.Where(e => e.Stream == "s").ToArray();
        Assert.Equal(stream.Length, (await store.GetStreamState(Tenant, "s", Ct)).Version);
        foreach (var (after, before) in Windows)
            foreach (var limit in Limits)
                foreach (var direction in new[] { Direction.Forward, Direction.Backward })
                {
                    var expected = stream.Where(e => e.StreamVersion > after && e.StreamVersion < before);
                    if (direction == Direction.Backward) expected = expected.Reverse();
                    if (limit > 0) expected = expected.Take(limit);
                    var read = await store.ReadStream(Tenant, new StreamRead("s", after, before, direction, limit), Ct);
                    Assert.True(expected.Select(e => (e.StreamVersion, e.Position)).SequenceEqual(read.Select(e => (e.StreamVersion, e.Position))),
                        $"stream versions in ({after}, {before}) {direction} limit {limit}");
                }
    }

    [Fact]
    public async Task long_lists_read_back_like_the_log_in_every_window_direction_and_limit_and_verify_sound()
    {
        var directory = Path.Combine(_temp.FullName, "store");
        using (var store = LmdbEventStore.Open(new LmdbEventStoreOptions { Directory = directory, Durable = false }))
        {
            var log = await Fill(store);
            await AssertReadsMatch(store, log);
        }
        var verification = LmdbStoreVerifier.Verify(directory);
        Assert.True(verification.Sound, verification.ToString());
        Assert.Equal(330, verification.Events);
    }

    [Fact]
    public async Task purges_take_postings_out_of_long_lists_and_put_placeholders_in_and_verify_stays_sound()
    {
        var directory = Path.Combine(_temp.FullName, "store");
        using (var store = LmdbEventStore.Open(new LmdbEventStoreOptions { Directory = directory, Durable = false }))
        {
            await Fill(store);
            // Every event a chunk starts or ends with, then most of what is left: whole chunks empty, the placeholders'
            // list grows from the middle of the log past a chunk's largest size and is split.
            long[][] purges = [[1, 64, 65, 128, 129, 192, 193, 256], [.. Enumerable.Range(2, 150).Where(p => p % 3 != 0).Select(p => (long)p)], [.. Enumerable.Range(152, 170).Select(p => (long)p)]];
            foreach (var positions in purges)
            {
                var request = new PurgeRequest(Tenant, PurgeTarget.NewEventsAt([.. positions.Where(p => !Purged(p))]), "retention", Guid.CreateVersion7(), EventMetadata.Empty);
                Assert.IsType<PurgeResult.Purged>(await store.Purge(request, Ct));
                foreach (var p in positions) _purged.Add(p);
            }
            var log = await store.Read(Tenant, EventQuery.All, Ct);
            Assert.Equal(log.Count(e => e.Type == Purging.PurgedType), _purged.Count);
            await AssertReadsMatch(store, log);
            // The lists still take appends after purges.
            Assert.IsType<AppendResult.Appended>(await store.Append(AppendRequest.Of(Tenant, new ProposedEvent(Guid.CreateVersion7(), Data(0), EventMetadata.Empty)), Ct));
            await AssertReadsMatch(store, await store.Read(Tenant, EventQuery.All, Ct));
        }
        var verification = LmdbStoreVerifier.Verify(directory);
        Assert.True(verification.Sound, verification.ToString());
    }

    private readonly HashSet<long> _purged = [];

    private bool Purged(long position) => _purged.Contains(position);
}
