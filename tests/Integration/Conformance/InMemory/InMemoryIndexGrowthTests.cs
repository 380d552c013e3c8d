// The in-memory store's own id and position indexes grow in steps (the log and position lists in chunks of 8,192, the
// id index in buckets that split): these pin that lookups stay right past many growth steps and chunk boundaries, for
// id shapes that cluster under weak hashing, and that purges move positions across chunk boundaries exactly.
using Hybrid.InMemory.EventStore;
using static Hybrid.Tests.Integration.Conformance.TestEvents;

namespace Hybrid.Tests.Integration.Conformance.InMemory;

public sealed class InMemoryIndexGrowthTests
{
    private const string Tenant = "growth";
    private const int Batches = 160;
    private const int BatchSize = 125;
    private readonly CancellationToken _ct = CancellationToken.None;

    public static TheoryData<string> IdShapes => ["random", "counter-low", "counter-high", "version7"];

    private static Guid IdOf(string shape, int n)
    {
        var bytes = new byte[16];
        switch (shape)
        {
            case "random": return Guid.NewGuid();
            case "version7": return Guid.CreateVersion7(DateTimeOffset.UnixEpoch.AddMilliseconds(n / 8));
            case "counter-low": BitConverter.TryWriteBytes(bytes.AsSpan(12), n + 1); break;
            default: BitConverter.TryWriteBytes(bytes.AsSpan(0), n + 1); break;
        }
        return new Guid(bytes);
    }

    private static ProposedEvent[][] Batched(string shape) =>
        Enumerable.Range(0, Batches).Select(b => Enumerable.Range(b * BatchSize, BatchSize)
            .Select(n => new ProposedEvent(IdOf(shape, n), Of(n % 3 == 0 ? "Odd" : "Even", $"s-{n % 7}", $"t:{n % 5}", $"u:{n}"), EventMetadata.Empty))
            .ToArray()).ToArray();

    [Theory]
    [MemberData(nameof(IdShapes))]
    public async Task every_id_stays_an_idempotency_key_after_the_id_index_has_grown_many_times(string shape)
    {
        var store = new InMemoryEventStore();
        var batches = Batched(shape);
        var first = new List<RecordedEvent[]>();
        foreach (var batch in batches) first.Add(Assert.IsType<AppendResult.Appended>(await store.Append(AppendRequest.Of(Tenant, batch), _ct)).Item);

        for (var b = 0; b < Batches; b++)
        {
            var again = Assert.IsType<AppendResult.Appended>(await store.Append(AppendRequest.Of(Tenant, batches[b]), _ct)).Item;
            Assert.Equal(first[b].Select(e => (e.Id, e.Position)), again.Select(e => (e.Id, e.Position)));
        }
        var mixed = AppendRequest.Of(Tenant, [batches[Batches - 1][BatchSize - 1], .. Propose(Of("Fresh"))]);
        var failed = Assert.IsType<AppendResult.ConditionFailed>(await store.Append(mixed, _ct));
        Assert.Equal(ConditionFailureKind.DuplicateEventIds, failed.Item.Kind);
        Assert.Equal(Batches * BatchSize, await store.GetHead(Tenant, _ct));
        Assert.IsType<AppendResult.Appended>(await store.Append(AppendRequest.Of(Tenant, Propose(Of("Fresh"))), _ct));
    }

    [Fact]
    public async Task type_tag_and_stream_reads_match_a_filter_of_all_events_after_the_indexes_have_grown()
    {
        var store = new InMemoryEventStore();
        foreach (var batch in Batched("random")) await store.Append(AppendRequest.Of(Tenant, batch), _ct);
        var all = await store.Read(Tenant, EventQuery.All, _ct);
        Assert.Equal(Batches * BatchSize, all.Length);

        Assert.Equal(all.Where(e => e.Type == "Odd").Select(e => e.Position),
            (await store.Read(Tenant, EventQuery.OfTypes("Odd"), _ct)).Select(e => e.Position));
        Assert.Equal(all.Where(e => e.Tags.Contains("t:3")).Select(e => e.Position),
            (await store.Read(Tenant, EventQuery.OfTags("t:3"), _ct)).Select(e => e.Position));
        Assert.Equal(all.Where(e => e.Tags.Contains("u:4321")).Select(e => e.Position),
            (await store.Read(Tenant, EventQuery.OfTags("u:4321"), _ct)).Select(e => e.Position));
        var middle = all[12_500].Position;
        Assert.Equal(all.Where(e => e.Tags.Contains("t:1") && e.Position > middle).Select(e => e.Position).Reverse().Take(10),
            (await store.Read(Tenant, new EventQuery(EventQuery.OfTags("t:1").Items, middle, EventQuery.All.Before, Direction.Backward, 10), _ct)).Select(e => e.Position));
        Assert.Equal(all.Where(e => e.Stream == "s-4").Select(e => e.Position),
            (await store.ReadStream(Tenant, StreamRead.Forward("s-4"), _ct)).Select(e => e.Position));
    }

    [Fact]
    public async Task purges_move_positions_between_index_lists_longer_than_a_chunk_exactly()
    {
        const int count = 20_000;
        var store = new InMemoryEventStore();
        for (var b = 0; b < count / 500; b++)
            await store.Append(AppendRequest.Of(Tenant, Propose([.. Enumerable.Range(b * 500, 500)
                .Select(n => Of(n % 2 == 0 ? "Odd" : "Even", "long", "every:one", $"u:{n}"))])), _ct);
        var written = await store.Read(Tenant, EventQuery.All, _ct);

        // 9,000 placeholders (a list longer than a chunk), then two more below them: inserted at its start and middle.
        var purged = Enumerable.Range(1, 9_000).Select(k => 2L * k + 1_000).ToList();
        await Purge(store, [.. purged]);
        await Purge(store, [1L, 9_001L]);
        purged.AddRange([1L, 9_001L]);
        var isPurged = purged.ToHashSet();

        var all = await store.Read(Tenant, EventQuery.All, _ct);
        Assert.Equal(count + 2, all.Length);
        Assert.Equal(purged.Order(), (await store.Read(Tenant, EventQuery.OfTypes(Purging.PurgedType), _ct)).Select(e => e.Position));
        Assert.Equal(written.Where(e => !isPurged.Contains(e.Position)).Select(e => e.Position),
            (await store.Read(Tenant, EventQuery.OfTags("every:one"), _ct)).Select(e => e.Position));
        Assert.Equal(written.Where(e => e.Type == "Even" && !isPurged.Contains(e.Position)).Select(e => e.Position),
            (await store.Read(Tenant, EventQuery.OfTypes("Even"), _ct)).Select(e => e.Position));
        Assert.Empty(await store.Read(Tenant, EventQuery.OfTags("u:1001"), _ct));
        Assert.Equal(written.Select(e => (e.Id, e.Position)), (await store.ReadStream(Tenant, StreamRead.Forward("long"), _ct)).Select(e => (e.Id, e.Position)));
        Assert.Equal(9_001L, Assert.Single(await store.ReadById(Tenant, written[9_000].Id, _ct)).Position);
    }

    private async Task Purge(InMemoryEventStore store, long[] positions)
    {
        var result = await store.Purge(new PurgeRequest(Tenant, PurgeTarget.NewEventsAt(positions), "index test", Guid.CreateVersion7(), EventMetadata.Empty), _ct);
        Assert.Equal(positions.Length, Assert.IsType<PurgeResult.Purged>(result).positions.Length);
    }
}
