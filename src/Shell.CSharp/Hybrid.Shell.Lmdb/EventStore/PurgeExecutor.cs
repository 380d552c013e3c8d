namespace Hybrid.Shell.Lmdb.EventStore;

/// <summary>
/// One purge inside the writer's transaction: the core plans (<see cref="Purging.plan"/>) against what the
/// transaction holds, the audit append is decided, then both are written in the same transaction.
/// </summary>
internal static class PurgeExecutor
{
    public static PurgeResult Run(StoreTxn txn, PurgeRequest request, DateTimeOffset now, RecordWriter writer)
    {
        var view = txn.Tenant(request.Tenant);
        // A purge rewrites events and their postings: every event it may touch is indexed first.
        view?.IndexTailEvents();
        var (events, stream) = view?.PurgeTarget(request.Target) ?? ([], new StreamState(0, 0));
        var planned = Purging.plan(request, view?.Head.Position ?? 0, stream, events);
        if (view is not null) planned = Purging.admit(request, view, planned);
        if (planned.IsError) return PurgeResult.NewPurgeRefused(planned.ErrorValue);
        var plan = planned.ResultValue;
        var positions = plan.Placeholders.Select(e => e.Position).ToArray();
        if (view is null || plan.Audit is null) return PurgeResult.NewPurged(positions, null);
        view.Purge(writer, plan);
        var audit = AppendExecutor.Run(txn, AppendRequest.Of(request.Tenant, plan.Audit.Value), now, writer);
        if (audit is not AppendResult.Appended appended)
            throw new InvalidOperationException($"Tenant '{request.Tenant}': the purge's audit event was refused: {((AppendResult.ConditionFailed)audit).Item.Reason}");
        return PurgeResult.NewPurged(positions, appended.Item[0]);
    }
}
