using System.Buffers.Binary;
using System.Text;

namespace Hybrid.Shell.Lmdb.EventStore;

/// <summary>
/// The key layout of the event store. Numbers are big-endian so that keys sort numerically; every key of a tenant
/// starts with its 4-byte tenant number, so a tenant's data is contiguous and no read crosses tenants.
/// </summary>
/// <remarks>
/// events [T][position] → record · ids [T][id] → position ·
/// versions [T][stream][0][first version] → positions of that version and the next ones (up to 64) ·
/// deletions [T][stream] → deleted-up-to (only streams ever deleted or purged) ·
/// postings [T][kind][type or tag][0][first position] → the positions after it (up to 63) · tenants [tenant] → T ·
/// checkpoints [T][processor] → position, fence · dead-letters [T][processor length][processor][position] → letter ·
/// leases [resource] → lease · subject-keys [T][subject] → key · meta [name] → value ·
/// indexed [T] → the position up to which the tenant's events are in ids, versions and postings (its index mark; the
/// events after it, the index tail, are indexed by a later append: see <see cref="IndexTail"/>).
/// A tenant's head is its last key in events, a stream's version the last entry of its list in versions: an append
/// writes the event, its id, its stream version and its postings, and no record of state besides (fewer pages per
/// commit). Versions and postings are lists held as plain keys in chunks (see <see cref="KeyLists"/>), not as
/// LMDB's sorted duplicates: appending to a long list then dirties one leaf of one tree, where a key's duplicates
/// grown into a sub-database dirtied its leaf, its root and the main tree's leaf holding it. The 0 byte ends a name
/// (names never hold U+0000: the core refuses control characters), so one list's keys are contiguous.
/// </remarks>
internal static class StoreKeys
{
    public const byte TypeName = 1;
    public const byte TagName = 2;

    /// <summary>
    /// The longest key the store writes: a posting key holding the longest stream id, event type or tag the core's
    /// limits allow, or the longest lease resource, at 3 UTF-8 bytes per UTF-16 character (a surrogate pair is 4
    /// bytes for 2 characters).
    /// </summary>
    public static readonly int LongestKey = Math.Max(
        5 + 3 * Math.Max(Limits.StreamLength, Math.Max(Limits.EventTypeLength, Limits.TagLength)) + KeyLists.Suffix,
        3 * Limits.LeaseResourceLength); // a lease's key is its resource, UTF-8

    public static byte[] Tenant(uint tenant)
    {
        var key = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(key, tenant);
        return key;
    }

    public static byte[] Event(uint tenant, long position) => TenantAnd(tenant, position);

    /// <summary>An event's key written into a 12-byte span (the writer's per-event keys are not allocated).</summary>
    public static ReadOnlySpan<byte> Event(uint tenant, long position, Span<byte> key)
    {
        BinaryPrimitives.WriteUInt32BigEndian(key, tenant);
        BinaryPrimitives.WriteInt64BigEndian(key[4..], position);
        return key[..12];
    }

    public static byte[] Id(uint tenant, Guid id)
    {
        var key = new byte[20];
        Id(tenant, id, key);
        return key;
    }

    /// <summary>An id's key written into a 20-byte span.</summary>
    public static ReadOnlySpan<byte> Id(uint tenant, Guid id, Span<byte> key)
    {
        BinaryPrimitives.WriteUInt32BigEndian(key, tenant);
        id.TryWriteBytes(key[4..], bigEndian: true, out _);
        return key[..20];
    }

    public static byte[] TenantString(uint tenant, string value)
    {
        var key = new byte[4 + Encoding.UTF8.GetByteCount(value)];
        BinaryPrimitives.WriteUInt32BigEndian(key, tenant);
        Encoding.UTF8.GetBytes(value, key.AsSpan(4));
        return key;
    }

    /// <summary>[T][kind][name][0]: the prefix of a type's or tag's postings.</summary>
    public static byte[] Postings(uint tenant, byte kind, string name)
    {
        var key = new byte[6 + Encoding.UTF8.GetByteCount(name)];
        BinaryPrimitives.WriteUInt32BigEndian(key, tenant);
        key[4] = kind;
        EndedName(name, key.AsSpan(5));
        return key;
    }

    /// <summary>[T][stream][0]: the prefix of a stream's versions.</summary>
    public static byte[] Versions(uint tenant, string stream)
    {
        var key = new byte[5 + Encoding.UTF8.GetByteCount(stream)];
        BinaryPrimitives.WriteUInt32BigEndian(key, tenant);
        EndedName(stream, key.AsSpan(4));
        return key;
    }

    /// <summary>[T][stream][0] written into a span (the writer's per-event version keys are not allocated); its length.</summary>
    public static int Versions(uint tenant, string stream, Span<byte> key)
    {
        BinaryPrimitives.WriteUInt32BigEndian(key, tenant);
        return 4 + EndedName(stream, key[4..]);
    }

    /// <summary>The name's UTF-8 bytes and the 0 that ends it; its length with the 0.</summary>
    private static int EndedName(string name, Span<byte> into)
    {
        var length = Encoding.UTF8.GetBytes(name, into);
        // A 0 inside a name would let another list's keys fall between this list's: the core never lets one through.
        if (into[..length].Contains((byte)0)) throw new ArgumentException($"The name '{name}' holds U+0000, which the store's list keys cannot hold.", nameof(name));
        into[length] = 0;
        return length + 1;
    }

    /// <summary>[T][stream]: the key of a stream's deletion.</summary>
    public static byte[] Stream(uint tenant, string stream) => TenantString(tenant, stream);

    public static byte[] DeadLetter(uint tenant, string processor, long position)
    {
        var name = Encoding.UTF8.GetBytes(processor);
        var key = new byte[4 + 2 + name.Length + 8];
        BinaryPrimitives.WriteUInt32BigEndian(key, tenant);
        BinaryPrimitives.WriteUInt16BigEndian(key.AsSpan(4), (ushort)name.Length);
        name.CopyTo(key.AsSpan(6));
        BinaryPrimitives.WriteInt64BigEndian(key.AsSpan(6 + name.Length), position);
        return key;
    }

    public static byte[] Utf8(string value) => Encoding.UTF8.GetBytes(value);

    public static uint TenantOf(ReadOnlySpan<byte> key) => BinaryPrimitives.ReadUInt32BigEndian(key);

    /// <summary>The last 8 bytes of a key as a number: a position or a version.</summary>
    public static long Last(ReadOnlySpan<byte> key) => BinaryPrimitives.ReadInt64BigEndian(key[^8..]);

    private static byte[] TenantAnd(uint tenant, long value)
    {
        var key = new byte[12];
        BinaryPrimitives.WriteUInt32BigEndian(key, tenant);
        BinaryPrimitives.WriteInt64BigEndian(key.AsSpan(4), value);
        return key;
    }
}
