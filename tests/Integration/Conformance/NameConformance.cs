using Hybrid.Shell.Stores;
using static Hybrid.Tests.Integration.Conformance.TestEvents;

namespace Hybrid.Tests.Integration.Conformance;

/// <summary>
/// Names as other stores' suites try them: odd but valid stream ids, event types and tag values (quotes, backslashes,
/// SQL wildcards, array-literal syntax, "NULL", noncharacters, format characters, combining marks, right-to-left text,
/// four-byte characters) round-trip through every read, filter and condition; names that are prefixes of each other,
/// and tenants and processors differing only in case, stay apart; and every bad name is refused by every operation
/// that takes it, with the same field, on every store.
/// </summary>
public abstract class NameConformance(IEventStoreFactory factory) : ConformanceSuite(factory)
{
    private static readonly string[] OddNames =
    [
        "it's", "quote\"d", "back\\slash", "100%_done", "{a,b}", "NULL", "null", "\uFFFF", "\uFEFFbom", "zw\u200Bsp",
        "e\u0301", "🎉", "שלום", "a/b/c", "..", "-", "a:b:c", "ǅ", "(x)", "[1]", "*", "?", "a;drop", "\u00AD",
        "\U0010FFFF", "\uE000", "\u0378", "\u180E",
    ];

    // Theory data by index: xUnit's serialisation of strings would replace lone surrogates with U+FFFD.
    public static TheoryData<int> OddNameIndexes() => [.. Enumerable.Range(0, OddNames.Length)];

    [Theory]
    [MemberData(nameof(OddNameIndexes))]
    public async Task an_odd_but_valid_name_round_trips_as_stream_type_and_tag_value_through_every_read_filter_and_condition(int index)
    {
        var name = OddNames[index];
        var tag = "k:" + name;
        var written = await AppendOk(Expect(name, ExpectedVersion.NoStream), new EventData(name, [tag], name, "{}", 1));
        var e = Assert.Single(await ReadStream(name));
        Assert.Equal((name, name, tag), (e.Stream, e.Type, Assert.Single(e.Tags)));
        Assert.Equal(Ids(written), Ids(await ReadAll(EventQuery.OfTypes(name))));
        Assert.Equal(Ids(written), Ids(await ReadAll(EventQuery.OfTags(tag))));
        Assert.Equal(1, (await Store.GetStreamState(Tenant, name, Ct)).Version);
        var byId = Assert.Single(await Store.ReadById(Tenant, written[0].Id, Ct));
        Assert.Equal((name, name, tag), (byId.Stream, byId.Type, Assert.Single(byId.Tags)));
        foreach (var query in new[] { EventQuery.OfTags(tag), EventQuery.OfTypes(name) })
        {
            await using var subscription = SubscriptionRecorder.Start(Store, Tenant, query);
            Assert.Equal(Ids(written), Ids((await subscription.UntilCaughtUp(Patience)).Events));
            await AppendFails(AppendCondition.NothingNewSince(query, 0), Of("Other"));
        }
        await AppendOk(Expect(name, Exact(1)), Of("Next", name));
        Assert.Equal(DeleteResult.NewStreamDeleted(2), await Store.DeleteStream(Tenant, name, Exact(2), Ct));
        Assert.Empty(await ReadStream(name));
    }

    [Fact]
    public async Task names_that_are_prefixes_of_each_other_are_separate_streams_types_and_tags()
    {
        string[] names = ["a", "ab", "a.b", "aé", "a-", "A"];
        foreach (var n in names) await AppendOk(Of("T" + n, n, "k:" + n));
        foreach (var n in names)
        {
            Assert.Equal(n, Assert.Single(await ReadStream(n)).Stream);
            Assert.Equal(n, Assert.Single(await ReadAll(EventQuery.OfTypes("T" + n))).Stream);
            Assert.Equal(n, Assert.Single(await ReadAll(EventQuery.OfTags("k:" + n))).Stream);
            Assert.Equal(1, (await Store.GetStreamState(Tenant, n, Ct)).Version);
        }
        await Store.DeleteStream(Tenant, "a", ExpectedVersion.Any, Ct);
        Assert.Empty(await ReadStream("a"));
        foreach (var n in names.Skip(1)) Assert.Single(await ReadStream(n));
    }

    private static readonly string[] BadStreams =
    [
        " ", "a b", "a\tb", "a\0b", "a\uD800", "\uDC00a", new string('x', Limits.StreamLength + 1), "a\u2028b", "\u0085", "\u00A0x",
        "$x", "$all", "x\u3000", "a\u001Fb", "\u007F", "",
    ];

    public static TheoryData<int> BadStreamIndexes() => [.. Enumerable.Range(0, BadStreams.Length)];

    private async Task Refuses(string field, Func<Task> act)
    {
        var error = await Assert.ThrowsAsync<InvalidInputException>(act);
        Assert.Equal(field, error.Field);
        Assert.Contains(Tenant, error.Message);
    }

