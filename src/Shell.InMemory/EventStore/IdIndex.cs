using System.Buffers;
using System.Runtime.CompilerServices;

namespace Hybrid.InMemory.EventStore;

/// <summary>
/// The positions of a tenant log's event ids: open-addressing buckets of 8-byte slots (a 32-bit hash of the id and the
/// position), half empty at most. A lookup touches one slot run and reads a stored event only when the hashes match,
/// so it costs about one cache miss where a Dictionary&lt;Guid, long&gt; costs two or three and four times the memory.
/// The buckets are found by the hash's top bits (extendible hashing): a full bucket splits in two, so the index grows
/// by small local steps instead of rehashing everything into one ever larger array (which, for a long log, was a
/// large-object allocation and a pass of cache misses over every id). Not thread-safe by itself: the tenant log's lock
/// guards it.
/// </summary>
internal sealed class IdIndex
{
    // A bucket of 4,096 slots is 32 KB (under the large object heap's threshold). The hash's low bits place an id in
    // its bucket and its top bits choose the bucket, so the two never share a bit while the directory has at most
    // 2^MaxDepth entries; a bucket at that depth grows in place instead of splitting (only when hashes collide a lot).
    private const int BucketSlots = 4096;
    private const int MaxDepth = 32 - 12;

    /// <summary>Directory entry i is the bucket of the hashes whose top <see cref="_depth"/> bits are i.</summary>
    private Bucket[] _directory = [new Bucket(depth: 0, new long[256])];
    private int _depth;

    private sealed class Bucket(int depth, long[] slots)
    {
        /// <summary>How many of the hash's top bits all of this bucket's ids share.</summary>
        public int Depth = depth;

        // A slot is (hash << 32) | position; 0 is empty (positions start at 1).
        public long[] Slots = slots;
        public int Count;

        public bool TryFind(uint hash, Guid id, in ChunkedList<RecordedEvent> events, out long position)
        {
            var slots = Slots;
            var mask = slots.Length - 1;
            for (var i = (int)(hash & (uint)mask); ; i = (i + 1) & mask)
            {
                var slot = slots[i];
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

        public void Insert(long slot)
        {
            var slots = Slots;
            var mask = slots.Length - 1;
            var i = (int)((uint)(slot >>> 32) & (uint)mask);
            while (slots[i] != 0) i = (i + 1) & mask;
            slots[i] = slot;
            Count++;
        }

        /// <summary>Doubles the slots (a bucket still growing to its full size, or at the directory's limit).</summary>
        public void Grow()
        {
            var old = Slots;
            Slots = new long[old.Length * 2];
            Count = 0;
            foreach (var slot in old)
                if (slot != 0) Insert(slot);
        }
    }

    /// <summary>The position of the id, found through the log's events (events[p - 1] is at position p).</summary>
    public bool TryGet(Guid id, in ChunkedList<RecordedEvent> events, out long position)
    {
        var hash = Hash(id);
        return BucketOf(hash).TryFind(hash, id, events, out position);
    }

    /// <summary>Adds an id that is not stored yet at its position (at most int.MaxValue).</summary>
    public void Add(Guid id, long position)
    {
        var hash = Hash(id);
        var bucket = BucketOf(hash);
        // A split may leave every id on one side: then that side splits again.
        while (bucket.Count >= bucket.Slots.Length / 2)
        {
            if (bucket.Slots.Length < BucketSlots || bucket.Depth == MaxDepth) bucket.Grow();
            else
            {
                Split(bucket, hash);
                bucket = BucketOf(hash);
            }
        }
        bucket.Insert(((long)hash << 32) | checked((uint)(int)position));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Bucket BucketOf(uint hash) => _directory[(int)((ulong)hash >> (32 - _depth))];

    /// <summary>Splits the bucket (which holds the hash) in two, one for each value of the next top bit.</summary>
    private void Split(Bucket bucket, uint hash)
    {
        if (bucket.Depth == _depth)
        {
            var doubled = new Bucket[_directory.Length * 2];
            for (var i = 0; i < doubled.Length; i++) doubled[i] = _directory[i >> 1];
            _directory = doubled;
            _depth++;
        }
        // The bucket keeps its slots and the ids whose next bit is 0; the others move to a new bucket.
        var depth = bucket.Depth + 1;
        var moved = ArrayPool<long>.Shared.Rent(bucket.Slots.Length);
        var all = bucket.Slots.AsSpan();
        all.CopyTo(moved);
        all.Clear();
        bucket.Count = 0;
        bucket.Depth = depth;
        Bucket low = bucket, high = new(depth, new long[BucketSlots]);
        foreach (var slot in moved.AsSpan(0, all.Length))
            if (slot != 0) (((uint)(slot >>> 32) >> (32 - depth) & 1) == 0 ? low : high).Insert(slot);
        ArrayPool<long>.Shared.Return(moved);
        // The bucket's directory entries were the 2^(_depth - depth + 1) consecutive ones sharing its top bits: low takes the first half.
        var span = 1 << (_depth - depth + 1);
        var first = (int)((ulong)hash >> (32 - _depth)) & ~(span - 1);
        for (var i = 0; i < span; i++) _directory[first + i] = i < span / 2 ? low : high;
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
