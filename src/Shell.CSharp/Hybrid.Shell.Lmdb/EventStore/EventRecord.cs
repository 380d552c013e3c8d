using Hybrid.Shell.Stores;
using Microsoft.FSharp.Collections;

namespace Hybrid.Shell.Lmdb.EventStore;

/// <summary>
/// The bytes of one stored event (the value under [T][position], before its checksum): format, id, stream version,
/// timestamp, schema version, type, stream, tags, metadata and body. The tenant and position are in the key. Format 1
/// holds causation, correlation and actor; format 2, written when the metadata has a trace context or user-defined
/// fields, adds them after the actor.
/// </summary>
internal static class EventRecord
{
    private const byte Format = 1;
    private const byte ExtendedFormat = 2;

    public static void Write(RecordWriter w, RecordedEvent e)
    {
        var metadata = e.Metadata ?? EventMetadata.Empty;
        var extended = !string.IsNullOrEmpty(metadata.TraceParent) || !string.IsNullOrEmpty(metadata.TraceState)
            || metadata.Fields is { IsEmpty: false };
        w.Byte(extended ? ExtendedFormat : Format);
        w.Guid(e.Id);
        w.Int64(e.StreamVersion);
        w.Int64(e.Timestamp.UtcTicks);
        w.Int32(e.SchemaVersion);
        w.String(e.Type);
        w.NullableString(e.Stream);
        w.VarUInt((ulong)e.Tags.Length);
        foreach (var tag in e.Tags) w.String(tag);
        w.String(metadata.CausationId ?? "");
        w.String(metadata.CorrelationId ?? "");
        w.String(metadata.Actor ?? "");
        if (extended)
        {
            w.String(metadata.TraceParent ?? "");
            w.String(metadata.TraceState ?? "");
            w.VarUInt((ulong)metadata.Fields.Count);
            foreach (var field in metadata.Fields)
            {
                w.String(field.Key);
                w.String(field.Value);
            }
        }
        w.String(e.Body);
    }

    /// <summary>The event stored at the position; throws <see cref="FormatException"/> when the bytes are not a record.</summary>
    public static RecordedEvent Read(ReadOnlySpan<byte> payload, string tenant, long position) => Read(payload, tenant, position, new RecentStrings(), null);

    /// <summary>
    /// The event stored at the position, taking short strings from <paramref name="recent"/> and reusing
    /// <paramref name="previous"/>'s metadata when it is the same.
    /// </summary>
    public static RecordedEvent Read(ReadOnlySpan<byte> payload, string tenant, long position, RecentStrings recent, RecordedEvent? previous)
    {
        var r = new RecordReader(payload);
        var format = r.Byte();
        if (format is not (Format or ExtendedFormat)) throw new FormatException("Unknown event record format.");
        var id = r.Guid();
        var version = r.Int64();
        var ticks = r.Int64();
        if (ticks < DateTimeOffset.MinValue.UtcTicks || ticks > DateTimeOffset.MaxValue.UtcTicks) throw new FormatException("The timestamp is out of range.");
        var schema = r.Int32();
        var type = r.String(recent);
        var stream = r.NullableString(recent);
        var tagCount = r.VarUInt();
        if (tagCount > 1024) throw new FormatException("Too many tags.");
        var tags = tagCount == 0 ? [] : new string[tagCount];
        for (var i = 0; i < tags.Length; i++) tags[i] = r.String(recent);
        var (causation, correlation, actor) = (r.String(recent), r.String(recent), r.String(recent));
        var metadata = format == ExtendedFormat
            ? ReadExtended(ref r, recent, causation, correlation, actor)
            : previous?.Metadata is { } last && ReferenceEquals(last.CausationId, causation)
                && ReferenceEquals(last.CorrelationId, correlation) && ReferenceEquals(last.Actor, actor) && !last.IsTraced && last.Fields.IsEmpty
                ? last
                : EventMetadata.Of(causation, correlation, actor);
        var body = r.String();
        if (!r.AtEnd) throw new FormatException("The record has trailing bytes.");
        return new RecordedEvent(id, tenant, position, stream!, version, type, tags, EventBody.OfText(body), schema, metadata, new DateTimeOffset(ticks, TimeSpan.Zero));
    }

    private static EventMetadata ReadExtended(ref RecordReader r, RecentStrings recent, string causation, string correlation, string actor)
    {
        var (traceParent, traceState) = (r.String(recent), r.String(recent));
        var count = r.VarUInt();
        if (count > Limits.MetadataFields) throw new FormatException("Too many metadata fields.");
        var fields = new List<Tuple<string, string>>((int)count);
        for (var i = 0UL; i < count; i++) fields.Add(Tuple.Create(r.String(recent), r.String()));
        return new EventMetadata(causation, correlation, actor, traceParent, traceState, MapModule.OfSeq(fields));
    }
}
