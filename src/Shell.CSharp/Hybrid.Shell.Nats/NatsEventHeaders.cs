using System.Globalization;
using System.Text;
using Hybrid.Shell.Producers;
using Microsoft.Extensions.Primitives;
using NATS.Client.Core;

namespace Hybrid.Shell.Nats;

/// <summary>
/// The source event's envelope as message headers (id, tenant, position, type, stream, version, tags, schema version,
/// timestamp, causation, correlation, actor; the whole metadata as JSON when it has a trace context or fields), so a consumer of a <c>Producer.recorded</c> producer's messages
/// rebuilds the recorded event exactly and folds it with the application's own read models.
/// </summary>
public static class NatsEventHeaders
{
    /// <summary>
    /// The headers of a publication: tenant, event id, position, message type and the W3C trace context
    /// (<c>traceparent</c>, <c>tracestate</c>) when the event has one; with <paramref name="envelope"/>, the
    /// rest of the source event's envelope too (what a projector needs).
    /// </summary>
    public static NatsHeaders Of(IntegrationPublication publication, bool envelope = true)
    {
        var e = publication.Source;
        var headers = new NatsHeaders
        {
            [NatsHeaderNames.Tenant] = publication.Tenant,
            [NatsHeaderNames.EventId] = e.Id.ToString(),
            [NatsHeaderNames.Position] = e.Position.ToString(CultureInfo.InvariantCulture),
            [NatsHeaderNames.MessageType] = publication.Message.Type,
        };
        if (!string.IsNullOrEmpty(e.Metadata.TraceParent))
        {
            headers[NatsHeaderNames.TraceParent] = e.Metadata.TraceParent;
            if (!string.IsNullOrEmpty(e.Metadata.TraceState)) headers[NatsHeaderNames.TraceState] = e.Metadata.TraceState;
        }
        if (!envelope) return headers;
        headers[NatsHeaderNames.EventType] = e.Type;
        foreach (var (name, value) in new[]
        {
            (NatsHeaderNames.StreamVersion, e.StreamVersion.ToString(CultureInfo.InvariantCulture)),
            (NatsHeaderNames.SchemaVersion, e.SchemaVersion.ToString(CultureInfo.InvariantCulture)),
            (NatsHeaderNames.Timestamp, e.Timestamp.ToString("O", CultureInfo.InvariantCulture)),
        })
            headers[name] = value;
        if (!string.IsNullOrEmpty(e.Stream)) headers[NatsHeaderNames.Stream] = e.Stream;
        // One header value per tag: a tag's value is text and may hold a comma.
        if (e.Tags.Length > 0) headers[NatsHeaderNames.Tags] = new StringValues(e.Tags);
        if (!string.IsNullOrEmpty(e.Metadata.CausationId)) headers[NatsHeaderNames.CausationId] = e.Metadata.CausationId;
        if (!string.IsNullOrEmpty(e.Metadata.CorrelationId)) headers[NatsHeaderNames.CorrelationId] = e.Metadata.CorrelationId;
        if (!string.IsNullOrEmpty(e.Metadata.Actor)) headers[NatsHeaderNames.Actor] = e.Metadata.Actor;
        if (e.Metadata.IsTraced || !e.Metadata.Fields.IsEmpty) headers[NatsHeaderNames.Metadata] = MetadataJson.write(e.Metadata);
        return headers;
    }

    /// <summary>The recorded event a message carries, or why it carries none (a header missing or malformed).</summary>
    public static (RecordedEvent? Event, string? Problem) EventOf(NatsHeaders? headers, byte[]? body)
    {
        if (headers is null) return (null, "the message has no headers");
        string? Get(string name) => headers.TryGetLastValue(name, out var value) ? value : null;
        if (Get(NatsHeaderNames.Tenant) is not { Length: > 0 } tenant) return (null, $"'{NatsHeaderNames.Tenant}' is missing");
        if (!Guid.TryParse(Get(NatsHeaderNames.EventId), out var id)) return (null, $"'{NatsHeaderNames.EventId}' is not a GUID");
        if (!long.TryParse(Get(NatsHeaderNames.Position), NumberStyles.None, CultureInfo.InvariantCulture, out var position) || position < 1)
            return (null, $"'{NatsHeaderNames.Position}' is not a position");
        if (Get(NatsHeaderNames.EventType) is not { Length: > 0 } type) return (null, $"'{NatsHeaderNames.EventType}' is missing");
        long.TryParse(Get(NatsHeaderNames.StreamVersion), NumberStyles.None, CultureInfo.InvariantCulture, out var version);
        if (!int.TryParse(Get(NatsHeaderNames.SchemaVersion), NumberStyles.None, CultureInfo.InvariantCulture, out var schema)) schema = 1;
        DateTimeOffset.TryParse(Get(NatsHeaderNames.Timestamp), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var timestamp);
        var tags = headers.TryGetValue(NatsHeaderNames.Tags, out var tagValues) ? tagValues.Where(t => !string.IsNullOrEmpty(t)).Select(t => t!).ToArray() : [];
        EventMetadata metadata;
        try
        {
            metadata = Get(NatsHeaderNames.Metadata) is { Length: > 0 } json
                ? MetadataJson.read(json)
                : EventMetadata.Of(Get(NatsHeaderNames.CausationId) ?? "", Get(NatsHeaderNames.CorrelationId) ?? "", Get(NatsHeaderNames.Actor) ?? "");
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or FormatException or InvalidOperationException)
        {
            return (null, $"'{NatsHeaderNames.Metadata}' is not metadata JSON: {ex.Message}");
        }
        var text = body is null ? "" : Encoding.UTF8.GetString(body);
        return (new RecordedEvent(id, tenant, position, Get(NatsHeaderNames.Stream)!, version, type, tags, EventBody.OfText(text), schema, metadata, timestamp), null);
    }
}
