using Hybrid.Shell.Middleware;

namespace Hybrid.Tests.Integration.WriteSide;

/// <summary>A store that gives every appended event a type of its own choosing, as a command emitting it would.</summary>
internal sealed class RetypingStore(IEventStore inner, string type) : DelegatingEventStore(inner)
{
    public override Task<AppendResult> Append(AppendRequest request, CancellationToken ct) =>
        base.Append(new AppendRequest(request.Tenant, request.Events.Select(e => new ProposedEvent(e.Id, new EventData(type, e.Data.Tags, e.Data.Stream, e.Data.Body, e.Data.SchemaVersion), e.Metadata)).ToArray(),
            request.Condition, request.Checkpoint), ct);
}
