using static Hybrid.Tests.Integration.Conformance.TestEvents;

namespace Hybrid.Tests.Integration.Conformance;

/// <summary>
/// An append of no events is a value, not an error: Appended with no events. Its condition is still evaluated (a
/// failing one fails) and its checkpoint, if any, is written (fenced as usual). Nothing else changes.
/// </summary>
public abstract class EmptyAppendConformance(IEventStoreFactory factory) : ConformanceSuite(factory)
{
    private const string Processor = "mailer";

    private Task<AppendResult> AppendNothing(AppendCondition condition, CheckpointWrite? checkpoint = null) =>
        Store.Append(new AppendRequest(Tenant, [], condition, checkpoint is null ? null : Some(checkpoint)), Ct);

    [Fact]
    public async Task an_append_without_events_is_appended_with_no_events_and_writes_nothing()
    {
        Assert.Empty(Written(await AppendNothing(AppendCondition.NoCondition)));
        Assert.Equal(0, await Head());
        Assert.Empty(await ReadAll());
        Assert.DoesNotContain(Tenant, await Store.GetTenants(Ct));
    }

    [Fact]
    public async Task an_append_without_events_leaves_the_next_position_where_it_was()
    {
        await AppendOk(Of("First"));
        Assert.Empty(Written(await AppendNothing(AppendCondition.NoCondition)));
        var second = await AppendOk(Of("Second"));
        Assert.Equal(2L, Assert.Single(second).Position);
    }

    [Fact]
    public async Task an_append_without_events_whose_condition_holds_is_appended()
    {
        await AppendOk(Of("Created", "order-1"));
        Assert.Empty(Written(await AppendNothing(Expect("order-1", Exact(1)))));
        Assert.Empty(Written(await AppendNothing(AppendCondition.NothingNewSince(EventQuery.OfTypes("Created"), 1))));
    }

    [Fact]
    public async Task an_append_without_events_whose_condition_fails_fails()
    {
        await AppendOk(Of("Created", "order-1"));
        var version = Failed(await AppendNothing(Expect("order-1", ExpectedVersion.NoStream)));
        Assert.Equal(ConditionFailureKind.WrongExpectedVersion, version.Kind);
        Assert.Equal(1, version.ActualVersion);
        Assert.Equal(ConditionFailureKind.EventsMatched,
            Failed(await AppendNothing(AppendCondition.NothingNewSince(EventQuery.OfTypes("Created"), 0))).Kind);
        Assert.Equal(ConditionFailureKind.PredicateRejected,
            Failed(await AppendNothing(AppendCondition.Where(EventQuery.All, es => es.Length == 0, "nothing yet"))).Kind);
        Assert.Equal(1, await Head());
    }

    [Fact]
    public async Task an_append_without_events_writes_its_checkpoint()
    {
        Assert.Empty(Written(await AppendNothing(AppendCondition.NoCondition, new CheckpointWrite(Processor, 9, 2))));
        Assert.Equal(new Checkpoint(9, 2), await Store.ReadCheckpoint(Tenant, Processor, Ct));
        Assert.Equal(0, await Head());
    }

    [Fact]
    public async Task an_append_without_events_and_a_stale_fence_fails_and_keeps_the_checkpoint()
    {
        Assert.True((await Store.ClaimCheckpoint(Tenant, Processor, 5, Ct)).IsOk);
        var failure = Failed(await AppendNothing(AppendCondition.NoCondition, new CheckpointWrite(Processor, 9, 4)));
        Assert.Equal(ConditionFailureKind.StaleFencingToken, failure.Kind);
        Assert.Equal(new Checkpoint(0, 5), await Store.ReadCheckpoint(Tenant, Processor, Ct));
    }

    [Fact]
    public async Task an_append_without_events_whose_condition_fails_does_not_write_its_checkpoint()
    {
        await AppendOk(Of("Created", "order-1"));
        Failed(await AppendNothing(Expect("order-1", ExpectedVersion.NoStream), new CheckpointWrite(Processor, 9, 1)));
        Assert.Equal(new Checkpoint(0, 0), await Store.ReadCheckpoint(Tenant, Processor, Ct));
    }
}
