using Hybrid.Shell.Stores;
using Microsoft.FSharp.Core;

namespace Hybrid.Shell.Middleware;

/// <summary>A store decorator passing every call to the inner store; override what the decorator changes.</summary>
public abstract class DelegatingEventStore(IEventStore inner) : IEventStore, IEventByIdReader
{
    /// <summary>The decorated store.</summary>
    protected IEventStore Inner { get; } = inner ?? throw new ArgumentNullException(nameof(inner));

    /// <inheritdoc />
    public virtual Task<AppendResult> Append(AppendRequest request, CancellationToken ct) => Inner.Append(request, ct);

    /// <inheritdoc />
    public virtual Task<RecordedEvent[]> Read(string tenant, EventQuery query, CancellationToken ct) => Inner.Read(tenant, query, ct);

    /// <inheritdoc />
    public virtual Task<RecordedEvent[]> ReadStream(string tenant, StreamRead read, CancellationToken ct) => Inner.ReadStream(tenant, read, ct);

    /// <inheritdoc />
    public virtual Task<RecordedEvent[]> ReadById(string tenant, Guid id, CancellationToken ct) => Inner.ReadById(tenant, id, ct);

    /// <inheritdoc />
    public virtual Task<StreamState> GetStreamState(string tenant, string stream, CancellationToken ct) => Inner.GetStreamState(tenant, stream, ct);

    /// <inheritdoc />
    public virtual Task<DeleteResult> DeleteStream(string tenant, string stream, ExpectedVersion expected, CancellationToken ct) =>
        Inner.DeleteStream(tenant, stream, expected, ct);

    /// <inheritdoc />
    public virtual Task<long> GetHead(string tenant, CancellationToken ct) => Inner.GetHead(tenant, ct);

    /// <inheritdoc />
    public virtual Task<string[]> GetTenants(CancellationToken ct) => Inner.GetTenants(ct);

    /// <inheritdoc />
    public virtual IAsyncEnumerable<SubscriptionMessage> Subscribe(string tenant, EventQuery query, CancellationToken ct) =>
        Inner.Subscribe(tenant, query, ct);

    /// <inheritdoc />
    public virtual Task<Checkpoint> ReadCheckpoint(string tenant, string processor, CancellationToken ct) =>
        Inner.ReadCheckpoint(tenant, processor, ct);

    /// <inheritdoc />
    public virtual Task<FSharpResult<Checkpoint, ConditionFailure>> ClaimCheckpoint(string tenant, string processor, long fencingToken,
        CancellationToken ct) => Inner.ClaimCheckpoint(tenant, processor, fencingToken, ct);

    /// <inheritdoc />
    public virtual Task<FSharpResult<Checkpoint, ConditionFailure>> WriteCheckpoint(string tenant, CheckpointWrite write, CancellationToken ct) =>
        Inner.WriteCheckpoint(tenant, write, ct);

    /// <inheritdoc />
    public virtual Task ResetCheckpoint(string tenant, string processor, long position, CancellationToken ct) =>
        Inner.ResetCheckpoint(tenant, processor, position, ct);
}
