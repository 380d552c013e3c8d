using Hybrid.Shell.Postgres.Sql;
using Hybrid.Shell.Postgres.Writing;
using NpgsqlTypes;
using Npgsql;

namespace Hybrid.Shell.Postgres;

// Purges: one transaction under the tenant row lock. The first round trip locks and reads what the audit append
// needs, the second the purge's target; the core plans, and the third rewrites the rows (purge_events, the only
// way the application role can change an event), sets the tombstone, appends the audit event and commits.
public sealed partial class PostgresEventStore : IEventPurger
{
    /// <inheritdoc />
    public async Task<PurgeResult> Purge(PurgeRequest request, CancellationToken ct)
    {
        Purging.validateOrThrow(request);
        var tenant = request.Tenant;
        var now = Timestamps.recorded(_options.Clock.GetUtcNow());
        await using var connection = await _source.OpenConnectionAsync(ct).ConfigureAwait(false);
        try
        {
            var probe = AppendRequest.Of(tenant, Purging.audit(request, []));
            var state = await AppendStateRead.ReadAsync(connection, _sql, tenant, [new PendingAppend(probe)], ct).ConfigureAwait(false);
            var (events, stream) = await ReadPurgeTargetAsync(connection, request, ct).ConfigureAwait(false);
            var planned = Purging.admit(request, state, Purging.plan(request, state.Head, stream, events));
            if (planned.IsError || planned.ResultValue.Audit is null)
            {
                await ConditionalCommit.RollbackQuietlyAsync(connection).ConfigureAwait(false);
                return planned.IsError ? PurgeResult.NewPurgeRefused(planned.ErrorValue) : PurgeResult.NewPurged([], null);
            }
            var plan = planned.ResultValue;
            var audit = AppendModule.decide(state, now, AppendRequest.Of(tenant, plan.Audit.Value));
            if (audit is not AppendDecision.Write { Item: var write })
                throw new InvalidOperationException($"Tenant '{tenant}': the purge's audit event {request.AuditId} was not written.");
            var positions = plan.Placeholders.Select(e => e.Position).ToArray();
            await using var finish = new NpgsqlBatch(connection);
            if (positions.Length > 0)
            {
                var purge = finish.Add(tenant, _sql.PurgeEvents);
                purge.Parameters.Add(new NpgsqlParameter("positions", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = positions });
                purge.Parameters.AddWithValue("type", Purging.PurgedType);
                purge.Parameters.AddWithValue("body", Purging.EmptyBody);
                purge.Parameters.AddWithValue("metadata", MetadataJson.write(EventMetadata.Empty));
            }
            if (plan.Tombstone is { } tombstone) finish.Add(tenant, _sql.DeleteStream).Parameters.AddWithValue("stream", tombstone.Value.Item1);
            PlannedWrite.Add(finish, _sql, tenant, write, now);
            finish.Add(tenant, _sql.AdvanceHead).Parameters.AddWithValue("advance", (long)write.Events.Length);
            finish.AddCommit();
            await finish.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            _committer.Announce(tenant);
            return PurgeResult.NewPurged(positions, write.Events[0]);
        }
        catch
        {
            await ConditionalCommit.RollbackQuietlyAsync(connection).ConfigureAwait(false);
            throw;
        }
    }

    private async Task<(RecordedEvent[] Events, StreamState Stream)> ReadPurgeTargetAsync(NpgsqlConnection connection, PurgeRequest request, CancellationToken ct)
    {
        var tenant = request.Tenant;
        await using var batch = new NpgsqlBatch(connection);
        if (request.Target is PurgeTarget.WholeStream whole)
        {
            batch.Add(tenant, _sql.StreamState).Parameters.AddWithValue("stream", whole.Item);
            batch.Add(tenant, _sql.StreamEvents).Parameters.AddWithValue("stream", whole.Item);
        }
        else
        {
            batch.Add(tenant, _sql.EventsAt).Parameters.Add(new NpgsqlParameter("positions", NpgsqlDbType.Array | NpgsqlDbType.Bigint)
                { Value = ((PurgeTarget.EventsAt)request.Target).Item });
        }
        await using var reader = await batch.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var stream = new StreamState(0, 0);
        if (request.Target.IsWholeStream)
        {
            if (await reader.ReadAsync(ct).ConfigureAwait(false)) stream = new StreamState(reader.GetInt64(0), reader.GetInt64(1));
            await reader.NextResultAsync(ct).ConfigureAwait(false);
        }
        return (await EventRows.ReadAllAsync(reader, tenant, ct).ConfigureAwait(false), stream);
    }
}
