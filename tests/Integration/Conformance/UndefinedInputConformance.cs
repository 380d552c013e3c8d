using Microsoft.FSharp.Collections;
using static Hybrid.Tests.Integration.Conformance.TestEvents;

namespace Hybrid.Tests.Integration.Conformance;

/// <summary>
/// What C# callers can pass that F# callers cannot: null expected versions, conditions, predicates and reads, enum
/// values that are not defined, negative checkpoint positions. Each gets an <see cref="InvalidInputException"/> naming
/// the tenant and the field (never a NullReferenceException or a store's own error), and nothing is written.
/// </summary>
public abstract class UndefinedInputConformance(IEventStoreFactory factory) : ConformanceSuite(factory)
{
    private const Direction Sideways = (Direction)7;

    private async Task Rejects(string field, Func<Task> act)
    {
        var error = await Assert.ThrowsAsync<InvalidInputException>(act);
        Assert.Equal(field, error.Field);
        Assert.Contains(Tenant, error.Message);
    }

    /// <summary>Asserts the append is rejected naming the field, and the tenant's log is unchanged.</summary>
    private async Task RejectsAppend(string field, AppendCondition condition)
    {
        await AppendOk(Of("Existing", "order-1"));
        await Rejects(field, () => Append(condition, Of("Created", "order-1")));
        Assert.Equal(1, await Head());
    }

    [Fact]
    public Task a_null_expected_version_on_append_is_rejected() =>
        RejectsAppend("condition.Expected", Expect("order-1", null!));

    [Fact]
    public async Task a_null_append_request_is_rejected_naming_the_request()
    {
        var error = await Assert.ThrowsAsync<InvalidInputException>(() => Store.Append(null!, Ct));
        Assert.Equal("request", error.Field);
    }

    [Fact]
    public async Task a_null_expected_version_on_delete_is_rejected_and_deletes_nothing()
    {
        await AppendOk(Of("Created", "order-1"));
        await Rejects("expected", () => Store.DeleteStream(Tenant, "order-1", null!, Ct));
        Assert.Single(await ReadStream("order-1"));
    }

    [Fact]
    public Task a_predicate_without_a_check_is_rejected() =>
        RejectsAppend("condition.Check", AppendCondition.Where(EventQuery.All, null!, "no check"));

    [Fact]
    public Task a_predicate_condition_built_with_a_null_check_function_is_rejected() =>
        RejectsAppend("condition.Check", AppendCondition.NewPredicate(EventQuery.All, null!, "no check"));

    [Fact]
    public Task a_predicate_with_a_null_query_is_rejected() =>
        RejectsAppend("condition.query", AppendCondition.Where(null!, _ => true, "null query"));

    [Fact]
    public Task a_fail_if_events_match_condition_with_a_null_query_is_rejected() =>
        RejectsAppend("condition.query", AppendCondition.NothingNewSince(null!, 0));

    [Fact]
    public Task an_all_condition_with_a_null_list_is_rejected() =>
        RejectsAppend("condition", AppendCondition.NewAll(null!));

    [Fact]
    public Task an_all_condition_holding_a_null_condition_is_rejected() =>
        RejectsAppend("condition", AppendCondition.NewAll(ListModule.OfArray(new[] { AppendCondition.NoCondition, null! })));

    [Fact]
    public Task a_condition_query_with_an_undefined_direction_is_rejected() =>
        RejectsAppend("condition.query.Direction", AppendCondition.NothingNewSince(Query(0, long.MaxValue, Sideways, 0), 0));

    [Fact]
    public async Task a_read_with_an_undefined_direction_is_rejected()
    {
        await AppendOk(Of("Created", "order-1"));
        await Rejects("query.Direction", () => ReadAll(Query(0, long.MaxValue, Sideways, 0)));
        await Rejects("read.Direction", () => ReadStream("order-1", 0, long.MaxValue, Sideways, 0));
    }

    [Fact]
    public async Task a_null_query_or_stream_read_is_rejected()
    {
        await Rejects("query", () => Store.Read(Tenant, null!, Ct));
        await Rejects("read", () => Store.ReadStream(Tenant, null!, Ct));
    }

    [Fact]
    public async Task a_null_stream_read_id_is_rejected() =>
        await Rejects("read.Stream", () => ReadStream(null!, 0, long.MaxValue, Direction.Forward, 0));

    [Fact]
    public async Task a_null_checkpoint_write_is_rejected()
    {
        await Rejects("checkpoint", () => Store.WriteCheckpoint(Tenant, null!, Ct));
        Assert.Equal(new Checkpoint(0, 0), await Store.ReadCheckpoint(Tenant, "p", Ct));
    }

    [Fact]
    public async Task an_append_with_a_negative_checkpoint_position_is_rejected_and_writes_nothing()
    {
        await Rejects("checkpoint.Position", () => Store.Append(
            new AppendRequest(Tenant, Propose(Of("A")), AppendCondition.NoCondition, Some(new CheckpointWrite("p", -1, 1))), Ct));
        Assert.Equal(0, await Head());
        Assert.Equal(new Checkpoint(0, 0), await Store.ReadCheckpoint(Tenant, "p", Ct));
    }

    [Fact]
    public async Task reading_all_by_stream_name_is_rejected_pointing_at_the_log_read()
    {
        await AppendOk(Of("Created", "order-1"));
        foreach (var (field, act) in new (string, Func<Task>)[]
                 {
                     ("read.Stream", () => ReadStream("$all")),
                     ("read.Stream", () => ReadStream("$all", 0, long.MaxValue, Direction.Backward, 1)),
                     ("stream", () => Store.GetStreamState(Tenant, "$all", Ct)),
                 })
        {
            var error = await Assert.ThrowsAsync<InvalidInputException>(act);
            Assert.Equal(field, error.Field);
            Assert.Contains(Tenant, error.Message);
            Assert.Contains("'$all'", error.Message);
            Assert.Contains("whole log", error.Message);
            Assert.Contains("EventQuery", error.Message);
            Assert.DoesNotContain("Appending", error.Message);
        }
    }
}
