using Hybrid.Shell.Stores;
using static Hybrid.Tests.Integration.Conformance.TestEvents;

namespace Hybrid.Tests.Integration.Conformance;

/// <summary>Subscriptions filtered by stream prefix and by a pure predicate, on top of the store's query.</summary>
public abstract class SubscriptionFilterConformance(IEventStoreFactory factory) : ConformanceSuite(factory)
{
    [Fact]
    public async Task a_stream_prefix_subscription_delivers_only_events_of_streams_under_the_prefix_in_position_order()
    {
        var history = await AppendOk(Of("A", "order-1"), Of("A", "invoice-1"), Of("B", "order-2"), Of("A"));
        await using var subscription = SubscriptionRecorder.Start(Store, Tenant, SubscriptionFilter.Of(EventQuery.All).InStreamsStartingWith("order-"));

        var (events, at) = await subscription.UntilCaughtUp(Patience);

        Assert.Equal(Ids([history[0], history[2]]), Ids(events));
        Assert.True(at >= history[2].Position);
        await AppendOk(Of("A", "invoice-2"), Of("A"));
        var live = await AppendOk(Of("C", "order-3"));
        Assert.Equal(Ids(live), Ids(await subscription.Events(1, Patience)));
    }

    [Fact]
    public async Task a_predicate_subscription_delivers_only_events_it_accepts_combined_with_the_query()
    {
        var history = await AppendOk(WithBody("Paid", null, """{"amount":5}"""), WithBody("Paid", null, """{"amount":500}"""),
            WithBody("Refunded", null, """{"amount":900}"""));
        var filter = SubscriptionFilter.Of(EventQuery.OfTypes("Paid")).Where(e => e.Body.Contains("500"));
        await using var subscription = SubscriptionRecorder.Start(Store, Tenant, filter);

        var (events, _) = await subscription.UntilCaughtUp(Patience);

        Assert.Equal(Ids([history[1]]), Ids(events));
        await AppendOk(WithBody("Paid", null, """{"amount":1}"""));
        var live = await AppendOk(WithBody("Paid", null, """{"amount":500}"""));
        Assert.Equal(Ids(live), Ids(await subscription.Events(1, Patience)));
    }

    [Fact]
    public async Task a_filter_that_matches_nothing_still_reports_caught_up()
    {
        await AppendOk(Of("A", "x-1"));
        await using var subscription = SubscriptionRecorder.Start(Store, Tenant, SubscriptionFilter.Of(EventQuery.All).InStreamsStartingWith("none-"));
        var (events, at) = await subscription.UntilCaughtUp(Patience);
        Assert.Empty(events);
        Assert.Equal(1, at);
    }

    [Fact]
    public void a_filtered_subscription_with_bad_input_is_rejected_when_it_is_asked_for_before_anything_is_enumerated()
    {
        var all = SubscriptionFilter.Of(EventQuery.All).InStreamsStartingWith("order-");
        Assert.Equal("tenant", Assert.Throws<InvalidInputException>(() => Store.Subscribe("Not A Tenant", all, Ct)).Field);
        Assert.Equal("query.After",
            Assert.Throws<InvalidInputException>(() => Store.Subscribe(Tenant, SubscriptionFilter.Of(EventQuery.All.AfterPosition(-1)), Ct)).Field);
        Assert.Equal("query.Items[0].Types[0]",
            Assert.Throws<InvalidInputException>(() => Store.Subscribe(Tenant, SubscriptionFilter.Of(EventQuery.OfTypes("")).Where(_ => true), Ct)).Field);
    }

    [Fact]
    public void a_null_predicate_is_refused_when_the_filter_is_built_not_when_the_first_event_arrives()
    {
        Assert.Equal("predicate", Assert.Throws<ArgumentNullException>(() => SubscriptionFilter.Of(EventQuery.All).Where(null!)).ParamName);
    }
}
