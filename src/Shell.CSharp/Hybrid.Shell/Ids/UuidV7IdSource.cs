using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Hybrid.Shell.Ids;

/// <summary>
/// Time-ordered UUIDv7 ids taken from the given clock: the production id source. The random bits come from the
/// operating system's secure generator, drawn for many ids at once per thread (<see cref="Guid.CreateVersion7()"/>
/// asks for them one id at a time: a system call per id).
/// </summary>
public sealed class UuidV7IdSource(TimeProvider clock) : IIdSource
{
    /// <summary>A source on the system clock.</summary>
    public static readonly UuidV7IdSource System = new(TimeProvider.System);

    private const int RandomBytesPerId = 10; // bytes 6 to 15: rand_a and rand_b, with the version and variant bits
    private const int PoolBytes = RandomBytesPerId * 400;

    [ThreadStatic] private static byte[]? t_pool;
    [ThreadStatic] private static int t_taken;

    /// <inheritdoc />
    public Guid NewId()
    {
        var pool = t_pool;
        if (pool is null || t_taken == PoolBytes)
        {
            pool = t_pool ??= new byte[PoolBytes];
            RandomNumberGenerator.Fill(pool);
            t_taken = 0;
        }
        Span<byte> bytes = stackalloc byte[16];
        pool.AsSpan(t_taken, RandomBytesPerId).CopyTo(bytes[6..]);
        t_taken += RandomBytesPerId;
        return Compose(clock.GetUtcNow(), bytes);
    }

    /// <summary>
    /// A UUIDv7 for the instant from 16 bytes whose last ten are random: the first six become the Unix milliseconds
    /// (big-endian) and the version and variant bits are set, as <see cref="Guid.CreateVersion7(DateTimeOffset)"/> lays
    /// them out. Shared by the id sources that draw their random bits otherwise (a seeded simulation's).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The instant is before the Unix epoch, or the span is not 16 bytes.</exception>
    public static Guid Compose(DateTimeOffset at, Span<byte> bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(bytes.Length, 16, nameof(bytes));
        var milliseconds = at.ToUnixTimeMilliseconds();
        ArgumentOutOfRangeException.ThrowIfNegative(milliseconds, nameof(at));
        Span<byte> stamp = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(stamp, milliseconds << 16);
        stamp[..6].CopyTo(bytes);
        bytes[6] = (byte)(0x70 | (bytes[6] & 0x0F));
        bytes[8] = (byte)(0x80 | (bytes[8] & 0x3F));
        return new Guid(bytes, bigEndian: true);
    }
}
