using Microsoft.FSharp.Collections;
using Hybrid.Shell.Middleware;
using Hybrid.Shell.Stores;
using static Hybrid.Tests.Integration.Conformance.TestEvents;

namespace Hybrid.Tests.Integration.Conformance;

/// <summary>
/// Upcasting over the store: renamed types found by queries, conditions and subscriptions on their new name; split
/// events addressed at their stored event (same id and position, never separated by a page); failures loud.
/// </summary>
public abstract class UpcastingConformance(IEventStoreFactory factory) : ConformanceSuite(factory)
{
    private static RecordedEvent Retyped(RecordedEvent e, string type, string body) =>
        new(e.Id, e.Tenant, e.Position, e.Stream, e.StreamVersion, type, e.Tags, EventBody.OfText(body), e.SchemaVersion + 1, e.Metadata, e.Timestamp);

    private static readonly Upcaster[] Upcasters =
    [
        Upcaster.Rename("CustomerRegistered", 1, "CustomerSignedUp", e => e),
        Upcaster.Split("OrderPlacedWithPayment", 1, ["OrderPlaced", "PaymentReceived"],
            e => [Retyped(e, "OrderPlaced", """{"part":1}"""), Retyped(e, "PaymentReceived", """{"part":2}""")]),
        Upcaster.Split("Obsolete", 1, [], _ => []),
        Upcaster.Of("Broken", 1, _ => throw new FormatException("the body cannot be read")),
        Upcaster.Of("Liar", 1, e => Retyped(e, "Undeclared", e.Body)),
    ];

    private UpcastingEventStore Upcasting => new(Store, Upcasters);

    [Fact]
    public async Task a_query_by_the_new_type_finds_the_events_stored_under_the_old_one()
    {
        var written = await AppendOk(Of("CustomerRegistered", null, "customer:1"), Of("Noise"), Of("CustomerSignedUp", null, "customer:2"));

        var found = await Upcasting.Read(Tenant, EventQuery.OfTypes("CustomerSignedUp"), Ct);

        Assert.Equal(Ids([written[0], written[2]]), Ids(found));
        Assert.All(found, e => Assert.Equal("CustomerSignedUp", e.Type));
        Assert.Empty(await Upcasting.Read(Tenant, EventQuery.OfTypes("CustomerRegistered"), Ct));
        var tagged = await Upcasting.Read(Tenant, EventQuery.Of(new QueryItem(["CustomerSignedUp"], ["customer:1"])), Ct);
        Assert.Equal(Ids([written[0]]), Ids(tagged));
    }

    [Fact]
    public async Task a_split_event_reads_as_parts_sharing_its_id_and_position_and_queries_find_a_part_by_its_type()
    {
        var written = await AppendOk(Of("OrderPlacedWithPayment", "order-1"));

        var parts = await Upcasting.Read(Tenant, EventQuery.All, Ct);

        Assert.Equal(["OrderPlaced", "PaymentReceived"], parts.Select(p => p.Type));
        Assert.All(parts, p => Assert.Equal((written[0].Id, written[0].Position, 1L, "order-1"), (p.Id, p.Position, p.StreamVersion, p.Stream)));
        Assert.Equal(parts.Select(p => p.Type), (await Upcasting.ReadStream(Tenant, StreamRead.Forward("order-1"), Ct)).Select(p => p.Type));
        Assert.Equal(parts.Select(p => p.Type), (await Upcasting.ReadById(Tenant, written[0].Id, Ct)).Select(p => p.Type));
        var payment = Assert.Single(await Upcasting.Read(Tenant, EventQuery.OfTypes("PaymentReceived"), Ct));
        Assert.Equal("""{"part":2}""", payment.Body);
    }

    [Fact]
    public async Task a_limited_read_counts_stored_events_and_never_separates_the_parts_of_one()
    {
        var written = await AppendOk(Of("OrderPlacedWithPayment"), Of("Obsolete"), Of("OrderPlacedWithPayment"), Of("Plain"));

        var first = await Upcasting.Read(Tenant, EventQuery.All.Take(1), Ct);
        var second = await Upcasting.Read(Tenant, EventQuery.All.AfterPosition(first[^1].Position).Take(1), Ct);
        var third = await Upcasting.Read(Tenant, EventQuery.All.AfterPosition(second[^1].Position).Take(1), Ct);
        var newest = await Upcasting.Read(Tenant, EventQuery.All.Backwards().Take(2), Ct);

        Assert.Equal([written[0].Position, written[0].Position], Positions(first));
        Assert.Equal([written[2].Position, written[2].Position], Positions(second));
        Assert.Equal([written[3].Position], Positions(third));
        Assert.Equal(["Plain", "PaymentReceived", "OrderPlaced"], newest.Select(e => e.Type));
    }

    [Fact]
    public async Task a_limited_read_by_a_new_type_fills_its_page_past_events_upcast_away()
    {
        var written = await AppendOk(Of("CustomerRegistered"), Of("Obsolete"), Of("Obsolete"), Of("CustomerSignedUp"), Of("CustomerRegistered"));

        var page = await Upcasting.Read(Tenant, EventQuery.Of(new QueryItem(["CustomerSignedUp", "Obsolete"], [])).Take(2), Ct);

        Assert.Equal(Ids([written[0], written[3]]), Ids(page));
    }

