using System.Buffers.Binary;
using LightningDB;

namespace Hybrid.Shell.Lmdb.EventStore;

/// <summary>
/// The value lists of the postings and versions databases (LMDB sorted, fixed-size duplicates): under one key, values
/// [number, big-endian][second number, for versions][checksum of key and numbers], kept in number order. Numbers only
/// grow (positions, versions), so each value is appended at the end of its key's list and pages fill completely.
/// </summary>
internal static class SortedDuplicates
{
    public const DatabaseOpenFlags Flags = DatabaseOpenFlags.DuplicatesSort | DatabaseOpenFlags.DuplicatesFixed;

    /// <summary>A value: the number, the second number when <paramref name="withSecond"/>, then the checksum.</summary>
    public static byte[] Value(ReadOnlySpan<byte> key, long number, long second = 0, bool withSecond = false)
    {
        var value = new byte[(withSecond ? 16 : 8) + Sealed.Overhead];
        BinaryPrimitives.WriteInt64BigEndian(value, number);
        if (withSecond) BinaryPrimitives.WriteInt64BigEndian(value.AsSpan(8), second);
        Sealed.SealInPlace(key, value);
        return value;
    }

    /// <summary>Adds the value of <paramref name="number"/> (and <paramref name="second"/>) after every value the key has.</summary>
    public static void Append(StoreTxn txn, LightningDatabase db, byte[] key, long number, long second = 0, bool withSecond = false)
    {
        Span<byte> value = stackalloc byte[(withSecond ? 16 : 8) + Sealed.Overhead];
        BinaryPrimitives.WriteInt64BigEndian(value, number);
        if (withSecond) BinaryPrimitives.WriteInt64BigEndian(value[8..], second);
        Sealed.SealInPlace(key, value);
        Append(txn, db, key, value);
    }

    /// <summary>Adds a value after every value the key has (its number is larger than theirs).</summary>
    public static void Append(StoreTxn txn, LightningDatabase db, byte[] key, ReadOnlySpan<byte> value)
    {
        var code = txn.PutDuplicateLast(db, key, value);
        if (code == MDBResultCode.KeyExist) throw txn.Damaged(db, key, "a value is not above the values already under its key");
        code.ThrowOnError();
    }
}

/// <summary>A cursor over one key's sorted values: seeks by number in either direction, checks each value's checksum.</summary>
internal sealed class DuplicateCursor(StoreTxn txn, LightningDatabase db, byte[] key, int valueSize) : IDisposable
{
    private readonly LightningCursor _cursor = txn.Tx.CreateCursor(db);

    /// <summary>The first value whose number is at least <paramref name="number"/>.</summary>
    public bool SeekForward(long number, out long found, out long second)
    {
        var code = _cursor.GetBothRange(key, Probe(number));
        return Read(code, out found, out second);
    }

    /// <summary>The last value whose number is at most <paramref name="number"/>.</summary>
    public bool SeekBackward(long number, out long found, out long second)
    {
        var code = _cursor.GetBothRange(key, Probe(number));
        if (code == MDBResultCode.Success && Read(code, out found, out second) && found == number) return true;
        if (code == MDBResultCode.Success) return Read(_cursor.PreviousDuplicate().resultCode, out found, out second);
        // Every value is below the number (or the key has none): the last one, if any.
        return Last(out found, out second);
    }

    /// <summary>The key's last value.</summary>
    public bool Last(out long found, out long second)
    {
        var code = _cursor.Set(key);
        return Read(code == MDBResultCode.Success ? _cursor.LastDuplicate().resultCode : code, out found, out second);
    }

    public bool Next(out long found, out long second) => Read(_cursor.NextDuplicate().resultCode, out found, out second);

    public bool Previous(out long found, out long second) => Read(_cursor.PreviousDuplicate().resultCode, out found, out second);

    private byte[] Probe(long number)
    {
        var probe = new byte[valueSize];
        BinaryPrimitives.WriteInt64BigEndian(probe, number);
        return probe;
    }

    private bool Read(MDBResultCode code, out long found, out long second)
    {
        found = second = 0;
        if (code == MDBResultCode.NotFound) return false;
        code.ThrowOnError();
        var (_, k, v) = _cursor.GetCurrent();
        var value = v.AsSpan();
        if (value.Length != valueSize || !Sealed.TryOpen(k.AsSpan(), value, out _)) throw txn.Damaged(db, k.AsSpan(), "a value fails its checksum");
        found = BinaryPrimitives.ReadInt64BigEndian(value);
        if (valueSize > 8 + Sealed.Overhead) second = BinaryPrimitives.ReadInt64BigEndian(value[8..]);
        return true;
    }

    public void Dispose() => _cursor.Dispose();
}
