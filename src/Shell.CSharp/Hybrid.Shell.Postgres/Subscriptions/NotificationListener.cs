using Npgsql;

namespace Hybrid.Shell.Postgres.Subscriptions;

/// <summary>
/// One LISTEN connection per store that turns NOTIFY payloads (tenant ids) into wake-ups. When the connection drops it
/// wakes every subscription (they re-read, so nothing is missed) and reconnects, whatever the failure; polling covers the gap.
/// </summary>
internal sealed class NotificationListener(Func<CancellationToken, ValueTask<NpgsqlConnection>> open, string channel, TenantSignals signals,
    TimeSpan reconnectDelay) : IAsyncDisposable
{
    /// <summary>Opens an unpooled connection with TCP keep-alive: it only waits for notifications.</summary>
    public static Func<CancellationToken, ValueTask<NpgsqlConnection>> Dedicated(string connectionString)
    {
        var dedicated = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, KeepAlive = 10 }.ConnectionString;
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
                while (true) await connection.WaitAsync(ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception)
            {
                // Whatever failed (the server, the network, a connect that threw something unforeseen), the loop goes
                // on: a listener that died would leave every subscription of the store to its polling interval.
                signals.FireAll();
                try { await Task.Delay(reconnectDelay, ct).ConfigureAwait(false); }
                catch (OperationCanceledException) { return; }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_loop is not null) await _loop.ConfigureAwait(false);
        _stop.Dispose();
    }
}
