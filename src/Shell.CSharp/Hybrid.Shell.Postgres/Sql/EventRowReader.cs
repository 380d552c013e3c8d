using System.Buffers.Binary;
using Hybrid.Shell.Stores;
using Npgsql;

namespace Hybrid.Shell.Postgres.Sql;

/// <summary>
/// Turns the rows of one read (selected as <see cref="EventRows.Columns"/>) into events, decoding once what repeats
/// from row to row. The type, stream, tags and metadata are taken as their UTF-8 bytes (Npgsql hands any column out as
/// a stream, reused from column to column) and matched against the strings and the metadata already decoded, so a long
/// read allocates the event, its tags array, its body and its unique tags, not a string per column: fewer objects for
/// the collector to copy while a long read keeps what it read. Bodies stay UTF-8 (<see cref="EventBody.OfUtf8"/>),
/// copied side by side into chunks this reader never reuses, and are decoded only when read as text.
/// Not thread-safe: one per read.
/// </summary>
internal sealed class EventRowReader(string tenant)
{
    private readonly RecentStrings _strings = new();
    private byte[] _column = new byte[256];
    private byte[] _metadataJson = new byte[256];
    private int _metadataLength = -1;
    private EventMetadata _metadata = EventMetadata.Empty;
    private byte[] _bodies = [];
    private int _bodiesUsed;

    /// <summary>The current row as an event.</summary>
    public RecordedEvent Read(NpgsqlDataReader r)
    {
        // Columns in the order selected: the row is buffered, but going back to an earlier column seeks.
        var position = r.GetInt64(0);
        var id = r.GetGuid(1);
        var stream = r.IsDBNull(2) ? null! : _strings.Get(Column(r, 2));
        var streamVersion = r.GetInt64(3);
        var type = _strings.Get(Column(r, 4));
        var tags = Tags(Column(r, 5));
        var body = Body(r, 6);
        var metadata = r.IsDBNull(7) ? EventMetadata.Empty : Metadata(Column(r, 7));
        var schemaVersion = r.GetInt32(8);
        var timestamp = new DateTimeOffset(r.GetFieldValue<DateTime>(9), TimeSpan.Zero);
        return new RecordedEvent(id, tenant, position, stream, streamVersion, type, tags, body, schemaVersion, metadata, timestamp);
    }

    /// <summary>A column's bytes as sent (text as UTF-8, arrays in PostgreSQL's binary form), valid until the next call.</summary>
    private ReadOnlySpan<byte> Column(NpgsqlDataReader r, int ordinal)
    {
        using var stream = r.GetStream(ordinal);
        var length = checked((int)stream.Length);
        if (length > _column.Length) _column = new byte[Math.Max(length, _column.Length * 2)];
        stream.ReadExactly(_column, 0, length);
        return _column.AsSpan(0, length);
    }

    /// <summary>
    /// A body's UTF-8 bytes, copied into the current chunk. Chunks start small (a read of one event allocates little)
    /// and double up to <see cref="LargestChunk"/>; a chunk lives as long as any event whose body it holds.
    /// </summary>
    private EventBody Body(NpgsqlDataReader r, int ordinal)
    {
        using var stream = r.GetStream(ordinal);
        var length = checked((int)stream.Length);
        if (_bodies.Length - _bodiesUsed < length)
        {
            _bodies = new byte[Math.Max(length, Math.Min(LargestChunk, Math.Max(FirstChunk, _bodies.Length * 2)))];
            _bodiesUsed = 0;
        }
        stream.ReadExactly(_bodies, _bodiesUsed, length);
        var body = EventBody.OfUtf8(new ReadOnlyMemory<byte>(_bodies, _bodiesUsed, length));
        _bodiesUsed += length;
        return body;
    }

    private const int FirstChunk = 512;
    private const int LargestChunk = 64 * 1024;

    /// <summary>
    /// A <c>text[]</c> in PostgreSQL's binary array form: the number of dimensions, a has-nulls flag and the element
    /// type, then each dimension's length and lower bound, then each element as its length and its bytes.
    /// </summary>
    private string[] Tags(ReadOnlySpan<byte> array)
    {
        var dimensions = BinaryPrimitives.ReadInt32BigEndian(array);
        if (dimensions == 0) return [];
        if (dimensions != 1) throw new InvalidDataException($"Tenant '{tenant}': an event's tags came as an array of {dimensions} dimensions.");
        var tags = new string[BinaryPrimitives.ReadInt32BigEndian(array[12..])];
        var at = 20;
        for (var i = 0; i < tags.Length; i++)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(array[at..]);
            if (length < 0) throw new InvalidDataException($"Tenant '{tenant}': an event's tags hold a null.");
            tags[i] = _strings.Get(array.Slice(at + 4, length));
            at += 4 + length;
        }
        return tags;
    }

    /// <summary>The metadata of this JSON: the previous row's when the text repeats (the events of one append share theirs).</summary>
    private EventMetadata Metadata(ReadOnlySpan<byte> json)
    {
        if (_metadataLength == json.Length && json.SequenceEqual(_metadataJson.AsSpan(0, _metadataLength))) return _metadata;
        _metadata = MetadataJson.readUtf8(json);
        if (json.Length > _metadataJson.Length) _metadataJson = new byte[json.Length];
        json.CopyTo(_metadataJson);
        _metadataLength = json.Length;
        return _metadata;
    }
}
