using Hybrid.Shell.Stores;
using Microsoft.FSharp.Core;

namespace Hybrid.Shell.Lmdb.EventStore;

// Processor checkpoints, changed by the writer so that they serialize with appends (whose fences they affect).
public sealed partial class LmdbEventStore
{
    /// <inheritdoc />
    public Task<Checkpoint> ReadCheckpoint(string tenant, string processor, CancellationToken ct)
    {
        StoreInput.Processor(tenant, processor);
        ct.ThrowIfCancellationRequested();
        return Task.FromResult(InTenant(tenant, new Checkpoint(0, 0), view => view.CheckpointOf(processor)));
    }

    /// <inheritdoc />
    public Task<FSharpResult<Checkpoint, ConditionFailure>> ClaimCheckpoint(string tenant, string processor, long fencingToken, CancellationToken ct)
    {
        StoreInput.Claim(tenant, processor, fencingToken);
        ct.ThrowIfCancellationRequested();
        return ChangeCheckpoint(tenant, processor, current => Fencing.claim(tenant, processor, current, fencingToken));
    }

    /// <inheritdoc />
    public Task<FSharpResult<Checkpoint, ConditionFailure>> WriteCheckpoint(string tenant, CheckpointWrite write, CancellationToken ct)
    {
        StoreInput.CheckpointWrite(tenant, write);
        ct.ThrowIfCancellationRequested();
        return ChangeCheckpoint(tenant, write.Processor, current => Fencing.write(tenant, current, write));
    }

    /// <inheritdoc />
    public Task ResetCheckpoint(string tenant, string processor, long position, CancellationToken ct)
    {
        StoreInput.Processor(tenant, processor);
        StoreInput.Position(tenant, "position", position);
        ct.ThrowIfCancellationRequested();
        return ChangeCheckpoint(tenant, processor,
            current => FSharpResult<Checkpoint, ConditionFailure>.NewOk(new Checkpoint(position, current.Fence)));
    }

    private Task<FSharpResult<Checkpoint, ConditionFailure>> ChangeCheckpoint(string tenant, string processor,
        Func<Checkpoint, FSharpResult<Checkpoint, ConditionFailure>> change) =>
        _writer.Enqueue(txn =>
        {
            var view = txn.TenantForWrite(tenant);
            var changed = change(view.CheckpointOf(processor));
            if (changed.IsOk) view.SetCheckpoint(processor, changed.ResultValue);
            return changed;
        }, 0, null);
}
