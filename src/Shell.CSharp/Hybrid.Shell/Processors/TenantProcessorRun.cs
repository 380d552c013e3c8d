using Microsoft.Extensions.Logging;

namespace Hybrid.Shell.Processors;

/// <summary>
/// One processor for one tenant under one lease: claims the checkpoint with the lease's fencing token, then handles
/// the topic's events in position order from there, one event per <see cref="Step"/>, batching no-op checkpoints per
/// read batch. In the background (<see cref="Run"/>) it steps until asked to stop (after the event in flight, flushing
/// its checkpoint) or until a fenced write shows the lease was lost; a simulation calls <see cref="Step"/> itself.
/// The parts of an upcast split (events sharing a position) are handled in order; the checkpoint passes their position
/// only after the last one.
/// </summary>
internal sealed class TenantProcessorRun(ProcessorRuntime runtime, TodoProcessor processor, EventExecutor executor, string tenant, Lease lease)
    : ITenantRun
{
    private readonly Queue<(RecordedEvent Event, int Part, bool Last)> _batch = new();
    private bool _claimed;
    private bool _caughtUp;
    private long _processed;
    private long _written;

    /// <summary>The last position handled.</summary>
    public long Position => Volatile.Read(ref _processed);

    /// <summary>True once the run stopped for good: its lease was lost, or a step failed.</summary>
    public bool Ended { get; private set; }

    /// <summary>Runs until <paramref name="stopping"/> fires (graceful) or <paramref name="abort"/> does (hard stop).</summary>
    public async Task Run(CancellationToken stopping, CancellationToken abort)
    {
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

    /// <summary>
    /// One step: claims the checkpoint the first time, then handles the next event of the current batch; when the batch
    /// is done it flushes its checkpoint and reads the next. False when there was nothing to do (caught up, or the
    /// lease was lost); a <see cref="LeaseLostException"/> ends the run.
    /// </summary>
    public async Task<bool> Step(CancellationToken abort)
    {
        if (Ended) return false;
        if (!_claimed) return await Claim(abort);
        if (_batch.Count == 0 && !await NextBatch(abort)) return false;
        var (next, part, last) = _batch.Peek();
        try
        {
            if (await executor.Handle(tenant, next, lease, abort, part, last)) _written = next.Position;
        }
        catch (LeaseLostException)
        {
            Ended = true;
            throw;
        }
        _batch.Dequeue();
        Volatile.Write(ref _processed, last ? next.Position : next.Position - 1);
        return true;
    }

    /// <summary>Flushes the checkpoint of what was handled; a lost lease or a hard stop only ends the run.</summary>
    public async Task FlushOnStop(CancellationToken abort)
    {
        try { await Flush(abort); }
        catch (LeaseLostException lost) { LeaseLost(lost.Message); }
        catch (OperationCanceledException) when (abort.IsCancellationRequested) { }
    }

    /// <summary>Marks the run ended after a failed step, so its lease is given up and retaken later.</summary>
    public void Fail() => Ended = true;

    private async Task<bool> Claim(CancellationToken abort)
    {
        var claim = await runtime.Store.ClaimCheckpoint(tenant, processor.Name, lease.FencingToken, abort);
        if (claim.IsError)
        {
            Ended = true;
            LeaseLost(claim.ErrorValue.Reason);
            return false;
        }
        _processed = _written = claim.ResultValue.Position;
        _claimed = true;
        return true;
    }

    /// <summary>Flushes the finished batch, then reads the next unless the last one was short (the run waits first).</summary>
    private async Task<bool> NextBatch(CancellationToken abort)
    {
        await Flush(abort);
        if (_caughtUp)
        {
            _caughtUp = false;
            return false;
        }
        var batch = await runtime.Store.Read(tenant, TodoProcessorModule.query(processor, _processed).Take(runtime.Options.BatchSize), abort);
        for (var i = 0; i < batch.Length; i++)
        {
            var part = CountParts(batch, i);
            var last = i == batch.Length - 1 || batch[i + 1].Position != batch[i].Position;
            _batch.Enqueue((batch[i], part, last));
        }
        _caughtUp = batch.Length > 0 && batch.Length < runtime.Options.BatchSize;
        return batch.Length > 0;
    }

    /// <summary>How many events before index i share its position: its part index within its stored event.</summary>
    private static int CountParts(RecordedEvent[] batch, int i)
    {
        var part = 0;
        while (i - part > 0 && batch[i - part - 1].Position == batch[i].Position) part++;
        return part;
    }

    private async Task Flush(CancellationToken ct)
    {
        if (_processed <= _written) return;
        ct.ThrowIfCancellationRequested();
        try { await executor.WriteCheckpoint(tenant, _processed, lease, ct); }
        catch (LeaseLostException)
        {
            Ended = true;
            throw;
        }
        _written = _processed;
    }

    /// <summary>Counts and logs the loss of the run's lease.</summary>
    public void LeaseLost(string reason)
    {
        ProcessorTelemetry.LeasesLost.Add(1, new KeyValuePair<string, object?>("processor", processor.Name));
        runtime.Logger.LogWarning("Tenant {Tenant}: processor {Processor} stopped, its lease (token {Token}) was lost: {Reason}",
            tenant, processor.Name, lease.FencingToken, reason);
    }
}
