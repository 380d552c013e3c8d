using Microsoft.FSharp.Collections;
using static Hybrid.Tests.Integration.Conformance.TestEvents;

namespace Hybrid.Tests.Integration.Conformance;

/// <summary>Bad input gets an <see cref="InvalidInputException"/> naming the field (and the tenant), and nothing is written.</summary>
public abstract class InvalidInputConformance(IEventStoreFactory factory) : ConformanceSuite(factory)
{
    /// <summary>Asserts the append is rejected naming the field and that the tenant's log is unchanged.</summary>
    private async Task<InvalidInputException> RejectsAppend(string field, AppendCondition condition, params EventData[] events)
    {
        await AppendOk(Of("Existing", "order-1"));
        var error = await Assert.ThrowsAnyAsync<InvalidInputException>(() => Append(condition, events));
        Assert.Equal(field, error.Field);
        Assert.Contains(Tenant, error.Message);
        Assert.Equal(1, await Head());
        Assert.Single(await ReadAll());
        return error;
    }

    private Task<InvalidInputException> RejectsAppend(string field, params EventData[] events) => RejectsAppend(field, AppendCondition.NoCondition, events);

    [Theory]
    [InlineData(Purging.PurgedType)]
    [InlineData(Purging.AuditType)]
    [InlineData("$system")]
    [InlineData("$")]
    public async Task an_event_type_the_store_keeps_for_itself_is_rejected_naming_tenant_stream_and_type(string reserved)
    {
        var error = Assert.IsType<ReservedEventTypeException>(await RejectsAppend("events[1].Type", Of("Fine", "order-1"), Of(reserved, "order-2")));
        Assert.Equal((Tenant, "order-2", reserved), (error.Tenant, error.Stream, error.EventType));
        Assert.Contains($"'{reserved}'", error.Message);
        Assert.Contains("stream 'order-2'", error.Message);
        Assert.Contains("reserved", error.Message);
    }

    [Fact]
    public async Task reserved_event_types_may_still_be_queried()
    {
        await AppendOk(Of("Existing", "order-1"));
        Assert.Empty(await ReadAll(EventQuery.OfTypes(Purging.PurgedType, Purging.AuditType, "$system")));
    }

    [Fact]
    public Task an_empty_event_type_is_rejected() =>
        RejectsAppend("events[1].Type", Of("Fine", "order-1"), Of("", "order-1"));

    [Fact]
    public Task a_blank_event_type_is_rejected() => RejectsAppend("events[0].Type", Of("  ", "order-1"));

    [Fact]
    public Task an_empty_stream_id_is_rejected() => RejectsAppend("events[0].Stream", Of("Created", ""));

    [Fact]
    public Task appending_to_all_is_rejected() => RejectsAppend("events[0].Stream", Of("Created", "$all"));

    [Fact]
    public Task a_reserved_stream_id_is_rejected() => RejectsAppend("events[0].Stream", Of("Created", "$system"));

    [Fact]
    public Task a_null_body_is_rejected() => RejectsAppend("events[0].Body", WithBody("Created", "order-1", null!));

    [Fact]
    public Task a_body_that_is_not_json_is_rejected() => RejectsAppend("events[0].Body", WithBody("Created", "order-1", "{not json"));

    [Fact]
    public Task an_empty_body_is_rejected() => RejectsAppend("events[0].Body", WithBody("Created", "order-1", ""));

    [Fact]
    public Task a_body_with_trailing_garbage_is_rejected() => RejectsAppend("events[0].Body", WithBody("Created", "order-1", """{"a":1} x"""));

    [Fact]
    public Task a_body_over_the_limit_is_rejected() =>
        RejectsAppend("events[0].Body", WithBody("Created", "order-1", $"\"{new string('x', InputLimits.Default.MaxBodyBytes)}\""));

    [Fact]
    public Task too_many_tags_are_rejected() =>
        RejectsAppend("events[0].Tags", Of("Created", "order-1", Enumerable.Range(0, InputLimits.Default.MaxTags + 1).Select(i => $"k:{i}").ToArray()));

    [Fact]
    public Task a_tag_without_kind_and_id_is_rejected() => RejectsAppend("events[0].Tags[1]", Of("Created", "order-1", "k:1", "no-colon"));

