using System.Text.Json;
using Hybrid.Shell.Middleware;
using Hybrid.Tests.TestDomain;

namespace Hybrid.Tests.Integration.Processors;

/// <summary>Processors over an upcasting store: the parts of a split event are handled in order, each emitting once.</summary>
public sealed class UpcastProcessingTests
{
    /// <summary>v1 stored several orders in one event; they are now one OrderPlaced each.</summary>
    private static readonly Upcaster SplitBatches = Upcaster.Split("OrderBatchPlaced", 1, [Ordering.Types.OrderPlaced], batch =>
        JsonDocument.Parse(batch.Body).RootElement.GetProperty("orders").EnumerateArray()
            .Select(order => new RecordedEvent(batch.Id, batch.Tenant, batch.Position, batch.Stream, batch.StreamVersion, Ordering.Types.OrderPlaced,
                [$"order:{order.GetString()}"], EventBody.OfText(JsonSerializer.Serialize(new { order = order.GetString(), poison = false })), 2, batch.Metadata, batch.Timestamp))
            .ToArray());

    private static string Order(RecordedEvent e) => JsonDocument.Parse(e.Body).RootElement.GetProperty("order").GetString()!;

    [Fact]
    public async Task the_parts_of_a_split_event_are_each_handled_once_and_the_checkpoint_stays_on_stored_positions()
    {
        await using var bed = new ProcessorBed();
        var upcasting = new UpcastingEventStore(bed.Store, [SplitBatches]);
        var stored = await bed.Append("acme", EventData.Tagged("OrderBatchPlaced", """{"orders":["o1","o2"]}""", "batch:1"));
        await bed.Place("acme", ("o3", false));
        var invoicer = Ordering.invoicer(Microsoft.FSharp.Core.FuncConvert.FromFunc(() => true));
        var node = await bed.NodeOver(upcasting, invoicer);

        await bed.Until(async () => (await bed.Store.ReadCheckpoint("acme", "invoicer", default)).Position == 2, "both stored events are handled");

        var invoices = await bed.Invoices("acme");
        Assert.Equal(["o1", "o2", "o3"], invoices.Select(Order));
        Assert.Equal(3, invoices.Select(i => i.Id).Distinct().Count());
        Assert.Equal([stored[0].Id.ToString(), stored[0].Id.ToString()], invoices.Take(2).Select(i => i.Metadata.CausationId));

        Assert.True(await node.Rebuild("invoicer", "acme", default));
        await bed.Until(async () => (await bed.Store.ReadCheckpoint("acme", "invoicer", default)).Position == 2, "the rebuild is checkpointed");
        Assert.Equal(3, (await bed.Invoices("acme")).Length);
    }
}
