using Hybrid.Sample.Host;
using Hybrid.Shell.Postgres.Processing;
using Hybrid.Shell.Processors;
using Hybrid.Tests.Integration.Hosting;
using Hybrid.Tests.Integration.Postgres;
using Microsoft.Extensions.Logging.Abstractions;
using static Hybrid.Tests.Integration.Processors.TestProcessors;
using Eventually = Hybrid.Tests.Integration.Hosting.Eventually;

namespace Hybrid.Tests.Integration.Processors;

/// <summary>
/// Node identity: an id stable for a machine and data directory; a node restarted with its id takes its leases back
/// at once with new fencing tokens; rows of nodes gone for long are removed.
/// </summary>
public sealed class NodeIdentityTests
{
    [Fact]
    public void a_node_id_is_stable_for_a_machine_and_directory_and_differs_between_directories()
    {
        var directory = Path.Combine(Path.GetTempPath(), "hybrid-node-a");
        var id = NodeIdentity.For(directory);
        Assert.StartsWith($"{Environment.MachineName}-", id);
        Assert.Equal(id, NodeIdentity.For(directory + Path.DirectorySeparatorChar));
        Assert.Equal(id, NodeIdentity.For(Path.Combine(directory, "..", "hybrid-node-a")));
        Assert.NotEqual(id, NodeIdentity.For(Path.Combine(Path.GetTempPath(), "hybrid-node-b")));
    }

    [Fact]
    public void the_sample_server_defaults_to_the_id_of_its_data_directory_across_restarts()
    {
        var first = new SampleServerOptions { Postgres = "Host=127.0.0.1;Database=shop", DataDirectory = "/var/lib/hybrid/node-a" };
        var restarted = first with { };
        Assert.Equal(NodeIdentity.For("/var/lib/hybrid/node-a"), first.ResolvedNodeId);
        Assert.Equal(first.ResolvedNodeId, restarted.ResolvedNodeId);
        Assert.NotEqual(first.ResolvedNodeId, (first with { DataDirectory = "/var/lib/hybrid/node-b" }).ResolvedNodeId);
        Assert.Equal("given", (first with { NodeId = "given" }).ResolvedNodeId);
        var byDatabase = new SampleServerOptions { Postgres = "Host=127.0.0.1;Database=shop" };
        Assert.Equal(NodeIdentity.For(byDatabase.ResolvedDataDirectory), byDatabase.ResolvedNodeId);
    }

    [Fact]
    public async Task a_node_restarted_with_its_id_takes_its_leases_back_at_once_with_new_tokens()
    {
        await using var bed = new ProcessorBed();
        foreach (var tenant in new[] { "t1", "t2", "t3" }) await bed.Place(tenant, ($"{tenant}-o1", false));
        var first = new TodoProcessorHost(bed.Runtime(bed.Options("restarting")), [Invoicer()]);
        await first.Rebalance(default);
        Assert.Equal(3, first.HeldResources.Count);
        var before = await bed.Leases.List("processor/", default);
        await bed.Until(async () => (await bed.Store.ReadCheckpoint("t1", "invoicer", default)).Fence == before[0].FencingToken, "the first run claims t1");
        await first.CrashAsync();

        await using var second = new TodoProcessorHost(bed.Runtime(bed.Options("restarting")), [Invoicer()]);
        await second.Rebalance(default); // no time passes: the old leases have not expired
        Assert.Equal(3, second.HeldResources.Count);
        var after = await bed.Leases.List("processor/", default);
        Assert.Equal(before.Select(l => (l.Resource, l.FencingToken + 1)), after.Select(l => (l.Resource, l.FencingToken)));
        Assert.All(after, l => Assert.Equal("restarting", l.Owner));

        await bed.Until(async () => (await bed.Store.ReadCheckpoint("t1", "invoicer", default)).Fence == after[0].FencingToken, "the new run claims t1");
        var stale = await bed.Store.WriteCheckpoint("t1", new CheckpointWrite("invoicer", 1, before[0].FencingToken), default);
        Assert.Equal(ConditionFailureKind.StaleFencingToken, stale.ErrorValue.Kind);
        await bed.Until(async () => (await bed.Invoices("t1")).Length == 1, "the new run invoices t1");
    }

