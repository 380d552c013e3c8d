using static Hybrid.Tests.Integration.Conformance.TestEvents;

namespace Hybrid.Tests.Integration.Conformance;

/// <summary>Event metadata (causation, correlation, actor, W3C trace context, user-defined fields) is stored as given and read back on every path.</summary>
public abstract class MetadataConformance(IEventStoreFactory factory) : ConformanceSuite(factory)
{
    private static readonly EventMetadata Full = EventMetadata.Of("cause-1", "corr-1", "alice")
        .WithTrace("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", "vendor=value")
        .WithField("client", "mobile")
        .WithField("request.region", "eu-west ✓");

    private async Task<RecordedEvent> AppendWith(EventMetadata metadata, string type = "Created")
    {
        var proposed = new ProposedEvent(Guid.CreateVersion7(), Of(type, "order-1"), metadata);
        return Assert.Single(Written(await Store.Append(AppendRequest.Of(Tenant, proposed), Ct)));
    }

    [Fact]
    public async Task metadata_with_trace_and_fields_reads_back_as_appended_from_every_read_path()
    {
        var stored = await AppendWith(Full);
        Assert.Equal(Full, stored.Metadata);
        Assert.Equal(Full, Assert.Single(await ReadAll()).Metadata);
        Assert.Equal(Full, Assert.Single(await Store.ReadStream(Tenant, StreamRead.Forward("order-1"), Ct)).Metadata);
        Assert.Equal(Full, Assert.Single(await Store.Read(Tenant, EventQuery.OfTypes("Created"), Ct)).Metadata);
    }

    [Fact]
    public async Task empty_metadata_reads_back_empty()
    {
        var stored = await AppendWith(EventMetadata.Empty);
        Assert.Equal(EventMetadata.Empty, stored.Metadata);
        Assert.Equal(EventMetadata.Empty, Assert.Single(await ReadAll()).Metadata);
    }

    [Fact]
    public async Task a_metadata_field_with_a_bad_name_is_refused_naming_it_and_nothing_is_written()
    {
        var bad = EventMetadata.Empty.WithField("bad name", "x");
        var proposed = new ProposedEvent(Guid.CreateVersion7(), Of("Created", "order-1"), bad);
        var error = await Assert.ThrowsAsync<InvalidInputException>(() => Store.Append(AppendRequest.Of(Tenant, proposed), Ct));
        Assert.Equal("events[0].Metadata.Fields", error.Field);
        Assert.Contains("bad name", error.Message);
        Assert.Contains(Tenant, error.Message);
        Assert.Equal(0, await Head());
    }

    [Fact]
    public async Task a_metadata_value_with_a_nul_character_is_refused_naming_the_field()
    {
        var bad = EventMetadata.Empty.WithField("client", "a\0b");
        var proposed = new ProposedEvent(Guid.CreateVersion7(), Of("Created", "order-1"), bad);
        var error = await Assert.ThrowsAsync<InvalidInputException>(() => Store.Append(AppendRequest.Of(Tenant, proposed), Ct));
        Assert.Equal("events[0].Metadata.Fields[client]", error.Field);
        Assert.Equal(0, await Head());
    }

    [Fact]
    public async Task null_metadata_values_and_fields_read_back_empty()
    {
        var nulls = new EventMetadata(null!, null!, null!, null!, null!, null!);
        var stored = await AppendWith(nulls);
        Assert.Equal(EventMetadata.Empty, stored.Metadata);
        Assert.Equal(EventMetadata.Empty, Assert.Single(await ReadAll()).Metadata);
    }

    [Fact]
    public async Task a_null_metadata_field_value_reads_back_as_an_empty_string()
    {
        var withNull = EventMetadata.Of("cause-1", null!, "alice").WithField("client", null!);
        var expected = EventMetadata.Of("cause-1", "", "alice").WithField("client", "");
        Assert.Equal(expected, (await AppendWith(withNull)).Metadata);
        Assert.Equal(expected, Assert.Single(await ReadStream("order-1")).Metadata);
    }

    [Fact]
    public async Task appends_committed_together_with_null_metadata_read_back_empty_and_keep_their_tags()
    {
        var nulls = new EventMetadata(null!, null!, null!, null!, null!, null!);
        var appends = Enumerable.Range(0, 8).Select(i => Store.Append(AppendRequest.Of(Tenant,
            new ProposedEvent(Guid.CreateVersion7(), Of("Created", $"order-{i}", $"order:{i}"), i % 2 == 0 ? nulls : null!)), Ct));
        foreach (var result in await Task.WhenAll(appends)) Written(result);
        var all = await ReadAll();
        Assert.Equal(8, all.Length);
        Assert.All(all, e => Assert.Equal(EventMetadata.Empty, e.Metadata));
        Assert.All(all, e => Assert.Equal([$"order:{e.Stream[6..]}"], e.Tags));
    }
}
