using System.Runtime.CompilerServices;

namespace Hybrid.InMemory.EventStore;

/// <summary>
/// The positions of a tenant log's event ids: an open-addressing table of 8-byte slots (a 32-bit hash of the id and
/// the position), half empty at most. A lookup touches one slot run and reads a stored event only when the hashes
/// match, so it costs about one cache miss where a Dictionary&lt;Guid, long&gt; costs two or three and four times the
/// memory. Not thread-safe by itself: the tenant log's lock guards it.
/// </summary>
internal sealed class IdIndex
{
    // A slot is (hash << 32) | position; 0 is empty (positions start at 1).
    private long[] _slots = new long[256];
    private int _count;

    /// <summary>The position of the id, found through the log's events (events[p - 1] is at position p).</summary>
    public bool TryGet(Guid id, RecordedEvent[] events, out long position)
    {
        var hash = Hash(id);
        var mask = _slots.Length - 1;
        for (var i = (int)(hash & (uint)mask); ; i = (i + 1) & mask)
        {
            var slot = _slots[i];
            if (slot == 0) break;
            if ((uint)(slot >>> 32) == hash && events[(int)slot - 1].Id == id)
            {
                position = (int)slot;
                return true;
            }
        }
        position = 0;
        return false;
    }

    /// <summary>Adds an id that is not stored yet at its position (at most int.MaxValue, as the log is an array).</summary>
    public void Add(Guid id, long position)
    {
        if (_count >= _slots.Length / 2) Grow();
        Insert(_slots, ((long)Hash(id) << 32) | checked((uint)(int)position));
        _count++;
    }

    private void Grow()
    {
        var grown = new long[_slots.Length * 2];
        foreach (var slot in _slots)
            if (slot != 0) Insert(grown, slot);
        _slots = grown;
    }

    private static void Insert(long[] slots, long slot)
    {
        var mask = slots.Length - 1;
        var i = (int)((uint)(slot >>> 32) & (uint)mask);
        while (slots[i] != 0) i = (i + 1) & mask;
        slots[i] = slot;
    }

    /// <summary>A well-mixed 32-bit hash: linear probing needs one, and sequential or time-ordered ids are common.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Hash(Guid id)
    {
        ref var bytes = ref Unsafe.As<Guid, byte>(ref id);
        var x = Unsafe.ReadUnaligned<ulong>(ref bytes) * 0x9E3779B97F4A7C15UL ^ Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref bytes, 8));
        x ^= x >>> 31;
        x *= 0xBF58476D1CE4E5B9UL;
        x ^= x >>> 29;
        return (uint)x;
    }
}
