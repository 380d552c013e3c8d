using Microsoft.FSharp.Collections;
using static Hybrid.Tests.Integration.Conformance.TestEvents;

namespace Hybrid.Tests.Integration.Conformance;

/// <summary>Fail-if-events-match (dynamic consistency boundaries), predicates and combined conditions.</summary>
public abstract class ConditionConformance(IEventStoreFactory factory) : ConformanceSuite(factory)
{
    private static AppendCondition NothingNew(EventQuery query, long after) => AppendCondition.NothingNewSince(query, after);

    private static AppendCondition AllOf(params AppendCondition[] conditions) => AppendCondition.NewAll(ListModule.OfArray(conditions));

    [Fact]
    public async Task fail_if_events_match_accepts_when_only_other_events_came_after_the_position()
    {
        await AppendOk(Of("SeatReserved", null, "seat:1"));
        var seen = await Head();
        await AppendOk(Of("SeatReserved", null, "seat:2"), Of("Other", null, "seat:1"));
        await AppendOk(NothingNew(EventQuery.Of(new QueryItem(["SeatReserved"], ["seat:1"])), seen), Of("SeatReserved", null, "seat:1"));
        Assert.Equal(2, (await ReadAll(EventQuery.Of(new QueryItem(["SeatReserved"], ["seat:1"])))).Length);
    }

    [Fact]
    public async Task fail_if_events_match_rejects_a_match_after_the_position_and_writes_nothing()
    {
        await AppendOk(Of("SeatReserved", null, "seat:1"));
        var seen = await Head();
        await AppendOk(Of("SeatReserved", null, "seat:1"));
        var failure = await AppendFails(NothingNew(EventQuery.OfTags("seat:1"), seen), Of("SeatReserved", null, "seat:1"));
        Assert.Equal(ConditionFailureKind.EventsMatched, failure.Kind);
        Assert.Equal(2, (await ReadAll()).Length);
    }

    [Fact]
    public async Task fail_if_events_match_ignores_matches_at_or_before_the_position()
    {
        var first = await AppendOk(Of("SeatReserved", null, "seat:1"), Of("SeatReserved", null, "seat:1"));
        await AppendOk(NothingNew(EventQuery.OfTags("seat:1"), first[1].Position), Of("SeatReserved", null, "seat:1"));
        await AppendFails(NothingNew(EventQuery.OfTags("seat:1"), first[1].Position), Of("SeatReserved", null, "seat:1"));
    }

    [Fact]
    public async Task fail_if_events_match_from_the_start_rejects_any_match_ever()
    {
        await AppendOk(Of("UserRegistered", null, "email:a@x"));
        await AppendFails(NothingNew(EventQuery.OfTags("email:a@x"), 0), Of("UserRegistered", null, "email:a@x"));
        await AppendOk(NothingNew(EventQuery.OfTags("email:b@x"), 0), Of("UserRegistered", null, "email:b@x"));
    }

    [Fact]
    public async Task fail_if_events_match_needs_all_tags_of_an_item()
    {
        await AppendOk(Of("Enrolled", null, "course:1"), Of("Enrolled", null, "student:1"));
        await AppendOk(NothingNew(EventQuery.OfTags("course:1", "student:1"), 0), Of("Enrolled", null, "course:1", "student:1"));
        await AppendFails(NothingNew(EventQuery.OfTags("course:1", "student:1"), 0), Of("Enrolled", null, "course:1", "student:1"));
    }

    [Fact]
    public async Task fail_if_events_match_matches_any_of_several_items_and_types()
    {
        await AppendOk(Of("A"), Of("B"));
        var seen = await Head();
        var query = new EventQuery([QueryItem.OfTypes("X", "C"), QueryItem.OfTags("k:1")], 0, long.MaxValue, Direction.Forward, 0);
        await AppendOk(NothingNew(query, seen), Of("Unrelated"));
        await AppendOk(Of("C"));
        await AppendFails(NothingNew(query, seen), Of("D"));
        var afterC = await Head();
        await AppendOk(NothingNew(query, afterC), Of("D"));
        await AppendOk(Of("Z", null, "k:1"));
        await AppendFails(NothingNew(query, afterC), Of("D"));
    }

