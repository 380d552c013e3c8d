using Hybrid.Shell.Postgres;
using static Hybrid.Tests.Integration.Postgres.PostgresStores;

namespace Hybrid.Tests.Integration.Postgres;

/// <summary>
/// A member of a group commit the server refuses for a reason of its own fails alone with an
/// <see cref="AppendRefusedException"/>; every other member commits exactly as if it had been sent alone, and the
/// connection stays usable. The refusal is a test-only CHECK constraint (<see cref="ServerRefusal"/>).
/// </summary>
public sealed class GroupIsolationTests : IAsyncLifetime
{
    private PostgresEventStore _store = null!;
    private string _admin = null!;
    private readonly string _tenant = $"t-{Guid.NewGuid():N}";

    public async Task InitializeAsync() =>
        // One pooled connection: every commit after a refusal runs on the connection the refusal happened on.
        (_store, _admin) = await ServerRefusal.CreateStoreAsync(o => o with { ConnectionString = o.ConnectionString + ";Maximum Pool Size=1" });

    public async Task DisposeAsync() => await _store.DisposeAsync();

    /// <summary>Starts the first append, waits until it blocks on a held tenant lock, queues the rest, then releases the lock.</summary>
    private async Task<(AppendResult? Result, Exception? Error)[]> QueuedBehindAHeldLock(AppendRequest first, params AppendRequest[] queued)
    {
        await using var admin = await Sql.OpenAsync(_admin);
        var held = await Sql.LockTenantAsync(admin, _tenant);
        var inFlight = _store.Append(first, default);
        await Sql.WaitForBlockedBackendAsync(admin);
        var rest = queued.Select(r => _store.Append(r, default)).ToArray();
        await held.CommitAsync();
        var outcomes = new List<(AppendResult?, Exception?)>();
        foreach (var task in new[] { inFlight }.Concat(rest))
        {
            try { outcomes.Add((await task, null)); }
            catch (AppendRefusedException e) { outcomes.Add((null, e)); }
        }
        return outcomes.ToArray();
    }

    private AppendRequest Of(params EventData[] events) => AppendRequest.Of(_tenant, Propose(events));

    private static AppendRefusedException RefusedError((AppendResult? Result, Exception? Error) outcome) =>
        Assert.IsType<AppendRefusedException>(outcome.Error);

    [Fact]
    public async Task a_lone_refused_append_fails_with_a_typed_error_and_the_connection_works_afterwards()
    {
        var error = await Assert.ThrowsAsync<AppendRefusedException>(() => _store.Append(Of(ServerRefusal.Refused()), default));
        Assert.Equal("events", error.Field);
        Assert.Equal("23514", error.Code);
        Assert.Contains(_tenant, error.Message);
        for (var i = 0; i < 3; i++) Assert.True((await _store.Append(Of(Event("Good")), default)).IsAppended);
        Assert.Equal([1L, 2L, 3L], (await _store.Read(_tenant, EventQuery.All, default)).Select(e => e.Position));
    }

    [Fact]
    public async Task a_refused_member_of_an_unconditional_group_fails_alone_and_the_others_commit_gapless()
    {
        var results = await QueuedBehindAHeldLock(Of(Event("First", "s-1")),
            Of(Event("A", "s-1")), Of(Event("Bad", "s-1"), ServerRefusal.Refused(stream: "s-1")), Of(Event("B", "s-1"), Event("C")), Of(ServerRefusal.Refused()));
        Assert.Equal([true, true, false, true, false], results.Select(r => r.Error is null));
        RefusedError(results[2]);
        RefusedError(results[4]);
        var written = results.Where(r => r.Error is null).SelectMany(r => r.Result!.Events).ToArray();
        Assert.Equal([1L, 2L, 3L, 4L], written.Select(e => e.Position));
        Assert.Equal([1L, 2L, 3L, 0L], written.Select(e => e.StreamVersion));
        var read = await _store.Read(_tenant, EventQuery.All, default);
        Assert.Equal(written.Select(e => (e.Id, e.Position, e.StreamVersion)), read.Select(e => (e.Id, e.Position, e.StreamVersion)));
        Assert.Equal(3L, (await _store.GetStreamState(_tenant, "s-1", default)).Version);
        Assert.Equal(4L, await _store.GetHead(_tenant, default));
    }

    [Fact]
    public async Task members_after_a_refused_one_are_decided_as_if_it_had_never_been_sent()
    {
        var results = await QueuedBehindAHeldLock(Of(Event("First", "s-1")),
            Of(ServerRefusal.Refused(stream: "s-1")),
            Of(Event("AtTwo", "s-1")).When(AppendCondition.Expect("s-1", ExpectedVersion.NewExact(1))),
            Of(Event("NoRefused")).When(AppendCondition.Where(EventQuery.OfTypes("Refused"), es => es.Length == 0, "nothing refused is stored")),
            Of(Event("Late", "s-1")).When(AppendCondition.Expect("s-1", ExpectedVersion.NewExact(1))));
        Assert.Equal([true, false, true, true, true], results.Select(r => r.Error is null));
        RefusedError(results[1]);
        Assert.True(results[2].Result!.IsAppended);
        Assert.True(results[3].Result!.IsAppended);
        var late = Assert.IsType<AppendResult.ConditionFailed>(results[4].Result);
        Assert.Equal(2L, late.Item.ActualVersion);
        Assert.Equal(["First", "AtTwo", "NoRefused"], (await _store.Read(_tenant, EventQuery.All, default)).Select(e => e.Type));
        Assert.Equal([2L, 3L], new[] { results[2], results[3] }.SelectMany(r => r.Result!.Events).Select(e => e.Position));
    }

    [Fact]
    public async Task a_refused_member_with_a_checkpoint_leaves_the_checkpoint_unwritten()
    {
        var withCheckpoint = new AppendRequest(_tenant, Propose(ServerRefusal.Refused()), AppendCondition.NoCondition,
            Microsoft.FSharp.Core.FSharpOption<CheckpointWrite>.Some(new CheckpointWrite("mailer", 7, 1)));
        var results = await QueuedBehindAHeldLock(Of(Event("First")), withCheckpoint, Of(Event("After")));
        RefusedError(results[1]);
        Assert.Equal(new Checkpoint(0, 0), await _store.ReadCheckpoint(_tenant, "mailer", default));
        Assert.Equal(["First", "After"], (await _store.Read(_tenant, EventQuery.All, default)).Select(e => e.Type));
    }

    [Fact]
    public async Task without_isolation_a_refused_member_fails_its_whole_group()
    {
        await using var store = (await ServerRefusal.CreateStoreAsync(o => o with { IsolateRefusedAppends = false })).Store;
        var tasks = Enumerable.Range(0, 20).Select(i => store.Append(AppendRequest.Of(_tenant, Propose(i == 10 ? ServerRefusal.Refused() : Event("Good"))), default)).ToArray();
        try { await Task.WhenAll(tasks); } catch (Npgsql.PostgresException) { }
        Assert.Contains(tasks, t => t.IsFaulted);
        Assert.DoesNotContain(tasks, t => t.Exception?.InnerException is AppendRefusedException);
    }
}
