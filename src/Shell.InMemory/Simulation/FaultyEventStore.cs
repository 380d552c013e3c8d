using Hybrid.InMemory.Time;
using Hybrid.Shell.Stores;
using Microsoft.FSharp.Core;

namespace Hybrid.InMemory.Simulation;

/// <summary>
/// An event store decorator that injects append faults: failures before the write, lost acknowledgements after it,
/// and slow appends that let the virtual clock run on. Reads pass through untouched (unless a test plants a bug).
/// It tells its observer what was proposed and what callers were told.
/// </summary>
public sealed class FaultyEventStore(IEventStore inner, FaultInjector faults, VirtualClock clock, Sabotage sabotage = Sabotage.None)
    : IEventStore, IEventByIdReader
{
    private const long UnbeatableToken = long.MaxValue / 2;

    /// <summary>Runs once before the next append (see <see cref="SimulationContext.BeforeNextAppend"/>).</summary>
    public Func<Action?>? TakeInterleaving { get; set; }

    /// <summary>The databases that may be down (a multi-database run), or null.</summary>
    public DatabaseOutages? Outages { get; set; }

    /// <summary>Told of every append and refused checkpoint, when set.</summary>
    public IStoreObserver? Observer { get; set; }

    /// <summary>Fresh ids for the planted <see cref="Sabotage.IgnoreFencing"/> bug, which re-mints emitted ids.</summary>
    public IIdSource? Ids { get; set; }

    /// <inheritdoc />
    public async Task<AppendResult> Append(AppendRequest request, CancellationToken ct)
    {
        request = Sabotaged(request);
        TakeInterleaving?.Invoke()?.Invoke();
        Observer?.Proposed(request);
        Outages?.ThrowIfDown(request.Tenant);
        if (faults.Inject(FaultKind.SlowAppend)) clock.Advance(TimeSpan.FromSeconds(faults.Size(1, 120)));
        if (faults.Inject(FaultKind.AppendFailedBeforeWrite))
            throw new SimulatedFaultException(FaultKind.AppendFailedBeforeWrite,
                $"Tenant '{request.Tenant}': the append of {request.Events.Length} event(s) failed before writing (injected).");
        var result = await inner.Append(request, ct);
        if (result.IsAppended && faults.Inject(FaultKind.AppendAckLost))
        {
            Observer?.Answered(request, result, acknowledged: false);
            throw new SimulatedFaultException(FaultKind.AppendAckLost,
                $"Tenant '{request.Tenant}': the append of {request.Events.Length} event(s) was written but its acknowledgement was lost (injected).");
        }
        Observer?.Answered(request, result, acknowledged: true);
        return result;
    }

    /// <summary>
    /// With fencing ignored, a processor's writes carry an unbeatable token and its emits fresh ids; with deadlines
    /// fired twice, a firing loses its "not fired yet" condition.
    /// </summary>
    private AppendRequest Sabotaged(AppendRequest request)
    {
        if (sabotage.HasFlag(Sabotage.FireDeadlinesTwice) && request.Events.Length > 0 && request.Events[0].Data.Type == Deadlines.FiredType)
            return request.When(AppendCondition.NoCondition);
        if (!sabotage.HasFlag(Sabotage.IgnoreFencing) || request.Checkpoint is not { } checkpoint || Ids is null) return request;
        var events = request.Events.Select(e => new ProposedEvent(Ids.NewId(), e.Data, e.Metadata)).ToArray();
        return new AppendRequest(request.Tenant, events, request.Condition,
            FSharpOption<CheckpointWrite>.Some(new CheckpointWrite(checkpoint.Value.Processor, checkpoint.Value.Position, UnbeatableToken)));
    }

    private long Token(long token) => sabotage.HasFlag(Sabotage.IgnoreFencing) ? UnbeatableToken : token;

    /// <inheritdoc />
    public async Task<RecordedEvent[]> Read(string tenant, EventQuery query, CancellationToken ct)
    {
        var events = await inner.Read(tenant, query, ct);
        return sabotage.HasFlag(Sabotage.HideAnEvent) ? events.Where(e => e.Position != 3).ToArray() : events;
    }

    /// <inheritdoc />
    public Task<RecordedEvent[]> ReadStream(string tenant, StreamRead read, CancellationToken ct) => inner.ReadStream(tenant, read, ct);

    /// <inheritdoc />
    public Task<RecordedEvent[]> ReadById(string tenant, Guid id, CancellationToken ct) => inner.ReadById(tenant, id, ct);

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
        inner.ClaimCheckpoint(tenant, processor, Token(fencingToken), ct);

    /// <inheritdoc />
    public async Task<FSharpResult<Checkpoint, ConditionFailure>> WriteCheckpoint(string tenant, CheckpointWrite write, CancellationToken ct)
    {
        var written = await inner.WriteCheckpoint(tenant, new CheckpointWrite(write.Processor, write.Position, Token(write.FencingToken)), ct);
        if (written.IsError) Observer?.CheckpointRefused(tenant, write);
        return written;
    }

    /// <inheritdoc />
    public Task ResetCheckpoint(string tenant, string processor, long position, CancellationToken ct) =>
        inner.ResetCheckpoint(tenant, processor, position, ct);
}