    [Fact]
    public async Task a_predicate_sees_exactly_the_matching_events_in_order()
    {
        var matching = await AppendOk(Of("Deposited", "acc-1"), Of("Withdrawn", "acc-1"), Of("Deposited", "acc-2"), Of("Deposited", "acc-1"));
        RecordedEvent[]? seen = null;
        await AppendOk(AppendCondition.Where(EventQuery.OfTypes("Deposited"), events => { seen = events; return true; }, "capture"),
            Of("Audited"));
        Assert.Equal(Ids([matching[0], matching[2], matching[3]]), Ids(seen!));
    }

    [Fact]
    public async Task a_rejecting_predicate_writes_nothing_and_names_itself()
    {
        await AppendOk(Of("Deposited", "acc-1"), Of("Deposited", "acc-1"));
        var failure = await AppendFails(
            AppendCondition.Where(EventQuery.OfTypes("Deposited"), events => events.Length < 2, "at most one deposit"),
            Of("Deposited", "acc-1"));
        Assert.Equal(ConditionFailureKind.PredicateRejected, failure.Kind);
        Assert.Contains("at most one deposit", failure.Reason);
        Assert.Equal(2, (await ReadStream("acc-1")).Length);
    }

    [Fact]
    public async Task a_predicate_over_a_query_with_a_position_sees_only_later_events()
    {
        var first = await AppendOk(Of("Tick"), Of("Tick"), Of("Tick"));
        var counted = -1;
        await AppendOk(AppendCondition.Where(EventQuery.OfTypes("Tick").AfterPosition(first[1].Position),
            events => { counted = events.Length; return true; }, "count"), Of("Tock"));
        Assert.Equal(1, counted);
    }

    [Fact]
    public async Task all_of_passing_conditions_appends()
    {
        await AppendOk(Of("Created", "order-1"));
        var written = await AppendOk(AllOf(
                Expect("order-1", Exact(1)),
                Expect("order-2", ExpectedVersion.NoStream),
                NothingNew(EventQuery.OfTypes("Cancelled"), 0),
                AppendCondition.Where(EventQuery.OfTypes("Created"), es => es.Length == 1, "one created")),
            Of("Paid", "order-1"));
        Assert.Equal(2, Assert.Single(written).StreamVersion);
    }

    [Fact]
    public async Task all_of_conditions_fails_when_any_one_fails_and_reports_that_one()
    {
        await AppendOk(Of("Created", "order-1"), Of("Cancelled", "order-9"));
        var versionFails = await AppendFails(AllOf(NothingNew(EventQuery.OfTypes("Shipped"), 0), Expect("order-1", ExpectedVersion.NoStream)),
            Of("Paid", "order-1"));
        Assert.Equal(ConditionFailureKind.WrongExpectedVersion, versionFails.Kind);
        var matchFails = await AppendFails(AllOf(Expect("order-1", Exact(1)), NothingNew(EventQuery.OfTypes("Cancelled"), 0)),
            Of("Paid", "order-1"));
        Assert.Equal(ConditionFailureKind.EventsMatched, matchFails.Kind);
        var nestedFails = await AppendFails(AllOf(Expect("order-1", Exact(1)),
                AllOf(AppendCondition.Where(EventQuery.All, _ => false, "never"))),
            Of("Paid", "order-1"));
        Assert.Equal(ConditionFailureKind.PredicateRejected, nestedFails.Kind);
        Assert.Single(await ReadStream("order-1"));
    }

    [Fact]
    public async Task an_empty_all_of_conditions_always_appends()
    {
        await AppendOk(AllOf(), Of("Created", "order-1"));
        Assert.Single(await ReadStream("order-1"));
    }

    [Fact]
    public async Task of_concurrent_deciders_guarding_the_same_boundary_exactly_one_wins()
    {
        await AppendOk(Of("CourseOpened", null, "course:1"));
        var seen = await Head();
        var attempts = Enumerable.Range(0, 16)
            .Select(i => Task.Run(() => Append(NothingNew(EventQuery.OfTags("course:1"), seen), Of("Enrolled", null, "course:1", $"student:{i}"))))
            .ToArray();
        var results = await Task.WhenAll(attempts);
        Assert.Single(results, r => r.IsAppended);
        Assert.All(results.Where(r => !r.IsAppended), r => Assert.Equal(ConditionFailureKind.EventsMatched, Failed(r).Kind));
        Assert.Equal(2, (await ReadAll()).Length);
    }

