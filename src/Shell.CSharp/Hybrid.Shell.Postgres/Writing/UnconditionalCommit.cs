using Hybrid.Shell.Postgres.Sql;
using Npgsql;
using NpgsqlTypes;

namespace Hybrid.Shell.Postgres.Writing;

/// <summary>
/// Commits a batch of unconditional appends in one round trip and one statement: the tenant row is locked and
/// advanced (its head is the position counter, moved by <c>advance_head</c>), stream versions are bumped, and the
/// events inserted, in one CTE in the batch's implicit transaction (committed when the round trip ends). Positions are assigned under the tenant row lock, which is held until commit, so they are
/// gapless and in commit order. A repeated event id fails the statement (unique index): the caller then retries
/// the batch through <see cref="ConditionalCommit"/>, which answers repeats idempotently.
/// With a guard (<see cref="AppendGuard"/>: the streams' required versions and "nothing matching since" of a group
/// whose conditions need no more), the same statement runs after the tenant row is locked, in the same transaction,
/// so its snapshot sees every earlier commit, and writes only when the guard holds: still one round trip. When the
/// guard fails nothing is written and the caller asks <see cref="ConditionalCommit"/> for the exact outcome, which
/// the core decides.
/// </summary>
internal static class UnconditionalCommit
{
    public static string Sql(string schema, string? guard = null) => $"""
        WITH {(guard is null ? "" : $"guard AS ({guard}), ")}lock AS (
            SELECT {schema}.advance_head(@tenant, @count) AS base{(guard is null ? "" : " WHERE (SELECT ok FROM guard)")}
        ), streams AS (
            INSERT INTO {schema}.streams AS st (tenant_id, stream_id, version)
            SELECT @tenant, c.stream, c.n FROM lock, unnest(@stream_ids, @stream_counts) AS c(stream, n)
            ON CONFLICT (tenant_id, stream_id) DO UPDATE SET version = st.version + excluded.version
            RETURNING st.stream_id, st.version
        ), inserted AS (
            INSERT INTO {schema}.events (tenant_id, position, id, stream_id, stream_version, type, tags, data, metadata, schema_version, "timestamp")
            SELECT @tenant, lock.base + u.ord, u.id, u.stream, coalesce(s.version - (@backs::bigint[])[u.ord::int], 0), u.type,
                   {EventArrays.TagsOfRow}, u.body, u.meta, u.schema_version, @now
            FROM lock CROSS JOIN {EventArrays.Unnest}
            LEFT JOIN streams s ON s.stream_id = u.stream
            RETURNING 1
        )
        SELECT l.base, s.stream_id, s.version, (SELECT count(*) FROM inserted) FROM lock l LEFT JOIN streams s ON TRUE
        """;

    /// <summary>Writes the batch; returns the recorded events of each append, in batch order.</summary>
    public static async Task<RecordedEvent[][]> CommitAsync(NpgsqlConnection connection, StoreSql sql, string tenant,
        IReadOnlyList<PendingAppend> batch, DateTimeOffset now, CancellationToken ct) =>
        (await CommitAsync(connection, sql, tenant, batch, now, guard: null, ct).ConfigureAwait(false))!;

    /// <summary>
    /// Writes the batch if the tenant's state meets its guard; returns the recorded events of each append, or null
    /// when the guard failed and nothing was written.
    /// </summary>
    public static Task<RecordedEvent[][]?> CommitGuardedAsync(NpgsqlConnection connection, StoreSql sql, string tenant,
        IReadOnlyList<PendingAppend> batch, AppendGuard guard, DateTimeOffset now, CancellationToken ct) =>
        CommitAsync(connection, sql, tenant, batch, now, guard, ct);

    private static async Task<RecordedEvent[][]?> CommitAsync(NpgsqlConnection connection, StoreSql sql, string tenant,
        IReadOnlyList<PendingAppend> batch, DateTimeOffset now, AppendGuard? guard, CancellationToken ct)
    {
        var arrays = new EventArrays();
        var streamCounts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var p in batch)
            foreach (var e in p.Request.Events)
            {
                arrays.Add(e);
                if (e.Data.Stream is { } s) streamCounts[s] = streamCounts.GetValueOrDefault(s) + 1;
            }
        // backs[k]: how many later events of the batch belong to event k's stream, so version = new version - back.
        var backs = new long[arrays.Count];
        var seen = new Dictionary<string, long>(StringComparer.Ordinal);
        var k = 0;
        foreach (var p in batch)
            foreach (var e in p.Request.Events)
            {
                if (e.Data.Stream is { } s)
                {
                    var ordinal = seen[s] = seen.GetValueOrDefault(s) + 1;
                    backs[k] = streamCounts[s] - ordinal;
                }
                k++;
            }

        // The statement keeps its prepared generic plan (no planning per append), with a guard too: the guard's tag
        // queries are built with literals and planned inside matching_positions, and its stream check is a primary-key
        // lookup per stream, so custom plans would only replan the statement and matching_positions on each append.
        await using var command = TenantScope.Begin(connection, tenant, customPlans: false);
        NpgsqlBatchCommand insert;
        if (guard is null) insert = command.Add(tenant, sql.UnconditionalCommit);
        else
        {
            command.Add(tenant, sql.LockTenant);
            insert = new NpgsqlBatchCommand();
            insert.Parameters.AddWithValue("tenant", tenant);
            insert.CommandText = Sql(sql.Schema, GuardSql.Render(sql.Schema, guard, insert.Parameters));
            command.BatchCommands.Add(insert);
        }
        insert.Parameters.AddWithValue("count", (long)arrays.Count);
        insert.Parameters.Add(new NpgsqlParameter("stream_ids", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = streamCounts.Keys.ToArray() });
        insert.Parameters.Add(new NpgsqlParameter("stream_counts", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = streamCounts.Values.ToArray() });
        insert.Parameters.Add(new NpgsqlParameter("backs", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = backs });
        insert.Parameters.AddWithValue("now", now);
        arrays.AddParameters(insert.Parameters);

        long? head = null;
        var versions = new Dictionary<string, long>(StringComparer.Ordinal);
        // A failed statement ends the implicit transaction with it: the connection is left out of any transaction.
        await using (var reader = await command.ReadAsync(ct).ConfigureAwait(false))
        {
            if (guard is not null) await reader.NextResultAsync(ct).ConfigureAwait(false); // past the tenant lock
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                head = reader.GetInt64(0);
                if (!reader.IsDBNull(1)) versions[reader.GetString(1)] = reader.GetInt64(2);
            }
        }
        if (head is null) return null; // the guard found a matching event: nothing was written

        var results = new RecordedEvent[batch.Count][];
        var position = head.Value;
        k = 0;
        for (var i = 0; i < batch.Count; i++)
        {
            var events = batch[i].Request.Events;
            var recorded = results[i] = new RecordedEvent[events.Length];
            for (var j = 0; j < events.Length; j++, k++)
            {
                var e = events[j];
                var version = e.Data.Stream is { } s ? versions[s] - backs[k] : 0;
                recorded[j] = Recorded.Of(tenant, e, ++position, version, now);
            }
        }
        return results;
    }
}
