using Hybrid.Shell.Postgres;
using static Hybrid.Tests.Integration.Postgres.PostgresStores;

namespace Hybrid.Tests.Integration.Postgres;

public sealed class PostgresStoreSmokeTests : IAsyncLifetime
{
    private PostgresEventStore _store = null!;

    public async Task InitializeAsync() => _store = await CreateAsync();

    public async Task DisposeAsync() => await _store.DisposeAsync();

    [Fact]
    public async Task appended_events_are_read_back_with_gapless_positions_and_stream_versions()
    {
        var tenant = $"t-{Guid.NewGuid():N}";
        var first = (await _store.Append(AppendRequest.Of(tenant, Propose(Event("A", "s-1", "k:1"), Event("B", "s-1"), Event("C", null, "k:1"))), default)).Events;
        Assert.Equal([1L, 2L, 3L], first.Select(e => e.Position));
        Assert.Equal([1L, 2L, 0L], first.Select(e => e.StreamVersion));
        var read = await _store.Read(tenant, EventQuery.All, default);
        Assert.Equal(first.Select(e => e.Id), read.Select(e => e.Id));
        Assert.Equal(first.Select(e => e.Timestamp), read.Select(e => e.Timestamp));
        Assert.Equal(["k:1"], read[0].Tags);
        var tagged = await _store.Read(tenant, EventQuery.OfTags("k:1"), default);
        Assert.Equal([1L, 3L], tagged.Select(e => e.Position));
        var typed = await _store.Read(tenant, EventQuery.OfTypes("B", "C").Backwards(), default);
        Assert.Equal([3L, 2L], typed.Select(e => e.Position));
        Assert.Equal(3L, await _store.GetHead(tenant, default));
        Assert.Equal(2L, (await _store.GetStreamState(tenant, "s-1", default)).Version);
        Assert.Equal(2, (await _store.ReadStream(tenant, StreamRead.Forward("s-1"), default)).Length);
        Assert.Contains(tenant, await _store.GetTenants(default));

        var conditioned = await _store.Append(AppendRequest.Of(tenant, Propose(Event("D", "s-1"))).When(AppendCondition.Expect("s-1", ExpectedVersion.NewExact(2))), default);
        Assert.Equal(4L, conditioned.Events[0].Position);
        Assert.Equal(3L, conditioned.Events[0].StreamVersion);
        var stale = await _store.Append(AppendRequest.Of(tenant, Propose(Event("E", "s-1"))).When(AppendCondition.Expect("s-1", ExpectedVersion.NewExact(2))), default);
        Assert.True(stale.IsConditionFailed);
        var dcb = await _store.Append(AppendRequest.Of(tenant, Propose(Event("E"))).When(AppendCondition.NothingNewSince(EventQuery.OfTags("k:1"), 2)), default);
        Assert.True(dcb.IsConditionFailed);
        var dcbOk = await _store.Append(AppendRequest.Of(tenant, Propose(Event("E"))).When(AppendCondition.NothingNewSince(EventQuery.OfTags("k:1"), 3)), default);
        Assert.Equal(5L, dcbOk.Events[0].Position);
    }
}
