using System.Diagnostics;
using Hybrid.Shell.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.FSharp.Core;
using Polly;
using Polly.Retry;

namespace Hybrid.Shell.Processors;

/// <summary>
/// Runs a processor's handler on one event and carries out its result: emits appended atomically with the
/// checkpoint, effects with the checkpoint before or after, no-ops left to the batched checkpoint. A throwing handler
/// or effect is retried (exponential backoff with jitter, Polly on the shell's clock); when the attempts run out the
/// event is dead-lettered and processing moves on. Writes are fenced by the lease's token.
/// </summary>
internal sealed class EventExecutor
{
    private readonly ProcessorRuntime _runtime;
    private readonly TodoProcessor _processor;
    private readonly ResiliencePipeline _retry;

    public EventExecutor(ProcessorRuntime runtime, TodoProcessor processor)
    {
        _runtime = runtime;
        _processor = processor;
        _retry = processor.Retry.MaxAttempts <= 1 ? ResiliencePipeline.Empty : BuildRetry(runtime, processor);
    }

    private static ResiliencePipeline BuildRetry(ProcessorRuntime runtime, TodoProcessor processor) =>
        new ResiliencePipelineBuilder { TimeProvider = runtime.Clock }
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = processor.Retry.MaxAttempts - 1,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } ex
                    && ex is not LeaseLostException
                    && !(ex is OperationCanceledException && args.Context.CancellationToken.IsCancellationRequested)),
                DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(
                    RetryPolicyModule.delay(processor.Retry, args.AttemptNumber + 1, runtime.Options.JitterSource())),
                OnRetry = args =>
                {
                    ProcessorTelemetry.Retries.Add(1, new KeyValuePair<string, object?>("processor", processor.Name));
                    runtime.Logger.LogWarning(args.Outcome.Exception, "Processor {Processor}: attempt {Attempt} failed; retrying in {Delay}.",
                        processor.Name, args.AttemptNumber + 1, args.RetryDelay);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();

    /// <summary>
    /// Handles the event with retries, dead-lettering it when they run out. With a lease, writes are fenced by its token;
    /// without one (an operator's replay) emits are appended without a checkpoint and no checkpoint is written.
    /// Returns true when the checkpoint was written at the event's position.
    /// </summary>
    public async Task<bool> Handle(string tenant, RecordedEvent e, Lease? lease, CancellationToken ct)
    {
        var state = new AttemptState();
        // The span continues the trace the event was written in (a command's, or a processor's upstream).
        using var activity = ProcessorTelemetry.Source.StartActivity("hybrid.processor.handle", ActivityKind.Consumer, TraceContext.ParentOf(e));
        activity?.SetTag("hybrid.processor", _processor.Name);
        activity?.SetTag("hybrid.tenant", tenant);
        activity?.SetTag("hybrid.position", e.Position);
        activity?.SetTag("hybrid.event_type", e.Type);
        try
        {
            await _retry.ExecuteAsync(async token => await Once(tenant, e, lease, state, token), ct);
            ProcessorTelemetry.Handled.Add(1, new KeyValuePair<string, object?>("processor", _processor.Name));
            return state.CheckpointWritten;
        }
        catch (Exception ex) when (ex is not LeaseLostException && !(ex is OperationCanceledException && ct.IsCancellationRequested))
        {
            if (lease is null) throw new ReplayFailedException(state.Attempts, ex);
            await DeadLetter(tenant, e, ex, state.Attempts, ct);
            return state.CheckpointWritten;
        }
    }

    private async Task Once(string tenant, RecordedEvent e, Lease? lease, AttemptState state, CancellationToken ct)
    {
        state.Attempts++;
        var context = new ProcessorContext(tenant, _processor.Name);
        var result = FSharpFunc<ProcessorContext, RecordedEvent>.InvokeFast(_processor.Handle, context, e);
        switch (result)
        {
            case ProcessorResult.Emit emit when !emit.Item.IsEmpty:
                // The checkpoint commits with the events, except when the store recognised them as a repeat (a rebuild
                // or replay: their ids derive from the source event) and wrote nothing: the run's flush then covers it.
                await Emit(tenant, e, emit.Item, lease, ct);
                break;
            case ProcessorResult.Effect effect:
                if (effect.checkpoint == CheckpointTiming.Before && lease is not null && !state.CheckpointWritten)
                {
                    await WriteCheckpoint(tenant, e.Position, lease, ct);
                    state.CheckpointWritten = true;
                }
                using (var span = ProcessorTelemetry.Source.StartActivity($"hybrid.effect {effect.intent.Kind}"))
                {
                    span?.SetTag("hybrid.processor", _processor.Name);
                    span?.SetTag("hybrid.effect", effect.intent.Kind);
                    await _runtime.Effects.Run(new EffectContext(tenant, _processor.Name, e, effect.intent, state.Attempts), ct);
                }
                ProcessorTelemetry.Effects.Add(1, new KeyValuePair<string, object?>("processor", _processor.Name));
                if (effect.checkpoint == CheckpointTiming.After && lease is not null)
                {
                    await WriteCheckpoint(tenant, e.Position, lease, ct);
                    state.CheckpointWritten = true;
                }
                break;
        }
    }

    private async Task Emit(string tenant, RecordedEvent source, Microsoft.FSharp.Collections.FSharpList<EventData> events, Lease? lease, CancellationToken ct)
    {
        var metadata = TraceContext.Stamp(TodoProcessorModule.emittedMetadata(_processor.Name, source));
        var proposals = TodoProcessorModule.proposalsWith(metadata, _processor.Name, source, events);
        var checkpoint = lease is null
            ? FSharpOption<CheckpointWrite>.None
            : FSharpOption<CheckpointWrite>.Some(new CheckpointWrite(_processor.Name, source.Position, lease.FencingToken));
        var result = await _runtime.Store.Append(new AppendRequest(tenant, proposals, AppendCondition.NoCondition, checkpoint), ct);
        if (result is AppendResult.ConditionFailed failed)
        {
            if (failed.Item.Kind == ConditionFailureKind.StaleFencingToken)
                throw new LeaseLostException(tenant, _processor.Name, failed.Item.Reason);
            throw new InvalidOperationException($"Tenant '{tenant}': processor '{_processor.Name}' could not emit for position {source.Position}: {failed.Item.Reason}");
        }
        ProcessorTelemetry.Emitted.Add(proposals.Length, new KeyValuePair<string, object?>("processor", _processor.Name));
    }

    /// <summary>Writes the checkpoint fenced by the lease; throws <see cref="LeaseLostException"/> when it is stale.</summary>
    public async Task WriteCheckpoint(string tenant, long position, Lease lease, CancellationToken ct)
    {
        var written = await _runtime.Store.WriteCheckpoint(tenant, new CheckpointWrite(_processor.Name, position, lease.FencingToken), ct);
        if (written.IsError) throw new LeaseLostException(tenant, _processor.Name, written.ErrorValue.Reason);
    }

    private async Task DeadLetter(string tenant, RecordedEvent e, Exception ex, int attempts, CancellationToken ct)
    {
        ProcessorTelemetry.DeadLettered.Add(1, new KeyValuePair<string, object?>("processor", _processor.Name));
        _runtime.Logger.LogError(ex, "Tenant {Tenant}: processor {Processor} dead-lettered the {Type} event at position {Position} after {Attempts} attempts.",
            tenant, _processor.Name, e.Type, e.Position, attempts);
        await _runtime.DeadLetters.Put(new DeadLetter(tenant, _processor.Name, e.Position, e.Id, e.Type,
            $"{ex.GetType().Name}: {ex.Message}", attempts, _runtime.Clock.GetUtcNow(), DeadLetterStatus.Pending), ct);
    }

    private sealed class AttemptState
    {
        public int Attempts;
        public bool CheckpointWritten;
    }
}
