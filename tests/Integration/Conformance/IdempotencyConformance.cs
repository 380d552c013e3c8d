using static Hybrid.Tests.Integration.Conformance.TestEvents;

namespace Hybrid.Tests.Integration.Conformance;

/// <summary>Event ids are idempotency keys: a repeated append returns the stored envelopes and writes nothing.</summary>
public abstract class IdempotencyConformance(IEventStoreFactory factory) : ConformanceSuite(factory)
{
    private Task<AppendResult> AppendProposed(AppendCondition condition, params ProposedEvent[] events) =>
        Store.Append(AppendRequest.Of(Tenant, events).When(condition), Ct);

    [Fact]
    public async Task re_appending_the_same_ids_returns_the_stored_envelopes_and_writes_nothing()
    {
        var events = Propose(Of("Created", "order-1"), Of("Paid", "order-1"));
        var first = Written(await AppendProposed(AppendCondition.NoCondition, events));
        await AppendOk(Of("Other", "order-2"));
        var again = Written(await AppendProposed(AppendCondition.NoCondition, events));
        Assert.Equal(Ids(first), Ids(again));
        Assert.Equal(Positions(first), Positions(again));
        Assert.Equal(first.Select(e => e.StreamVersion), again.Select(e => e.StreamVersion));
        Assert.Equal(first.Select(e => e.Timestamp), again.Select(e => e.Timestamp));
        Assert.Equal(3, await Head());
        Assert.Equal(2, (await ReadStream("order-1")).Length);
    }

    [Fact]
    public async Task a_retried_append_whose_condition_no_longer_holds_still_returns_the_stored_envelopes()
    {
        var events = Propose(Of("Created", "order-1"));
        var condition = Expect("order-1", ExpectedVersion.NoStream);
        var first = Written(await AppendProposed(condition, events));
        var retried = Written(await AppendProposed(condition, events));
        Assert.Equal(Ids(first), Ids(retried));
        Assert.Equal(1, await Head());
    }

    [Fact]
    public async Task a_repeat_in_another_order_returns_the_envelopes_in_position_order()
    {
        var events = Propose(Of("A"), Of("B"), Of("C"));
        var first = Written(await AppendProposed(AppendCondition.NoCondition, events));
        var again = Written(await AppendProposed(AppendCondition.NoCondition, [events[2], events[0], events[1]]));
        Assert.Equal(Ids(first), Ids(again));
        Assert.Equal(3, await Head());
    }

    [Fact]
    public async Task an_append_mixing_stored_and_new_ids_is_rejected_and_writes_nothing()
    {
        var stored = Propose(Of("Created", "order-1"));
        Written(await AppendProposed(AppendCondition.NoCondition, stored));
        var fresh = Propose(Of("Paid", "order-1"));
        var failure = Failed(await AppendProposed(AppendCondition.NoCondition, stored[0], fresh[0]));
        Assert.Equal(ConditionFailureKind.DuplicateEventIds, failure.Kind);
        Assert.Equal(1, await Head());
        Assert.Single(await ReadStream("order-1"));
        Written(await AppendProposed(AppendCondition.NoCondition, fresh));
    }

    [Fact]
    public async Task the_same_id_twice_in_one_append_is_bad_input()
    {
        var one = Propose(Of("Created", "order-1"))[0];
        var error = await Assert.ThrowsAsync<InvalidInputException>(() => AppendProposed(AppendCondition.NoCondition, one, new ProposedEvent(one.Id, Of("Paid", "order-1"), EventMetadata.Empty)));
        Assert.Equal("events[1].Id", error.Field);
        Assert.Equal(0, await Head());
    }

    [Fact]
    public async Task an_empty_id_is_bad_input()
    {
        var error = await Assert.ThrowsAsync<InvalidInputException>(() =>
            AppendProposed(AppendCondition.NoCondition, new ProposedEvent(Guid.Empty, Of("Created"), EventMetadata.Empty)));
        Assert.Equal("events[0].Id", error.Field);
        Assert.Equal(0, await Head());
    }

    [Fact]
    public async Task ids_are_scoped_to_their_tenant()
    {
        var events = Propose(Of("Created", "order-1"));
        var other = Tenants.Fresh();
        var here = Written(await AppendProposed(AppendCondition.NoCondition, events));
        var there = Written(await Store.Append(AppendRequest.Of(other, events), Ct));
        Assert.Equal(other, Assert.Single(there).Tenant);
        Assert.Equal(Tenant, Assert.Single(here).Tenant);
        Assert.Equal(1, await Store.GetHead(other, Ct));
    }

    [Fact]
    public async Task concurrent_repeats_of_one_append_store_it_once_and_all_see_the_same_envelopes()
    {
        var events = Propose(Of("Created", "order-1"), Of("Paid", "order-1"));
        var results = await Task.WhenAll(Enumerable.Range(0, 12)
            .Select(_ => Task.Run(() => AppendProposed(AppendCondition.NoCondition, events))));
        var envelopes = results.Select(Written).ToArray();
        Assert.All(envelopes, e => Assert.Equal(Positions(envelopes[0]), Positions(e)));
        Assert.Equal(2, await Head());
    }

    [Fact]
    public async Task a_re_send_of_stored_ids_with_a_malformed_condition_is_bad_input_not_an_idempotent_success()
    {
        var events = Propose(Of("Created", "order-1"));
        Written(await AppendProposed(AppendCondition.NoCondition, events));
        var negative = await Assert.ThrowsAsync<InvalidInputException>(() =>
            AppendProposed(AppendCondition.NothingNewSince(EventQuery.OfTypes("Created"), -1), events));
        Assert.Equal("condition.After", negative.Field);
        Assert.Contains(Tenant, negative.Message);
        var badType = await Assert.ThrowsAsync<InvalidInputException>(() =>
            AppendProposed(AppendCondition.NothingNewSince(EventQuery.OfTypes(""), 0), events));
        Assert.StartsWith("condition.query.Items[0].Types[0]", badType.Field);
        Assert.Equal(1, await Head());
    }
}
