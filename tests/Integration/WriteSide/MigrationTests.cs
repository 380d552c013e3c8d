using Microsoft.FSharp.Core;
using Hybrid.InMemory.EventStore;
using Hybrid.Shell.Commands;
using Hybrid.Shell.Ids;
using Hybrid.Shell.Middleware;
using Hybrid.Tests.Integration.Conformance;
using Hybrid.Tests.TestDomain;
using static Hybrid.Tests.Integration.WriteSide.WriteSideSetup;

namespace Hybrid.Tests.Integration.WriteSide;

/// <summary>Live migration of the counter aggregate to its new shape, coordinated through the store's markers.</summary>
public sealed class MigrationTests
{
    private readonly CancellationToken _ct = new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token;

    private static AggregateMigration V2 => WriteSideCatalog.CounterV2.migration;

    [Fact]
    public async Task Migration_moves_every_stream_to_the_new_shape_and_commands_use_it_afterwards()
    {
        var store = new InMemoryEventStore();
        var (t1, t2) = (Tenants.Fresh(), Tenants.Fresh());
        var processor = Processor(store);
        foreach (var (tenant, id, by) in new[] { (t1, "a", 3), (t1, "a", 4), (t1, "b", 1), (t2, "a", 9) })
            (await processor.ExecuteJsonAsync(User(tenant), "Increment", $$"""{"counterId":"{{id}}","by":{{by}}}""", null, _ct)).AssertAccepted();

        var report = await new AggregateMigrator(store, UuidV7IdSource.System, processor).MigrateAsync(V2, _ct);

        Assert.Equal((2, 3, 3), (report.Tenants, report.Streams, report.EventsWritten));
        var snapshot = Assert.Single(await store.ReadStream(t1, StreamRead.Forward("counter2-a"), _ct));
        Assert.Equal(("CounterSet", """{"counterId":"a","total":7}"""), (snapshot.Type, snapshot.Body));
        Assert.Empty(await store.ReadStream(t1, StreamRead.Forward("counter-a"), _ct));
        var markers = await store.Read(t1, EventQuery.OfTags(AggregateMigrationModule.markerTag(Counter.Aggregate)), _ct);
        Assert.Equal([AggregateMigrationModule.StartedType, AggregateMigrationModule.CompletedType], markers.Select(m => m.Type));

        var after = (await processor.ExecuteJsonAsync(User(t1), "Increment", """{"counterId":"a","by":1}""", null, _ct)).AssertAccepted();
        Assert.Equal("""{"shape":2,"total":8}""", after.ResultJson());
        Assert.Equal(("counter2-a", 2L), (after.Events[0].Stream, after.Events[0].StreamVersion));
        Assert.False(processor.Gate.IsPaused(t1, Counter.Aggregate));
    }

    [Fact]
    public async Task Commands_arriving_during_a_migration_wait_and_run_on_the_new_shape()
    {
        var store = new InMemoryEventStore();
        var tenant = Tenants.Fresh();
        var processor = Processor(store);
        (await processor.ExecuteJsonAsync(User(tenant), "Increment", """{"counterId":"a","by":5}""", null, _ct)).AssertAccepted();

        using var entered = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var migration = Task.Run(() => new AggregateMigrator(store, UuidV7IdSource.System, processor).MigrateAsync(Blocking(entered, release), _ct));
        Assert.True(entered.Wait(TimeSpan.FromSeconds(10)));

        var waiting = Enumerable.Range(0, 5).Select(_ => Task.Run(() =>
            processor.ExecuteJsonAsync(User(tenant), "Increment", """{"counterId":"a","by":1}""", null, _ct))).ToArray();
        (await processor.ExecuteJsonAsync(User(tenant), "OpenAccount", """{"accountId":"x","balance":1}""", null, _ct)).AssertAccepted();
        await Task.Delay(50, _ct);
        Assert.All(waiting, w => Assert.False(w.IsCompleted));

        release.Set();
        await migration;
        var outcomes = await Task.WhenAll(waiting);
        Assert.All(outcomes, o => Assert.Contains("\"shape\":2", o.AssertAccepted().ResultJson()));
        var migrated = await store.ReadStream(tenant, StreamRead.Forward("counter2-a"), _ct);
        Assert.Equal(6, migrated.Length);
        Assert.Equal(10, Decider.foldRecorded(Counter.decider, WriteSideCatalog.CounterV2.codec, migrated).Total);
    }

