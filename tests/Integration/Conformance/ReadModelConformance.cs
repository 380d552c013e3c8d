using System.Text.Json;
using Hybrid.InMemory.ReadModels;
using Hybrid.Shell.Middleware;
using Hybrid.Shell.ReadModels;
using Microsoft.FSharp.Core;
using static Hybrid.Tests.Integration.Conformance.TestEvents;

namespace Hybrid.Tests.Integration.Conformance;

/// <summary>
/// The read-model engine over the store: catch-up to the head, read-your-writes (ReadAtLeast), purges seen by models
/// that read the audit type themselves, upcast and unknown types, many tenants, and a reducer that throws (a typed error
/// naming the instance and the event, isolated to that instance).
/// </summary>
public abstract class ReadModelConformance(IEventStoreFactory factory) : ConformanceSuite(factory)
{
    /// <summary>A monolithic model whose state is the types (and "poison" marks) it folded, in order.</summary>
    private static ReadModelDefinition TypesModel(string name, params string[] types) =>
        ReadModel.ofRecorded(name, 1, Microsoft.FSharp.Collections.ListModule.OfArray(types), "",
            FuncConvert.FromFunc<string, RecordedEvent, string>((s, e) => s + e.Type + ";"));

    /// <summary>Like <see cref="TypesModel"/>, but its reducer throws on an event whose body says so.</summary>
    private static ReadModelDefinition Fragile(string name) =>
        ReadModel.ofRecorded(name, 1, Microsoft.FSharp.Collections.ListModule.OfArray(["Good", "Poison"]), "",
            FuncConvert.FromFunc<string, RecordedEvent, string>((s, e) =>
                JsonDocument.Parse(e.Body).RootElement.TryGetProperty("fail", out _)
                    ? throw new FormatException("the reducer cannot read this event")
                    : s + e.Type + ";"));

    private ReadModelEngine Engine(params ReadModelDefinition[] models) =>
        new(Store, models, new InMemoryReadModelStore(), new ReadModelEngineOptions { PollInterval = TimeSpan.FromMilliseconds(5), ReadBatchSize = 3 });

    [Fact]
    public async Task a_read_folds_the_tenants_log_up_to_its_head_and_answers_that_position()
    {
        await AppendOk(Of("A"), Of("Noise"), Of("B"), Of("A"));
        await AppendOkTo(Tenants.Fresh(), Of("A"));
        await using var engine = Engine(TypesModel("types", "A", "B"));

        var view = await engine.Read(Tenant, "types", "", Ct);

        Assert.Equal("A;B;A;", view.State);
        Assert.Equal(await Head(), view.Position);
        await AppendOk(Of("B"));
        Assert.Equal("A;B;A;B;", (await engine.Read(Tenant, "types", "", Ct)).State);
    }

