using static Hybrid.Tests.Integration.Conformance.TestEvents;

namespace Hybrid.Tests.Integration.Conformance;

/// <summary>
/// A token already cancelled when an operation starts: every store throws <see cref="OperationCanceledException"/>,
/// reads answer nothing, and writes (appends, purges, deletions, checkpoints) write nothing.
/// </summary>
public abstract class CancellationConformance(IEventStoreFactory factory) : ConformanceSuite(factory)
{
    private static CancellationToken Cancelled => new(canceled: true);

    private static Task Cancels(Func<Task> act) => Assert.ThrowsAnyAsync<OperationCanceledException>(act);

    [Fact]
    public async Task an_append_with_a_cancelled_token_throws_and_writes_nothing()
    {
        await AppendOk(Of("Created", "order-1"));
        await Cancels(() => Store.Append(AppendRequest.Of(Tenant, Propose(Of("Paid", "order-1"))), Cancelled));
        await Cancels(() => Store.Append(AppendRequest.Of(Tenant, Propose(Of("Paid", "order-1")))
            .When(Expect("order-1", Exact(1))), Cancelled));
        Assert.Equal(1, await Head());
        Assert.Single(await ReadStream("order-1"));
    }

    [Fact]
    public async Task an_append_with_a_checkpoint_and_a_cancelled_token_writes_neither()
    {
        await Cancels(() => Store.Append(new AppendRequest(Tenant, Propose(Of("A")), AppendCondition.NoCondition,
            Some(new CheckpointWrite("p", 5, 1))), Cancelled));
        Assert.Equal(0, await Head());
        Assert.Equal(new Checkpoint(0, 0), await Store.ReadCheckpoint(Tenant, "p", Ct));
    }

    [Fact]
    public async Task a_purge_with_a_cancelled_token_throws_and_purges_nothing()
    {
        if (Store is not IEventPurger purger) return; // a store without purges (the routing store) has nothing to cancel
        await AppendOk(Of("Registered", "customer-1"));
        await Cancels(() => purger.Purge(new PurgeRequest(Tenant, PurgeTarget.NewWholeStream("customer-1"), "erasure",
            Guid.CreateVersion7(), EventMetadata.Empty), Cancelled));
        Assert.Equal(1, await Head());
        Assert.Equal("Registered", Assert.Single(await ReadStream("customer-1")).Type);
    }

    [Fact]
    public async Task every_read_with_a_cancelled_token_throws()
    {
        var written = Assert.Single(await AppendOk(Of("Created", "order-1")));
        await Cancels(() => Store.Read(Tenant, EventQuery.All, Cancelled));
        await Cancels(() => Store.ReadStream(Tenant, StreamRead.Forward("order-1"), Cancelled));
        await Cancels(() => Store.GetStreamState(Tenant, "order-1", Cancelled));
        await Cancels(() => Store.GetHead(Tenant, Cancelled));
        await Cancels(() => Store.GetTenants(Cancelled));
        await Cancels(() => Store.ReadCheckpoint(Tenant, "p", Cancelled));
        if (Store is IEventByIdReader reader) await Cancels(() => reader.ReadById(Tenant, written.Id, Cancelled));
    }

    [Fact]
    public async Task a_subscription_with_a_cancelled_token_delivers_nothing()
    {
        await AppendOk(Of("Created", "order-1"));
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        var delivered = new List<SubscriptionMessage>();
        try
        {
            await foreach (var message in Store.Subscribe(Tenant, EventQuery.All, cts.Token).WithCancellation(cts.Token))
                delivered.Add(message);
        }
        catch (OperationCanceledException)
        {
            // Ending quietly and throwing are both a cancelled subscription; what it must not do is deliver.
        }
        Assert.Empty(delivered);
    }

    // Cancelled during catch-up, the in-memory and LMDB stores still delivered the rest of their batch (up to 511
    // events) and PostgreSQL its subscriber buffer, each a different number, before ending.
    [Fact]
    public async Task a_subscription_cancelled_during_catch_up_delivers_nothing_more()
    {
        for (var i = 0; i < 3; i++) await AppendOk(Many(500, "History"));
        using var cts = new CancellationTokenSource();
        var enumerator = Store.Subscribe(Tenant, EventQuery.All, cts.Token).GetAsyncEnumerator(cts.Token);
        Assert.True(await enumerator.MoveNextAsync());
        Assert.Equal(1, ((SubscriptionMessage.Event)enumerator.Current).Item.Position);
        await cts.CancelAsync();
        var delivered = new List<SubscriptionMessage>();
        try
        {
            while (await enumerator.MoveNextAsync().AsTask().WaitAsync(Patience)) delivered.Add(enumerator.Current);
        }
        catch (OperationCanceledException)
        {
            // Ending quietly and throwing are both a cancelled subscription; what it must not do is deliver.
        }
        await enumerator.DisposeAsync();
        Assert.Empty(delivered);
    }

    [Fact]
    public async Task deleting_a_stream_with_a_cancelled_token_throws_and_deletes_nothing()
    {
        await AppendOk(Of("Created", "order-1"));
        await Cancels(() => Store.DeleteStream(Tenant, "order-1", ExpectedVersion.Any, Cancelled));
        Assert.Equal(new StreamState(1, 0), await Store.GetStreamState(Tenant, "order-1", Ct));
    }

    [Fact]
    public async Task checkpoint_writes_with_a_cancelled_token_throw_and_change_nothing()
    {
        Assert.True((await Store.WriteCheckpoint(Tenant, new CheckpointWrite("p", 3, 1), Ct)).IsOk);
        await Cancels(() => Store.WriteCheckpoint(Tenant, new CheckpointWrite("p", 9, 2), Cancelled));
        await Cancels(() => Store.ClaimCheckpoint(Tenant, "p", 5, Cancelled));
        await Cancels(() => Store.ResetCheckpoint(Tenant, "p", 0, Cancelled));
        Assert.Equal(new Checkpoint(3, 1), await Store.ReadCheckpoint(Tenant, "p", Ct));
    }
}