    [Fact]
    public async Task Commands_paused_longer_than_the_bound_get_a_retryable_unavailable_outcome_and_write_nothing()
    {
        var store = new InMemoryEventStore();
        var tenant = Tenants.Fresh();
        var processor = Processor(store, new CommandProcessorOptions { PausedWait = TimeSpan.FromMilliseconds(50), RetryAfter = TimeSpan.FromSeconds(2) });
        (await processor.ExecuteJsonAsync(User(tenant), "Increment", """{"counterId":"a","by":5}""", null, _ct)).AssertAccepted();
        using var entered = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var migration = Task.Run(() => new AggregateMigrator(store, UuidV7IdSource.System, processor).MigrateAsync(Blocking(entered, release), _ct));
        Assert.True(entered.Wait(TimeSpan.FromSeconds(10)));

        var outcome = await processor.ExecuteJsonAsync(User(tenant), "Increment", """{"counterId":"a","by":1}""", null, _ct);

        var unavailable = Assert.IsType<CommandOutcome.Unavailable>(outcome);
        Assert.Equal(TimeSpan.FromSeconds(2), unavailable.retryAfter);
        Assert.Contains("'counter'", unavailable.reason);
        Assert.Contains(tenant, unavailable.reason);
        Assert.True(processor.Gate.IsPaused(tenant, Counter.Aggregate));
        release.Set();
        await migration;
        Assert.Single(await store.Read(tenant, EventQuery.OfTypes("Incremented"), _ct));
        (await processor.ExecuteJsonAsync(User(tenant), "Increment", """{"counterId":"a","by":1}""", null, _ct)).AssertAccepted();
    }

    [Fact]
    public async Task A_command_on_another_node_that_read_the_old_shape_before_the_migration_started_never_writes_it()
    {
        var store = new InMemoryEventStore();
        var tenant = Tenants.Fresh();
        var nodeA = Processor(store);
        (await nodeA.ExecuteJsonAsync(User(tenant), "Increment", """{"counterId":"a","by":5}""", null, _ct)).AssertAccepted();
        // Node B reads the old shape, then the migration starts on node A before B's append reaches the store.
        var racing = new StartingMigrationFirst(store, tenant);
        var nodeB = Processor(racing, new CommandProcessorOptions { PausedWait = TimeSpan.FromMilliseconds(50) });
        nodeB.KnowMigration(V2);

        var outcome = await nodeB.ExecuteJsonAsync(User(tenant), "Increment", """{"counterId":"a","by":1}""", null, _ct);

        Assert.IsType<CommandOutcome.Unavailable>(outcome);
        Assert.Single(await store.Read(tenant, EventQuery.OfTypes("Incremented"), _ct));
        await new AggregateMigrator(store, UuidV7IdSource.System, nodeA).MigrateAsync(V2, _ct);
        var after = (await nodeB.ExecuteJsonAsync(User(tenant), "Increment", """{"counterId":"a","by":1}""", null, _ct)).AssertAccepted();
        Assert.Equal("""{"shape":2,"total":6}""", after.ResultJson());
    }

