using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using LightningDB;

namespace Hybrid.Shell.Lmdb.EventStore;

/// <summary>
/// The lists of the versions and postings databases, held as plain keys in chunks: a chunk's key is [list prefix]
/// [number of its first entry, big-endian], its value up to <see cref="ChunkEntries"/> entries of 8 bytes and the
/// checksum of key and value. A posting chunk holds positions in ascending order, each entry its own number, the first
/// one in the key only (a type or tag of a single event costs a key and a checksum); a version chunk holds the
/// positions of consecutive versions (the key's version, the next, …). A list's chunks sort by number and lie together
/// (a prefix ends with a 0, which no name holds).
/// </summary>
/// <remarks>
/// An append rewrites the list's last chunk and puts a new key only every <see cref="ChunkEntries"/> entries: one leaf
/// of one tree per list, where an LMDB sorted-duplicate list grown into a sub-database dirtied its leaf, its root and
/// the main tree's leaf holding it; and a batch's positions of one type or tag go into one value instead of one put each.
/// </remarks>
[SkipLocalsInit] // the chunk buffers (2 KiB a list append) are written before they are read
internal static class KeyLists
{
    /// <summary>What a chunk's key holds after its prefix's name: the 0 that ends the name, and the number.</summary>
    public const int Suffix = 1 + 8;

    /// <summary>How many entries an append puts in a chunk before it starts the next.</summary>
    public const int ChunkEntries = 64;

    /// <summary>The most entries a chunk holds: one grown by inserts below the list's last (a purge's placeholders) is split above this.</summary>
    public const int MaxEntries = 2 * ChunkEntries;

    /// <summary>A chunk's key: the prefix and the number, written into the span.</summary>
    public static ReadOnlySpan<byte> Key(ReadOnlySpan<byte> prefix, long number, Span<byte> key)
    {
        prefix.CopyTo(key);
        BinaryPrimitives.WriteInt64BigEndian(key[prefix.Length..], number);
        return key[..(prefix.Length + 8)];
    }

    /// <summary>A chunk's key as an array (damage reports).</summary>
    public static byte[] Key(ReadOnlySpan<byte> prefix, long number)
    {
        var key = new byte[prefix.Length + 8];
        Key(prefix, number, key);
        return key;
    }

    /// <summary>The number at the end of a chunk's key: its first entry's.</summary>
    public static long NumberOf(ReadOnlySpan<byte> key) => BinaryPrimitives.ReadInt64BigEndian(key[^8..]);

    /// <summary>True when the key is a chunk of the list with the prefix.</summary>
    public static bool InList(ReadOnlySpan<byte> key, ReadOnlySpan<byte> prefix) => key.Length == prefix.Length + 8 && key.StartsWith(prefix);

    /// <summary>
    /// The entries of a chunk, checked: its checksum, whole entries (1 to <see cref="MaxEntries"/>), ascending. A chunk
    /// that fails is reported as damage.
    /// </summary>
    public static int Decode(StoreTxn txn, LightningDatabase db, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, bool consecutive, Span<long> into)
    {
        if (!Sealed.TryOpen(key, value, out var payload)) throw txn.Damaged(db, key, "an index entry fails its checksum");
        var first = consecutive ? 0 : 1; // a posting chunk's first entry is its key's number
        var count = payload.Length / 8 + first;
        if (payload.Length % 8 != 0 || count == 0 || count > MaxEntries) throw txn.Damaged(db, key, "an index entry is malformed");
        if (!consecutive) into[0] = NumberOf(key);
        for (var i = first; i < count; i++)
        {
            into[i] = BinaryPrimitives.ReadInt64LittleEndian(payload[(8 * (i - first))..]);
            if (i > 0 && into[i] <= into[i - 1]) throw txn.Damaged(db, key, "an index entry's positions are out of order");
        }
        return count;
    }

    /// <summary>The number of a chunk's last entry.</summary>
    public static long LastNumber(ReadOnlySpan<byte> key, ReadOnlySpan<long> entries, bool consecutive) =>
        consecutive ? NumberOf(key) + entries.Length - 1 : entries[^1];

