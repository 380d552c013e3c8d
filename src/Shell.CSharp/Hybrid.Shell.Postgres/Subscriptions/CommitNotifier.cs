using Npgsql;
using NpgsqlTypes;

namespace Hybrid.Shell.Postgres.Subscriptions;

/// <summary>
/// Tells the subscriptions of other nodes that a tenant has new events: a NOTIFY on the store's channel, sent after the
/// commit on a connection of its own. An append's round trip then carries no notification (a second transaction and two
/// statements in it), and the tenants that commit while one notification is in flight are announced together by the
/// next, so under load many commits share one. A notification that is lost (the server went away) only delays
/// subscribers until they poll.
/// </summary>
internal sealed class CommitNotifier(NpgsqlDataSource source, string channel) : IAsyncDisposable
{
    private readonly string _sql = $"SELECT pg_notify('{channel}', t) FROM unnest(@tenants) AS t";
    private readonly Lock _gate = new();
    private readonly HashSet<string> _pending = new(StringComparer.Ordinal);
    private Task _sending = Task.CompletedTask;
    private bool _busy;
    private bool _stopped;

    /// <summary>Announces the tenant's commit: now, or with the next notification when one is in flight.</summary>
    public void Committed(string tenant)
    {
        lock (_gate)
        {
            if (_stopped) return;
            _pending.Add(tenant);
            if (_busy) return;
            _busy = true;
            _sending = Task.Run(SendAsync);
        }
    }

    private async Task SendAsync()
    {
        while (true)
        {
            string[] tenants;
            lock (_gate)
            {
                if (_pending.Count == 0)
                {
                    _busy = false;
                    return;
                }
                tenants = [.. _pending];
                _pending.Clear();
            }
            try
            {
                await using var connection = await source.OpenConnectionAsync().ConfigureAwait(false);
                await using var notify = new NpgsqlCommand(_sql, connection);
                notify.Parameters.Add(new NpgsqlParameter("tenants", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = tenants });
                await notify.ExecuteNonQueryAsync().ConfigureAwait(false);
            }
            catch (Exception)
            {
                // Whatever went wrong (the server is away, the pool is closing), the loop goes on, or no commit would ever
                // be announced again; subscribers poll as well, so a lost notification delays them and loses nothing.
            }
        }
    }

    /// <summary>Stops announcing and waits for the notification in flight.</summary>
    public async ValueTask DisposeAsync()
    {
        Task sending;
        lock (_gate)
        {
            _stopped = true;
            sending = _sending;
        }
        await sending.ConfigureAwait(false);
    }
}
