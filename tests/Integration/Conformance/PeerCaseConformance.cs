using static Hybrid.Tests.Integration.Conformance.TestEvents;

namespace Hybrid.Tests.Integration.Conformance;

/// <summary>
/// Cases other event stores' suites test (EventStoreDB/KurrentDB client tests, Marten, message-db, Eventuous, the DCB
/// specification's examples), asked through our contract: expected versions against deleted streams and empty
/// appends, idempotent re-appends under other conditions, reads with huge limits, deletes of absent or deleted
/// streams, and what a subscription ignores of its query.
/// </summary>
public abstract class PeerCaseConformance(IEventStoreFactory factory) : ConformanceSuite(factory)
{
    private Task<AppendResult> AppendProposed(AppendCondition condition, params ProposedEvent[] events) =>
        Store.Append(AppendRequest.Of(Tenant, events).When(condition), Ct);

    private Task<AppendResult> AppendNothing(AppendCondition condition) =>
        Store.Append(new AppendRequest(Tenant, [], condition, null), Ct);

    private async Task<long> Delete(string stream, ExpectedVersion expected)
    {
        var result = await Store.DeleteStream(Tenant, stream, expected, Ct);
        if (result is DeleteResult.DeleteFailed failed) Assert.Fail($"Expected the delete to succeed: {failed.Item.Reason}");
        return ((DeleteResult.StreamDeleted)result).Item;
    }

    // EventStoreDB: appending to a soft-deleted stream at its last version recreates it after the tombstone.
    [Fact]
    public async Task the_last_version_of_a_deleted_stream_is_still_an_exact_match_and_recreates_it()
    {
        await AppendOk(Of("Created", "order-1"), Of("Paid", "order-1"));
        await Delete("order-1", ExpectedVersion.Any);
        var failure = await AppendFails(Expect("order-1", Exact(0)), Of("Created", "order-1"));
        Assert.Equal(2, failure.ActualVersion);
        var recreated = await AppendOk(Expect("order-1", Exact(2)), Of("Created", "order-1"));
        Assert.Equal(3, Assert.Single(recreated).StreamVersion);
        Assert.Equal(Ids(recreated), Ids(await ReadStream("order-1")));
    }

    // EventStoreDB: an append of zero events with each expected version.
    [Fact]
    public async Task an_empty_append_checks_each_expected_version_against_a_stream_never_written()
    {
        Assert.Empty(Written(await AppendNothing(Expect("order-1", ExpectedVersion.Any))));
        Assert.Empty(Written(await AppendNothing(Expect("order-1", ExpectedVersion.NoStream))));
        Assert.Empty(Written(await AppendNothing(Expect("order-1", Exact(0)))));
        Assert.Equal(ConditionFailureKind.WrongExpectedVersion, Failed(await AppendNothing(Expect("order-1", ExpectedVersion.StreamExists))).Kind);
        Assert.Equal(0, Failed(await AppendNothing(Expect("order-1", Exact(1)))).ActualVersion);
        Assert.Equal(0, (await Store.GetStreamState(Tenant, "order-1", Ct)).Version);
        Assert.Equal(1, Assert.Single(await AppendOk(Expect("order-1", ExpectedVersion.NoStream), Of("Created", "order-1"))).StreamVersion);
    }

    [Fact]
    public async Task an_empty_append_treats_a_deleted_stream_as_no_stream_at_its_last_version()
    {
        await AppendOk(Of("Created", "order-1"), Of("Paid", "order-1"));
        await Delete("order-1", ExpectedVersion.Any);
        Assert.Empty(Written(await AppendNothing(Expect("order-1", ExpectedVersion.NoStream))));
        Assert.Empty(Written(await AppendNothing(Expect("order-1", Exact(2)))));
        Assert.Equal(2, Failed(await AppendNothing(Expect("order-1", ExpectedVersion.StreamExists))).ActualVersion);
        Assert.False((await Store.GetStreamState(Tenant, "order-1", Ct)).IsLive);
    }

