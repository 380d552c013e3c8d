using Hybrid.Shell.Hosting;
using Hybrid.Shell.Postgres.Routing;
using Hybrid.Shell.Processors;
using Hybrid.Shell.Routing;
using Hybrid.Shell.Stores;
using Hybrid.Tests.Integration.Hosting;
using Hybrid.Tests.Integration.Processors;
using Hybrid.Tests.TestDomain;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace Hybrid.Tests.Integration.Routing;

using static Eventually;

/// <summary>
/// Hosts wired with <c>UsePostgresDatabases</c> over a database on each of two clusters: a processor host per database
/// with its own leases, fair sharing per database, and one database's outage degrading only its tenants.
/// </summary>
[Collection(TwoClustersCollection.Name)]
public sealed class DatabaseProcessorHostsTests(TwoClusters clusters, ITestOutputHelper output)
{
    private static readonly Dictionary<string, string> Tenants = new() { ["t1"] = "a", ["t2"] = "a", ["t3"] = "b", ["t4"] = "b" };

    private IHost Host(TenancyMap map, PostgresDatabase[] databases, string node)
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
            hybrid.ProcessorOptions.PollInterval = TimeSpan.FromMilliseconds(500);
        });
        return builder.Build();
    }

    private static async Task<int> Invoiced(IEventStore store, string tenant) =>
        (await store.Read(tenant, EventQuery.OfTypes(Ordering.Types.InvoiceIssued), default)).Length;

    private static int Held(IHost host, string database) =>
        host.Services.GetRequiredService<ProcessorHosts>().ByPartition[database].HeldResources.Count;

    [Fact]
    public async Task each_database_gets_a_processor_host_whose_leases_live_in_it_and_two_nodes_share_each_database_fairly()
    {
        var databases = await clusters.NewDatabasesAsync("hosts_fair");
        var map = new TenancyMap(["a", "b"], Tenants);
        using var n1 = Host(map, databases, "n1");
        using var n2 = Host(map, databases, "n2");
        var store = n1.Services.GetRequiredService<IEventStore>();
        foreach (var tenant in Tenants.Keys) await ProcessingDatabase.PlaceOrder(store, tenant, $"{tenant}-o1");
        await n1.StartAsync();
        await n2.StartAsync();
        try
        {
            Assert.Equal(["a", "b"], n1.Services.GetRequiredService<ProcessorHosts>().ByPartition.Keys.Order());
            await Until(async () => (await Task.WhenAll(Tenants.Keys.Select(t => Invoiced(store, t)))).All(n => n == 1), "every tenant's order is invoiced");
            await Until(() => Task.FromResult(new[] { Held(n1, "a"), Held(n1, "b"), Held(n2, "a"), Held(n2, "b") }.All(n => n == 1)),
                "each node holds one lease in each database");
            var routes = n1.Services.GetRequiredService<RoutingEventStore>();
            var inA = await (await routes.Databases.Open("a", default)).Leases.List("processor/", default);
            var inB = await (await routes.Databases.Open("b", default)).Leases.List("processor/", default);
            Assert.Equal(["processor/invoicer/tenant:t1", "processor/invoicer/tenant:t2"], inA.Select(l => l.Resource).Order());
            Assert.Equal(["processor/invoicer/tenant:t3", "processor/invoicer/tenant:t4"], inB.Select(l => l.Resource).Order());
        }
        finally
        {
            await n1.StopAsync();
            await n2.StopAsync();
        }
    }

    [Fact]
    public async Task losing_one_cluster_fails_only_its_tenants_as_unavailable_and_they_recover_without_a_restart()
    {
        var databases = await clusters.NewDatabasesAsync("hosts_outage");
        var map = new TenancyMap(["a", "b"], Tenants);
        using var node = Host(map, databases, "n1");
        var store = node.Services.GetRequiredService<IEventStore>();
        foreach (var tenant in Tenants.Keys) await ProcessingDatabase.PlaceOrder(store, tenant, $"{tenant}-o1");
        await node.StartAsync();
        try
        {
            await Until(async () => await Invoiced(store, "t1") == 1 && await Invoiced(store, "t3") == 1, "the first orders are invoiced");

            await clusters.B.StopAsync();
            var error = await Assert.ThrowsAsync<StoreUnavailableException>(() => ProcessingDatabase.PlaceOrder(store, "t3", "t3-o2"));
            Assert.Contains("Tenant 't3'", error.Message);
            Assert.Contains("database 'b'", error.Message);
            await ProcessingDatabase.PlaceOrder(store, "t1", "t1-o2");
            await Until(async () => await Invoiced(store, "t1") == 2, "tenant t1 on the surviving database goes on");
            Assert.Equal(["t1", "t2"], await store.GetTenants(default));

            await clusters.B.RestartAsync();
            await Until(async () =>
            {
                try { await ProcessingDatabase.PlaceOrder(store, "t3", "t3-o2"); return true; }
                catch (Exception e) when (StoreFailures.IsUnavailable(e)) { return false; }
            }, "tenant t3 accepts writes again once its cluster is back");
            await Until(async () => await Invoiced(store, "t3") == 2, "tenant t3's processor catches up without a restart");
            Assert.Equal(["t1", "t2", "t3", "t4"], await store.GetTenants(default));
        }
        finally
        {
            await clusters.B.RestartAsync();
            await node.StopAsync();
        }
    }
}
