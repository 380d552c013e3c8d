using Hybrid.Simulation;
using Microsoft.FSharp.Core;

namespace Hybrid.InMemory.Simulation;

/// <summary>
/// One node's periodic scheduler. Every node runs every task independently; the trigger for a (task, tenant, due
/// instant) is appended on condition that no event carries its trigger tag yet, so exactly one node's append wins.
/// Missed fires (a pause, a clock jump, a restart) are caught up to <see cref="MaxCatchUp"/> instants; older ones are skipped.
/// </summary>
internal sealed class PeriodicRunner(SimulationContext context, string nodeId)
{
    /// <summary>The most missed instants fired at once per task and tenant.</summary>
    public const int MaxCatchUp = 3;

    private readonly Dictionary<(string Task, string Tenant), DateTimeOffset> _checkedUpTo = [];

    /// <summary>Fires what is due since the last tick.</summary>
    public void Tick(IReadOnlyList<string> tenants)
    {
        var now = context.Clock.GetUtcNow();
        foreach (var task in context.Application.PeriodicTasks)
        foreach (var tenant in tenants)
        {
            var from = _checkedUpTo.TryGetValue((task.Name, tenant), out var last) ? last : context.Options.Start;
            var due = task.DueBetween.Invoke(from).Invoke(now).ToList();
            var checkedUpTo = now;
            foreach (var instant in due.Skip(Math.Max(0, due.Count - MaxCatchUp)))
            {
                if (!Fire(task, tenant, instant))
                {
                    checkedUpTo = instant.AddTicks(-1);
                    break;
                }
            }
            _checkedUpTo[(task.Name, tenant)] = checkedUpTo;
        }
    }

    /// <summary>Forgets how far it checked (a crash): the next tick catches up from the start, bounded.</summary>
    public void Forget() => _checkedUpTo.Clear();

    private bool Fire(SimulatedPeriodicTask task, string tenant, DateTimeOffset due)
    {
        var tag = Simulated.triggerTag(task.Name, due);
        var metadata = new EventMetadata("", tag, Simulated.taskActor(task.Name));
        var ledger = context.Ledger(tenant);
        var events = task.OnTick.Invoke(tenant).Invoke(due)
            .Select(d => new ProposedEvent(context.Ids.NewId(), new EventData(d.Type, [.. d.Tags, tag], d.Stream, d.Body, d.SchemaVersion), metadata))
            .ToArray();
        if (events.Length == 0) return true;
        foreach (var e in events) ledger.Proposed.Add(e.Id);
        var request = new AppendRequest(tenant, events, AppendCondition.NewFailIfEventsMatch(EventQuery.OfTags(tag), 0),
            FSharpOption<CheckpointWrite>.None);
        AppendResult result;
        try
        {
            result = SimulationContext.Sync(context.Store.Append(request, CancellationToken.None));
        }
        catch (SimulatedFaultException)
        {
            return false;
        }
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
