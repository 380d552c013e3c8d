using Hybrid.Shell.Middleware;

namespace Hybrid.Shell.Processors;

/// <summary>The node's event store as one partition's processor host sees it: every call passes, but only the partition's tenants are listed.</summary>
internal sealed class PartitionEventStore(IEventStore inner, ProcessorPartition partition) : DelegatingEventStore(inner)
{
    public override Task<string[]> GetTenants(CancellationToken ct) => partition.Tenants(ct);
}
