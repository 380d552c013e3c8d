using System.Buffers.Binary;
using LightningDB;

namespace Hybrid.Shell.Lmdb.EventStore;

/// <summary>
/// The lists of the versions and postings databases, held as plain keys: one entry per key [list prefix][number,
/// big-endian] (a version, a position), its value a small payload (a version's position, or nothing) and the checksum
/// of key and payload. A list's keys sort by number and lie together (a prefix ends with a 0 no name holds), so a
/// list is read with a cursor over a key range, and an append puts one key after the list's last.
/// </summary>
internal static class KeyLists
{
    /// <summary>What a list entry's key holds after its prefix's name: the 0 that ends the name, and the number.</summary>
    public const int Suffix = 1 + 8;

    /// <summary>A version entry's payload: the event's position.</summary>
    public const int VersionPayload = 8;

    /// <summary>A posting entry's payload: nothing (the key says it all).</summary>
    public const int PostingPayload = 0;

    /// <summary>The entry's key: the prefix and the number, written into the span.</summary>
    public static ReadOnlySpan<byte> Key(ReadOnlySpan<byte> prefix, long number, Span<byte> key)
    {
        prefix.CopyTo(key);
        BinaryPrimitives.WriteInt64BigEndian(key[prefix.Length..], number);
        return key[..(prefix.Length + 8)];
    }

    /// <summary>The entry's key as an array (for the occasional write or check outside an append).</summary>
    public static byte[] Key(ReadOnlySpan<byte> prefix, long number)
    {
        var key = new byte[prefix.Length + 8];
        Key(prefix, number, key);
        return key;
    }

    /// <summary>
    /// Adds the entry through the database's kept cursor (in the writer's transaction). An entry already there is
    /// reported as damage: numbers of a list only grow, so the store never writes one twice.
    /// </summary>
    public static void Add(StoreTxn txn, LightningDatabase db, ReadOnlySpan<byte> key, ReadOnlySpan<byte> payload)
    {
        var code = txn.PutNew(db, key, payload);
        if (code == MDBResultCode.KeyExist) throw txn.Damaged(db, key, "an index entry is already there");
        code.ThrowOnError();
    }

    /// <summary>A version entry: the event's position as the payload.</summary>
    public static void AddVersion(StoreTxn txn, ReadOnlySpan<byte> key, long position)
    {
        Span<byte> payload = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(payload, position);
        Add(txn, txn.Dbs.Versions, key, payload);
    }

    /// <summary>The number at the end of an entry's key.</summary>
    public static long NumberOf(ReadOnlySpan<byte> key) => BinaryPrimitives.ReadInt64BigEndian(key[^8..]);
}

/// <summary>A cursor over one list ([prefix][number] keys): seeks by number in either direction, checks each entry's checksum.</summary>
internal sealed class ListCursor : IDisposable
{
    private readonly StoreTxn _txn;
    private readonly LightningDatabase _db;
    private readonly byte[] _probe; // the prefix, then the number sought
    private readonly int _prefix;
    private readonly int _payload;
    private readonly LightningCursor _cursor;

    public ListCursor(StoreTxn txn, LightningDatabase db, byte[] prefix, int payloadSize)
    {
        _txn = txn;
        _db = db;
        _prefix = prefix.Length;
        _payload = payloadSize;
        _probe = new byte[prefix.Length + 8];
        prefix.CopyTo(_probe, 0);
        _cursor = txn.Tx.CreateCursor(db);
    }

    /// <summary>The first entry whose number is at least <paramref name="number"/>.</summary>
    public bool SeekForward(long number, out long found, out long payload) => Read(_cursor.SeekRange(Probe(number)), out found, out payload);

    /// <summary>The last entry whose number is at most <paramref name="number"/>.</summary>
    public bool SeekBackward(long number, out long found, out long payload)
    {
        var (code, key, value) = _cursor.SeekRange(Probe(number));
        if (code == MDBResultCode.Success && key.AsSpan().SequenceEqual(_probe)) return Read((code, key, value), out found, out payload);
        // The entry there (if any) is above the number or past the list: the one before it.
        return Read(code == MDBResultCode.NotFound ? _cursor.Last() : code == MDBResultCode.Success ? _cursor.Previous() : (code, key, value), out found, out payload);
    }

    /// <summary>The list's last entry.</summary>
    public bool Last(out long found, out long payload) => SeekBackward(long.MaxValue, out found, out payload);

    public bool Next(out long found, out long payload) => Read(_cursor.Next(), out found, out payload);

    public bool Previous(out long found, out long payload) => Read(_cursor.Previous(), out found, out payload);

    private byte[] Probe(long number)
    {
        BinaryPrimitives.WriteInt64BigEndian(_probe.AsSpan(_prefix), number);
        return _probe;
    }

    /// <summary>The entry the cursor is on, when it is one of this list's (checked); false at the list's either end.</summary>
    private bool Read((MDBResultCode Code, MDBValue Key, MDBValue Value) at, out long found, out long payload)
    {
        found = payload = 0;
        if (at.Code == MDBResultCode.NotFound) return false;
        at.Code.ThrowOnError();
        var key = at.Key.AsSpan();
        if (key.Length != _probe.Length || !key[.._prefix].SequenceEqual(_probe.AsSpan(0, _prefix))) return false;
        if (!Sealed.TryOpen(key, at.Value.AsSpan(), out var body) || body.Length != _payload) throw _txn.Damaged(_db, key, "an index entry fails its checksum");
        found = KeyLists.NumberOf(key);
        if (_payload == 8) payload = BinaryPrimitives.ReadInt64LittleEndian(body);
        return true;
    }

    public void Dispose() => _cursor.Dispose();
}
