using Hybrid.Shell.Postgres;
using Microsoft.FSharp.Collections;
using Npgsql;
using static Hybrid.Tests.Integration.Postgres.PostgresStores;

namespace Hybrid.Tests.Integration.Postgres;

/// <summary>
/// Appends queued for one tenant while a commit is in flight go together in one transaction. The first append is held
/// at the tenant lock by a superuser transaction; the others queue behind it in-process, then commit as one group.
/// </summary>
public sealed class GroupCommitTests : IAsyncLifetime
{
    private PostgresEventStore _store = null!;
    private string _admin = null!;
    private readonly string _tenant = $"t-{Guid.NewGuid():N}";

    public async Task InitializeAsync()
    {
        _admin = await PostgresTestServer.CreateDatabaseAsync();
        _store = await PostgresEventStore.CreateAsync(PostgresEventStoreOptions.ForAdmin(_admin));
    }

    public async Task DisposeAsync() => await _store.DisposeAsync();

    /// <summary>Starts the first append, waits until it blocks on the held lock, queues the rest, then releases the lock.</summary>
    private async Task<AppendResult[]> QueuedBehindAHeldLock(AppendRequest first, params AppendRequest[] queued)
    {
        await using var admin = await Sql.OpenAsync(_admin);
        var held = await Sql.LockTenantAsync(admin, _tenant);
        var inFlight = _store.Append(first, default);
        await Sql.WaitForBlockedBackendAsync(admin);
        var rest = queued.Select(r => _store.Append(r, default)).ToArray();
        await held.CommitAsync();
        return await Task.WhenAll([inFlight, .. rest]);
    }

    private async Task<long[]> TransactionIdsOf(IEnumerable<RecordedEvent> events)
    {
        await using var admin = await Sql.OpenAsync(_admin);
        return (await admin.ColumnAsync<long>("SELECT xmin::text::bigint FROM hybrid.events WHERE tenant_id = @t AND id = ANY(@ids)",
            ("t", _tenant), ("ids", events.Select(e => e.Id).ToArray()))).ToArray();
    }

    [Fact]
    public async Task queued_unconditional_appends_commit_in_one_transaction_with_gapless_positions()
    {
        var results = await QueuedBehindAHeldLock(AppendRequest.Of(_tenant, Propose(Event("First", "s-1"))),
            AppendRequest.Of(_tenant, Propose(Event("A", "s-1"), Event("B", "s-2"))),
            AppendRequest.Of(_tenant, Propose(Event("C", "s-1"))),
            AppendRequest.Of(_tenant, Propose(Event("D"))));
        Assert.Equal([1L, 2L, 3L, 4L, 5L], results.SelectMany(r => r.Events).Select(e => e.Position));
        Assert.Equal([1L, 2L, 1L, 3L, 0L], results.SelectMany(r => r.Events).Select(e => e.StreamVersion));
        var grouped = results.Skip(1).SelectMany(r => r.Events).ToArray();
        Assert.Single((await TransactionIdsOf(grouped)).Distinct());
        Assert.NotEqual((await TransactionIdsOf(results[0].Events)).Single(), (await TransactionIdsOf(grouped)).First());
        var read = await _store.Read(_tenant, EventQuery.All, default);
        Assert.Equal(results.SelectMany(r => r.Events).Select(e => (e.Id, e.Position, e.StreamVersion)), read.Select(e => (e.Id, e.Position, e.StreamVersion)));
    }

