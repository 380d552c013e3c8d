namespace Hybrid.Shell.Lmdb.EventStore;

/// <summary>
/// The bytes of one stored event (the value under [T][position], before its checksum): format, id, stream version,
/// timestamp, schema version, type, stream, tags, metadata and body. The tenant and position are in the key.
/// </summary>
internal static class EventRecord
{
    private const byte Format = 1;

    public static void Write(RecordWriter w, RecordedEvent e)
    {
        var metadata = e.Metadata ?? EventMetadata.Empty;
        w.Byte(Format);
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
        w.String(e.Body);
    }

    /// <summary>The event stored at the position; throws <see cref="FormatException"/> when the bytes are not a record.</summary>
    public static RecordedEvent Read(ReadOnlySpan<byte> payload, string tenant, long position)
    {
        var r = new RecordReader(payload);
        if (r.Byte() != Format) throw new FormatException("Unknown event record format.");
        var id = r.Guid();
        var version = r.Int64();
        var ticks = r.Int64();
        if (ticks < DateTimeOffset.MinValue.UtcTicks || ticks > DateTimeOffset.MaxValue.UtcTicks) throw new FormatException("The timestamp is out of range.");
        var schema = r.Int32();
        var type = r.String();
        var stream = r.NullableString();
        var tagCount = r.VarUInt();
        if (tagCount > 1024) throw new FormatException("Too many tags.");
        var tags = tagCount == 0 ? [] : new string[tagCount];
        for (var i = 0; i < tags.Length; i++) tags[i] = r.String();
        var metadata = new EventMetadata(r.String(), r.String(), r.String());
        var body = r.String();
        if (!r.AtEnd) throw new FormatException("The record has trailing bytes.");
        return new RecordedEvent(id, tenant, position, stream!, version, type, tags, body, schema, metadata, new DateTimeOffset(ticks, TimeSpan.Zero));
    }
}
