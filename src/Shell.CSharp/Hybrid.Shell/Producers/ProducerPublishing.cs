using Hybrid.Shell.Processors;
using Microsoft.Extensions.Logging;
using Microsoft.FSharp.Core;

namespace Hybrid.Shell.Producers;

/// <summary>
/// How a producer's events reach its broker, shared by its runs and by the replay of its dead letters: the pure mapping
/// (a mapping that throws or gives an unusable subject dead-letters the event), the publish, and what happens after the
/// broker answered: an unreachable broker is waited for with backoff, for as long as it takes; a refused message is
/// retried by the producer's policy and then dead-lettered.
/// </summary>
internal sealed class ProducerPublishing(ProcessorRuntime runtime, Producer producer, IIntegrationPublisher publisher)
{
    /// <summary>The producer.</summary>
    public Producer Producer => producer;

    /// <summary>Maps the batch and starts publishing its first message, without waiting for the broker.</summary>
    public async Task<PublishedBatch> Start(string tenant, RecordedEvent[] batch, CancellationToken ct)
    {
        var pending = new List<IntegrationPublication>(batch.Length);
        foreach (var e in batch)
        {
            var (message, problem) = MessageOf(e);
            if (problem is not null) await DeadLetter(tenant, e, problem, 1, ct);
            else if (message is not null) pending.Add(new IntegrationPublication(tenant, e, message));
        }
        // The first message goes alone, the rest pipelined once it is acknowledged: a client that has not yet noticed
        // the broker went away buffers what it is given and sends it when the broker is back, where a recovering
        // JetStream can refuse the first message of a pipelined send and store the next, out of order.
        var first = pending.Count == 0 ? Task.FromResult(PublishOutcome.All(0)) : publisher.PublishAsync(pending.GetRange(0, 1), ct);
        return new PublishedBatch(pending, first, batch[^1].Position);
    }

    /// <summary>Returns once every message of the batch is acknowledged by the broker or dead-lettered.</summary>
    public async Task Complete(string tenant, PublishedBatch batch, CancellationToken ct)
    {
        var pending = batch.Pending;
        var refusals = 0;
        var outage = 0;
        while (pending.Count > 0)
        {
            PublishOutcome outcome;
            // After an outage the first message goes alone: a broker coming back (JetStream still recovering its
            // streams) can refuse one message of a pipelined send and store the next, which would put them out of order.
            try { outcome = await (TakeFirst(batch) ?? publisher.PublishAsync(outage > 0 ? pending.GetRange(0, 1) : pending, ct)); }
            catch (BrokerUnavailableException unavailable)
            {
                await WaitForBroker(tenant, unavailable, ++outage, ct);
                continue;
            }
            if (outage > 0) runtime.Logger.LogInformation("Tenant {Tenant}: producer {Producer} reached the broker again.", tenant, producer.Name);
            outage = 0;
            ProducerTelemetry.Published.Add(outcome.Acknowledged, new KeyValuePair<string, object?>("hybrid.producer", producer.Name));
            pending.RemoveRange(0, Math.Min(outcome.Acknowledged, pending.Count));
            if (outcome.Refusal is not { } refusal || pending.Count == 0) { refusals = 0; continue; }
            refusals++;
            if (RetryPolicyModule.shouldRetry(producer.Retry, refusals))
            {
                ProcessorTelemetry.Retries.Add(1, new KeyValuePair<string, object?>("hybrid.processor", producer.Name));
                await Task.Delay(RetryPolicyModule.delay(producer.Retry, refusals, runtime.Options.JitterSource()), runtime.Clock, ct);
                continue;
            }
            await DeadLetter(tenant, pending[0].Source, Refused(refusal), refusals, ct);
            pending.RemoveAt(0);
            refusals = 0;
        }
    }

    /// <summary>
    /// Publishes one event again (a dead letter's replay) and waits for the broker's answer, once: the reason it failed
    /// (the mapping throws or gives an unusable subject, the broker refuses it or cannot be reached), or null when it was
    /// acknowledged or the mapping now publishes nothing for it.
    /// </summary>
    public async Task<string?> PublishOnce(string tenant, RecordedEvent e, CancellationToken ct)
    {
        var (message, problem) = MessageOf(e);
        if (problem is not null || message is null) return problem;
        try
        {
            var outcome = await publisher.PublishAsync([new IntegrationPublication(tenant, e, message)], ct);
            if (outcome.Acknowledged >= 1) ProducerTelemetry.Published.Add(1, new KeyValuePair<string, object?>("hybrid.producer", producer.Name));
            return outcome.Acknowledged >= 1 ? null : Refused(outcome.Refusal ?? "no acknowledgement");
        }
        catch (BrokerUnavailableException unavailable) { return $"The broker cannot be reached: {unavailable.Message}"; }
    }

    /// <summary>The event's message (null: the mapping publishes nothing for it), or why it has none.</summary>
    private (IntegrationMessage? Message, string? Problem) MessageOf(RecordedEvent e)
    {
        FSharpOption<IntegrationMessage> mapped;
        try { mapped = producer.Map.Invoke(e); }
        catch (Exception ex) { return (null, $"{ex.GetType().Name}: {ex.Message}"); }
        if (FSharpOption<IntegrationMessage>.get_IsNone(mapped)) return (null, null);
        var checkedSubject = BrokerSubjects.validateSuffix("subject", mapped.Value.Subject);
        return checkedSubject.IsError
            ? (null, $"The mapping gave an unusable subject: {checkedSubject.ErrorValue.Message}")
            : (mapped.Value, null);
    }

    private static Task<PublishOutcome>? TakeFirst(PublishedBatch batch)
    {
        var first = batch.First;
        batch.First = null;
        return first;
    }

    private static string Refused(string refusal) => $"The broker refused the message: {refusal}";

    private async Task WaitForBroker(string tenant, BrokerUnavailableException unavailable, int outage, CancellationToken ct)
    {
        var wait = RetryPolicyModule.delay(producer.Retry, outage, runtime.Options.JitterSource());
        if (outage == 1 || outage % 10 == 0)
            runtime.Logger.LogWarning("Tenant {Tenant}: producer {Producer} waits for the broker ({Reason}); retrying in {Delay}, nothing is skipped.",
                tenant, producer.Name, unavailable.Message, wait);
        await Task.Delay(wait, runtime.Clock, ct);
    }

    private async Task DeadLetter(string tenant, RecordedEvent e, string reason, int attempts, CancellationToken ct)
    {
        ProcessorTelemetry.DeadLettered.Add(1, new KeyValuePair<string, object?>("hybrid.processor", producer.Name));
        runtime.Logger.LogError("Tenant {Tenant}: producer {Producer} dead-lettered the {Type} event at position {Position}: {Reason}",
            tenant, producer.Name, e.Type, e.Position, reason);
        await runtime.DeadLetters.Put(new DeadLetter(tenant, producer.Name, e.Position, e.Id, e.Type, reason, attempts,
            runtime.Clock.GetUtcNow(), DeadLetterStatus.Pending), ct);
    }
}
