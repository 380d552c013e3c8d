using System.Collections.Concurrent;
using System.Diagnostics;
using Hybrid.Shell.Hosting;
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

/// <summary>Two nodes (two hosts with their own map copies and stores) sharing one catalogue, one of them moving a tenant while both write.</summary>
[Collection(TwoClustersCollection.Name)]
public sealed class TwoNodeTenantMoveTests(TwoClusters clusters, ITestOutputHelper output)
{
    private IHost Host(string node, PostgresTenancyMap map, PostgresDatabase[] databases)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddLogging(logging => logging.AddProvider(new TestOutputLoggerProvider(output, node)));
        builder.Services.AddHybrid(hybrid =>
        {
            hybrid.UsePostgresDatabases(map, databases);
            hybrid.AddProcessor(TestProcessors.Invoicer());
            hybrid.ProcessorOptions.NodeId = node;
            hybrid.ProcessorOptions.LeaseDuration = TimeSpan.FromSeconds(3);
            hybrid.ProcessorOptions.RebalanceInterval = TimeSpan.FromMilliseconds(300);
            hybrid.ProcessorOptions.PollInterval = TimeSpan.FromMilliseconds(300);
        });
        return builder.Build();
    }

    /// <summary>The tenant's rows of a table in one database, as text, in key order.</summary>
    private static async Task<string[]> RowsOf(PostgresDatabase database, string table, string order, string tenant)
    {
        await using var connection = new NpgsqlConnection(database.MigrationConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT r::text FROM hybrid.{table} r WHERE tenant_id = @t ORDER BY {order}", connection);
        command.Parameters.AddWithValue("t", tenant);
        var rows = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) rows.Add(reader.GetString(0));
        return [.. rows];
    }

    /// <summary>The read model the test folds from a log: each order with whether it is invoiced, and the last position folded.</summary>
    private static (string, long)[] Orders(RecordedEvent[] log) =>
        TestProcessors.OrdersOf(log.Where(e => e.Type == Ordering.Types.OrderPlaced))
            .Select(o => (o, TestProcessors.OrdersOf(log.Where(e => e.Type == Ordering.Types.InvoiceIssued)).Count(i => i == o) + 0L))
            .Append(("watermark", log.Length == 0 ? 0 : log[^1].Position)).ToArray();

    [Fact]
    public async Task a_move_by_one_node_while_two_nodes_write_loses_and_duplicates_nothing_and_the_target_equals_the_source()
    {
        var databases = await clusters.NewDatabasesAsync("move_two_nodes");
        await using var map1 = new PostgresTenancyMap(databases[0], ["a", "b"]);
        await using var map2 = new PostgresTenancyMap(databases[0], ["a", "b"]);
        await map1.Assign("t1", "a", default);
        await map1.Assign("t2", "a", default);
        using var node1 = Host("n1", map1, databases);
        using var node2 = Host("n2", map2, databases);
        await node1.StartAsync();
        await node2.StartAsync();
        var stores = new[] { node1.Services.GetRequiredService<IEventStore>(), node2.Services.GetRequiredService<IEventStore>() };
        var placed = new ConcurrentDictionary<string, ConcurrentBag<string>>();
        var slowest = new ConcurrentDictionary<string, long>();
        using var stop = new CancellationTokenSource();
        async Task Load(int node, string tenant)
        {
            for (var i = 1; !stop.IsCancellationRequested; i++)
            {
                var order = $"{tenant}-n{node}-o{i}";
                var watch = Stopwatch.StartNew();
                await ProcessingDatabase.PlaceOrder(stores[node], tenant, order);
                slowest.AddOrUpdate(tenant, watch.ElapsedMilliseconds, (_, old) => Math.Max(old, watch.ElapsedMilliseconds));
                placed.GetOrAdd(tenant, _ => []).Add(order);
                await Task.Delay(2);
            }
        }
        (string[] Events, string[] Checkpoints, (string, long)[] Model)? source = null, target = null;
        try
        {
            var load = new[] { Task.Run(() => Load(0, "t1")), Task.Run(() => Load(1, "t1")), Task.Run(() => Load(1, "t2")) };
            await Until(() => Task.FromResult(placed.GetValueOrDefault("t1")?.Count > 60), "some orders are placed");
            await Until(async () => (await stores[1].ReadCheckpoint("t1", "invoicer", default)).Position > 0, "the processor has started on t1");

            var routes = node1.Services.GetRequiredService<RoutingEventStore>();
            var move = new PostgresTenantMove(routes, databases)
            {
                // Fenced and copied: both sides are frozen here, so they must be equal row for row.
                AfterStep = step =>
                {
                    if (step != TenantMoveStep.Copied) return;
                    Task.Run(async () =>
                    {
                        var a = await (await routes.Databases.Open("a", default)).Store.Read("t1", EventQuery.All, default);
                        source = (await RowsOf(databases[0], "events", "position", "t1"), await RowsOf(databases[0], "checkpoints", "processor", "t1"), Orders(a));
                        var b = await (await routes.Databases.Open("b", default)).Store.Read("t1", EventQuery.All, default);
                        target = (await RowsOf(databases[1], "events", "position", "t1"), await RowsOf(databases[1], "checkpoints", "processor", "t1"), Orders(b));
                    }).GetAwaiter().GetResult();
                },
            };
            var report = await move.MoveAsync("t1", "b");
            output.WriteLine($"moved {report.Rows.Values.Sum()} rows ({string.Join(", ", report.Rows.Select(r => $"{r.Key} {r.Value}"))}); writes held {report.Pause.TotalMilliseconds:F1} ms");
            Assert.True(report.Pause > TimeSpan.Zero);
            Assert.NotNull(source);
            Assert.True(source.Value.Events.Length > 60);
            Assert.Equal(source.Value.Events, target!.Value.Events);
            Assert.Equal(source.Value.Checkpoints, target.Value.Checkpoints);
            Assert.NotEmpty(source.Value.Checkpoints);
            Assert.Equal(source.Value.Model, target.Value.Model);
            await Until(async () => await map2.DatabaseOf("t1", default) == "b", "the other node routes t1 to b");

            var afterMove = placed["t1"].Count;
            await Until(() => Task.FromResult(placed["t1"].Count > afterMove + 40), "orders keep coming from both nodes after the move");
            await stop.CancelAsync();
            await Task.WhenAll(load);
            output.WriteLine($"slowest write per tenant: {string.Join(", ", slowest.Select(s => $"{s.Key} {s.Value} ms"))}; " +
                $"fence refusals n1 {routes.Fenced.Refusals}, n2 {node2.Services.GetRequiredService<RoutingEventStore>().Fenced.Refusals}");

            foreach (var tenant in new[] { "t1", "t2" })
            {
                var orders = placed[tenant].ToArray();
                await Until(async () => TestProcessors.OrdersOf(await stores[0].Read(tenant, EventQuery.OfTypes(Ordering.Types.InvoiceIssued), default)).Length >= orders.Length,
                    $"every order of {tenant} is invoiced");
                foreach (var store in stores)
                {
                    var log = await store.Read(tenant, EventQuery.All, default);
                    Assert.Equal(Enumerable.Range(1, log.Length).Select(i => (long)i), log.Select(e => e.Position));
                    Assert.Equal(log.Length, log.Select(e => e.Id).Distinct().Count());
                    Assert.Equal(orders.Order(), TestProcessors.OrdersOf(log.Where(e => e.Type == Ordering.Types.OrderPlaced)).Order());
                    Assert.Equal(orders.Order(), TestProcessors.OrdersOf(log.Where(e => e.Type == Ordering.Types.InvoiceIssued)).Order());
                }
            }
            Assert.Equal(0, await InterruptedTenantMoveTests.Rows(databases[0], "t1"));
            Assert.Equal(0, await InterruptedTenantMoveTests.Rows(databases[1], "t2"));
        }
        finally
        {
            await stop.CancelAsync();
            await node1.StopAsync();
            await node2.StopAsync();
        }
    }

    [Fact]
    public async Task a_node_whose_map_still_points_at_the_old_database_after_a_move_is_refused_there_and_writes_nothing()
    {
        var databases = await clusters.NewDatabasesAsync("move_stale_node");
        await using var shared = new PostgresTenancyMap(databases[0], ["a", "b"]);
        await shared.Assign("t1", "a", default);
        var mover = new RoutingEventStore(shared, PostgresTenantDatabases.Create(databases, new PostgresHybridOptions(), TimeProvider.System));
        await using var _ = mover.Databases;
        await ProcessingDatabase.PlaceOrder(mover, "t1", "o1");
        // A node that never hears of the move: its own map says "a" for ever.
        var staleMap = new TenancyMap(["a", "b"], new Dictionary<string, string> { ["t1"] = "a" });
        var stale = new RoutingEventStore(staleMap, PostgresTenantDatabases.Create(databases, new PostgresHybridOptions(), TimeProvider.System))
        {
            Fenced = new FencedWrites(staleMap) { Patience = TimeSpan.FromMilliseconds(200) },
        };
        await using var __ = stale.Databases;

        await new PostgresTenantMove(mover, databases).MoveAsync("t1", "b");

        var refused = await Assert.ThrowsAsync<StoreUnavailableException>(() => ProcessingDatabase.PlaceOrder(stale, "t1", "o2"));
        Assert.True(StoreFailures.IsTenantFenced(refused));
        Assert.Contains("Tenant 't1'", refused.Message);
        await Assert.ThrowsAsync<StoreUnavailableException>(() => stale.WriteCheckpoint("t1", new CheckpointWrite("p", 1, 1), default));
        Assert.Equal(0, await InterruptedTenantMoveTests.Rows(databases[0], "t1"));
        Assert.Equal(1L, await mover.GetHead("t1", default));
    }
}