    [Fact]
    public async Task the_rows_of_nodes_gone_longer_than_the_configured_time_are_removed()
    {
        await using var bed = new ProcessorBed();
        await JoinAndCrash(bed, "long-gone");
        bed.Clock.Advance(TimeSpan.FromMinutes(6));
        await JoinAndCrash(bed, "recently-gone");
        bed.Clock.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(31)); // gone for 11 and 5 minutes
        var options = bed.Options("survivor");
        options.ForgetNodesAfter = TimeSpan.FromMinutes(10);
        await using var survivor = new TodoProcessorHost(bed.Runtime(options), [Invoicer()]);
        await survivor.Rebalance(default);

        // A forgotten node starts its heartbeat tokens afresh; a remembered one continues them.
        Assert.Equal(1, (await bed.Leases.TryAcquire(Leasing.nodeResource("long-gone"), "long-gone", TimeSpan.FromSeconds(30), default))!.Value.FencingToken);
        Assert.Equal(2, (await bed.Leases.TryAcquire(Leasing.nodeResource("recently-gone"), "recently-gone", TimeSpan.FromSeconds(30), default))!.Value.FencingToken);
    }

    private static async Task JoinAndCrash(ProcessorBed bed, string node)
    {
        var host = new TodoProcessorHost(bed.Runtime(bed.Options(node)), [Invoicer()]);
        await host.Rebalance(default);
        await host.CrashAsync();
    }

    [Fact]
    public async Task on_postgres_a_restarted_node_takes_its_leases_back_at_once_and_gone_nodes_are_forgotten()
    {
        var (admin, store) = await ProcessingDatabase.CreateAsync("hybrid_node_identity");
        await using var _ = store;
        await using var leases = new PostgresLeaseStore(store.Options.ConnectionString);
        await using var deadLetters = new PostgresDeadLetterStore(store.Options.ConnectionString);
        foreach (var tenant in new[] { "t1", "t2", "t3" }) await ProcessingDatabase.PlaceOrder(store, tenant, $"{tenant}-o1");
        ProcessorRuntime Runtime() => new(store, leases, deadLetters, new EffectHandlers([]), TimeProvider.System, new ProcessorOptions
        {
            NodeId = "restarting",
            LeaseDuration = TimeSpan.FromMinutes(1),
            RebalanceInterval = TimeSpan.FromSeconds(10),
            PollInterval = TimeSpan.FromMilliseconds(200),
        }, NullLogger.Instance);

        var first = new TodoProcessorHost(Runtime(), [Invoicer()]);
        await first.Rebalance(default);
        var before = await leases.List("processor/", default);
        Assert.Equal(3, before.Length);
        await Eventually.Until(async () => (await store.ReadCheckpoint("t1", "invoicer", default)).Fence == before[0].FencingToken, "the first run claims t1");
        await first.CrashAsync();

        await using var second = new TodoProcessorHost(Runtime(), [Invoicer()]);
        await second.Rebalance(default);
        Assert.Equal(3, second.HeldResources.Count);
        var after = await leases.List("processor/", default);
        Assert.Equal(before.Select(l => (l.Resource, l.FencingToken + 1)), after.Select(l => (l.Resource, l.FencingToken)));
        await Eventually.Until(async () => (await store.ReadCheckpoint("t1", "invoicer", default)).Fence == after[0].FencingToken, "the new run claims t1");
        var stale = await store.WriteCheckpoint("t1", new CheckpointWrite("invoicer", 1, before[0].FencingToken), default);
        Assert.Equal(ConditionFailureKind.StaleFencingToken, stale.ErrorValue.Kind);

        Assert.NotNull(await leases.TryAcquire(Leasing.nodeResource("short-lived"), "short-lived", TimeSpan.FromMilliseconds(100), default));
        await Task.Delay(400);
        Assert.Equal(1, await leases.ForgetNodes(TimeSpan.FromMilliseconds(200), default));
        await using var connection = await Sql.OpenAsync(admin);
        Assert.Equal(["restarting"], await connection.ColumnAsync<string>("SELECT node_id FROM hybrid.nodes ORDER BY node_id"));
    }
}
