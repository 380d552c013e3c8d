using Microsoft.FSharp.Core;

namespace Hybrid.Shell.Lmdb.EventStore;

/// <summary>
/// One append inside the writer's transaction: what the store knows is read from the transaction (which already
/// holds the group's earlier members), decided, and carried out.
/// </summary>
internal static class AppendWrite
{
    private static readonly IConditionReader EmptyLog = new NoEvents();

    public static AppendResult Run(StoreTxn txn, AppendRequest request, DateTimeOffset now, RecordWriter writer)
    {
        var tenant = txn.Tenant(request.Tenant);
        var events = request.Events;
        if (tenant is not null)
        {
            var positions = new List<long>(events.Length);
            foreach (var e in events)
                if (tenant.TryGetPosition(e.Id, out var position)) positions.Add(position);
            if (positions.Count == events.Length)
                return AppendResult.NewAppended(positions.Order().Select(tenant.EventAt).ToArray());
            if (positions.Count > 0) return AppendResult.NewConditionFailed(PartialDuplicate(request.Tenant, positions.Count, events.Length));
        }

        var checkpoint = request.Checkpoint;
        Checkpoint? nextCheckpoint = null;
        if (FSharpOption<CheckpointWrite>.get_IsSome(checkpoint))
        {
            var written = Fencing.write(request.Tenant, tenant?.CheckpointOf(checkpoint.Value.Processor) ?? new Checkpoint(0, 0), checkpoint.Value);
            if (written.IsError) return AppendResult.NewConditionFailed(written.ErrorValue);
            nextCheckpoint = written.ResultValue;
        }
        var verdict = AppendConditionModule.evaluate((IConditionReader?)tenant ?? EmptyLog, request.Condition);
        if (verdict.IsError) return AppendResult.NewConditionFailed(verdict.ErrorValue);

        var writing = tenant ?? txn.TenantForWrite(request.Tenant);
        var timestamp = new DateTimeOffset(now.UtcTicks, TimeSpan.Zero);
        var recorded = new RecordedEvent[events.Length];
        for (var i = 0; i < events.Length; i++) recorded[i] = writing.Append(writer, events[i], timestamp);
        if (nextCheckpoint is { } next) writing.SetCheckpoint(checkpoint.Value.Processor, next);
        writing.Flush();
        return AppendResult.NewAppended(recorded);
    }

    private static ConditionFailure PartialDuplicate(string tenant, int known, int total) => new(
        ConditionFailureKind.DuplicateEventIds,
        $"Tenant '{tenant}': {known} of the {total} event ids are already stored; an append must be wholly new or wholly a repeat.",
        null!, 0);

    /// <summary>What a tenant never written knows: no streams, no events.</summary>
    private sealed class NoEvents : IConditionReader
    {
        public (long, bool) StreamState(string stream) => (0L, false);

        public RecordedEvent[] Matching(EventQuery query) => [];

        public bool AnyMatchAfter(EventQuery query, long after) => false;
    }
}
