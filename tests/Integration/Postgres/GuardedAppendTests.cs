using Hybrid.Shell.Postgres;
using Microsoft.FSharp.Collections;
using static Hybrid.Tests.Integration.Postgres.PostgresStores;

namespace Hybrid.Tests.Integration.Postgres;

/// <summary>
/// An append whose condition reduces to an <see cref="AppendGuard"/> ("nothing matching since", expected versions, or
/// all of them, as a command over a kept state appends) is written in one round trip: the tenant row is locked first
/// and the guarded insert runs after, so it sees every commit made while it waited for the lock. When the guard fails,
/// the conditional commit gives the append decision's exact outcome.
/// </summary>
public sealed class GuardedAppendTests
{
    private static AppendRequest Reserve(string tenant, long after) =>
        AppendRequest.Of(tenant, Propose(Event("SeatReserved", null, "seat:1")))
            .When(AppendCondition.NothingNewSince(EventQuery.OfTags("seat:1"), after));

    /// <summary>The condition a command deciding over a kept state appends under (StateFold.unchanged and the
    /// aggregate's migration marker check).</summary>
    private static AppendCondition Unchanged(string stream, long version, long markersAfter) =>
        AppendCondition.NewAll(ListModule.OfArray([
            StateFoldModule.unchanged(stream, new FoldedStream(null!, version, version > 0, 0)),
            AppendCondition.NothingNewSince(EventQuery.OfTags("migration:todo"), markersAfter)]));

    private static AppendRequest AddItem(string tenant, string stream, long version) =>
        AppendRequest.Of(tenant, Propose(Event("ItemAdded", stream, "list:1"))).When(Unchanged(stream, version, 0));

    [Fact]
    public async Task an_append_under_a_kept_state_condition_is_written_in_one_round_trip()
    {
        var admin = await PostgresTestServer.CreateDatabaseAsync();
        await using var store = await PostgresEventStore.CreateAsync(PostgresEventStoreOptions.ForAdmin(admin));
        var tenant = $"t-{Guid.NewGuid():N}";
        await store.Append(AppendRequest.Of(tenant, Propose(Event("ListCreated", "list-1"))), default);

        AppendResult result;
        using (var trips = new RoundTrips(admin))
        {
            result = await store.Append(AddItem(tenant, "list-1", 1), default);
            Assert.True(trips.Count == 1, $"{trips.Count} round trips:\n{trips.Describe()}");
        }

        var written = Assert.IsType<AppendResult.Appended>(result).Item;
        Assert.Equal((2L, 2L), (written.Single().Position, written.Single().StreamVersion));
        Assert.Equal(2L, (await store.GetStreamState(tenant, "list-1", default)).Version);
    }

    [Fact]
    public async Task an_append_under_a_kept_state_waiting_for_the_tenant_lock_sees_the_stream_moved_meanwhile_and_fails_with_its_version()
    {
        var admin = await PostgresTestServer.CreateDatabaseAsync();
        await using var store = await PostgresEventStore.CreateAsync(PostgresEventStoreOptions.ForAdmin(admin));
        var tenant = $"t-{Guid.NewGuid():N}";
        await store.Append(AppendRequest.Of(tenant, Propose(Event("ListCreated", "list-1"))), default);

        await using var other = await Sql.OpenAsync(admin);
        var held = await Sql.LockTenantAsync(other, tenant);
        await other.ExecuteAsync("""
            INSERT INTO hybrid.events (tenant_id, position, id, stream_id, stream_version, type, tags, data, metadata, schema_version, "timestamp")
            VALUES (@t, 2, gen_random_uuid(), 'list-1', 2, 'ItemAdded', ARRAY['list:1'], '{}', '{"causationId":"","correlationId":"","actor":""}', 1, now());
            UPDATE hybrid.streams SET version = 2 WHERE tenant_id = @t AND stream_id = 'list-1';
            UPDATE hybrid.tenants SET head = 2 WHERE tenant_id = @t
            """, ("t", tenant));
        var guarded = store.Append(AddItem(tenant, "list-1", 1), default);
        await Sql.WaitForBlockedBackendAsync(other);
        await held.CommitAsync();

        var failed = Assert.IsType<AppendResult.ConditionFailed>(await guarded);

        Assert.Equal((ConditionFailureKind.WrongExpectedVersion, "list-1", 2L), (failed.Item.Kind, failed.Item.Stream, failed.Item.ActualVersion));
        Assert.Equal(2, await store.GetHead(tenant, default));
    }

