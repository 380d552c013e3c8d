namespace Hybrid.InMemory.Ids;

/// <summary>
/// Deterministic UUIDv7-shaped ids for simulations: the timestamp comes from the (virtual) clock and the random bits
/// from a seeded generator, so the same seed gives the same ids. Thread-safe.
/// </summary>
public sealed class SeededIdSource(int seed, TimeProvider clock) : IIdSource
{
    private readonly Random _random = new(seed);
    private readonly object _gate = new();

    /// <inheritdoc />
    public Guid NewId()
    {
        Span<byte> bytes = stackalloc byte[16];
        lock (_gate) _random.NextBytes(bytes);
        var template = Guid.CreateVersion7(clock.GetUtcNow()).ToByteArray(bigEndian: true);
        template.AsSpan(0, 6).CopyTo(bytes);
        bytes[6] = (byte)(0x70 | (bytes[6] & 0x0F));
        bytes[8] = (byte)(0x80 | (bytes[8] & 0x3F));
        return new Guid(bytes, bigEndian: true);
    }
}
