using static Hybrid.Tests.Integration.Conformance.TestEvents;

namespace Hybrid.Tests.Integration.Conformance;

/// <summary>Reading $all and streams in both directions, in pages (After, Before, Limit), and past the end.</summary>
public abstract class PagingConformance(IEventStoreFactory factory) : ConformanceSuite(factory)
{
    private async Task<RecordedEvent[]> TenEventsOverTwoStreams()
    {
        var written = new List<RecordedEvent>();
        for (var i = 0; i < 5; i++) written.AddRange(await AppendOk(Of("A", "s-a", "n:" + i), Of("B", "s-b", "n:" + i)));
        return written.ToArray();
    }

    [Fact]
    public async Task all_reads_forward_in_gapless_positions_from_one()
    {
        var written = await TenEventsOverTwoStreams();
        var read = await ReadAll();
        Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i), Positions(read));
        Assert.Equal(Ids(written), Ids(read));
        Assert.Equal(10, await Head());
    }

    [Fact]
    public async Task all_reads_backward_newest_first()
    {
        var written = await TenEventsOverTwoStreams();
        Assert.Equal(Ids(written.Reverse()), Ids(await ReadAll(EventQuery.All.Backwards())));
    }

    [Fact]
    public async Task recorded_events_carry_what_was_appended()
    {
        var data = new EventData("Created", ["customer:7", "region:eu"], "order-7", """{"total":12.5,"items":[1,2]}""", 3);
        var id = Guid.CreateVersion7();
        var metadata = EventMetadata.Of("cause-1", "corr-1", "alice");
        var stored = Written(await Store.Append(AppendRequest.Of(Tenant, new ProposedEvent(id, data, metadata)), Ct));
        var read = Assert.Single(await ReadAll());
        foreach (var e in new[] { Assert.Single(stored), read })
        {
            Assert.Equal(id, e.Id);
            Assert.Equal(Tenant, e.Tenant);
            Assert.Equal("Created", e.Type);
            Assert.Equal(["customer:7", "region:eu"], e.Tags);
            Assert.Equal("order-7", e.Stream);
            Assert.Equal(3, e.SchemaVersion);
            Assert.Equal(metadata, e.Metadata);
            Assert.Equal(1, e.Position);
            Assert.Equal(1, e.StreamVersion);
            using var body = System.Text.Json.JsonDocument.Parse(e.Body);
            Assert.Equal(12.5m, body.RootElement.GetProperty("total").GetDecimal());
            Assert.Equal(2, body.RootElement.GetProperty("items").GetArrayLength());
        }
        Assert.Equal(stored[0].Timestamp, read.Timestamp);
    }

    [Fact]
    public async Task all_pages_forward_with_after_and_limit()
    {
        var written = await TenEventsOverTwoStreams();
        var pages = new List<RecordedEvent[]>();
        long after = 0;
        while (true)
        {
            var page = await ReadAll(EventQuery.All.AfterPosition(after).Take(3));
            if (page.Length == 0) break;
            pages.Add(page);
            after = page[^1].Position;
        }
        Assert.Equal([3, 3, 3, 1], pages.Select(p => p.Length));
        Assert.Equal(Ids(written), Ids(pages.SelectMany(p => p)));
    }

    [Fact]
    public async Task all_pages_backward_with_before_and_limit()
    {
        var written = await TenEventsOverTwoStreams();
        var pages = new List<RecordedEvent[]>();
        var before = long.MaxValue;
        while (true)
        {
            var page = await ReadAll(Query(0, before, Direction.Backward, 4));
            if (page.Length == 0) break;
            pages.Add(page);
            before = page[^1].Position;
        }
        Assert.Equal([4, 4, 2], pages.Select(p => p.Length));
        Assert.Equal(Ids(written.Reverse()), Ids(pages.SelectMany(p => p)));
    }

    [Fact]
    public async Task all_reads_a_window_strictly_between_after_and_before()
    {
        await TenEventsOverTwoStreams();
        Assert.Equal(new long[] { 4L, 5L, 6L }, Positions(await ReadAll(Query(3, 7, Direction.Forward, 0))));
        Assert.Equal(new long[] { 6L, 5L, 4L }, Positions(await ReadAll(Query(3, 7, Direction.Backward, 0))));
        Assert.Equal(new long[] { 6L, 5L }, Positions(await ReadAll(Query(3, 7, Direction.Backward, 2))));
        Assert.Empty(await ReadAll(Query(5, 6, Direction.Forward, 0)));
    }

    [Fact]
    public async Task reading_all_past_the_end_is_empty()
    {
        await TenEventsOverTwoStreams();
        Assert.Empty(await ReadAll(EventQuery.All.AfterPosition(10)));
        Assert.Empty(await ReadAll(EventQuery.All.AfterPosition(1_000_000)));
        Assert.Empty(await ReadAll(EventQuery.All.AfterPosition(1_000_000).Backwards()));
        Assert.Empty(await ReadAll(Query(0, 1, Direction.Backward, 0)));
    }

    [Fact]
    public async Task reading_after_the_largest_position_or_version_is_empty()
    {
        await TenEventsOverTwoStreams();
        Assert.Empty(await ReadAll(EventQuery.All.AfterPosition(long.MaxValue)));
        Assert.Empty(await ReadAll(EventQuery.All.AfterPosition(long.MaxValue).Backwards()));
        Assert.Empty(await ReadAll(EventQuery.OfTypes("A").AfterPosition(long.MaxValue).Backwards()));
        Assert.Empty(await ReadStream("s-a", long.MaxValue, long.MaxValue, Direction.Forward, 0));
        Assert.Empty(await ReadStream("s-a", long.MaxValue, long.MaxValue, Direction.Backward, 0));
    }

    [Fact]
    public async Task reading_before_position_zero_or_below_is_empty()
    {
        await TenEventsOverTwoStreams();
        Assert.Empty(await ReadAll(Query(0, 0, Direction.Forward, 0)));
        Assert.Empty(await ReadAll(Query(0, long.MinValue, Direction.Backward, 0)));
        Assert.Empty(await ReadAll(Query(0, long.MinValue, Direction.Forward, 0, QueryItem.OfTypes("A"))));
        Assert.Empty(await ReadStream("s-a", 0, long.MinValue, Direction.Backward, 0));
    }

    [Fact]
    public async Task a_stored_event_does_not_change_when_the_caller_reuses_its_tag_array()
    {
        var tags = new[] { "customer:1" };
        await AppendOk(Of("Created", "order-1", tags));
        tags[0] = "customer:2";
        Assert.Equal(["customer:1"], Assert.Single(await ReadAll()).Tags);
        Assert.Single(await ReadAll(EventQuery.OfTags("customer:1")));
        Assert.Empty(await ReadAll(EventQuery.OfTags("customer:2")));
    }

    [Fact]
    public async Task filtered_reads_page_in_both_directions()
    {
        var written = await TenEventsOverTwoStreams();
        var bs = written.Where(e => e.Type == "B").ToArray();
        var forward = await ReadAll(EventQuery.OfTypes("B").Take(2));
        Assert.Equal(Ids(bs.Take(2)), Ids(forward));
        var next = await ReadAll(EventQuery.OfTypes("B").AfterPosition(forward[^1].Position).Take(2));
        Assert.Equal(Ids(bs.Skip(2).Take(2)), Ids(next));
        var backward = await ReadAll(EventQuery.OfTypes("B").Backwards().Take(3));
        Assert.Equal(Ids(bs.Reverse().Take(3)), Ids(backward));
    }

    [Fact]
    public async Task a_query_of_several_items_reads_their_union_once_in_position_order()
    {
        var written = await TenEventsOverTwoStreams();
        var query = new EventQuery([QueryItem.OfTags("n:1"), QueryItem.OfTypes("A"), QueryItem.OfTags("n:1")], 0, long.MaxValue, Direction.Forward, 0);
        var expected = written.Where(e => e.Type == "A" || e.HasTag("n:1")).ToArray();
        Assert.Equal(Ids(expected), Ids(await ReadAll(query)));
        Assert.Equal(Ids(expected.Reverse().Take(3)), Ids(await ReadAll(query.Backwards().Take(3))));
    }

    [Fact]
    public async Task pages_of_several_types_hold_the_first_matches_of_any_of_them()
    {
        // A dense type, a sparse one and an absent one: whichever type reaches a page's size first, the page holds the
        // first matches of any of them, in both directions (the PostgreSQL store bounds such pages by each type's n-th match).
        var written = new List<RecordedEvent>();
        for (var i = 0; i < 30; i++)
            written.AddRange(await AppendOk(Of(i % 10 == 3 ? "Rare" : i % 3 == 0 ? "Other" : "Common", "s-" + (i % 4), "n:" + i)));
        var expected = written.Where(e => e.Type is "Rare" or "Common").ToArray();
        foreach (var limit in new[] { 1, 2, 3, 7, 100 })
        {
            var query = Query(0, long.MaxValue, Direction.Forward, limit, QueryItem.OfTypes("Rare"), QueryItem.OfTypes("Common", "Missing"));
            Assert.Equal(Ids(expected), Ids(await ReadInPages(query)));
            Assert.Equal(Ids(expected.Reverse()), Ids(await ReadInPages(query.Backwards())));
            var rare = written.Where(e => e.Type == "Rare").ToArray();
            Assert.Equal(Ids(rare), Ids(await ReadInPages(Query(0, long.MaxValue, Direction.Forward, limit, QueryItem.OfTypes("Rare", "Missing")))));
        }
    }

    private async Task<RecordedEvent[]> ReadInPages(EventQuery query)
    {
        var read = new List<RecordedEvent>();
        while (true)
        {
            var page = await ReadAll(query);
            Assert.True(page.Length <= query.Limit);
            read.AddRange(page);
            if (page.Length < query.Limit) return read.ToArray();
            query = query.Direction == Direction.Forward ? query.AfterPosition(page[^1].Position) : Query(query.After, page[^1].Position, query.Direction, query.Limit, query.Items);
        }
    }

    [Fact]
    public async Task a_query_item_with_types_and_tags_needs_both()
    {
        var written = await TenEventsOverTwoStreams();
        var read = await ReadAll(EventQuery.Of(new QueryItem(["A", "C"], ["n:2"])));
        Assert.Equal(written[4].Id, Assert.Single(read).Id);
    }

    [Fact]
    public async Task streams_read_forward_and_backward_in_versions()
    {
        var written = await TenEventsOverTwoStreams();
        var a = written.Where(e => e.Stream == "s-a").ToArray();
        var forward = await ReadStream("s-a");
        Assert.Equal(Ids(a), Ids(forward));
        Assert.Equal([1L, 2L, 3L, 4L, 5L], forward.Select(e => e.StreamVersion));
        Assert.Equal(Ids(a.Reverse()), Ids(await Store.ReadStream(Tenant, StreamRead.Backward("s-a"), Ct)));
    }

    [Fact]
    public async Task streams_page_forward_and_backward()
    {
        await TenEventsOverTwoStreams();
        Assert.Equal([3L, 4L], (await ReadStream("s-b", 2, long.MaxValue, Direction.Forward, 2)).Select(e => e.StreamVersion));
        Assert.Equal([5L], (await ReadStream("s-b", 4, long.MaxValue, Direction.Forward, 2)).Select(e => e.StreamVersion));
        Assert.Equal([4L, 3L], (await ReadStream("s-b", 0, 5, Direction.Backward, 2)).Select(e => e.StreamVersion));
        Assert.Equal([2L, 1L], (await ReadStream("s-b", 0, 3, Direction.Backward, 0)).Select(e => e.StreamVersion));
        Assert.Equal([2L, 3L], (await ReadStream("s-b", 1, 4, Direction.Forward, 0)).Select(e => e.StreamVersion));
    }

    [Fact]
    public async Task reading_a_stream_past_its_end_is_empty()
    {
        await TenEventsOverTwoStreams();
        Assert.Empty(await ReadStream("s-a", 5, long.MaxValue, Direction.Forward, 0));
        Assert.Empty(await ReadStream("s-a", 500, long.MaxValue, Direction.Forward, 10));
        Assert.Empty(await ReadStream("s-a", 0, 1, Direction.Backward, 0));
        Assert.Empty(await ReadStream("s-a", 3, 4, Direction.Forward, 0));
    }

    [Fact]
    public async Task a_limit_of_zero_means_no_limit()
    {
        await TenEventsOverTwoStreams();
        Assert.Equal(10, (await ReadAll(EventQuery.All.Take(0))).Length);
        Assert.Equal(5, (await ReadStream("s-a", 0, long.MaxValue, Direction.Backward, 0)).Length);
    }

    [Fact]
    public async Task a_limit_of_exactly_the_count_or_beyond_reads_everything_and_the_next_page_is_empty_in_both_directions()
    {
        var written = await TenEventsOverTwoStreams();
        foreach (var limit in new[] { 10, 11, int.MaxValue })
        {
            Assert.Equal(Ids(written), Ids(await ReadAll(EventQuery.All.Take(limit))));
            Assert.Equal(Ids(written.Reverse()), Ids(await ReadAll(EventQuery.All.Backwards().Take(limit))));
            Assert.Empty(await ReadAll(EventQuery.All.AfterPosition(written[^1].Position).Take(limit)));
            Assert.Empty(await ReadAll(Query(0, written[0].Position, Direction.Backward, limit)));
            Assert.Equal([1L, 2L, 3L, 4L, 5L], (await ReadStream("s-a", 0, long.MaxValue, Direction.Forward, limit - 5)).Select(e => e.StreamVersion));
            Assert.Equal([5L, 4L, 3L, 2L, 1L], (await ReadStream("s-a", 0, long.MaxValue, Direction.Backward, limit - 5)).Select(e => e.StreamVersion));
            Assert.Empty(await ReadStream("s-a", 5, long.MaxValue, Direction.Forward, limit));
            Assert.Empty(await ReadStream("s-a", 0, 1, Direction.Backward, limit));
        }
        Assert.Equal([5L], (await ReadStream("s-a", 0, long.MaxValue, Direction.Backward, 1)).Select(e => e.StreamVersion));
        Assert.Equal([1L], (await ReadStream("s-a", 0, long.MaxValue, Direction.Forward, 1)).Select(e => e.StreamVersion));
        Assert.Equal([written[^1].Id], Ids(await ReadAll(EventQuery.All.Backwards().Take(1))));
    }
}
