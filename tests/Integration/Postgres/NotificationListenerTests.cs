using Hybrid.Shell.Postgres.Subscriptions;
using Npgsql;

namespace Hybrid.Tests.Integration.Postgres;

/// <summary>
/// The LISTEN loop of a store never gives up: whatever a failed connect throws, it reconnects and wakes subscriptions
/// again; a connection the network dropped without closing it is found by the heartbeat and replaced.
/// </summary>
public sealed class NotificationListenerTests
{
    [Fact]
    public async Task a_connect_that_fails_with_an_unexpected_exception_is_retried_and_notifications_then_wake_the_tenant()
    {
        var admin = await PostgresTestServer.CreateDatabaseAsync();
        var dedicated = NotificationListener.Dedicated(admin);
        var attempts = 0;
        var signals = new TenantSignals();
        await using var listener = new NotificationListener(ct =>
            Interlocked.Increment(ref attempts) == 1 ? throw new InvalidOperationException("an unexpected failure") : dedicated(ct),
            "listener_test", signals, TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(10), TimeProvider.System);
        var woken = signals.Next("acme");
        listener.EnsureStarted();

        await using var notifier = await Sql.OpenAsync(admin);
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        while (Volatile.Read(ref attempts) < 2) await Task.Delay(20, patience.Token);
        woken = signals.Next("acme"); // the reconnect itself wakes every subscription: wait for a notification proper
        while (!woken.IsCompleted)
        {
            await notifier.ScalarAsync("SELECT pg_notify('listener_test', 'acme')");
            await Task.WhenAny(woken, Task.Delay(100, patience.Token));
        }
        Assert.True(woken.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task a_half_open_listen_connection_is_found_by_its_heartbeat_and_replaced_so_notifications_wake_the_tenant_again()
    {
        var admin = await PostgresTestServer.CreateDatabaseAsync();
        await using var proxy = PartitionableProxy.To(admin);
        var application = $"heartbeat-{Guid.NewGuid():N}"[..20];
        var throughProxy = new NpgsqlConnectionStringBuilder(proxy.Through(admin)) { ApplicationName = application }.ConnectionString;
        var signals = new TenantSignals();
        await using var listener = new NotificationListener(NotificationListener.Dedicated(throughProxy), "heartbeat_test", signals,
            TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(500), TimeProvider.System);
        listener.EnsureStarted();
        await using var admin1 = await Sql.OpenAsync(admin);
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var first = await BackendAsync(admin1, application, 0, patience.Token);
        await WokenByNotifyAsync(admin1, signals, patience.Token);

        proxy.Partition(); // the server and the listener both still think the connection is open

        var second = await BackendAsync(admin1, application, first, patience.Token);
        Assert.NotEqual(first, second);
        await WokenByNotifyAsync(admin1, signals, patience.Token);
    }

    /// <summary>A listening backend of the application name other than <paramref name="not"/>, once there is one.</summary>
    private static async Task<int> BackendAsync(NpgsqlConnection admin, string application, int not, CancellationToken ct)
    {
        while (true)
        {
            var pids = await admin.ColumnAsync<int>("SELECT pid FROM pg_stat_activity WHERE application_name = @app AND pid <> @not AND query IN ('LISTEN heartbeat_test', 'SELECT 1')",
                ("app", application), ("not", not));
            if (pids.Count > 0) return pids[0];
            await Task.Delay(20, ct);
        }
    }

    /// <summary>Notifies 'acme' until the signal fires (a reconnect fires it too: a notification proper is waited for after it).</summary>
    private static async Task WokenByNotifyAsync(NpgsqlConnection admin, TenantSignals signals, CancellationToken ct)
    {
        await Task.Delay(100, ct);
        var woken = signals.Next("acme");
        while (!woken.IsCompleted)
        {
            await admin.ScalarAsync("SELECT pg_notify('heartbeat_test', 'acme')");
            await Task.WhenAny(woken, Task.Delay(100, ct));
        }
    }
}
