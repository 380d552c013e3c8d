using System.Collections.Concurrent;
using Hybrid.Shell.Hosting;
using Hybrid.Shell.Postgres;
using Hybrid.Shell.Postgres.Processing;
using Hybrid.Shell.Processors;
using Hybrid.Tests.Integration.Postgres;
using Hybrid.Tests.Integration.Processors;
using Hybrid.Tests.TestDomain;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace Hybrid.Tests.Integration.Hosting;

using static Eventually;

/// <summary>Several hosts (separate service providers) against one PostgreSQL database, on real time.</summary>
public sealed class PostgresMultiHostTests(ITestOutputHelper output)
{
    private static readonly string[] Tenants = ["t1", "t2", "t3", "t4"];

    private IHost Host(PostgresEventStoreOptions options, string node, TodoProcessor processor)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddLogging(logging => logging.AddProvider(new TestOutputLoggerProvider(output, node)));
        builder.Services.AddHybrid(hybrid =>
        {
            hybrid.UsePostgres(options);
            hybrid.AddProcessor(processor);
            hybrid.ProcessorOptions.NodeId = node;
            hybrid.ProcessorOptions.LeaseDuration = TimeSpan.FromSeconds(3);
            hybrid.ProcessorOptions.RebalanceInterval = TimeSpan.FromMilliseconds(500);
            hybrid.ProcessorOptions.PollInterval = TimeSpan.FromSeconds(1);
            hybrid.ProcessorOptions.BatchSize = 16;
        });
        return builder.Build();
    }

    private static async Task Place(IEventStore store, int from, int count)
    {
        foreach (var tenant in Tenants)
            for (var i = from; i < from + count; i++)
                await ProcessingDatabase.PlaceOrder(store, tenant, $"{tenant}-o{i}");
    }


    private static async Task<bool> AllInvoiced(IEventStore store, int orders)
    {
        foreach (var tenant in Tenants)
            if ((await store.Read(tenant, EventQuery.OfTypes(Ordering.Types.InvoiceIssued), default)).Length < orders) return false;
        return true;
    }

    private static int Held(IHost host) => host.Services.GetRequiredService<TodoProcessorHost>().HeldResources.Count;

    [Fact]
    public async Task three_hosts_emit_each_output_once_never_move_checkpoints_back_and_hand_leases_over_on_stop_and_kill()
    {
        var (admin, store) = await ProcessingDatabase.CreateAsync("hybrid_hosts");
        await using var _ = store;
        var options = PostgresEventStoreOptions.ForAdmin(admin);
        await Place(store, 1, 5);

        var handledAt = new ConcurrentDictionary<Guid, DateTimeOffset>();
        var invoicer = TestProcessors.Around(TestProcessors.Invoicer(), e => handledAt.TryAdd(e.Id, DateTimeOffset.UtcNow));
        var hosts = new[] { Host(options, "a", invoicer), Host(options, "b", invoicer), Host(options, "c", invoicer) };
        using var monitoring = new CancellationTokenSource();
        var backwards = new ConcurrentBag<string>();
        var monitor = Task.Run(async () =>
        {
            var last = new Dictionary<string, long>();
            while (!monitoring.IsCancellationRequested)
            {
                foreach (var tenant in Tenants)
                {
                    var position = (await store.ReadCheckpoint(tenant, "invoicer", default)).Position;
                    if (position < last.GetValueOrDefault(tenant)) backwards.Add($"{tenant}: {last[tenant]} -> {position}");
                    last[tenant] = position;
                }
                await Task.Delay(20);
            }
        });
        try
        {
            foreach (var host in hosts) await host.StartAsync();
            await Place(store, 6, 5);
            await Until(() => AllInvoiced(store, 10), "ten orders per tenant are invoiced");
            await Until(() => Task.FromResult(hosts.Sum(Held) == 4 && hosts.All(h => Held(h) >= 1)), "every host holds a fair share");

            await hosts[0].StopAsync();
            await Place(store, 11, 5);
            await Until(() => Task.FromResult(Held(hosts[1]) + Held(hosts[2]) == 4), "the stopped host's leases move");
            await Until(() => AllInvoiced(store, 15), "fifteen orders per tenant are invoiced");

            await hosts[1].Services.GetRequiredService<TodoProcessorHost>().CrashAsync();
            await Place(store, 16, 5);
            await Until(() => Task.FromResult(Held(hosts[2]) == 4), "the killed host's leases move once they expire");
            await Until(() => AllInvoiced(store, 20), "twenty orders per tenant are invoiced");

            foreach (var tenant in Tenants)
            {
                var orders = TestProcessors.OrdersOf(await store.Read(tenant, EventQuery.OfTypes(Ordering.Types.InvoiceIssued), default));
                Assert.Equal(Enumerable.Range(1, 20).Select(i => $"{tenant}-o{i}").Order(), orders.Order());
            }
            Assert.Empty(backwards);
        }
        finally
        {
            await monitoring.CancelAsync();
            await monitor;
            foreach (var host in hosts)
            {
                await host.StopAsync();
                host.Dispose();
            }
        }
    }

    [Fact]
    public async Task append_to_handler_latency_through_listen_notify_is_reported()
    {
        var (admin, store) = await ProcessingDatabase.CreateAsync("hybrid_latency");
        await using var _ = store;
        var options = PostgresEventStoreOptions.ForAdmin(admin);
        await Place(store, 1, 1);
        var handledAt = new ConcurrentDictionary<Guid, DateTimeOffset>();
        using var host = Host(options, "solo", TestProcessors.Around(TestProcessors.Invoicer(), e => handledAt.TryAdd(e.Id, DateTimeOffset.UtcNow)));
        await host.StartAsync();
        await Until(() => AllInvoiced(store, 1), "the first orders are invoiced");

        var latencies = new List<double>();
        for (var i = 2; i <= 21; i++)
        {
            var placed = await ProcessingDatabase.PlaceOrder(store, "t1", $"t1-o{i}");
            await Until(() => Task.FromResult(handledAt.ContainsKey(placed.Id)), $"order {i} is handled");
            latencies.Add((handledAt[placed.Id] - placed.Timestamp).TotalMilliseconds);
        }
        await host.StopAsync();

        Assert.Equal(Enumerable.Range(1, 21).Select(i => $"t1-o{i}"),
            TestProcessors.OrdersOf(await store.Read("t1", EventQuery.OfTypes(Ordering.Types.InvoiceIssued), default)));
        latencies.Sort();
        output.WriteLine($"append -> handler latency over {latencies.Count} events: median {latencies[latencies.Count / 2]:F1} ms, max {latencies[^1]:F1} ms");
    }
}
