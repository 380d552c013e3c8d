using static Hybrid.Tests.Integration.Conformance.TestEvents;

namespace Hybrid.Tests.Integration.Conformance;

/// <summary>Processor checkpoints: fenced by lease tokens, never backwards, and committed atomically with an append.</summary>
public abstract class CheckpointConformance(IEventStoreFactory factory) : ConformanceSuite(factory)
{
    private const string Processor = "mailer";

    private async Task<Checkpoint> Read(string? tenant = null, string processor = Processor) =>
        await Store.ReadCheckpoint(tenant ?? Tenant, processor, Ct);

    private Task<Microsoft.FSharp.Core.FSharpResult<Checkpoint, ConditionFailure>> Write(long position, long token) =>
        Store.WriteCheckpoint(Tenant, new CheckpointWrite(Processor, position, token), Ct);

    private Task<AppendResult> AppendWithCheckpoint(AppendCondition condition, long position, long token, params EventData[] events) =>
        Store.Append(new AppendRequest(Tenant, Propose(events), condition, Some(new CheckpointWrite(Processor, position, token))), Ct);

    [Fact]
    public async Task a_claim_raises_the_fence_and_keeps_the_position()
    {
        Assert.True((await Write(7, 1)).IsOk);
        var claimed = await Store.ClaimCheckpoint(Tenant, Processor, 5, Ct);
        Assert.True(claimed.IsOk);
        Assert.Equal(new Checkpoint(7, 5), claimed.ResultValue);
        Assert.Equal(new Checkpoint(7, 5), await Read());
    }

    [Fact]
    public async Task the_holder_of_the_fence_writes_positions()
    {
        Assert.True((await Store.ClaimCheckpoint(Tenant, Processor, 3, Ct)).IsOk);
        var written = await Write(12, 3);
        Assert.True(written.IsOk);
        Assert.Equal(new Checkpoint(12, 3), written.ResultValue);
        Assert.Equal(new Checkpoint(12, 3), await Read());
    }

    [Fact]
    public async Task a_write_with_a_stale_token_fails_and_changes_nothing()
    {
        Assert.True((await Store.ClaimCheckpoint(Tenant, Processor, 1, Ct)).IsOk);
        Assert.True((await Write(4, 1)).IsOk);
        Assert.True((await Store.ClaimCheckpoint(Tenant, Processor, 2, Ct)).IsOk);
        var stale = await Write(9, 1);
        Assert.True(stale.IsError);
        Assert.Equal(ConditionFailureKind.StaleFencingToken, stale.ErrorValue.Kind);
        Assert.Contains(Processor, stale.ErrorValue.Reason);
        Assert.Equal(new Checkpoint(4, 2), await Read());
    }

    [Fact]
    public async Task a_claim_with_a_lower_token_fails()
    {
        Assert.True((await Store.ClaimCheckpoint(Tenant, Processor, 4, Ct)).IsOk);
        var claimed = await Store.ClaimCheckpoint(Tenant, Processor, 3, Ct);
        Assert.True(claimed.IsError);
        Assert.Equal(ConditionFailureKind.StaleFencingToken, claimed.ErrorValue.Kind);
        Assert.Equal(4, (await Read()).Fence);
    }

    [Fact]
    public async Task a_checkpoint_never_goes_backwards()
    {
        Assert.True((await Write(10, 1)).IsOk);
        var lower = await Write(6, 1);
        Assert.True(lower.IsOk);
        Assert.Equal(10, lower.ResultValue.Position);
        Assert.Equal(10, (await Read()).Position);
    }

    [Fact]
    public async Task a_reset_moves_the_position_back_and_keeps_the_fence()
    {
        Assert.True((await Write(10, 2)).IsOk);
        await Store.ResetCheckpoint(Tenant, Processor, 3, Ct);
        Assert.Equal(new Checkpoint(3, 2), await Read());
    }

    [Fact]
    public async Task an_append_with_a_checkpoint_writes_both()
    {
        Assert.True((await Store.ClaimCheckpoint(Tenant, Processor, 1, Ct)).IsOk);
        Written(await AppendWithCheckpoint(AppendCondition.NoCondition, 42, 1, Of("EmailSent")));
        Assert.Single(await ReadAll());
        Assert.Equal(new Checkpoint(42, 1), await Read());
    }

