using System.Buffers.Binary;
using Hybrid.Shell.Lmdb.Files;

namespace Hybrid.Shell.Lmdb.EventStore;

/// <summary>
/// Every value of the event store ends with a CRC-32C of its key and payload, so a damaged key, payload or a value
/// moved under another key is found when read (LMDB checks nothing of its own).
/// </summary>
internal static class Sealed
{
    public const int Overhead = 4;

    /// <summary>The payload followed by the checksum of key and payload.</summary>
    public static byte[] Seal(ReadOnlySpan<byte> key, ReadOnlySpan<byte> payload)
    {
        var value = new byte[payload.Length + Overhead];
        payload.CopyTo(value);
        BinaryPrimitives.WriteUInt32LittleEndian(value.AsSpan(payload.Length), Crc32C.Of(key, payload));
        return value;
    }

    /// <summary>Writes the checksum of key and payload into the last four bytes of a value whose payload is in front.</summary>
    public static void SealInPlace(ReadOnlySpan<byte> key, Span<byte> value) =>
        BinaryPrimitives.WriteUInt32LittleEndian(value[^Overhead..], Crc32C.Of(key, value[..^Overhead]));

    /// <summary>The payload of a sound value; false when the value is damaged.</summary>
    public static bool TryOpen(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, out ReadOnlySpan<byte> payload)
    {
        payload = default;
        if (value.Length < Overhead) return false;
        var body = value[..^Overhead];
        if (BinaryPrimitives.ReadUInt32LittleEndian(value[^Overhead..]) != Crc32C.Of(key, body)) return false;
        payload = body;
        return true;
    }
}
