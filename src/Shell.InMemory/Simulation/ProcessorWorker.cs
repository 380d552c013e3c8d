using Microsoft.FSharp.Collections;
using Microsoft.FSharp.Core;

namespace Hybrid.InMemory.Simulation;

/// <summary>
/// One node's worker for one (processor, tenant), stepping the framework's pure processor parts (topics query,
/// handler, emitted ids) one event per step so faults can fall between any two writes: holds the lease, fetches a batch after the checkpoint and handles
/// one event per step. Emits commit with the checkpoint; at-most-once effects run after their checkpoint, at-least-once
/// effects before it. Every write carries the lease's fencing token, so a worker whose lease moved on cannot write.
/// A handler that keeps throwing has its event dead-lettered so the tenant moves on.
/// </summary>
internal sealed class ProcessorWorker(SimulationContext context, ProcessorNode node, TodoProcessor processor, string tenant)
{
    private const int BatchSize = 16;
    private const int MaxHandlerAttempts = 3;
    private const long UnbeatableToken = long.MaxValue / 2;

    private readonly Queue<RecordedEvent> _pending = new();
    private long _token;
    private long _claimedToken;
    private int _failures;

    private string Resource => TodoProcessorModule.leaseResources(processor, [tenant])[0];

    /// <summary>Takes one step: fetches a batch when none is pending, else handles the next event. True when it did work.</summary>
    public bool Step()
    {
        if (_pending.Count == 0) return Fetch();
        var source = _pending.Peek();
        ProcessorResult result;
        try
        {
            if (context.Faults.Inject(FaultKind.HandlerException))
                throw new SimulatedFaultException(FaultKind.HandlerException,
                    $"Tenant '{tenant}': processor '{processor.Name}' threw on event {source.Id} (injected).");
            result = processor.Handle.Invoke(new ProcessorContext(tenant, processor.Name)).Invoke(source);
        }
        catch (SimulatedFaultException)
        {
            if (++_failures < MaxHandlerAttempts) return true;
            if (WriteCheckpoint(source))
            {
                context.Ledger(tenant).DeadLettersOf(processor.Name).Add(source.Id);
                context.Stats.DeadLetters++;
                context.Record(ActivityKind.Processed, tenant, Who, $"{processor.Name} ← {source.Type} @{source.Position}",
                    $"dead-lettered after {MaxHandlerAttempts} failures");
                Next();
            }
            return true;
        }
        try
        {
            Handle(source, result);
        }
        catch (SimulatedFaultException)
        {
            _pending.Clear(); // the outcome is unknown: re-read the checkpoint and carry on from there
        }
        return true;
    }

    private string Who => $"{node.Id}/{processor.Name}";

    private long Token => context.Has(Sabotage.IgnoreFencing) ? UnbeatableToken : _token;

    private bool Fetch()
    {
        var lease = SimulationContext.Sync(context.Leases.TryAcquire(Resource, node.Id, context.Options.LeaseDuration, CancellationToken.None));
        if (lease is null) return false;
        _token = lease.Value.FencingToken;
        if (_token != _claimedToken && !context.Has(Sabotage.IgnoreFencing))
        {
            var claim = SimulationContext.Sync(context.Store.ClaimCheckpoint(tenant, processor.Name, _token, CancellationToken.None));
            if (claim.IsError) return false;
            _claimedToken = _token;
        }
        var checkpoint = SimulationContext.Sync(context.Store.ReadCheckpoint(tenant, processor.Name, CancellationToken.None));
        var query = TodoProcessorModule.query(processor, checkpoint.Position).Take(BatchSize);
        foreach (var e in SimulationContext.Sync(context.Store.Read(tenant, query, CancellationToken.None))) _pending.Enqueue(e);
        return _pending.Count > 0;
    }