    [Fact]
    public async Task an_append_under_a_kept_state_fails_once_a_migration_marker_is_written_after_its_position()
    {
        await using var store = await CreateAsync();
        var tenant = $"t-{Guid.NewGuid():N}";
        await store.Append(AppendRequest.Of(tenant, Propose(Event("ListCreated", "list-1"))), default);
        await store.Append(AppendRequest.Of(tenant, Propose(Event("MigrationStarted", null, "migration:todo"))), default);

        var failed = Assert.IsType<AppendResult.ConditionFailed>(await store.Append(AddItem(tenant, "list-1", 1), default));

        Assert.Equal(ConditionFailureKind.EventsMatched, failed.Item.Kind);
        Assert.Equal(2, await store.GetHead(tenant, default));
    }

    [Fact]
    public async Task expected_versions_over_a_deleted_stream_are_decided_as_the_core_decides_them()
    {
        await using var store = await CreateAsync();
        var tenant = $"t-{Guid.NewGuid():N}";
        await store.Append(AppendRequest.Of(tenant, Propose(Event("ListCreated", "list-1"))), default);
        await store.DeleteStream(tenant, "list-1", ExpectedVersion.Any, default);

        // At version 1 but no longer live: "still live at version 1" fails on the stream-exists part, with the version.
        var live = Assert.IsType<AppendResult.ConditionFailed>(await store.Append(AddItem(tenant, "list-1", 1), default));
        var exact = await store.Append(AppendRequest.Of(tenant, Propose(Event("ItemAdded", "list-1")))
            .When(AppendCondition.Expect("list-1", ExpectedVersion.NewExact(1))), default);
        var recreated = await store.Append(AppendRequest.Of(tenant, Propose(Event("ListCreated", "list-1")))
            .When(AppendCondition.Expect("list-1", ExpectedVersion.NoStream)), default);

        Assert.Equal((ConditionFailureKind.WrongExpectedVersion, 1L), (live.Item.Kind, live.Item.ActualVersion));
        Assert.Equal([2L], exact.Events.Select(e => e.StreamVersion));
        Assert.IsType<AppendResult.ConditionFailed>(recreated);
        Assert.Equal(2L, (await store.GetStreamState(tenant, "list-1", default)).Version);
    }

    [Fact]
    public async Task an_append_under_a_kept_state_sent_again_returns_the_stored_events_whether_or_not_its_condition_still_holds()
    {
        await using var store = await CreateAsync();
        var tenant = $"t-{Guid.NewGuid():N}";
        await store.Append(AppendRequest.Of(tenant, Propose(Event("ListCreated", "list-1"))), default);
        var add = AddItem(tenant, "list-1", 1);
        // The same ids under a condition that still holds after the first write: the guard passes, the id index refuses.
        var anyVersion = add.When(AppendCondition.NewAll(ListModule.OfArray([
            AppendCondition.Expect("list-1", ExpectedVersion.StreamExists),
            AppendCondition.NothingNewSince(EventQuery.OfTags("migration:todo"), 0)])));

        var written = await store.Append(add, default);
        var again = await store.Append(add, default);
        var stillHolding = await store.Append(anyVersion, default);

        Assert.True(written.IsAppended);
        Assert.Equal(written.Events.Select(e => (e.Id, e.Position)), again.Events.Select(e => (e.Id, e.Position)));
        Assert.Equal(written.Events.Select(e => (e.Id, e.Position)), stillHolding.Events.Select(e => (e.Id, e.Position)));
        Assert.Equal(2, await store.GetHead(tenant, default));
    }

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
