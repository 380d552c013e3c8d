namespace Hybrid.InMemory.EventStore;

/// <summary>A stream of a tenant log: the position of each version, and its tombstone.</summary>
internal sealed class StreamEntry
{
    /// <summary>Positions[v - 1] is the position of version v.</summary>
    public readonly PositionList Positions = new();

    public long DeletedUpTo;

    public long Version => Positions.Count;

    public bool IsLive => Version > DeletedUpTo;

    public StreamState State => new(Version, DeletedUpTo);
}
