using Hybrid.Shell.Hosting;
using Hybrid.Shell.Operations;
using Hybrid.Shell.Processors;
using Hybrid.Tests.Integration.Processors;
using Hybrid.Tests.TestDomain;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace Hybrid.Tests.Integration.Operations;

public sealed class PauseTests
{
    [Fact]
    public async Task a_running_node_gives_up_a_paused_processor_and_takes_it_again_after_the_resume()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 6, 1, 8, 0, 0, TimeSpan.Zero));
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddSingleton<TimeProvider>(clock);
        builder.Services.AddLogging();
        builder.Services.AddHybrid(hybrid =>
        {
            hybrid.UseInMemory();
            hybrid.AddProcessor(TestProcessors.Invoicer());
        });
        using var host = builder.Build();
        var store = host.Services.GetRequiredService<IEventStore>();
        var ops = host.Services.GetRequiredService<HybridOperations>();
        var node = host.Services.GetRequiredService<TodoProcessorHost>();
        async Task Order(string id) =>
            await store.Append(AppendRequest.Of("acme", new ProposedEvent(Guid.CreateVersion7(), Ordering.orderPlaced(id, false), EventMetadata.Empty)), default);
        async Task<int> Invoices() => (await store.Read("acme", EventQuery.OfTypes(Ordering.Types.InvoiceIssued), default)).Length;
        async Task Until(Func<Task<bool>> condition, string what)
        {
            for (var i = 0; i < 300; i++)
            {
                if (await condition()) return;
                clock.Advance(TimeSpan.FromMilliseconds(500));
                await Task.Delay(10);
            }
            Assert.Fail($"Timed out waiting until {what}.");
        }
        await Order("o1");
        await host.StartAsync();
        await Until(async () => await Invoices() == 1, "the first order is invoiced");

        await ops.Pause("invoicer", "acme", default);
        await Until(() => Task.FromResult(node.HeldResources.Count == 0), "the node gives the paused lease up");
        await Order("o2");
        for (var i = 0; i < 20; i++) { clock.Advance(TimeSpan.FromSeconds(1)); await Task.Delay(10); }
        Assert.Equal(1, await Invoices());
        Assert.True(Assert.Single(await ops.Lag("acme", default)).Lag >= 1);

        await ops.Resume("invoicer", "acme", default);
        await Until(async () => await Invoices() == 2, "the second order is invoiced after the resume");
        await host.StopAsync();
    }
}
