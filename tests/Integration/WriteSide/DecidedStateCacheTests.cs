using Hybrid.Shell.Commands;
using Hybrid.Shell.Middleware;
using Hybrid.Tests.Integration.Conformance;
using Hybrid.Tests.TestDomain;
using static Hybrid.Tests.Integration.WriteSide.WriteSideSetup;

namespace Hybrid.Tests.Integration.WriteSide;

/// <summary>
/// The command processor's decided-state cache, run against one store; instantiated per store. A warm aggregate costs
/// one append; a state made stale by another processor (another node) costs a re-read, never a wrong outcome.
/// </summary>
public abstract class DecidedStateCacheTests(IEventStoreFactory factory)
{
    private readonly CancellationToken _ct = new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token;

    [Fact]
    public async Task A_command_on_a_warm_aggregate_makes_one_store_call_the_append()
    {
        var store = new CountingStore(await factory.CreateAsync());
        var tenant = Tenants.Fresh();
        var processor = Processor(store);
        (await Increment(processor, tenant, "c", 1)).AssertAccepted();
        store.Reset();

        var accepted = (await Increment(processor, tenant, "c", 2)).AssertAccepted();

        Assert.Equal("""{"total":3}""", accepted.ResultJson());
        Assert.Equal(1, accepted.Attempts);
        Assert.Equal((1, 0), (store.Appends, store.Reads));
        Assert.Equal(1, processor.DecidedStates!.Hits);
    }

    [Fact]
    public async Task A_command_with_a_command_id_on_a_warm_aggregate_reads_by_id_and_appends_and_its_resend_reads_by_id_only()
    {
        var store = new CountingStore(await factory.CreateAsync());
        var tenant = Tenants.Fresh();
        var processor = Processor(store);
        (await Increment(processor, tenant, "c", 1)).AssertAccepted();
        store.Reset();
        var options = new CommandOptions { CommandId = Guid.NewGuid() };

        var accepted = (await processor.ExecuteJsonAsync(User(tenant), "Increment", """{"counterId":"c","by":2}""", options, _ct)).AssertAccepted();
        Assert.Equal((1, 0, 1), (store.Appends, store.Reads, store.ReadsById));
        store.Reset();
        var resent = (await processor.ExecuteJsonAsync(User(tenant), "Increment", """{"counterId":"c","by":2}""", options, _ct)).AssertAccepted();

        Assert.Equal((0, 0, 2), (store.Appends, store.Reads, store.ReadsById)); // the command's one event, then the next id: none
        Assert.Equal(accepted.Events.Select(e => e.Id), resent.Events.Select(e => e.Id));
        var (total, versions) = await Totals(store, tenant, "c");
        Assert.Equal(3, total);
        Assert.Equal([1L, 2L], versions);
    }

    [Fact]
    public async Task A_state_made_stale_by_another_processor_is_read_again_and_the_command_sees_the_other_write()
    {
        var store = await factory.CreateAsync();
        var tenant = Tenants.Fresh();
        var mine = Processor(store);
        var other = Processor(store);
        (await Increment(mine, tenant, "c", 1)).AssertAccepted();
        (await Increment(other, tenant, "c", 10)).AssertAccepted();

        var accepted = (await Increment(mine, tenant, "c", 5)).AssertAccepted();

        Assert.Equal("""{"total":16}""", accepted.ResultJson());
        Assert.Equal(1, accepted.Attempts);
        Assert.Equal(3L, Assert.Single(accepted.Events).StreamVersion);
        var (total, versions) = await Totals(store, tenant, "c");
        Assert.Equal(16, total);
        Assert.Equal([1L, 2L, 3L], versions);
    }

    [Fact]
    public async Task A_rejection_decided_over_a_stale_state_is_checked_and_decided_again_over_the_current_one()
    {
        var store = await factory.CreateAsync();
        var tenant = Tenants.Fresh();
        var mine = Processor(store);
        var other = Processor(store);
        (await Increment(mine, tenant, "c", 1)).AssertAccepted();
        (await Increment(other, tenant, "c", 50)).AssertAccepted();

        // Over the kept state (total 1) a decrement of 20 would go below zero; over the store's (51) it is accepted.
        var accepted = (await mine.ExecuteJsonAsync(User(tenant), "Decrement", """{"counterId":"c","by":20}""", null, _ct)).AssertAccepted();

        Assert.Equal("""{"total":31}""", accepted.ResultJson());
        var rejected = (await other.ExecuteJsonAsync(User(tenant), "Decrement", """{"counterId":"c","by":40}""", null, _ct)).AssertRejected();
        Assert.Equal("below-zero", rejected.Code);
    }

    [Fact]
    public async Task A_stream_deleted_by_another_writer_is_decided_over_as_a_fresh_read_would()
    {
        var store = await factory.CreateAsync();
        var tenant = Tenants.Fresh();
        var mine = Processor(store);
        (await Increment(mine, tenant, "c", 30)).AssertAccepted();
        Assert.IsType<DeleteResult.StreamDeleted>(await store.DeleteStream(tenant, "counter-c", ExpectedVersion.Any, _ct));

        var fromKept = await mine.ExecuteJsonAsync(User(tenant), "Decrement", """{"counterId":"c","by":10}""", null, _ct);
        var fromRead = await Processor(store, new CommandProcessorOptions { DecidedStates = 0 })
            .ExecuteJsonAsync(User(tenant), "Decrement", """{"counterId":"c","by":10}""", null, _ct);

        Assert.True(fromRead.IsNotFound, $"Expected not found, got {fromRead}");
        Assert.Equal(fromRead, fromKept);
        var incremented = (await Increment(mine, tenant, "c", 2)).AssertAccepted();
        Assert.Equal("""{"total":2}""", incremented.ResultJson());
    }

