using static Hybrid.Tests.Integration.Conformance.TestEvents;

namespace Hybrid.Tests.Integration.Conformance;

/// <summary>Catch-up subscriptions: from an exclusive position through the matching events, a caught-up marker, then live.</summary>
public abstract class SubscriptionConformance(IEventStoreFactory factory) : ConformanceSuite(factory)
{
    private SubscriptionRecorder Subscribe(EventQuery? query = null) => SubscriptionRecorder.Start(Store, Tenant, query ?? EventQuery.All);

    [Fact]
    public async Task a_subscription_catches_up_marks_it_then_delivers_live_events()
    {
        var history = await AppendOk(Of("A"), Of("B"), Of("C"));
        await using var subscription = Subscribe();
        var (caughtUp, at) = await subscription.UntilCaughtUp(Patience);
        Assert.Equal(Ids(history), Ids(caughtUp));
        Assert.Equal(3, at);
        var live = await AppendOk(Of("D"), Of("E"));
        Assert.Equal(Ids(live), Ids(await subscription.Events(2, Patience)));
    }

    [Fact]
    public async Task a_subscription_to_an_empty_tenant_is_caught_up_at_zero()
    {
        await using var subscription = Subscribe();
        var (events, at) = await subscription.UntilCaughtUp(Patience);
        Assert.Empty(events);
        Assert.Equal(0, at);
        var live = await AppendOk(Of("A"));
        Assert.Equal(Ids(live), Ids(await subscription.Events(1, Patience)));
    }

    [Fact]
    public async Task a_subscription_starts_after_the_given_position()
    {
        var history = await AppendOk(Of("A"), Of("B"), Of("C"), Of("D"));
        await using var subscription = Subscribe(EventQuery.All.AfterPosition(history[1].Position));
        var (events, at) = await subscription.UntilCaughtUp(Patience);
        Assert.Equal(Ids(history.Skip(2)), Ids(events));
        Assert.Equal(4, at);
    }

    [Fact]
    public async Task a_subscription_from_the_head_delivers_only_new_events()
    {
        await AppendOk(Of("A"), Of("B"));
        await using var subscription = Subscribe(EventQuery.All.AfterPosition(await Head()));
        var (events, _) = await subscription.UntilCaughtUp(Patience);
        Assert.Empty(events);
        var live = await AppendOk(Of("C"));
        Assert.Equal(Ids(live), Ids(await subscription.Events(1, Patience)));
    }

    [Fact]
    public async Task a_subscription_from_beyond_the_head_skips_events_up_to_its_position()
    {
        await AppendOk(Of("A"));
        await using var subscription = Subscribe(EventQuery.All.AfterPosition(3));
        var (events, _) = await subscription.UntilCaughtUp(Patience);
        Assert.Empty(events);
        await AppendOk(Of("B"), Of("C"));
        var fourth = await AppendOk(Of("D"));
        Assert.Equal(Ids(fourth), Ids(await subscription.Events(1, Patience)));
    }

    [Fact]
    public async Task a_type_filtered_subscription_delivers_only_matching_events()
    {
        var history = await AppendOk(Of("Created"), Of("Noise"), Of("Paid"), Of("Noise"));
        await using var subscription = Subscribe(EventQuery.OfTypes("Created", "Paid"));
        var (events, at) = await subscription.UntilCaughtUp(Patience);
        Assert.Equal(Ids([history[0], history[2]]), Ids(events));
        Assert.True(at >= history[2].Position);
        await AppendOk(Of("Noise"), Of("Noise"));
        var live = await AppendOk(Of("Paid"));
        Assert.Equal(Ids(live), Ids(await subscription.Events(1, Patience)));
    }

    [Fact]
    public async Task a_tag_filtered_subscription_delivers_only_events_with_all_its_tags()
    {
        var history = await AppendOk(Of("X", null, "customer:1", "region:eu"), Of("X", null, "customer:1"), Of("X", null, "region:eu"));
        await using var subscription = Subscribe(EventQuery.OfTags("customer:1", "region:eu"));
        var (events, _) = await subscription.UntilCaughtUp(Patience);
        Assert.Equal(Ids([history[0]]), Ids(events));
        await AppendOk(Of("X", null, "customer:1"), Of("Y", null, "region:eu", "customer:2"));
        var live = await AppendOk(Of("Y", null, "region:eu", "customer:1", "extra:1"));
        Assert.Equal(Ids(live), Ids(await subscription.Events(1, Patience)));
    }

    [Fact]
    public async Task a_catch_up_longer_than_any_batch_delivers_every_event_in_order()
    {
        var written = new List<RecordedEvent>();
        for (var i = 0; i < 5; i++) written.AddRange(await AppendOk(Many(300, "Bulk", null, "batch:" + i)));
        await using var subscription = Subscribe();
        var (events, at) = await subscription.UntilCaughtUp(Patience * 3);
        Assert.Equal(Ids(written), Ids(events));
        Assert.Equal(1500, at);
    }

