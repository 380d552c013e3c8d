using Hybrid.Simulation;
using Microsoft.FSharp.Core;

namespace Hybrid.InMemory.Simulation;

/// <summary>
/// Checks the invariants of one tenant: compares its log (read through the store under test) with what the shell
/// recorded, the read models with a plain fold, the processors' outputs and effects with their pure handlers, the
/// periodic triggers with the instants attempted, process managers with their pure decisions and deadlines with their
/// times, and then the application's own invariants. Counts what it verified.
/// </summary>
public sealed class InvariantChecker(SimulationContext context, ReadModelRunner readModels)
{
    private readonly Dictionary<string, long> _checks =
        InvariantNames.all.Concat(context.Options.Invariants.Select(i => i.Name))
            .Concat(context.Options.PersonalData is null ? [] : [ForgottenSubjects.Invariant]).Distinct().ToDictionary(n => n, _ => 0L);

    /// <summary>How many facts each invariant verified (events, states, source events, due instants, denied commands, user checks).</summary>
    public IReadOnlyDictionary<string, long> Checks => _checks;

    /// <summary>
    /// The violations found for the tenant, as (invariant, detail). Once the run has <paramref name="settled"/> (drained),
    /// deadlines due by now must also have fired.
    /// </summary>
    public List<(string Invariant, string Detail)> Check(string tenant, bool settled = false)
    {
        var ledger = context.Ledger(tenant);
        var log = SimulationContext.Sync(context.Store.Read(tenant, EventQuery.All, CancellationToken.None));
        var found = new List<(string, string)>();
        void Add(string invariant, IEnumerable<string> details, long verified)
        {
            _checks[invariant] += verified;
            found.AddRange(details.Select(d => (invariant, d)));
        }

        Add(InvariantNames.NoLostOrDuplicatedEvents,
            Invariants.logIsSound(tenant, log)
                .Concat(Invariants.acknowledgedAreStored(tenant, log, ledger.Acknowledged, ledger.Proposed))
                .Concat(Invariants.commandsWrittenOnce(tenant, ledger.CommandWrites, log)),
            log.Length);
        var views = new Dictionary<string, ReadModelView>(StringComparer.Ordinal);
        foreach (var model in context.ReadModels)
        {
            var view = views[model.Name] = readModels.Read(tenant, model.Name);
            Add(InvariantNames.ReadModelsEqualFold, Invariants.readModelEqualsFold(tenant, model, view, log), 1);
        }
        var forgotten = context.Forgotten.GetValueOrDefault(tenant) ?? [];
        if (context.Options.PersonalData is { } policy)
            Add(ForgottenSubjects.Invariant, ForgottenSubjects.Check(tenant, policy, forgotten, log, views.Select(v => (v.Key, v.Value.State))),
                forgotten.Count);
        // An effect of an event whose subject was forgotten ran, or not, as the event read when handled: both are right.
        var effectSources = forgotten.Count == 0 ? log : log.Where(e => !OfForgotten(e, forgotten)).ToArray();
        var managers = context.ProcessManagers.ToDictionary(m => m.Name);
        foreach (var processor in context.Processors)
        {
            var checkpoint = SimulationContext.Sync(context.Store.ReadCheckpoint(tenant, processor.Name, CancellationToken.None)).Position;
            var dead = SimulationContext.Sync(context.DeadLetters.List(tenant, processor.Name, CancellationToken.None)).Select(d => d.EventId).ToHashSet();
            var sources = log.LongCount(e => Simulated.isTopic(processor, e));
            if (managers.TryGetValue(processor.Name, out var manager))
            {
                Add(InvariantNames.ProcessManagersDecideOnce, Invariants.processManagerDecidesOnce(tenant, manager, checkpoint, dead, log), sources);
                continue;
            }
            Add(InvariantNames.EmitsExactlyOnce, Invariants.emitsExactlyOnce(tenant, processor, checkpoint, dead, log), sources);
            Add(InvariantNames.EffectsAsDeclared,
                Invariants.effectsAsDeclared(tenant, processor, checkpoint, dead, ledger.EffectRunsOf(processor.Name), effectSources), sources);
        }
        foreach (var task in context.PeriodicTasks)
        {
            var attempts = ledger.AttemptsOf(task.Name);
            Add(InvariantNames.OneTriggerPerDueInstant, Invariants.oneTriggerPerDueInstant(tenant, task, attempts, log),
                attempts.Distinct().Count());
        }
        if (managers.Count > 0)
        {
            var settledAt = settled ? FSharpOption<DateTimeOffset>.Some(context.Clock.GetUtcNow()) : FSharpOption<DateTimeOffset>.None;
            Add(InvariantNames.DeadlinesHonoured, Invariants.deadlinesHonoured(tenant, settledAt, log), log.LongCount(e => e.Type == Deadlines.ScheduledType));
        }
        Add(InvariantNames.AuthorizationNeverBypassed, Invariants.deniedWroteNothing(tenant, ledger.DeniedCommands, log),
            ledger.DeniedCommands.Count);
        if (context.Options.Invariants.Count == 0) return found;
        var input = new InvariantInput(tenant, log, FuncConvert.FromFunc<string, object>(model => StateOf(tenant, model, views)),
            ledger.EffectLog.AsReadOnly());
        foreach (var invariant in context.Options.Invariants)
            Add(invariant.Name, InvariantModule.run(invariant, input), 1);
        return found;
    }

    private bool OfForgotten(RecordedEvent e, List<ForgottenSubject> forgotten) =>
        context.Options.PersonalData?.TryFind(e.Type) is { } declaration
        && PersonalData.subjectOf(declaration.Value, e.Body)?.Value is { } subject
        && forgotten.Any(f => f.Subject == subject && e.Position < f.AuditPosition);

    private object StateOf(string tenant, string model, Dictionary<string, ReadModelView> views)
    {
        if (!views.TryGetValue(model, out var view))
        {
            if (!context.ReadModels.Any(m => m.Name == model))
                throw new ArgumentException($"The application has no read model named '{model}'.", nameof(model));
            view = views[model] = readModels.Read(tenant, model);
        }
        return view.State;
    }
}
