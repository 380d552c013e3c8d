using Hybrid.Shell.Ids;

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
        return UuidV7IdSource.Compose(clock.GetUtcNow(), bytes);
    }
}
