using Hybrid.Shell.Postgres.Subscriptions;
using Npgsql;

namespace Hybrid.Tests.Integration.Postgres;

/// <summary>The LISTEN loop of a store never gives up: whatever a failed connect throws, it reconnects and wakes subscriptions again.</summary>
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
            "listener_test", signals, TimeSpan.FromMilliseconds(50));
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
}
