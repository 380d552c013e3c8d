using Hybrid.Shell.Processors;

namespace Hybrid.InMemory.Simulation;

/// <summary>
/// A node's handler for one effect kind: records the run in the tenant's ledger instead of performing it. An effect may
/// fail (injected: it did not take place), and a node may crash just before or just after an effect (injected), the
/// moments that tell at-most-once from at-least-once.
/// </summary>
internal sealed class SimulatedEffectHandler(SimulationContext context, ProcessorNode node, string kind) : IEffectHandler
{
    public string Kind => kind;

    public Task Handle(EffectContext effect, CancellationToken ct)
    {
        CrashPoint(effect, "before the effect", ct);
        if (context.Faults.Inject(FaultKind.EffectFailure))
        {
            context.Record(ActivityKind.Effect, effect.Tenant, $"{node.Id}/{effect.Processor}", effect.Intent.Kind, "failed (injected)");
            throw new SimulatedFaultException(FaultKind.EffectFailure,
                $"Tenant '{effect.Tenant}': effect '{effect.Intent.Kind}' of processor '{effect.Processor}' failed (injected).");
        }
        context.Ledger(effect.Tenant).EffectRan(effect.Processor, effect.Source, effect.Intent);

        context.Stats.EffectsRun++;
        context.Record(ActivityKind.Effect, effect.Tenant, $"{node.Id}/{effect.Processor}", effect.Intent.Kind,
            effect.Intent.Payload?.ToString() ?? "");
        CrashPoint(effect, "after the effect", ct);
        return Task.CompletedTask;
    }

    private void CrashPoint(EffectContext effect, string where, CancellationToken ct)
    {
        if (!context.Faults.Inject(FaultKind.ProcessorCrash)) return;
        node.Crash($"while processing event {effect.Source.Id} with '{effect.Processor}', {where}");
        ct.ThrowIfCancellationRequested();
    }
}
