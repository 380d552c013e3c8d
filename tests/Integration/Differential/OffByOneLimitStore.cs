using Hybrid.Shell.Middleware;

namespace Hybrid.Tests.Integration.Differential;

/// <summary>A planted bug: reads with a limit of two or more return one event too few.</summary>
internal sealed class OffByOneLimitStore(IEventStore inner) : DelegatingEventStore(inner)
{
    public override Task<RecordedEvent[]> Read(string tenant, EventQuery query, CancellationToken ct) =>
        Inner.Read(tenant, query.Limit >= 2 ? query.Take(query.Limit - 1) : query, ct);
}