    [Fact]
    public Task a_schema_version_below_one_is_rejected() =>
        RejectsAppend("events[0].SchemaVersion", new EventData("Created", [], "order-1", "{}", 0));

    [Fact]
    public Task a_negative_expected_version_is_rejected() =>
        RejectsAppend("condition.Expected", Expect("order-1", Exact(-1)), Of("Created", "order-1"));

    [Fact]
    public Task a_condition_on_all_is_rejected() =>
        RejectsAppend("condition.Stream", Expect("$all", ExpectedVersion.Any), Of("Created", "order-1"));

    [Fact]
    public Task a_condition_with_a_negative_limit_is_rejected() =>
        RejectsAppend("condition.query.Limit", AppendCondition.NothingNewSince(EventQuery.All.Take(-1), 0), Of("Created", "order-1"));

    [Fact]
    public Task a_condition_looking_after_a_negative_position_is_rejected() =>
        RejectsAppend("condition.After", AppendCondition.NothingNewSince(EventQuery.OfTypes("Created"), -1), Of("Created", "order-1"));

    private static AppendCondition AllOf(IEnumerable<AppendCondition> conditions) => AppendCondition.NewAll(ListModule.OfSeq(conditions));

    private static AppendCondition Nested(int depth, AppendCondition inner)
    {
        for (var i = 0; i < depth; i++) inner = AllOf([inner]);
        return inner;
    }

    // PostgreSQL checked the 25,000 conditions of one append in one statement, which overran its 65,535 parameters: the
    // append failed after 20 seconds with an NpgsqlException, where the in-memory and LMDB stores wrote it.
    [Fact]
    public async Task a_condition_of_more_than_the_most_conditions_is_refused_naming_it_and_the_most_are_written()
    {
        await AppendOk(Of("Existing", "order-1"));
        var most = AllOf(Enumerable.Range(1, Limits.Conditions - 1).Select(i => AppendCondition.NothingNewSince(EventQuery.OfTypes("T" + i), 0)));
        Written(await Append(most, Of("Created", "order-2")));
        var tooMany = AllOf(Enumerable.Range(0, Limits.Conditions).Select(i => Expect("order-" + i, ExpectedVersion.Any)));
        var error = await Assert.ThrowsAsync<InvalidInputException>(() => Append(tooMany, Of("Created", "order-3")));
        Assert.Equal("condition", error.Field);
        Assert.Contains(Tenant, error.Message);
        Assert.Contains($"more than {Limits.Conditions} conditions", error.Message);
        Assert.Equal(2, await Head());
    }

    // A condition nesting All a million deep was walked by recursion, which overflows the stack and ends the process.
    [Fact]
    public async Task all_conditions_nested_deeper_than_the_limit_are_refused_naming_the_condition_however_deep()
    {
        var guard = Expect("order-1", ExpectedVersion.Any);
        Written(await Append(Nested(Limits.ConditionDepth, guard), Of("Created", "order-1")));
        foreach (var depth in new[] { Limits.ConditionDepth + 1, 1_000_000 })
        {
            var error = await Assert.ThrowsAsync<InvalidInputException>(() => Append(Nested(depth, guard), Of("Created", "order-1")));
            Assert.Equal("condition", error.Field);
            Assert.Contains($"more than {Limits.ConditionDepth} deep", error.Message);
        }
        Assert.Equal(1, await Head());
    }

    // PostgreSQL read each type of a query as one branch of a UNION: a query of 10,000 types failed with "stack depth
    // limit exceeded" (SQLSTATE 54001) where the in-memory and LMDB stores answered it in milliseconds.
    [Fact]
    public async Task a_query_naming_more_than_the_most_types_is_refused_on_every_path_and_the_most_are_read()
    {
        var written = await AppendOk(Of("T7", "order-1"), Of("Other", "order-1"));
        EventQuery Naming(int types) => new(Enumerable.Range(0, types).Select(i => QueryItem.OfTypes("T" + i)).ToArray(), 0, long.MaxValue, Direction.Forward, 0);
        Assert.Equal(written[0].Id, Assert.Single(await ReadAll(Naming(Limits.QueryTypes))).Id);
        var tooMany = Naming(Limits.QueryTypes + 1);
        foreach (var refused in new Func<Task>[]
                 {
                     () => ReadAll(tooMany),
                     () => Append(AppendCondition.NothingNewSince(tooMany, 0), Of("Created", "order-2")),
                     () => Append(AppendCondition.Where(tooMany, _ => true, "any"), Of("Created", "order-2")),
                     () => Task.FromResult(Store.Subscribe(Tenant, tooMany, Ct)),
                 })
        {
            var error = await Assert.ThrowsAnyAsync<InvalidInputException>(refused);
            Assert.EndsWith("query.Items", error.Field); // "condition.query.Items" for an append's condition
            Assert.Contains($"at most {Limits.QueryTypes}", error.Message);
            Assert.Contains(Tenant, error.Message);
        }
        Assert.Equal(2, await Head());
    }