    [Fact]
    public async Task a_filtered_catch_up_over_a_long_log_finds_sparse_matches()
    {
        var rare = new List<RecordedEvent>();
        for (var i = 0; i < 4; i++)
        {
            await AppendOk(Many(400, "Common"));
            rare.AddRange(await AppendOk(Of("Rare")));
        }
        await using var subscription = Subscribe(EventQuery.OfTypes("Rare"));
        var (events, _) = await subscription.UntilCaughtUp(Patience * 3);
        Assert.Equal(Ids(rare), Ids(events));
    }

    [Fact]
    public async Task several_subscribers_each_see_every_event()
    {
        await using var first = Subscribe();
        await using var second = Subscribe();
        await first.UntilCaughtUp(Patience);
        await second.UntilCaughtUp(Patience);
        var live = await AppendOk(Of("A"), Of("B"), Of("C"));
        Assert.Equal(Ids(live), Ids(await first.Events(3, Patience)));
        Assert.Equal(Ids(live), Ids(await second.Events(3, Patience)));
    }

    [Fact]
    public async Task a_subscription_sees_only_its_tenant()
    {
        var other = Tenants.Fresh();
        await using var subscription = Subscribe();
        await subscription.UntilCaughtUp(Patience);
        await AppendOkTo(other, Of("Theirs"), Of("Theirs"));
        var mine = await AppendOk(Of("Mine"));
        Assert.Equal(Ids(mine), Ids(await subscription.Events(1, Patience)));
    }

    [Fact]
    public async Task a_slow_subscriber_does_not_block_appends()
    {
        await AppendOk(Of("First"));
        using var cts = new CancellationTokenSource(Patience * 3);
        await using var stalled = Store.Subscribe(Tenant, EventQuery.All, cts.Token).GetAsyncEnumerator(cts.Token);
        Assert.True(await stalled.MoveNextAsync());
        // The subscriber now stops reading while many appends go through (few enough for a durable store's syncs on a
        // loaded machine, many enough to overflow any subscriber buffer).
        var appends = Task.Run(async () =>
        {
            for (var i = 0; i < 40; i++) await AppendOk(Many(50, "Busy"));
        });
        await appends.WaitAsync(Patience);
        Assert.Equal(2001, await Head());
        var seen = new List<RecordedEvent> { ((SubscriptionMessage.Event)stalled.Current).Item };
        while (seen.Count < 2001 && await stalled.MoveNextAsync())
            if (stalled.Current is SubscriptionMessage.Event e) seen.Add(e.Item);
        Assert.Equal(Enumerable.Range(1, 2001).Select(i => (long)i), Positions(seen));
    }

    [Fact]
    public async Task cancelling_a_subscription_ends_it()
    {
        using var cts = new CancellationTokenSource();
        var enumerator = Store.Subscribe(Tenant, EventQuery.All, cts.Token).GetAsyncEnumerator(cts.Token);
        Assert.True(await enumerator.MoveNextAsync());
        Assert.IsType<SubscriptionMessage.CaughtUp>(enumerator.Current);
        var waiting = enumerator.MoveNextAsync().AsTask();
        await cts.CancelAsync();
        try
        {
            Assert.False(await waiting.WaitAsync(Patience));
        }
        catch (OperationCanceledException)
        {
            // Ending by throwing the cancellation is as good as ending quietly.
        }
        await enumerator.DisposeAsync();
    }

    [Fact]
    public async Task caught_up_is_reported_at_the_head_however_filtered_and_at_the_start_when_beyond_it()
    {
        await AppendOk(Of("Hit"), Of("Miss"), Of("Miss"));
        await using (var filtered = Subscribe(EventQuery.OfTypes("Hit")))
            Assert.Equal(3, (await filtered.UntilCaughtUp(Patience)).CaughtUpAt);
        await using (var nothing = Subscribe(EventQuery.OfTypes("Never")))
            Assert.Equal(3, (await nothing.UntilCaughtUp(Patience)).CaughtUpAt);
        await using (var beyond = Subscribe(EventQuery.All.AfterPosition(10)))
            Assert.Equal(10, (await beyond.UntilCaughtUp(Patience)).CaughtUpAt);
    }

    [Fact]
    public async Task a_subscription_from_inside_an_append_delivers_the_rest_of_it()
    {
        var written = await AppendOk(Of("A"), Of("B"), Of("C"));
        await using var subscription = Subscribe(EventQuery.All.AfterPosition(written[0].Position));
        var (events, at) = await subscription.UntilCaughtUp(Patience);
        Assert.Equal(Ids(written.Skip(1)), Ids(events));
        Assert.Equal(3, at);
    }

