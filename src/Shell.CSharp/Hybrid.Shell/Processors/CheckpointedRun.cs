using Microsoft.Extensions.Logging;

namespace Hybrid.Shell.Processors;

/// <summary>
/// What a processor's run and a producer's run share for one tenant under one lease: claiming the checkpoint with the
/// lease's fencing token, the background loop (step until caught up, then wait for new events or the poll interval),
/// the fenced checkpoint write of what was done, and how a lost lease ends the run. Subclasses say what a step does.
/// </summary>
internal abstract class CheckpointedRun(ProcessorRuntime runtime, TodoProcessor processor, string kind, string tenant, Lease lease) : ITenantRun
{
    private long _processed;

    /// <summary>The runtime of the node.</summary>
    protected ProcessorRuntime Runtime => runtime;

    /// <summary>The processor (a producer: the processor it runs as).</summary>
    protected TodoProcessor Processor => processor;

    /// <summary>The tenant this run works on.</summary>
    protected string Tenant => tenant;

    /// <summary>The lease it works under.</summary>
    protected Lease Lease => lease;

    /// <summary>Fires when a background run is asked to stop (none for a stepped run): work in flight cuts its retries.</summary>
    protected CancellationToken Stopping { get; private set; }

    /// <summary>True once the checkpoint was claimed with the lease's token.</summary>
    protected bool Claimed { get; private set; }

    /// <summary>The last position written as the checkpoint.</summary>
    protected long Written { get; set; }

    /// <summary>The last position handled.</summary>
    public long Position
    {
        get => Volatile.Read(ref _processed);
        protected set => Volatile.Write(ref _processed, value);
    }

    /// <summary>True once the run stopped for good: its lease was lost, or a step failed.</summary>
    public bool Ended { get; protected set; }

    /// <summary>Runs until <paramref name="stopping"/> fires (graceful) or <paramref name="abort"/> does (hard stop).</summary>
    public async Task Run(CancellationToken stopping, CancellationToken abort)
    {
        Stopping = stopping;
        try
        {
            if (!await Claim(abort)) return;
            var head = await runtime.Store.GetHead(tenant, abort);
            await using var wake = new StoreWake(runtime.Store, tenant, TodoProcessorModule.query(processor, 0), head, runtime.Clock, stopping);
            while (!stopping.IsCancellationRequested)
                if (!await Step(abort)) await wake.Wait(runtime.Options.PollInterval, stopping);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested && !abort.IsCancellationRequested) { }
        catch (LeaseLostException lost)
        {
            LeaseLost(lost.Message);
            return;
        }
        await FlushOnStop(abort);
    }

    /// <summary>One step; false when there was nothing to do. A <see cref="LeaseLostException"/> ends the run.</summary>
    public abstract Task<bool> Step(CancellationToken abort);

    /// <summary>Finishes what is in flight (<see cref="Settle"/>), then flushes the checkpoint; a lost lease or a hard stop only ends the run.</summary>
    public async Task FlushOnStop(CancellationToken abort)
    {
        try
        {
            await Settle(abort);
            await Flush(abort);
        }
        catch (LeaseLostException lost) { LeaseLost(lost.Message); }
        catch (OperationCanceledException) when (abort.IsCancellationRequested) { }
    }

    /// <summary>Before the last flush of a stopping run: moves <see cref="Position"/> over work in flight that is done.</summary>
    protected virtual Task Settle(CancellationToken abort) => Task.CompletedTask;

    /// <summary>Marks the run ended after a failed step, so its lease is given up and retaken later.</summary>
    public void Fail() => Ended = true;

    /// <summary>Ends the run, counts and logs the loss of its lease.</summary>
    public void LeaseLost(string reason)
    {
        Ended = true;
        ProcessorTelemetry.LeasesLost.Add(1, new KeyValuePair<string, object?>("hybrid.processor", processor.Name));
        runtime.Logger.LogWarning("Tenant {Tenant}: {Kind} {Processor} stopped, its lease (token {Token}) was lost: {Reason}",
            tenant, kind, processor.Name, lease.FencingToken, reason);
    }

    /// <summary>Claims the checkpoint with the lease's token; false (the run ended) when the lease was lost.</summary>
    protected async Task<bool> Claim(CancellationToken abort)
    {
        var claim = await runtime.Store.ClaimCheckpoint(tenant, processor.Name, lease.FencingToken, abort);
        if (claim.IsError)
        {
            LeaseLost(claim.ErrorValue.Reason);
            return false;
        }
        Position = Written = claim.ResultValue.Position;
        Claimed = true;
        return true;
    }

    /// <summary>Writes the checkpoint of what was handled, fenced by the lease; a stale lease ends the run and throws.</summary>
    protected async Task Flush(CancellationToken ct)
    {
        var position = Position;
        if (position <= Written) return;
        ct.ThrowIfCancellationRequested();
        var written = await runtime.Store.WriteCheckpoint(tenant, new CheckpointWrite(processor.Name, position, lease.FencingToken), ct);
        if (written.IsError)
        {
            Ended = true;
            throw new LeaseLostException(tenant, processor.Name, written.ErrorValue.Reason);
        }
        Written = position;
    }
}
