using System.Collections.Concurrent;
using Hybrid.InMemory.Processors;
using Hybrid.Shell.Commands;
using Hybrid.Shell.Hosting;
using Hybrid.Shell.Queries;
using Hybrid.Shell.ReadModels;
using Hybrid.Shell.Processors;
using Hybrid.Tests.TestDomain;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace Hybrid.Tests.Integration.Hosting;

public sealed class AddHybridTests
{
    private static IHost Build(FakeTimeProvider clock, ConcurrentQueue<string> mailed)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddSingleton<TimeProvider>(clock);
        builder.Services.AddLogging();
        #region sample_add_hybrid
        builder.Services.AddHybrid(hybrid =>
        {
            hybrid.UseInMemory();
            hybrid.AddProcessor(Ordering.invoicer(Microsoft.FSharp.Core.FuncConvert.FromFunc(() => false)));
            hybrid.AddProcessor(Ordering.mailer);
            hybrid.AddPeriodicTask(Ordering.nightlySummary);
            hybrid.AddEffectHandler(Ordering.Effects.Mail, (effect, ct) =>
            {
                mailed.Enqueue((string)effect.Intent.Payload);
                return Task.CompletedTask;
            });
            hybrid.ProcessorOptions.NodeId = "node-a";
        });
        #endregion
        return builder.Build();
    }

    private static async Task Until(FakeTimeProvider clock, Func<Task<bool>> condition, string what)
    {
        for (var i = 0; i < 500; i++)
        {
            if (await condition()) return;
            clock.Advance(TimeSpan.FromMilliseconds(200));
            await Task.Delay(10);
        }
        Assert.Fail($"Timed out waiting until {what}.");
    }

    [Fact]
    public async Task a_host_runs_processors_and_effects_reports_health_and_stops_releasing_its_leases()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 6, 1, 8, 0, 0, TimeSpan.Zero));
        var mailed = new ConcurrentQueue<string>();
        using var host = Build(clock, mailed);
        var store = host.Services.GetRequiredService<IEventStore>();
        await store.Append(AppendRequest.Of("acme", new ProposedEvent(Guid.CreateVersion7(), Ordering.orderPlaced("o1", false), EventMetadata.Empty)), default);

        await host.StartAsync();
        await Until(clock, () => Task.FromResult(mailed.Contains("o1")), "the invoice is mailed");
        var health = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        Assert.Equal(HealthStatus.Healthy, health.Status);
        Assert.Equal(2, host.Services.GetRequiredService<TodoProcessorHost>().HeldResources.Count);
        Assert.Equal(2, RegistryModule.ofKind(DefinitionKind.Processor, host.Services.GetRequiredService<global::Hybrid.Registry>()).Length);

        await host.StopAsync();
        var leases = await host.Services.GetRequiredService<ILeaseStore>().List("", default);
        Assert.Empty(leases);
        Assert.Equal(HealthStatus.Unhealthy, (await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync()).Status);
        var invoices = await store.Read("acme", EventQuery.OfTypes(Ordering.Types.InvoiceIssued), default);
        Assert.Equal(invoices.Single().Position, (await store.ReadCheckpoint("acme", "mailer", default)).Position);
    }

    [Fact]
    public async Task a_hosted_process_manager_gets_its_deadline_fired_by_the_background_scheduler()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 6, 1, 8, 0, 0, TimeSpan.Zero));
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddSingleton<TimeProvider>(clock);
        builder.Services.AddLogging();
        builder.Services.AddHybrid(hybrid =>
        {
            hybrid.UseInMemory();
            hybrid.AddProcessManager(Processors.ProcessManagerTests.PaymentTimeout(TimeSpan.FromMinutes(30)));
            hybrid.ProcessorOptions.NodeId = "node-a";
        });
        using var host = builder.Build();
        var store = host.Services.GetRequiredService<IEventStore>();
        await store.Append(AppendRequest.Of("acme", new ProposedEvent(Guid.CreateVersion7(), Ordering.orderPlaced("o1", false), EventMetadata.Empty)), default);

        await host.StartAsync();
        await Until(clock, async () => (await store.Read("acme", EventQuery.OfTypes(Deadlines.ScheduledType), default)).Length == 1, "the timeout is scheduled");
        clock.Advance(TimeSpan.FromMinutes(31));
        await Until(clock, async () => (await store.Read("acme", EventQuery.OfTypes("OrderCancelled"), default)).Length == 1, "the unpaid order is cancelled");
        await host.StopAsync();

        var fired = Assert.Single(await store.Read("acme", EventQuery.OfTypes(Deadlines.FiredType), default));
        Assert.True(fired.Timestamp >= new DateTimeOffset(2026, 6, 1, 8, 30, 0, TimeSpan.Zero));
        Assert.NotNull(host.Services.GetRequiredService<ITenantCatalogue>());
    }

    [Fact]
    public async Task adding_hybrid_for_a_registry_serves_its_commands_and_queries_through_its_upcasters_with_command_metrics()
    {
        // The catalogue's "Customer" query reads the "customers" model, which AddHybrid needs registered to serve it.
        var registry = global::Hybrid.WriteSide.addUpcaster(
            Upcaster.Of("Incremented", 1, e => e), WriteSideCatalog.registry).AddReadModel(Customers.readModel);
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddLogging();
        builder.Services.AddHybrid(registry, hybrid => hybrid.UseInMemory());
        using var host = builder.Build();
        var caller = new Caller("acme", "ann", [], "");

        var outcome = await host.Services.GetRequiredService<CommandProcessor>()
            .ExecuteJsonAsync(caller, "Increment", """{"counterId":"a","by":2}""");
        var written = Assert.Single(Assert.IsType<CommandOutcome.Accepted>(outcome).Item.Events);
        Assert.Equal(2, written.SchemaVersion);
        Assert.Equal(2, Assert.Single(await host.Services.GetRequiredService<IEventStore>().Read("acme", EventQuery.All, default)).SchemaVersion);

        var answer = await host.Services.GetRequiredService<QueryProcessor>().ExecuteJsonAsync(caller, "CounterTotal", """{"counterId":"a"}""");
        Assert.Contains("\"total\":2", JsonPayload.serialize(Assert.IsType<QueryOutcome.Answered>(answer).value));
        Assert.Contains(host.Services.GetServices<ICommandMiddleware>(), m => m is CommandMetricsMiddleware);
    }

    [Fact]
    public void adding_hybrid_without_stores_names_what_is_missing()
    {
        var services = new ServiceCollection();
        var error = Assert.Throws<InvalidOperationException>(() => services.AddHybrid(_ => { }));
        Assert.Contains("event store", error.Message);
    }
}
