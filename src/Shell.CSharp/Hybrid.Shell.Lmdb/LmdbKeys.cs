using System.Buffers.Binary;
using System.Text;

namespace Hybrid.Shell.Lmdb;

/// <summary>
/// Byte keys of the LMDB read-model cache, full width and ordered so that prefix scans find a model version and an
/// instance: [model][version, big-endian][tenant][scope] then 0 for the header or 1 and the piece name. Every string
/// is length-prefixed, so no two identities share a key and nothing is hashed.
/// </summary>
internal static class LmdbKeys
{
    public const byte HeaderMark = 0;
    public const byte PieceMark = 1;

    public static byte[] ModelPrefix(string model)
    {
        var buffer = new List<byte>(64);
        AppendString(buffer, model);
        return buffer.ToArray();
    }

    public static byte[] VersionPrefix(string model, int version)
    {
        var buffer = new List<byte>(64);
        AppendString(buffer, model);
        AppendVersion(buffer, version);
        return buffer.ToArray();
    }

    public static byte[] InstancePrefix(ReadModelKey key)
    {
        var buffer = new List<byte>(128);
        AppendString(buffer, key.Model);
        AppendVersion(buffer, key.Version);
        AppendString(buffer, key.Tenant);
        AppendString(buffer, key.Scope);
        return buffer.ToArray();
    }

    public static byte[] Header(byte[] instancePrefix) => [.. instancePrefix, HeaderMark];

    public static byte[] Piece(byte[] instancePrefix, string piece) => [.. instancePrefix, PieceMark, .. Encoding.UTF8.GetBytes(piece)];

    /// <summary>The version stored in a key that starts with the model's prefix.</summary>
    public static int VersionOf(ReadOnlySpan<byte> key, int modelPrefixLength) =>
        BinaryPrimitives.ReadInt32BigEndian(key.Slice(modelPrefixLength, 4)) ^ int.MinValue;

    public static string PieceName(ReadOnlySpan<byte> key, int instancePrefixLength) =>
        Encoding.UTF8.GetString(key[(instancePrefixLength + 1)..]);

    private static void AppendString(List<byte> buffer, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        if (bytes.Length > ushort.MaxValue) throw new ArgumentException($"'{value[..32]}…' is too long for a cache key.");
        buffer.Add((byte)(bytes.Length >> 8));
        buffer.Add((byte)bytes.Length);
        buffer.AddRange(bytes);
    }

    // The sign bit is flipped so that versions sort in numeric order as unsigned bytes.
    private static void AppendVersion(List<byte> buffer, int version)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(bytes, version ^ int.MinValue);
        buffer.AddRange(bytes.ToArray());
    }
}
