using System.Diagnostics;
using Hybrid.Shell.Stores;
using Hybrid.Shell.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.FSharp.Collections;
using Microsoft.FSharp.Core;
using Polly;
using Polly.Retry;

namespace Hybrid.Shell.Processors;

/// <summary>
/// Runs a processor on one event: its lookups (<see cref="ProcessorLookups"/>), its pure handler, then the result:
/// emits appended atomically with the checkpoint, effects with the checkpoint before or after, effect outcomes recorded
/// as events, no-ops left to the batched checkpoint. A throwing lookup, handler or effect is retried (exponential
/// backoff with jitter, Polly on the shell's clock); when the attempts run out the event is dead-lettered (or, for an
/// effect with compensating events, those are appended) and processing moves on. Writes are fenced by the lease's token.
/// A store that is unavailable (a database down) is no fault of the event: when the attempts run out on it, the event
/// is not dead-lettered; the failure ends the run, whose lease is retaken later, and the event is handled again then.
/// An effect handler's own failure is never taken for the store's, even when it is a timeout or a socket error (a mail
/// server down): it is retried, then dead-lettered. An effect that outruns <see cref="ProcessorOptions.EffectTimeout"/> is
/// abandoned and fails its attempt.
/// </summary>
/// <remarks>
/// The parts of an upcast split share their stored event's position: a part that is not the last writes its checkpoint
/// just below that position, so a crash between parts handles the stored event again from its first part (emits stay
/// exactly once, their ids derive from the source, the part and the index; an at-most-once effect of an earlier part
/// may then run again).
/// </remarks>
internal sealed class EventExecutor
{
    private readonly ProcessorRuntime _runtime;
    private readonly TodoProcessor _processor;
    private readonly ProcessorLookups _lookups;
    private readonly ResiliencePipeline _retry;

    public EventExecutor(ProcessorRuntime runtime, TodoProcessor processor)
    {
        _runtime = runtime;
        _processor = processor;
        _lookups = new ProcessorLookups(runtime, processor.Name);
        _retry = processor.Retry.MaxAttempts <= 1 ? ResiliencePipeline.Empty : BuildRetry(runtime, processor);
    }

