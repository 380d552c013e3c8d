using System.Collections.Concurrent;
using Hybrid.Shell.Hosting;
using Hybrid.Shell.Lifecycle;
using Hybrid.Shell.Postgres.Routing;
using Hybrid.Shell.Routing;
using Hybrid.Shell.Stores;
using Hybrid.Tests.Integration.Hosting;
using Hybrid.Tests.Integration.Processors;
using Hybrid.Tests.TestDomain;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Xunit.Abstractions;

namespace Hybrid.Tests.Integration.Routing;

using static Eventually;

/// <summary>Moving a tenant between the databases of two clusters while commands keep coming.</summary>
[Collection(TwoClustersCollection.Name)]
public sealed class TenantMoveTests(TwoClusters clusters, ITestOutputHelper output)
{
    private IHost Host(TenancyMap map, PostgresDatabase[] databases)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddLogging(logging => logging.AddProvider(new TestOutputLoggerProvider(output, "n1")));
        builder.Services.AddHybrid(hybrid =>
        {
            hybrid.UsePostgresDatabases(map, databases);
            hybrid.AddProcessor(TestProcessors.Invoicer());
            hybrid.ProcessorOptions.NodeId = "n1";
            hybrid.ProcessorOptions.LeaseDuration = TimeSpan.FromSeconds(3);
            hybrid.ProcessorOptions.RebalanceInterval = TimeSpan.FromMilliseconds(300);
            hybrid.ProcessorOptions.PollInterval = TimeSpan.FromMilliseconds(300);
        });
        return builder.Build();
    }

    private static async Task<long> Rows(PostgresDatabase database, string tenant)
    {
        await using var connection = new NpgsqlConnection(database.MigrationConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT (SELECT count(*) FROM hybrid.events WHERE tenant_id = @t) + (SELECT count(*) FROM hybrid.checkpoints WHERE tenant_id = @t)", connection);
        command.Parameters.AddWithValue("t", tenant);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task a_move_under_steady_command_load_loses_and_duplicates_nothing_keeps_positions_and_checkpoints_and_reports_the_pause()
    {
        var databases = await clusters.NewDatabasesAsync("move_load");
        var map = new TenancyMap(["a", "b"], new Dictionary<string, string> { ["t1"] = "a", ["t2"] = "a" });
        using var host = Host(map, databases);
        var store = host.Services.GetRequiredService<IEventStore>();
        var routes = host.Services.GetRequiredService<RoutingEventStore>();
        await host.StartAsync();
        var placed = new ConcurrentDictionary<string, ConcurrentBag<string>>();
        using var stop = new CancellationTokenSource();
        async Task Load(string tenant)
        {
            for (var i = 1; !stop.IsCancellationRequested; i++)
            {
                await ProcessingDatabase.PlaceOrder(store, tenant, $"{tenant}-o{i}");
                placed.GetOrAdd(tenant, _ => []).Add($"{tenant}-o{i}");
                await Task.Delay(2);
            }
        }
        try
        {
            var load = new[] { Task.Run(() => Load("t1")), Task.Run(() => Load("t2")) };
            await Until(() => Task.FromResult(placed.GetValueOrDefault("t1")?.Count > 40), "some orders are placed");
            await Until(async () => (await store.ReadCheckpoint("t1", "invoicer", default)).Position > 0, "the processor has started on t1");

            var report = await new PostgresTenantMove(routes, databases).MoveAsync("t1", "b");
            output.WriteLine($"moved {report.Rows.Values.Sum()} rows ({string.Join(", ", report.Rows.Select(r => $"{r.Key} {r.Value}"))}); writes held {report.Pause.TotalMilliseconds:F1} ms");
            Assert.Equal("b", await map.DatabaseOf("t1", default));
            Assert.True(report.Pause > TimeSpan.Zero);
            Assert.True(report.Rows["events"] > 40);

            var afterMove = placed["t1"].Count;
            await Until(() => Task.FromResult(placed["t1"].Count > afterMove + 20), "orders keep coming after the move");
            await stop.CancelAsync();
            await Task.WhenAll(load);

            foreach (var tenant in new[] { "t1", "t2" })
            {
                var orders = placed[tenant].ToArray();
                await Until(async () => TestProcessors.OrdersOf(await store.Read(tenant, EventQuery.OfTypes(Ordering.Types.InvoiceIssued), default)).Length >= orders.Length,
                    $"every order of {tenant} is invoiced");
                var log = await store.Read(tenant, EventQuery.All, default);
                Assert.Equal(Enumerable.Range(1, log.Length).Select(i => (long)i), log.Select(e => e.Position));
                Assert.Equal(log.Length, log.Select(e => e.Id).Distinct().Count());
                var placedInLog = log.Where(e => e.Type == Ordering.Types.OrderPlaced).ToArray();
                Assert.Equal(orders.Order(), TestProcessors.OrdersOf(placedInLog).Order());
                var invoiced = TestProcessors.OrdersOf(log.Where(e => e.Type == Ordering.Types.InvoiceIssued));
                Assert.Equal(orders.Order(), invoiced.Order());
                var checkpoint = await store.ReadCheckpoint(tenant, "invoicer", default);
                Assert.True(checkpoint.Position >= placedInLog[^1].Position, $"{tenant}: checkpoint {checkpoint.Position} is behind the last order");
            }
            Assert.Equal(0, await Rows(databases[0], "t1"));
            Assert.True(await Rows(databases[1], "t1") > 0);
            Assert.Equal(0, await Rows(databases[1], "t2"));
            Assert.True((await store.ReadCheckpoint("t1", "invoicer", default)).Fence > 1, "the lease in the new database was granted with a higher fencing token");
        }
        finally
        {
            await stop.CancelAsync();
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task a_move_to_an_unreachable_database_rolls_back_and_the_tenant_keeps_writing_where_it_was()
    {
        var databases = await clusters.NewDatabasesAsync("move_unreachable");
        var map = new TenancyMap(["a", "b"], new Dictionary<string, string> { ["t1"] = "a" });
        var routes = new RoutingEventStore(map, PostgresTenantDatabases.Create(databases, new PostgresHybridOptions(), TimeProvider.System));
        await using var _ = routes.Databases;
        await ProcessingDatabase.PlaceOrder(routes, "t1", "o1");
        await clusters.B.StopAsync();
        try
        {
            await Assert.ThrowsAsync<StoreUnavailableException>(() => new PostgresTenantMove(routes, databases).MoveAsync("t1", "b"));
            Assert.Equal("a", await map.DatabaseOf("t1", default));
            Assert.False(routes.Gate.IsPaused("t1"));
            await ProcessingDatabase.PlaceOrder(routes, "t1", "o2");
            Assert.Equal(2, (await routes.Read("t1", EventQuery.All, default)).Length);
        }
        finally { await clusters.B.RestartAsync(); }
    }

    [Fact]
    public async Task running_an_interrupted_move_again_removes_its_leftovers_in_the_target_and_completes()
    {
        var databases = await clusters.NewDatabasesAsync("move_resume");
        var map = new TenancyMap(["a", "b"], new Dictionary<string, string> { ["t1"] = "a" });
        var routes = new RoutingEventStore(map, PostgresTenantDatabases.Create(databases, new PostgresHybridOptions(), TimeProvider.System));
        await using var _ = routes.Databases;
        for (var i = 1; i <= 5; i++) await ProcessingDatabase.PlaceOrder(routes, "t1", $"o{i}");
        var before = await routes.Read("t1", EventQuery.All, default);
        await routes.Databases.Open("b", default);
        await using (var target = new NpgsqlConnection(databases[1].MigrationConnectionString))
        {
            // What a move that died after committing its copy but before switching the route leaves behind (a partial copy here).
            await target.OpenAsync();
            await using var insert = new NpgsqlCommand("INSERT INTO hybrid.checkpoints (tenant_id, processor, position, fence) VALUES ('t1', 'stale', 3, 1)", target);
            await insert.ExecuteNonQueryAsync();
        }

        var report = await new PostgresTenantMove(routes, databases).MoveAsync("t1", "b");

        Assert.Equal(1, report.LeftoversRemoved);
        Assert.Equal(5, report.Rows["events"]);
        var after = await routes.Read("t1", EventQuery.All, default);
        Assert.Equal(before.Select(e => (e.Id, e.Position, e.StreamVersion, e.Timestamp, e.Type)), after.Select(e => (e.Id, e.Position, e.StreamVersion, e.Timestamp, e.Type)));
        Assert.Equal(0L, (await routes.ReadCheckpoint("t1", "stale", default)).Position);
        await ProcessingDatabase.PlaceOrder(routes, "t1", "o6");
        Assert.Equal(6L, (await routes.GetHead("t1", default)));
    }

    private static async Task<long> KeyRows(PostgresDatabase database, string tenant)
    {
        await using var connection = new NpgsqlConnection(database.MigrationConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM hybrid.subject_keys WHERE tenant_id = @t", connection);
        command.Parameters.AddWithValue("t", tenant);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task a_move_takes_the_tenants_subject_keys_so_its_personal_values_still_open_and_forgetting_acts_in_the_new_database()
    {
        var databases = await clusters.NewDatabasesAsync("move_keys");
        var map = new TenancyMap(["a", "b"], new Dictionary<string, string> { ["t1"] = "a", ["t2"] = "a" });
        var routes = new RoutingEventStore(map, PostgresTenantDatabases.Create(databases, new PostgresHybridOptions(), TimeProvider.System));
        await using var _ = routes.Databases;
        var policy = new PersonalDataPolicy([PersonalData.declare("CustomerRegistered", "customerId", ["email"])]);
        var shredding = new CryptoShreddingEventStore(routes, policy, new RoutingSubjectKeyStore(routes), Hybrid.Shell.Ids.UuidV7IdSource.System);
        EventData Registered(string customer, string email) =>
            new("CustomerRegistered", [], $"customer-{customer}", $$"""{"customerId":"{{customer}}","email":"{{email}}"}""", 1);
        string[] Emails(RecordedEvent[] events) => events.Where(e => e.Type == "CustomerRegistered")
            .Select(e => System.Text.Json.JsonDocument.Parse(e.Body).RootElement.GetProperty("email").GetString() ?? "(redacted)").ToArray();
        await shredding.Append(AppendRequest.Of("t1", Conformance.TestEvents.Propose(Registered("c1", "ann@example.com"), Registered("c2", "bob@example.com"))), default);
        await shredding.Append(AppendRequest.Of("t2", Conformance.TestEvents.Propose(Registered("c1", "zed@example.com"))), default);

        await new PostgresTenantMove(routes, databases).MoveAsync("t1", "b");

        Assert.Equal((0L, 2L, 1L), (await KeyRows(databases[0], "t1"), await KeyRows(databases[1], "t1"), await KeyRows(databases[0], "t2")));
        Assert.Equal(["ann@example.com", "bob@example.com"], Emails(await shredding.Read("t1", EventQuery.All, default)));
        Assert.IsType<ForgetResult.Forgotten>(await shredding.ForgetSubject("t1", "c1", "erasure", default));
        Assert.Equal(["(redacted)", "bob@example.com"], Emails(await shredding.Read("t1", EventQuery.All, default)));
        Assert.Equal(1L, await KeyRows(databases[1], "t1"));
        Assert.Equal(["zed@example.com"], Emails(await shredding.Read("t2", EventQuery.All, default)));
    }
}
