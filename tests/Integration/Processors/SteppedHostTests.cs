using Hybrid.Shell.Processors;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hybrid.Tests.Integration.Processors;

/// <summary>A host with RunInBackground off moves only when stepped: what a deterministic simulation relies on.</summary>
public sealed class SteppedHostTests
{
    private static ProcessorOptions Stepped(ProcessorBed bed, string node)
    {
        var options = bed.Options(node);
        options.RunInBackground = false;
        return options;
    }

    [Fact]
    public async Task a_stepped_host_claims_then_handles_one_event_per_step_and_writes_the_checkpoint_when_the_batch_is_done()
    {
        await using var bed = new ProcessorBed();
        await bed.Place("acme", ("o1", false), ("o2", false), ("o3", false));
        await using var host = new TodoProcessorHost(bed.Runtime(Stepped(bed, "node-a")), [TestProcessors.Invoicer()]);
        await host.StartAsync(default);
        var name = TestProcessors.Invoicer().Name;

        Assert.False(await host.StepAsync(name, "acme", default)); // no lease before the first rebalance
        await host.Rebalance(default);
        Assert.True(await host.StepAsync(name, "acme", default)); // claims the checkpoint
        Assert.Empty(await bed.Invoices("acme"));
        Assert.True(await host.StepAsync(name, "acme", default));
        Assert.Equal(["o1"], TestProcessors.OrdersOf(await bed.Invoices("acme")));
        Assert.True(await host.StepAsync(name, "acme", default));
        Assert.True(await host.StepAsync(name, "acme", default));
        Assert.Equal(["o1", "o2", "o3"], TestProcessors.OrdersOf(await bed.Invoices("acme")));
        Assert.False(await host.StepAsync(name, "acme", default)); // caught up: nothing more until new events

        await bed.Place("acme", ("o4", false));
        Assert.True(await host.StepAsync(name, "acme", default));
        Assert.Equal(["o1", "o2", "o3", "o4"], TestProcessors.OrdersOf(await bed.Invoices("acme")));
    }

    [Fact]
    public async Task a_stepped_host_paused_past_its_lease_writes_nothing_once_another_host_took_the_tenant()
    {
        await using var bed = new ProcessorBed();
        await bed.Place("acme", ("o1", false), ("o2", false));
        var processor = TestProcessors.Invoicer();
        await using var first = new TodoProcessorHost(bed.Runtime(Stepped(bed, "node-a")), [processor]);
        await first.Rebalance(default);
        Assert.True(await first.StepAsync(processor.Name, "acme", default)); // claimed with the first token

        bed.Clock.Advance(TimeSpan.FromMinutes(1)); // node-a's lease expires while it is paused
        await using var second = new TodoProcessorHost(bed.Runtime(Stepped(bed, "node-b")), [processor]);
        await second.Rebalance(default);
        while (await second.StepAsync(processor.Name, "acme", default)) { }

        // Its repeated emits are recognised by their ids and write nothing; its checkpoint write is refused and the run ends.
        var steps = 0;
        while (await first.StepAsync(processor.Name, "acme", default)) Assert.True(++steps < 10, "The paused host kept stepping.");
        Assert.False(await first.StepAsync(processor.Name, "acme", default));
        Assert.Equal(["o1", "o2"], TestProcessors.OrdersOf(await bed.Invoices("acme")));
        var checkpoint = await bed.Store.ReadCheckpoint("acme", processor.Name, default);
        Assert.Equal(2, checkpoint.Position);
        Assert.True(checkpoint.Fence > 1, $"The checkpoint is fenced by token {checkpoint.Fence}, not by node-b's.");
    }

    [Fact]
    public async Task two_nodes_share_the_leases_of_several_processors_even_with_a_single_tenant()
    {
        await using var bed = new ProcessorBed();
        await bed.Place("acme", ("o1", false));
        TodoProcessor[] processors = [TestProcessors.Invoicer(), Tests.TestDomain.Ordering.mailer];
        await using var first = new TodoProcessorHost(bed.Runtime(Stepped(bed, "node-a")), processors);
        await using var second = new TodoProcessorHost(bed.Runtime(Stepped(bed, "node-b")), processors);

        await first.Rebalance(default);
        Assert.Equal(2, first.HeldResources.Count); // alone, it takes both
        await second.Rebalance(default);
        await first.Rebalance(default); // sees node-b and hands over its excess
        await second.Rebalance(default);

        Assert.Single(first.HeldResources);
        Assert.Single(second.HeldResources);
        Assert.Empty(first.HeldResources.Intersect(second.HeldResources));
    }

    [Fact]
    public async Task stepping_a_host_that_runs_in_the_background_is_refused_naming_the_option()
    {
        await using var bed = new ProcessorBed();
        await using var host = new TodoProcessorHost(bed.Runtime(bed.Options("node-a")), [TestProcessors.Invoicer()]);

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StepAsync("invoicer", "acme", default));

        Assert.Contains("RunInBackground", refused.Message);
    }
}
