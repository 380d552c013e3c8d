using System.Buffers.Binary;
using Hybrid.Shell.Lmdb.Files;

namespace Hybrid.Shell.Lmdb;

/// <summary>
/// A cache value: a format byte, the watermark (last position folded), a CRC-32C of the payload, then the payload.
/// A value whose format, length or checksum does not match is damaged.
/// </summary>
internal static class LmdbEntry
{
    private const byte Format = 1;
    private const int HeaderLength = 1 + 8 + 4;

    public static byte[] Encode(long watermark, ReadOnlySpan<byte> payload)
    {
        var value = new byte[HeaderLength + payload.Length];
        value[0] = Format;
        BinaryPrimitives.WriteInt64LittleEndian(value.AsSpan(1), watermark);
        BinaryPrimitives.WriteUInt32LittleEndian(value.AsSpan(9), Checksum(payload));
        payload.CopyTo(value.AsSpan(HeaderLength));
        return value;
    }

    /// <summary>Reads a value; false when it is damaged.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> value, out long watermark, out byte[] payload)
    {
        watermark = 0;
        payload = [];
        if (value.Length < HeaderLength || value[0] != Format) return false;
        var body = value[HeaderLength..];
        if (BinaryPrimitives.ReadUInt32LittleEndian(value[9..]) != Checksum(body)) return false;
        watermark = BinaryPrimitives.ReadInt64LittleEndian(value[1..]);
        payload = body.ToArray();
        return watermark >= 0;
    }

    private static uint Checksum(ReadOnlySpan<byte> data) => Crc32C.Of(data);
}
