using Hybrid.Shell.Processors;

namespace Hybrid.Shell.Producers;

/// <summary>
/// One producer for one tenant under one lease (<see cref="CheckpointedRun"/>): reads the topic's events in batches,
/// maps each (pure) and publishes the batch without waiting for the broker, keeping up to
/// <see cref="ProcessorOptions.ProducerBatchesInFlight"/> batches in flight; the oldest batch is then completed (its acknowledgements awaited,
/// refused messages retried and dead-lettered) and the checkpoint moves over it: it only ever covers a contiguous
/// prefix of acknowledged (or dead-lettered) messages, and is written every <see cref="BatchesPerCheckpoint"/> batches
/// and whenever the pipeline drains. A broker that cannot be reached is waited for (with backoff, for as long as it
/// takes: nothing is skipped); an event whose mapping throws is dead-lettered. Message ids are event ids, so what is
/// published again after a crash or a lost lease is a repeat, not a duplicate.
/// </summary>
internal sealed class ProducerRun(ProcessorRuntime runtime, ProducerPublishing publishing, string tenant, Lease lease)
    : CheckpointedRun(runtime, ProducerModule.asProcessor(publishing.Producer), "producer", tenant, lease)
{
    /// <summary>Completed batches between two checkpoint writes while more are in flight.</summary>
    internal const int BatchesPerCheckpoint = 4;

    private readonly Queue<PublishedBatch> _inFlight = new();
    private long _read = -1;
    private bool _caughtUp;
    private int _unflushed;

    /// <summary>
    /// One step: the claim; or one batch read and published (while the pipeline has room and the topic has more); or the
    /// oldest batch in flight completed, and the checkpoint written when it is due. False when caught up.
    /// </summary>
    public override async Task<bool> Step(CancellationToken abort)
    {
        if (Ended) return false;
        if (!Claimed) return await Claim(abort);
        if (_read < Position) _read = Position;
        if (!_caughtUp && _inFlight.Count < Runtime.Options.ProducerBatchesInFlight)
        {
            var batch = await Runtime.Store.Read(Tenant, TodoProcessorModule.query(Processor, _read).Take(Runtime.Options.BatchSize), abort);
            _caughtUp = batch.Length < Runtime.Options.BatchSize;
            if (batch.Length > 0)
            {
                _inFlight.Enqueue(await publishing.Start(Tenant, batch, abort));
                _read = batch[^1].Position;
                if (!_caughtUp && _inFlight.Count < Runtime.Options.ProducerBatchesInFlight) return true;
            }
        }
        if (_inFlight.Count == 0)
        {
            _caughtUp = false;
            return false;
        }
        var oldest = _inFlight.Peek();
        await publishing.Complete(Tenant, oldest, abort);
        _inFlight.Dequeue();
        Position = oldest.End;
        if (++_unflushed >= BatchesPerCheckpoint || _inFlight.Count == 0)
        {
            await Flush(abort);
            _unflushed = 0;
        }
        return true;
    }

    /// <summary>A stopping run moves its checkpoint over the batches in flight the broker already acknowledged whole.</summary>
    protected override async Task Settle(CancellationToken abort)
    {
        while (_inFlight.TryPeek(out var oldest) && await oldest.AcknowledgedWhole(abort))
        {
            _inFlight.Dequeue();
            Position = oldest.End;
        }
        _inFlight.Clear();
    }
}
