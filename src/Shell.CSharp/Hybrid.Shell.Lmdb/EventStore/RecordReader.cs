using System.Buffers.Binary;
using System.Text;
using Hybrid.Shell.Stores;

namespace Hybrid.Shell.Lmdb.EventStore;

/// <summary>Reads what <see cref="RecordWriter"/> wrote; any read past the end throws <see cref="FormatException"/>.</summary>
internal ref struct RecordReader(ReadOnlySpan<byte> bytes)
{
    private readonly ReadOnlySpan<byte> _bytes = bytes;
    private int _at;

    public readonly bool AtEnd => _at == _bytes.Length;

    public byte Byte() => Take(1)[0];

    public int Int32() => BinaryPrimitives.ReadInt32LittleEndian(Take(4));

    public long Int64() => BinaryPrimitives.ReadInt64LittleEndian(Take(8));

    public Guid Guid() => new(Take(16));

    public ulong VarUInt()
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            var b = Byte();
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return value;
        }
        throw new FormatException("A length runs past 64 bits.");
    }

    public string String() => Encoding.UTF8.GetString(Take(Length(VarUInt())));

    /// <summary>A string, taken from the recent strings when it was read before.</summary>
    public string String(RecentStrings recent) => recent.Get(Take(Length(VarUInt())));

    public string? NullableString(RecentStrings recent)
    {
        var length = VarUInt();
        return length == 0 ? null : recent.Get(Take(Length(length - 1)));
    }

    public string? NullableString()
    {
        var length = VarUInt();
        return length == 0 ? null : Encoding.UTF8.GetString(Take(Length(length - 1)));
    }

    /// <summary>The UTF-8 bytes of a string, without decoding them.</summary>
    public ReadOnlySpan<byte> StringBytes() => Take(Length(VarUInt()));

    private readonly int Length(ulong length) =>
        length <= (ulong)(_bytes.Length - _at) ? (int)length : throw new FormatException("A length runs past the end of the record.");

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count > _bytes.Length - _at) throw new FormatException("The record ends early.");
        var span = _bytes.Slice(_at, count);
        _at += count;
        return span;
    }
}
