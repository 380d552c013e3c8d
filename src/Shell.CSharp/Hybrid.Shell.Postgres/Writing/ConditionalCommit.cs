using Hybrid.Shell.Postgres.Sql;
using Npgsql;

namespace Hybrid.Shell.Postgres.Writing;

/// <summary>
/// Commits a batch whose appends carry conditions, checkpoints or repeated ids, in one transaction of two round
/// trips: read what the decision needs under the tenant lock (<see cref="AppendStateRead"/>), let
/// <see cref="AppendModule.decideGroup"/> decide every member in order, then write the merged plan and commit.
/// </summary>
internal static class ConditionalCommit
{
    /// <summary>The outcome of each append of the batch, in order: a result, or the exception its predicate threw.</summary>
    public static async Task<(AppendResult? Result, Exception? Error)[]> CommitAsync(NpgsqlConnection connection, StoreSql sql,
        string tenant, IReadOnlyList<PendingAppend> batch, DateTimeOffset now, CancellationToken ct)
    {
        try
        {
            var state = await AppendStateRead.ReadAsync(connection, sql, tenant, batch, ct).ConfigureAwait(false);
            var plan = AppendModule.decideGroup(state, now, batch.Select(p => p.Request).ToArray());
            await using var command = new NpgsqlBatch(connection);
            if (!plan.Write.IsEmpty)
            {
                PlannedWrite.Add(command, sql, tenant, plan.Write, now);
                if (plan.Write.Events.Length > 0)
                    command.Add(tenant, sql.AdvanceHead).Parameters.AddWithValue("advance", (long)plan.Write.Events.Length);
            }
            if (plan.Write.IsEmpty) command.BatchCommands.Add(new NpgsqlBatchCommand("ROLLBACK"));
            else command.AddCommit();
            await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            return plan.Decisions.Select(Outcome).ToArray();
        }
        catch
        {
            await RollbackQuietlyAsync(connection).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>A member's answer: its decision's result, or the exception its condition threw.</summary>
    public static (AppendResult? Result, Exception? Error) Outcome(Microsoft.FSharp.Core.FSharpResult<AppendDecision, Exception> decision) =>
        decision.IsOk ? (decision.ResultValue.Result, null) : (null, decision.ErrorValue);

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
}
