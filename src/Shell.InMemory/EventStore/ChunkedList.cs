namespace Hybrid.InMemory.EventStore;

/// <summary>
/// A growable list held in fixed-size chunks that stay below the large object heap's threshold (85,000 bytes). A long
/// log or index then grows without copying and without dropping large arrays: with one doubling array, each growth
/// was large-object garbage, and large-object allocations are what started most full (gen2) collections of the
/// whole log, which stays reachable. The first chunk grows by doubling, so a short list stays small.
/// </summary>
/// <remarks>A mutable struct: keep it in a field and use it there, never a copy. Indexes are not checked against Count.</remarks>
internal struct ChunkedList<T>
{
    /// <summary>8,192 items a chunk: 64 KB of references, 32 KB of ints.</summary>
    private const int ChunkBits = 13;
    private const int ChunkSize = 1 << ChunkBits;
    private const int Mask = ChunkSize - 1;

    // Items [0, ChunkSize) are in _first; item i above them in _rest[(i >> ChunkBits) - 1][i & Mask].
    private T[] _first;
    private T[]?[]? _rest;

    /// <summary>A list whose first chunk starts with room for the given number of items.</summary>
    public ChunkedList(int capacity) => _first = new T[Math.Clamp(capacity, 1, ChunkSize)];

    public int Count { readonly get; private set; }

    public readonly ref T this[int index] =>
        ref index < ChunkSize ? ref _first[index] : ref _rest![(index >> ChunkBits) - 1]![index & Mask];

    public void Add(T item)
    {
        var i = Count;
        if (i < _first.Length) _first[i] = item;
        else if (i < ChunkSize)
        {
            Array.Resize(ref _first, Math.Min(_first.Length * 2, ChunkSize));
            _first[i] = item;
        }
        else
        {
            var k = (i >> ChunkBits) - 1;
            _rest ??= new T[]?[4];
            if (k == _rest.Length) Array.Resize(ref _rest, _rest.Length * 2);
            // A chunk emptied by removals is kept and reused.
            (_rest[k] ??= new T[ChunkSize])[i & Mask] = item;
        }
        Count = i + 1;
    }

    /// <summary>Inserts an item at the index, moving the items from there one place up.</summary>
    public void Insert(int at, T item)
    {
        Add(item);
        // Chunk by chunk from the end: within a chunk one copy, and each chunk's lowest slot takes the item below it.
        var i = Count - 1;
        while (i > at)
        {
            var chunk = ChunkOf(i);
            var lowest = Math.Max(i - (i & Mask), at + 1);
            Array.Copy(chunk, lowest & Mask, chunk, (lowest & Mask) + 1, i - lowest);
            chunk[lowest & Mask] = this[lowest - 1];
            i = lowest - 1;
        }
        this[at] = item;
    }

    /// <summary>Removes the item at the index, moving the items above it one place down.</summary>
    public void RemoveAt(int at)
    {
        var last = Count - 1;
        var i = at;
        while (i < last)
        {
            var chunk = ChunkOf(i);
            var highest = Math.Min(i - (i & Mask) + Mask, last - 1);
            Array.Copy(chunk, (i & Mask) + 1, chunk, i & Mask, highest - i);
            chunk[highest & Mask] = this[highest + 1];
            i = highest + 1;
        }
        this[last] = default!;
        Count = last;
    }

    /// <summary>Copies count items from the index into the array, chunk by chunk.</summary>
    public readonly void CopyTo(int from, T[] into, int at, int count)
    {
        while (count > 0)
        {
            var n = Math.Min(count, ChunkSize - (from & Mask));
            Array.Copy(ChunkOf(from), from & Mask, into, at, n);
            from += n;
            at += n;
            count -= n;
        }
    }

    private readonly T[] ChunkOf(int index) => index < ChunkSize ? _first : _rest![(index >> ChunkBits) - 1]!;
}