    // EventStoreDB: re-sending the first events of an earlier append is idempotent.
    [Fact]
    public async Task re_appending_some_of_an_earlier_appends_ids_returns_just_those_envelopes()
    {
        var events = Propose(Of("Created", "order-1"), Of("Paid", "order-1"), Of("Shipped", "order-1"));
        var first = Written(await AppendProposed(AppendCondition.NoCondition, events));
        var head = Written(await AppendProposed(AppendCondition.NoCondition, events[0]));
        Assert.Equal(Ids(first.Take(1)), Ids(head));
        Assert.Equal(1, head[0].StreamVersion);
        var tail = Written(await AppendProposed(Expect("order-1", ExpectedVersion.NoStream), events[1], events[2]));
        Assert.Equal(Ids(first.Skip(1)), Ids(tail));
        Assert.Equal(3, await Head());
    }

    // EventStoreDB: the same events re-sent with Any, NoStream, StreamExists or a stale version are written once.
    [Fact]
    public async Task re_appending_stored_ids_under_any_expected_version_writes_nothing()
    {
        var events = Propose(Of("Created", "order-1"), Of("Paid", "order-1"));
        var first = Written(await AppendProposed(Expect("order-1", ExpectedVersion.NoStream), events));
        foreach (var expected in new[] { ExpectedVersion.Any, ExpectedVersion.NoStream, ExpectedVersion.StreamExists, Exact(0), Exact(2), Exact(7) })
            Assert.Equal(Positions(first), Positions(Written(await AppendProposed(Expect("order-1", expected), events))));
        Assert.Equal(2, await Head());
        Assert.Equal(2, (await Store.GetStreamState(Tenant, "order-1", Ct)).Version);
    }

    [Fact]
    public async Task re_appending_stored_ids_after_their_stream_was_deleted_returns_the_stored_envelopes()
    {
        var events = Propose(Of("Created", "order-1"));
        var first = Written(await AppendProposed(AppendCondition.NoCondition, events));
        await Delete("order-1", ExpectedVersion.Any);
        var again = Written(await AppendProposed(Expect("order-1", ExpectedVersion.NoStream), events));
        Assert.Equal(Positions(first), Positions(again));
        Assert.Empty(await ReadStream("order-1"));
        Assert.False((await Store.GetStreamState(Tenant, "order-1", Ct)).IsLive);
    }

    [Fact]
    public async Task a_stored_id_re_sent_with_other_data_returns_the_event_as_first_stored()
    {
        var first = Written(await AppendProposed(AppendCondition.NoCondition, Propose(Of("Created", "order-1"))));
        var resent = new ProposedEvent(first[0].Id, Of("Renamed", "order-2", "x:1"), EventMetadata.Empty);
        var again = Assert.Single(Written(await AppendProposed(AppendCondition.NoCondition, resent)));
        Assert.Equal("Created", again.Type);
        Assert.Equal("order-1", again.Stream);
        Assert.Empty(await ReadStream("order-2"));
        Assert.Equal(1, await Head());
    }

    [Fact]
    public async Task an_exact_version_of_the_largest_value_is_a_plain_mismatch()
    {
        await AppendOk(Of("Created", "order-1"));
        Assert.Equal(1, (await AppendFails(Expect("order-1", Exact(long.MaxValue)), Of("Paid", "order-1"))).ActualVersion);
        var delete = Assert.IsType<DeleteResult.DeleteFailed>(await Store.DeleteStream(Tenant, "order-1", Exact(long.MaxValue), Ct));
        Assert.Equal(1, delete.Item.ActualVersion);
    }

