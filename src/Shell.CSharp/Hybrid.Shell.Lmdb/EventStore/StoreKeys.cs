using System.Buffers.Binary;
using System.Text;

namespace Hybrid.Shell.Lmdb.EventStore;

/// <summary>
/// The key layout of the event store. Numbers are big-endian so that keys sort numerically; every key of a tenant
/// starts with its 4-byte tenant number, so a tenant's data is contiguous and no read crosses tenants.
/// </summary>
/// <remarks>
/// events [T][position] → record · ids [T][id] → position · versions [T][stream] → sorted (version, position) ·
/// deletions [T][stream] → deleted-up-to (only streams ever deleted or purged) ·
/// postings [T][kind][type or tag] → sorted positions · tenants [tenant] → T ·
/// checkpoints [T][processor] → position, fence · dead-letters [T][processor length][processor][position] → letter ·
/// leases [resource] → lease · subject-keys [T][subject] → key · meta [name] → value.
/// A tenant's head is its last key in events, a stream's version its last value in versions: an append writes the
/// event, its id, its stream version and its postings, and no record of state besides (fewer pages per commit).
/// </remarks>
internal static class StoreKeys
{
    public const byte TypeName = 1;
    public const byte TagName = 2;

    /// <summary>
    /// The longest key the store writes: a posting key holding the longest stream id, event type or tag the core's
    /// limits allow, at 3 UTF-8 bytes per UTF-16 character (a surrogate pair is 4 bytes for 2 characters).
    /// </summary>
    public static readonly int LongestKey = 5 + 3 * Math.Max(Limits.StreamLength, Math.Max(Limits.EventTypeLength, Limits.TagLength));

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

    /// <summary>[T][kind][name]: the key of a type's or tag's postings.</summary>
    public static byte[] Posting(uint tenant, byte kind, string name)
    {
        var key = new byte[5 + Encoding.UTF8.GetByteCount(name)];
        BinaryPrimitives.WriteUInt32BigEndian(key, tenant);
        key[4] = kind;
        Encoding.UTF8.GetBytes(name, key.AsSpan(5));
        return key;
    }

    /// <summary>[T][stream]: the key of a stream's versions (and of its deletion).</summary>
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
