using System.Text;
using Hybrid.Shell.Nats;
using Hybrid.Shell.Producers;
using Microsoft.FSharp.Collections;

namespace Hybrid.Tests.Integration.Broker;

/// <summary>The envelope a producer's message carries in headers rebuilds the recorded event exactly.</summary>
public sealed class EventHeadersTests
{
    private static RecordedEvent Recorded(EventMetadata metadata, params string[] tags) =>
        new(Guid.CreateVersion7(), "acme", 7, "order-1", 3, "OrderPlaced", tags, EventBody.OfText("""{"total":12}"""), 2, metadata,
            new DateTimeOffset(2026, 6, 1, 8, 0, 0, TimeSpan.Zero));

    private static RecordedEvent RoundTrip(RecordedEvent e)
    {
        var headers = NatsEventHeaders.Of(new IntegrationPublication("acme", e, new IntegrationMessage("o", "o", e.Body)));
        var (read, problem) = NatsEventHeaders.EventOf(headers, Encoding.UTF8.GetBytes(e.Body));
        Assert.Null(problem);
        return read!;
    }

    [Fact]
    public void tags_holding_commas_travel_as_separate_header_values()
    {
        var e = Recorded(EventMetadata.Of("c-1", "corr-1", "ann"), "note:a,b", "region:eu");
        Assert.Equal(e.Tags, RoundTrip(e).Tags);
    }

    [Fact]
    public void trace_context_and_user_defined_fields_travel_with_the_envelope()
    {
        var metadata = new EventMetadata("c-1", "corr-1", "ann", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", "vendor=x",
            MapModule.OfSeq([Tuple.Create("client", "mobile")]));
        var e = Recorded(metadata);
        var read = RoundTrip(e);
        Assert.Equal(metadata, read.Metadata);
        Assert.Equal((e.Id, e.Position, e.Stream, e.StreamVersion, e.SchemaVersion, e.Timestamp), (read.Id, read.Position, read.Stream, read.StreamVersion, read.SchemaVersion, read.Timestamp));
    }

    [Fact]
    public void the_w3c_trace_context_travels_under_its_standard_names_also_without_the_envelope()
    {
        var e = Recorded(new EventMetadata("c-1", "corr-1", "ann", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", "vendor=x,other=y",
            MapModule.Empty<string, string>()));
        var headers = NatsEventHeaders.Of(new IntegrationPublication("acme", e, new IntegrationMessage("o", "o", e.Body)), envelope: false);
        Assert.Equal("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", headers["traceparent"].ToString());
        Assert.Equal("vendor=x,other=y", headers["tracestate"].ToString());
        Assert.Equal(["acme", e.Id.ToString(), "7", "o"], new[] { NatsHeaderNames.Tenant, NatsHeaderNames.EventId, NatsHeaderNames.Position, NatsHeaderNames.MessageType }
            .Select(name => headers[name].ToString()));
    }

    [Fact]
    public void a_message_with_damaged_metadata_json_is_reported_not_thrown()
    {
        var e = Recorded(EventMetadata.Of("c-1", "corr-1", "ann"));
        var headers = NatsEventHeaders.Of(new IntegrationPublication("acme", e, new IntegrationMessage("o", "o", e.Body)));
        headers[NatsHeaderNames.Metadata] = "{not json";
        var (read, problem) = NatsEventHeaders.EventOf(headers, Encoding.UTF8.GetBytes(e.Body));
        Assert.Null(read);
        Assert.Contains(NatsHeaderNames.Metadata, problem);
    }
}
