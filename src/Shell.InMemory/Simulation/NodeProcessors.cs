namespace Hybrid.InMemory.Simulation;

/// <summary>
/// The application's processors as one simulated node runs them: the same handlers, with injected handler exceptions
/// and each handled event reported as activity. The planted <see cref="Sabotage.EffectBeforeCheckpoint"/> bug turns
/// at-most-once effects into at-least-once ones, so the effect runs before its checkpoint.
/// </summary>
internal static class NodeProcessors
{
    public static TodoProcessor[] Of(SimulationContext context, string nodeId) =>
        context.Processors.Select(p => p.WithHandler((c, e) => Handle(context, nodeId, p, c, e))).ToArray();

    private static ProcessorResult Handle(SimulationContext context, string nodeId, TodoProcessor processor, ProcessorContext c, RecordedEvent e)
    {
        var what = $"{processor.Name} ← {e.Type} @{e.Position}";
        if (context.Faults.Inject(FaultKind.HandlerException))
        {
            context.Record(ActivityKind.Processed, c.Tenant, $"{nodeId}/{processor.Name}", what, "handler threw (injected)");
            throw new SimulatedFaultException(FaultKind.HandlerException,
                $"Tenant '{c.Tenant}': processor '{processor.Name}' threw on event {e.Id} (injected).");
        }
        var result = processor.Handle.Invoke(c).Invoke(e);
        context.Stats.EventsProcessed++;
        context.Record(ActivityKind.Processed, c.Tenant, $"{nodeId}/{processor.Name}", what, result switch
        {
            ProcessorResult.Emit emit when !emit.Item.IsEmpty => $"emits {string.Join(", ", emit.Item.Select(d => d.Type))}",
            ProcessorResult.Effect effect => $"effect {effect.intent.Kind} ({Guarantee(effect.checkpoint)})",
            ProcessorResult.EffectThen then => $"effect {then.plan.Intent.Kind} ({Guarantee(then.plan.Checkpoint)}), then record its outcome",
            _ => "nothing to do",
        });
        if (!context.Has(Sabotage.EffectBeforeCheckpoint)) return result;
        return result switch
        {
            ProcessorResult.Effect { checkpoint: CheckpointTiming.Before } planted => ProcessorResult.NewEffect(planted.intent, CheckpointTiming.After),
            ProcessorResult.EffectThen { plan.Checkpoint: CheckpointTiming.Before } planted =>
                ProcessorResult.NewEffectThen(new EffectPlan(planted.plan.Intent, CheckpointTiming.After, planted.plan.OnSuccess, planted.plan.OnFailure)),
            _ => result,
        };
    }

    private static string Guarantee(CheckpointTiming timing) => timing == CheckpointTiming.Before ? "at most once" : "at least once";
}
