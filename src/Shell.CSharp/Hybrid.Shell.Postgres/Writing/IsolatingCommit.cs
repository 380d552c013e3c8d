using Hybrid.Shell.Postgres.Sql;
using Npgsql;

namespace Hybrid.Shell.Postgres.Writing;

/// <summary>
/// Commits a group one of whose members the server refused, so that the refused members fail alone and every other
/// member commits exactly as if it had been sent alone. Under the tenant lock: decide the group, probe every member's
/// write on its own in one round trip (each probe is rolled back; error barriers let every probe run, and the failed
/// commands name the refused members), decide the group again without them (later members' positions move down) and
/// write it and commit in one more: four round trips with the failed first attempt. When refusals depend on each other
/// so that no member is refused alone, the members are written one by one, each in its own savepoint. Only a failing
/// group takes this path, so the common path costs nothing more.
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
            var overlay = new AppendOverlay(state);
            var planned = Decide(overlay, batch, refused, now, outcomes);
            foreach (var (member, error) in await ProbeAsync(connection, sql, tenant, planned, now, ct).ConfigureAwait(false))
                refused[member] = error;
            if (refused.Count > 0)
            {
                overlay = new AppendOverlay(state);
                planned = Decide(overlay, batch, refused, now, outcomes);
            }
            var merged = overlay.Merged;
            var all = planned.Where(w => w is not null).SelectMany(w => w!.Events).ToArray();
            if (refused.Count == 0 || await WriteAsync(connection, sql, tenant, all, now, ct).ConfigureAwait(false) is not null)
                merged = await OneByOneAsync(connection, sql, tenant, state, batch, refused, now, outcomes, ct).ConfigureAwait(false);
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

    /// <summary>
    /// Tries each member's events on its own, rolled back at once, all in one round trip; the members the server refused.
    /// Error barriers after every command keep a refusal from skipping the probes after it.
    /// </summary>
    private static async Task<List<(int Member, PostgresException Error)>> ProbeAsync(NpgsqlConnection connection, StoreSql sql, string tenant,
        AppendWrite?[] planned, DateTimeOffset now, CancellationToken ct)
    {
        await using var command = new NpgsqlBatch(connection);
        command.BatchCommands.Add(new NpgsqlBatchCommand("SAVEPOINT probe"));
        var memberOf = new Dictionary<NpgsqlBatchCommand, int>();
        for (var i = 0; i < planned.Length; i++)
        {
            if (planned[i] is not { } write) continue;
            var first = command.BatchCommands.Count;
            PlannedWrite.Add(command, sql, tenant, new AppendWrite(write.Events, 0, [], []), now);
            for (var k = first; k < command.BatchCommands.Count; k++)
            {
                command.BatchCommands[k].AppendErrorBarrier = true;
                memberOf[command.BatchCommands[k]] = i;
            }
            command.BatchCommands.Add(new NpgsqlBatchCommand("ROLLBACK TO SAVEPOINT probe") { AppendErrorBarrier = true });
        }
        command.BatchCommands.Add(new NpgsqlBatchCommand("RELEASE SAVEPOINT probe"));
        try
        {
            await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            return [];
        }
        catch (NpgsqlException e)
        {
            // One failed probe throws its PostgresException; several throw one exception holding them all.
            var errors = e is PostgresException one ? [one] : (e.InnerException as AggregateException)?.InnerExceptions.OfType<PostgresException>().ToArray() ?? [];
            var found = new List<(int, PostgresException)>();
            foreach (var error in errors)
            {
                if (!Refusal.Is(error) || error.BatchCommand is not NpgsqlBatchCommand failed || !memberOf.TryGetValue(failed, out var member)) throw;
                found.Add((member, error));
            }
            if (found.Count == 0) throw;
            return found;
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
                if (await WriteAsync(connection, sql, tenant, write.Events, now, ct).ConfigureAwait(false) is { } error) refused[i] = error;
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
    /// Inserts the events inside a savepoint; returns the server's refusal (the savepoint rolled back), or null.
    /// </summary>
    private static async Task<PostgresException?> WriteAsync(NpgsqlConnection connection, StoreSql sql, string tenant,
        RecordedEvent[] events, DateTimeOffset now, CancellationToken ct)
    {
        if (events.Length == 0) return null;
        await using var command = new NpgsqlBatch(connection);
        command.BatchCommands.Add(new NpgsqlBatchCommand("SAVEPOINT members"));
        PlannedWrite.Add(command, sql, tenant, new AppendWrite(events, 0, [], []), now);
        command.BatchCommands.Add(new NpgsqlBatchCommand("RELEASE SAVEPOINT members"));
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
            finish.Add(tenant, sql.AdvanceHead).Parameters.AddWithValue("advance", (long)merged.Events.Length);
        finish.AddCommit();
        await finish.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }
}
