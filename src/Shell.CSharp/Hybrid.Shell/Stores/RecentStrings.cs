using System.Text;

namespace Hybrid.Shell.Stores;

/// <summary>
/// Short strings decoded while reading a run of events (types, streams, tags, metadata repeat from event to event):
/// a small direct-mapped cache from UTF-8 bytes to the string, so that a long read allocates each of them once.
/// The LMDB and PostgreSQL stores decode their records and rows through it. Not thread-safe: one per read.
/// </summary>
internal sealed class RecentStrings
{
    private const int Slots = 256;
    private const int LongestCached = 96;

    // A slot keeps its bytes in a buffer of its own, reused when another string takes the slot: a miss (a tag unique
    // to its event) copies its bytes there instead of allocating an array.
    private readonly byte[]?[] _bytes = new byte[Slots][];
    private readonly int[] _lengths = new int[Slots];
    private readonly string?[] _strings = new string[Slots];

    public string Get(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length == 0) return "";
        if (utf8.Length > LongestCached) return Encoding.UTF8.GetString(utf8);
        var hash = new HashCode();
        hash.AddBytes(utf8);
        var slot = hash.ToHashCode() & (Slots - 1);
        var known = _bytes[slot];
        if (known is not null && _lengths[slot] == utf8.Length && utf8.SequenceEqual(known.AsSpan(0, utf8.Length))) return _strings[slot]!;
        var value = Encoding.UTF8.GetString(utf8);
        utf8.CopyTo(_bytes[slot] ??= new byte[LongestCached]);
        _lengths[slot] = utf8.Length;
        _strings[slot] = value;
        return value;
    }
}
