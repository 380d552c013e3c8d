using Microsoft.Extensions.Time.Testing;
using Microsoft.FSharp.Core;

namespace Hybrid.InMemory.Simulation;

/// <summary>
/// An event store decorator that injects append faults: failures before the write, lost acknowledgements after it,
/// and slow appends that let the virtual clock run on. Reads pass through untouched (unless a test plants a bug).
/// </summary>
public sealed class FaultyEventStore(IEventStore inner, FaultInjector faults, FakeTimeProvider clock, Sabotage sabotage = Sabotage.None)
    : IEventStore
{
    /// <summary>Runs once before the next append (see <see cref="SimulationContext.BeforeNextAppend"/>).</summary>
    public Func<Action?>? TakeInterleaving { get; set; }

    /// <inheritdoc />
    public async Task<AppendResult> Append(AppendRequest request, CancellationToken ct)
    {
        TakeInterleaving?.Invoke()?.Invoke();
        if (faults.Inject(FaultKind.SlowAppend)) clock.Advance(TimeSpan.FromSeconds(faults.Size(1, 120)));
        if (faults.Inject(FaultKind.AppendFailedBeforeWrite))
            throw new SimulatedFaultException(FaultKind.AppendFailedBeforeWrite,
                $"Tenant '{request.Tenant}': the append of {request.Events.Length} event(s) failed before writing (injected).");
        var result = await inner.Append(request, ct);
        if (result.IsAppended && faults.Inject(FaultKind.AppendAckLost))
            throw new SimulatedFaultException(FaultKind.AppendAckLost,
                $"Tenant '{request.Tenant}': the append of {request.Events.Length} event(s) was written but its acknowledgement was lost (injected).");
        return result;
    }

    /// <inheritdoc />
    public async Task<RecordedEvent[]> Read(string tenant, EventQuery query, CancellationToken ct)
    {
        var events = await inner.Read(tenant, query, ct);
        return sabotage.HasFlag(Sabotage.HideAnEvent) ? events.Where(e => e.Position != 3).ToArray() : events;
    }

    /// <inheritdoc />
    public Task<RecordedEvent[]> ReadStream(string tenant, StreamRead read, CancellationToken ct) => inner.ReadStream(tenant, read, ct);

    /// <inheritdoc />
    public Task<StreamState> GetStreamState(string tenant, string stream, CancellationToken ct) => inner.GetStreamState(tenant, stream, ct);

    /// <inheritdoc />
    public Task<DeleteResult> DeleteStream(string tenant, string stream, ExpectedVersion expected, CancellationToken ct) =>
        inner.DeleteStream(tenant, stream, expected, ct);

    /// <inheritdoc />
    public Task<long> GetHead(string tenant, CancellationToken ct) => inner.GetHead(tenant, ct);

    /// <inheritdoc />
    public Task<string[]> GetTenants(CancellationToken ct) => inner.GetTenants(ct);

    /// <inheritdoc />
    public IAsyncEnumerable<SubscriptionMessage> Subscribe(string tenant, EventQuery query, CancellationToken ct) =>
        inner.Subscribe(tenant, query, ct);

    /// <inheritdoc />
    public Task<Checkpoint> ReadCheckpoint(string tenant, string processor, CancellationToken ct) =>
        inner.ReadCheckpoint(tenant, processor, ct);

    /// <inheritdoc />
    public Task<FSharpResult<Checkpoint, ConditionFailure>> ClaimCheckpoint(string tenant, string processor, long fencingToken, CancellationToken ct) =>
        inner.ClaimCheckpoint(tenant, processor, fencingToken, ct);

    /// <inheritdoc />
    public Task<FSharpResult<Checkpoint, ConditionFailure>> WriteCheckpoint(string tenant, CheckpointWrite write, CancellationToken ct) =>
        inner.WriteCheckpoint(tenant, write, ct);

    /// <inheritdoc />
    public Task ResetCheckpoint(string tenant, string processor, long position, CancellationToken ct) =>
        inner.ResetCheckpoint(tenant, processor, position, ct);
}