    [Fact]
    public async Task The_cache_keeps_at_most_its_capacity_dropping_the_least_recently_used_state()
    {
        var store = new CountingStore(await factory.CreateAsync());
        var tenant = Tenants.Fresh();
        var processor = Processor(store, new CommandProcessorOptions { DecidedStates = 2 });
        foreach (var counter in new[] { "a", "b", "a", "c" }) (await Increment(processor, tenant, counter, 1)).AssertAccepted();
        Assert.Equal((2, 1L), (processor.DecidedStates!.Count, processor.DecidedStates.Evictions));

        store.Reset();
        var onA = (await Increment(processor, tenant, "a", 1)).AssertAccepted();
        Assert.Equal((1, 0), (store.Appends, store.Reads));
        var onB = (await Increment(processor, tenant, "b", 1)).AssertAccepted();

        Assert.Equal(("""{"total":3}""", """{"total":2}"""), (onA.ResultJson(), onB.ResultJson()));
        Assert.True(store.Reads > 0, "The evicted state of b is read again.");
    }

    [Fact]
    public async Task Concurrent_commands_of_two_processors_on_one_aggregate_lose_no_increment()
    {
        var store = await factory.CreateAsync();
        var tenant = Tenants.Fresh();
        var processors = new[] { Processor(store), Processor(store) };
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(() => Increment(processors[i % 2], tenant, "c", 1))));

        Assert.All(outcomes, o => o.AssertAccepted());
        var (total, versions) = await Totals(store, tenant, "c");
        Assert.Equal(20, total);
        Assert.Equal(Enumerable.Range(1, 20).Select(v => (long)v), versions);
    }

    [Fact]
    public async Task A_definition_whose_decision_was_replaced_reads_its_stream_every_time()
    {
        var definition = Counter.increment;
        var replaced = new CommandDefinition(definition.Name, definition.Aggregate, definition.Emits, definition.Parse, definition.Payload,
            definition.Returns, definition.Authorize, definition.Lookup, Microsoft.FSharp.Core.FuncConvert.FromFunc<DecisionContext, object, LookedUp, CommandDecision>(
                (context, command, looked) => definition.Run(context, command, looked)), definition.Views, definition.Fold, definition.LookupIn, definition.Validate);

        Assert.NotNull(definition.FoldInForce);
        Assert.Null(replaced.FoldInForce);
        var store = new CountingStore(await factory.CreateAsync());
        var processor = new CommandProcessor(store, Shell.Ids.UuidV7IdSource.System, new CommandCatalog([replaced]));
        var tenant = Tenants.Fresh();
        for (var i = 0; i < 2; i++)
            (await processor.ExecuteJsonAsync(User(tenant), "Increment", """{"counterId":"c","by":1}""", null, _ct)).AssertAccepted();
        Assert.Equal(0, processor.DecidedStates!.Count);
        Assert.True(store.Reads >= 4, $"Both commands read the stream ({store.Reads} reads).");
    }

    private Task<CommandOutcome> Increment(CommandProcessor processor, string tenant, string counter, int by) =>
        processor.ExecuteJsonAsync(User(tenant), "Increment", $$"""{"counterId":"{{counter}}","by":{{by}}}""", null, _ct);

    private async Task<(int Total, long[] Versions)> Totals(IEventStore store, string tenant, string counter)
    {
        var events = await store.ReadStream(tenant, StreamRead.Forward($"counter-{counter}"), _ct);
        var total = events.Sum(e => (e.Type == "Incremented" ? 1 : -1) * System.Text.Json.JsonDocument.Parse(e.Body).RootElement.GetProperty("by").GetInt32());
        return (total, events.Select(e => e.StreamVersion).ToArray());
    }

    /// <summary>Counts the appends and the reads (head, stream state, stream, query) that reach the store.</summary>
    private sealed class CountingStore(IEventStore inner) : DelegatingEventStore(inner)
    {
        private int _appends, _reads, _readsById;

        public int Appends => _appends;
        public int Reads => _reads;
        public int ReadsById => _readsById;

        public void Reset() => (_appends, _reads, _readsById) = (0, 0, 0);

        public override Task<RecordedEvent[]> ReadById(string tenant, Guid id, CancellationToken ct)
        {
            Interlocked.Increment(ref _readsById);
            return base.ReadById(tenant, id, ct);
        }

        public override Task<AppendResult> Append(AppendRequest request, CancellationToken ct)
        {
            Interlocked.Increment(ref _appends);
            return base.Append(request, ct);
        }

        public override Task<RecordedEvent[]> Read(string tenant, EventQuery query, CancellationToken ct) => Counted(base.Read(tenant, query, ct));

        public override Task<RecordedEvent[]> ReadStream(string tenant, StreamRead read, CancellationToken ct) => Counted(base.ReadStream(tenant, read, ct));

        public override Task<StreamState> GetStreamState(string tenant, string stream, CancellationToken ct) => Counted(base.GetStreamState(tenant, stream, ct));

        public override Task<long> GetHead(string tenant, CancellationToken ct) => Counted(base.GetHead(tenant, ct));

        private Task<T> Counted<T>(Task<T> call)
        {
            Interlocked.Increment(ref _reads);
            return call;
        }
    }
}
