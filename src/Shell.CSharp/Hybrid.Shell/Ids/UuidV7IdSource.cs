namespace Hybrid.Shell.Ids;

/// <summary>Time-ordered UUIDv7 ids taken from the given clock: the production id source.</summary>
public sealed class UuidV7IdSource(TimeProvider clock) : IIdSource
{
    /// <summary>A source on the system clock.</summary>
    public static readonly UuidV7IdSource System = new(TimeProvider.System);

    /// <inheritdoc />
    public Guid NewId() => Guid.CreateVersion7(clock.GetUtcNow());
}
