using Hybrid.Shell.Postgres.Sql;
using Npgsql;
using NpgsqlTypes;

namespace Hybrid.Shell.Postgres.Writing;

/// <summary>
/// Commits a batch whose appends carry conditions, checkpoints or repeated ids, in one transaction of two round
/// trips. First: lock the tenant row and read everything the conditions need (ids already stored, stream states,
/// checkpoints, one query per condition). Then each append is decided in order, in memory, against those reads plus
/// the appends accepted before it; a failing append fails alone. Second: insert what was accepted and commit.
/// Same semantics as the in-memory store: idempotency first, then the checkpoint's fence, then the condition.
/// </summary>
internal static class ConditionalCommit
{
    /// <summary>The outcome of each append of the batch, in order: a result, or the exception its predicate threw.</summary>
    public static async Task<(AppendResult? Result, Exception? Error)[]> CommitAsync(NpgsqlConnection connection, StoreSql sql,
        string tenant, IReadOnlyList<PendingAppend> batch, DateTimeOffset now, CancellationToken ct)
    {
        try
        {
            var (head, stored, reader, checkpoints) = await ReadAsync(connection, sql, tenant, batch, ct).ConfigureAwait(false);
            var outcomes = new (AppendResult? Result, Exception? Error)[batch.Count];
            var writes = new EventArrays();
            var positions = new List<long>();
            var versions = new List<long>();
            var touchedStreams = new HashSet<string>(StringComparer.Ordinal);
            var touchedCheckpoints = new HashSet<string>(StringComparer.Ordinal);
            var acceptedById = new Dictionary<Guid, RecordedEvent>();
            for (var i = 0; i < batch.Count; i++)
            {
                var request = batch[i].Request;
                try
                {
                    outcomes[i] = (Decide(), null);
                }
                catch (Exception e)
                {
                    outcomes[i] = (null, e);
                }

                AppendResult Decide()
                {
                    var events = request.Events;
                    var known = events.Count(e => stored.ContainsKey(e.Id) || acceptedById.ContainsKey(e.Id));
                    if (known == events.Length)
                        return AppendResult.NewAppended(events.Select(e => stored.TryGetValue(e.Id, out var s) ? s : acceptedById[e.Id])
                            .OrderBy(e => e.Position).ToArray());
                    if (known > 0) return AppendResult.NewConditionFailed(PartialDuplicate(tenant, known, events.Length));

                    Checkpoint? nextCheckpoint = null;
                    var checkpoint = request.Checkpoint?.Value;
                    if (checkpoint is not null)
                    {
                        var current = checkpoints.TryGetValue(checkpoint.Processor, out var c) ? c : new Checkpoint(0, 0);
                        var written = Fencing.write(tenant, current, checkpoint);
                        if (written.IsError) return AppendResult.NewConditionFailed(written.ErrorValue);
                        nextCheckpoint = written.ResultValue;
                    }
                    var verdict = AppendConditionModule.evaluate(reader, request.Condition);
                    if (verdict.IsError) return AppendResult.NewConditionFailed(verdict.ErrorValue);

                    var recorded = new RecordedEvent[events.Length];
                    for (var j = 0; j < events.Length; j++)
                    {
                        var e = events[j];
                        long version = 0;
                        if (e.Data.Stream is { } stream)
                        {
                            var state = reader.StateOf(stream);
                            version = state.Version + 1;
                            reader.Streams[stream] = new StreamState(version, state.DeletedUpTo);
                            touchedStreams.Add(stream);
                        }
                        recorded[j] = Recorded.Of(tenant, e, ++head, version, now);
                        reader.Accepted.Add(recorded[j]);
                        acceptedById[e.Id] = recorded[j];
                        writes.Add(e);
                        positions.Add(head);
                        versions.Add(version);
                    }
                    if (nextCheckpoint is { } next && checkpoint is not null)
                    {
                        checkpoints[checkpoint.Processor] = next;
                        touchedCheckpoints.Add(checkpoint.Processor);
                    }
                    return AppendResult.NewAppended(recorded);
                }
            }

            await WriteAsync(connection, sql, tenant, head, now, writes, positions, versions,
                touchedStreams.ToDictionary(s => s, reader.StateOf), touchedCheckpoints.ToDictionary(p => p, p => checkpoints[p]), ct)
                .ConfigureAwait(false);
            return outcomes;
        }
        catch
        {
            await RollbackQuietlyAsync(connection).ConfigureAwait(false);
            throw;
        }
    }

