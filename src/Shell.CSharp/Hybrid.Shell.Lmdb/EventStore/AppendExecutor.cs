using System.Diagnostics.CodeAnalysis;
using Hybrid.Shell.Lmdb.Files;
using LightningDB;

namespace Hybrid.Shell.Lmdb.EventStore;

/// <summary>
/// One append inside the writer's transaction: the core decides (<see cref="AppendModule.decide"/>) against what the
/// transaction holds (the group's earlier members included), and the store carries out the decision.
/// </summary>
internal static class AppendExecutor
{
    public static AppendResult Run(StoreTxn txn, AppendRequest request, DateTimeOffset now, RecordWriter writer)
    {
        var tenant = txn.Tenant(request.Tenant);
        // The timestamp is stored in UTC ticks: answer with the value a read will return.
        var decision = AppendModule.decide((IAppendState?)tenant ?? NewTenant.Instance, new DateTimeOffset(now.UtcTicks, TimeSpan.Zero), request);
        if (decision is AppendDecision.Write { Item: var write } && !write.IsEmpty)
        {
            try
            {
                (tenant ?? txn.TenantForWrite(request.Tenant)).Write(writer, write);
            }
            catch (LightningException e) when (LmdbCodes.IsRefusal((MDBResultCode)e.StatusCode))
            {
                // The append's own data does not fit (a value LMDB cannot store, more pages than one transaction holds):
                // it fails alone, as a refusal; its group's other members are unaffected.
                throw new AppendRefusedException(request.Tenant, "events", LmdbCodes.Describe(e.StatusCode), ((MDBResultCode)e.StatusCode).ToString());
            }
        }
        return decision.Result;
    }

    /// <summary>What a tenant never written holds: nothing.</summary>
    private sealed class NewTenant : IAppendState
    {
        public static readonly NewTenant Instance = new();

        public long Head => 0;

        public bool TryGetStored(Guid id, [MaybeNullWhen(false)] out RecordedEvent stored)
        {
            stored = null;
            return false;
        }

        public Checkpoint Checkpoint(string processor) => new(0, 0);

        public (long, bool) StreamState(string stream) => (0L, false);

        public RecordedEvent[] Matching(EventQuery query) => [];

        public bool AnyMatchAfter(EventQuery query, long after) => false;
    }
}
