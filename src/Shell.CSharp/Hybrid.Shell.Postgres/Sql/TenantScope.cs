using Npgsql;

namespace Hybrid.Shell.Postgres.Sql;

/// <summary>
/// Batches whose first command sets the tenant (and custom plans) for the transaction, so row-level security sees
/// only that tenant. A batch without an explicit transaction runs in one implicit transaction: one round trip.
/// </summary>
internal static class TenantScope
{
    // JIT is off for the store's transactions: its statements are short, but the planner's estimate for a function scan
    // (1,000 rows) joined to the events can pass jit_above_cost, and compiling then cost ~5 ms of a 0.4 ms condition
    // check once the tables were analysed at a few hundred thousand events (the growth bench's DCB check, 17x).
    private const string SetTenant =
        "SELECT set_config('hybrid.tenant', @tenant, true), set_config('plan_cache_mode', 'force_custom_plan', true), set_config('jit', 'off', true)";

    private const string SetTenantOnly = "SELECT set_config('hybrid.tenant', @tenant, true), set_config('jit', 'off', true)";

    /// <summary>
    /// A batch for the tenant. Custom plans (on by default) make PostgreSQL plan each filtered query for its actual
    /// tags and types; a batch of statements without filters can keep prepared generic plans and skip planning.
    /// </summary>
    public static NpgsqlBatch Begin(NpgsqlConnection connection, string tenant, bool explicitTransaction = false, bool customPlans = true)
    {
        var batch = new NpgsqlBatch(connection);
        if (explicitTransaction) batch.BatchCommands.Add(new NpgsqlBatchCommand("BEGIN"));
        var set = new NpgsqlBatchCommand(customPlans ? SetTenant : SetTenantOnly);
        set.Parameters.AddWithValue("tenant", tenant);
        batch.BatchCommands.Add(set);
        return batch;
    }

    /// <summary>Adds a command that also receives the <c>@tenant</c> parameter.</summary>
    public static NpgsqlBatchCommand Add(this NpgsqlBatch batch, string tenant, string sql)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.AddWithValue("tenant", tenant);
        batch.BatchCommands.Add(command);
        return command;
    }

    /// <summary>Ends the batch's explicit transaction with a COMMIT (other nodes learn of it from <see cref="Subscriptions.CommitNotifier"/>).</summary>
    public static void AddCommit(this NpgsqlBatch batch) => batch.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));

    /// <summary>Runs the batch and skips the results of the set-up commands, leaving the reader on the first added command.</summary>
    public static async Task<NpgsqlDataReader> ReadAsync(this NpgsqlBatch batch, CancellationToken ct)
    {
        var reader = await batch.ExecuteReaderAsync(ct).ConfigureAwait(false);
        try
        {
            await reader.NextResultAsync(ct).ConfigureAwait(false);
            return reader;
        }
        catch
        {
            await reader.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