    [Fact]
    public async Task a_resent_append_returns_its_stored_events_and_leaves_the_checkpoint_its_first_append_wrote()
    {
        Assert.True((await Store.ClaimCheckpoint(Tenant, Processor, 1, Ct)).IsOk);
        var events = Propose(Of("EmailSent"));
        var first = Written(await Store.Append(new AppendRequest(Tenant, events, AppendCondition.NoCondition, Some(new CheckpointWrite(Processor, 42, 1))), Ct));
        Assert.True((await Store.ClaimCheckpoint(Tenant, Processor, 2, Ct)).IsOk);

        // Newer position, stale token: a re-send is answered from what is stored, whatever its checkpoint says.
        var resent = Written(await Store.Append(new AppendRequest(Tenant, events, AppendCondition.NoCondition, Some(new CheckpointWrite(Processor, 99, 1))), Ct));

        Assert.Equal(first.Select(e => e.Position), resent.Select(e => e.Position));
        Assert.Equal(new Checkpoint(42, 2), await Read());
        Assert.Single(await ReadAll());
    }

    [Fact]
    public async Task an_append_whose_condition_fails_writes_no_checkpoint()
    {
        await AppendOk(Of("Created", "order-1"));
        Failed(await AppendWithCheckpoint(Expect("order-1", ExpectedVersion.NoStream), 42, 1, Of("EmailSent")));
        Assert.Equal(new Checkpoint(0, 0), await Read());
        Assert.Single(await ReadAll());
    }

    [Fact]
    public async Task an_append_with_a_stale_checkpoint_token_writes_no_events()
    {
        Assert.True((await Store.ClaimCheckpoint(Tenant, Processor, 5, Ct)).IsOk);
        var failure = Failed(await AppendWithCheckpoint(AppendCondition.NoCondition, 42, 4, Of("EmailSent")));
        Assert.Equal(ConditionFailureKind.StaleFencingToken, failure.Kind);
        Assert.Empty(await ReadAll());
        Assert.Equal(new Checkpoint(0, 5), await Read());
    }

    [Fact]
    public async Task checkpoints_are_kept_per_processor_and_tenant()
    {
        var other = Tenants.Fresh();
        Assert.True((await Write(10, 1)).IsOk);
        Assert.True((await Store.WriteCheckpoint(Tenant, new CheckpointWrite("indexer", 20, 1), Ct)).IsOk);
        Assert.True((await Store.WriteCheckpoint(other, new CheckpointWrite(Processor, 30, 7), Ct)).IsOk);
        Assert.Equal(new Checkpoint(10, 1), await Read());
        Assert.Equal(new Checkpoint(20, 1), await Read(processor: "indexer"));
        Assert.Equal(new Checkpoint(30, 7), await Read(other));
    }

    [Fact]
    public async Task a_negative_position_is_rejected_by_write_as_by_reset_and_changes_nothing()
    {
        Assert.True((await Write(7, 1)).IsOk);
        var written = await Assert.ThrowsAsync<InvalidInputException>(() => Write(-1, 1));
        Assert.Equal("checkpoint.Position", written.Field);
        Assert.Contains(Tenant, written.Message);
        var reset = await Assert.ThrowsAsync<InvalidInputException>(() => Store.ResetCheckpoint(Tenant, Processor, -1, Ct));
        Assert.Equal("position", reset.Field);
        Assert.Equal(new Checkpoint(7, 1), await Read());
    }

    [Fact]
    public async Task a_negative_fencing_token_is_bad_input_to_claim_write_and_append_naming_tenant_and_field_and_changes_nothing()
    {
        Assert.True((await Write(7, 1)).IsOk);
        async Task Rejects(string field, long token, Func<long, Task> act)
        {
            var error = await Assert.ThrowsAsync<InvalidInputException>(() => act(token));
            Assert.Equal(field, error.Field);
            Assert.Contains($"Tenant '{Tenant}'", error.Message);
            Assert.Contains($"not {token}", error.Message);
        }
        await Rejects("fencingToken", -1, token => Store.ClaimCheckpoint(Tenant, Processor, token, Ct));
        await Rejects("checkpoint.FencingToken", -1, token => Write(8, token));
        await Rejects("checkpoint.FencingToken", long.MinValue, token => AppendWithCheckpoint(AppendCondition.NoCondition, 8, token, Of("EmailSent")));
        Assert.Equal(new Checkpoint(7, 1), await Read());
        Assert.Empty(await ReadAll());
    }
}
