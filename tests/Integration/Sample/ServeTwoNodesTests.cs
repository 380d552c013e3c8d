using System.Net;
using Hybrid.Sample;
using Hybrid.Shell.Processors;
using Hybrid.Tests.Integration.Postgres;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;
using static Hybrid.Tests.Integration.Hosting.Eventually;

namespace Hybrid.Tests.Integration.Sample;

/// <summary>Two `serve` nodes on one PostgreSQL database share the processors through leases, on real time.</summary>
public sealed class ServeTwoNodesTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly string[] Tenants = ["t1", "t2", "t3", "t4"];
    private readonly DirectoryInfo _temp = Directory.CreateTempSubdirectory("hybrid-serve-nodes-");
    private readonly List<RunningSampleServer> _servers = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var server in _servers) await server.DisposeAsync();
        _temp.Delete(recursive: true);
    }

    private async Task<RunningSampleServer> Start(string database, string node)
    {
        var server = await RunningSampleServer.StartAsync(database, node, Path.Combine(_temp.FullName, node), output, RunningSampleServer.QuickLeases);
        _servers.Add(server);
        return server;
    }

    private static async Task BillingComesDue(IEventStore store, string period)
    {
        foreach (var tenant in Tenants)
        {
            var due = Billing.Events.encode(Billing.Events.Event.NewBillingDue(new Billing.Events.Due(period)));
            await store.Append(AppendRequest.Of(tenant, new ProposedEvent(Guid.CreateVersion7(), due, EventMetadata.Empty)), default);
        }
    }

    private static int Held(RunningSampleServer server) => server.Web.Services.GetRequiredService<TodoProcessorHost>().HeldResources.Count;

    private static (string Tenant, string Invoice)[] Charges(params RunningSampleServer[] servers) =>
        servers.SelectMany(s => s.Effects).Where(e => e.Intent.Kind == Effects.ChargeCard)
            .Select(e => (e.Tenant, Assert.IsType<Effects.Charge>(e.Intent.Payload).InvoiceId)).ToArray();

    private static (string Tenant, string Invoice)[] Expected(params string[] periods) =>
        Tenants.SelectMany(t => periods.Select(p => (t, $"INV-{p}"))).Order().ToArray();

    [Fact]
    public async Task two_nodes_share_the_processors_and_each_invoice_is_charged_exactly_once_across_a_graceful_handover()
    {
        var database = await PostgresTestServer.CreateDatabaseAsync("hybrid_serve_nodes");
        var a = await Start(database, "serve-a");
        var b = await Start(database, "serve-b");
        var resources = Tenants.Length * Definitions.hostedProcessors.Length;

        for (var i = 0; i < Tenants.Length; i++)
        {
            var invited = await (i % 2 == 0 ? a : b).Post("/commands/InviteCustomer",
                new { customerId = $"c-{i}", email = $"customer{i}@example.com" }, Tenants[i], "ann", "admin");
            Assert.Equal(HttpStatusCode.OK, invited.Status);
        }
        await BillingComesDue(a.Store, "2026-01");
        await Until(() => Task.FromResult(Held(a) + Held(b) == resources && Held(a) > 0 && Held(b) > 0),
            "both nodes hold a share of the processors' leases");
        await Until(() => Task.FromResult(Charges(a, b).Length >= Tenants.Length), "every tenant's January invoice is charged");

        await a.StopAsync();
        await BillingComesDue(b.Store, "2026-02");
        await Until(() => Task.FromResult(Held(b) == resources), "the stopped node's leases move to the other");
        await Until(() => Task.FromResult(Charges(a, b).Length >= 2 * Tenants.Length), "every tenant's February invoice is charged");
        await b.StopAsync();

        Assert.Equal(Expected("2026-01", "2026-02"), Charges(a, b).Order());
        Assert.Equal(Expected("2026-02"), Charges(b).Where(c => c.Invoice == "INV-2026-02").Order());
        foreach (var tenant in Tenants)
            Assert.Equal(2, (await b.Store.Read(tenant, EventQuery.OfTypes("InvoiceIssued"), default)).Length);
        var emailed = a.Effects.Concat(b.Effects).Where(e => e.Intent.Kind == Effects.SendEmail)
            .Select(e => (e.Tenant, Assert.IsType<Emails.Email>(e.Intent.Payload).To)).Distinct().Order();
        Assert.Equal(Tenants.Select((t, i) => (t, $"customer{i}@example.com")), emailed);
    }
}
