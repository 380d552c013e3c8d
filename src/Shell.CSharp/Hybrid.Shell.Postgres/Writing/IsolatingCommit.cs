using Hybrid.Shell.Postgres.Sql;
using Npgsql;

namespace Hybrid.Shell.Postgres.Writing;

/// <summary>
/// Commits a group one of whose members the server refused, so that the refused members fail alone and every other
/// member commits exactly as if it had been sent alone. Under the tenant lock: find which members the server refuses
/// by probing their writes (each probe is rolled back; a refused set of members is halved until single members are
/// left), then decide the group again without them (later members' positions move down) and write it in one go. When
/// refusals depend on each other so that no member is refused alone, the members are written one by one, each in its
/// own savepoint. Only a failing group takes this path, so the common path costs nothing more.
/// </summary>
internal static class IsolatingCommit
{
    public static async Task<(AppendResult? Result, Exception? Error)[]> CommitAsync(NpgsqlConnection connection, StoreSql sql,
        string tenant, IReadOnlyList<PendingAppend> batch, DateTimeOffset now, CancellationToken ct)
    {
        try
        {
            var state = await AppendStateRead.ReadAsync(connection, sql, tenant, batch, ct).ConfigureAwait(false);
            var outcomes = new (AppendResult? Result, Exception? Error)[batch.Count];
            var refused = new Dictionary<int, PostgresException>();
            AppendWrite merged;
            while (true)
            {
                var overlay = new AppendOverlay(state);
                var planned = Decide(overlay, batch, refused, now, outcomes);
                merged = overlay.Merged;
                var members = Enumerable.Range(0, batch.Count).Where(i => planned[i] is not null).ToList();
                if (await WriteAsync(connection, sql, tenant, Events(planned, members), keep: true, now, ct).ConfigureAwait(false) is null) break;
                var found = new Dictionary<int, PostgresException>();
                await FindRefusedAsync(connection, sql, tenant, planned, members, found, now, ct).ConfigureAwait(false);
                if (found.Count == 0)
                {
                    merged = await OneByOneAsync(connection, sql, tenant, state, batch, refused, now, outcomes, ct).ConfigureAwait(false);
                    break;
                }
                foreach (var (member, error) in found) refused[member] = error;
            }
            foreach (var (member, error) in refused) outcomes[member] = (null, Refusal.Of(tenant, error));
            await FinishAsync(connection, sql, tenant, merged, now, ct).ConfigureAwait(false);
            return outcomes;
        }
        catch
        {
            await ConditionalCommit.RollbackQuietlyAsync(connection).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Decides every member not refused, in order, over the overlay; their writes (null when nothing to write).</summary>
    private static AppendWrite?[] Decide(AppendOverlay overlay, IReadOnlyList<PendingAppend> batch, Dictionary<int, PostgresException> refused,
        DateTimeOffset now, (AppendResult? Result, Exception? Error)[] outcomes)
    {
        var planned = new AppendWrite?[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            if (refused.ContainsKey(i)) continue;
            try
            {
                var decision = AppendModule.decide(overlay, now, batch[i].Request);
                outcomes[i] = (decision.Result, null);
                if (decision is not AppendDecision.Write { Item: { IsEmpty: false } write }) continue;
                overlay.Apply(write);
                planned[i] = write;
            }
            catch (Exception e)
            {
                outcomes[i] = (null, e);
            }
        }
        return planned;
    }

    private static RecordedEvent[] Events(AppendWrite?[] planned, IEnumerable<int> members) =>
        members.SelectMany(i => planned[i]!.Events).ToArray();

    /// <summary>Adds to found each member of a refused set that the server refuses alone, halving the set (probes roll back).</summary>
    private static async Task FindRefusedAsync(NpgsqlConnection connection, StoreSql sql, string tenant, AppendWrite?[] planned,
        List<int> members, Dictionary<int, PostgresException> found, DateTimeOffset now, CancellationToken ct)
    {
        if (members.Count == 1)
        {
            if (await WriteAsync(connection, sql, tenant, Events(planned, members), keep: false, now, ct).ConfigureAwait(false) is { } error)
                found[members[0]] = error;
            return;
        }
        var halves = new[] { members[..(members.Count / 2)], members[(members.Count / 2)..] };
        foreach (var half in halves)
            if (half.Count == 1 || await WriteAsync(connection, sql, tenant, Events(planned, half), keep: false, now, ct).ConfigureAwait(false) is not null)
                await FindRefusedAsync(connection, sql, tenant, planned, half, found, now, ct).ConfigureAwait(false);
    }

    /// <summary>The last resort: each member decided over the ones written before it and written in its own savepoint.</summary>
    private static async Task<AppendWrite> OneByOneAsync(NpgsqlConnection connection, StoreSql sql, string tenant, IAppendState state,
        IReadOnlyList<PendingAppend> batch, Dictionary<int, PostgresException> refused, DateTimeOffset now,
        (AppendResult? Result, Exception? Error)[] outcomes, CancellationToken ct)
    {
        var overlay = new AppendOverlay(state);
        for (var i = 0; i < batch.Count; i++)
        {
            if (refused.ContainsKey(i)) continue;
            try
            {
                var decision = AppendModule.decide(overlay, now, batch[i].Request);
                outcomes[i] = (decision.Result, null);
                if (decision is not AppendDecision.Write { Item: { IsEmpty: false } write }) continue;
                if (await WriteAsync(connection, sql, tenant, write.Events, keep: true, now, ct).ConfigureAwait(false) is { } error) refused[i] = error;
                else overlay.Apply(write);
            }
            catch (Exception e) when (e is not NpgsqlException)
            {
                outcomes[i] = (null, e);
            }
        }
        return overlay.Merged;
    }

    /// <summary>
    /// Inserts the events inside a savepoint, released when <paramref name="keep"/> (else always rolled back: a probe);
    /// returns the server's refusal (rolled back), or null.
    /// </summary>
    private static async Task<PostgresException?> WriteAsync(NpgsqlConnection connection, StoreSql sql, string tenant,
        RecordedEvent[] events, bool keep, DateTimeOffset now, CancellationToken ct)
    {
        if (events.Length == 0) return null;
        await using var command = new NpgsqlBatch(connection);
        command.BatchCommands.Add(new NpgsqlBatchCommand("SAVEPOINT members"));
        PlannedWrite.Add(command, sql, tenant, new AppendWrite(events, 0, [], []), now);
        command.BatchCommands.Add(new NpgsqlBatchCommand(keep ? "RELEASE SAVEPOINT members" : "ROLLBACK TO SAVEPOINT members"));
        try
        {
            await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            return null;
        }
        catch (PostgresException e) when (Refusal.Is(e))
        {
            await using var undo = new NpgsqlCommand("ROLLBACK TO SAVEPOINT members", connection);
            await undo.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            return e;
        }
    }

    /// <summary>Streams, checkpoints and the head of every written member, once; then commit.</summary>
    private static async Task FinishAsync(NpgsqlConnection connection, StoreSql sql, string tenant, AppendWrite merged, DateTimeOffset now,
        CancellationToken ct)
    {
        await using var finish = new NpgsqlBatch(connection);
        PlannedWrite.Add(finish, sql, tenant, new AppendWrite([], merged.Head, merged.Streams, merged.Checkpoints), now);
        if (merged.Events.Length > 0)
        {
            finish.Add(tenant, sql.AdvanceHead).Parameters.AddWithValue("advance", (long)merged.Events.Length);
            if (sql.Notify is { } notify) finish.Add(tenant, notify);
        }
        finish.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));
        await finish.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }
}
