using Microsoft.Extensions.Logging;

namespace Hybrid.Shell.Processors;

/// <summary>
/// One processor for one tenant under one lease: claims the checkpoint with the lease's fencing token, then handles
/// the topic's events in position order from there, batching no-op checkpoints per read batch. Stops when asked
/// (after the event in flight, flushing its checkpoint) or when a fenced write shows the lease was lost.
/// </summary>
internal sealed class TenantProcessorRun(ProcessorRuntime runtime, TodoProcessor processor, EventExecutor executor, string tenant, Lease lease)
{
    private long _processed;
    private long _written;

    /// <summary>The last position handled.</summary>
    public long Position => Volatile.Read(ref _processed);

    /// <summary>Runs until <paramref name="stopping"/> fires (graceful) or <paramref name="abort"/> does (hard stop).</summary>
    public async Task Run(CancellationToken stopping, CancellationToken abort)
    {
        var claim = await runtime.Store.ClaimCheckpoint(tenant, processor.Name, lease.FencingToken, abort);
        if (claim.IsError)
        {
            LeaseLost(claim.ErrorValue.Reason);
            return;
        }
        _processed = _written = claim.ResultValue.Position;
        var head = await runtime.Store.GetHead(tenant, abort);
        await using var wake = new StoreWake(runtime.Store, tenant, TodoProcessorModule.query(processor, 0), head, runtime.Clock, stopping);
        try
        {
            while (!stopping.IsCancellationRequested)
            {
                var batch = await runtime.Store.Read(tenant, TodoProcessorModule.query(processor, _processed).Take(runtime.Options.BatchSize), abort);
                foreach (var e in batch)
                {
                    if (stopping.IsCancellationRequested) break;
                    if (await executor.Handle(tenant, e, lease, abort)) _written = e.Position;
                    Volatile.Write(ref _processed, e.Position);
                }
                await Flush(abort);
                if (batch.Length < runtime.Options.BatchSize) await wake.Wait(runtime.Options.PollInterval, stopping);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested && !abort.IsCancellationRequested) { }
        catch (LeaseLostException lost)
        {
            LeaseLost(lost.Message);
            return;
        }
        try { await Flush(abort); }
        catch (LeaseLostException lost) { LeaseLost(lost.Message); }
        catch (OperationCanceledException) when (abort.IsCancellationRequested) { }
    }

    private async Task Flush(CancellationToken ct)
    {
        if (_processed <= _written) return;
        ct.ThrowIfCancellationRequested();
        await executor.WriteCheckpoint(tenant, _processed, lease, ct);
        _written = _processed;
    }

    private void LeaseLost(string reason)
    {
        ProcessorTelemetry.LeasesLost.Add(1, new KeyValuePair<string, object?>("processor", processor.Name));
        runtime.Logger.LogWarning("Tenant {Tenant}: processor {Processor} stopped, its lease (token {Token}) was lost: {Reason}",
            tenant, processor.Name, lease.FencingToken, reason);
    }
}
