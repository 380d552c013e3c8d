using System.Text.Json;
using Hybrid.Shell.Queries;
using Hybrid.Tests.TestDomain;

namespace Hybrid.Tests.Integration.Processors;

/// <summary>Lookups before the pure decision: events by condition, read-model views and registered queries.</summary>
public sealed class LookupTests
{
    private static string Order(RecordedEvent e) => JsonDocument.Parse(e.Body).RootElement.GetProperty("order").GetString()!;

    /// <summary>Invoices an order only if no invoice of it exists yet: the lookup reads the order's invoices first.</summary>
    private static readonly TodoProcessor CarefulInvoicer = TodoProcessor
        .Create("careful-invoicer", [QueryItem.OfTypes(Ordering.Types.OrderPlaced)], (context, e) =>
            context.Reads.EventsOf("invoices").Length > 0
                ? ProcessorResult.NoOp
                : ProcessorResult.Emitting(EventData.Tagged(Ordering.Types.InvoiceIssued, JsonSerializer.Serialize(new { order = Order(e) }), $"order:{Order(e)}")))
        .WithLookup((_, e) => [ProcessorLookup.NewEvents("invoices", EventQuery.Of(new QueryItem([Ordering.Types.InvoiceIssued], [$"order:{Order(e)}"])))]);

    [Fact]
    public async Task a_processor_looks_up_events_by_condition_before_its_pure_decision()
    {
        await using var bed = new ProcessorBed();
        await bed.Append("acme", EventData.Tagged(Ordering.Types.InvoiceIssued, """{"order":"o1"}""", "order:o1"));
        await bed.Place("acme", ("o1", false), ("o2", false));
        await bed.Node(CarefulInvoicer);

        await bed.Until(async () => (await bed.Store.ReadCheckpoint("acme", "careful-invoicer", default)).Position == 3, "both orders are handled");

        Assert.Equal(["o1", "o2"], (await bed.Invoices("acme")).Select(Order));
    }

    private sealed class RecordingViews : IReadModelViews
    {
        public List<(string Model, string Scope, long AtLeast)> Asked { get; } = [];

        public bool Knows(string model) => true;

        public Task<ReadModelView> Read(string tenant, string model, string scope, CancellationToken ct) => ReadAtLeast(tenant, model, scope, 0, ct);

        public Task<ReadModelView> ReadAtLeast(string tenant, string model, string scope, long position, CancellationToken ct)
        {
            lock (Asked) Asked.Add((model, scope, position));
            return Task.FromResult(new ReadModelView(model, tenant, scope, $"{model}/{scope}@{position}", position));
        }
    }

    [Fact]
    public async Task a_query_lookup_is_authorized_as_the_processor_and_a_refusal_reaches_the_handler_as_a_value()
    {
        await using var bed = new ProcessorBed();
        bed.Queries = new QueryProcessor(bed.Store, null, [Ordering.ordersCount]);
        var outsider = TodoProcessor
            .Create("outsider", [QueryItem.OfTypes(Ordering.Types.OrderPlaced)], (context, _) =>
                ProcessorResult.Emitting(EventData.Tagged("Asked", JsonSerializer.Serialize(new
                {
                    refused = context.Reads.AnswerOf("count") is QueryOutcome.Unauthorized u ? u.reason : "",
                }), "asked:1")))
            .WithLookup((_, _) => [ProcessorLookup.NewQuery("count", "orders-count", "all")]);
        await bed.Place("acme", ("o1", false));
        await bed.Node(outsider);

        await bed.Until(async () => (await bed.OfType("acme", "Asked")).Length == 1, "the order is handled");

        var asked = JsonDocument.Parse((await bed.OfType("acme", "Asked"))[0].Body).RootElement;
        Assert.Equal("only the reporter may count orders", asked.GetProperty("refused").GetString());
    }

    [Fact]
    public async Task a_processor_looks_up_a_view_folded_at_least_to_its_event_and_a_query_answered_for_it()
    {
        await using var bed = new ProcessorBed();
        var views = new RecordingViews();
        bed.Views = views;
        bed.Queries = new QueryProcessor(bed.Store, views, [Ordering.ordersCount]);
        var reporter = TodoProcessor
            .Create("reporter", [QueryItem.OfTypes(Ordering.Types.OrderPlaced)], (context, e) =>
            {
                var view = context.Reads.ViewOf("stock");
                var count = context.Reads.AnswerOf("count") is QueryOutcome.Answered answered ? answered.value : "refused";
                return ProcessorResult.Emitting(EventData.Tagged("Reported", JsonSerializer.Serialize(new { state = (string)view.State, count }), "report:1"));
            })
            .WithLookup((_, e) => [ProcessorLookup.NewView("stock", ViewRef.Of("stock", Order(e))), ProcessorLookup.NewQuery("count", "orders-count", "all")]);
        await bed.Place("acme", ("o1", false), ("o2", false));
        await bed.Node(reporter);

        await bed.Until(async () => (await bed.OfType("acme", "Reported")).Length == 2, "both orders are reported");

        var reports = (await bed.OfType("acme", "Reported")).Select(r => JsonDocument.Parse(r.Body).RootElement).ToArray();
        Assert.Equal(["stock/o1@1", "stock/o2@2"], reports.Select(r => r.GetProperty("state").GetString()));
        Assert.All(reports, r => Assert.Equal(2, r.GetProperty("count").GetInt32()));
        Assert.Contains(("stock", "o2", 2L), views.Asked);
    }
}
