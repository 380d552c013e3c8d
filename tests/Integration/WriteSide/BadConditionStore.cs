using Hybrid.Shell.Middleware;

namespace Hybrid.Tests.Integration.WriteSide;

/// <summary>
/// A store that appends under a condition whose query's second tag is no tag, as a command looking that up would: the
/// store refuses it naming <c>condition.query.Items[0].Tags[1]</c>, in .NET terms.
/// </summary>
internal sealed class BadConditionStore(IEventStore inner) : DelegatingEventStore(inner)
{
    public override Task<AppendResult> Append(AppendRequest request, CancellationToken ct) =>
        base.Append(new AppendRequest(request.Tenant, request.Events,
            AppendCondition.NothingNewSince(EventQuery.OfTags("counter:c", "no tag"), 0), request.Checkpoint), ct);
}
