using static Hybrid.Tests.Integration.Conformance.TestEvents;

namespace Hybrid.Tests.Integration.Conformance;

/// <summary>
/// Deleting a stream leaves a tombstone at its last version: its events vanish from stream reads but stay in $all,
/// it counts as "no stream" for expected versions, and a re-created stream continues after the deleted versions.
/// </summary>
public abstract class DeletionConformance(IEventStoreFactory factory) : ConformanceSuite(factory)
{
    private async Task<long> Delete(string stream, ExpectedVersion expected)
    {
        var result = await Store.DeleteStream(Tenant, stream, expected, Ct);
        if (result is DeleteResult.DeleteFailed failed) Assert.Fail($"Expected the delete to succeed: {failed.Item.Reason}");
        return ((DeleteResult.StreamDeleted)result).Item;
    }

    [Fact]
    public async Task a_deleted_stream_reads_empty_but_its_events_stay_in_all()
    {
        var written = await AppendOk(Of("Created", "order-1"), Of("Paid", "order-1"), Of("Created", "order-2"));
        Assert.Equal(2, await Delete("order-1", ExpectedVersion.Any));
        Assert.Empty(await ReadStream("order-1"));
        Assert.Empty(await Store.ReadStream(Tenant, StreamRead.Backward("order-1"), Ct));
        Assert.Equal(Ids(written), Ids(await ReadAll()));
        Assert.Single(await ReadStream("order-2"));
    }

    [Fact]
    public async Task a_deleted_stream_keeps_its_version_and_marks_it_deleted()
    {
        await AppendOk(Of("Created", "order-1"), Of("Paid", "order-1"));
        await Delete("order-1", Exact(2));
        var state = await Store.GetStreamState(Tenant, "order-1", Ct);
        Assert.Equal(2, state.Version);
        Assert.Equal(2, state.DeletedUpTo);
        Assert.False(state.IsLive);
    }

    [Fact]
    public async Task a_deleted_stream_counts_as_no_stream()
    {
        await AppendOk(Of("Created", "order-1"));
        await Delete("order-1", ExpectedVersion.StreamExists);
        await AppendFails(Expect("order-1", ExpectedVersion.StreamExists), Of("Paid", "order-1"));
        await AppendOk(Expect("order-1", ExpectedVersion.NoStream), Of("Created", "order-1"));
    }

    [Fact]
    public async Task a_recreated_stream_continues_after_the_deleted_versions_and_reads_only_new_events()
    {
        await AppendOk(Of("Created", "order-1"), Of("Paid", "order-1"));
        await Delete("order-1", ExpectedVersion.Any);
        var recreated = await AppendOk(Expect("order-1", ExpectedVersion.NoStream), Of("Created", "order-1"), Of("Shipped", "order-1"));
        Assert.Equal([3L, 4L], recreated.Select(e => e.StreamVersion));
        Assert.Equal(Ids(recreated), Ids(await ReadStream("order-1")));
        var state = await Store.GetStreamState(Tenant, "order-1", Ct);
        Assert.Equal(4, state.Version);
        Assert.Equal(2, state.DeletedUpTo);
        Assert.True(state.IsLive);
        await AppendOk(Expect("order-1", Exact(4)), Of("Delivered", "order-1"));
    }

    [Fact]
    public async Task deleting_again_hides_the_events_of_the_recreated_stream_too()
    {
        await AppendOk(Of("Created", "order-1"));
        await Delete("order-1", ExpectedVersion.Any);
        await AppendOk(Of("Created", "order-1"), Of("Paid", "order-1"));
        Assert.Equal(3, await Delete("order-1", Exact(3)));
        Assert.Empty(await ReadStream("order-1"));
        Assert.Equal(3, (await ReadAll()).Length);
        Assert.Equal(4, Assert.Single(await AppendOk(Of("Reopened", "order-1"))).StreamVersion);
    }

    [Fact]
    public async Task reading_a_recreated_stream_from_a_deleted_version_starts_after_the_tombstone()
    {
        await AppendOk(Of("Created", "order-1"), Of("Paid", "order-1"));
        await Delete("order-1", ExpectedVersion.Any);
        await AppendOk(Of("Created", "order-1"));
        Assert.Equal([3L], (await ReadStream("order-1", 1, long.MaxValue, Direction.Forward, 0)).Select(e => e.StreamVersion));
        Assert.Equal([3L], (await ReadStream("order-1", 0, long.MaxValue, Direction.Backward, 5)).Select(e => e.StreamVersion));
    }

    [Fact]
    public async Task a_delete_with_a_wrong_expected_version_changes_nothing()
    {
        await AppendOk(Of("Created", "order-1"), Of("Paid", "order-1"));
        var result = await Store.DeleteStream(Tenant, "order-1", Exact(1), Ct);
        var failure = Assert.IsType<DeleteResult.DeleteFailed>(result).Item;
        Assert.Equal(ConditionFailureKind.WrongExpectedVersion, failure.Kind);
        Assert.Equal(2, failure.ActualVersion);
        Assert.Equal(2, (await ReadStream("order-1")).Length);
        Assert.True((await Store.GetStreamState(Tenant, "order-1", Ct)).IsLive);
    }

    [Fact]
    public async Task deleting_a_stream_never_written_expecting_it_to_exist_fails()
    {
        var result = await Store.DeleteStream(Tenant, "order-1", ExpectedVersion.StreamExists, Ct);
        Assert.IsType<DeleteResult.DeleteFailed>(result);
        Assert.Equal(0, (await Store.GetStreamState(Tenant, "order-1", Ct)).Version);
    }

    [Fact]
    public async Task deleting_a_stream_leaves_the_tenants_positions_alone()
    {
        await AppendOk(Of("Created", "order-1"), Of("Created", "order-2"));
        await Delete("order-1", ExpectedVersion.Any);
        Assert.Equal(2, await Head());
        Assert.Equal(3, Assert.Single(await AppendOk(Of("Created", "order-3"))).Position);
    }

    [Fact]
    public async Task deleting_all_is_rejected_as_bad_input()
    {
        await AppendOk(Of("Created", "order-1"));
        var error = await Assert.ThrowsAsync<InvalidInputException>(() => Store.DeleteStream(Tenant, "$all", ExpectedVersion.Any, Ct));
        Assert.Equal("stream", error.Field);
        Assert.Single(await ReadAll());
    }
}