    // PostgreSQL matched a query's tagged items in one statement: 50,000 items took 9 seconds (and more ran past the
    // command timeout, failing with an NpgsqlException) where the in-memory store answered in a tenth of a second.
    [Fact]
    public async Task a_query_of_more_than_the_most_items_is_refused_on_every_path_and_the_most_are_read()
    {
        var written = await AppendOk(Of("Tagged", "order-1", "k:7"), Of("Other", "order-1"));
        EventQuery Items(int count) => new(Enumerable.Range(0, count).Select(i => QueryItem.OfTags("k:" + i)).ToArray(), 0, long.MaxValue, Direction.Forward, 0);
        Assert.Equal(written[0].Id, Assert.Single(await ReadAll(Items(Limits.QueryItems))).Id);
        var tooMany = Items(Limits.QueryItems + 1);
        foreach (var refused in new Func<Task>[]
                 {
                     () => ReadAll(tooMany),
                     () => Append(AppendCondition.NothingNewSince(tooMany, 0), Of("Created", "order-2")),
                     () => Task.FromResult(Store.Subscribe(Tenant, tooMany, Ct)),
                 })
        {
            var error = await Assert.ThrowsAnyAsync<InvalidInputException>(refused);
            Assert.EndsWith("query.Items", error.Field); // "condition.query.Items" for an append's condition
            Assert.Contains($"at most {Limits.QueryItems}", error.Message);
        }
        Assert.Equal(2, await Head());
    }

    [Fact]
    public async Task an_append_of_more_than_the_maximum_events_is_rejected()
    {
        var error = await Assert.ThrowsAsync<InvalidInputException>(() => Append(AppendCondition.NoCondition,
            Many(InputLimits.Default.MaxEventsPerAppend + 1, "Bulk")));
        Assert.Equal("events", error.Field);
        Assert.Equal(0, await Head());
    }

    [Fact]
    public async Task bodies_beyond_the_append_limit_in_all_are_rejected_though_each_fits_counting_utf8_bytes()
    {
        // 349,000 euro signs: 1,047,002 bytes of UTF-8 (within the 1 MiB per body) but a third of that in characters.
        var body = $"\"{new string('\u20ac', 349_000)}\"";
        var events = Enumerable.Range(0, 65).Select(_ => WithBody("Large", "order-1", body)).ToArray();
        var error = await RejectsAppend("events", AppendCondition.NoCondition, events);
        Assert.Contains($"at most {Limits.AppendBodyBytes:N0} bytes", error.Message);
        Assert.Contains($"not {65L * 1_047_002:N0}", error.Message);
    }

    [Fact]
    public async Task bodies_up_to_the_append_limit_in_all_are_stored_whole()
    {
        var body = $"\"{new string('x', InputLimits.Default.MaxBodyBytes - 2)}\"";
        var count = Limits.AppendBodyBytes / InputLimits.Default.MaxBodyBytes;
        var written = await AppendOk(Enumerable.Range(0, count).Select(_ => WithBody("Large", "order-1", body)).ToArray());
        Assert.Equal(count, written.Length);
        var read = await ReadAll();
        Assert.Equal(count, read.Length);
        Assert.All(read, e => Assert.Equal(body.Length, e.Data.Body.Length));
    }

