using Hybrid.Shell.Processors;
using static Hybrid.Tests.Integration.Processors.TestProcessors;

namespace Hybrid.Tests.Integration.Processors;

public sealed class LeaseTests
{
    [Fact]
    public async Task a_node_paused_past_its_lease_cannot_write_after_another_node_took_over()
    {
        await using var bed = new ProcessorBed();
        await bed.Place("acme", ("o1", false), ("o2", false), ("o3", false));
        using var paused = new ManualResetEventSlim();
        using var resume = new ManualResetEventSlim();
        var stale = new TodoProcessorHost(bed.Runtime(bed.Options("stale")), [Around(Invoicer(), e =>
        {
            if (e.Position != 2) return;
            paused.Set();
            resume.Wait();
        })]);
        await stale.Rebalance(default); // no renewal loop: the node is paused as a whole
        await bed.Until(() => paused.IsSet, "the stale node pauses in its handler");

        bed.Clock.Advance(TimeSpan.FromSeconds(31));
        var fresh = await bed.Node(Invoicer());
        await bed.Until(async () => (await bed.Invoices("acme")).Length == 3, "the fresh node invoices everything");
        resume.Set();
        await bed.Until(async () => (await bed.Store.ReadCheckpoint("acme", "invoicer", default)).Position == 3, "the fresh node checkpoints");
        await Task.Delay(100);

        Assert.Equal(["o1", "o2", "o3"], OrdersOf(await bed.Invoices("acme")));
        var checkpoint = await bed.Store.ReadCheckpoint("acme", "invoicer", default);
        Assert.Equal(3, checkpoint.Position);
        Assert.Equal(2, checkpoint.Fence);
        var staleWrite = await bed.Store.WriteCheckpoint("acme", new CheckpointWrite("invoicer", 1, 1), default);
        Assert.Equal(ConditionFailureKind.StaleFencingToken, staleWrite.ErrorValue.Kind);
        await stale.DisposeAsync();
        Assert.NotNull(fresh);
    }

    [Fact]
    public async Task nodes_share_tenants_fairly_and_leases_move_to_the_survivor_when_a_node_stops()
    {
        await using var bed = new ProcessorBed();
        foreach (var tenant in new[] { "t1", "t2", "t3", "t4" }) await bed.Place(tenant, ($"{tenant}-o1", false));
        var first = await bed.Node(Invoicer());
        await bed.Until(() => first.HeldResources.Count == 4, "the first node holds every tenant");

        var second = await bed.Node(Invoicer());
        await bed.Until(() => first.HeldResources.Count == 2 && second.HeldResources.Count == 2, "the nodes hold two tenants each", TimeSpan.FromSeconds(1));
        Assert.Empty(first.HeldResources.Intersect(second.HeldResources));

        await first.StopAsync(default);
        await bed.Place("t1", ("t1-o2", false));
        await bed.Until(() => second.HeldResources.Count == 4, "the survivor holds every tenant", TimeSpan.FromSeconds(1));
        await bed.Until(async () => (await bed.Invoices("t1")).Length == 2, "the survivor invoices the new order");
        Assert.Equal(["t1-o1", "t1-o2"], OrdersOf(await bed.Invoices("t1")));
    }

    [Fact]
    public async Task leases_of_a_killed_node_move_once_they_expire()
    {
        await using var bed = new ProcessorBed();
        foreach (var tenant in new[] { "t1", "t2" }) await bed.Place(tenant, ($"{tenant}-o1", false));
        var doomed = await bed.Node(Invoicer());
        await bed.Until(() => doomed.HeldResources.Count == 2, "the first node holds both tenants");
        var survivor = await bed.Node(Invoicer());
        await doomed.CrashAsync();

        await bed.Until(() => survivor.HeldResources.Count == 2, "the survivor holds both tenants", TimeSpan.FromSeconds(1));
        await bed.Place("t2", ("t2-o2", false));
        await bed.Until(async () => (await bed.Invoices("t2")).Length == 2, "the survivor invoices the new order");
        Assert.Equal(["t2-o1", "t2-o2"], OrdersOf(await bed.Invoices("t2")));
    }

    [Fact]
    public async Task sharded_processors_cover_every_tenant_with_a_fixed_number_of_leases()
    {
        await using var bed = new ProcessorBed();
        var tenants = Enumerable.Range(1, 5).Select(i => $"s{i}").ToArray();
        foreach (var tenant in tenants) await bed.Place(tenant, ($"{tenant}-o1", false));
        var invoicer = Invoicer();
        var sharded = invoicer.WithSharding(Sharding.NewShards(2));
        var node = await bed.Node(sharded);

        await bed.Until(async () =>
        {
            foreach (var t in tenants) if ((await bed.Invoices(t)).Length != 1) return false;
            return true;
        }, "every tenant is invoiced");
        Assert.Equal(["processor/invoicer/shard:0", "processor/invoicer/shard:1"], node.HeldResources);
    }
}
