namespace Hybrid.Shell.Processors;

/// <summary>
/// One processor for one tenant under one lease (<see cref="CheckpointedRun"/>): handles the topic's events in position
/// order from the claimed checkpoint, one event per <see cref="Step"/>, batching no-op checkpoints per read batch. In
/// the background it steps until asked to stop (after the event in flight, flushing its checkpoint) or until a fenced
/// write shows the lease was lost; a simulation calls <see cref="Step"/> itself. The parts of an upcast split (events
/// sharing a position) are handled in order; the checkpoint passes their position only after the last one.
/// </summary>
internal sealed class TenantProcessorRun(ProcessorRuntime runtime, TodoProcessor processor, EventExecutor executor, string tenant, Lease lease)
    : CheckpointedRun(runtime, processor, "processor", tenant, lease)
{
    private readonly Queue<(RecordedEvent Event, int Part, bool Last)> _batch = new();
    private bool _caughtUp;

    /// <summary>
    /// One step: claims the checkpoint the first time, then handles the next event of the current batch; when the batch
    /// is done it flushes its checkpoint and reads the next. False when there was nothing to do (caught up, or the
    /// lease was lost); a <see cref="LeaseLostException"/> ends the run.
    /// </summary>
    public override async Task<bool> Step(CancellationToken abort)
    {
        if (Ended) return false;
        if (!Claimed) return await Claim(abort);
        if (_batch.Count == 0 && !await NextBatch(abort)) return false;
        var (next, part, last) = _batch.Peek();
        try
        {
            if (await executor.Handle(Tenant, next, Lease, abort, part, last, Stopping)) Written = next.Position;
        }
        catch (LeaseLostException)
        {
            Ended = true;
            throw;
        }
        _batch.Dequeue();
        Position = last ? next.Position : next.Position - 1;
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
        var batch = await Runtime.Store.Read(Tenant, TodoProcessorModule.query(Processor, Position).Take(Runtime.Options.BatchSize), abort);
        for (var i = 0; i < batch.Length; i++)
        {
            var part = CountParts(batch, i);
            var last = i == batch.Length - 1 || batch[i + 1].Position != batch[i].Position;
            _batch.Enqueue((batch[i], part, last));
        }
        _caughtUp = batch.Length > 0 && batch.Length < Runtime.Options.BatchSize;
        return batch.Length > 0;
    }

    /// <summary>How many events before index i share its position: its part index within its stored event.</summary>
    private static int CountParts(RecordedEvent[] batch, int i)
    {
        var part = 0;
        while (i - part > 0 && batch[i - part - 1].Position == batch[i].Position) part++;
        return part;
    }
}