    /// <summary>
    /// Appends entries to the list (in the writer's transaction), their numbers above every number it holds: a version
    /// list's entries are the positions of versions <paramref name="first"/>, the next, …; a posting list's entries are
    /// positions (<paramref name="first"/> is the first of them). The last chunk is filled up to <see cref="ChunkEntries"/>,
    /// then new chunks follow. An entry not above the list's last is reported as damage (numbers only grow).
    /// </summary>
    public static void Append(StoreTxn txn, LightningDatabase db, ReadOnlySpan<byte> prefix, long first, ReadOnlySpan<long> entries, bool consecutive)
    {
        Span<byte> key = stackalloc byte[prefix.Length + 8];
        Span<long> held = stackalloc long[MaxEntries];
        var done = 0;
        if (LastChunk(txn, db, prefix, key) is { } last)
        {
            var lastKey = last.Key.AsSpan();
            var count = Decode(txn, db, lastKey, last.Value.AsSpan(), consecutive, held);
            if (first <= LastNumber(lastKey, held[..count], consecutive)) throw txn.Damaged(db, lastKey, "an index entry is not above the list's last");
            // A version chunk holds consecutive versions only: after a gap, the next chunk starts.
            if (count < ChunkEntries && (!consecutive || first == NumberOf(lastKey) + count))
            {
                done = Math.Min(ChunkEntries - count, entries.Length);
                entries[..done].CopyTo(held[count..]);
                lastKey.CopyTo(key); // the key read points into the map, which the put may change
                Write(txn, db, key, held[..(count + done)], replace: true, consecutive);
            }
        }
        while (done < entries.Length)
        {
            var take = Math.Min(ChunkEntries, entries.Length - done);
            Write(txn, db, Key(prefix, consecutive ? first + done : entries[done], key), entries.Slice(done, take), replace: false, consecutive);
            done += take;
        }
    }

    /// <summary>Removes a posting (of a purged event) from its list: false when the list does not hold it.</summary>
    public static bool Remove(StoreTxn txn, LightningDatabase db, ReadOnlySpan<byte> prefix, long position)
    {
        Span<byte> key = stackalloc byte[prefix.Length + 8];
        Span<long> held = stackalloc long[MaxEntries + 1];
        if (ChunkAtOrBelow(txn, db, prefix, position, key, held, out var count) is not { } at) return false;
        var index = held[..count].BinarySearch(position);
        if (index < 0) return false;
        held[(index + 1)..count].CopyTo(held[index..]);
        Replace(txn, db, prefix, at, held[..(count - 1)], key);
        return true;
    }

    /// <summary>Adds a posting below the list's last (a purge's placeholder): into the chunk it falls in, which is split when it grows past <see cref="MaxEntries"/>.</summary>
    public static void Insert(StoreTxn txn, LightningDatabase db, ReadOnlySpan<byte> prefix, long position)
    {
        Span<byte> key = stackalloc byte[prefix.Length + 8];
        Span<long> held = stackalloc long[MaxEntries + 1];
        if (ChunkAtOrBelow(txn, db, prefix, position, key, held, out var count) is not { } at)
        {
            Write(txn, db, Key(prefix, position, key), [position], replace: false, consecutive: false);
            return;
        }
        var index = held[..count].BinarySearch(position);
        if (index >= 0) throw txn.Damaged(db, Key(prefix, at), $"the posting of position {position} is already there");
        index = ~index;
        held[index..count].CopyTo(held[(index + 1)..]);
        held[index] = position;
        Replace(txn, db, prefix, at, held[..(count + 1)], key);
    }