    [Fact]
    public async Task a_predicate_sees_the_matching_events_in_its_query_direction_and_limit()
    {
        var ticks = await AppendOk(Of("Tick"), Of("Tock"), Of("Tick"), Of("Tick"), Of("Tock"));
        RecordedEvent[]? newest = null, oldest = null;
        await AppendOk(AppendCondition.Where(EventQuery.OfTypes("Tick").Backwards().Take(2), es => { newest = es; return true; }, "newest two"),
            Of("Audited"));
        await AppendOk(AppendCondition.Where(EventQuery.OfTypes("Tick").Take(1), es => { oldest = es; return true; }, "oldest"),
            Of("Audited"));
        Assert.Equal(Ids([ticks[3], ticks[2]]), Ids(newest!));
        Assert.Equal(Ids([ticks[0]]), Ids(oldest!));
        Assert.Equal(Ids(await ReadAll(EventQuery.OfTypes("Tick").Backwards().Take(2))), Ids(newest!));
    }

    [Fact]
    public async Task a_fail_if_events_match_condition_sees_every_match_after_its_position_whatever_the_query_limit_and_direction()
    {
        var written = await AppendOk(Of("Tick"), Of("Tick"), Of("Tick"));
        var after = written[0].Position;
        Assert.Equal(ConditionFailureKind.EventsMatched, (await AppendFails(NothingNew(EventQuery.OfTypes("Tick").Take(1), after), Of("X"))).Kind);
        Assert.Equal(ConditionFailureKind.EventsMatched,
            (await AppendFails(NothingNew(EventQuery.OfTypes("Tick").Backwards().Take(1), after), Of("X"))).Kind);
        Assert.Equal(3, await Head());
    }

    [Fact]
    public async Task a_fail_if_events_match_condition_on_an_empty_query_fails_on_any_event_after_its_position()
    {
        await AppendOk(Of("A"), Of("B", "s-1", "k:1"));
        var head = await Head();
        await AppendOk(NothingNew(EventQuery.All, head), Of("C"));
        Assert.Equal(ConditionFailureKind.EventsMatched, (await AppendFails(NothingNew(EventQuery.All, head), Of("D"))).Kind);
        await AppendOk(NothingNew(EventQuery.All, await Head()), Of("D"));
        Assert.Equal(4, await Head());
    }

    [Fact]
    public async Task a_condition_item_of_types_only_tags_only_or_both_matches_an_event_tagged_several_ways_as_a_read_does()
    {
        await AppendOk(Of("CourseDefined", null, "course:c1"));
        var seen = await Head();
        await AppendOk(Of("StudentSubscribed", null, "course:c1", "student:s1", "term:t1"));
        QueryItem[] matching = [QueryItem.OfTypes("StudentSubscribed"), QueryItem.OfTags("student:s1"), QueryItem.OfTags("course:c1", "student:s1"),
            new QueryItem(["StudentSubscribed"], ["term:t1", "course:c1"]), new QueryItem(["Other", "StudentSubscribed"], ["student:s1"])];
        QueryItem[] missing = [QueryItem.OfTypes("CourseDefined"), QueryItem.OfTags("student:s2"), QueryItem.OfTags("course:c1", "student:s2"),
            new QueryItem(["CourseDefined"], ["student:s1"]), new QueryItem(["StudentSubscribed"], ["course:c2"])];
        foreach (var item in matching)
        {
            Assert.Single(await ReadAll(EventQuery.Of(item).AfterPosition(seen)));
            Assert.Equal(ConditionFailureKind.EventsMatched, (await AppendFails(NothingNew(EventQuery.Of(item), seen), Of("X"))).Kind);
            Assert.Equal(ConditionFailureKind.EventsMatched,
                (await AppendFails(NothingNew(new EventQuery([QueryItem.OfTypes("Never"), item], 0, long.MaxValue, Direction.Forward, 0), seen), Of("X"))).Kind);
        }
        foreach (var item in missing)
            Assert.Empty(await ReadAll(EventQuery.Of(item).AfterPosition(seen)));
        await AppendOk(NothingNew(new EventQuery(missing, 0, long.MaxValue, Direction.Forward, 0), seen), Of("X"));
        Assert.Equal(3, await Head());
    }

