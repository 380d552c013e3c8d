using Hybrid.Shell.Middleware;

namespace Hybrid.Tests.Integration.WriteSide;

/// <summary>
/// A store decorator that, before each of its first <c>interferences</c> appends, appends a competing
/// "Incremented" event to the same stream: the command's condition then fails as if another writer had won.
/// </summary>
public sealed class InterferingStore(IEventStore inner, int interferences) : DelegatingEventStore(inner)
{
    private int _left = interferences;

    /// <inheritdoc />
    public override async Task<AppendResult> Append(AppendRequest request, CancellationToken ct)
    {
        var stream = request.Events[0].Data.Stream;
        if (Interlocked.Decrement(ref _left) >= 0)
        {
            var counterId = stream["counter-".Length..];
            var competing = new ProposedEvent(Guid.NewGuid(),
                EventData.Create("Incremented", $$"""{"counterId":"{{counterId}}","by":1}""", stream, $"counter:{counterId}"),
                EventMetadata.Of("", "", "interference"));
            await Inner.Append(AppendRequest.Of(request.Tenant, competing), ct);
        }
        return await Inner.Append(request, ct);
    }
}