    [Fact]
    public async Task each_queued_append_is_decided_in_order_and_a_failing_condition_fails_only_its_own_append()
    {
        var expectS1AtOne = AppendCondition.Expect("s-1", ExpectedVersion.NewExact(1));
        var results = await QueuedBehindAHeldLock(AppendRequest.Of(_tenant, Propose(Event("First", "s-1"))),
            AppendRequest.Of(_tenant, Propose(Event("Second", "s-1", "order:1"))).When(expectS1AtOne),
            AppendRequest.Of(_tenant, Propose(Event("Stale", "s-1"))).When(expectS1AtOne),
            AppendRequest.Of(_tenant, Propose(Event("Raced"))).When(AppendCondition.NothingNewSince(EventQuery.OfTags("order:1"), 1)),
            AppendRequest.Of(_tenant, Propose(Event("Free", null, "order:2"))),
            AppendRequest.Of(_tenant, Propose(Event("Counted"))).When(AppendCondition.Where(EventQuery.OfTags("order:2"), es => es.Length == 1, "one order:2")),
            AppendRequest.Of(_tenant, Propose(Event("New", "s-9"))).When(AppendCondition.Expect("s-9", ExpectedVersion.NoStream)),
            AppendRequest.Of(_tenant, Propose(Event("Twice", "s-9"))).When(AppendCondition.Expect("s-9", ExpectedVersion.NoStream)));

        Assert.Equal([true, true, false, false, true, true, true, false], results.Select(r => r.IsAppended));
        Assert.Equal(ConditionFailureKind.WrongExpectedVersion, ((AppendResult.ConditionFailed)results[2]).Item.Kind);
        Assert.Equal(2L, ((AppendResult.ConditionFailed)results[2]).Item.ActualVersion);
        Assert.Equal(ConditionFailureKind.EventsMatched, ((AppendResult.ConditionFailed)results[3]).Item.Kind);
        Assert.Equal(ConditionFailureKind.WrongExpectedVersion, ((AppendResult.ConditionFailed)results[7]).Item.Kind);

        var written = results.Where(r => r.IsAppended).SelectMany(r => r.Events).ToArray();
        Assert.Equal([1L, 2L, 3L, 4L, 5L], written.Select(e => e.Position));
        Assert.Equal(["First", "Second", "Free", "Counted", "New"], written.Select(e => e.Type));
        Assert.Single((await TransactionIdsOf(written.Skip(1))).Distinct());
        var read = await _store.Read(_tenant, EventQuery.All, default);
        Assert.Equal(written.Select(e => e.Id), read.Select(e => e.Id));
        Assert.Equal(2L, (await _store.GetStreamState(_tenant, "s-1", default)).Version);
        Assert.Equal(1L, (await _store.GetStreamState(_tenant, "s-9", default)).Version);
    }

    [Fact]
    public async Task queued_appends_under_kept_states_of_different_streams_commit_together_in_one_round_trip()
    {
        await _store.Append(AppendRequest.Of(_tenant, Propose(Event("Created", "s-1"), Event("Created", "s-2"))), default);
        var unchanged = (string stream, long version) => AppendCondition.NewAll(ListModule.OfArray([
            AppendCondition.Expect(stream, ExpectedVersion.NewExact(version)), AppendCondition.Expect(stream, ExpectedVersion.StreamExists),
            AppendCondition.NothingNewSince(EventQuery.OfTags("migration:todo"), 2)]));
        await using var admin = await Sql.OpenAsync(_admin);
        var held = await Sql.LockTenantAsync(admin, _tenant);
        var inFlight = _store.Append(AppendRequest.Of(_tenant, Propose(Event("First", "s-0"))), default);
        await Sql.WaitForBlockedBackendAsync(admin);
        AppendResult[] results;
        using (var trips = new RoundTrips(_admin))
        {
            var queued = new[]
            {
                AppendRequest.Of(_tenant, Propose(Event("Added", "s-1"))).When(unchanged("s-1", 1)),
                AppendRequest.Of(_tenant, Propose(Event("Added", "s-2"))).When(unchanged("s-2", 1)),
                AppendRequest.Of(_tenant, Propose(Event("New", "s-3"))).When(AppendCondition.Expect("s-3", ExpectedVersion.NoStream)),
            }.Select(r => _store.Append(r, default)).ToArray();
            await held.CommitAsync();
            results = await Task.WhenAll([inFlight, .. queued]);
            // The group's one guarded commit (the admin's transaction commit is not traced as a command).
            Assert.True(trips.Count == 1, $"{trips.Count} round trips:\n{trips.Describe()}");
        }

        Assert.All(results, r => Assert.True(r.IsAppended));
        Assert.Equal([3L, 4L, 5L, 6L], results.SelectMany(r => r.Events).Select(e => e.Position));
        Assert.Equal([1L, 2L, 2L, 1L], results.SelectMany(r => r.Events).Select(e => e.StreamVersion));
        Assert.Single((await TransactionIdsOf(results.Skip(1).SelectMany(r => r.Events))).Distinct());
    }

