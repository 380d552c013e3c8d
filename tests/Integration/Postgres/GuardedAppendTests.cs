using Hybrid.Shell.Postgres;
using static Hybrid.Tests.Integration.Postgres.PostgresStores;

namespace Hybrid.Tests.Integration.Postgres;

/// <summary>
/// A lone append conditioned on "nothing matching since" is written in one round trip: the tenant row is locked
/// first and the guarded insert runs after, so it sees every commit made while it waited for the lock.
/// </summary>
public sealed class GuardedAppendTests
{
    private static AppendRequest Reserve(string tenant, long after) =>
        AppendRequest.Of(tenant, Propose(Event("SeatReserved", null, "seat:1")))
            .When(AppendCondition.NothingNewSince(EventQuery.OfTags("seat:1"), after));

    [Fact]
    public async Task a_guarded_append_waiting_for_the_tenant_lock_sees_the_matching_event_committed_meanwhile_and_writes_nothing()
    {
        var admin = await PostgresTestServer.CreateDatabaseAsync();
        await using var store = await PostgresEventStore.CreateAsync(PostgresEventStoreOptions.ForAdmin(admin));
        var tenant = $"t-{Guid.NewGuid():N}";
        await store.Append(AppendRequest.Of(tenant, Propose(Event("Opened"))), default);

        await using var other = await Sql.OpenAsync(admin);
        var held = await Sql.LockTenantAsync(other, tenant);
        await other.ExecuteAsync("""
            INSERT INTO hybrid.events (tenant_id, position, id, stream_id, stream_version, type, tags, data, metadata, schema_version, "timestamp")
            VALUES (@t, 2, gen_random_uuid(), NULL, 0, 'SeatReserved', ARRAY['seat:1'], '{}', '{"causationId":"","correlationId":"","actor":""}', 1, now());
            UPDATE hybrid.tenants SET head = 2 WHERE tenant_id = @t
            """, ("t", tenant));
        var guarded = store.Append(Reserve(tenant, after: 1), default);
        await Sql.WaitForBlockedBackendAsync(other);
        await held.CommitAsync();

        var result = await guarded;

        var failed = Assert.IsType<AppendResult.ConditionFailed>(result);
        Assert.Equal(ConditionFailureKind.EventsMatched, failed.Item.Kind);
        Assert.Single(await store.Read(tenant, EventQuery.OfTags("seat:1"), default));
        Assert.Equal(2, await store.GetHead(tenant, default));
    }

    [Fact]
    public async Task racing_guarded_appends_from_two_stores_write_exactly_one_reservation()
    {
        var admin = await PostgresTestServer.CreateDatabaseAsync();
        await using var first = await PostgresEventStore.CreateAsync(PostgresEventStoreOptions.ForAdmin(admin));
        await using var second = await PostgresEventStore.CreateAsync(PostgresEventStoreOptions.ForAdmin(admin));
        var tenant = $"t-{Guid.NewGuid():N}";
        await first.Append(AppendRequest.Of(tenant, Propose(Event("Opened"))), default);

        var results = await Task.WhenAll(Enumerable.Range(0, 8)
            .Select(i => Task.Run(() => (i % 2 == 0 ? first : second).Append(Reserve(tenant, after: 1), default))));

        Assert.Single(results, r => r.IsAppended);
        Assert.All(results.Where(r => !r.IsAppended),
            r => Assert.Equal(ConditionFailureKind.EventsMatched, Assert.IsType<AppendResult.ConditionFailed>(r).Item.Kind));
        Assert.Single(await first.Read(tenant, EventQuery.OfTags("seat:1"), default));
    }

    [Fact]
    public async Task a_guarded_append_sent_again_with_the_same_ids_returns_the_stored_events_and_writes_nothing_more()
    {
        await using var store = await CreateAsync();
        var tenant = $"t-{Guid.NewGuid():N}";
        var request = Reserve(tenant, after: 0);

        var written = await store.Append(request, default);
        var again = await store.Append(request, default);

        Assert.True(written.IsAppended);
        Assert.True(again.IsAppended);
        Assert.Equal(written.Events.Select(e => (e.Id, e.Position)), again.Events.Select(e => (e.Id, e.Position)));
        Assert.Equal(1, await store.GetHead(tenant, default));
    }
}
