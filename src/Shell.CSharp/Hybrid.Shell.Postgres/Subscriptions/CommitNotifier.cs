using Npgsql;

namespace Hybrid.Shell.Postgres.Subscriptions;

/// <summary>
/// Wakes other nodes' subscriptions after appends commit, off the commit path. A NOTIFY inside the appending
/// transaction takes PostgreSQL's database-wide notify lock at commit and holds it through the commit's WAL flush, so
/// commits of different tenants could not share a flush; sent by the tenant's writer after its commit, it would add a
/// round trip before the tenant's next commit. Here one loop sends the tenants that committed since its last send, in
/// one batch that writes no WAL, coalescing under load. A wake-up lost to a failure or a crash is made up by the
/// subscriptions' polling.
/// </summary>
internal sealed class CommitNotifier(NpgsqlDataSource source, string? notifySql)
{
    private readonly Lock _gate = new();
    private readonly HashSet<string> _pending = new(StringComparer.Ordinal);
    private bool _sending;

    /// <summary>Queues a wake-up for the tenant; returns at once.</summary>
    public void Committed(string tenant)
    {
        if (notifySql is null) return;
        lock (_gate)
        {
            _pending.Add(tenant);
            if (_sending) return;
            _sending = true;
        }
        _ = Task.Run(SendAsync);
    }

    private async Task SendAsync()
    {
        var sql = notifySql!;
        while (true)
        {
            string[] tenants;
            lock (_gate)
            {
                if (_pending.Count == 0)
                {
                    _sending = false;
                    return;
                }
                tenants = [.. _pending];
                _pending.Clear();
            }
            try
            {
                await using var connection = await source.OpenConnectionAsync().ConfigureAwait(false);
                await using var batch = new NpgsqlBatch(connection);
                foreach (var tenant in tenants)
                {
                    var notify = new NpgsqlBatchCommand(sql);
                    notify.Parameters.AddWithValue("tenant", tenant);
                    batch.BatchCommands.Add(notify);
                }
                await batch.ExecuteNonQueryAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException or TimeoutException)
            {
                // The events are committed and their appenders answered; subscriptions will poll.
            }
        }
    }
}