    private void Handle(RecordedEvent source, ProcessorResult result)
    {
        var what = $"{processor.Name} ← {source.Type} @{source.Position}";
        switch (result)
        {
            case ProcessorResult.Emit emit when !emit.Item.IsEmpty:
                if (!Emit(source, emit.Item)) return;
                context.Record(ActivityKind.Processed, tenant, Who, what, $"emitted {string.Join(", ", emit.Item.Select(e => e.Type))}");
                break;
            case ProcessorResult.Effect { checkpoint: CheckpointTiming.Before } effect when !context.Has(Sabotage.EffectBeforeCheckpoint):
                if (!WriteCheckpoint(source)) return;
                CrashPoint(source, "after its checkpoint, before the at-most-once effect");
                RunEffect(source, effect.intent, "at most once");
                break;
            case ProcessorResult.Effect effect:
                RunEffect(source, effect.intent, effect.checkpoint == CheckpointTiming.Before ? "at most once" : "at least once");
                CrashPoint(source, "after the effect, before its checkpoint");
                if (!WriteCheckpoint(source)) return;
                break;
            default:
                if (!WriteCheckpoint(source)) return;
                break;
        }
        context.Stats.EventsProcessed++;
        Next();
    }

    private bool Emit(RecordedEvent source, FSharpList<EventData> outputs)
    {
        var ledger = context.Ledger(tenant);
        // Emitted ids derive from the source event, so emitting again (after a lost acknowledgement, or by a node
        // whose lease moved on) repeats the same append instead of duplicating it. The planted bug mints fresh ids.
        var proposed = TodoProcessorModule.proposals(processor.Name, source, outputs);
        if (context.Has(Sabotage.IgnoreFencing))
            proposed = proposed.Select(p => new ProposedEvent(context.Ids.NewId(), p.Data, p.Metadata)).ToArray();
        foreach (var e in proposed) context.Propose(e.Id);
        var request = new AppendRequest(tenant, proposed, AppendCondition.NoCondition,
            FSharpOption<CheckpointWrite>.Some(new CheckpointWrite(processor.Name, source.Position, Token)));
        var result = SimulationContext.Sync(context.Store.Append(request, CancellationToken.None));
        if (result.IsAppended)
        {
            ledger.Acknowledge(result.Events);
            return true;
        }
        Fenced(source);
        return false;
    }

    private bool WriteCheckpoint(RecordedEvent source)
    {
        var written = SimulationContext.Sync(context.Store.WriteCheckpoint(tenant,
            new CheckpointWrite(processor.Name, source.Position, Token), CancellationToken.None));
        if (written.IsOk) return true;
        Fenced(source);
        return false;
    }

    private void Fenced(RecordedEvent source)
    {
        context.Stats.FencedWrites++;
        context.Record(ActivityKind.Processed, tenant, Who, $"{processor.Name} ← {source.Type} @{source.Position}",
            "write refused: the lease moved to another node (stale fencing token)");
        _pending.Clear();
    }

    private void RunEffect(RecordedEvent source, EffectIntent intent, string delivery)
    {
        context.Ledger(tenant).EffectRan(processor.Name, source.Id);
        context.Stats.EffectsRun++;
        context.Record(ActivityKind.Effect, tenant, Who, $"{intent.Kind} ({delivery})", intent.Payload?.ToString() ?? "");
    }

    private void CrashPoint(RecordedEvent source, string where)
    {
        if (!context.Faults.Inject(FaultKind.ProcessorCrash)) return;
        node.Crash($"while processing event {source.Id} with '{processor.Name}', {where}");
        throw new SimulatedFaultException(FaultKind.ProcessorCrash, $"Node '{node.Id}' crashed {where}.");
    }

    private void Next()
    {
        _pending.Dequeue();
        _failures = 0;
    }

    /// <summary>True when nothing is pending and the checkpoint has passed every event of the topics.</summary>
    public bool IsCaughtUp()
    {
        if (_pending.Count > 0) return false;
        var checkpoint = SimulationContext.Sync(context.Store.ReadCheckpoint(tenant, processor.Name, CancellationToken.None));
        var query = TodoProcessorModule.query(processor, checkpoint.Position).Take(1);
        return SimulationContext.Sync(context.Store.Read(tenant, query, CancellationToken.None)).Length == 0;
    }
}
