using System.Text;

namespace Hybrid.Shell.Lmdb.EventStore;

/// <summary>
/// Short strings decoded while reading a run of events (types, streams, tags, metadata repeat from event to event):
/// a small direct-mapped cache from UTF-8 bytes to the string, so that a long read allocates each of them once.
/// Not thread-safe: one per read.
/// </summary>
internal sealed class RecentStrings
{
    private const int Slots = 256;
    private const int LongestCached = 96;
    private readonly byte[]?[] _bytes = new byte[Slots][];
    private readonly string?[] _strings = new string[Slots];

    public string Get(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length == 0) return "";
        if (utf8.Length > LongestCached) return Encoding.UTF8.GetString(utf8);
        var hash = new HashCode();
        hash.AddBytes(utf8);
        var slot = hash.ToHashCode() & (Slots - 1);
        if (_bytes[slot] is { } known && utf8.SequenceEqual(known)) return _strings[slot]!;
        var value = Encoding.UTF8.GetString(utf8);
        _bytes[slot] = utf8.ToArray();
        _strings[slot] = value;
        return value;
    }
}