    [Fact]
    public async Task queued_appends_under_kept_states_are_decided_in_order_when_one_depends_on_another_or_is_stale()
    {
        await _store.Append(AppendRequest.Of(_tenant, Propose(Event("Created", "s-1"))), default);
        var results = await QueuedBehindAHeldLock(AppendRequest.Of(_tenant, Propose(Event("First", "s-0"))),
            AppendRequest.Of(_tenant, Propose(Event("New", "s-9"))).When(AppendCondition.Expect("s-9", ExpectedVersion.NoStream)),
            AppendRequest.Of(_tenant, Propose(Event("Twice", "s-9"))).When(AppendCondition.Expect("s-9", ExpectedVersion.NoStream)),
            AppendRequest.Of(_tenant, Propose(Event("Next", "s-9"))).When(AppendCondition.Expect("s-9", ExpectedVersion.NewExact(1))),
            AppendRequest.Of(_tenant, Propose(Event("Stale", "s-1"))).When(AppendCondition.Expect("s-1", ExpectedVersion.NewExact(0))),
            AppendRequest.Of(_tenant, Propose(Event("Fresh", "s-1"))).When(AppendCondition.Expect("s-1", ExpectedVersion.NewExact(1))));

        Assert.Equal([true, true, false, true, false, true], results.Select(r => r.IsAppended));
        Assert.Equal((ConditionFailureKind.WrongExpectedVersion, 1L), (((AppendResult.ConditionFailed)results[2]).Item.Kind, ((AppendResult.ConditionFailed)results[2]).Item.ActualVersion));
        Assert.Equal((ConditionFailureKind.WrongExpectedVersion, 1L), (((AppendResult.ConditionFailed)results[4]).Item.Kind, ((AppendResult.ConditionFailed)results[4]).Item.ActualVersion));
        Assert.Equal([2L, 3L, 4L, 5L], results.Where(r => r.IsAppended).SelectMany(r => r.Events).Select(e => e.Position));
        Assert.Equal(2L, (await _store.GetStreamState(_tenant, "s-9", default)).Version);
        Assert.Equal(2L, (await _store.GetStreamState(_tenant, "s-1", default)).Version);
    }

    [Fact]
    public async Task a_repeated_append_queued_with_new_ones_returns_the_stored_envelopes_and_the_new_ones_are_written()
    {
        var first = AppendRequest.Of(_tenant, Propose(Event("First", "s-1")));
        var results = await QueuedBehindAHeldLock(first,
            AppendRequest.Of(_tenant, Propose(Event("A"))),
            first,
            AppendRequest.Of(_tenant, Propose(Event("B"))));
        Assert.All(results, r => Assert.True(r.IsAppended));
        Assert.Equal(results[0].Events.Select(e => (e.Id, e.Position)), results[2].Events.Select(e => (e.Id, e.Position)));
        Assert.Equal([2L, 3L], new[] { results[1], results[3] }.SelectMany(r => r.Events).Select(e => e.Position));
        Assert.Equal(3L, await _store.GetHead(_tenant, default));
    }

    [Fact]
    public async Task a_predicate_that_throws_fails_only_its_own_append()
    {
        var results = QueuedBehindAHeldLock(AppendRequest.Of(_tenant, Propose(Event("First"))),
            AppendRequest.Of(_tenant, Propose(Event("Boom"))).When(AppendCondition.Where(EventQuery.All, _ => throw new InvalidTimeZoneException("boom"), "throws")),
            AppendRequest.Of(_tenant, Propose(Event("Fine"))).When(AppendCondition.Where(EventQuery.All, es => es.Length == 1, "one event")));
        await Assert.ThrowsAsync<InvalidTimeZoneException>(() => results);
        var read = await _store.Read(_tenant, EventQuery.All, default);
        Assert.Equal(["First", "Fine"], read.Select(e => e.Type));
    }
}
