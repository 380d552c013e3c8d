using Hybrid.Shell.Postgres;
using Npgsql;
using static Hybrid.Tests.Integration.Postgres.PostgresStores;

namespace Hybrid.Tests.Integration.Postgres;

/// <summary>Connections killed in the middle of an append, and a server restarted under a subscription.</summary>
public sealed class FaultTests
{
    [Fact]
    public async Task an_append_whose_connection_is_killed_while_waiting_for_the_lock_writes_nothing_and_the_store_recovers()
    {
        var admin = await PostgresTestServer.CreateDatabaseAsync();
        await using var store = await PostgresEventStore.CreateAsync(PostgresEventStoreOptions.ForAdmin(admin));
        var tenant = $"t-{Guid.NewGuid():N}";
        await store.Append(AppendRequest.Of(tenant, Propose(Event("Before"))), default);

        await using var killer = await Sql.OpenAsync(admin);
        var held = await Sql.LockTenantAsync(killer, tenant);
        var append = store.Append(AppendRequest.Of(tenant, Propose(Event("Killed", "s-1"), Event("Killed", "s-1"))), default);
        var pid = await Sql.WaitForBlockedBackendAsync(killer);
        await using (var other = await Sql.OpenAsync(admin)) await other.ScalarAsync("SELECT pg_terminate_backend(@pid)", ("pid", pid));
        await held.CommitAsync();
        await Assert.ThrowsAnyAsync<NpgsqlException>(() => append);

        await AssertRecoversAsync(store, tenant);
    }

    [Fact]
    public async Task an_append_whose_connection_is_killed_inside_its_transaction_writes_nothing_and_the_store_recovers()
    {
        var admin = await PostgresTestServer.CreateDatabaseAsync();
        await using var store = await PostgresEventStore.CreateAsync(PostgresEventStoreOptions.ForAdmin(admin));
        var tenant = $"t-{Guid.NewGuid():N}";
        await store.Append(AppendRequest.Of(tenant, Propose(Event("Before"))), default);

        // The predicate runs inside the append's transaction, after the tenant lock and the reads: kill the backend there.
        var insideTransaction = new TaskCompletionSource();
        var killed = new TaskCompletionSource();
        var condition = AppendCondition.Where(EventQuery.All, _ =>
        {
            insideTransaction.SetResult();
            killed.Task.Wait();
            return true;
        }, "waits to be killed");
        var append = Task.Run(() => store.Append(AppendRequest.Of(tenant, Propose(Event("Killed", "s-1"), Event("Killed", "s-1"))).When(condition), default));
        await insideTransaction.Task.WaitAsync(TimeSpan.FromSeconds(20));
        await using (var killer = await Sql.OpenAsync(admin))
        {
            var pids = await killer.ColumnAsync<int>(
                "SELECT pid FROM pg_stat_activity WHERE usename = 'hybrid_app' AND datname = current_database() AND state = 'idle in transaction'");
            Assert.Single(pids);
            await killer.ScalarAsync("SELECT pg_terminate_backend(@pid)", ("pid", pids[0]));
        }
        killed.SetResult();
        await Assert.ThrowsAnyAsync<NpgsqlException>(() => append);

        await AssertRecoversAsync(store, tenant);
    }

    private static async Task AssertRecoversAsync(PostgresEventStore store, string tenant)
    {
        Assert.Equal(["Before"], (await store.Read(tenant, EventQuery.All, default)).Select(e => e.Type));
        Assert.Equal(0L, (await store.GetStreamState(tenant, "s-1", default)).Version);
        var after = await store.Append(AppendRequest.Of(tenant, Propose(Event("After", "s-1"))), default);
        Assert.Equal(2L, after.Events.Single().Position);
        Assert.Equal(1L, after.Events.Single().StreamVersion);
    }

    [Fact]
    public async Task a_subscription_resumes_after_a_server_restart_without_loss_or_duplication()
    {
        await using var cluster = await PostgresTestServer.StartOwnClusterAsync();
        var options = PostgresEventStoreOptions.ForAdmin(cluster.ConnectionString) with
        {
            PollingInterval = TimeSpan.FromMilliseconds(200),
            ReconnectDelay = TimeSpan.FromMilliseconds(100),
        };
        await using var store = await PostgresEventStore.CreateAsync(options);
        var tenant = $"t-{Guid.NewGuid():N}";
        var before = Enumerable.Range(0, 5).Select(i => AppendRequest.Of(tenant, Propose(Event($"Before{i}")))).ToArray();
        foreach (var r in before) await store.Append(r, default);

        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var received = new List<RecordedEvent>();
        var sawFive = new TaskCompletionSource();
        var sawTen = new TaskCompletionSource();
        var consumer = Task.Run(async () =>
        {
            await foreach (var message in store.Subscribe(tenant, EventQuery.All, stop.Token))
            {
                if (message is not SubscriptionMessage.Event e) continue;
                lock (received) received.Add(e.Item);
                if (received.Count == 5) sawFive.TrySetResult();
                if (received.Count == 10) sawTen.TrySetResult();
            }
        });
        await sawFive.Task.WaitAsync(TimeSpan.FromSeconds(20));

        await cluster.RestartAsync();
        var after = Enumerable.Range(0, 5).Select(i => AppendRequest.Of(tenant, Propose(Event($"After{i}")))).ToArray();
        foreach (var r in after) await AppendRetryingAsync(store, r);

        await sawTen.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await Task.Delay(500);
        await stop.CancelAsync();
        await consumer;
        lock (received)
        {
            Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i), received.Select(e => e.Position));
            Assert.Equal(before.Concat(after).Select(r => r.Events[0].Id), received.Select(e => e.Id));
        }
    }

    /// <summary>What a client does after a lost connection: re-send the same append (ids make it idempotent).</summary>
    private static async Task<AppendResult> AppendRetryingAsync(PostgresEventStore store, AppendRequest request)
    {
        for (var attempt = 1; ; attempt++)
        {
            try { return await store.Append(request, default); }
            catch (NpgsqlException) when (attempt < 20) { await Task.Delay(100); }
        }
    }
}
