using Microsoft.FSharp.Core;

namespace Hybrid.InMemory.Simulation;

/// <summary>
/// One node's periodic scheduler over the framework's pure parts: <c>Schedules.plan</c> decides which instants fire
/// (the task's missed-fire policy), <c>Triggers.events</c> builds the trigger and OnTick events, and
/// <c>Triggers.condition</c> makes the append unique per (task, tenant, due instant), so when every node tries,
/// exactly one append wins.
/// </summary>
internal sealed class PeriodicRunner(SimulationContext context, string nodeId)
{
    private readonly Dictionary<(string Task, string Tenant), DateTimeOffset> _checkedUpTo = [];

    /// <summary>Fires what is due since the last tick, for every task and tenant.</summary>
    public void Tick(IReadOnlyList<string> tenants)
    {
        var now = context.Clock.GetUtcNow();
        foreach (var task in context.PeriodicTasks)
        foreach (var tenant in tenants)
        {
            if (task.Tenants is TenantSelection.OnlyTenants only && !only.Item.Contains(tenant)) continue;
            var from = _checkedUpTo.TryGetValue((task.Name, tenant), out var last) ? last : context.Options.Start;
            var plan = Schedules.plan(task, from, now);
            var checkedUpTo = now;
            foreach (var due in plan.Fire)
            {
                if (Fire(task, tenant, due)) continue;
                checkedUpTo = due.AddTicks(-1);
                break;
            }
            _checkedUpTo[(task.Name, tenant)] = checkedUpTo;
        }
    }

    /// <summary>Forgets how far it checked (a crash): the next tick starts again from the run's start, bounded by the policy.</summary>
    public void Forget() => _checkedUpTo.Clear();

    private bool Fire(PeriodicTask task, string tenant, DateTimeOffset due)
    {
        var tick = new Tick(task.Name, tenant, due);
        var metadata = new EventMetadata("", Triggers.tag(task.Name, due), $"periodic:{task.Name}");
        var events = Triggers.events(task, tick).Select(d => new ProposedEvent(context.Ids.NewId(), d, metadata)).ToArray();
        var request = new AppendRequest(tenant, events, Triggers.condition(tick), FSharpOption<CheckpointWrite>.None);
        AppendResult result;
        try
        {
            result = SimulationContext.Sync(context.Store.Append(request, CancellationToken.None));
        }
        catch (SimulatedFaultException)
        {
            return false;
        }
        var ledger = context.Ledger(tenant);
        ledger.AttemptsOf(task.Name).Add(due);
        if (result.IsAppended)
        {
            ledger.Acknowledge(result.Events);
            context.Stats.TriggersFired++;
            context.Record(ActivityKind.Trigger, tenant, nodeId, $"{task.Name} due {due:yyyy-MM-dd HH:mm}",
                $"fired: {string.Join(", ", result.Events.Select(e => e.Type))}");
        }
        else
        {
            context.Stats.TriggersAlreadyFired++;
            context.Record(ActivityKind.Trigger, tenant, nodeId, $"{task.Name} due {due:yyyy-MM-dd HH:mm}", "already fired by another node");
        }
        return true;
    }
}