    [Fact]
    public async Task several_fail_if_events_match_conditions_in_one_append_each_keep_their_own_position()
    {
        await AppendOk(Of("A", null, "a:1"));
        var afterA = await Head();
        await AppendOk(Of("B", null, "b:1"));
        var afterB = await Head();
        await AppendOk(AllOf(NothingNew(EventQuery.OfTags("a:1"), afterA), NothingNew(EventQuery.OfTags("b:1"), afterB)), Of("C"));
        Assert.Equal(ConditionFailureKind.EventsMatched,
            (await AppendFails(AllOf(NothingNew(EventQuery.OfTags("a:1"), afterA), NothingNew(EventQuery.OfTags("b:1"), afterA)), Of("C"))).Kind);
        Assert.Equal(ConditionFailureKind.EventsMatched,
            (await AppendFails(AllOf(NothingNew(EventQuery.OfTags("b:1"), afterB), NothingNew(EventQuery.OfTags("a:1"), 0)), Of("C"))).Kind);
        Assert.Equal(3, await Head());
    }

    [Fact]
    public async Task a_fail_if_events_match_condition_counts_only_matches_inside_its_querys_window()
    {
        await AppendOk(Of("Tick"), Of("Tick"), Of("Tick"), Of("Tick"));
        await AppendOk(NothingNew(Query(0, 3, Direction.Forward, 0, QueryItem.OfTypes("Tick")), 2), Of("X"));
        await AppendOk(NothingNew(EventQuery.OfTypes("Tick").AfterPosition(4), 0), Of("X"));
        Assert.Equal(ConditionFailureKind.EventsMatched,
            (await AppendFails(NothingNew(EventQuery.OfTypes("Tick").AfterPosition(3), 1), Of("X"))).Kind);
        Assert.Equal(ConditionFailureKind.EventsMatched,
            (await AppendFails(NothingNew(Query(0, 4, Direction.Forward, 0, QueryItem.OfTypes("Tick")), 2), Of("X"))).Kind);
        Assert.Equal(6, await Head());
    }

    [Fact]
    public async Task a_fail_if_events_match_condition_never_sees_the_events_of_its_own_append()
    {
        await AppendOk(NothingNew(EventQuery.OfTags("seat:1"), 0), Of("SeatReserved", null, "seat:1"), Of("SeatReserved", null, "seat:1"));
        await AppendOk(NothingNew(EventQuery.All, await Head()), Of("SeatReleased", null, "seat:1"));
        Assert.Equal(3, await Head());
    }

    [Fact]
    public async Task of_concurrent_deciders_guarding_disjoint_boundaries_every_one_wins()
    {
        await AppendOk(Of("CourseOpened", null, "course:1"));
        var seen = await Head();
        var attempts = Enumerable.Range(0, 16)
            .Select(i => Task.Run(() => Append(NothingNew(EventQuery.OfTags($"student:{i}"), seen), Of("Enrolled", null, "course:1", $"student:{i}"))))
            .ToArray();
        var results = await Task.WhenAll(attempts);
        Assert.All(results, r => Written(r));
        Assert.Equal(Enumerable.Range(1, 17).Select(i => (long)i), Positions(await ReadAll()));
    }

    [Fact]
    public async Task two_deciders_each_writing_what_the_others_condition_guards_never_both_win()
    {
        for (var round = 0; round < 20; round++)
        {
            var seen = await Head();
            var results = await Task.WhenAll(
                Task.Run(() => Append(NothingNew(EventQuery.OfTags($"a:{round}"), seen), Of("Wrote", null, $"b:{round}"))),
                Task.Run(() => Append(NothingNew(EventQuery.OfTags($"b:{round}"), seen), Of("Wrote", null, $"a:{round}"))));
            Assert.Single(results, r => r.IsAppended);
            Assert.Equal(seen + 1, await Head());
        }
    }
}
