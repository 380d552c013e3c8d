using System.Buffers.Binary;

namespace Hybrid.InMemory.Ids;

/// <summary>
/// Deterministic UUIDv7-shaped ids for simulations: the timestamp comes from the (virtual) clock and the random bits
/// from a seeded generator, so the same seed gives the same ids. Thread-safe.
/// </summary>
public sealed class SeededIdSource(int seed, TimeProvider clock) : IIdSource
{
    private readonly Random _random = new(seed);
    private readonly Lock _gate = new();

    /// <inheritdoc />
    public Guid NewId()
    {
        Span<byte> bytes = stackalloc byte[16];
        lock (_gate) _random.NextBytes(bytes);
        // The first 48 bits are the Unix milliseconds, big-endian, as in Guid.CreateVersion7, which is not called
        // because it draws its own random bits from the OS (a system call per id) only for them to be overwritten.
        var milliseconds = clock.GetUtcNow().ToUnixTimeMilliseconds();
        ArgumentOutOfRangeException.ThrowIfNegative(milliseconds, "clock");
        Span<byte> stamp = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(stamp, milliseconds << 16);
        stamp[..6].CopyTo(bytes);
        bytes[6] = (byte)(0x70 | (bytes[6] & 0x0F));
        bytes[8] = (byte)(0x80 | (bytes[8] & 0x3F));
        return new Guid(bytes, bigEndian: true);
    }
}
