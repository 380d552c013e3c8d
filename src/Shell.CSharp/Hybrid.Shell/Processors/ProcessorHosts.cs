using Hybrid.Shell.Producers;

namespace Hybrid.Shell.Processors;

/// <summary>
/// The todo-processor hosts of a node: one over every tenant, or one per <see cref="ProcessorPartition"/> (a database
/// of a tenancy map), each with its own leases and rebalancing, all with the same processors. They start and stop together.
/// </summary>
public sealed class ProcessorHosts
{
    /// <summary>The single host of a node without partitions.</summary>
    public ProcessorHosts(TodoProcessorHost host) => All = [host];

    /// <summary>One host per partition, over the node's runtime whose store and leases each partition narrows.</summary>
    public ProcessorHosts(ProcessorRuntime runtime, IEnumerable<ProcessorPartition> partitions, IReadOnlyList<TodoProcessor> processors,
        IReadOnlyList<ProducerRegistration> producers)
    {
        var hosts = new Dictionary<string, TodoProcessorHost>(StringComparer.Ordinal);
        foreach (var partition in partitions)
        {
            var scoped = runtime with { Store = new PartitionEventStore(runtime.Store, partition), Leases = partition.Leases };
            hosts.Add(partition.Name, new TodoProcessorHost(scoped, processors, producers));
        }
        ByPartition = hosts;
        All = hosts.Values.ToArray();
    }

    /// <summary>Every host.</summary>
    public IReadOnlyList<TodoProcessorHost> All { get; }

    /// <summary>The hosts by partition name (empty without partitions).</summary>
    public IReadOnlyDictionary<string, TodoProcessorHost> ByPartition { get; } = new Dictionary<string, TodoProcessorHost>();

    /// <summary>The node's id.</summary>
    public string NodeId => All.Count == 0 ? "" : All[0].NodeId;

    /// <summary>The lease resources held by every host.</summary>
    public IReadOnlyCollection<string> HeldResources => All.SelectMany(h => h.HeldResources).ToArray();

    /// <summary>Starts every host.</summary>
    public async Task StartAsync(CancellationToken ct)
    {
        foreach (var host in All) await host.StartAsync(ct);
    }

    /// <summary>Stops every host gracefully, together.</summary>
    public Task StopAsync(CancellationToken ct) => Task.WhenAll(All.Select(h => h.StopAsync(ct)));
}