    private static ResiliencePipeline BuildRetry(ProcessorRuntime runtime, TodoProcessor processor) =>
        new ResiliencePipelineBuilder { TimeProvider = runtime.Clock }
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = processor.Retry.MaxAttempts - 1,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } ex
                    && ex is not LeaseLostException
                    && !args.Context.CancellationToken.IsCancellationRequested),
                DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(
                    RetryPolicyModule.delay(processor.Retry, args.AttemptNumber + 1, runtime.Options.JitterSource())),
                OnRetry = args =>
                {
                    ProcessorTelemetry.Retries.Add(1, new KeyValuePair<string, object?>("hybrid.processor", processor.Name));
                    runtime.Logger.LogWarning(args.Outcome.Exception, "Processor {Processor}: attempt {Attempt} failed; retrying in {Delay}.",
                        processor.Name, args.AttemptNumber + 1, args.RetryDelay);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();

    /// <summary>
    /// Handles the event (part <paramref name="part"/> of its stored event; <paramref name="lastPart"/> when no part of
    /// it follows) with retries, dead-lettering it when they run out. With a lease, writes are fenced by its token;
    /// without one (an operator's replay) emits are appended without a checkpoint and no checkpoint is written.
    /// Returns true when the checkpoint was written at the event's position.
    /// </summary>
    /// <remarks>
    /// When <paramref name="stopping"/> fires (the run is asked to stop: a pause, a lease handed over, a shutdown), the
    /// attempt in flight finishes but no retry follows and no backoff is waited out: the event is neither dead-lettered
    /// nor passed, an <see cref="OperationCanceledException"/> of <paramref name="stopping"/> ends the run, and the
    /// lease's next holder handles the event again.
    /// </remarks>
    public async Task<bool> Handle(string tenant, RecordedEvent e, Lease? lease, CancellationToken ct, int part = 0, bool lastPart = true,
        CancellationToken stopping = default)
    {
        var state = new AttemptState(e, part, lastPart ? e.Position : e.Position - 1);
        // The span continues the trace the event was written in (a command's, or a processor's upstream).
        using var activity = ProcessorTelemetry.Source.StartActivity("hybrid.processor.handle", ActivityKind.Consumer, TraceContext.ParentOf(e));
        activity?.SetTag("hybrid.processor", _processor.Name);
        activity?.SetTag("hybrid.tenant", tenant);
        activity?.SetTag("hybrid.position", e.Position);
        activity?.SetTag("hybrid.event_type", e.Type);
        using var retries = CancellationTokenSource.CreateLinkedTokenSource(ct, stopping);
        try
        {
            // The attempts themselves run on ct alone: stopping only cuts the retries and their backoff.
            await _retry.ExecuteAsync(async _ => await Once(tenant, lease, state, ct), retries.Token);
            ProcessorTelemetry.Handled.Add(1, new KeyValuePair<string, object?>("hybrid.processor", _processor.Name));
            activity?.SetTag("hybrid.outcome", "handled");
            return state.CheckpointWritten && lastPart;
        }
        catch (Exception ex) when (stopping.IsCancellationRequested && !ct.IsCancellationRequested && ex is not LeaseLostException)
        {
            _runtime.Logger.LogInformation(ex, "Tenant {Tenant}: processor {Processor} stopped retrying the {Type} event at position {Position} after {Attempts} attempt(s): its run is stopping; the lease's next holder handles it again.",
                tenant, _processor.Name, e.Type, e.Position, state.Attempts);
            throw new OperationCanceledException("The run is stopping.", ex, stopping);
        }
        catch (Exception ex) when (ex is not LeaseLostException && !(ex is OperationCanceledException && ct.IsCancellationRequested)
                                   && (state.FailedInEffect || !StoreFailures.IsUnavailable(ex)))
        {
            if (lease is null) throw new ReplayFailedException(state.Attempts, ex);
            if (state.FailedPlan is { OnFailure.IsEmpty: false } plan)
            {
                await Compensate(tenant, state, plan, lease, ex, ct);
                activity?.SetTag("hybrid.outcome", "compensated");
                return state.CheckpointWritten && lastPart;
            }
            ProcessorTelemetry.MarkDeadLettered(activity, ex);
            await DeadLetter(tenant, e, ex, state.Attempts, ct);
            return state.CheckpointWritten && lastPart;
        }
    }

    private async Task Once(string tenant, Lease? lease, AttemptState state, CancellationToken ct)
    {
        state.Attempts++;
        state.FailedInEffect = false;
        var e = state.Event;
        var context = await _lookups.ContextFor(tenant, _processor, e, ct);
        var result = FSharpFunc<ProcessorContext, RecordedEvent>.InvokeFast(_processor.Handle, context, e);
        switch (result)
        {
            case ProcessorResult.Emit emit when !emit.Item.IsEmpty:
                // The checkpoint commits with the events, except when the store recognised them as a repeat (a rebuild
                // or replay: their ids derive from the source event) and wrote nothing: the run's flush then covers it
                // (so appends never count as the checkpoint written). The same holds for an effect's outcome events.
                await Append(tenant, state, "", emit.Item, lease, ct);
                break;
            case ProcessorResult.Effect effect:
                await RunEffect(tenant, state, effect.intent, effect.checkpoint, lease, ct);
                if (effect.checkpoint == CheckpointTiming.After) await CheckpointAfter(tenant, state, lease, ct);
                break;
            case ProcessorResult.EffectThen then:
                var plan = then.plan;
                state.FailedPlan = plan;
                if (!state.EffectDone) await RunEffect(tenant, state, plan.Intent, plan.Checkpoint, lease, ct);
                state.EffectDone = true;
                state.FailedPlan = null;
                if (!plan.OnSuccess.IsEmpty) await Append(tenant, state, "success", plan.OnSuccess, lease, ct);
                else if (plan.Checkpoint == CheckpointTiming.After) await CheckpointAfter(tenant, state, lease, ct);
                break;
        }
    }

    private async Task RunEffect(string tenant, AttemptState state, EffectIntent intent, CheckpointTiming timing, Lease? lease, CancellationToken ct)
    {
        if (timing == CheckpointTiming.Before && lease is not null && !state.CheckpointWritten)
        {
            await WriteCheckpoint(tenant, state.CheckpointAt, lease, ct);
            state.CheckpointWritten = true;
        }
        using (var span = ProcessorTelemetry.Source.StartActivity($"hybrid.effect {intent.Kind}"))
        {
            span?.SetTag("hybrid.processor", _processor.Name);
            span?.SetTag("hybrid.effect", intent.Kind);
            span?.SetTag("hybrid.tenant", tenant);
            try
            {
                await EffectWithin(new EffectContext(tenant, _processor.Name, state.Event, intent, state.Attempts), ct);
            }
            catch (Exception ex) when (!ct.IsCancellationRequested && !IsOurStoreUnavailable(ex))
            {
                // The effect's own failure, whatever it looks like (an HTTP timeout, a socket error): not the store's. Only
                // Hybrid's own "store unavailable" (an effect that appends through the store while it is down) stays that.
                state.FailedInEffect = true;
                Telemetry.FailedSpan.Mark(span, ex);
                throw;
            }
        }
        ProcessorTelemetry.Effects.Add(1, new KeyValuePair<string, object?>("hybrid.processor", _processor.Name));
    }

    /// <summary>
    /// Runs the effect for at most <see cref="ProcessorOptions.EffectTimeout"/> on the runtime's clock: one still running
    /// then is cancelled and abandoned (even if it ignores cancellation), and the attempt fails with a <see cref="TimeoutException"/>.
    /// </summary>
    private async Task EffectWithin(EffectContext context, CancellationToken ct)
    {
        var timeout = _runtime.Options.EffectTimeout;
        using var effect = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var running = _runtime.Effects.Run(context, effect.Token);
        try
        {
            await running.WaitAsync(timeout, _runtime.Clock, ct);
        }
        catch (TimeoutException) when (!running.IsCompleted)
        {
            await effect.CancelAsync();
            // Abandoned: whatever it ends with later is observed here, never an unobserved task exception.
            _ = running.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            ProcessorTelemetry.EffectTimeouts.Add(1, new KeyValuePair<string, object?>("hybrid.processor", _processor.Name));
            throw new TimeoutException(
                $"Tenant '{context.Tenant}': processor '{_processor.Name}': the '{context.Intent.Kind}' effect for the {context.Source.Type} event at position {context.Source.Position} did not finish within {timeout} (ProcessorOptions.EffectTimeout); it was cancelled and abandoned.");
        }
    }

    private static bool IsOurStoreUnavailable(Exception? ex) =>
        ex is not null && (ex is StoreUnavailableException or IStoreUnavailableFailure || IsOurStoreUnavailable(ex.InnerException));

    private async Task CheckpointAfter(string tenant, AttemptState state, Lease? lease, CancellationToken ct)
    {
        if (lease is null) return;
        await WriteCheckpoint(tenant, state.CheckpointAt, lease, ct);
        state.CheckpointWritten = true;
    }

    /// <summary>Appends events caused by the source (ids from the source, part, outcome and index) with the fenced checkpoint.</summary>
    private async Task Append(string tenant, AttemptState state, string outcome, FSharpList<EventData> events, Lease? lease, CancellationToken ct)
    {
        var source = state.Event;
        var metadata = TraceContext.Stamp(TodoProcessorModule.emittedMetadata(_processor.Name, source));
        var proposals = TodoProcessorModule.proposalsSaltedWith(metadata, _processor.Name, source, TodoProcessorModule.salt(state.Part, outcome), events);
        var checkpoint = lease is null
            ? FSharpOption<CheckpointWrite>.None
            : FSharpOption<CheckpointWrite>.Some(new CheckpointWrite(_processor.Name, state.CheckpointAt, lease.FencingToken));
        var result = await Telemetry.StoreTelemetry.Append(_runtime.Store, new AppendRequest(tenant, proposals, AppendCondition.NoCondition, checkpoint), ct);
        if (result is AppendResult.ConditionFailed failed)
        {
            if (failed.Item.Kind == ConditionFailureKind.StaleFencingToken)
                throw new LeaseLostException(tenant, _processor.Name, failed.Item.Reason);
            throw new InvalidOperationException($"Tenant '{tenant}': processor '{_processor.Name}' could not append for position {source.Position}: {failed.Item.Reason}");
        }
        ProcessorTelemetry.Emitted.Add(proposals.Length, new KeyValuePair<string, object?>("hybrid.processor", _processor.Name));
    }

    /// <summary>Records an effect's final failure with its compensating events (and the checkpoint) instead of a dead letter.</summary>
    private async Task Compensate(string tenant, AttemptState state, EffectPlan plan, Lease lease, Exception ex, CancellationToken ct)
    {
        ProcessorTelemetry.Compensated.Add(1, new KeyValuePair<string, object?>("hybrid.processor", _processor.Name));
        _runtime.Logger.LogWarning(ex, "Tenant {Tenant}: processor {Processor} gave up the {Kind} effect for the {Type} event at position {Position} after {Attempts} attempts; appending its compensating events.",
            tenant, _processor.Name, plan.Intent.Kind, state.Event.Type, state.Event.Position, state.Attempts);
        await Append(tenant, state, "failure", plan.OnFailure, lease, ct);
    }

    /// <summary>Writes the checkpoint fenced by the lease; throws <see cref="LeaseLostException"/> when it is stale.</summary>
    public async Task WriteCheckpoint(string tenant, long position, Lease lease, CancellationToken ct)
    {
        var written = await _runtime.Store.WriteCheckpoint(tenant, new CheckpointWrite(_processor.Name, position, lease.FencingToken), ct);
        if (written.IsError) throw new LeaseLostException(tenant, _processor.Name, written.ErrorValue.Reason);
    }

    private async Task DeadLetter(string tenant, RecordedEvent e, Exception ex, int attempts, CancellationToken ct)
    {
        ProcessorTelemetry.DeadLettered.Add(1, new KeyValuePair<string, object?>("hybrid.processor", _processor.Name));
        _runtime.Logger.LogError(ex, "Tenant {Tenant}: processor {Processor} dead-lettered the {Type} event at position {Position} after {Attempts} attempts.",
            tenant, _processor.Name, e.Type, e.Position, attempts);
        await _runtime.DeadLetters.Put(new DeadLetter(tenant, _processor.Name, e.Position, e.Id, e.Type,
            $"{ex.GetType().Name}: {ex.Message}", attempts, _runtime.Clock.GetUtcNow(), DeadLetterStatus.Pending), ct);
    }

    private sealed class AttemptState(RecordedEvent e, int part, long checkpointAt)
    {
        public RecordedEvent Event { get; } = e;
        public int Part { get; } = part;
        /// <summary>The event's position, or the one below it when a later part of the same stored event follows.</summary>
        public long CheckpointAt { get; } = checkpointAt;
        public int Attempts;
        public bool CheckpointWritten;
        public bool EffectDone;
        /// <summary>True when the last attempt failed in the effect handler, not in the store: the event's fault, however it looks.</summary>
        public bool FailedInEffect;
        public EffectPlan? FailedPlan;
    }
}
