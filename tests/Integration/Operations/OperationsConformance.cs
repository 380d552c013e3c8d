using Hybrid.Shell.Hosting;
using Hybrid.Shell.Operations;
using Hybrid.Shell.Processors;
using Hybrid.Tests.Integration.Processors;
using Hybrid.Tests.TestDomain;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Hybrid.Tests.Integration.Operations;

/// <summary>
/// The operator's API on every store: one abstract suite, enrolled per store with the store's <c>Use…</c> call. The
/// host is built, not started, so nothing runs the processor but the operations themselves.
/// </summary>
public abstract class OperationsConformance : IAsyncLifetime
{
    private IHost _host = null!;
    private bool _cured = true;

    /// <summary>Chooses the store under test.</summary>
    protected abstract Task Use(HybridBuilder hybrid);

    protected HybridOperations Ops => _host.Services.GetRequiredService<HybridOperations>();
    protected IEventStore Store => _host.Services.GetRequiredService<IEventStore>();

    public async Task InitializeAsync()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddLogging();
        builder.Services.AddHybrid(hybrid =>
        {
            Use(hybrid).GetAwaiter().GetResult();
            hybrid.AddProcessor(TestProcessors.Invoicer(() => _cured).WithRetry(RetryPolicy.NoRetry));
        });
        _host = builder.Build();
        await Store.Append(AppendRequest.Of("acme", new ProposedEvent(Guid.CreateVersion7(), Ordering.orderPlaced("o1", true), EventMetadata.Empty)), default);
        await Store.Append(AppendRequest.Of("acme", new ProposedEvent(Guid.CreateVersion7(), Ordering.orderPlaced("o2", false), EventMetadata.Empty)), default);
    }

    public async Task DisposeAsync()
    {
        if (_host is IAsyncDisposable d) await d.DisposeAsync();
        else _host.Dispose();
    }

    private async Task DeadLetterAt(long position)
    {
        var e = (await Store.Read("acme", EventQuery.All.AfterPosition(position - 1).Take(1), default)).Single();
        await _host.Services.GetRequiredService<IDeadLetterStore>().Put(new DeadLetter("acme", "invoicer", position, e.Id, e.Type,
            "InvalidOperationException: order o1 cannot be invoiced", 3, DateTimeOffset.UnixEpoch, DeadLetterStatus.Pending), default);
    }

    private static async Task<OperationRefusal> Refused(Func<Task> operation) =>
        (await Assert.ThrowsAsync<OperationRefusedException>(operation)).Refusal;

    [Fact]
    public async Task a_replayed_dead_letter_is_no_longer_listed_as_pending_and_cannot_be_retried_again()
    {
        await DeadLetterAt(1);
        Assert.Single(await Ops.DeadLetters("acme", null, includeSettled: false, default));

        var replayed = await Ops.Retry("acme", "invoicer", 1, default);

        Assert.Equal(DeadLetterStatus.Replayed, replayed.Status);
        Assert.Empty(await Ops.DeadLetters("acme", null, includeSettled: false, default));
        Assert.Equal(DeadLetterStatus.Replayed, Assert.Single(await Ops.DeadLetters(null, null, includeSettled: true, default)).Status);
        Assert.Single(await Store.Read("acme", EventQuery.OfTypes(Ordering.Types.InvoiceIssued), default));
        Assert.Equal(OperationRefusal.NotPending, await Refused(() => Ops.Retry("acme", "invoicer", 1, default)));
        Assert.Equal(OperationRefusal.NotPending, await Refused(() => Ops.Discard("acme", "invoicer", 1, default)));
        Assert.Single(await Store.Read("acme", EventQuery.OfTypes(Ordering.Types.InvoiceIssued), default));
    }

    [Fact]
    public async Task a_retry_that_fails_again_keeps_the_dead_letter_pending_with_its_attempts_added()
    {
        await DeadLetterAt(1);
        _cured = false;

        await Assert.ThrowsAsync<ReplayFailedException>(() => Ops.Retry("acme", "invoicer", 1, default));

        var letter = Assert.Single(await Ops.DeadLetters("acme", "invoicer", includeSettled: false, default));
        Assert.Equal(DeadLetterStatus.Pending, letter.Status);
        Assert.Equal(4, letter.Attempts);
    }

    [Fact]
    public async Task a_discarded_dead_letter_leaves_the_pending_list_and_nothing_is_emitted()
    {
        await DeadLetterAt(1);
        Assert.Equal(DeadLetterStatus.Discarded, (await Ops.Discard("acme", "invoicer", 1, default)).Status);
        Assert.Empty(await Ops.DeadLetters("acme", "invoicer", includeSettled: false, default));
        Assert.Empty(await Store.Read("acme", EventQuery.OfTypes(Ordering.Types.InvoiceIssued), default));
    }

    [Fact]
    public async Task unknown_ids_and_wrong_tenants_are_refused_with_their_kind_and_change_nothing()
    {
        await DeadLetterAt(1);
        Assert.Equal(OperationRefusal.UnknownTenant, await Refused(() => Ops.Retry("globex", "invoicer", 1, default)));
        Assert.Equal(OperationRefusal.InvalidInput, await Refused(() => Ops.Retry("bad tenant!", "invoicer", 1, default)));
        Assert.Equal(OperationRefusal.UnknownProcessor, await Refused(() => Ops.Discard("acme", "nobody", 1, default)));
        Assert.Equal(OperationRefusal.UnknownDeadLetter, await Refused(() => Ops.Discard("acme", "invoicer", 2, default)));
        Assert.Equal(OperationRefusal.UnknownProcessor, await Refused(() => Ops.Pause("nobody", null, default)));
        Assert.Equal(OperationRefusal.UnknownTenant, await Refused(() => Ops.Pause("invoicer", "globex", default)));
        Assert.Equal(OperationRefusal.InvalidInput, await Refused(() => Ops.Replay("invoicer", "acme", 3, null, default)));
        Assert.Equal(OperationRefusal.UnknownReadModel, await Refused(() => Ops.RebuildReadModel("acme", "nothing", "", default)));

        Assert.Equal(DeadLetterStatus.Pending, Assert.Single(await Ops.DeadLetters(null, null, includeSettled: true, default)).Status);
        Assert.Empty(await Ops.Pauses(default));
        Assert.Equal(0, (await Store.ReadCheckpoint("acme", "invoicer", default)).Position);
    }

    [Fact]
    public async Task pauses_are_kept_by_the_store_per_tenant_and_for_every_tenant()
    {
        Assert.True(await Ops.Pause("invoicer", "acme", default));
        Assert.False(await Ops.Pause("invoicer", "acme", default));
        Assert.True(await Ops.Pause("invoicer", null, default));

        var pauses = await Ops.Pauses(default);
        Assert.Equal([("invoicer", ""), ("invoicer", "acme")], pauses.Select(p => (p.Processor, p.Tenant)));
        Assert.True(Assert.Single(await Ops.Lag("acme", default)).Paused);

        Assert.True(await Ops.Resume("invoicer", null, default));
        Assert.True(await Ops.Resume("invoicer", "acme", default));
        Assert.False(await Ops.Resume("invoicer", "acme", default));
        Assert.Empty(await Ops.Pauses(default));
        Assert.False(Assert.Single(await Ops.Lag("acme", default)).Paused);
    }

    [Fact]
    public async Task resuming_one_tenant_of_a_processor_paused_for_every_tenant_is_refused_instead_of_answering_resumed_while_it_stays_paused()
    {
        Assert.True(await Ops.Pause("invoicer", null, default));
        Assert.True(await Ops.Pause("invoicer", "acme", default));

        Assert.Equal(OperationRefusal.InvalidInput, await Refused(() => Ops.Resume("invoicer", "acme", default)));

        Assert.Equal([("invoicer", ""), ("invoicer", "acme")], (await Ops.Pauses(default)).Select(p => (p.Processor, p.Tenant)));
        Assert.True(Assert.Single(await Ops.Lag("acme", default)).Paused);
        Assert.True(await Ops.Resume("invoicer", null, default)); // as the refusal says: every tenant first, then the tenant
        Assert.True(await Ops.Resume("invoicer", "acme", default));
        Assert.False(Assert.Single(await Ops.Lag("acme", default)).Paused);
    }

    [Fact]
    public async Task lag_is_the_head_minus_the_checkpoint_and_a_replay_sets_the_checkpoint_back()
    {
        Assert.True((await Store.ClaimCheckpoint("acme", "invoicer", 1, default)).IsOk);
        Assert.True((await Store.WriteCheckpoint("acme", new CheckpointWrite("invoicer", 2, 1), default)).IsOk);
        var lag = Assert.Single(await Ops.Lag(null, default));
        Assert.Equal((2L, 2L, 0L), (lag.Head, lag.Checkpoint, lag.Lag));

        var outcome = await Ops.Replay("invoicer", "acme", 1, null, default);

        Assert.Equal((2L, 1L, false), (outcome.From, outcome.To, outcome.StillPaused));
        Assert.Equal(1, Assert.Single(await Ops.Lag("acme", default)).Lag);
        Assert.Empty(await Ops.Pauses(default));
    }

    [Fact]
    public async Task a_replay_from_past_the_checkpoint_is_refused_naming_the_checkpoint_and_skips_nothing()
    {
        Assert.True((await Store.ClaimCheckpoint("acme", "invoicer", 1, default)).IsOk);
        Assert.True((await Store.WriteCheckpoint("acme", new CheckpointWrite("invoicer", 1, 1), default)).IsOk);

        var refused = await Assert.ThrowsAsync<OperationRefusedException>(() => Ops.Replay("invoicer", "acme", 2, null, default));

        Assert.Equal(OperationRefusal.InvalidInput, refused.Refusal);
        Assert.Contains("checkpoint 1", refused.Message);
        Assert.Equal(1, (await Store.ReadCheckpoint("acme", "invoicer", default)).Position);
        Assert.Empty(await Ops.Pauses(default));
    }

    [Fact]
    public async Task a_sound_store_verifies_and_pages_of_events_come_from_the_log()
    {
        var verification = await Ops.Verify(null, default);
        Assert.True(verification.Sound, verification.ToString());
        Assert.Equal((1, 2L), (verification.Tenants, verification.Events));
        Assert.Equal(["acme"], await Ops.Tenants(default));
        Assert.Equal([2L], (await Ops.Events("acme", 1, 10, default)).Select(e => e.Position));
    }
}
