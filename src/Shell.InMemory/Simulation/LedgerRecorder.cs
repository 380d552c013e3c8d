namespace Hybrid.InMemory.Simulation;

/// <summary>
/// Keeps the ledgers from what the store was asked and answered: ids proposed, appends acknowledged, writes refused
/// for a stale fencing token, and periodic triggers that reached a definite outcome (written, or found written).
/// </summary>
internal sealed class LedgerRecorder(SimulationContext context) : IStoreObserver
{
    public void Proposed(AppendRequest request)
    {
        foreach (var e in request.Events) context.Propose(e.Id);
    }

    public void Answered(AppendRequest request, AppendResult result, bool acknowledged)
    {
        var ledger = context.Ledger(request.Tenant);
        if (acknowledged && result is AppendResult.Appended appended) ledger.Acknowledge(appended.Item);
        if (result is AppendResult.ConditionFailed { Item.Kind: ConditionFailureKind.StaleFencingToken })
            Refused(request.Tenant, request.Checkpoint?.Value.Processor ?? "?");
        if (request.Events.Length > 0 && request.Events[0].Data.Type == Deadlines.FiredType)
        {
            DeadlineAnswered(request, result);
            return;
        }
        if (TriggerOf(request) is not { } trigger) return;
        ledger.AttemptsOf(trigger.Task).Add(trigger.Due);
        var what = $"{trigger.Task} due {trigger.Due:yyyy-MM-dd HH:mm}";
        if (result.IsAppended)
        {
            context.Stats.TriggersFired++;
            context.Record(ActivityKind.Trigger, request.Tenant, context.Acting, what,
                $"fired: {string.Join(", ", request.Events.Select(e => e.Data.Type))}");
        }
        else
        {
            context.Stats.TriggersAlreadyFired++;
            context.Record(ActivityKind.Trigger, request.Tenant, context.Acting, what, "already fired by another node");
        }
    }

    private void DeadlineAnswered(AppendRequest request, AppendResult result)
    {
        var (manager, key, deadline) = Deadlines.readFired(Envelope(request));
        var what = $"{manager}/{key} {deadline.Name} due {deadline.DueAt:yyyy-MM-dd HH:mm}";
        if (result.IsAppended) context.Stats.DeadlinesFired++;
        else context.Stats.DeadlinesAlreadyFired++;
        context.Record(ActivityKind.Deadline, request.Tenant, context.Acting, what, result.IsAppended ? "fired" : "already fired by another node");
    }

    /// <summary>The first proposed event as an unstored envelope, to read its body with the core's readers.</summary>
    private static RecordedEvent Envelope(AppendRequest request)
    {
        var e = request.Events[0];
        return new RecordedEvent(e.Id, request.Tenant, 0, e.Data.Stream, 0, e.Data.Type, e.Data.Tags, EventBody.OfText(e.Data.Body), e.Data.SchemaVersion, e.Metadata,
            DateTimeOffset.MinValue);
    }

    public void CheckpointRefused(string tenant, CheckpointWrite write) => Refused(tenant, write.Processor);

    private void Refused(string tenant, string processor)
    {
        context.Stats.FencedWrites++;
        context.Record(ActivityKind.Processed, tenant, context.Acting, processor,
            "write refused: the lease moved to another node (stale fencing token)");
    }

    /// <summary>The task and due instant of a periodic trigger append, read from its trigger event's tags.</summary>
    private static (string Task, DateTimeOffset Due)? TriggerOf(AppendRequest request)
    {
        if (request.Events.Length == 0 || request.Events[0].Data.Type != Triggers.TriggeredType) return null;
        var actor = request.Events[0].Metadata.Actor;
        const string prefix = "periodic:";
        if (!actor.StartsWith(prefix, StringComparison.Ordinal)) return null;
        var task = actor[prefix.Length..];
        foreach (var tag in request.Events[0].Data.Tags)
            if (Triggers.tryParseDue(task, tag) is { } due) return (task, due.Value);
        return null;
    }
}