    [Fact]
    public async Task a_condition_on_the_new_type_sees_an_event_stored_under_the_old_type_since_the_read()
    {
        var head = await Head();
        await AppendOk(Of("CustomerRegistered", null, "email:a@x.org"));

        var failure = Failed(await Upcasting.Append(AppendRequest.Of(Tenant, Propose(Of("CustomerSignedUp", null, "email:a@x.org")))
            .When(AppendCondition.NothingNewSince(EventQuery.OfTypes("CustomerSignedUp"), head)), Ct));
        Assert.Equal(ConditionFailureKind.PredicateRejected, failure.Kind);

        RecordedEvent[] seen = [];
        Written(await Upcasting.Append(AppendRequest.Of(Tenant, Propose(Of("Other")))
            .When(AppendCondition.Where(EventQuery.OfTypes("CustomerSignedUp"), events => { seen = events; return true; }, "capture")), Ct));
        Assert.Equal(["CustomerSignedUp"], seen.Select(e => e.Type));
        Written(await Upcasting.Append(AppendRequest.Of(Tenant, Propose(Of("Other")))
            .When(AppendCondition.NothingNewSince(EventQuery.OfTypes("CustomerSignedUp"), await Head())), Ct));
    }

    [Fact]
    public async Task a_subscription_by_the_new_type_delivers_old_events_upcast_in_catch_up_and_live()
    {
        var history = await AppendOk(Of("CustomerRegistered"), Of("Noise"));
        await using var subscription = SubscriptionRecorder.Start(Upcasting, Tenant, EventQuery.OfTypes("CustomerSignedUp", "PaymentReceived"));

        var (events, _) = await subscription.UntilCaughtUp(Patience);

        Assert.Equal(Ids([history[0]]), Ids(events));
        var live = await AppendOk(Of("OrderPlacedWithPayment"));
        var delivered = await subscription.Events(1, Patience);
        Assert.Equal(("PaymentReceived", live[0].Id, live[0].Position), (delivered[0].Type, delivered[0].Id, delivered[0].Position));
    }

    [Fact]
    public async Task a_throwing_upcaster_fails_every_read_naming_the_event_instead_of_skipping_it()
    {
        var written = await AppendOk(Of("Fine"), Of("Broken", "b-1"), Of("Fine"));

        var fromQuery = await Assert.ThrowsAsync<UpcastFailedException>(() => Upcasting.Read(Tenant, EventQuery.All, Ct));
        var fromStream = await Assert.ThrowsAsync<UpcastFailedException>(() => Upcasting.ReadStream(Tenant, StreamRead.Forward("b-1"), Ct));
        var fromId = await Assert.ThrowsAsync<UpcastFailedException>(() => Upcasting.ReadById(Tenant, written[1].Id, Ct));

        foreach (var error in new[] { fromQuery, fromStream, fromId })
        {
            Assert.Equal((written[1].Id, "Broken", written[1].Position, Tenant), (error.EventId, error.EventType, error.Position, error.Tenant));
            Assert.Contains(written[1].Id.ToString(), error.Message);
            Assert.Contains("the body cannot be read", error.Message);
        }
    }

    [Fact]
    public async Task an_upcaster_returning_a_type_it_does_not_declare_fails_the_read()
    {
        await AppendOk(Of("Liar"));
        var error = await Assert.ThrowsAsync<UpcastFailedException>(() => Upcasting.Read(Tenant, EventQuery.All, Ct));
        Assert.Contains("'Undeclared'", error.Message);
    }

    [Fact]
    public async Task a_predicate_sees_what_a_read_of_its_query_returns_direction_and_limit_included()
    {
        await AppendOk(Of("OrderPlacedWithPayment"), Of("Obsolete"), Of("OrderPlacedWithPayment"), Of("Plain"));
        foreach (var query in new[] { EventQuery.All.Backwards().Take(2), EventQuery.All.Take(1), EventQuery.OfTypes("PaymentReceived").Backwards().Take(1) })
        {
            var read = await Upcasting.Read(Tenant, query, Ct);
            RecordedEvent[] seen = [];
            Written(await Upcasting.Append(AppendRequest.Of(Tenant, Propose(Of("Other")))
                .When(AppendCondition.Where(query, events => { seen = events; return true; }, "capture")), Ct));
            Assert.Equal(read.Select(e => (e.Position, e.Type)), seen.Select(e => (e.Position, e.Type)));
        }
    }

    // The decorator widened a condition by recursion before the store validated it: nesting All a million deep
    // overflowed the stack (ending the process) instead of reaching the store's typed refusal.
    [Fact]
    public async Task a_condition_nested_deeper_than_the_limit_is_refused_by_the_store_not_walked_to_the_bottom()
    {
        AppendCondition condition = AppendCondition.NothingNewSince(EventQuery.OfTypes("CustomerSignedUp"), 0);
        for (var i = 0; i < 1_000_000; i++) condition = AppendCondition.NewAll(ListModule.OfSeq([condition]));
        var error = await Assert.ThrowsAsync<InvalidInputException>(() =>
            Upcasting.Append(AppendRequest.Of(Tenant, Propose(Of("Other"))).When(condition), Ct));
        Assert.Equal("condition", error.Field);
        Assert.Equal(0, await Head());
    }

    [Fact]
    public async Task a_subscription_cancelled_between_the_parts_of_a_split_event_delivers_no_further_part()
    {
        await AppendOk(Of("OrderPlacedWithPayment", "order-1"));
        using var cts = new CancellationTokenSource();
        var delivered = new List<SubscriptionMessage>();
        try
        {
            await foreach (var message in Upcasting.Subscribe(Tenant, EventQuery.All, cts.Token))
            {
                delivered.Add(message);
                if (message is SubscriptionMessage.Event) await cts.CancelAsync();
            }
        }
        catch (OperationCanceledException)
        {
            // Ending by throwing the cancellation is as good as ending quietly.
        }
        Assert.Equal("OrderPlaced", ((SubscriptionMessage.Event)Assert.Single(delivered)).Item.Type);
    }
}