    [Fact]
    public async Task read_at_least_waits_until_a_later_append_reaches_the_position_then_answers_with_it()
    {
        await AppendOk(Of("A"));
        await using var engine = Engine(TypesModel("types", "A"));
        Assert.Equal("A;", (await engine.Read(Tenant, "types", "", Ct)).State);

        var waiting = engine.ReadAtLeast(Tenant, "types", "", 3, Ct);
        Assert.False(waiting.IsCompleted, "position 3 is not in the log yet");
        await AppendOk(Of("A"), Of("A"));

        var view = await waiting.WaitAsync(Patience);
        Assert.True(view.Position >= 3, $"position {view.Position}");
        Assert.Equal("A;A;A;", view.State);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => engine.ReadAtLeast(Tenant, "types", "", 99, cancelled.Token));
        var negative = await Assert.ThrowsAsync<InvalidInputException>(() => engine.ReadAtLeast(Tenant, "types", "", -1, Ct));
        Assert.Equal("position", negative.Field);
    }

    [Fact]
    public async Task a_model_that_reads_the_purge_audit_type_folds_it_in_a_cached_and_in_a_fresh_instance()
    {
        await AppendOk(Of("Visited", "visitor-1"), Of("Visited", "visitor-1"), Of("Visited", "visitor-2"));
        await using var engine = Engine(TypesModel("activity", "Visited", Purging.AuditType));
        Assert.Equal("Visited;Visited;Visited;", (await engine.Read(Tenant, "activity", "", Ct)).State);

        var purger = Assert.IsAssignableFrom<IEventPurger>(Store);
        var purged = await purger.Purge(new PurgeRequest(Tenant, PurgeTarget.NewWholeStream("visitor-1"), "erasure", Guid.CreateVersion7(), EventMetadata.Empty), Ct);
        Assert.IsType<PurgeResult.Purged>(purged);

        Assert.Equal("Visited;StreamPurged;", (await engine.Read(Tenant, "activity", "", Ct)).State);
        await using var fresh = Engine(TypesModel("activity", "Visited", Purging.AuditType));
        Assert.Equal("Visited;StreamPurged;", (await fresh.Read(Tenant, "activity", "", Ct)).State);
        Assert.Equal("Visited;StreamPurged;", (await fresh.Rebuild(Tenant, "activity", "", Ct)).State);
    }

    [Fact]
    public async Task a_reducer_that_throws_fails_only_its_instance_with_an_error_naming_the_model_tenant_and_event()
    {
        var other = Tenants.Fresh();
        var written = await AppendOk(Of("Good"), Of("Good"), Of("Good"), Of("Good"), WithBody("Poison", null, """{"fail":true}"""), Of("Good"));
        await AppendOkTo(other, Of("Good"), Of("Poison"));
        await using var engine = Engine(Fragile("fragile"), TypesModel("steady", "Good", "Poison"));

        var failure = await Assert.ThrowsAsync<ReadModelFoldFailedException>(() => engine.Read(Tenant, "fragile", "", Ct));

        Assert.Equal((Tenant, "fragile", "Poison", written[4].Position, written[4].Id),
            (failure.Tenant, failure.Model, failure.EventType, failure.Position, failure.EventId));
        Assert.IsType<FormatException>(failure.InnerException);
        Assert.Contains(Tenant, failure.Message);
        Assert.Contains("'fragile'", failure.Message);
        Assert.Contains("the reducer cannot read this event", failure.Message);
        Assert.Equal("Good;Good;Good;Good;Poison;Good;", (await engine.Read(Tenant, "steady", "", Ct)).State);
        Assert.Equal("Good;Poison;", (await engine.Read(other, "fragile", "", Ct)).State);
        // Every later read fails the same way: no partial state was kept.
        var again = await Assert.ThrowsAsync<ReadModelFoldFailedException>(() => engine.Read(Tenant, "fragile", "", Ct));
        Assert.Equal(written[4].Position, again.Position);
        Assert.Null(engine.TryReadCached(Tenant, "fragile", ""));
    }

    [Fact]
    public async Task a_model_reads_upcast_events_under_their_new_type_and_ignores_types_it_does_not_know()
    {
        await AppendOk(Of("CustomerRegistered"), WithBody("SomethingNobodyKnows", null, """{"x":[1,2,3]}"""), Of("CustomerSignedUp"));
        var upcasting = new UpcastingEventStore(Store, [Upcaster.Rename("CustomerRegistered", 1, "CustomerSignedUp", e => e)]);
        await using var engine = new ReadModelEngine(upcasting, [TypesModel("signups", "CustomerSignedUp", "CustomerRegistered")], new InMemoryReadModelStore());

        var view = await engine.Read(Tenant, "signups", "", Ct);

        Assert.Equal("CustomerSignedUp;CustomerSignedUp;", view.State);
        Assert.Equal(3, view.Position);
    }

    [Fact]
    public async Task many_tenants_each_fold_their_own_log_through_a_small_l1_and_a_shared_l2()
    {
        var tenants = Enumerable.Range(0, 12).Select(i => Tenants.Fresh($"m{i}")).ToArray();
        for (var i = 0; i < tenants.Length; i++) await AppendOkTo(tenants[i], Many(i + 1, "A"));
        var l2 = new InMemoryReadModelStore();
        var options = new ReadModelEngineOptions { MemoryCapacity = 3 };
        await using (var engine = new ReadModelEngine(Store, [TypesModel("types", "A")], l2, options))
        {
            foreach (var (tenant, i) in tenants.Select((t, i) => (t, i)))
                Assert.Equal(string.Concat(Enumerable.Repeat("A;", i + 1)), (await engine.Read(tenant, "types", "", Ct)).State);
        }
        await using var restarted = new ReadModelEngine(Store, [TypesModel("types", "A")], l2, options);
        foreach (var (tenant, i) in tenants.Select((t, i) => (t, i)).Reverse())
            Assert.Equal(string.Concat(Enumerable.Repeat("A;", i + 1)), (await restarted.Read(tenant, "types", "", Ct)).State);
        Assert.Equal(tenants.Length, restarted.Statistics.L2Hits);
        Assert.Equal(0, restarted.Statistics.EventsFolded);
    }
}
