using Microsoft.FSharp.Core;
using Hybrid.InMemory.EventStore;
using Hybrid.Shell.Commands;
using Hybrid.Shell.Ids;
using Hybrid.Tests.Integration.Conformance;
using Hybrid.Tests.TestDomain;
using static Hybrid.Tests.Integration.WriteSide.WriteSideSetup;

namespace Hybrid.Tests.Integration.WriteSide;

/// <summary>Live migration of the counter aggregate to its new shape.</summary>
public sealed class MigrationTests
{
    private readonly CancellationToken _ct = new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token;

    [Fact]
    public async Task Migration_moves_every_stream_to_the_new_shape_and_commands_use_it_afterwards()
    {
        var store = new InMemoryEventStore();
        var (t1, t2) = (Tenants.Fresh(), Tenants.Fresh());
        var processor = Processor(store);
        foreach (var (tenant, id, by) in new[] { (t1, "a", 3), (t1, "a", 4), (t1, "b", 1), (t2, "a", 9) })
            (await processor.ExecuteJsonAsync(User(tenant), "Increment", $$"""{"counterId":"{{id}}","by":{{by}}}""", null, _ct)).AssertAccepted();

        var report = await new AggregateMigrator(store, UuidV7IdSource.System, processor)
            .MigrateAsync(WriteSideCatalog.CounterV2.migration, _ct);

        Assert.Equal((2, 3, 3), (report.Tenants, report.Streams, report.EventsWritten));
        var snapshot = Assert.Single(await store.ReadStream(t1, StreamRead.Forward("counter2-a"), _ct));
        Assert.Equal(("CounterSet", """{"counterId":"a","total":7}"""), (snapshot.Type, snapshot.Body));
        Assert.Empty(await store.ReadStream(t1, StreamRead.Forward("counter-a"), _ct));

        var after = (await processor.ExecuteJsonAsync(User(t1), "Increment", """{"counterId":"a","by":1}""", null, _ct)).AssertAccepted();
        Assert.Equal("""{"shape":2,"total":8}""", after.ResultJson());
        Assert.Equal(("counter2-a", 2L), (after.Events[0].Stream, after.Events[0].StreamVersion));
        Assert.False(processor.Gate.IsPaused(Counter.Aggregate));
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
        var v2 = WriteSideCatalog.CounterV2.migration;
        var slow = new AggregateMigration(v2.Aggregate, v2.Source,
            FuncConvert.FromFunc<string, RecordedEvent[], MigratedStream>((stream, events) =>
            {
                entered.Set();
                release.Wait(TimeSpan.FromSeconds(10));
                return v2.Transform.Invoke(stream).Invoke(events);
            }), v2.DeleteOld, v2.Commands);
        var migration = Task.Run(() => new AggregateMigrator(store, UuidV7IdSource.System, processor).MigrateAsync(slow, _ct));
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
    public async Task Commands_paused_longer_than_the_bound_get_a_retryable_unavailable_outcome()
    {
        var store = new InMemoryEventStore();
        var tenant = Tenants.Fresh();
        var processor = Processor(store, new CommandProcessorOptions { PausedWait = TimeSpan.FromMilliseconds(50), RetryAfter = TimeSpan.FromSeconds(2) });
        await processor.Gate.PauseAsync(Counter.Aggregate, _ct);

        var outcome = await processor.ExecuteJsonAsync(User(tenant), "Increment", """{"counterId":"a","by":1}""", null, _ct);
        var unavailable = Assert.IsType<CommandOutcome.Unavailable>(outcome);
        Assert.Equal(TimeSpan.FromSeconds(2), unavailable.retryAfter);
        Assert.Contains("counter", unavailable.reason);
        Assert.Equal(0L, await store.GetHead(tenant, _ct));

        processor.Gate.Resume(Counter.Aggregate);
        (await processor.ExecuteJsonAsync(User(tenant), "Increment", """{"counterId":"a","by":1}""", null, _ct)).AssertAccepted();
    }

    [Fact]
    public async Task Pausing_waits_for_running_commands_of_the_aggregate_to_finish()
    {
        var gate = new AggregateGate();
        var running = await gate.EnterAsync("counter", TimeSpan.FromSeconds(1), _ct);
        Assert.NotNull(running);
        var pause = gate.PauseAsync("counter", _ct);
        await Task.Delay(30, _ct);
        Assert.False(pause.IsCompleted);
        running.Dispose();
        await pause.WaitAsync(TimeSpan.FromSeconds(5), _ct);
        Assert.True(gate.IsPaused("counter"));
        Assert.Null(await gate.EnterAsync("counter", TimeSpan.FromMilliseconds(10), _ct));
        Assert.NotNull(await gate.EnterAsync("customer", TimeSpan.FromMilliseconds(10), _ct));
    }

    [Fact]
    public async Task A_migration_rerun_after_it_completed_writes_nothing_twice()
    {
        var store = new InMemoryEventStore();
        var tenant = Tenants.Fresh();
        var processor = Processor(store);
        (await processor.ExecuteJsonAsync(User(tenant), "Increment", """{"counterId":"a","by":2}""", null, _ct)).AssertAccepted();
        var migration = WriteSideCatalog.CounterV2.migration;
        var migrator = new AggregateMigrator(store, UuidV7IdSource.System, processor);
        await migrator.MigrateAsync(migration, _ct);
        var second = await migrator.MigrateAsync(migration, _ct);
        Assert.Equal(0, second.EventsWritten);
        Assert.Single(await store.ReadStream(tenant, StreamRead.Forward("counter2-a"), _ct));
    }
}