    [Theory]
    [InlineData("")]
    [InlineData("-starts-with-dash")]
    [InlineData("has space")]
    [InlineData("slash/inside")]
    [InlineData("a-tenant-id-that-is-far-too-long-to-be-accepted-by-any-store-0123456789")]
    public async Task a_tenant_id_of_unknown_format_is_rejected_everywhere(string tenant)
    {
        async Task Rejects(Func<Task> act) => Assert.Equal("tenant", (await Assert.ThrowsAsync<InvalidInputException>(act)).Field);
        await Rejects(() => AppendTo(tenant, AppendCondition.NoCondition, Of("Created")));
        await Rejects(() => Store.Read(tenant, EventQuery.All, Ct));
        await Rejects(() => Store.ReadStream(tenant, StreamRead.Forward("order-1"), Ct));
        await Rejects(() => Store.GetHead(tenant, Ct));
        await Rejects(() => Store.GetStreamState(tenant, "order-1", Ct));
        await Rejects(() => Store.DeleteStream(tenant, "order-1", ExpectedVersion.Any, Ct));
        await Rejects(() => Store.ReadCheckpoint(tenant, "p", Ct));
        await Rejects(async () => { await foreach (var _ in Store.Subscribe(tenant, EventQuery.All, Ct)) break; });
        Assert.DoesNotContain(tenant, await Store.GetTenants(Ct));
    }

    [Fact]
    public void a_subscription_with_bad_input_is_rejected_when_it_is_asked_for_before_anything_is_enumerated()
    {
        // As an iterator's argument checks should be: eager, so a caller who subscribes and hands the sequence on
        // learns of its mistake where it made it, the same on every store.
        Assert.Equal("tenant", Assert.Throws<InvalidInputException>(() => Store.Subscribe("Not A Tenant", EventQuery.All, Ct)).Field);
        Assert.Equal("query.After", Assert.Throws<InvalidInputException>(() => Store.Subscribe(Tenant, EventQuery.All.AfterPosition(-1), Ct)).Field);
        Assert.Equal("query.Items[0].Types[0]", Assert.Throws<InvalidInputException>(() => Store.Subscribe(Tenant, EventQuery.OfTypes(""), Ct)).Field);
    }

    [Fact]
    public async Task a_negative_read_limit_or_position_is_rejected()
    {
        Assert.Equal("query.Limit", (await Assert.ThrowsAsync<InvalidInputException>(() => ReadAll(EventQuery.All.Take(-1)))).Field);
        Assert.Equal("query.After", (await Assert.ThrowsAsync<InvalidInputException>(() => ReadAll(EventQuery.All.AfterPosition(-1)))).Field);
        Assert.Equal("read.Limit", (await Assert.ThrowsAsync<InvalidInputException>(() => ReadStream("order-1", 0, long.MaxValue, Direction.Forward, -1))).Field);
        Assert.Equal("read.After", (await Assert.ThrowsAsync<InvalidInputException>(() => ReadStream("order-1", -1, long.MaxValue, Direction.Forward, 0))).Field);
    }

    [Fact]
    public async Task reading_a_stream_with_an_empty_id_is_rejected()
    {
        Assert.Equal("read.Stream", (await Assert.ThrowsAsync<InvalidInputException>(() => ReadStream(""))).Field);
        Assert.Equal("stream", (await Assert.ThrowsAsync<InvalidInputException>(() => Store.GetStreamState(Tenant, "", Ct))).Field);
    }

    [Fact]
    public async Task a_negative_expected_version_on_delete_is_rejected_and_deletes_nothing()
    {
        await AppendOk(Of("Created", "order-1"));
        var error = await Assert.ThrowsAsync<InvalidInputException>(() => Store.DeleteStream(Tenant, "order-1", Exact(-2), Ct));
        Assert.Equal("expected", error.Field);
        Assert.Single(await ReadStream("order-1"));
    }

    [Fact]
    public async Task an_empty_processor_name_is_rejected()
    {
        Assert.Equal("processor", (await Assert.ThrowsAsync<InvalidInputException>(() => Store.ReadCheckpoint(Tenant, "", Ct))).Field);
        Assert.Equal("processor", (await Assert.ThrowsAsync<InvalidInputException>(() =>
            Store.WriteCheckpoint(Tenant, new CheckpointWrite(" ", 1, 1), Ct))).Field);
        Assert.Equal("processor", (await Assert.ThrowsAsync<InvalidInputException>(() =>
            Store.Append(new AppendRequest(Tenant, Propose(Of("A")), AppendCondition.NoCondition, Some(new CheckpointWrite("", 1, 1))), Ct))).Field);
        Assert.Equal(0, await Head());
    }
}