    // EventStoreDB: reading with a count far larger than the stream.
    [Fact]
    public async Task reads_with_the_largest_limit_return_everything_there_is()
    {
        var written = await AppendOk(Of("A", "s-1"), Of("B", "s-1"), Of("A", "s-2"));
        Assert.Equal(Ids(written), Ids(await ReadAll(EventQuery.All.Take(int.MaxValue))));
        Assert.Equal(Ids(written.Reverse()), Ids(await ReadAll(EventQuery.All.Backwards().Take(int.MaxValue))));
        Assert.Equal(2, (await ReadAll(EventQuery.OfTypes("A").Take(int.MaxValue))).Length);
        Assert.Equal(2, (await ReadAll(EventQuery.OfTypes("A").Backwards().Take(int.MaxValue))).Length);
        Assert.Equal(2, (await ReadStream("s-1", 0, long.MaxValue, Direction.Forward, int.MaxValue)).Length);
        Assert.Equal(2, (await ReadStream("s-1", 0, long.MaxValue, Direction.Backward, int.MaxValue)).Length);
        Assert.Equal([2L], (await ReadStream("s-1", 1, long.MaxValue, Direction.Forward, int.MaxValue)).Select(e => e.StreamVersion));
    }

    [Fact]
    public async Task a_limit_of_one_reads_the_first_or_last_event()
    {
        var written = await AppendOk(Of("A", "s-1"), Of("B", "s-1"), Of("C", "s-1"));
        Assert.Equal(written[0].Id, Assert.Single(await ReadAll(EventQuery.All.Take(1))).Id);
        Assert.Equal(written[2].Id, Assert.Single(await ReadAll(EventQuery.All.Backwards().Take(1))).Id);
        Assert.Equal(3, Assert.Single(await ReadStream("s-1", 0, long.MaxValue, Direction.Backward, 1)).StreamVersion);
        Assert.Equal(2, Assert.Single(await ReadStream("s-1", 1, long.MaxValue, Direction.Forward, 1)).StreamVersion);
    }

    // EventStoreDB: deleting a stream that does not exist; soft-deleting twice.
    [Fact]
    public async Task deleting_a_stream_never_written_with_any_or_no_stream_changes_nothing()
    {
        Assert.Equal(0, await Delete("order-1", ExpectedVersion.Any));
        Assert.Equal(0, await Delete("order-1", ExpectedVersion.NoStream));
        Assert.Equal(0, await Delete("order-1", Exact(0)));
        var state = await Store.GetStreamState(Tenant, "order-1", Ct);
        Assert.Equal((0L, 0L), (state.Version, state.DeletedUpTo));
        Assert.Equal(0, await Head());
        Assert.DoesNotContain(Tenant, await Store.GetTenants(Ct));
        Assert.Equal(1, Assert.Single(await AppendOk(Expect("order-1", ExpectedVersion.NoStream), Of("Created", "order-1"))).StreamVersion);
    }

    [Fact]
    public async Task deleting_a_deleted_stream_again_succeeds_unless_it_is_expected_to_exist()
    {
        await AppendOk(Of("Created", "order-1"), Of("Paid", "order-1"));
        Assert.Equal(2, await Delete("order-1", ExpectedVersion.Any));
        Assert.Equal(2, await Delete("order-1", ExpectedVersion.NoStream));
        Assert.Equal(2, await Delete("order-1", Exact(2)));
        var failed = Assert.IsType<DeleteResult.DeleteFailed>(await Store.DeleteStream(Tenant, "order-1", ExpectedVersion.StreamExists, Ct));
        Assert.Equal(2, failed.Item.ActualVersion);
        var state = await Store.GetStreamState(Tenant, "order-1", Ct);
        Assert.Equal((2L, 2L), (state.Version, state.DeletedUpTo));
    }

    [Fact]
    public async Task a_deleted_streams_events_still_answer_queries_and_conditions()
    {
        var written = await AppendOk(Of("Created", "order-1", "customer:1"), Of("Paid", "order-1", "customer:1"));
        await Delete("order-1", ExpectedVersion.Any);
        Assert.Equal(Ids(written), Ids(await ReadAll(EventQuery.OfTags("customer:1"))));
        Assert.Equal(Ids(written.Take(1)), Ids(await ReadAll(EventQuery.OfTypes("Created"))));
        Assert.Equal(ConditionFailureKind.EventsMatched,
            (await AppendFails(AppendCondition.NothingNewSince(EventQuery.OfTags("customer:1"), 0), Of("Created", "order-2", "customer:1"))).Kind);
        await AppendOk(AppendCondition.Where(EventQuery.OfTags("customer:1"), es => es.Length == 2, "two"), Of("Noted"));
    }