    [Fact]
    public async Task events_appended_by_concurrent_writers_during_catch_up_are_delivered_once_in_order_with_no_gap()
    {
        for (var i = 0; i < 6; i++) await AppendOk(Many(50, "Before"));
        await using var subscription = Subscribe(EventQuery.All.AfterPosition(120));
        var writers = Enumerable.Range(0, 2).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 40; i++) await AppendOk(Many(5, $"During{w}"));
        })).ToArray();
        var (caughtUp, at) = await subscription.UntilCaughtUp(Patience * 3);
        Assert.Equal(Enumerable.Range(121, (int)at - 120).Select(i => (long)i), Positions(caughtUp));
        var seen = caughtUp.Concat(await subscription.Events(300 - 120 + 400 - caughtUp.Count, Patience * 3)).ToList();
        await Task.WhenAll(writers).WaitAsync(Patience);
        Assert.Equal(Enumerable.Range(121, 580).Select(i => (long)i), Positions(seen));
        Assert.Equal(Ids(await ReadAll(EventQuery.All.AfterPosition(120))), Ids(seen));
        var last = await AppendOk(Of("After"));
        Assert.Equal(Ids(last), Ids(await subscription.Events(1, Patience)));
    }

    [Fact]
    public async Task a_rarely_matching_subscription_delivers_a_live_match_after_many_misses_at_its_position()
    {
        await AppendOk(Of("Hit"), Of("Miss"));
        await using var subscription = Subscribe(EventQuery.OfTypes("Hit"));
        var (caughtUp, _) = await subscription.UntilCaughtUp(Patience);
        Assert.Single(caughtUp);
        for (var i = 0; i < 10; i++) await AppendOk(Many(100, "Miss"));
        var hit = await AppendOk(Of("Miss"), Of("Hit"), Of("Miss"));
        var live = await subscription.Events(1, Patience);
        Assert.Equal(Ids([hit[1]]), Ids(live));
        Assert.Equal(1004, live[0].Position);
    }

    [Fact]
    public async Task a_subscriber_that_throws_inside_its_loop_gets_its_own_exception_and_the_store_and_other_subscribers_go_on()
    {
        await AppendOk(Of("A"), Of("B"));
        await using var other = Subscribe();
        await other.UntilCaughtUp(Patience);
        var thrown = await Assert.ThrowsAsync<InvalidDataException>(async () =>
        {
            await foreach (var message in Store.Subscribe(Tenant, EventQuery.All, Ct))
                if (message is SubscriptionMessage.Event) throw new InvalidDataException("the subscriber's own failure");
        });
        Assert.Equal("the subscriber's own failure", thrown.Message);
        var live = await AppendOk(Of("C"));
        Assert.Equal(Ids(live), Ids(await other.Events(1, Patience)));
        await using var again = Subscribe();
        Assert.Equal(3, (await again.UntilCaughtUp(Patience)).Events.Count);
    }

    [Fact]
    public async Task disposing_a_subscription_in_the_middle_of_catch_up_ends_it_and_a_new_one_starts_from_its_own_position()
    {
        var history = await AppendOk(Many(300, "A"));
        var enumerator = Store.Subscribe(Tenant, EventQuery.All, Ct).GetAsyncEnumerator(Ct);
        for (var i = 0; i < 10; i++) Assert.True(await enumerator.MoveNextAsync());
        var tenth = ((SubscriptionMessage.Event)enumerator.Current).Item;
        Assert.Equal(10, tenth.Position);
        await enumerator.DisposeAsync().AsTask().WaitAsync(Patience);
        await using var resumed = Subscribe(EventQuery.All.AfterPosition(tenth.Position));
        var (events, at) = await resumed.UntilCaughtUp(Patience);
        Assert.Equal(Ids(history.Skip(10)), Ids(events));
        Assert.Equal(300, at);
    }

    [Fact]
    public async Task a_live_subscription_cancelled_only_through_its_enumerators_token_ends()
    {
        await AppendOk(Of("A"));
        using var cts = new CancellationTokenSource();
        var delivered = new List<SubscriptionMessage>();
        var live = new TaskCompletionSource();
        var consuming = Task.Run(async () =>
        {
            await foreach (var message in Store.Subscribe(Tenant, EventQuery.All, CancellationToken.None).WithCancellation(cts.Token))
            {
                delivered.Add(message);
                if (message is SubscriptionMessage.CaughtUp) live.SetResult();
            }
        });
        await live.Task.WaitAsync(Patience);
        await cts.CancelAsync();
        try
        {
            await consuming.WaitAsync(Patience);
        }
        catch (OperationCanceledException)
        {
            // Ending by throwing the cancellation is as good as ending quietly.
        }
        Assert.True(consuming.IsCompleted);
        Assert.Equal(2, delivered.Count);
    }
}
