using Hybrid.Shell.Postgres;
using Hybrid.Shell.Postgres.Processing;
using Hybrid.Shell.Processors;
using Hybrid.Tests.Integration.Postgres;
using Hybrid.Tests.Integration.Processors;
using Hybrid.Tests.TestDomain;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hybrid.Tests.Integration.Hosting;

using static Eventually;

/// <summary>A node paused past its lease on PostgreSQL (leases on the database clock) cannot write afterwards.</summary>
public sealed class PostgresPausedNodeTests
{
    private const string Tenant = "acme";

    private static ProcessorRuntime Runtime(PostgresEventStore store, string admin, string node) =>
        new(store, new PostgresLeaseStore(admin), new PostgresDeadLetterStore(admin), new EffectHandlers([]), TimeProvider.System,
            new ProcessorOptions
            {
                NodeId = node,
                LeaseDuration = TimeSpan.FromSeconds(2),
                RebalanceInterval = TimeSpan.FromMilliseconds(200),
                PollInterval = TimeSpan.FromMilliseconds(200),
                BatchSize = 4,
            },
            NullLogger.Instance);

    private static async Task<RecordedEvent[]> Invoices(IEventStore store) =>
        await store.Read(Tenant, EventQuery.OfTypes(Ordering.Types.InvoiceIssued), default);

    [Fact]
    public async Task a_node_paused_past_its_lease_cannot_write_after_another_node_took_over()
    {
        var (admin, store) = await ProcessingDatabase.CreateAsync("hybrid_paused");
        await using var _ = store;
        foreach (var order in new[] { "o1", "o2", "o3" })
            await ProcessingDatabase.PlaceOrder(store, Tenant, order);

        using var paused = new ManualResetEventSlim();
        using var resume = new ManualResetEventSlim();
        await using var stale = new TodoProcessorHost(Runtime(store, admin, "stale"), [TestProcessors.Around(TestProcessors.Invoicer(), e =>
        {
            if (e.Position != 2) return;
            paused.Set();
            resume.Wait();
        })]);
        await stale.Rebalance(default); // no renewal loop: the node is paused as a whole
        await Until(() => Task.FromResult(paused.IsSet), "the stale node pauses in its handler");

        await Task.Delay(TimeSpan.FromSeconds(2.5)); // past the stale node's lease
        await using var fresh = new TodoProcessorHost(Runtime(store, admin, "fresh"), [TestProcessors.Invoicer()]);
        await fresh.StartAsync(default);
        await Until(async () => (await Invoices(store)).Length == 3, "the fresh node invoices everything");
        resume.Set();
        await Until(async () => (await store.ReadCheckpoint(Tenant, "invoicer", default)).Position == 3, "the fresh node checkpoints");
        await Task.Delay(500); // the stale node's late emit and checkpoint, if they were ever accepted, would land now

        Assert.Equal(["o1", "o2", "o3"], TestProcessors.OrdersOf(await Invoices(store)));
        var checkpoint = await store.ReadCheckpoint(Tenant, "invoicer", default);
        Assert.Equal(3, checkpoint.Position);
        var staleWrite = await store.WriteCheckpoint(Tenant, new CheckpointWrite("invoicer", 1, checkpoint.Fence - 1), default);
        Assert.Equal(ConditionFailureKind.StaleFencingToken, staleWrite.ErrorValue.Kind);
        await fresh.StopAsync(default);
    }
}
