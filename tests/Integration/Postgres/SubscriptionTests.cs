using Hybrid.Shell.Postgres;
using static Hybrid.Tests.Integration.Postgres.PostgresStores;

namespace Hybrid.Tests.Integration.Postgres;

/// <summary>Wake-ups across stores (nodes) by LISTEN/NOTIFY or by polling alone, batched reads and back-pressure.</summary>
public sealed class SubscriptionTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    private static async Task<(PostgresEventStore Writer, PostgresEventStore Reader)> TwoNodesAsync(
        Func<PostgresEventStoreOptions, PostgresEventStoreOptions> writer, Func<PostgresEventStoreOptions, PostgresEventStoreOptions> reader)
    {
        var admin = await PostgresTestServer.CreateDatabaseAsync();
        var options = PostgresEventStoreOptions.ForAdmin(admin);
        return (await PostgresEventStore.CreateAsync(writer(options)), await PostgresEventStore.CreateAsync(reader(options)));
    }

    /// <summary>Subscribes, waits for CaughtUp, runs the action, then collects n events.</summary>
    private static async Task<RecordedEvent[]> ReceiveAsync(IEventStore store, string tenant, EventQuery query, int n, Func<Task> afterCaughtUp)
    {
        using var stop = new CancellationTokenSource(Patience);
        var events = new List<RecordedEvent>();
        await using var subscription = store.Subscribe(tenant, query, stop.Token).GetAsyncEnumerator(stop.Token);
        while (events.Count < n && await subscription.MoveNextAsync())
        {
            switch (subscription.Current)
            {
                case SubscriptionMessage.CaughtUp:
                    await afterCaughtUp();
                    break;
                case SubscriptionMessage.Event e:
                    events.Add(e.Item);
                    break;
            }
        }
        return events.ToArray();
    }

    [Fact]
    public Task a_notify_from_another_node_wakes_a_subscription_that_would_otherwise_poll_only_hourly() =>
        AssertAnotherNodeWakesAsync(tenant => AppendRequest.Of(tenant, Propose(Event("Live"))));

    [Fact]
    public Task a_conditional_append_from_another_node_wakes_a_subscription_that_would_otherwise_poll_only_hourly() =>
        // A predicate condition takes the conditional path (read, decide, write in two round trips).
        AssertAnotherNodeWakesAsync(tenant =>
            AppendRequest.Of(tenant, Propose(Event("Live", "s-1"))).When(AppendCondition.Where(EventQuery.All, _ => true, "always")));

    /// <summary>The reader polls hourly and the writer does not listen: only the writer's NOTIFY can deliver in time.</summary>
    private static async Task AssertAnotherNodeWakesAsync(Func<string, AppendRequest> append)
    {
        var (writer, reader) = await TwoNodesAsync(o => o with { ListenForNotifications = false },
            o => o with { PollingInterval = TimeSpan.FromHours(1), NotifyOnAppend = false });
        await using var _ = writer;
        await using var __ = reader;
        var appended = append($"t-{Guid.NewGuid():N}");
        var events = await ReceiveAsync(reader, appended.Tenant, EventQuery.All, 1, async () =>
        {
            await Task.Delay(300); // let the listener connect
            await writer.Append(appended, default);
        });
        Assert.Equal(appended.Events[0].Id, Assert.Single(events).Id);
    }

    [Fact]
    public async Task a_listening_connection_killed_by_the_server_reconnects_so_another_nodes_appends_still_wake_an_hourly_poller()
    {
        var admin = await PostgresTestServer.CreateDatabaseAsync();
        var options = PostgresEventStoreOptions.ForAdmin(admin);
        await using var writer = await PostgresEventStore.CreateAsync(options with { ListenForNotifications = false });
        await using var reader = await PostgresEventStore.CreateAsync(options with
            { PollingInterval = TimeSpan.FromHours(1), NotifyOnAppend = false, ReconnectDelay = TimeSpan.FromMilliseconds(50) });
        var tenant = $"t-{Guid.NewGuid():N}";
        var lost = AppendRequest.Of(tenant, Propose(Event("WhileDisconnected")));
        var later = AppendRequest.Of(tenant, Propose(Event("AfterReconnect")));
        await using var killer = await Sql.OpenAsync(admin);

        var events = await ReceiveAsync(reader, tenant, EventQuery.All, 2, async () =>
        {
            var first = await ListenerAsync(killer);
            await killer.ScalarAsync("SELECT pg_terminate_backend(@pid)", ("pid", first));
            await writer.Append(lost, default); // its NOTIFY reaches nobody
            var second = await ListenerAsync(killer, first);
            await Task.Delay(100); // the new listener has issued LISTEN before the next NOTIFY
            await writer.Append(later, default);
            Assert.NotEqual(first, second);
        });

        Assert.Equal([lost.Events[0].Id, later.Events[0].Id], events.Select(e => e.Id));
    }

    [Fact]
    public async Task with_its_listen_connection_killed_and_not_back_a_subscription_still_receives_another_nodes_event_within_its_polling_interval()
    {
        var admin = await PostgresTestServer.CreateDatabaseAsync();
        var options = PostgresEventStoreOptions.ForAdmin(admin);
        var polling = TimeSpan.FromSeconds(1);
        await using var writer = await PostgresEventStore.CreateAsync(options with { ListenForNotifications = false });
        await using var reader = await PostgresEventStore.CreateAsync(options with
            { PollingInterval = polling, NotifyOnAppend = false, ReconnectDelay = TimeSpan.FromHours(1) });
        var tenant = $"t-{Guid.NewGuid():N}";
        var appended = AppendRequest.Of(tenant, Propose(Event("WhileNobodyListens")));
        await using var killer = await Sql.OpenAsync(admin);
        var sent = System.Diagnostics.Stopwatch.StartNew();

        var events = await ReceiveAsync(reader, tenant, EventQuery.All, 1, async () =>
        {
            await killer.ScalarAsync("SELECT pg_terminate_backend(@pid)", ("pid", await ListenerAsync(killer)));
            await Task.Delay(200); // the listener has seen its connection go, and waits an hour to reconnect
            sent.Restart();
            await writer.Append(appended, default); // its NOTIFY reaches nobody
        });

        Assert.Equal(appended.Events[0].Id, Assert.Single(events).Id);
        Assert.True(sent.Elapsed < polling + TimeSpan.FromSeconds(1), $"delivered after {sent.Elapsed}, polling every {polling}");
    }

    /// <summary>The backend of the reader's LISTEN connection (another than <paramref name="not"/>), once it is listening.</summary>
    private static async Task<int> ListenerAsync(Npgsql.NpgsqlConnection admin, int not = 0)
    {
        using var patience = new CancellationTokenSource(Patience);
        while (true)
        {
            var pids = await admin.ColumnAsync<int>(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN %' AND pid <> @not", ("not", not));
            if (pids.Count == 1) return pids[0];
            await Task.Delay(20, patience.Token);
        }
    }

    [Fact]
    public async Task with_notifications_off_polling_alone_delivers_live_events()
    {
        var (writer, reader) = await TwoNodesAsync(o => o with { NotifyOnAppend = false, ListenForNotifications = false },
            o => o with { NotifyOnAppend = false, ListenForNotifications = false, PollingInterval = TimeSpan.FromMilliseconds(100) });
        await using var _ = writer;
        await using var __ = reader;
        var tenant = $"t-{Guid.NewGuid():N}";
        var appended = AppendRequest.Of(tenant, Propose(Event("A"), Event("B")));
        var events = await ReceiveAsync(reader, tenant, EventQuery.All, 2, () => writer.Append(appended, default));
        Assert.Equal(appended.Events.Select(e => e.Id), events.Select(e => e.Id));
    }

    [Fact]
    public async Task catch_up_reads_in_batches_resumes_after_a_position_and_filters_by_tag()
    {
        await using var store = await CreateAsync(o => o with { SubscriptionBatchSize = 7 });
        var tenant = $"t-{Guid.NewGuid():N}";
        for (var i = 0; i < 5; i++)
            await store.Append(AppendRequest.Of(tenant, Propose(Enumerable.Range(0, 10).Select(j => Event("E", null, $"n:{(i * 10 + j) % 3}")).ToArray())), default);

        var fromTwenty = await ReceiveAsync(store, tenant, EventQuery.All.AfterPosition(20), 30, () => Task.CompletedTask);
        Assert.Equal(Enumerable.Range(21, 30).Select(i => (long)i), fromTwenty.Select(e => e.Position));

        var expected = Enumerable.Range(11, 40).Where(p => (p - 1) % 3 == 0).Select(p => (long)p).ToArray();
        var tagged = await ReceiveAsync(store, tenant, EventQuery.OfTags("n:0").AfterPosition(10), expected.Length, () => Task.CompletedTask);
        Assert.Equal(expected, tagged.Select(e => e.Position));

        using var stop = new CancellationTokenSource(Patience);
        var caughtUp = await store.Subscribe(tenant, EventQuery.OfTags("n:0").AfterPosition(10), stop.Token)
            .OfType<SubscriptionMessage.CaughtUp>().FirstAsync(stop.Token);
        Assert.Equal(50L, caughtUp.Item);
    }

    [Fact]
    public async Task a_subscriber_that_does_not_read_never_blocks_writers()
    {
        await using var store = await CreateAsync(o => o with { SubscriptionBufferSize = 5, SubscriptionBatchSize = 10 });
        var tenant = $"t-{Guid.NewGuid():N}";
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var stalled = store.Subscribe(tenant, EventQuery.All, stop.Token).GetAsyncEnumerator(stop.Token);
        Assert.True(await stalled.MoveNextAsync());
        Assert.IsType<SubscriptionMessage.CaughtUp>(stalled.Current);

        var appends = Enumerable.Range(0, 20).Select(i => store.Append(AppendRequest.Of(tenant, Propose(Enumerable.Range(0, 10).Select(_ => Event("E")).ToArray())), default));
        await Task.WhenAll(appends).WaitAsync(Patience);

        var positions = new List<long>();
        while (positions.Count < 200 && await stalled.MoveNextAsync())
            if (stalled.Current is SubscriptionMessage.Event e) positions.Add(e.Item.Position);
        Assert.Equal(Enumerable.Range(1, 200).Select(i => (long)i), positions);
    }
}
