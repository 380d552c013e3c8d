using Hybrid.Tests.TestDomain;

namespace Hybrid.Tests.Integration.Processors;

public sealed class EmitTests
{
    private static TodoProcessor Invoicer => Ordering.invoicer(Microsoft.FSharp.Core.FuncConvert.FromFunc(() => false));

    private static string[] OrdersOf(RecordedEvent[] invoices) =>
        invoices.Select(i => System.Text.Json.JsonDocument.Parse(i.Body).RootElement.GetProperty("order").GetString()!).ToArray();

    [Fact]
    public async Task each_source_event_is_emitted_for_exactly_once_in_order_and_the_checkpoint_reaches_it()
    {
        await using var bed = new ProcessorBed();
        await bed.Place("acme", [.. Enumerable.Range(1, 10).Select(i => ($"o{i}", false))]);
        await bed.Node(Invoicer);

        await bed.Until(async () => (await bed.Invoices("acme")).Length == 10, "ten invoices exist");
        var invoices = await bed.Invoices("acme");
        Assert.Equal(Enumerable.Range(1, 10).Select(i => $"o{i}"), OrdersOf(invoices));
        Assert.All(invoices, i => Assert.StartsWith("processor:invoicer", i.Metadata.Actor));
        var checkpoint = await bed.Store.ReadCheckpoint("acme", "invoicer", default);
        Assert.Equal(10, checkpoint.Position);
    }

    [Fact]
    public async Task a_restarted_node_resumes_from_the_checkpoint_without_emitting_twice()
    {
        await using var bed = new ProcessorBed();
        await bed.Place("acme", ("o1", false), ("o2", false), ("o3", false));
        var first = await bed.Node(Invoicer);
        await bed.Until(async () => (await bed.Invoices("acme")).Length == 3, "three invoices exist");
        await first.StopAsync(default);

        await bed.Place("acme", ("o4", false), ("o5", false));
        await bed.Node(Invoicer);
        await bed.Until(async () => (await bed.Invoices("acme")).Length == 5, "five invoices exist");
        await bed.Until(async () => (await bed.Store.ReadCheckpoint("acme", "invoicer", default)).Position == 8, "the checkpoint covers the last order");

        Assert.Equal(["o1", "o2", "o3", "o4", "o5"], OrdersOf(await bed.Invoices("acme")));
    }

    [Fact]
    public async Task a_crash_mid_batch_then_restart_loses_nothing_and_duplicates_nothing()
    {
        await using var bed = new ProcessorBed();
        await bed.Place("acme", [.. Enumerable.Range(1, 9).Select(i => ($"o{i}", false))]);
        var node = await bed.Node(Invoicer);
        await bed.Until(async () => (await bed.Invoices("acme")).Length >= 3, "some invoices exist");
        await node.CrashAsync();

        await bed.Place("acme", ("o10", false));
        bed.Clock.Advance(TimeSpan.FromSeconds(31)); // the crashed node's lease expires
        await bed.Node(Invoicer);
        await bed.Until(async () => (await bed.Invoices("acme")).Length >= 10, "ten invoices exist");
        await bed.Until(async () => (await bed.Store.ReadCheckpoint("acme", "invoicer", default)).Position >= 19, "the checkpoint reaches the head");

        var orders = OrdersOf(await bed.Invoices("acme"));
        Assert.Equal(Enumerable.Range(1, 10).Select(i => $"o{i}"), orders);
    }

    [Fact]
    public async Task rebuilding_from_zero_handles_every_event_again_without_duplicating_emits()
    {
        await using var bed = new ProcessorBed();
        await bed.Place("acme", ("o1", false), ("o2", false));
        var handled = 0;
        var invoicer = Invoicer;
        var counting = invoicer.WithHandler((c, e) =>
        {
            Interlocked.Increment(ref handled);
            return Microsoft.FSharp.Core.FSharpFunc<ProcessorContext, RecordedEvent>.InvokeFast(invoicer.Handle, c, e);
        });
        var node = await bed.Node(counting);
        await bed.Until(async () => (await bed.Store.ReadCheckpoint("acme", "invoicer", default)).Position == 2, "the checkpoint is at the last order");

        Assert.True(await node.Rebuild("invoicer", "acme", default));
        await bed.Until(() => Volatile.Read(ref handled) == 4, "both orders are handled again");
        await bed.Until(async () => (await bed.Store.ReadCheckpoint("acme", "invoicer", default)).Position == 2, "the rebuild is checkpointed");

        Assert.Equal(["o1", "o2"], OrdersOf(await bed.Invoices("acme")));
    }

    [Fact]
    public async Task tenants_are_processed_independently()
    {
        await using var bed = new ProcessorBed();
        await bed.Place("acme", ("a1", false));
        await bed.Place("globex", ("g1", false), ("g2", false));
        await bed.Node(Invoicer);
        await bed.Until(async () => (await bed.Invoices("acme")).Length == 1 && (await bed.Invoices("globex")).Length == 2, "both tenants are invoiced");
        Assert.Equal(["a1"], OrdersOf(await bed.Invoices("acme")));
        Assert.Equal(["g1", "g2"], OrdersOf(await bed.Invoices("globex")));
    }
}
