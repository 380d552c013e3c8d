using System.Buffers.Binary;
using System.Text;

namespace Hybrid.Shell.Lmdb.EventStore;

/// <summary>Builds a record's bytes: fixed-width numbers little-endian, strings as a varint length then UTF-8.</summary>
internal sealed class RecordWriter
{
    private byte[] _buffer;
    private int _length;

    public RecordWriter(int capacity = 256) => _buffer = new byte[capacity];

    public int Length => _length;

    public ReadOnlySpan<byte> Written => _buffer.AsSpan(0, _length);

    public void Clear() => _length = 0;

    public void Byte(byte value) => Take(1)[0] = value;

    public void Int32(int value) => BinaryPrimitives.WriteInt32LittleEndian(Take(4), value);

    public void Int64(long value) => BinaryPrimitives.WriteInt64LittleEndian(Take(8), value);

    public void Guid(Guid value) => value.TryWriteBytes(Take(16));

    public void VarUInt(ulong value)
    {
        while (value >= 0x80)
        {
            Byte((byte)(value | 0x80));
            value >>= 7;
        }
        Byte((byte)value);
    }

    public void String(string value)
    {
        VarUInt((ulong)Encoding.UTF8.GetByteCount(value));
        var span = Take(Encoding.UTF8.GetMaxByteCount(value.Length));
        _length -= span.Length - Encoding.UTF8.GetBytes(value, span);
    }

    /// <summary>A string that may be null: its length plus one, 0 for null.</summary>
    public void NullableString(string? value)
    {
        if (value is null)
        {
            Byte(0);
            return;
        }
        VarUInt((ulong)Encoding.UTF8.GetByteCount(value) + 1);
        var span = Take(Encoding.UTF8.GetMaxByteCount(value.Length));
        _length -= span.Length - Encoding.UTF8.GetBytes(value, span);
    }

    public void Bytes(ReadOnlySpan<byte> bytes) => bytes.CopyTo(Take(bytes.Length));

    public byte[] ToArray() => _buffer.AsSpan(0, _length).ToArray();

    private Span<byte> Take(int count)
    {
        if (_length + count > _buffer.Length) Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + count));
        var span = _buffer.AsSpan(_length, count);
        _length += count;
        return span;
    }
}