    [Fact]
    public async Task A_node_that_does_not_know_the_migration_answers_unavailable_naming_it_and_writes_nothing()
    {
        var store = new InMemoryEventStore();
        var tenant = Tenants.Fresh();
        var nodeA = Processor(store);
        (await nodeA.ExecuteJsonAsync(User(tenant), "Increment", """{"counterId":"a","by":5}""", null, _ct)).AssertAccepted();
        var outdated = Processor(store);
        (await outdated.ExecuteJsonAsync(User(tenant), "Increment", """{"counterId":"a","by":1}""", null, _ct)).AssertAccepted();
        await new AggregateMigrator(store, UuidV7IdSource.System, nodeA).MigrateAsync(V2, _ct);
        var head = await store.GetHead(tenant, _ct);

        var outcome = await outdated.ExecuteJsonAsync(User(tenant), "Increment", """{"counterId":"a","by":1}""", null, _ct);

        Assert.Contains("'counter-v2'", Assert.IsType<CommandOutcome.Unavailable>(outcome).reason);
        Assert.Equal(head, await store.GetHead(tenant, _ct));
    }

    [Fact]
    public async Task A_migration_rerun_after_it_completed_writes_nothing_twice()
    {
        var store = new InMemoryEventStore();
        var tenant = Tenants.Fresh();
        var processor = Processor(store);
        (await processor.ExecuteJsonAsync(User(tenant), "Increment", """{"counterId":"a","by":2}""", null, _ct)).AssertAccepted();
        var migrator = new AggregateMigrator(store, UuidV7IdSource.System, processor);
        await migrator.MigrateAsync(V2, _ct);
        var second = await migrator.MigrateAsync(V2, _ct);
        Assert.Equal(0, second.EventsWritten);
        Assert.Single(await store.ReadStream(tenant, StreamRead.Forward("counter2-a"), _ct));
    }

    [Fact]
    public async Task A_migration_interrupted_after_it_started_resumes_and_completes()
    {
        var store = new InMemoryEventStore();
        var tenant = Tenants.Fresh();
        var processor = Processor(store);
        (await processor.ExecuteJsonAsync(User(tenant), "Increment", """{"counterId":"a","by":2}""", null, _ct)).AssertAccepted();
        var failing = new AggregateMigration(V2.Name, V2.Aggregate, V2.Source,
            FuncConvert.FromFunc<string, RecordedEvent[], MigratedStream>((_, _) => throw new InvalidOperationException("crash")), V2.DeleteOld, V2.Commands);
        var migrator = new AggregateMigrator(store, UuidV7IdSource.System, processor);
        await Assert.ThrowsAsync<InvalidOperationException>(() => migrator.MigrateAsync(failing, _ct));
        Assert.True((await processor.Gate.ReadAsync(tenant, Counter.Aggregate, _ct)).Status.IsMigrating);

        await migrator.MigrateAsync(V2, _ct);

        Assert.True((await processor.Gate.ReadAsync(tenant, Counter.Aggregate, _ct)).Status.IsMigrated);
        Assert.Single(await store.ReadStream(tenant, StreamRead.Forward("counter2-a"), _ct));
    }

    /// <summary>The v2 migration, blocking in its transform until released.</summary>
    private static AggregateMigration Blocking(ManualResetEventSlim entered, ManualResetEventSlim release) =>
        new(V2.Name, V2.Aggregate, V2.Source,
            FuncConvert.FromFunc<string, RecordedEvent[], MigratedStream>((stream, events) =>
            {
                entered.Set();
                release.Wait(TimeSpan.FromSeconds(10));
                return V2.Transform.Invoke(stream).Invoke(events);
            }), V2.DeleteOld, V2.Commands);

    /// <summary>Before the first command append, appends the migration's Started marker, as a migrating node would.</summary>
    private sealed class StartingMigrationFirst(IEventStore inner, string tenant) : DelegatingEventStore(inner)
    {
        private int _done;

        public override async Task<AppendResult> Append(AppendRequest request, CancellationToken ct)
        {
            if (Interlocked.Exchange(ref _done, 1) == 0)
                await Inner.Append(AppendRequest.Of(tenant, new ProposedEvent(Guid.NewGuid(), AggregateMigrationModule.started(V2), EventMetadata.Empty)), ct);
            return await Inner.Append(request, ct);
        }
    }
}
