using Hybrid.Shell.Processors;
using Microsoft.Extensions.Logging;
using Microsoft.FSharp.Core;

namespace Hybrid.Shell.Producers;

/// <summary>
/// One producer for one tenant under one lease: claims the checkpoint with the lease's fencing token, then reads the
/// topic's events in batches, maps each (pure), publishes the batch and moves the checkpoint to the batch's end only
/// after the broker acknowledged every message. A broker that cannot be reached is waited for (with backoff, for as
/// long as it takes: nothing is skipped); a message the broker refuses is retried by the producer's policy and then
/// dead-lettered, as is an event whose mapping throws. Message ids are event ids, so a batch published again after a
/// crash or a lost lease is a repeat, not a duplicate.
/// </summary>
internal sealed class ProducerRun(ProcessorRuntime runtime, Producer producer, IIntegrationPublisher publisher, string tenant, Lease lease)
    : ITenantRun
{
    private readonly TodoProcessor _asProcessor = ProducerModule.asProcessor(producer);
    private bool _claimed;
    private bool _caughtUp;
    private long _processed;
    private long _written;

    public long Position => Volatile.Read(ref _processed);

    public bool Ended { get; private set; }

    public async Task Run(CancellationToken stopping, CancellationToken abort)
    {
        try
        {
            if (!await Claim(abort)) return;
            var head = await runtime.Store.GetHead(tenant, abort);
            await using var wake = new StoreWake(runtime.Store, tenant, TodoProcessorModule.query(_asProcessor, 0), head, runtime.Clock, stopping);
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

    /// <summary>One step: the claim, or one batch read, published and checkpointed. False when caught up.</summary>
    public async Task<bool> Step(CancellationToken abort)
    {
        if (Ended) return false;
        if (!_claimed) return await Claim(abort);
        if (_caughtUp)
        {
            _caughtUp = false;
            return false;
        }
        var batch = await runtime.Store.Read(tenant, TodoProcessorModule.query(_asProcessor, _processed).Take(runtime.Options.BatchSize), abort);
        if (batch.Length == 0) return false;
        await Publish(batch, abort);
        Volatile.Write(ref _processed, batch[^1].Position);
        await Flush(abort);
        _caughtUp = batch.Length < runtime.Options.BatchSize;
        return true;
    }

    public async Task FlushOnStop(CancellationToken abort)
    {
        try { await Flush(abort); }
        catch (LeaseLostException lost) { LeaseLost(lost.Message); }
        catch (OperationCanceledException) when (abort.IsCancellationRequested) { }
    }

    public void Fail() => Ended = true;

    public void LeaseLost(string reason)
    {
        Ended = true;
        ProcessorTelemetry.LeasesLost.Add(1, new KeyValuePair<string, object?>("processor", producer.Name));
        runtime.Logger.LogWarning("Tenant {Tenant}: producer {Producer} stopped, its lease (token {Token}) was lost: {Reason}",
            tenant, producer.Name, lease.FencingToken, reason);
    }

    private async Task<bool> Claim(CancellationToken abort)
    {
        var claim = await runtime.Store.ClaimCheckpoint(tenant, producer.Name, lease.FencingToken, abort);
        if (claim.IsError)
        {
            LeaseLost(claim.ErrorValue.Reason);
            return false;
        }
        _processed = _written = claim.ResultValue.Position;
        _claimed = true;
        return true;
    }

    /// <summary>Publishes every message of the batch (or dead-letters it); returns once the broker acknowledged the rest.</summary>
    private async Task Publish(RecordedEvent[] batch, CancellationToken ct)
    {
        var pending = new List<IntegrationPublication>(batch.Length);
        foreach (var e in batch)
            if (await MessageOf(e, ct) is { } message) pending.Add(new IntegrationPublication(tenant, e, message));
        var refusals = 0;
        var outage = 0;
        while (pending.Count > 0)
        {
            PublishOutcome outcome;
            try { outcome = await publisher.PublishAsync(pending, ct); }
            catch (BrokerUnavailableException unavailable)
            {
                outage++;
                var wait = RetryPolicyModule.delay(producer.Retry, outage, runtime.Options.JitterSource());
                if (outage == 1 || outage % 10 == 0)
                    runtime.Logger.LogWarning("Tenant {Tenant}: producer {Producer} waits for the broker ({Reason}); retrying in {Delay}, nothing is skipped.",
                        tenant, producer.Name, unavailable.Message, wait);
                await Task.Delay(wait, runtime.Clock, ct);
                continue;
            }
            if (outage > 0) runtime.Logger.LogInformation("Tenant {Tenant}: producer {Producer} reached the broker again.", tenant, producer.Name);
            outage = 0;
            ProducerTelemetry.Published.Add(outcome.Acknowledged, new KeyValuePair<string, object?>("producer", producer.Name));
            pending.RemoveRange(0, Math.Min(outcome.Acknowledged, pending.Count));
            if (outcome.Refusal is not { } refusal || pending.Count == 0) { refusals = 0; continue; }
            refusals++;
            if (RetryPolicyModule.shouldRetry(producer.Retry, refusals))
            {
                ProcessorTelemetry.Retries.Add(1, new KeyValuePair<string, object?>("processor", producer.Name));
                await Task.Delay(RetryPolicyModule.delay(producer.Retry, refusals, runtime.Options.JitterSource()), runtime.Clock, ct);
                continue;
            }
            await DeadLetter(pending[0].Source, $"The broker refused the message: {refusal}", refusals, ct);
            pending.RemoveAt(0);
            refusals = 0;
        }
    }

    /// <summary>The event's message, or null when the mapping publishes nothing for it or failed (then it is dead-lettered).</summary>
    private async Task<IntegrationMessage?> MessageOf(RecordedEvent e, CancellationToken ct)
    {
        FSharpOption<IntegrationMessage> mapped;
        try { mapped = producer.Map.Invoke(e); }
        catch (Exception ex)
        {
            await DeadLetter(e, $"{ex.GetType().Name}: {ex.Message}", 1, ct);
            return null;
        }
        if (FSharpOption<IntegrationMessage>.get_IsNone(mapped)) return null;
        var checkedSubject = BrokerSubjects.validateSuffix("subject", mapped.Value.Subject);
        if (checkedSubject.IsError)
        {
            await DeadLetter(e, $"The mapping gave an unusable subject: {checkedSubject.ErrorValue.Message}", 1, ct);
            return null;
        }
        return mapped.Value;
    }

    private async Task Flush(CancellationToken ct)
    {
        if (_processed <= _written) return;
        ct.ThrowIfCancellationRequested();
        var written = await runtime.Store.WriteCheckpoint(tenant, new CheckpointWrite(producer.Name, _processed, lease.FencingToken), ct);
        if (written.IsError) throw new LeaseLostException(tenant, producer.Name, written.ErrorValue.Reason);
        _written = _processed;
    }

    private async Task DeadLetter(RecordedEvent e, string reason, int attempts, CancellationToken ct)
    {
        ProcessorTelemetry.DeadLettered.Add(1, new KeyValuePair<string, object?>("processor", producer.Name));
        runtime.Logger.LogError("Tenant {Tenant}: producer {Producer} dead-lettered the {Type} event at position {Position}: {Reason}",
            tenant, producer.Name, e.Type, e.Position, reason);
        await runtime.DeadLetters.Put(new DeadLetter(tenant, producer.Name, e.Position, e.Id, e.Type, reason, attempts,
            runtime.Clock.GetUtcNow(), DeadLetterStatus.Pending), ct);
    }
}