    [Theory]
    [MemberData(nameof(BadStreamIndexes))]
    public async Task a_bad_stream_id_is_refused_by_every_operation_naming_its_field_and_nothing_is_written(int index)
    {
        var bad = BadStreams[index];
        await AppendOk(Of("Existing", "order-1"));
        await Refuses("events[0].Stream", () => Append(AppendCondition.NoCondition, Of("Created", bad)));
        await Refuses("condition.Stream", () => Append(Expect(bad, ExpectedVersion.Any), Of("Created", "order-2")));
        await Refuses("read.Stream", () => ReadStream(bad));
        await Refuses("stream", () => Store.GetStreamState(Tenant, bad, Ct));
        await Refuses("stream", () => Store.DeleteStream(Tenant, bad, ExpectedVersion.Any, Ct));
        Assert.Equal(1, await Head());
    }

    private static readonly string[] BadTypes =
    [
        " ", "a b", "a\tb", "a\0b", "a\uD800", "\uDC00a", new string('x', Limits.EventTypeLength + 1), "a\u2028b", "\u0085", "\u00A0x", "", "\u007F",
    ];

    public static TheoryData<int> BadTypeIndexes() => [.. Enumerable.Range(0, BadTypes.Length)];

    [Theory]
    [MemberData(nameof(BadTypeIndexes))]
    public async Task a_bad_event_type_is_refused_by_appends_reads_conditions_and_subscriptions_naming_its_field(int index)
    {
        var bad = BadTypes[index];
        await AppendOk(Of("Existing", "order-1"));
        await Refuses("events[0].Type", () => Append(AppendCondition.NoCondition, new EventData(bad, [], "order-1", "{}", 1)));
        await Refuses("query.Items[0].Types[0]", () => ReadAll(EventQuery.OfTypes(bad)));
        await Refuses("condition.query.Items[0].Types[0]", () => Append(AppendCondition.NothingNewSince(EventQuery.OfTypes(bad), 0), Of("Created", "order-2")));
        Assert.Equal("query.Items[0].Types[0]", Assert.Throws<InvalidInputException>(() => Store.Subscribe(Tenant, EventQuery.OfTypes(bad), Ct)).Field);
        Assert.Equal(1, await Head());
    }

    private static readonly string[] BadTags =
    [
        "k:a\0", "k:\uD800", ":v", "k:", "kind x:v", "k:a\nb", "", "k", "k:\u2029", new string('k', Limits.TagKindLength + 1) + ":v",
        "k:" + new string('v', Limits.TagLength - 1), "é:v",
    ];

    public static TheoryData<int> BadTagIndexes() => [.. Enumerable.Range(0, BadTags.Length)];

    [Theory]
    [MemberData(nameof(BadTagIndexes))]
    public async Task a_bad_tag_is_refused_by_appends_reads_and_subscriptions_naming_its_field(int index)
    {
        var bad = BadTags[index];
        await AppendOk(Of("Existing", "order-1"));
        await Refuses("events[0].Tags[0]", () => Append(AppendCondition.NoCondition, Of("Created", "order-1", bad)));
        await Refuses("query.Items[0].Tags[0]", () => ReadAll(EventQuery.OfTags(bad)));
        Assert.Equal("query.Items[0].Tags[0]", Assert.Throws<InvalidInputException>(() => Store.Subscribe(Tenant, EventQuery.OfTags(bad), Ct)).Field);
        Assert.Equal(1, await Head());
    }

    [Fact]
    public async Task tenants_differing_only_in_case_or_by_a_suffix_never_see_each_other()
    {
        var name = "p" + Guid.NewGuid().ToString("N")[..12];
        string[] tenants = [name, name.ToUpperInvariant(), name + "1", name + ".", name + "_", name + "-"];
        foreach (var t in tenants) await AppendOkTo(t, Of("T", "s", "k:" + t));
        foreach (var t in tenants)
        {
            Assert.Equal("k:" + t, Assert.Single(Assert.Single(await Store.Read(t, EventQuery.All, Ct)).Tags));
            Assert.Single(await Store.ReadStream(t, StreamRead.Forward("s"), Ct));
            Assert.Equal(1, await Store.GetHead(t, Ct));
            Assert.Equal(1, (await Store.GetStreamState(t, "s", Ct)).Version);
        }
        Assert.Subset((await Store.GetTenants(Ct)).ToHashSet(), tenants.ToHashSet());
    }

    [Fact]
    public async Task checkpoints_of_processors_differing_only_in_case_are_separate()
    {
        Assert.True((await Store.WriteCheckpoint(Tenant, new CheckpointWrite("Proc", 5, 0), Ct)).IsOk);
        Assert.True((await Store.WriteCheckpoint(Tenant, new CheckpointWrite("proc", 7, 0), Ct)).IsOk);
        Assert.Equal(5, (await Store.ReadCheckpoint(Tenant, "Proc", Ct)).Position);
        Assert.Equal(7, (await Store.ReadCheckpoint(Tenant, "proc", Ct)).Position);
        Assert.Equal(0, (await Store.ReadCheckpoint(Tenant, "PROC", Ct)).Position);
    }
}