    // Catch-up subscriptions read from a position: Before, Direction and Limit of the query are not theirs.
    [Fact]
    public async Task a_subscription_ignores_its_querys_before_direction_and_limit()
    {
        var history = await AppendOk(Of("A"), Of("B"), Of("C"), Of("D"));
        var query = new EventQuery([], 1, 3, Direction.Backward, 1);
        await using var subscription = SubscriptionRecorder.Start(Store, Tenant, query);
        var (events, at) = await subscription.UntilCaughtUp(Patience);
        Assert.Equal(Ids(history.Skip(1)), Ids(events));
        Assert.Equal(4, at);
        var live = await AppendOk(Of("E"), Of("F"));
        Assert.Equal(Ids(live), Ids(await subscription.Events(2, Patience)));
    }

    [Fact]
    public async Task a_subscription_delivers_the_events_of_a_deleted_stream()
    {
        var history = await AppendOk(Of("Created", "order-1"), Of("Paid", "order-1"));
        await Delete("order-1", ExpectedVersion.Any);
        await using var subscription = SubscriptionRecorder.Start(Store, Tenant, EventQuery.All);
        var (events, at) = await subscription.UntilCaughtUp(Patience);
        Assert.Equal(Ids(history), Ids(events));
        Assert.Equal(2, at);
    }

    [Fact]
    public async Task a_subscription_from_the_largest_position_is_caught_up_and_delivers_nothing()
    {
        await AppendOk(Of("A"));
        await using var subscription = SubscriptionRecorder.Start(Store, Tenant, EventQuery.All.AfterPosition(long.MaxValue));
        var (events, _) = await subscription.UntilCaughtUp(Patience);
        Assert.Empty(events);
    }

    // Stores compare names byte for byte: no case folding, no Unicode normalisation, no trimming, no truncation.
    [Fact]
    public async Task streams_types_and_tags_differing_only_in_case_or_normal_form_are_distinct()
    {
        string[] names = ["order-\u00e9", "order-e\u0301", "Order-\u00e9", "ORDER-\u00c9"];
        foreach (var name in names) await AppendOk(Of(name, name, "k:" + name));
        foreach (var name in names)
        {
            Assert.Equal(name, Assert.Single(await ReadStream(name)).Stream);
            Assert.Equal(name, Assert.Single(await ReadAll(EventQuery.OfTags("k:" + name))).Stream);
            Assert.Equal(name, Assert.Single(await ReadAll(EventQuery.OfTypes(name))).Stream);
            Assert.Equal(1, (await Store.GetStreamState(Tenant, name, Ct)).Version);
        }
    }

    [Fact]
    public async Task tag_values_differing_only_in_spaces_are_distinct()
    {
        string[] tags = ["k:a b", "k:a  b", "k:a b ", "k: a b"];
        var written = new List<RecordedEvent>();
        foreach (var tag in tags) written.AddRange(await AppendOk(Of("Tagged", null, tag)));
        for (var i = 0; i < tags.Length; i++)
            Assert.Equal(tags[i], Assert.Single(Assert.Single(await ReadAll(EventQuery.OfTags(tags[i]))).Tags));
    }

