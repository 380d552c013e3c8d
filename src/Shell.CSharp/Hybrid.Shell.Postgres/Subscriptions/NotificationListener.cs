using Npgsql;

namespace Hybrid.Shell.Postgres.Subscriptions;

/// <summary>
/// One LISTEN connection per store that turns NOTIFY payloads (tenant ids) into wake-ups. When the connection drops it
/// wakes every subscription (they re-read, so nothing is missed) and reconnects, whatever the failure; polling covers the gap.
/// A connection silent for <c>heartbeat</c> is checked with a <c>SELECT 1</c> that must answer within the same time (on
/// <c>clock</c>), so one the network dropped without closing it (a half-open connection: no FIN, no RST) is detected and
/// replaced rather than waited on forever.
/// </summary>
internal sealed class NotificationListener(Func<CancellationToken, ValueTask<NpgsqlConnection>> open, string channel, TenantSignals signals,
    TimeSpan reconnectDelay, TimeSpan heartbeat, TimeProvider clock) : IAsyncDisposable
{
    /// <summary>
    /// Opens an unpooled connection with TCP keep-alive (the operating system's probes also end a connection whose peer
    /// is gone while a heartbeat is in flight): it only waits for notifications.
    /// </summary>
    public static Func<CancellationToken, ValueTask<NpgsqlConnection>> Dedicated(string connectionString)
    {
        var dedicated = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, TcpKeepAlive = true }.ConnectionString;
        return async ct =>
        {
            var connection = new NpgsqlConnection(dedicated);
            try
            {
                await connection.OpenAsync(ct).ConfigureAwait(false);
                return connection;
            }
            catch
            {
                await connection.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        };
    }

    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;

    public void EnsureStarted()
    {
        if (_loop is not null) return;
        lock (_stop)
        {
            _loop ??= Task.Run(() => ListenAsync(_stop.Token));
        }
    }

    private async Task ListenAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await using var connection = await open(ct).ConfigureAwait(false);
                connection.Notification += (_, e) => signals.Fire(e.Payload);
                await using (var listen = new NpgsqlCommand($"LISTEN {channel}", connection))
                    await listen.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                signals.FireAll();
                while (true)
                {
                    if (!await connection.WaitAsync(heartbeat, ct).ConfigureAwait(false))
                        await CheckAsync(connection, ct).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception)
            {
                // Whatever failed (the server, the network, a heartbeat unanswered, a connect that threw something
                // unforeseen), the loop goes on: a listener that died would leave every subscription of the store to its
                // polling interval.
                signals.FireAll();
                try { await Task.Delay(reconnectDelay, ct).ConfigureAwait(false); }
                catch (OperationCanceledException) { return; }
            }
        }
    }

    /// <summary>The heartbeat: throws when the connection does not answer a <c>SELECT 1</c> within the heartbeat.</summary>
    private async Task CheckAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        using var deadline = new CancellationTokenSource(heartbeat, clock);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token);
        await using var ping = new NpgsqlCommand("SELECT 1", connection);
        try
        {
            await ping.ExecuteScalarAsync(either.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            throw new TimeoutException($"The LISTEN connection did not answer its heartbeat within {heartbeat}.");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_loop is not null) await _loop.ConfigureAwait(false);
        _stop.Dispose();
    }
}