    /// <summary>
    /// The number of every entry of the database's lists, checking every chunk (see <see cref="Decode"/>) and that a
    /// list's chunks do not overlap.
    /// </summary>
    public static long CountEntries(StoreTxn txn, LightningDatabase db, bool consecutive)
    {
        Span<long> held = stackalloc long[MaxEntries];
        using var cursor = txn.Tx.CreateCursor(db);
        var (code, key, value) = cursor.First();
        byte[] previous = [];
        long previousLast = 0, total = 0;
        while (code == MDBResultCode.Success)
        {
            var k = key.AsSpan();
            if (k.Length < 4 + 1 + Suffix || k[^Suffix] != 0) throw txn.Damaged(db, k, "an index key is malformed");
            var count = Decode(txn, db, k, value.AsSpan(), consecutive, held);
            var prefix = k[..^8];
            if (prefix.SequenceEqual(previous) && NumberOf(k) <= previousLast) throw txn.Damaged(db, k, "an index entry overlaps the one before it");
            if (!prefix.SequenceEqual(previous)) previous = prefix.ToArray();
            previousLast = LastNumber(k, held[..count], consecutive);
            total += count;
            (code, key, value) = cursor.Next();
        }
        if (code != MDBResultCode.NotFound) code.ThrowOnError();
        return total;
    }

    /// <summary>The list's last chunk (through the writer's kept cursor), or null when the list is empty.</summary>
    private static (MDBValue Key, MDBValue Value)? LastChunk(StoreTxn txn, LightningDatabase db, ReadOnlySpan<byte> prefix, Span<byte> key)
    {
        var cursor = txn.Cursor(db);
        var code = cursor.SetRange(Key(prefix, long.MaxValue, key));
        var (found, k, v) = code == MDBResultCode.NotFound ? cursor.Last() : code == MDBResultCode.Success ? cursor.Previous() : (code, default, default);
        if (found == MDBResultCode.NotFound) return null;
        found.ThrowOnError();
        return InList(k.AsSpan(), prefix) ? (k, v) : null;
    }

    /// <summary>The last chunk whose first number is at or below the number, decoded; null when there is none.</summary>
    private static long? ChunkAtOrBelow(StoreTxn txn, LightningDatabase db, ReadOnlySpan<byte> prefix, long number, Span<byte> key, Span<long> held, out int count)
    {
        count = 0;
        var cursor = txn.Cursor(db);
        var (code, k, v) = cursor.SeekRange(Key(prefix, number, key));
        if (code != MDBResultCode.Success || !k.AsSpan().SequenceEqual(key)) (code, k, v) = code == MDBResultCode.NotFound ? cursor.Last() : cursor.Previous();
        if (code == MDBResultCode.NotFound) return null;
        code.ThrowOnError();
        if (!InList(k.AsSpan(), prefix)) return null;
        count = Decode(txn, db, k.AsSpan(), v.AsSpan(), consecutive: false, held);
        return NumberOf(k.AsSpan());
    }

    /// <summary>Replaces the posting chunk at the number with the entries (none: the chunk goes), split in two above <see cref="MaxEntries"/>.</summary>
    private static void Replace(StoreTxn txn, LightningDatabase db, ReadOnlySpan<byte> prefix, long at, ReadOnlySpan<long> entries, Span<byte> key)
    {
        txn.Tx.Delete(db, Key(prefix, at, key)).ThrowOnError();
        var half = entries.Length > MaxEntries ? entries.Length / 2 : entries.Length;
        if (half > 0) Write(txn, db, Key(prefix, entries[0], key), entries[..half], replace: false, consecutive: false);
        if (half < entries.Length) Write(txn, db, Key(prefix, entries[half], key), entries[half..], replace: false, consecutive: false);
    }

    /// <summary>Puts a chunk (through the writer's kept cursor); a new one whose key is already there is reported as damage.</summary>
    private static void Write(StoreTxn txn, LightningDatabase db, ReadOnlySpan<byte> key, ReadOnlySpan<long> entries, bool replace, bool consecutive)
    {
        Span<byte> buffer = stackalloc byte[8 * MaxEntries + 8];
        if (!consecutive) entries = entries[1..]; // the key holds it
        for (var i = 0; i < entries.Length; i++) BinaryPrimitives.WriteInt64LittleEndian(buffer[(8 * i)..], entries[i]);
        var payload = buffer[..(8 * entries.Length)];
        if (replace)
        {
            txn.PutNear(db, key, payload);
            return;
        }
        var code = txn.PutNew(db, key, payload);
        if (code == MDBResultCode.KeyExist) throw txn.Damaged(db, key, "an index entry is already there");
        code.ThrowOnError();
    }
}
