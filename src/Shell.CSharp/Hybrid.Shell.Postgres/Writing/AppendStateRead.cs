using Hybrid.Shell.Postgres.Sql;
using Npgsql;
using NpgsqlTypes;

namespace Hybrid.Shell.Postgres.Writing;

/// <summary>
/// Opens a transaction, locks the tenant row and reads, in one round trip, everything <see cref="AppendModule.decide"/>
/// may ask about a batch: the head, events with the batch's ids, stream states, checkpoints and one query per condition.
/// </summary>
internal static class AppendStateRead
{
    public static async Task<PostgresAppendState> ReadAsync(NpgsqlConnection connection, StoreSql sql, string tenant,
        IReadOnlyList<PendingAppend> batch, CancellationToken ct)
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
        foreach (var (query, after) in queries.Exists)
        {
            var c = new NpgsqlBatchCommand();
            c.Parameters.AddWithValue("tenant", tenant);
            c.CommandText = QueryFilter.Exists(sql.Schema, query, after, c.Parameters, "q");
            command.BatchCommands.Add(c);
        }
        foreach (var query in queries.Matching)
        {
            var c = new NpgsqlBatchCommand();
            c.Parameters.AddWithValue("tenant", tenant);
            // A predicate reads every match forward without limit, as the condition reader's contract says.
            c.CommandText = QueryFilter.Select(sql.Schema, new EventQuery(query.Items, query.After, query.Before, Direction.Forward, 0), c.Parameters, "q");
            command.BatchCommands.Add(c);
        }

        var state = new PostgresAppendState();
        await using var r = await command.ReadAsync(ct).ConfigureAwait(false);
        await r.ReadAsync(ct).ConfigureAwait(false);
        state.Head = r.GetInt64(0);
        await r.NextResultAsync(ct).ConfigureAwait(false);
        foreach (var e in await EventRows.ReadAllAsync(r, tenant, ct).ConfigureAwait(false)) state.Stored[e.Id] = e;
        await r.NextResultAsync(ct).ConfigureAwait(false);
        while (await r.ReadAsync(ct).ConfigureAwait(false)) state.Streams[r.GetString(0)] = new StreamState(r.GetInt64(1), r.GetInt64(2));
        await r.NextResultAsync(ct).ConfigureAwait(false);
        while (await r.ReadAsync(ct).ConfigureAwait(false)) state.Checkpoints[r.GetString(0)] = new Checkpoint(r.GetInt64(1), r.GetInt64(2));
        foreach (var key in queries.Exists)
        {
            await r.NextResultAsync(ct).ConfigureAwait(false);
            await r.ReadAsync(ct).ConfigureAwait(false);
            state.Exists[key] = r.GetBoolean(0);
        }
        foreach (var query in queries.Matching)
        {
            await r.NextResultAsync(ct).ConfigureAwait(false);
            state.Matches[query] = await EventRows.ReadAllAsync(r, tenant, ct).ConfigureAwait(false);
        }
        return state;
    }
}