    private static async Task<(long Head, Dictionary<Guid, RecordedEvent> Stored, BatchConditionReader Reader, Dictionary<string, Checkpoint> Checkpoints)>
        ReadAsync(NpgsqlConnection connection, StoreSql sql, string tenant, IReadOnlyList<PendingAppend> batch, CancellationToken ct)
    {
        var queries = new ConditionQueries();
        var ids = new List<Guid>();
        var processors = new HashSet<string>(StringComparer.Ordinal);
        foreach (var p in batch)
        {
            queries.Collect(p.Request.Condition);
            foreach (var e in p.Request.Events)
            {
                ids.Add(e.Id);
                if (e.Data.Stream is { } s) queries.Streams.Add(s);
            }
            if (p.Request.Checkpoint is { } c) processors.Add(c.Value.Processor);
        }

        await using var command = TenantScope.Begin(connection, tenant, explicitTransaction: true);
        command.Add(tenant, sql.LockTenant);
        command.Add(tenant, sql.EventsById).Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = ids.ToArray() });
        command.Add(tenant, sql.StreamStates).Parameters.Add(new NpgsqlParameter("streams", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = queries.Streams.ToArray() });
        command.Add(tenant, sql.Checkpoints).Parameters.Add(new NpgsqlParameter("processors", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = processors.ToArray() });
        for (var i = 0; i < queries.Exists.Count; i++)
        {
            var c = new NpgsqlBatchCommand();
            c.Parameters.AddWithValue("tenant", tenant);
            c.CommandText = QueryFilter.Exists(sql.Schema, queries.Exists[i].Query, queries.Exists[i].After, c.Parameters, "q");
            command.BatchCommands.Add(c);
        }
        foreach (var query in queries.Matching)
        {
            var c = new NpgsqlBatchCommand();
            c.Parameters.AddWithValue("tenant", tenant);
            c.CommandText = QueryFilter.Select(sql.Schema, query.ForConditionRead(), c.Parameters, "q");
            command.BatchCommands.Add(c);
        }

        var reader = new BatchConditionReader();
        var stored = new Dictionary<Guid, RecordedEvent>();
        var checkpoints = new Dictionary<string, Checkpoint>(StringComparer.Ordinal);
        long head;
        await using (var r = await command.ReadAsync(ct).ConfigureAwait(false))
        {
            await r.ReadAsync(ct).ConfigureAwait(false);
            head = r.GetInt64(0);
            await r.NextResultAsync(ct).ConfigureAwait(false);
            foreach (var e in await EventRows.ReadAllAsync(r, tenant, ct).ConfigureAwait(false)) stored[e.Id] = e;
            await r.NextResultAsync(ct).ConfigureAwait(false);
            while (await r.ReadAsync(ct).ConfigureAwait(false)) reader.Streams[r.GetString(0)] = new StreamState(r.GetInt64(1), r.GetInt64(2));
            await r.NextResultAsync(ct).ConfigureAwait(false);
            while (await r.ReadAsync(ct).ConfigureAwait(false)) checkpoints[r.GetString(0)] = new Checkpoint(r.GetInt64(1), r.GetInt64(2));
            foreach (var key in queries.Exists)
            {
                await r.NextResultAsync(ct).ConfigureAwait(false);
                await r.ReadAsync(ct).ConfigureAwait(false);
                reader.Exists[key] = r.GetBoolean(0);
            }
            foreach (var query in queries.Matching)
            {
                await r.NextResultAsync(ct).ConfigureAwait(false);
                reader.Matches[query] = await EventRows.ReadAllAsync(r, tenant, ct).ConfigureAwait(false);
            }
        }
        return (head, stored, reader, checkpoints);
    }

    private static async Task WriteAsync(NpgsqlConnection connection, StoreSql sql, string tenant, long head, DateTimeOffset now,
        EventArrays writes, List<long> positions, List<long> versions, Dictionary<string, StreamState> streams,
        Dictionary<string, Checkpoint> checkpoints, CancellationToken ct)
    {
        await using var command = new NpgsqlBatch(connection);
        if (writes.Count > 0)
        {
            var insert = command.Add(tenant, sql.InsertEvents);
            writes.AddParameters(insert.Parameters);
            insert.Parameters.Add(new NpgsqlParameter("positions", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = positions.ToArray() });
            insert.Parameters.Add(new NpgsqlParameter("versions", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = versions.ToArray() });
            insert.Parameters.AddWithValue("now", now);
            var upsert = command.Add(tenant, sql.UpsertStreams);
            upsert.Parameters.Add(new NpgsqlParameter("streams", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = streams.Keys.ToArray() });
            upsert.Parameters.Add(new NpgsqlParameter("versions", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = streams.Values.Select(s => s.Version).ToArray() });
            upsert.Parameters.Add(new NpgsqlParameter("deleted", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = streams.Values.Select(s => s.DeletedUpTo).ToArray() });
            command.Add(tenant, sql.SetHead).Parameters.AddWithValue("head", head);
            if (sql.Notify is { } notify) command.Add(tenant, notify);
        }
        if (checkpoints.Count > 0)
        {
            var upsert = command.Add(tenant, sql.UpsertCheckpoints);
            upsert.Parameters.Add(new NpgsqlParameter("processors", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = checkpoints.Keys.ToArray() });
            upsert.Parameters.Add(new NpgsqlParameter("positions", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = checkpoints.Values.Select(c => c.Position).ToArray() });
            upsert.Parameters.Add(new NpgsqlParameter("fences", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = checkpoints.Values.Select(c => c.Fence).ToArray() });
        }
        command.BatchCommands.Add(new NpgsqlBatchCommand(writes.Count > 0 || checkpoints.Count > 0 ? "COMMIT" : "ROLLBACK"));
        await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Ends a failed transaction so the pooled connection comes back clean; a broken connection is discarded anyway.</summary>
    internal static async Task RollbackQuietlyAsync(NpgsqlConnection connection)
    {
        if (connection.State != System.Data.ConnectionState.Open) return;
        try
        {
            await using var rollback = new NpgsqlCommand("ROLLBACK", connection);
            await rollback.ExecuteNonQueryAsync().ConfigureAwait(false);
        }
        catch (NpgsqlException) { }
        catch (InvalidOperationException) { }
    }

    private static ConditionFailure PartialDuplicate(string tenant, int known, int total) => new(
        ConditionFailureKind.DuplicateEventIds,
        $"Tenant '{tenant}': {known} of the {total} event ids are already stored; an append must be wholly new or wholly a repeat.",
        null!, 0);

    /// <summary>A predicate reads every match forward without limit, as the in-memory reference does.</summary>
    private static EventQuery ForConditionRead(this EventQuery q) => new(q.Items, q.After, q.Before, Direction.Forward, 0);
}
