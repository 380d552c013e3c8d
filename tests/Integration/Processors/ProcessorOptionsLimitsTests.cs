using Hybrid.Shell.Processors;
using Hybrid.Tests.Integration.Postgres.Conformance;

namespace Hybrid.Tests.Integration.Processors;

/// <summary>
/// A lease longer than a day or a node id longer than 200 characters was accepted at start and refused by
/// PostgreSQL's lease functions in every round afterwards (SQLSTATE 22023): the node never took a lease, only logged.
/// They are refused at start naming the option, and the longest allowed ones are granted by PostgreSQL.
/// </summary>
public sealed class ProcessorOptionsLimitsTests
{
    [Fact]
    public void a_lease_longer_than_a_day_or_a_node_id_longer_than_200_characters_is_refused_at_start_naming_it()
    {
        var lease = Assert.Throws<ArgumentException>(() => new ProcessorOptions { NodeId = "node-a", LeaseDuration = TimeSpan.FromDays(2) }.Validate());
        Assert.Equal(nameof(ProcessorOptions.LeaseDuration), lease.ParamName);
        var node = Assert.Throws<ArgumentException>(() => new ProcessorOptions { NodeId = new string('n', 201) }.Validate());
        Assert.Equal(nameof(ProcessorOptions.NodeId), node.ParamName);
        Assert.Contains("201 characters", node.Message);
    }

    [Fact]
    public async Task the_longest_lease_and_node_id_the_options_allow_are_granted_by_postgres()
    {
        var options = new ProcessorOptions { NodeId = new string('n', ProcessorOptions.MaxNodeIdLength), LeaseDuration = ProcessorOptions.MaxLeaseDuration };
        options.Validate();
        var leases = await new PostgresStoreFactory().CreateLeasesAsync();

        var processor = await leases.TryAcquire($"processor/limits-{Guid.NewGuid():N}/tenant:acme", options.NodeId, options.LeaseDuration, default);
        var heartbeat = await leases.TryAcquire(Leasing.nodeResource(options.NodeId), options.NodeId, options.LeaseDuration, default);

        Assert.NotNull(processor);
        Assert.NotNull(heartbeat);
        await leases.Release(heartbeat.Value, default);
    }
}
