using System.Buffers.Binary;
using System.Text;

namespace Hybrid.Shell.Lmdb.EventStore;

/// <summary>
/// A key of the event store in words, for damage reports: "tenant 'acme', position 42" (or "tenant #3" when the
/// tenant's name is not known). Garbage keys fall back to hex.
/// </summary>
internal static class StoreKeyText
{
    public static string Describe(string database, ReadOnlySpan<byte> key, IReadOnlyDictionary<uint, string>? tenants = null)
    {
        try
        {
            var tenant = key.Length >= 4 ? Tenant(BinaryPrimitives.ReadUInt32BigEndian(key), tenants) : "";
            return database switch
            {
                "events" when key.Length == 12 => $"tenant {tenant}, position {StoreKeys.Last(key)}",
                "ids" when key.Length == 20 => $"tenant {tenant}, event id {new Guid(key[4..], bigEndian: true)}",
                "checkpoints" or "subject-keys" when key.Length > 4 => $"tenant {tenant}, '{Text(key[4..])}'",
                "indexed" when key.Length == 4 => $"tenant {tenant}'s index mark",
                "deletions" when key.Length > 4 => $"tenant {tenant}, stream '{Text(key[4..])}'",
                "versions" when key.Length > 4 + KeyLists.Suffix && key[^KeyLists.Suffix] == 0 =>
                    $"tenant {tenant}, stream '{Text(key[4..^KeyLists.Suffix])}', versions from {KeyLists.NumberOf(key)}",
                "postings" when key.Length > 5 + KeyLists.Suffix && key[^KeyLists.Suffix] == 0 =>
                    $"tenant {tenant}, {(key[4] == StoreKeys.TypeName ? "type" : "tag")} '{Text(key[5..^KeyLists.Suffix])}', positions from {KeyLists.NumberOf(key)}",
                "dead-letters" when key.Length > 14 => $"tenant {tenant}, processor '{Text(key[6..^8])}', position {StoreKeys.Last(key)}",
                "tenants" or "leases" or "meta" => $"'{Text(key)}'",
                _ => Hex(key),
            };
        }
        catch (Exception e) when (e is ArgumentException or DecoderFallbackException)
        {
            return Hex(key);
        }
    }

    private static string Tenant(uint number, IReadOnlyDictionary<uint, string>? tenants) =>
        tenants is not null && tenants.TryGetValue(number, out var name) ? $"'{name}'" : $"#{number}";

    private static string Text(ReadOnlySpan<byte> bytes)
    {
        var text = Encoding.UTF8.GetString(bytes);
        return text.Any(char.IsControl) ? Hex(bytes) : text;
    }

    private static string Hex(ReadOnlySpan<byte> key) => $"0x{Convert.ToHexStringLower(key[..Math.Min(key.Length, 64)])}{(key.Length > 64 ? "…" : "")}";
}