    [Fact]
    public async Task the_longest_names_of_four_byte_characters_differing_only_at_the_end_are_distinct()
    {
        var emoji = string.Concat(Enumerable.Repeat("\U0001F600", 99));
        string[] streams = [emoji + "a", emoji + "b"];
        string[] types = [emoji + "a", emoji + "b"];
        string[] tags = ["k:" + string.Concat(Enumerable.Repeat("\U0001F600", 98)) + "a", "k:" + string.Concat(Enumerable.Repeat("\U0001F600", 98)) + "b"];
        Assert.Equal(Limits.StreamLength, streams[0].Length + 1);
        for (var i = 0; i < 2; i++) await AppendOk(Of(types[i], streams[i], tags[i]));
        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(streams[i], Assert.Single(await ReadStream(streams[i])).Stream);
            Assert.Equal(streams[i], Assert.Single(await ReadAll(EventQuery.OfTypes(types[i]))).Stream);
            Assert.Equal(streams[i], Assert.Single(await ReadAll(EventQuery.OfTags(tags[i]))).Stream);
        }
    }

    // DCB specification: a query item's tags are all required; naming one twice asks no more than naming it once.
    [Fact]
    public async Task a_query_item_naming_a_tag_or_type_twice_matches_as_if_named_once()
    {
        var written = await AppendOk(Of("Created", "c-1", "course:1", "student:1"), Of("Created", "c-2", "course:1"), Of("Other", "c-3", "course:1", "student:1"));
        var twice = EventQuery.Of(new QueryItem(["Created", "Created"], ["course:1", "student:1", "course:1"]));
        Assert.Equal(Ids(written.Take(1)), Ids(await ReadAll(twice)));
        Assert.Equal(Ids(written.Take(1)), Ids(await ReadAll(twice.Backwards().Take(1))));
        Assert.Equal(Ids([written[0], written[2]]), Ids(await ReadAll(EventQuery.OfTags("student:1", "student:1"))));
        Assert.Equal(ConditionFailureKind.EventsMatched, (await AppendFails(AppendCondition.NothingNewSince(twice, 0), Of("Created", "c-4"))).Kind);
        await using var subscription = SubscriptionRecorder.Start(Store, Tenant, twice);
        Assert.Equal(Ids(written.Take(1)), Ids((await subscription.UntilCaughtUp(Patience)).Events));
    }

    [Fact]
    public async Task an_event_tagged_twice_with_one_tag_matches_it_once()
    {
        var stored = Assert.Single(await AppendOk(Of("Created", "c-1", "course:1", "course:1")));
        Assert.Equal(stored.Id, Assert.Single(await ReadAll(EventQuery.OfTags("course:1"))).Id);
        Assert.Equal(stored.Tags, Assert.Single(await ReadAll()).Tags);
    }

    [Fact]
    public async Task a_window_whose_after_is_beyond_its_before_is_empty_in_both_directions()
    {
        await AppendOk(Of("A", "s-1"), Of("B", "s-1"), Of("C", "s-1"), Of("D", "s-1"));
        Assert.Empty(await ReadAll(Query(3, 2, Direction.Forward, 0)));
        Assert.Empty(await ReadAll(Query(3, 2, Direction.Backward, 0)));
        Assert.Empty(await ReadAll(Query(3, 2, Direction.Backward, 1, QueryItem.OfTypes("A", "B", "C", "D"))));
        Assert.Empty(await ReadStream("s-1", 3, 2, Direction.Forward, 0));
        Assert.Empty(await ReadStream("s-1", 3, 2, Direction.Backward, 1));
    }

    // Eventuous and EventStoreDB: reading a stream's tail backward from a version.
    [Fact]
    public async Task a_backward_stream_read_with_an_after_version_reads_newest_first_down_to_it()
    {
        await AppendOk(Of("A", "s-1"), Of("B", "s-1"), Of("C", "s-1"), Of("D", "s-1"), Of("E", "s-1"));
        Assert.Equal([5L, 4L], (await ReadStream("s-1", 3, long.MaxValue, Direction.Backward, 0)).Select(e => e.StreamVersion));
        Assert.Equal([5L], (await ReadStream("s-1", 2, long.MaxValue, Direction.Backward, 1)).Select(e => e.StreamVersion));
        Assert.Equal([4L, 3L], (await ReadStream("s-1", 2, 5, Direction.Backward, 5)).Select(e => e.StreamVersion));
    }

    // The core's rule: an item with neither types nor tags matches every event, alone or beside other items.
    [Fact]
    public async Task a_query_item_without_types_or_tags_matches_every_event_wherever_a_query_is_used()
    {
        var written = await AppendOk(Of("A", "s-1", "k:1"), Of("B"), Of("C", "s-2"));
        var empty = new QueryItem([], []);
        foreach (var query in new[] { EventQuery.Of(empty), new EventQuery([QueryItem.OfTypes("A"), empty], 0, long.MaxValue, Direction.Forward, 0), new EventQuery([QueryItem.OfTags("k:2"), empty], 0, long.MaxValue, Direction.Forward, 0) })
        {
            Assert.Equal(Ids(written), Ids(await ReadAll(query)));
            Assert.Equal(Ids(written.Reverse().Take(2)), Ids(await ReadAll(query.Backwards().Take(2))));
            Assert.Equal(Ids(written.Skip(1)), Ids(await ReadAll(query.AfterPosition(1))));
            Assert.Equal(ConditionFailureKind.EventsMatched, (await AppendFails(AppendCondition.NothingNewSince(query, 2), Of("D"))).Kind);
            await using var subscription = SubscriptionRecorder.Start(Store, Tenant, query);
            Assert.Equal(Ids(written), Ids((await subscription.UntilCaughtUp(Patience)).Events));
        }
        await using var live = SubscriptionRecorder.Start(Store, Tenant, new EventQuery([QueryItem.OfTypes("A"), empty], 3, long.MaxValue, Direction.Forward, 0));
        await live.UntilCaughtUp(Patience);
        var later = await AppendOk(Of("Z", null, "q:1"));
        Assert.Equal(Ids(later), Ids(await live.Events(1, Patience)));
    }

    [Fact]
    public async Task a_subscription_of_several_items_delivers_their_union_once_in_catch_up_and_live()
    {
        var history = await AppendOk(Of("A", null, "k:1"), Of("B", null, "k:2"), Of("A", null, "k:2"), Of("C"));
        var query = new EventQuery([QueryItem.OfTypes("A"), QueryItem.OfTags("k:2")], 0, long.MaxValue, Direction.Forward, 0);
        await using var subscription = SubscriptionRecorder.Start(Store, Tenant, query);
        Assert.Equal(Ids(history.Take(3)), Ids((await subscription.UntilCaughtUp(Patience)).Events));
        var live = await AppendOk(Of("C"), Of("A", null, "k:2"), Of("D", null, "k:2"), Of("A"), Of("E", null, "k:1"));
        var more = await AppendOk(Of("A", null, "k:9"));
        Assert.Equal(Ids([live[1], live[2], live[3], more[0]]), Ids(await subscription.Events(4, Patience)));
    }

    [Fact]
    public async Task a_tenant_with_checkpoints_deletes_and_failed_appends_but_no_events_is_not_listed()
    {
        Assert.True((await Store.ClaimCheckpoint(Tenant, "projector", 1, Ct)).IsOk);
        Assert.True((await Store.WriteCheckpoint(Tenant, new CheckpointWrite("projector", 5, 1), Ct)).IsOk);
        await Store.ResetCheckpoint(Tenant, "other", 3, Ct);
        Assert.Empty(Written(await Store.Append(new AppendRequest(Tenant, [], AppendCondition.NoCondition, Some(new CheckpointWrite("mailer", 2, 0))), Ct)));
        await Delete("order-1", ExpectedVersion.Any);
        await AppendFails(Expect("order-1", ExpectedVersion.StreamExists), Of("Paid", "order-1"));
        Assert.DoesNotContain(Tenant, await Store.GetTenants(Ct));
        Assert.Equal(0, await Head());
        await AppendOk(Of("Created", "order-1"));
        Assert.Contains(Tenant, await Store.GetTenants(Ct));
    }

    // DCB specification: the condition is checked against stored events only, from a position that may lie ahead.
    [Fact]
    public async Task a_condition_after_a_position_beyond_the_head_holds_and_ignores_the_events_being_appended()
    {
        await AppendOk(Of("Registered", null, "username:ada"));
        var query = EventQuery.OfTags("username:ada");
        await AppendOk(AppendCondition.NothingNewSince(query, 1_000), Of("Registered", null, "username:ada"));
        await AppendOk(AppendCondition.NothingNewSince(EventQuery.OfTags("username:bob"), 0), Of("Registered", null, "username:bob"), Of("Renamed", null, "username:bob"));
        await AppendFails(AppendCondition.NothingNewSince(EventQuery.OfTags("username:bob"), 0), Of("Registered", null, "username:bob"));
        await AppendOk(AppendCondition.Where(query.AfterPosition(long.MaxValue - 1), es => es.Length == 0, "nothing ahead"), Of("Noted"));
    }

    [Fact]
    public async Task a_live_subscription_sees_nothing_of_repeats_failures_deletes_or_empty_appends()
    {
        var proposed = Propose(Of("Created", "order-1"));
        var first = Written(await AppendProposed(AppendCondition.NoCondition, proposed));
        await using var subscription = SubscriptionRecorder.Start(Store, Tenant, EventQuery.All);
        Assert.Equal(Ids(first), Ids((await subscription.UntilCaughtUp(Patience)).Events));
        Written(await AppendProposed(AppendCondition.NoCondition, proposed));
        await AppendFails(Expect("order-1", ExpectedVersion.NoStream), Of("Created", "order-1"));
        Assert.Empty(Written(await AppendNothing(AppendCondition.NoCondition)));
        await Delete("order-1", ExpectedVersion.Any);
        var next = await AppendOk(Of("Created", "order-1"));
        Assert.Equal(Ids(next), Ids(await subscription.Events(1, Patience)));
        Assert.Equal(2, next[0].Position);
    }

    // EventStoreDB and Eventuous: a stream read from any revision, either way, with any count, after a soft delete.
    [Fact]
    public async Task every_window_of_a_recreated_stream_reads_only_its_live_versions()
    {
        await AppendOk(Of("A", "s-1"), Of("Other", "s-2"), Of("B", "s-1"), Of("C", "s-1"));
        await Delete("s-1", ExpectedVersion.Any);
        await AppendOk(Of("D", "s-1"), Of("Other", "s-2"));
        await AppendOk(Of("E", "s-1"), Of("F", "s-1"));
        long[] live = [4, 5, 6];
        for (long after = 0; after <= 7; after++)
            for (long before = 0; before <= 8; before++)
                foreach (var direction in new[] { Direction.Forward, Direction.Backward })
                    for (var limit = 0; limit <= 3; limit++)
                    {
                        var inWindow = live.Where(v => v > after && v < before);
                        var ordered = direction == Direction.Forward ? inWindow : inWindow.Reverse();
                        var expected = (limit == 0 ? ordered : ordered.Take(limit)).ToArray();
                        var read = (await ReadStream("s-1", after, before == 8 ? long.MaxValue : before, direction, limit)).Select(e => e.StreamVersion).ToArray();
                        Assert.True(expected.AsEnumerable().SequenceEqual(read), $"after {after}, before {before}, {direction}, limit {limit}: expected [{string.Join(",", expected)}], read [{string.Join(",", read)}]");
                    }
    }

    [Fact]
    public async Task every_window_of_a_filtered_read_of_all_is_the_cores_selection()
    {
        var log = new List<RecordedEvent>();
        for (var i = 0; i < 9; i++) log.AddRange(await AppendOk(Of(i % 3 == 0 ? "A" : "B", "s-" + (i % 2), "n:" + (i % 4))));
        EventQuery[] queries = [EventQuery.All, EventQuery.OfTypes("A"), EventQuery.OfTags("n:1"), new EventQuery([QueryItem.OfTypes("A"), QueryItem.OfTags("n:2")], 0, long.MaxValue, Direction.Forward, 0)];
        foreach (var q in queries)
            for (long after = 0; after <= 10; after += 2)
                for (long before = 1; before <= 11; before += 2)
                    foreach (var direction in new[] { Direction.Forward, Direction.Backward })
                        foreach (var limit in new[] { 0, 1, 2, 5 })
                        {
                            var query = new EventQuery(q.Items, after, before == 11 ? long.MaxValue : before, direction, limit);
                            var expected = Ids(EventQueryModule.select(query, log));
                            var read = Ids(await ReadAll(query));
                            Assert.True(expected.AsEnumerable().SequenceEqual(read), $"after {after}, before {before}, {direction}, limit {limit}, {q.Items.Length} items");
                        }
    }

    // EventStoreDB: a soft-deleted stream is recreated by the first write expecting no stream, and only by it.
    [Fact]
    public async Task of_concurrent_recreations_of_a_deleted_stream_expecting_no_stream_exactly_one_wins()
    {
        await AppendOk(Of("Created", "order-1"), Of("Paid", "order-1"));
        await Delete("order-1", ExpectedVersion.Any);
        var results = await Task.WhenAll(Enumerable.Range(0, 8)
            .Select(i => Task.Run(() => Append(Expect("order-1", ExpectedVersion.NoStream), Of($"Recreated{i}", "order-1")))));
        var winner = Assert.Single(results, r => r.IsAppended);
        Assert.Equal(3, Assert.Single(Written(winner)).StreamVersion);
        Assert.All(results.Where(r => !r.IsAppended), r => Assert.Equal(3, Failed(r).ActualVersion));
        Assert.Equal(Ids(Written(winner)), Ids(await ReadStream("order-1")));
    }

    // EventStoreDB: can append many events at once; the largest append allowed is written whole, with every tag.
    [Fact]
    public async Task the_largest_append_allowed_with_the_most_tags_is_written_and_read_whole()
    {
        var limits = InputLimits.Default;
        var tags = Enumerable.Range(0, limits.MaxTags).Select(i => $"k{i}:v").ToArray();
        var written = await AppendOk(Expect("bulk-1", ExpectedVersion.NoStream), Many(limits.MaxEventsPerAppend, "Bulk", "bulk-1", tags));
        Assert.Equal(limits.MaxEventsPerAppend, written.Length);
        Assert.Equal(limits.MaxEventsPerAppend, written[^1].StreamVersion);
        Assert.Equal(limits.MaxEventsPerAppend, (await Store.GetStreamState(Tenant, "bulk-1", Ct)).Version);
        var read = await ReadAll(EventQuery.OfTags(tags).Backwards().Take(3));
        Assert.Equal(Ids(written.Reverse().Take(3)), Ids(read));
        Assert.All(read, e => Assert.Equal(tags, e.Tags));
        Assert.Equal(limits.MaxEventsPerAppend, (await ReadStream("bulk-1")).Length);
    }

    [Fact]
    public async Task a_query_of_many_items_each_with_the_most_tags_reads_their_union()
    {
        var written = await AppendOk(Enumerable.Range(0, 40).Select(i => Of("T" + (i % 5), null, Enumerable.Range(0, 32).Select(k => $"k{k}:{i % 8}").ToArray())).ToArray());
        var items = Enumerable.Range(0, 100).Select(i => new QueryItem([$"T{i % 5}", "Missing"], Enumerable.Range(0, 32).Select(k => $"k{k}:{i % 3}").ToArray())).ToArray();
        var query = new EventQuery(items, 0, long.MaxValue, Direction.Forward, 0);
        Assert.Equal(Ids(EventQueryModule.select(query, written)), Ids(await ReadAll(query)));
        Assert.Equal(Ids(EventQueryModule.select(query.Backwards().Take(4), written)), Ids(await ReadAll(query.Backwards().Take(4))));
        await AppendFails(AppendCondition.NothingNewSince(query, 0), Of("X"));
    }

    // KurrentDB: deleting a stream that was never written, expecting it at revision 0 (no stream), changes nothing.
    [Fact]
    public async Task deleting_a_stream_never_written_expecting_version_zero_succeeds_at_zero_and_any_other_version_fails()
    {
        Assert.Equal(DeleteResult.NewStreamDeleted(0), await Store.DeleteStream(Tenant, "never", Exact(0), Ct));
        Assert.Equal(new StreamState(0, 0), await Store.GetStreamState(Tenant, "never", Ct));
        var failed = Assert.IsType<DeleteResult.DeleteFailed>(await Store.DeleteStream(Tenant, "never", Exact(1), Ct));
        Assert.Equal(("never", 0L), (failed.Item.Stream, failed.Item.ActualVersion));
        Assert.DoesNotContain(Tenant, await Store.GetTenants(Ct));
    }
}
